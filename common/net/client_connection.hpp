// The client side of the protocol for the terminals (and tools): connect, hello, requests
// matched to replies by id, and server events handed to a callback. Runs on the caller's
// single-threaded executor; not thread-safe.
//
// A request has one outcome type, request_result: the ok reply, or a request_error that is
// either the server's refusal (its code and Spanish message) or a transport failure (no
// connection, or it was lost before the reply came).
//
// The connection runs two coroutines of its own while it is open: a reader (replies, events,
// heartbeats answered at once) and a writer (the one that writes frames, in order). Neither is
// detached: each is spawned with a completion handler that records how it ended and closes the
// connection, and both end when the connection closes. Each holds the connection alive until
// it has ended, and the io_context does not run dry before both have.
#pragma once

#include "common/net/client_tls.hpp"
#include "common/protocol/frame.hpp"
#include "common/protocol/message.hpp"

#include <boost/asio.hpp>
#include <boost/system/result.hpp>

#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

namespace tcs {

// Why a request has no ok reply.
struct request_error {
  errc code = errc::internal;  // the server's code; internal for a transport failure
  std::string message;         // Spanish, printable as is
  bool transport = false;      // no connection, or lost before the reply

  static request_error lost(std::string message) {
    return request_error{errc::internal, std::move(message), true};
  }
};

// Lets request_result::value() throw when it holds an error.
[[noreturn]] void throw_exception_from_error(const request_error& e,
                                             const boost::source_location& loc);

// The outcome of a request: the server's ok reply (the whole message) or the error.
using request_result = boost::system::result<json::object, request_error>;

// A reply read back into a request_result: {"ok":false,...} is the server's refusal.
request_result to_request_result(json::object reply);

class client_connection : public std::enable_shared_from_this<client_connection> {
 public:
  using event_handler = std::function<void(const json::object& event)>;

  explicit client_connection(boost::asio::any_io_executor ex);

  // The next connect() speaks TLS, trusting `ca_file` (PEM) or, when empty, the system's
  // trust store; a certificate that fails verification refuses the connection
  // (client_tls.hpp).
  void use_tls(std::string ca_file) {
    tls_ = true;
    ca_file_ = std::move(ca_file);
  }

  // A new, unconnected connection with the same settings (TLS and whom it trusts): a closed
  // connection is not reused, and a reconnection must never fall back to plaintext.
  std::shared_ptr<client_connection> renewed(boost::asio::any_io_executor ex) const {
    auto fresh = std::make_shared<client_connection>(std::move(ex));
    if (tls_)
      fresh->use_tls(ca_file_);
    return fresh;
  }

  // Resolves, connects, starts the reader and the writer and does the hello exchange. Returns
  // the hello reply; a failure to resolve or connect is a transport error whose Spanish
  // message names the address.
  boost::asio::awaitable<request_result> connect(std::string host, std::uint16_t port,
                                                 std::string client_name);

  // Sends `message` with a fresh id and waits for its reply.
  boost::asio::awaitable<request_result> request(json::object message);

  // Called for every message without an id (events). Also called once with
  // {"type":"connection_lost"} when the server goes away (not after close()).
  void on_event(event_handler handler) { on_event_ = std::move(handler); }

  // A terminal that reconnects: while `next` is set, a request on this connection once it is
  // closed waits for `next()`, the connection that replaced it, and goes out on that one (a
  // null one: the transport error as before). Requests in flight when it closed still fail:
  // whether the server got them is unknown.
  using successor_fn = std::function<boost::asio::awaitable<std::shared_ptr<client_connection>>()>;
  void forward_to(successor_fn next) { successor_ = std::move(next); }

  // Closes the socket and wakes every pending request (a transport error). The reader and the
  // writer end on their next turn of the loop.
  void close();
  bool is_open() const noexcept { return open_; }
  boost::asio::any_io_executor executor() { return wake_writer_.get_executor(); }
  // How many of the reader and the writer have not ended yet (0, 1 or 2).
  int tasks_running() const noexcept { return tasks_running_; }
  // The exception a task ended with, if one did (it also closed the connection).
  std::exception_ptr task_error() const noexcept { return task_error_; }

 private:
  struct pending_reply;

  void start_task(boost::asio::awaitable<void> (client_connection::*task)());
  boost::asio::awaitable<void> read_loop();
  boost::asio::awaitable<void> write_loop();
  void handle(json::object message);
  void send(std::string frame);
  // Closes; if the connection was open and `tell`, reports connection_lost to the handler.
  void end(bool tell);
  boost::asio::awaitable<std::optional<request_error>> secure(const std::string& host,
                                                              std::uint16_t port);
  boost::asio::ip::tcp::socket& socket() { return stream_ ? stream_->next_layer() : socket_; }

  boost::asio::ip::tcp::socket socket_;
  bool tls_ = false;
  std::string ca_file_;
  std::shared_ptr<boost::asio::ssl::context> tls_context_;
  std::unique_ptr<tls_stream> stream_;  // after a TLS handshake; socket_ is moved into it
  frame_decoder decoder_;
  std::int64_t next_id_ = 1;
  std::unordered_map<std::int64_t, std::shared_ptr<pending_reply>> pending_;
  std::deque<std::string> outbox_;         // frames the writer has not written yet
  boost::asio::steady_timer wake_writer_;  // cancelled to wake the writer
  event_handler on_event_;
  successor_fn successor_;
  bool open_ = false;
  int tasks_running_ = 0;
  std::exception_ptr task_error_;
};

}  // namespace tcs
