// The TCP port under TLS: the same 4-byte length-prefixed frames as tcp_transport, encrypted
// by OpenSSL working on the socket itself (SSL_set_fd), non-blocking, with Asio only telling
// when the socket is ready: as over plain TCP, an idle connection holds no read buffer (and,
// with SSL_MODE_RELEASE_BUFFERS, OpenSSL none either), a pending read costs one reactor wait,
// and a write goes out at once unless the socket is full. asio::ssl::stream is not used here:
// it keeps four 17 KiB buffers per connection (its own two and a BIO pair), 70 KB per idle
// session (docs/performance.md).
//
// The handshake runs before the session exists (start_tls_handshake()), bounded by the login
// timeout: a peer that never completes it, or speaks plaintext to the TLS port, is closed
// without costing a session, and a stopping server closes it at once (pending_set.hpp).
// Reads take what the socket has into the loop's shared buffer, decrypted. Writes are one
// SSL_write per frame (partial writes allowed), straight away; a full socket waits for
// writability. Used on the loop thread only.
#pragma once

#include "server/net/message_transport.hpp"
#include "server/net/pending_set.hpp"
#include "server/net/tls_context.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <openssl/ssl.h>

#include <chrono>
#include <functional>
#include <memory>

namespace tcs::net {

struct ssl_deleter {
  void operator()(SSL* ssl) const noexcept { SSL_free(ssl); }
};
using ssl_ptr = std::unique_ptr<SSL, ssl_deleter>;

class tls_transport final : public framed_transport {
 public:
  // `ssl` has completed its handshake on `socket` (non-blocking); `context` is the one it
  // was made with.
  tls_transport(boost::asio::ip::tcp::socket socket, ssl_ptr ssl, tls_context_ptr context)
      : socket_(std::move(socket)), ssl_(std::move(ssl)), context_(std::move(context)) {}

  boost::asio::any_io_executor get_executor() override { return socket_.get_executor(); }
  void start(transport_events& events) override { events_ = &events; }
  std::string remote_address() const override;

  void read() override;

  write_status write(outbox& out) override;
  bool hung_up() override;
  void close() override;

 private:
  void on_ready(const boost::system::error_code& ec);
  void wait(boost::asio::socket_base::wait_type type);

  boost::asio::ip::tcp::socket socket_;
  ssl_ptr ssl_;
  tls_context_ptr context_;
  transport_events* events_ = nullptr;
};

// The server side of a TLS handshake on a freshly accepted socket, at most `timeout` long and
// registered in `pending` meanwhile. On success `ready` gets the transport; on a failure or
// the time-out the socket is closed and `ready` is not called.
void start_tls_handshake(boost::asio::ip::tcp::socket socket, tls_context_ptr context,
                         std::chrono::steady_clock::duration timeout, pending_set& pending,
                         std::function<void(std::unique_ptr<tls_transport>)> ready);

// "127.0.0.1:51234" for a socket, "?" when unknown.
std::string address_of(const boost::asio::ip::tcp::socket& socket);

}  // namespace tcs::net
