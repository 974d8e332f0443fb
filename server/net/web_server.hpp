// The web port's connections (Boost.Beast, on the loop thread like everything else): HTTP/1.1
// with keep-alive for the web_site's answers, and the upgrade of GET /ws to a WebSocket
// session (ws_transport.hpp) that speaks the same protocol as the TCP port. Under TLS when
// the server has a certificate.
//
// An HTTP connection is not a session: it is counted in the pending_set (so it counts against
// --max-connections and is closed at once on shutdown) and, with the others of the web port,
// against max_web_http_connections. Its limits, each against a slow or abusive peer:
//
// - http_request_timeout: the whole request header (and the TLS handshake before the first
//   one, and the wait for the next request on a kept-alive connection) must arrive within
//   it: a slowloris sending a byte now and then is cut however it spaces them;
// - max_request_header_bytes: request line and headers; beyond it 431;
// - no request body (only GET and HEAD are served; a body gets 413);
// - http_write_timeout: a response must be taken within it by a peer that does not read;
// - ws_handshake_timeout: the WebSocket opening (and closing) handshake.
//
// An upgrade is refused with 403 when the Origin is not allowed (web_site::allowed_origin())
// and with 503 when the server is full or stopping.
#pragma once

#include "server/net/listener.hpp"
#include "server/net/tls_context.hpp"
#include "server/net/web_site.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>

namespace tcs::net {

class web_stream;

// A browser sends a request's header in one go, within milliseconds; ten seconds leave room
// for a slow mobile link and still cut a slowloris quickly.
inline constexpr auto http_request_timeout = std::chrono::seconds(10);
// A response is a small file; a peer that does not take it in this time is not reading.
inline constexpr auto http_write_timeout = std::chrono::seconds(30);
// The WebSocket opening and closing handshakes.
inline constexpr auto ws_handshake_timeout = std::chrono::seconds(10);
// Request line and header fields: a browser's request with cookies fits in 8 KiB (nginx's
// default large header buffer), so a larger one is an error or an attack.
inline constexpr std::size_t max_request_header_bytes = 8 * 1024;
// HTTP connections (not WebSocket sessions) at once: a page load opens a handful per visitor;
// beyond this, new ones are refused so HTTP cannot crowd the sessions out.
inline constexpr std::size_t max_web_http_connections = 1024;

class web_server {
 public:
  // `tls`: the certificate of the server, or nullptr for plaintext. Outlives the server.
  web_server(const connection_env& env, web_options options, const tls_contexts* tls);

  const web_site& site() const noexcept { return site_; }
  // A connection accepted on the web port.
  void on_connection(boost::asio::ip::tcp::socket socket);

 private:
  // Plaintext or TLS alike (web_stream.hpp): one coroutine for both.
  boost::asio::awaitable<void> serve(std::shared_ptr<web_stream> stream);
  boost::asio::awaitable<void> upgrade(std::shared_ptr<web_stream> stream, http_request req,
                                       pending_set::ticket& ticket);

  connection_env env_;
  web_site site_;
  const tls_contexts* tls_;
  std::size_t http_connections_ = 0;
};

}  // namespace tcs::net
