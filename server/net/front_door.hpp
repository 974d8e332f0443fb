// The server's listening ports and how a connection on each becomes a session:
//
// - the TCP port (--host, --port): length-prefixed frames, in plaintext or, with --tls-cert
//   and --tls-key, under TLS (tls_transport.hpp; the handshake first, under the login
//   timeout);
// - the web port (--web-port, 0 = none) on the same host: HTTP for static files, /healthz
//   and /metrics, and WebSocket sessions on /ws (web_server.hpp), under TLS too when configured.
//
// Connections that are not sessions yet (handshakes, HTTP) are kept in a pending_set: they
// count against --max-connections and close() ends them at once. SIGHUP reloads the TLS
// certificate (reload_tls()). Everything runs on the loop thread.
#pragma once

#include "server/net/listener.hpp"
#include "server/net/tls_context.hpp"

#include <boost/asio/io_context.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace tcs::net {

class web_server;

// Why `config` must not be served as it is (a non-loopback --host without TLS and without
// --allow-plaintext), or empty when it may.
std::string plaintext_refusal(const server_config& config);

class front_door {
 public:
  // Loads the TLS certificate if configured (throws std::runtime_error naming the file).
  // `health`: empty when the server is healthy, else what is wrong (GET /healthz).
  front_door(boost::asio::io_context& ctx, const connection_env& env,
             std::function<std::string()> health);
  ~front_door();
  front_door(const front_door&) = delete;
  front_door& operator=(const front_door&) = delete;

  // GET /metrics on the web port: the page's text (metrics.hpp). Before open().
  void set_metrics(std::function<std::string()> metrics) { metrics_ = std::move(metrics); }

  // Binds every port and starts accepting; logs where. Throws on a bind failure.
  void open();
  // SIGHUP: loads the certificate and key again for the connections to come; logs the result.
  void reload_tls();
  // Stops accepting and closes the connections that are not sessions yet.
  void close();

 private:
  void on_tcp_connection(boost::asio::ip::tcp::socket socket);
  void open_web();
  boost::asio::ip::tcp::acceptor listen(std::uint16_t port);

  boost::asio::io_context& ctx_;
  connection_env env_;
  budget_housekeeping housekeeping_;
  std::optional<tls_contexts> tls_;
  boost::asio::ip::tcp::acceptor tcp_;
  boost::asio::ip::tcp::acceptor web_acceptor_;
  std::function<std::string()> health_;
  std::function<std::string()> metrics_;
  std::unique_ptr<web_server> web_;
};

}  // namespace tcs::net
