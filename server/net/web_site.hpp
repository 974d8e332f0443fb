// What the web port answers to plain HTTP requests: static files from --web-root, GET
// /healthz, GET /metrics (Prometheus text, loopback and --metrics-allow only), and the refusals
// (404, 405, 426 for /ws without an upgrade...), every response with the security headers:
//
// - Content-Security-Policy: default-src 'self' (no inline script, no other site's script or
//   connection), object-src 'none', base-uri 'none', frame-ancestors 'self' plus
//   --web-embed-origin (the shops allowed to embed the chat in their pages);
// - X-Content-Type-Options: nosniff (a file is what its Content-Type says), Referrer-Policy:
//   no-referrer, Cross-Origin-Opener-Policy: same-origin;
// - Strict-Transport-Security under TLS (browsers then never try plaintext again).
//
// It also decides whether a WebSocket upgrade may come from the page that asks (Origin):
// allowed_origin(). No I/O here: web_server.cpp reads and writes.
#pragma once

#include "server/net/web_files.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <functional>
#include <string>
#include <vector>

namespace tcs::net {

using http_request = boost::beast::http::request<boost::beast::http::empty_body>;
using http_response = boost::beast::http::response<boost::beast::http::string_body>;

// Where the WebSocket endpoint is.
inline constexpr std::string_view websocket_path = "/ws";

struct web_options {
  std::filesystem::path root;              // --web-root
  std::vector<std::string> origins;        // --web-origin; empty: the server's own origin
  std::vector<std::string> embed_origins;  // --web-embed-origin, for frame-ancestors
  bool tls = false;
  // Empty when the server is healthy, else what is wrong (for /healthz).
  std::function<std::string()> health;
  // The text of GET /metrics (metrics.hpp), or empty: no such page (404).
  std::function<std::string()> metrics;
  // --metrics-allow: addresses or prefixes that may read /metrics besides loopback.
  std::vector<std::string> metrics_allow;
};

class web_site {
 public:
  // Throws std::filesystem::filesystem_error when the root does not exist.
  explicit web_site(web_options options);

  const std::filesystem::path& root() const noexcept { return files_.root(); }
  // The answer to a request that is not a WebSocket upgrade, from `peer` (the address decides
  // whether /metrics may be read: loopback or --metrics-allow, else 403).
  http_response answer(const http_request& req,
                       const boost::asio::ip::address& peer = boost::asio::ip::address());
  // A bodyless refusal with the security headers (and Connection: close when `close`).
  http_response refusal(boost::beast::http::status status, unsigned version, bool close) const;
  // Whether a WebSocket upgrade may come from the request's Origin: one of --web-origin, or
  // the server's own origin (scheme://Host) without the list. A request without Origin comes
  // from no web page (a program such as a test client) and is allowed: what the check stops
  // is another site's page driving a logged-in visitor's browser.
  bool allowed_origin(const http_request& req) const;

 private:
  void decorate(http_response& res) const;
  http_response file(const http_request& req);
  http_response healthz(const http_request& req) const;
  http_response metrics(const http_request& req, const boost::asio::ip::address& peer) const;

  web_options options_;
  static_files files_;
  std::string csp_;
};

}  // namespace tcs::net
