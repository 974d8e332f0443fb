// tcs-server: signals and wiring; the work happens in net/, dispatch/ and services/. The
// options (command line and configuration file) are read in config_options.cpp.
// `tcs-server user|catalogue|backup|restore ...` runs an administration command instead
// (server/admin/).
#include "server/admin/admin.hpp"
#include "server/config.hpp"
#include "server/config_options.hpp"
#include "server/dispatch/account_watch.hpp"
#include "server/dispatch/dispatcher.hpp"
#include "server/dispatch/server_state.hpp"
#include "server/dispatch/session_resume.hpp"
#include "server/dispatch/support_teardown.hpp"
#include "server/dispatch/support_timers.hpp"
#include "server/log/console.hpp"
#include "server/net/front_door.hpp"
#include "server/net/input_budget.hpp"
#include "server/net/metrics.hpp"
#include "server/security/password_pool.hpp"
#include "server/security/passwords.hpp"
#include "server/services/service_set.hpp"
#include "server/store/database.hpp"
#include "server/store/demo_data.hpp"

#include <boost/asio.hpp>

#include <sys/resource.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <stdexcept>

namespace {

namespace asio = boost::asio;

// How long a graceful shutdown waits for the requests in flight to be answered and for the
// peers to drain before closing them anyway. An answer may wait for a WAL sync, which takes
// seconds on a disk busy with other work; usually every peer is gone within milliseconds.
constexpr auto shutdown_grace = std::chrono::seconds(5);
// How long the end of the server waits for its console lines to be written (a reader that
// does not read them does not keep the process alive).
constexpr auto console_drain_wait = std::chrono::seconds(1);
// Descriptors kept out of --max-connections: standard streams (3); the loop's epoll, eventfd
// and timerfd, the signal pipe and the listener (6); the database's two connections with
// their WAL and shared-memory files (6) and the sync's WAL descriptor (1); the spare and the
// connection being refused (2); SQLite's temporary files and headroom for the rest.
constexpr std::size_t reserved_descriptors = 64;
// Below this many connections the server would be of no use: refuse to start instead.
constexpr std::size_t min_connections = 16;

std::int64_t unix_now() {
  using namespace std::chrono;
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

// Each connection is a descriptor: lift the soft limit to the hard one so the server can hold
// thousands of sessions without the operator tuning ulimit first. Returns the soft limit.
rlim_t raise_open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0)
    return RLIM_INFINITY;
  if (limit.rlim_cur < limit.rlim_max) {
    const rlim_t before = limit.rlim_cur;
    limit.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &limit) != 0) {
      tcs::log::error("could not raise RLIMIT_NOFILE");
      return before;
    }
  }
  return limit.rlim_cur;
}

// The hashing threads run nicer than the loop (password_pool.cpp): on a busy machine a hash
// in progress gets a small share of the CPU. A shutdown waits for the hashes in progress (they
// cannot be interrupted), so it gives those threads the loop's priority back: they finish in
// their CPU time (tens of milliseconds). Best effort: an unprivileged process may not be
// allowed to raise a priority (RLIMIT_NICE), and then waits a little longer.
void hurry_hashing_threads() {
  errno = 0;
  const int loop_niceness = getpriority(PRIO_PROCESS, static_cast<id_t>(getpid()));
  if (errno != 0)
    return;
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task", ec)) {
    const auto tid = static_cast<id_t>(std::atoi(task.path().filename().c_str()));
    errno = 0;
    const int niceness = getpriority(PRIO_PROCESS, tid);
    if (tid > 0 && errno == 0 && niceness > loop_niceness)
      (void)setpriority(PRIO_PROCESS, tid, loop_niceness);
  }
}

// No more connections than the process can open descriptors for, minus the reserve: beyond
// it, a new client gets `busy` instead of hanging unaccepted, and the database always has
// the descriptors it needs.
void fit_connections_to_descriptors(tcs::server_config& config, rlim_t open_files) {
  if (open_files == RLIM_INFINITY)
    return;
  if (open_files < reserved_descriptors + min_connections)
    throw std::runtime_error("the process may open only " + std::to_string(open_files) +
                             " files (RLIMIT_NOFILE); at least " +
                             std::to_string(reserved_descriptors + min_connections) +
                             " are needed");
  const std::size_t fit = open_files - reserved_descriptors;
  if (config.max_connections <= fit)
    return;
  tcs::log::console("--max-connections " + std::to_string(config.max_connections) + " lowered to " +
                    std::to_string(fit) + ": the process may open " + std::to_string(open_files) +
                    " files (RLIMIT_NOFILE) and keeps " + std::to_string(reserved_descriptors) +
                    " for the database and itself");
  config.max_connections = fit;
}

// --demo: the demo customers, executives and catalogue, into an empty database only.
void load_demo_data(tcs::store::database& db, const std::string& path) {
  if (!db.is_empty()) {
    tcs::log::console("La base de datos ya tiene datos; no se cargan los de demostración.");
    return;
  }
  tcs::store::load_demo_data(
      db, [](std::string_view pw) { return tcs::security::hash_password(pw); }, unix_now());
  tcs::log::console("Datos de demostración cargados en " + path + ".");
}

// GET /healthz: the loop answers (it runs this), the database answers a query, and the
// hashing pool is not stuck (with logins waiting, it started one within hash_stall_limit).
constexpr auto hash_stall_limit = std::chrono::seconds(30);

std::function<std::string()> health_check(tcs::store::database& db,
                                          tcs::security::password_pool& passwords) {
  struct progress {
    std::uint64_t started = 0;
    std::chrono::steady_clock::time_point since = std::chrono::steady_clock::now();
  };
  return [&db, &passwords, seen = std::make_shared<progress>()]() -> std::string {
    try {
      auto query = db.prepare("SELECT 1");
      if (!query.executeStep())
        return "database: no answer";
    } catch (const std::exception& e) {
      return std::string("database: ") + e.what();
    }
    const auto now = std::chrono::steady_clock::now();
    if (passwords.queued() == 0 || passwords.started() != seen->started) {
      seen->started = passwords.started();
      seen->since = now;
    } else if (now - seen->since > hash_stall_limit) {
      return "password hashing: no progress with logins waiting";
    }
    return {};
  };
}

// SIGHUP reloads the TLS certificate (a renewal needs no restart), until `reload` is cancelled.
void await_reload(asio::signal_set& reload, tcs::net::front_door& door) {
  reload.async_wait([&reload, &door](const boost::system::error_code& ec, int) {
    if (ec)
      return;
    door.reload_tls();
    await_reload(reload, door);
  });
}

// A closed terminal sends SIGHUP: the server goes on (the console has nothing to reopen); once
// the loop runs, SIGHUP reloads the TLS certificate instead (await_reload). A console whose
// reader is gone fails with EPIPE instead of killing the server.
void ignore_terminal_signals() {
  std::signal(SIGHUP, SIG_IGN);
  std::signal(SIGPIPE, SIG_IGN);
}

// The loop's timed work beside the sessions, started with the loop and stopped at shutdown.
class housekeeping {
 public:
  housekeeping(asio::any_io_executor executor, tcs::server_state& state,
               tcs::services::service_set& services)
      : state_(state),
        services_(services),
        disabled_accounts_(executor, state, services.accounts()),
        support_limits_(executor, state, services),
        held_sessions_(executor, state, services) {
    disabled_accounts_.start();
    support_limits_.start();
    held_sessions_.start();
  }

  // Stops the timers and ends every held session as a disconnect (nobody can resume now). The
  // group commit arms no more lazy syncs either: one that keeps failing (the WAL's file deleted)
  // would keep the loop running for ever; what is left is synced at exit (~group_commit).
  void stop() {
    disabled_accounts_.stop();
    support_limits_.stop();
    held_sessions_.stop();
    tcs::end_all_holds(state_, services_);
    services_.commits().stop();
  }

 private:
  tcs::server_state& state_;
  tcs::services::service_set& services_;
  // Logs out the sessions of accounts an administrator disables (`tcs-server user disable`).
  tcs::account_watch disabled_accounts_;
  // The support queue's and chats' time limits (--max-queue-wait, --chat-idle-close).
  tcs::support_timers support_limits_;
  // Ends the sessions held after a lost connection once their grace is over (--resume-grace).
  tcs::hold_sweeper held_sessions_;
};

int serve(tcs::server_config config) {
  ignore_terminal_signals();
  // The console goes through a writer thread: a stdout nobody reads cannot freeze the loop.
  // Whatever way serve() ends, the lines written so far get their chance to go out.
  tcs::log::write_in_background();
  struct console_drain {
    ~console_drain() { tcs::log::finish_background(console_drain_wait); }
  } drain_console_at_exit;
  fit_connections_to_descriptors(config, raise_open_file_limit());
  tcs::store::database db(config.db_path);
  if (config.demo)
    load_demo_data(db, config.db_path);

  tcs::net::input_budget input_memory(config.max_input_bytes);
  asio::io_context ctx{1};  // one thread runs the loop; the hint lets Asio skip locking
  tcs::security::password_pool passwords(config.hash_threads, config.hash_queue);
  // The composition root: the store's group commit (its sync threads start here), the
  // services over the database, the registry of sessions, and the dispatcher that joins them.
  tcs::store::group_commit commits(db);
  commits.attach(ctx.get_executor());
  tcs::services::service_set services(db, commits, passwords,
                                      {config.min_password_length, config.throttle,
                                       config.max_chats_per_executive, config.satisfaction_survey});
  tcs::server_state state(config);
  tcs::watch_departures(state, services);
  tcs::watch_losses(state, services);  // --resume-grace: lost connections are held
  const tcs::dispatcher commands(tcs::all_commands(), services);

  tcs::net::pending_set not_yet_sessions;
  tcs::net::front_door door(ctx, {state, commands, input_memory, not_yet_sessions},
                            health_check(db, passwords));
  door.set_metrics([sources = tcs::net::metrics_sources{state, commands, services.support(),
                                                        commits, passwords}] {
    return tcs::net::render_metrics(sources);
  });  // GET /metrics
  // Caught before the ports open: a SIGTERM right after READY is a clean stop, not a kill.
  asio::signal_set reload(ctx, SIGHUP);
  asio::signal_set signals(ctx, SIGINT, SIGTERM);
  door.open();
  // Under systemd (Type=notify): the ports are bound, the server is ready. A no-op elsewhere.
  sd_notify(0, "READY=1");
  housekeeping chores(ctx.get_executor(), state, services);

  asio::steady_timer grace(ctx);
  await_reload(reload, door);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec)
      return;
    tcs::log::console("Apagando el servidor.");
    sd_notify(0, "STOPPING=1");
    boost::system::error_code ignored;
    reload.cancel(ignored);
    door.close();
    chores.stop();
    // Logins still queued for hashing are answered at once instead of hashed: the exit must
    // not wait for them. The requests running are answered, then each peer gets `shutdown`.
    passwords.drop_queued();
    hurry_hashing_threads();
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
  const std::vector<std::string> args(argv + 1, argv + argc);
  tcs::server_config config;
  tcs::server_options options(config);
  try {
    auto split = tcs::split_command_line(args, options.description(), tcs::admin::is_admin_command);
    if (!split.command_args.empty()) {
      // A subcommand: the configuration file only tells it where the database is.
      options.parse_file_only(split.config);
      return tcs::admin::run(split.command_args, config.db_path);
    }
    if (split.config)
      split.server_args.push_back("--config=" + *split.config);
    if (!options.parse(split.server_args)) {
      std::cout << options.description() << "\n" << tcs::admin::usage_summary();
      return 0;
    }
    if (auto refusal = tcs::net::plaintext_refusal(config); !refusal.empty())
      throw tcs::config_error(refusal);
    if (auto bad = tcs::net::metrics_allow_error(config.metrics_allow); !bad.empty())
      throw tcs::config_error(bad);
  } catch (const tcs::config_error& e) {
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
