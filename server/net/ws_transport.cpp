// The WebSocket transport.
#include "server/net/ws_transport.hpp"

#include <poll.h>

namespace tcs::net {

namespace asio = boost::asio;
namespace beast = boost::beast;

std::string ws_transport::remote_address() const {
  boost::system::error_code ec;
  auto endpoint = const_cast<ws_transport*>(this)->socket().remote_endpoint(ec);
  return ec ? "?" : endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

void ws_transport::read() {
  ws_.async_read_some(in_, ws_read_chunk_bytes,
                      [this, keep = events_->keep_alive()](const boost::system::error_code& ec,
                                                           std::size_t) { on_read(ec); });
}

void ws_transport::on_read(const boost::system::error_code& ec) {
  if (!ec && ws_.got_binary()) {
    // The protocol is JSON text; a binary message is refused with 1003 (unsupported data).
    in_.clear();
    ws_.async_close(beast::websocket::close_code::unknown_data,
                    [this, keep = events_->keep_alive()](const boost::system::error_code&) {
                      events_->on_input(beast::websocket::error::closed);
                    });
    return;
  }
  if (!ec && ws_.is_message_done())
    message_ready_ = true;
  events_->on_input(ec);
}

std::optional<message_transport::inbound> ws_transport::next_message() {
  if (!message_ready_)
    return std::nullopt;
  message_ready_ = false;
  if (in_.size() == 0)
    return inbound{std::nullopt, errc::empty_frame};
  std::string payload(static_cast<const char*>(in_.data().data()), in_.size());
  in_.consume(in_.size());
  return inbound{std::move(payload), std::nullopt};
}

// One text message per queued frame, without its 4-byte prefix.
message_transport::write_status ws_transport::write(outbox& out) {
  if (closed_)
    return write_status::failed;
  if (written_ > 0)
    out.written(std::exchange(written_, 0));
  writing_.reset();
  if (out.empty())
    return write_status::done;
  writing_ = out.shared_at(0);
  const std::string& frame = *writing_;
  ws_.async_write(
      asio::buffer(frame.data() + frame_header_bytes, frame.size() - frame_header_bytes),
      [this, keep = events_->keep_alive()](const boost::system::error_code& ec, std::size_t) {
        written_ = ec || !writing_ ? 0 : writing_->size();
        events_->on_writable(ec);
      });
  return write_status::pending;
}

bool ws_transport::hung_up() {
  if (closed_ || !socket().is_open())
    return true;
  pollfd p{socket().native_handle(), POLLRDHUP, 0};
  return ::poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) != 0;
}

void ws_transport::close() {
  closed_ = true;
  boost::system::error_code ignored;
  socket().shutdown(asio::socket_base::shutdown_both, ignored);
  ws_.next_layer().close();
  in_.clear();
  in_.shrink_to_fit();
}

}  // namespace tcs::net
