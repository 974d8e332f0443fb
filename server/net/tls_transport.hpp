// The TCP port under TLS: the same 4-byte length-prefixed frames as tcp_transport, inside an
// ssl::stream (OpenSSL through Boost.Asio SSL).
//
// The handshake runs before the session exists (start_tls_handshake()), bounded by the login
// timeout: a peer that never completes it, or speaks plaintext to the TLS port, is closed
// without costing a session, and a stopping server closes it at once (pending_set.hpp).
//
// Reads go into the same 256-byte inbox as tcp_transport; what OpenSSL has already decrypted
// beyond it is taken at once into the loop's shared buffer. Writes are asynchronous (an SSL
// write may need to read, so it cannot be done as one immediate sendmsg): up to
// max_frames_per_write frames go out in one async_write, the transport holding shared owners
// of them (outbox::shared_at()), and the outbox is told what was written on the next write().
// Used on the loop thread only.
#pragma once

#include "server/net/message_transport.hpp"
#include "server/net/pending_set.hpp"
#include "server/net/tcp_transport.hpp"
#include "server/net/tls_context.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>

#include <array>
#include <chrono>
#include <functional>
#include <memory>
#include <vector>

namespace tcs::net {

class tls_transport final : public message_transport {
 public:
  using stream = boost::asio::ssl::stream<boost::asio::ip::tcp::socket>;

  // `stream` has completed its handshake; `context` is the one it was made with.
  tls_transport(stream s, tls_context_ptr context)
      : stream_(std::move(s)), context_(std::move(context)) {}

  boost::asio::any_io_executor get_executor() override { return stream_.get_executor(); }
  void start(transport_events& events) override { events_ = &events; }
  std::string remote_address() const override;

  void read() override;
  std::optional<inbound> next_message() override { return decoder_.next(); }
  bool input_broken() const override { return decoder_.failed(); }
  std::size_t input_memory() const override { return decoder_.capacity(); }
  void release_input_memory() override { decoder_.release_memory(); }

  write_status write(outbox& out) override;
  bool hung_up() override;
  void close() override;

 private:
  void on_read(const boost::system::error_code& ec, std::size_t n);

  stream stream_;
  tls_context_ptr context_;
  transport_events* events_ = nullptr;
  frame_decoder decoder_;
  std::array<char, session_inbox_bytes> inbox_;
  std::vector<outbox::frame> writing_;  // the frames of the write in flight
  std::vector<boost::asio::const_buffer> buffers_;
  std::size_t written_ = 0;  // bytes a completed write took, not yet taken off the outbox
  bool closed_ = false;
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
