// The bench's connections: a lean client of the tcs protocol (framed JSON, the same codec as
// the server) and a text-line client for the peers (IRC, Redis). Single-threaded.
//
// Like the server, a connection waits for readability and then reads synchronously into one
// chunk shared by every connection, so thousands of idle connections hold no read buffers;
// writes go out with a non-blocking send and only wait when the socket buffer is full.
#pragma once

#include "common/protocol/frame.hpp"
#include "common/protocol/message.hpp"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace tcs::bench {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using asio::awaitable;
// Awaiting an operation gives its error code instead of throwing it.
inline constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

// The peer closed the connection (or it was reset).
struct connection_closed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A failed reply where the bench needed success: the request type and the error code.
struct request_failed : std::runtime_error {
  request_failed(std::string type, std::string code)
      : std::runtime_error(type + ": " + code), code(std::move(code)) {}
  std::string code;
};

class socket_io {
 public:
  explicit socket_io(asio::any_io_executor ex) : socket_(std::move(ex)) {}
  socket_io(const socket_io&) = delete;
  socket_io& operator=(const socket_io&) = delete;

  // Connects with TCP_NODELAY. Throws std::runtime_error naming the endpoint on failure.
  awaitable<void> connect(const tcp::endpoint& endpoint);
  // Writes every byte. Throws connection_closed if the peer is gone.
  awaitable<void> write(std::string_view bytes);
  // Waits for input and returns what arrived. The view points into the shared chunk: use it
  // before the next suspension. Throws connection_closed at end of stream.
  awaitable<std::string_view> read_some();

  void close();
  bool is_open() const { return socket_.is_open(); }

 protected:
  tcp::socket socket_;
};

// How tcs_connection reaches the server (tcs-bench --transport): the 4-byte frames over TCP
// or TLS, or one message per WebSocket text frame on the web port's /ws, plain or under TLS.
// The bench does not verify the server's certificate (it measures, it does not trust).
enum class wire { tcp, tls, ws, wss };
// Set once, before any connection: every tcs_connection then uses `w`.
void use_wire(wire w);
wire current_wire();

// One message from a tcs server as the hot loops see it: its type, its request id (replies
// only) and whether it is a failure, read from the front of the payload without building a
// JSON document (the server writes "type", "id" and "ok" first); parse() builds it on demand.
struct raw_message {
  std::string type;
  std::optional<std::int64_t> id;  // replies only
  bool ok = true;                  // replies: false for a failure
  std::string payload;

  json::object parse() const;
  // error.code of a failed reply ("?" if absent).
  std::string error_code() const;
};

// A tcs protocol client. Requests carry increasing ids; events that arrive while waiting for
// a reply are kept (in order) for wait_event(); `heartbeat` events are answered with `ping`.
class tcs_connection : public socket_io {
 public:
  using socket_io::socket_io;

  // Connects over current_wire(): TCP, then the TLS handshake and the WebSocket upgrade as it
  // says. Throws std::runtime_error on a failure.
  awaitable<void> connect(const tcp::endpoint& endpoint);

  // Sends `msg` with a fresh id and returns the reply, successful or not.
  awaitable<json::object> request(json::object msg);
  // As request(), but throws request_failed unless the reply is ok.
  awaitable<json::object> request_ok(json::object msg);
  // The lean path of the measured loops: sends {"type": type, "id": <fresh>, <fields>}
  // (`fields` is JSON object members, e.g. "\"text\":\"hola\"", or empty) and returns the
  // reply unparsed; throws request_failed (with the error code) unless it is ok.
  awaitable<raw_message> call(std::string_view type, std::string_view fields = {});
  // The next event of `type`; earlier events of other types are dropped.
  awaitable<raw_message> wait_event(std::string_view type);
  // Reads until the server closes the connection, answering heartbeats (idle sessions and
  // the end of a logout). Returns normally at end of stream.
  awaitable<void> drain();

 private:
  awaitable<raw_message> read_message();
  awaitable<raw_message> await_reply(std::int64_t id);
  // Writes one encoded frame (4-byte length + JSON) the way the wire wants it.
  awaitable<void> send(std::string_view frame);
  // Reads what arrives and feeds the frames it completes to decoder_.
  awaitable<void> receive();
  awaitable<void> tls_write(std::string_view bytes);
  awaitable<std::string_view> tls_read_some();
  awaitable<void> upgrade(const tcp::endpoint& endpoint);
  void unframe_websocket(std::string_view bytes);

  frame_decoder decoder_;
  std::unique_ptr<asio::ssl::stream<tcp::socket&>> tls_;
  std::string tls_in_;  // this connection's TLS read buffer (reads complete asynchronously)
  std::string ws_in_;   // WebSocket bytes not yet a whole frame
  std::deque<raw_message> events_;
  std::int64_t next_id_ = 1;
};

// A client of a line protocol (IRC, Redis inline commands): lines end with "\r\n".
class line_connection : public socket_io {
 public:
  using socket_io::socket_io;

  // The next line without its "\r\n" (a bare "\n" also ends a line).
  awaitable<std::string> read_line();
  // Closes, forgets any partial line, and gets ready for another connect().
  void reopen() {
    close();
    buffer_.clear();
    start_ = 0;
  }

 private:
  std::string buffer_;
  std::size_t start_ = 0;
};

}  // namespace tcs::bench
