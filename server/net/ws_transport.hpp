// The web port's transport: one JSON message per WebSocket text frame (RFC 6455, Boost.Beast),
// the frame's own length taking the place of the 4-byte prefix; over plain TCP or TLS, both
// a web_stream (compiled once for both). The upgrade from HTTP is done by web_server before
// the transport exists.
//
// - Reads take up to ws_read_chunk_bytes of the message at a time (async_read_some), so the
//   session sees input as it arrives, as over TCP: partial messages count as activity, and
//   the buffer holding an unfinished message counts against the input budget. A message is
//   at most max_frame_bytes (read_message_max: a longer one closes the connection with close
//   code 1009); a binary message is refused with close code 1003; invalid UTF-8 in a text
//   message closes with 1007 (Beast checks it); an empty one is an empty_frame error.
// - Writes send the frame after its 4-byte prefix as one text message, asynchronously, the
//   transport holding a shared owner of the frame; the outbox is told on the next write().
// - The session's heartbeats keep the connection checked (no WebSocket pings).
// Used on the loop thread only.
#pragma once

#include "common/protocol/limits.hpp"
#include "server/net/message_transport.hpp"
#include "server/net/web_stream.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>

namespace tcs::net {

// Bytes of a message read at a time; the buffer an idle session keeps is this small.
inline constexpr std::size_t ws_read_chunk_bytes = 1024;

class ws_transport final : public message_transport {
 public:
  using websocket = boost::beast::websocket::stream<web_stream>;

  // `ws` has completed its opening handshake.
  explicit ws_transport(websocket ws) : ws_(std::move(ws)) {}

  boost::asio::any_io_executor get_executor() override { return ws_.get_executor(); }
  void start(transport_events& events) override { events_ = &events; }
  std::string remote_address() const override;

  void read() override;
  std::optional<inbound> next_message() override;
  bool input_broken() const override { return false; }
  std::size_t input_memory() const override { return in_.capacity(); }
  void release_input_memory() override { in_.shrink_to_fit(); }

  write_status write(outbox& out) override;
  bool hung_up() override;
  void close() override;

 private:
  void on_read(const boost::system::error_code& ec);
  boost::asio::ip::tcp::socket& socket() { return ws_.next_layer().socket(); }

  websocket ws_;
  transport_events* events_ = nullptr;
  boost::beast::flat_buffer in_{max_frame_bytes};
  outbox::frame writing_;  // the frame of the write in flight
  std::size_t written_ = 0;
  bool message_ready_ = false;
  bool closed_ = false;
};

}  // namespace tcs::net
