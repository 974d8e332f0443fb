// The scenarios against the peers of bench/compare, with the same loop and measurements as
// the tcs ones: IRC (PRIVMSG relay, idle clients) and Redis (PING, idle connections).
#include "bench/scenarios.hpp"

#include <algorithm>
#include <vector>

namespace tcs::bench {

namespace {

using line_ptr = std::shared_ptr<line_connection>;

// The next IRC line that is not a PING (PINGs are answered at once).
awaitable<std::string> irc_line(line_connection& c) {
  for (;;) {
    std::string line = co_await c.read_line();
    if (line.rfind("PING", 0) == 0) {
      std::string pong = "PONG" + line.substr(4) + "\r\n";
      co_await c.write(pong);
      continue;
    }
    co_return line;
  }
}

// The numeric or command of an IRC line: ":server 001 nick :Welcome" -> "001".
std::string irc_command(const std::string& line) {
  std::size_t start = 0;
  if (!line.empty() && line[0] == ':') {
    start = line.find(' ');
    if (start == std::string::npos)
      return "";
    ++start;
  }
  const auto end = line.find(' ', start);
  return line.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

// NICK + USER, then waits for the end of the welcome burst (end of MOTD, or no MOTD).
awaitable<void> irc_register_once(bench_run& run, line_connection& c, const std::string& nick) {
  co_await c.connect(run.endpoint);
  const std::string hello = "NICK " + nick + "\r\nUSER " + nick + " 0 * :tcs bench\r\n";
  co_await c.write(hello);
  for (;;) {
    const std::string line = co_await irc_line(c);
    const std::string cmd = irc_command(line);
    if (cmd == "376" || cmd == "422")
      co_return;
    if (cmd == "ERROR" || cmd == "432" || cmd == "433" || cmd == "465")
      throw std::runtime_error("IRC registration of " + nick + ": " + line);
  }
}

// ngircd resets a connection now and then when many arrive at once (its listen backlog is
// short): such a connection is opened again, a few times at most.
awaitable<void> irc_register(bench_run& run, line_connection& c, const std::string& nick) {
  constexpr int attempts = 5;
  for (int attempt = 1;; ++attempt) {
    try {
      co_await irc_register_once(run, c, nick);
      co_return;
    } catch (const connection_closed&) {
      if (attempt == attempts)
        throw;
    }
    c.reopen();
    co_await run.sleep(0.05 * attempt);
  }
}

// Reads lines until a PRIVMSG arrives.
awaitable<void> irc_wait_privmsg(line_connection& c) {
  for (;;) {
    const std::string line = co_await irc_line(c);
    if (irc_command(line) == "PRIVMSG")
      co_return;
    if (irc_command(line) == "ERROR")
      throw connection_closed(line);
  }
}

std::string irc_nick(char side, std::int64_t index) {
  return std::string("t") + side + std::to_string(index);
}

void close_all(const std::vector<line_ptr>& conns) {
  for (const auto& c : conns) {
    if (c)
      c->close();
  }
}

}  // namespace

awaitable<bool> run_irc_relay(bench_run& run, std::size_t count) {
  report r("irc-relay");
  r.field("pairs", count);
  std::vector<line_ptr> a(count), b(count);
  window setup(run.opt.server_pid);
  setup.begin();
  // Every client registers on its own (InspIRCd completes a registration on its once-a-second
  // tick, so they had better wait together).
  const std::function<awaitable<void>(std::size_t)> job = [&](std::size_t k) -> awaitable<void> {
    const auto started = clock::now();
    const std::size_t i = k % count;
    const char side = k < count ? 'a' : 'b';
    auto& slot = k < count ? a[i] : b[i];
    slot = std::make_shared<line_connection>(run.ex);
    co_await irc_register(run, *slot,
                          irc_nick(side, run.opt.offset + static_cast<std::int64_t>(i) + 1));
    setup.record(started);
  };
  co_await run.for_each(2 * count, run.opt.concurrency, job, "IRC registration");
  setup.end();
  r.line(std::to_string(count) +
         " pairs of IRC clients; one operation = PRIVMSG a -> b, "
         "PRIVMSG b -> a");
  r.add_window(setup, "setup", "registrations");

  window w(run.opt.server_pid);
  wait_group senders(run.ex), echoers(run.ex);
  auto sender = [](bench_run& run, line_ptr c, std::string to, window& w) -> awaitable<void> {
    const std::string line = "PRIVMSG " + to + " :" + std::string(relay_text) + "\r\n";
    while (!run.stopping) {
      const auto started = clock::now();
      co_await c->write(line);
      co_await irc_wait_privmsg(*c);
      w.record(started);
    }
  };
  auto echoer = [](line_ptr c, std::string to) -> awaitable<void> {
    const std::string line = "PRIVMSG " + to + " :" + std::string(relay_text) + "\r\n";
    for (;;) {
      co_await irc_wait_privmsg(*c);
      co_await c->write(line);
    }
  };
  for (std::size_t i = 0; i < count; ++i) {
    if (!a[i] || !b[i] || !a[i]->is_open() || !b[i]->is_open())
      continue;
    const std::int64_t index = run.opt.offset + static_cast<std::int64_t>(i) + 1;
    run.spawn(echoers, echoer(b[i], irc_nick('a', index)), "IRC relay (b)");
    run.spawn(senders, sender(run, a[i], irc_nick('b', index), w), "IRC relay (a)");
  }
  co_await run.measure(w);
  const std::function<void()> give_up = [&] {
    close_all(a);
    close_all(b);
  };
  co_await run.wait_or_give_up(senders, finish_timeout_s, give_up, "IRC relay loops");
  give_up();
  co_await echoers.wait();
  r.add_window(w, "", "round trips");
  run.errors.describe(r);
  r.print();
  co_return run.errors.total() == 0;
}

awaitable<bool> run_irc_sessions(bench_run& run, std::size_t n) {
  report r("irc-sessions");
  r.line(std::to_string(n) + " IRC clients register, then stay idle for " +
         fixed(run.opt.duration_s, 1) + " s");
  const bench_run::open_fn open = [&](std::size_t i) -> awaitable<std::shared_ptr<socket_io>> {
    auto c = std::make_shared<line_connection>(run.ex);
    co_await irc_register(run, *c,
                          irc_nick('s', run.opt.offset + static_cast<std::int64_t>(i) + 1));
    co_return c;
  };
  const bench_run::idle_fn idle = [&](std::shared_ptr<socket_io> s) -> awaitable<void> {
    auto c = std::static_pointer_cast<line_connection>(s);
    try {
      for (;;)
        (void)co_await irc_line(*c);
    } catch (const connection_closed&) {
    }
    if (!run.stopping)
      throw std::runtime_error("the server closed an idle IRC client");
  };
  co_await run.hold_sessions(n, open, idle, r);
  run.errors.describe(r);
  r.print();
  co_return run.errors.total() == 0;
}

namespace {

awaitable<void> redis_ping(line_connection& c) {
  static const std::string ping = "PING\r\n";
  co_await c.write(ping);
  const std::string reply = co_await c.read_line();
  if (reply != "+PONG")
    throw std::runtime_error("PING: unexpected reply " + reply);
}

}  // namespace

awaitable<bool> run_redis_ping(bench_run& run, std::size_t n) {
  report r("redis-ping");
  r.field("connections", n);
  std::vector<line_ptr> conns(n);
  const std::function<awaitable<void>(std::size_t)> job = [&](std::size_t i) -> awaitable<void> {
    conns[i] = std::make_shared<line_connection>(run.ex);
    co_await conns[i]->connect(run.endpoint);
  };
  co_await run.for_each(n, run.opt.concurrency, job, "Redis connect");
  r.line(std::to_string(n) + " connections sending PING, closed loop");
  window w(run.opt.server_pid);
  wait_group loops(run.ex);
  auto loop = [](bench_run& run, line_ptr c, window& w) -> awaitable<void> {
    while (!run.stopping) {
      const auto started = clock::now();
      co_await redis_ping(*c);
      w.record(started);
    }
  };
  for (auto& c : conns) {
    if (c && c->is_open())
      run.spawn(loops, loop(run, c, w), "PING");
  }
  co_await run.measure(w);
  const std::function<void()> give_up = [&conns] { close_all(conns); };
  co_await run.wait_or_give_up(loops, finish_timeout_s, give_up, "PING loops");
  close_all(conns);
  r.add_window(w, "", "PINGs");
  run.errors.describe(r);
  r.print();
  co_return run.errors.total() == 0;
}

awaitable<bool> run_redis_sessions(bench_run& run, std::size_t n) {
  report r("redis-sessions");
  r.line(std::to_string(n) + " Redis connections (one PING each), then idle for " +
         fixed(run.opt.duration_s, 1) + " s");
  const bench_run::open_fn open = [&](std::size_t) -> awaitable<std::shared_ptr<socket_io>> {
    auto c = std::make_shared<line_connection>(run.ex);
    co_await c->connect(run.endpoint);
    co_await redis_ping(*c);
    co_return c;
  };
  const bench_run::idle_fn idle = [&](std::shared_ptr<socket_io> s) -> awaitable<void> {
    auto c = std::static_pointer_cast<line_connection>(s);
    try {
      for (;;)
        (void)co_await c->read_line();
    } catch (const connection_closed&) {
    }
    if (!run.stopping)
      throw std::runtime_error("the server closed an idle connection");
  };
  co_await run.hold_sessions(n, open, idle, r);
  run.errors.describe(r);
  r.print();
  co_return run.errors.total() == 0;
}

}  // namespace tcs::bench
