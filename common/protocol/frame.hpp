// Length-prefixed framing: 4-byte unsigned big-endian length N, then N bytes of payload.
//
// encode_frame() builds one frame; frame_decoder turns an arbitrarily split byte stream back
// into payloads. Neither does I/O.
#pragma once

#include "common/protocol/errc.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tcs {

// The frame for `payload`. Precondition: 1 <= payload.size() <= max_frame_bytes.
std::string encode_frame(std::string_view payload);

// Writes the 4-byte header for a payload of `payload_size` bytes at `out`.
void write_frame_header(char* out, std::uint32_t payload_size);

// Incremental decoder. feed() appends bytes; next() yields complete payloads in order.
//
// After next() reports frame_too_large the stream cannot be resynchronised: the decoder stays
// failed and the caller must close the connection. empty_frame consumes the header and the
// stream stays usable.
class frame_decoder {
 public:
  struct event {
    std::optional<std::string> payload;  // a complete frame, or
    std::optional<errc> error;           // a framing error
  };

  void feed(const char* data, std::size_t size);
  void feed(std::string_view bytes) { feed(bytes.data(), bytes.size()); }

  // The next complete frame or error, or nullopt when more bytes are needed.
  std::optional<event> next();

  // Bytes received but not yet returned as a frame (a truncated frame at end of stream).
  std::size_t pending_bytes() const noexcept { return buffer_.size() - read_pos_; }
  bool failed() const noexcept { return failed_; }

  // Heap bytes the decoder's buffer holds (what the server counts against its input budget).
  std::size_t capacity() const noexcept { return buffer_.capacity(); }
  // Gives back the buffer's memory beyond the bytes still pending (all of it when none is).
  void release_memory();

 private:
  std::string buffer_;
  std::size_t read_pos_ = 0;
  bool failed_ = false;
};

}  // namespace tcs
