// The TLS transport and its handshake.
#include "server/net/tls_transport.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <openssl/ssl.h>
#include <poll.h>

#include <algorithm>

namespace tcs::net {

namespace asio = boost::asio;

namespace {

char* shared_tls_read_buffer() {
  static std::array<char, shared_read_buffer_bytes> buffer;
  return buffer.data();
}

void close_socket(asio::ip::tcp::socket& socket) {
  boost::system::error_code ignored;
  socket.shutdown(asio::socket_base::shutdown_both, ignored);
  socket.close(ignored);
}

struct handshake {
  handshake(asio::ip::tcp::socket socket, tls_context_ptr ctx)
      : stream(std::move(socket), *ctx), timer(stream.get_executor()), context(std::move(ctx)) {}
  tls_transport::stream stream;
  asio::steady_timer timer;
  tls_context_ptr context;
  pending_set::ticket ticket;
};

}  // namespace

std::string address_of(const asio::ip::tcp::socket& socket) {
  boost::system::error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  return ec ? "?" : endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

void start_tls_handshake(asio::ip::tcp::socket socket, tls_context_ptr context,
                         std::chrono::steady_clock::duration timeout, pending_set& pending,
                         std::function<void(std::unique_ptr<tls_transport>)> ready) {
  auto hs = std::make_shared<handshake>(std::move(socket), std::move(context));
  hs->ticket = pending.add([raw = hs.get()] { close_socket(raw->stream.next_layer()); });
  hs->timer.expires_after(timeout);
  hs->timer.async_wait([hs](const boost::system::error_code& ec) {
    if (!ec)
      close_socket(hs->stream.next_layer());  // the handshake then fails
  });
  hs->stream.async_handshake(
      asio::ssl::stream_base::server,
      [hs, ready = std::move(ready)](const boost::system::error_code& ec) {
        hs->ticket.reset();
        hs->timer.cancel();
        if (ec || !hs->stream.next_layer().is_open()) {
          close_socket(hs->stream.next_layer());
          return;
        }
        ready(std::make_unique<tls_transport>(std::move(hs->stream), hs->context));
      });
}

std::string tls_transport::remote_address() const {
  return address_of(stream_.next_layer());
}

void tls_transport::read() {
  stream_.async_read_some(asio::buffer(inbox_),
                          [this, keep = events_->keep_alive()](const boost::system::error_code& ec,
                                                               std::size_t n) { on_read(ec, n); });
}

void tls_transport::on_read(const boost::system::error_code& ec, std::size_t n) {
  if (!ec) {
    decoder_.feed(inbox_.data(), n);
    // What OpenSSL has decrypted already is read at once: SSL_pending() > 0 means the read
    // needs no socket I/O, so the synchronous call cannot block.
    char* buffer = shared_tls_read_buffer();
    while (SSL_pending(stream_.native_handle()) > 0) {
      boost::system::error_code more_ec;
      const std::size_t more =
          stream_.read_some(asio::buffer(buffer, shared_read_buffer_bytes), more_ec);
      if (more_ec || more == 0)
        break;
      decoder_.feed(buffer, more);
    }
  }
  events_->on_input(ec);
}

// Takes the last completed write off the outbox, then starts the next one if frames wait.
message_transport::write_status tls_transport::write(outbox& out) {
  if (closed_)
    return write_status::failed;
  if (written_ > 0)
    out.written(std::exchange(written_, 0));
  writing_.clear();
  buffers_.clear();
  if (out.empty())
    return write_status::done;
  const std::size_t count = std::min(out.size(), max_frames_per_write);
  for (std::size_t i = 0; i < count; ++i) {
    writing_.push_back(out.shared_at(i));
    buffers_.push_back(asio::buffer(*writing_.back()) + (i == 0 ? out.head_written() : 0));
  }
  asio::async_write(
      stream_, buffers_,
      [this, keep = events_->keep_alive()](const boost::system::error_code& ec, std::size_t n) {
        written_ = ec ? 0 : n;
        events_->on_writable(ec);
      });
  return write_status::pending;
}

bool tls_transport::hung_up() {
  const auto& socket = stream_.next_layer();
  if (closed_ || !socket.is_open())
    return true;
  pollfd p{const_cast<asio::ip::tcp::socket&>(socket).native_handle(), POLLRDHUP, 0};
  return ::poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) != 0;
}

void tls_transport::close() {
  closed_ = true;
  close_socket(stream_.next_layer());
  decoder_ = frame_decoder{};
}

}  // namespace tcs::net
