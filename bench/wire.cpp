// tcs_connection's wires: TCP, TLS, WebSocket and WebSocket over TLS (tcs-bench --transport).
#include "bench/net.hpp"

#include "common/protocol/limits.hpp"

#include <boost/asio/as_tuple.hpp>

namespace tcs::bench {

namespace {

// A connection's TLS read buffer: one TLS record's worth.
constexpr std::size_t tls_read_bytes = 16 * 1024;
// The longest HTTP response head accepted for the upgrade.
constexpr std::size_t max_upgrade_head = 8 * 1024;

wire& the_wire() {
  static wire w = wire::tcp;
  return w;
}

bool tls_wire() {
  return the_wire() == wire::tls || the_wire() == wire::wss;
}

bool ws_wire() {
  return the_wire() == wire::ws || the_wire() == wire::wss;
}

// The bench trusts whatever certificate the server has: it measures, it does not verify.
asio::ssl::context& bench_tls_context() {
  static asio::ssl::context ctx = [] {
    asio::ssl::context c(asio::ssl::context::tls_client);
    c.set_verify_mode(asio::ssl::verify_none);
    return c;
  }();
  return ctx;
}

}  // namespace

void use_wire(wire w) {
  the_wire() = w;
}

wire current_wire() {
  return the_wire();
}

awaitable<void> tcs_connection::connect(const tcp::endpoint& endpoint) {
  tls_.reset();
  ws_in_.clear();
  co_await socket_io::connect(endpoint);
  if (tls_wire()) {
    tls_ = std::make_unique<asio::ssl::stream<tcp::socket&>>(socket_, bench_tls_context());
    auto [ec] = co_await tls_->async_handshake(asio::ssl::stream_base::client, use_nothrow);
    if (ec)
      throw std::runtime_error("TLS handshake: " + ec.message());
  }
  if (ws_wire())
    co_await upgrade(endpoint);
}

// The opening handshake of RFC 6455; what follows the response head is already frames.
awaitable<void> tcs_connection::upgrade(const tcp::endpoint& endpoint) {
  const std::string request = "GET /ws HTTP/1.1\r\nHost: " + endpoint.address().to_string() + ":" +
                              std::to_string(endpoint.port()) +
                              "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                              "Sec-WebSocket-Version: 13\r\n\r\n";
  if (tls_)
    co_await tls_write(request);
  else
    co_await write(request);
  std::string head;
  std::size_t end = std::string::npos;
  while ((end = head.find("\r\n\r\n")) == std::string::npos) {
    if (head.size() > max_upgrade_head)
      throw std::runtime_error("WebSocket upgrade: response head too long");
    std::string_view bytes;
    if (tls_)
      bytes = co_await tls_read_some();
    else
      bytes = co_await read_some();
    head.append(bytes);
  }
  if (!head.starts_with("HTTP/1.1 101"))
    throw std::runtime_error("WebSocket upgrade refused: " + head.substr(0, head.find('\r')));
  unframe_websocket(std::string_view(head).substr(end + 4));
}

// A frame (4-byte length + JSON) as the wire wants it: as is, or as a masked WebSocket text
// frame (the mask key is zero: the server still unmasks every byte).
awaitable<void> tcs_connection::send(std::string_view frame) {
  std::string ws;
  if (ws_wire()) {
    const std::string_view payload = frame.substr(frame_header_bytes);
    const std::size_t n = payload.size();
    ws.reserve(n + 14);
    ws += static_cast<char>(0x81);
    if (n < 126) {
      ws += static_cast<char>(0x80 | n);
    } else {
      ws += static_cast<char>(0x80 | 126);
      ws += static_cast<char>((n >> 8) & 0xff);
      ws += static_cast<char>(n & 0xff);
    }
    ws.append(4, '\0');
    ws.append(payload);
    frame = ws;
  }
  if (tls_)
    co_await tls_write(frame);
  else
    co_await write(frame);
}

awaitable<void> tcs_connection::receive() {
  std::string_view bytes;
  if (tls_)
    bytes = co_await tls_read_some();
  else
    bytes = co_await read_some();
  if (ws_wire())
    unframe_websocket(bytes);
  else
    decoder_.feed(bytes);
}

// Server frames are unmasked and, from tcs-server, never fragmented: each text frame becomes a
// length-prefixed frame for decoder_. A close frame ends the connection.
void tcs_connection::unframe_websocket(std::string_view bytes) {
  ws_in_.append(bytes);
  std::size_t pos = 0;
  for (;;) {
    if (ws_in_.size() - pos < 2)
      break;
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(ws_in_[pos + i]); };
    const unsigned opcode = byte(0) & 0x0f;
    std::size_t n = byte(1) & 0x7f;
    std::size_t header = 2;
    if (n == 126) {
      if (ws_in_.size() - pos < 4)
        break;
      n = (std::size_t{byte(2)} << 8) | byte(3);
      header = 4;
    } else if (n == 127) {
      if (ws_in_.size() - pos < 10)
        break;
      n = 0;
      for (std::size_t i = 2; i < 10; ++i)
        n = (n << 8) | byte(i);
      header = 10;
    }
    if (ws_in_.size() - pos < header + n)
      break;
    if (opcode == 0x8)
      throw connection_closed("WebSocket closed by the server");
    if (opcode == 0x1 && n > 0) {
      char prefix[frame_header_bytes];
      write_frame_header(prefix, static_cast<std::uint32_t>(n));
      decoder_.feed(prefix, frame_header_bytes);
      decoder_.feed(ws_in_.data() + pos + header, n);
    }
    pos += header + n;
  }
  ws_in_.erase(0, pos);
}

awaitable<void> tcs_connection::tls_write(std::string_view bytes) {
  auto [ec, n] =
      co_await asio::async_write(*tls_, asio::buffer(bytes.data(), bytes.size()), use_nothrow);
  if (ec)
    throw connection_closed("write: " + ec.message());
}

awaitable<std::string_view> tcs_connection::tls_read_some() {
  tls_in_.resize(tls_read_bytes);
  auto [ec, n] = co_await tls_->async_read_some(asio::buffer(tls_in_), use_nothrow);
  if (ec)
    throw connection_closed(ec == asio::error::eof ? "end of stream" : "read: " + ec.message());
  co_return std::string_view(tls_in_.data(), n);
}

}  // namespace tcs::bench
