// The length-prefixed TCP transport.
#include "server/net/tcp_transport.hpp"

#include <boost/asio/buffer.hpp>

#include <poll.h>

#include <algorithm>
#include <span>

namespace tcs::net {

namespace asio = boost::asio;

char* shared_read_buffer() {
  static std::array<char, shared_read_buffer_bytes> buffer;
  return buffer.data();
}

void tcp_transport::start(transport_events& events) {
  events_ = &events;
  boost::system::error_code ec;
  socket_.non_blocking(true, ec);
}

std::string tcp_transport::remote_address() const {
  boost::system::error_code ec;
  auto endpoint = socket_.remote_endpoint(ec);
  return ec ? "?" : endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

void tcp_transport::read() {
  socket_.async_read_some(asio::buffer(inbox_),
                          [this, keep = events_->keep_alive()](const boost::system::error_code& ec,
                                                               std::size_t n) { on_read(ec, n); });
}

void tcp_transport::on_read(const boost::system::error_code& ec, std::size_t n) {
  if (!ec) {
    decoder_.feed(inbox_.data(), n);
    if (n == inbox_.size()) {
      // The inbox filled: take what else is waiting (up to one shared buffer) without waiting.
      // An error here ends nothing yet: the next read sees it again after these messages ran.
      boost::system::error_code more_ec;
      char* buffer = shared_read_buffer();
      const std::size_t more =
          socket_.read_some(asio::buffer(buffer, shared_read_buffer_bytes), more_ec);
      if (!more_ec)
        decoder_.feed(buffer, more);
    }
  }
  events_->on_input(ec);
}

// Writes what is queued, up to max_frames_per_write frames per system call, straight away. When
// the socket is full it waits until it can take more; the session calls write() again then,
// and it goes on from where it stopped (outbox::head_written()).
message_transport::write_status tcp_transport::write(outbox& out) {
  while (!out.empty()) {
    const std::size_t count = std::min(out.size(), max_frames_per_write);
    std::array<asio::const_buffer, max_frames_per_write> buffers;
    buffers[0] = asio::buffer(out.frame_at(0)) + out.head_written();
    for (std::size_t i = 1; i < count; ++i)
      buffers[i] = asio::buffer(out.frame_at(i));
    boost::system::error_code ec;
    const std::size_t n =
        socket_.write_some(std::span<const asio::const_buffer>(buffers.data(), count), ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) {
      socket_.async_wait(asio::socket_base::wait_write,
                         [this, keep = events_->keep_alive()](const boost::system::error_code& e) {
                           events_->on_writable(e);
                         });
      return write_status::pending;
    }
    if (ec)
      return write_status::failed;
    out.written(n);
  }
  return write_status::done;
}

// No read is pending while a request runs, so ask the kernel: POLLRDHUP once the peer has
// closed its side (a client that half-closes and waits for the reply counts as gone), POLLHUP
// or POLLERR after a reset. A zero-timeout poll(): it never blocks.
bool tcp_transport::hung_up() {
  if (!socket_.is_open())
    return true;
  pollfd p{socket_.native_handle(), POLLRDHUP, 0};
  return ::poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) != 0;
}

void tcp_transport::close() {
  boost::system::error_code ignored;
  socket_.shutdown(asio::socket_base::shutdown_both, ignored);
  socket_.close(ignored);
  decoder_ = frame_decoder{};  // the transport may outlive its socket for a while
}

}  // namespace tcs::net
