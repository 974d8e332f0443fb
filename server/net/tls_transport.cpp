// The TLS transport and its handshake: OpenSSL on the non-blocking socket, Asio for readiness.
#include "server/net/tls_transport.hpp"

#include "server/net/tcp_transport.hpp"

#include <boost/asio/steady_timer.hpp>

#include <openssl/err.h>
#include <poll.h>

#include <array>

namespace tcs::net {

namespace asio = boost::asio;

namespace {

void close_socket(asio::ip::tcp::socket& socket) {
  boost::system::error_code ignored;
  socket.shutdown(asio::socket_base::shutdown_both, ignored);
  socket.close(ignored);
}

// One handshake in progress: its own socket and SSL until it completes.
struct handshake : std::enable_shared_from_this<handshake> {
  handshake(asio::ip::tcp::socket s, ssl_ptr tls, tls_context_ptr ctx,
            std::function<void(std::unique_ptr<tls_transport>)> on_ready)
      : socket(std::move(s)),
        ssl(std::move(tls)),
        context(std::move(ctx)),
        timer(socket.get_executor()),
        ready(std::move(on_ready)) {}

  // Advances the handshake as far as the socket allows, then waits for it.
  void step() {
    ERR_clear_error();
    const int r = SSL_do_handshake(ssl.get());
    if (r == 1) {
      finish(true);
      return;
    }
    const int e = SSL_get_error(ssl.get(), r);
    if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
      finish(false);
      return;
    }
    socket.async_wait(
        e == SSL_ERROR_WANT_READ ? asio::socket_base::wait_read : asio::socket_base::wait_write,
        [self = shared_from_this()](const boost::system::error_code& ec) {
          if (ec || !self->socket.is_open())
            self->finish(false);
          else
            self->step();
        });
  }

  void finish(bool ok) {
    ticket.reset();
    timer.cancel();
    if (!ok) {
      close_socket(socket);
      return;
    }
    ready(std::make_unique<tls_transport>(std::move(socket), std::move(ssl), context));
  }

  asio::ip::tcp::socket socket;
  ssl_ptr ssl;
  tls_context_ptr context;
  asio::steady_timer timer;
  pending_set::ticket ticket;
  std::function<void(std::unique_ptr<tls_transport>)> ready;
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
  boost::system::error_code ec;
  socket.non_blocking(true, ec);
  ssl_ptr ssl(SSL_new(context->native_handle()));
  if (ec || !ssl || SSL_set_fd(ssl.get(), socket.native_handle()) != 1) {
    close_socket(socket);
    return;
  }
  SSL_set_accept_state(ssl.get());
  // A write may stop part-way through a frame (the rest follows when the socket has room).
  SSL_set_mode(ssl.get(), SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  auto hs = std::make_shared<handshake>(std::move(socket), std::move(ssl), std::move(context),
                                        std::move(ready));
  hs->ticket = pending.add([raw = hs.get()] { close_socket(raw->socket); });
  hs->timer.expires_after(timeout);
  hs->timer.async_wait([hs](const boost::system::error_code& timer_ec) {
    if (!timer_ec)
      close_socket(hs->socket);  // the wait in progress then fails and ends the handshake
  });
  hs->step();
}

std::string tls_transport::remote_address() const {
  return address_of(socket_);
}

void tls_transport::wait(asio::socket_base::wait_type type) {
  socket_.async_wait(type, [this, keep = events_->keep_alive()](
                               const boost::system::error_code& ec) { on_ready(ec); });
}

void tls_transport::read() {
  wait(asio::socket_base::wait_read);
}

// Decrypts what the socket holds into the shared buffer (up to its size per turn, and always
// all that OpenSSL has decrypted already: nothing would wake the reader for that).
void tls_transport::on_ready(const boost::system::error_code& ec) {
  if (ec || !ssl_) {
    events_->on_input(ec ? ec : asio::error::operation_aborted);
    return;
  }
  char* buffer = shared_read_buffer();
  std::size_t got = 0;
  for (;;) {
    ERR_clear_error();
    const int n = SSL_read(ssl_.get(), buffer, static_cast<int>(shared_read_buffer_bytes));
    if (n > 0) {
      decoder_.feed(buffer, static_cast<std::size_t>(n));
      got += static_cast<std::size_t>(n);
      if (got >= shared_read_buffer_bytes && SSL_pending(ssl_.get()) == 0)
        break;  // the rest is still in the socket: the next read is woken for it
      continue;
    }
    const int e = SSL_get_error(ssl_.get(), n);
    if (got == 0 && (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)) {
      // Only records without data (a session ticket, a key update): wait again.
      wait(e == SSL_ERROR_WANT_READ ? asio::socket_base::wait_read : asio::socket_base::wait_write);
      return;
    }
    if (got == 0) {  // the peer's close_notify, end of stream, or a broken connection
      const bool ended = e == SSL_ERROR_ZERO_RETURN || e == SSL_ERROR_SYSCALL;
      events_->on_input(ended ? boost::system::error_code(asio::error::eof)
                              : boost::system::error_code(asio::error::connection_reset));
      return;
    }
    break;  // what arrived first; an ending is seen by the next read
  }
  events_->on_input({});
}

// Writes queued frames straight away, one SSL_write each, until the socket is full.
message_transport::write_status tls_transport::write(outbox& out) {
  while (!out.empty()) {
    if (!ssl_)
      return write_status::failed;
    const std::string& frame = out.frame_at(0);
    const std::size_t done = out.head_written();
    ERR_clear_error();
    const int n = SSL_write(ssl_.get(), frame.data() + done, static_cast<int>(frame.size() - done));
    if (n > 0) {
      out.written(static_cast<std::size_t>(n));
      continue;
    }
    const int e = SSL_get_error(ssl_.get(), n);
    if (e != SSL_ERROR_WANT_WRITE && e != SSL_ERROR_WANT_READ)
      return write_status::failed;
    // The same frame is offered again after on_writable(), as OpenSSL requires.
    socket_.async_wait(
        e == SSL_ERROR_WANT_WRITE ? asio::socket_base::wait_write : asio::socket_base::wait_read,
        [this, keep = events_->keep_alive()](const boost::system::error_code& wait_ec) {
          events_->on_writable(wait_ec);
        });
    return write_status::pending;
  }
  return write_status::done;
}

bool tls_transport::hung_up() {
  if (!ssl_ || !socket_.is_open())
    return true;
  pollfd p{socket_.native_handle(), POLLRDHUP, 0};
  return ::poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) != 0;
}

// The SSL goes first: once the socket is closed its descriptor number may be reused by
// another connection, and nothing may read or write through the SSL any more.
void tls_transport::close() {
  ssl_.reset();
  close_socket(socket_);
  decoder_ = frame_decoder{};
}

}  // namespace tcs::net
