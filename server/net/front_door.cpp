// The listening ports.
#include "server/net/front_door.hpp"

#include "server/log/console.hpp"
#include "server/net/net_counters.hpp"
#include "server/net/tcp_transport.hpp"
#include "server/net/tls_transport.hpp"
#include "server/net/web_server.hpp"

#include <boost/asio/co_spawn.hpp>

namespace tcs::net {

namespace asio = boost::asio;

std::string plaintext_refusal(const server_config& config) {
  if (!config.tls_cert.empty() || config.allow_plaintext)
    return {};
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(config.host, ec);
  if (!ec && address.is_loopback())
    return {};
  return "refusing to listen on " + config.host +
         " without TLS: passwords and chats would cross the network in clear. Give "
         "--tls-cert and --tls-key, or --allow-plaintext if something in front of the server "
         "(a TLS proxy, a private network) protects them";
}

front_door::front_door(asio::io_context& ctx, const connection_env& env,
                       std::function<std::string()> health)
    : ctx_(ctx),
      env_(env),
      housekeeping_(ctx.get_executor(), env.budget),
      tcp_(ctx),
      web_acceptor_(ctx),
      health_(std::move(health)) {
  const auto& config = env_.state.config();
  if (!config.tls_cert.empty())
    tls_.emplace(config.tls_cert, config.tls_key);
}

front_door::~front_door() = default;

asio::ip::tcp::acceptor front_door::listen(std::uint16_t port) {
  asio::ip::tcp::endpoint endpoint(asio::ip::make_address(env_.state.config().host), port);
  asio::ip::tcp::acceptor acceptor(ctx_);
  acceptor.open(endpoint.protocol());
  acceptor.set_option(asio::socket_base::reuse_address(true));
  acceptor.bind(endpoint);
  acceptor.listen(asio::socket_base::max_listen_connections);
  return acceptor;
}

// A listener that fails must stop the server, loudly.
static void rethrow(std::exception_ptr e) {
  if (e)
    std::rethrow_exception(e);
}

void front_door::open() {
  const auto& config = env_.state.config();
  // The listening socket: socket(), setsockopt(SO_REUSEADDR), bind(), listen().
  tcp_ = listen(config.port);
  log::console("Escuchando en " + config.host + ":" + std::to_string(config.port) +
               (tls_ ? " (TLS)." : "."));
  asio::co_spawn(
      ctx_, accept_loop(tcp_, [this](asio::ip::tcp::socket s) { on_tcp_connection(std::move(s)); }),
      rethrow);
  if (config.web_port != 0)
    open_web();
}

void front_door::open_web() {
  const auto& config = env_.state.config();
  web_options options{
      config.web_root, config.web_origins, config.web_embed_origins, tls_.has_value(),
      health_,         metrics_,           config.metrics_allow};
  try {
    web_ = std::make_unique<web_server>(env_, std::move(options), tls_ ? &*tls_ : nullptr);
  } catch (const std::filesystem::filesystem_error& e) {
    throw std::runtime_error("--web-root " + config.web_root + ": " + e.code().message());
  }
  web_acceptor_ = listen(config.web_port);
  log::console(std::string("Web en ") + (tls_ ? "https://" : "http://") + config.host + ":" +
               std::to_string(config.web_port) + "/ (archivos de " + web_->site().root().string() +
               ").");
  asio::co_spawn(
      ctx_,
      accept_loop(web_acceptor_,
                  [this](asio::ip::tcp::socket s) { web_->on_connection(std::move(s)); }),
      rethrow);
}

void front_door::on_tcp_connection(asio::ip::tcp::socket socket) {
  if (over_connection_limit(env_)) {
    ++counters.refused_busy;
    if (tls_) {
      boost::system::error_code ignored;
      socket.close(ignored);  // a plaintext `busy` would be garbage to a TLS client
    } else {
      refuse(socket);
    }
    return;
  }
  if (!tls_) {
    ++counters.accepted_tcp;
    start_session(std::make_unique<tcp_transport>(std::move(socket)), env_);
    return;
  }
  const auto timeout = std::chrono::seconds(env_.state.config().login_timeout_s);
  start_tls_handshake(std::move(socket), tls_->current(), timeout, env_.pending,
                      [env = env_](std::unique_ptr<tls_transport> transport) {
                        ++counters.accepted_tls;
                        start_session(std::move(transport), env);
                      });
}

void front_door::reload_tls() {
  if (!tls_) {
    log::console("SIGHUP: sin TLS configurado, no hay certificado que recargar.");
    return;
  }
  const std::string failure = tls_->reload();
  if (failure.empty())
    log::console("Certificado TLS recargado; las conexiones nuevas lo usan.");
  else
    log::error("TLS certificate not reloaded, the previous one stays in use: " + failure);
}

void front_door::close() {
  boost::system::error_code ignored;
  tcp_.close(ignored);
  web_acceptor_.close(ignored);
  env_.pending.close_all();
}

}  // namespace tcs::net
