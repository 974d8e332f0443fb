// One budget for the memory that unfinished requests hold across all connections.
//
// A frame may be up to 64 KiB and arrives in pieces, so a connection that sends all but the
// last byte of one makes the server hold 64 KiB for it; thousands of them would hold
// hundreds of megabytes. Every session reports what its input buffer holds beyond the small
// buffer each session keeps (update()); when the total goes over the limit
// (--max-input-bytes), the sessions holding the most are evicted (closed) until it is back
// under it. A legitimate client sends small requests that complete at once, so only floods
// of unfinished large frames hit the limit.
//
// Buffers given back after use are counted too (released()): the loop returns freed heap to
// the system (malloc_trim) once enough was given back, see listener.cpp. Used on the loop
// thread only; header-only so the unit tests can drive it without sockets.
#pragma once

#include <cstddef>
#include <functional>
#include <set>
#include <utility>

namespace tcs::net {

// Input buffer bytes a session keeps between requests without counting them: every session
// has such a buffer, and a request or a chat line fits in it.
inline constexpr std::size_t input_kept_bytes = 1024;

// Once this much input memory was given back, the loop asks the allocator to return freed
// pages to the system (glibc keeps them otherwise, and RSS would stay at its peak).
inline constexpr std::size_t input_return_after_bytes = 1 << 20;

class input_budget {
 public:
  // What a session is to the budget: the bytes it holds, and a way to close it.
  class holder {
   public:
    // Closes the connection, at once or by a teardown posted to the loop; the budget stops
    // counting it either way (update() takes out a holder that did not leave).
    virtual void evict() = 0;

   protected:
    holder() = default;
    ~holder() = default;

   private:
    friend class input_budget;
    std::size_t held_ = 0;
  };

  explicit input_budget(std::size_t limit) : limit_(limit) {}
  input_budget(const input_budget&) = delete;
  input_budget& operator=(const input_budget&) = delete;

  // `h` now holds `bytes` of input (0 when it closes). Beyond the limit, evicts the holders
  // of the most, possibly `h` itself, until the total is within the limit again. Returns
  // false when `h` was evicted.
  bool update(holder& h, std::size_t bytes) {
    if (bytes < h.held_) {
      released_ += h.held_ - bytes;
      if (released_ >= input_return_after_bytes)
        ask_for_housekeeping();
    }
    if (h.held_ > 0)
      holders_.erase({h.held_, &h});
    total_ = total_ - h.held_ + bytes;
    h.held_ = bytes;
    if (bytes > 0)
      holders_.insert({bytes, &h});
    bool kept = true;
    while (total_ > limit_ && !holders_.empty()) {
      holder* victim = holders_.rbegin()->second;
      ++evicted_;
      ask_for_housekeeping();
      if (victim == &h)
        kept = false;
      victim->evict();
      if (victim->held_ > 0)  // evict() did not leave: take it out so the loop ends
        update(*victim, 0);
    }
    return kept;
  }

  std::size_t total() const noexcept { return total_; }
  std::size_t limit() const noexcept { return limit_; }
  std::size_t holders() const noexcept { return holders_.size(); }

  // `f` is called once when there is housekeeping to do: the bytes given back reached
  // input_return_after_bytes (return memory to the system) or sessions were evicted (one log
  // line for a burst, not one per session). The callee later calls housekeeping_done().
  void on_housekeeping(std::function<void()> f) { on_housekeeping_ = std::move(f); }
  struct housekeeping {
    std::size_t released = 0;  // bytes given back since the last call
    std::size_t evicted = 0;   // sessions evicted since the last call
  };
  housekeeping housekeeping_done() noexcept {
    asked_ = false;
    return {std::exchange(released_, 0), std::exchange(evicted_, 0)};
  }
  std::size_t evicted() const noexcept { return evicted_; }

 private:
  void ask_for_housekeeping() {
    if (asked_ || !on_housekeeping_)
      return;
    asked_ = true;
    on_housekeeping_();
  }

  std::size_t limit_;
  std::size_t total_ = 0;
  std::size_t released_ = 0;
  std::size_t evicted_ = 0;
  bool asked_ = false;
  std::function<void()> on_housekeeping_;
  std::set<std::pair<std::size_t, holder*>> holders_;  // by bytes held, the most last
};

}  // namespace tcs::net
