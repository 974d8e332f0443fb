// tcs-bench: drives tcs-server (or a peer server) over its real protocol and reports
// throughput, latency percentiles and the server's CPU time and memory. See
// docs/performance.md and bench/scenarios.hpp.
#include "bench/accounts.hpp"
#include "bench/scenarios.hpp"

#include <boost/program_options.hpp>

#include <sys/resource.h>

#include <iostream>
#include <map>

namespace {

namespace po = boost::program_options;
using namespace tcs::bench;

using scenario_fn = awaitable<bool> (*)(bench_run&, std::size_t);

const std::map<std::string, scenario_fn>& scenarios() {
  static const std::map<std::string, scenario_fn> table = {
      {"sessions", run_sessions},
      {"relay", run_relay},
      {"requests", run_requests},
      {"purchases", run_purchases},
      {"login-storm", run_login_storm},
      {"irc-relay", run_irc_relay},
      {"irc-sessions", run_irc_sessions},
      {"redis-ping", run_redis_ping},
      {"redis-sessions", run_redis_sessions},
  };
  return table;
}

constexpr const char* usage =
    "Usage: tcs-bench SCENARIO COUNT [options]\n"
    "       tcs-bench accounts --db FILE --customers N --executives M [...] (--help)\n"
    "\n"
    "Scenarios against tcs-server (accounts: tcs-bench accounts, see\n"
    "docs/performance.md):\n"
    "  sessions N      N customers (+ N/100 executives) log in and stay idle: set-up rate,\n"
    "                  RSS per session, idle CPU\n"
    "  relay P         P customer-executive pairs, closed-loop chat ping-pong\n"
    "  requests N      N customers asking for catalogue / history in turn, closed loop\n"
    "  purchases N     N customers buying one unit in a loop; stock checked at the end\n"
    "  login-storm R   relay (--pairs) calm, then with R logins/s (real Argon2id)\n"
    "Scenarios against the peers of bench/compare:\n"
    "  irc-relay P     P pairs of IRC clients, PRIVMSG ping-pong\n"
    "  irc-sessions N  N idle IRC clients\n"
    "  redis-ping N    N connections sending PING, closed loop\n"
    "  redis-sessions N  N idle Redis connections\n"
    "\n"
    "Latencies are in microseconds, from every sample. Server CPU (utime + stime) and RSS come\n"
    "from /proc/PID/stat and /proc/PID/status with --server-pid. The last line of the output\n"
    "is `RESULT {json}`. Exit status: 0 done, 1 something failed, 2 bad usage.\n";

// Each connection is a descriptor on both ends: lift the soft limit to the hard one.
void raise_open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && argv[1] == bench_accounts_command)
    return run_bench_accounts(std::vector<std::string>(argv + 2, argv + argc));
  options opt;
  std::string scenario;
  std::size_t count = 0;
  int server_pid = 0;
  std::string transport = "tcp";
  po::options_description named("Options");
  // clang-format off
  named.add_options()
      ("help,h", "show this help")
      ("host", po::value(&opt.host)->default_value(opt.host), "server address")
      ("port", po::value(&opt.port)->default_value(opt.port), "server port (the web port for ws and wss)")
      ("transport", po::value(&transport)->default_value(transport), "tcs scenarios: tcp, tls, ws (WebSocket on the web port's /ws) or wss; the certificate is not verified")
      ("duration", po::value(&opt.duration_s)->default_value(opt.duration_s), "seconds measured (login-storm: per phase; sessions: idle time)")
      ("warmup", po::value(&opt.warmup_s)->default_value(opt.warmup_s), "seconds of load before measuring")
      ("server-pid", po::value(&server_pid), "the server's process id, for its CPU time and RSS")
      ("prefix", po::value(&opt.prefix)->default_value(opt.prefix), "accounts prefix (tcs-bench accounts --prefix)")
      ("offset", po::value(&opt.offset)->default_value(opt.offset), "use accounts (and IRC nicks) from index offset+1")
      ("concurrency", po::value(&opt.concurrency)->default_value(opt.concurrency), "connections set up at once")
      ("executives", po::value(&opt.executives)->default_value(opt.executives), "sessions: executives beside the customers (0: N/100, at least 1)")
      ("pairs", po::value(&opt.pairs)->default_value(opt.pairs), "login-storm: relay pairs")
      ("storm-prefix", po::value(&opt.storm_prefix)->default_value(opt.storm_prefix), "login-storm: prefix of the accounts with real password hashes")
      ("storm-accounts", po::value(&opt.storm_accounts)->default_value(opt.storm_accounts), "login-storm: how many of those accounts to cycle through");
  po::options_description hidden;
  hidden.add_options()
      ("scenario", po::value(&scenario))
      ("count", po::value(&count));
  // clang-format on
  po::options_description all;
  all.add(named).add(hidden);
  po::positional_options_description positional;
  positional.add("scenario", 1).add("count", 1);
  try {
    po::variables_map vm;
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
    if (vm.count("help")) {
      std::cout << usage << "\n" << named;
      return 0;
    }
    po::notify(vm);
    if (scenario.empty() || !vm.count("count"))
      throw po::error("expected a scenario and a count");
    if (!scenarios().contains(scenario))
      throw po::error("unknown scenario \"" + scenario + "\"");
    if (opt.duration_s <= 0 || opt.warmup_s < 0)
      throw po::error("--duration must be positive and --warmup not negative");
    if (opt.concurrency == 0)
      throw po::error("--concurrency must be at least 1");
    if (vm.count("server-pid"))
      opt.server_pid = server_pid;
    static const std::map<std::string, tcs::bench::wire> wires = {{"tcp", tcs::bench::wire::tcp},
                                                                  {"tls", tcs::bench::wire::tls},
                                                                  {"ws", tcs::bench::wire::ws},
                                                                  {"wss", tcs::bench::wire::wss}};
    if (!wires.contains(transport))
      throw po::error("--transport must be tcp, tls, ws or wss");
    tcs::bench::use_wire(wires.at(transport));
  } catch (const std::exception& e) {
    std::cerr << "tcs-bench: " << e.what() << "\n(see tcs-bench --help)\n";
    return 2;
  }

  raise_open_file_limit();
  if (opt.server_pid && !read_proc(opt.server_pid).ok)
    std::cerr << "tcs-bench: warning: cannot read /proc/" << *opt.server_pid
              << "; server CPU and RSS will not be reported\n";
  try {
    boost::asio::io_context io{1};
    bench_run run(io, opt);
    bool ok = false;
    boost::asio::co_spawn(io, scenarios().at(scenario)(run, count),
                          [&](std::exception_ptr e, bool result) {
                            if (e) {
                              try {
                                std::rethrow_exception(e);
                              } catch (const std::exception& ex) {
                                std::cerr << "tcs-bench: " << ex.what() << "\n";
                              }
                            }
                            ok = !e && result;
                            io.stop();
                          });
    io.run();
    return ok ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "tcs-bench: " << e.what() << "\n";
    return 1;
  }
}
