// The frames waiting to be written to one peer, in order, and the bytes they hold: the
// session's outbound accounting (a peer whose queue passes --max-outbound-bytes is closed).
//
// The session pushes encoded frames (4-byte length + JSON, encode_message()); a frame sent to
// many peers is encoded once and shared, not copied. The transport takes frames off the front
// as it writes them: a stream transport by bytes (written(), which remembers how far into the
// first frame it got), a message transport by whole frames (written(size of the rest)). A
// vector, not a deque, so an empty outbox holds no memory. Used on the loop thread only;
// header-only so the unit tests can drive it without sockets.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace tcs::net {

// An outbox that grew past this many slots during a burst gives the memory back once empty.
inline constexpr std::size_t outbox_slots_kept = 8;

class outbox {
 public:
  using frame = std::shared_ptr<const std::string>;

  void push(frame f) {
    bytes_ += f->size();
    frames_.push_back(std::move(f));
  }

  bool empty() const noexcept { return head_ == frames_.size(); }
  // Frames queued and not yet completely written.
  std::size_t size() const noexcept { return frames_.size() - head_; }
  // Their bytes, including the part of the first one already written.
  std::size_t bytes() const noexcept { return bytes_; }
  // The i-th queued frame; frame(0) is the one being written.
  const std::string& frame_at(std::size_t i) const { return *frames_[head_ + i]; }
  // A shared owner of the i-th queued frame, for a transport that writes asynchronously.
  const frame& shared_at(std::size_t i) const { return frames_[head_ + i]; }
  // Bytes of the first queued frame already written.
  std::size_t head_written() const noexcept { return head_written_; }

  // `n` more bytes were written: drops the frames they complete and remembers how far into
  // the next one they got. Once empty, a slot vector grown in a burst is given back.
  void written(std::size_t n) {
    while (n > 0) {
      const std::size_t left = frames_[head_]->size() - head_written_;
      if (n < left) {
        head_written_ += n;
        return;
      }
      n -= left;
      head_written_ = 0;
      bytes_ -= frames_[head_]->size();
      frames_[head_++].reset();
    }
    if (empty())
      clear();
  }

  // Drops every frame (the peer is closed).
  void clear() {
    frames_.clear();
    head_ = 0;
    head_written_ = 0;
    bytes_ = 0;
    if (frames_.capacity() > outbox_slots_kept)
      frames_.shrink_to_fit();
  }

 private:
  // Frames [head_, end) wait to be written; the ones before head_ were written and reset.
  std::vector<frame> frames_;
  std::size_t head_ = 0;
  std::size_t head_written_ = 0;
  std::size_t bytes_ = 0;
};

}  // namespace tcs::net
