// tcs-server: flags, signals and wiring; the work happens in net/, dispatch/ and services/.
// `tcs-server user|catalogue ...` runs an administration command instead (server/admin/).
#include "server/admin/admin.hpp"
#include "server/admin/bench_accounts.hpp"
#include "server/config.hpp"
#include "server/dispatch/account_watch.hpp"
#include "server/dispatch/dispatcher.hpp"
#include "server/dispatch/server_state.hpp"
#include "server/log/console.hpp"
#include "server/net/listener.hpp"
#include "server/security/password_pool.hpp"
#include "server/security/passwords.hpp"
#include "server/store/database.hpp"
#include "server/store/demo_data.hpp"

#include <boost/asio.hpp>
#include <boost/program_options.hpp>

#include <sys/resource.h>

#include <chrono>
#include <iostream>

namespace {

namespace asio = boost::asio;
namespace po = boost::program_options;

// How long a graceful shutdown waits for peers to drain before closing them anyway.
constexpr auto shutdown_grace = std::chrono::seconds(2);

std::int64_t unix_now() {
  using namespace std::chrono;
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

// Each connection is a descriptor: lift the soft limit to the hard one so the server can hold
// thousands of sessions without the operator tuning ulimit first.
void raise_open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max)
    return;
  limit.rlim_cur = limit.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &limit) != 0)
    tcs::log::error("could not raise RLIMIT_NOFILE");
}

int serve(const tcs::server_config& config) {
  raise_open_file_limit();
  tcs::store::database db(config.db_path);
  if (config.demo) {
    if (db.is_empty()) {
      tcs::store::load_demo_data(
          db, [](std::string_view pw) { return tcs::security::hash_password(pw); }, unix_now());
      tcs::log::console("Datos de demostración cargados en " + config.db_path + ".");
    } else {
      tcs::log::console("La base de datos ya tiene datos; no se cargan los de demostración.");
    }
  }

  asio::io_context ctx{1};  // one thread runs the loop; the hint lets Asio skip locking
  tcs::security::password_pool passwords(config.hash_threads, config.hash_queue);
  tcs::server_state state(config, db, passwords);
  const tcs::dispatcher commands(tcs::all_commands());

  asio::ip::tcp::endpoint endpoint(asio::ip::make_address(config.host), config.port);
  asio::ip::tcp::acceptor acceptor(ctx);
  acceptor.open(endpoint.protocol());
  acceptor.set_option(asio::socket_base::reuse_address(true));
  acceptor.bind(endpoint);
  acceptor.listen(asio::socket_base::max_listen_connections);
  tcs::log::console("Escuchando en " + config.host + ":" + std::to_string(config.port) + ".");

  asio::co_spawn(ctx, tcs::net::accept_loop(acceptor, state, commands), [](std::exception_ptr e) {
    if (e)
      std::rethrow_exception(e);  // a dead listener must stop the server
  });
  // Logs out the sessions of accounts an administrator disables (`tcs-server user disable`).
  tcs::account_watch disabled_accounts(ctx.get_executor(), state);
  disabled_accounts.start();

  asio::steady_timer grace(ctx);
  asio::signal_set signals(ctx, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec)
      return;
    tcs::log::console("Apagando el servidor.");
    boost::system::error_code ignored;
    acceptor.close(ignored);
    disabled_accounts.stop();
    state.shut_down("El servidor se está apagando. ¡Hasta pronto!");
    grace.expires_after(shutdown_grace);
    grace.async_wait([&](const boost::system::error_code& timer_ec) {
      if (timer_ec)
        return;
      for (auto& p : state.snapshot())
        p->stop();
    });
    // With the acceptor closed and the signals consumed, the loop ends by itself once the last
    // session is gone; the grace timer is the only thing left to cancel.
    state.when_all_gone([&] { grace.cancel(); });
  });

  // Console lines written during one round of the loop go out in one write at its end.
  tcs::log::batch_flushes([ex = ctx.get_executor()] { asio::post(ex, [] { tcs::log::flush(); }); });
  ctx.run();
  tcs::log::batch_flushes(nullptr);
  passwords.stop();
  tcs::log::console("Servidor detenido.");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && tcs::admin::is_admin_command(argv[1]))
    return tcs::admin::run(std::vector<std::string>(argv + 1, argv + argc));
  if (argc > 1 && argv[1] == tcs::admin::bench_accounts_command)
    return tcs::admin::run_bench_accounts(std::vector<std::string>(argv + 2, argv + argc));

  tcs::server_config config;
  po::options_description options("tcs-server: TC5G customer-service chat server\n\nOptions");
  // clang-format off
  options.add_options()
      ("help,h", "show this help")
      ("host", po::value(&config.host)->default_value(config.host), "address to listen on")
      ("port", po::value(&config.port)->default_value(config.port), "TCP port")
      ("db", po::value(&config.db_path)->default_value(config.db_path), "SQLite database file (created if missing)")
      ("demo", po::bool_switch(&config.demo), "load demo customers, executives and catalogue into an empty database")
      ("min-password-length", po::value(&config.min_password_length)->default_value(config.min_password_length), "minimum length of a new customer password")
      ("hash-threads", po::value(&config.hash_threads)->default_value(config.hash_threads), "threads that hash and verify passwords (Argon2id)")
      ("max-connections", po::value(&config.max_connections)->default_value(config.max_connections), "connections beyond this are refused")
      ("max-outbound-bytes", po::value(&config.max_outbound_bytes)->default_value(config.max_outbound_bytes), "bytes queued for a peer before it is disconnected as a slow reader")
      ("login-timeout", po::value(&config.login_timeout_s)->default_value(config.login_timeout_s), "seconds a connection may stay without logging in")
      ("idle-timeout", po::value(&config.idle_timeout_s)->default_value(config.idle_timeout_s), "seconds of silence before a heartbeat; twice that and the peer is dropped")
      ("max-protocol-errors", po::value(&config.max_protocol_errors)->default_value(config.max_protocol_errors), "malformed messages one connection may send before it is closed")
      ("hash-queue", po::value(&config.hash_queue.max_queued)->default_value(config.hash_queue.max_queued), "logins waiting for a hashing thread, in all; more get busy")
      ("hash-queue-per-address", po::value(&config.hash_queue.max_per_source)->default_value(config.hash_queue.max_per_source), "logins waiting or hashing from one client address; more get busy")
      ("login-slow-after", po::value(&config.throttle.slow_after)->default_value(config.throttle.slow_after), "failed logins of one account before its next attempts are spaced out (1 s, doubling)")
      ("address-slow-after", po::value(&config.throttle.address_slow_after)->default_value(config.throttle.address_slow_after), "failed logins from one address before its next attempts are spaced out")
      ("login-max-delay", po::value<std::int64_t>()->default_value(config.throttle.max_delay_ms / 1000)->notifier([&](std::int64_t s) { config.throttle.max_delay_ms = s * 1000; }), "seconds: the longest spacing between two attempts of a slowed account or address")
      ("login-max-wait", po::value<std::int64_t>()->default_value(config.throttle.max_wait_ms / 1000)->notifier([&](std::int64_t s) { config.throttle.max_wait_ms = s * 1000; }), "seconds a login may wait for its turn; a later turn is refused with too_many_attempts");
  // clang-format on
  try {
    po::variables_map vm;
    po::store(po::parse_command_line(argc, argv, options), vm);
    if (vm.count("help")) {
      std::cout << options << "\n"
                << tcs::admin::usage_summary() << tcs::admin::bench_accounts_usage();
      return 0;
    }
    po::notify(vm);
    if (config.hash_threads == 0)
      throw po::error("--hash-threads must be at least 1");
    if (config.min_password_length == 0)
      throw po::error("--min-password-length must be at least 1");
    if (config.hash_queue.max_per_source == 0)
      throw po::error("--hash-queue-per-address must be at least 1");
  } catch (const po::error& e) {
    std::cerr << "tcs-server: " << e.what() << "\n(see tcs-server --help)\n";
    return 2;
  }
  try {
    return serve(config);
  } catch (const std::exception& e) {
    std::cerr << "tcs-server: " << e.what() << "\n";
    return 1;
  }
}
