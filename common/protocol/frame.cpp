// Frame encoding and incremental decoding.
#include "common/protocol/frame.hpp"

#include "common/protocol/limits.hpp"

#include <cassert>
#include <cstdint>

namespace tcs {

std::string encode_frame(std::string_view payload) {
  assert(!payload.empty() && payload.size() <= max_frame_bytes);
  const auto n = static_cast<std::uint32_t>(payload.size());
  std::string frame(frame_header_bytes, '\0');
  write_frame_header(frame.data(), n);
  frame.append(payload);
  return frame;
}

void write_frame_header(char* out, std::uint32_t payload_size) {
  out[0] = static_cast<char>((payload_size >> 24) & 0xFF);
  out[1] = static_cast<char>((payload_size >> 16) & 0xFF);
  out[2] = static_cast<char>((payload_size >> 8) & 0xFF);
  out[3] = static_cast<char>(payload_size & 0xFF);
}

void frame_decoder::feed(const char* data, std::size_t size) {
  if (failed_)
    return;
  // Compact lazily so a long-lived connection does not keep consumed bytes around.
  if (read_pos_ > 0 && read_pos_ == buffer_.size()) {
    buffer_.clear();
    read_pos_ = 0;
  } else if (read_pos_ > max_frame_bytes) {
    buffer_.erase(0, read_pos_);
    read_pos_ = 0;
  }
  // A frame that arrives in pieces gets a buffer of its own size at once: grown by doubling,
  // a 64 KiB frame would take 128 KiB.
  const std::size_t pending = pending_bytes();
  if (pending + size >= frame_header_bytes) {
    unsigned char h[frame_header_bytes];
    for (std::size_t i = 0; i < frame_header_bytes; ++i)
      h[i] = static_cast<unsigned char>(i < pending ? buffer_[read_pos_ + i] : data[i - pending]);
    const std::uint32_t n = (std::uint32_t{h[0]} << 24) | (std::uint32_t{h[1]} << 16) |
                            (std::uint32_t{h[2]} << 8) | std::uint32_t{h[3]};
    const std::size_t frame_end = read_pos_ + frame_header_bytes + n;
    if (n <= max_frame_bytes && frame_end > buffer_.size() + size && frame_end > buffer_.capacity())
      buffer_.reserve(frame_end);
  }
  buffer_.append(data, size);
}

void frame_decoder::release_memory() {
  if (read_pos_ == buffer_.size()) {
    std::string().swap(buffer_);
  } else {
    buffer_.erase(0, read_pos_);
    buffer_.shrink_to_fit();
  }
  read_pos_ = 0;
}

std::optional<frame_decoder::event> frame_decoder::next() {
  if (failed_)
    return std::nullopt;
  if (pending_bytes() < frame_header_bytes)
    return std::nullopt;
  const auto* h = reinterpret_cast<const unsigned char*>(buffer_.data() + read_pos_);
  const std::uint32_t n = (std::uint32_t{h[0]} << 24) | (std::uint32_t{h[1]} << 16) |
                          (std::uint32_t{h[2]} << 8) | std::uint32_t{h[3]};
  if (n == 0) {
    read_pos_ += frame_header_bytes;
    return event{std::nullopt, errc::empty_frame};
  }
  if (n > max_frame_bytes) {
    failed_ = true;
    return event{std::nullopt, errc::frame_too_large};
  }
  if (pending_bytes() < frame_header_bytes + n)
    return std::nullopt;
  event ev{buffer_.substr(read_pos_ + frame_header_bytes, n), std::nullopt};
  read_pos_ += frame_header_bytes + n;
  return ev;
}

}  // namespace tcs
