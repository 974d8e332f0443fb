// The web port's HTTP connections and WebSocket upgrades.
#include "server/net/web_server.hpp"

#include "server/net/net_counters.hpp"
#include "server/net/use_nothrow.hpp"
#include "server/net/web_stream.hpp"
#include "server/net/ws_transport.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

namespace tcs::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

namespace {

// Counts an HTTP connection for as long as its coroutine runs.
struct counted {
  explicit counted(std::size_t& n) : n_(n) { ++n_; }
  ~counted() { --n_; }
  counted(const counted&) = delete;
  counted& operator=(const counted&) = delete;
  std::size_t& n_;
};

// Refuses a connection over the limits: 503 in plaintext (one non-blocking write to a fresh
// socket), a plain close under TLS (no handshake is spent on a connection refused anyway).
void refuse_http(asio::ip::tcp::socket& socket, bool tls) {
  static const std::string busy =
      "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n"
      "Retry-After: 5\r\n\r\n";
  boost::system::error_code ec;
  if (!tls) {
    socket.non_blocking(true, ec);
    socket.write_some(asio::buffer(busy), ec);
  }
  socket.close(ec);
}

// The answer to a request that could not be read, or nothing for a peer that is gone.
std::optional<http::status> read_failure_status(const boost::system::error_code& ec) {
  if (ec.category() != http::make_error_code(http::error::end_of_stream).category() ||
      ec == http::error::end_of_stream || ec == http::error::partial_message)
    return std::nullopt;
  if (ec == http::error::header_limit)
    return http::status::request_header_fields_too_large;
  if (ec == http::error::body_limit || ec == http::error::unexpected_body)
    return http::status::payload_too_large;
  return http::status::bad_request;
}

asio::awaitable<void> say_goodbye(web_stream& stream) {
  if (stream.is_tls()) {
    stream.expires_after(std::chrono::seconds(2));
    co_await stream.async_shutdown(use_nothrow);
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(asio::socket_base::shutdown_both, ignored);
  stream.close();
}

}  // namespace

web_server::web_server(const connection_env& env, web_options options, const tls_contexts* tls)
    : env_(env), site_(std::move(options)), tls_(tls) {}

void web_server::on_connection(asio::ip::tcp::socket socket) {
  if (http_connections_ >= max_web_http_connections || over_connection_limit(env_)) {
    refuse_http(socket, tls_ != nullptr);
    return;
  }
  auto on_error = [](std::exception_ptr e) {
    if (e)
      std::rethrow_exception(e);
  };
  auto ex = socket.get_executor();
  auto stream = tls_ ? std::make_shared<web_stream>(std::move(socket), *tls_->current())
                     : std::make_shared<web_stream>(std::move(socket));
  asio::co_spawn(ex, serve(std::move(stream)), on_error);
}

// One HTTP connection: the TLS handshake if any, then requests until the peer closes, breaks
// a limit, or upgrades to a WebSocket.
asio::awaitable<void> web_server::serve(std::shared_ptr<web_stream> stream) {
  counted count(http_connections_);
  auto ticket = env_.pending.add([raw = stream.get()] { raw->close(); });
  if (stream->is_tls()) {
    stream->expires_after(http_request_timeout);
    auto [ec] = co_await stream->async_handshake(use_nothrow);
    if (ec)
      co_return;
  }
  // Room for a header at the limit and the start of a pipelined next request: the parser's
  // header_limit (431) is what stops a long header, not the buffer.
  beast::flat_buffer buffer(2 * max_request_header_bytes);
  for (;;) {
    http::request_parser<http::empty_body> parser;
    parser.header_limit(max_request_header_bytes);
    parser.body_limit(0);
    stream->expires_after(http_request_timeout);
    auto [ec, n] = co_await http::async_read(*stream, buffer, parser, use_nothrow);
    if (ec) {
      if (auto status = read_failure_status(ec)) {
        stream->expires_after(http_write_timeout);
        auto res = site_.refusal(*status, 11, true);
        co_await http::async_write(*stream, res, use_nothrow);
        co_await say_goodbye(*stream);
      }
      co_return;
    }
    http_request req = parser.release();
    const std::string_view target = req.target();
    if (target.substr(0, target.find('?')) == websocket_path && websocket::is_upgrade(req)) {
      co_await upgrade(stream, std::move(req), ticket);
      co_return;
    }
    // Who asks matters only for /metrics (loopback or --metrics-allow).
    asio::ip::address peer;
    if (target.starts_with("/metrics")) {
      boost::system::error_code peer_ec;
      peer = stream->socket().remote_endpoint(peer_ec).address();
    }
    http_response res = site_.answer(req, peer);
    stream->expires_after(http_write_timeout);
    auto [write_ec, written] = co_await http::async_write(*stream, res, use_nothrow);
    if (write_ec)
      co_return;
    if (!res.keep_alive())
      break;
  }
  co_await say_goodbye(*stream);
}

// Checks the upgrade, does the WebSocket handshake and hands the connection to a session.
asio::awaitable<void> web_server::upgrade(std::shared_ptr<web_stream> stream, http_request req,
                                          pending_set::ticket& ticket) {
  std::optional<http::status> refused;
  if (!site_.allowed_origin(req))
    refused = http::status::forbidden;
  else if (env_.state.shutting_down() ||
           env_.state.connection_count() >= env_.state.config().max_connections)
    refused = http::status::service_unavailable;
  if (refused) {
    stream->expires_after(http_write_timeout);
    auto res = site_.refusal(*refused, req.version(), true);
    co_await http::async_write(*stream, res, use_nothrow);
    co_await say_goodbye(*stream);
    co_return;
  }
  stream->expires_never();  // the WebSocket stream keeps its own time-outs
  websocket::stream<web_stream> ws(std::move(*stream));
  ticket = env_.pending.add([&ws] { ws.next_layer().close(); });
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = ws_handshake_timeout;
  timeouts.idle_timeout = websocket::stream_base::none();  // the session's heartbeats do it
  timeouts.keep_alive_pings = false;
  ws.set_option(timeouts);
  ws.read_message_max(max_frame_bytes);
  ws.auto_fragment(false);
  ws.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(http::field::server, "tcs"); }));
  auto [ec] = co_await ws.async_accept(req, use_nothrow);
  ticket.reset();
  if (ec || env_.state.shutting_down())
    co_return;
  ws.text(true);
  ++counters.accepted_ws;
  start_session(std::make_unique<ws_transport>(std::move(ws)), env_);
}

}  // namespace tcs::net
