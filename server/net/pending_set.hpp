// Connections that are not sessions yet: a TLS handshake in progress, an HTTP connection
// before (or without) its WebSocket upgrade. They count against --max-connections with the
// sessions, and a stopping server closes them at once instead of waiting for their time-outs.
//
// add() registers a way to close one and returns a ticket; the connection is forgotten when
// the ticket is dropped (the handshake or the HTTP exchange ended, whichever way). Used on
// the loop thread only; header-only so the unit tests can drive it without sockets.
#pragma once

#include <cstddef>
#include <functional>
#include <list>
#include <utility>

namespace tcs::net {

class pending_set {
  using list = std::list<std::function<void()>>;

 public:
  class ticket {
   public:
    ticket() = default;
    ticket(ticket&& o) noexcept : set_(std::exchange(o.set_, nullptr)), it_(o.it_) {}
    ticket& operator=(ticket&& o) noexcept {
      if (this != &o) {
        reset();
        set_ = std::exchange(o.set_, nullptr);
        it_ = o.it_;
      }
      return *this;
    }
    ~ticket() { reset(); }
    void reset() {
      if (set_)
        set_->items_.erase(it_);
      set_ = nullptr;
    }

   private:
    friend class pending_set;
    ticket(pending_set* set, list::iterator it) : set_(set), it_(it) {}
    pending_set* set_ = nullptr;
    list::iterator it_;
  };

  pending_set() = default;
  pending_set(const pending_set&) = delete;
  pending_set& operator=(const pending_set&) = delete;

  // `close` ends the connection at once (its pending operations then fail); it must not
  // drop the ticket itself.
  [[nodiscard]] ticket add(std::function<void()> close) {
    items_.push_back(std::move(close));
    return ticket(this, std::prev(items_.end()));
  }
  std::size_t size() const noexcept { return items_.size(); }
  // Closes every connection registered; their tickets are dropped as their handlers end.
  void close_all() {
    for (auto& close : items_)
      close();
  }

 private:
  list items_;
};

}  // namespace tcs::net
