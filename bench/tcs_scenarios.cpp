// The scenarios against tcs-server: sessions, relay, requests, purchases, login-storm.
#include "bench/accounts.hpp"
#include "bench/scenarios.hpp"
#include "common/protocol/limits.hpp"
#include "server/security/totp.hpp"

#include <algorithm>
#include <chrono>
#include <vector>

namespace tcs::bench {

namespace {

using conn_ptr = std::shared_ptr<tcs_connection>;

// A session that was just closed may still be registered on the server for a moment.
constexpr double relogin_patience_s = 10;
// Connections set up at once in relay (each pair also goes through the queue).
constexpr std::size_t max_pair_setups = 32;

struct account {
  bool executive = false;
  std::string email;
};

account customer(std::string_view prefix, std::int64_t index) {
  return {false, bench_customer_email(prefix, index)};
}

account executive(std::string_view prefix, std::int64_t index) {
  return {true, bench_executive_email(prefix, index)};
}

std::int64_t unix_now() {
  using namespace std::chrono;
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

std::int64_t totp_step_now() {
  return unix_now() / security::totp_step_seconds;
}

// Sleeps until the next TOTP step begins (plus a margin for the server's clock reading).
awaitable<void> next_totp_step(bench_run& run) {
  const auto step = security::totp_step_seconds;
  co_await run.sleep(static_cast<double>(step - unix_now() % step) + 0.2);
}

// Connects, says hello and logs in. A session of the same account that is still closing gets
// `already_logged_in` for a moment: retried. Executives send the code of the next 30 s step
// (the server accepts one step early): it is unused unless a run in the last minute already
// used it, and then, after one refusal, the run waits for the next step and is fine again.
awaitable<json::object> log_in(bench_run& run, tcs_connection& c, const account& a) {
  co_await c.connect(run.endpoint);
  json::object hello = make_event("hello");
  hello["version"] = protocol_version;
  hello["client"] = "tcs-bench";
  co_await c.request_ok(std::move(hello));
  bool probing = false;
  if (a.executive) {
    while (run.totp_state == bench_run::totp_probe::running)
      co_await run.sleep(0.01);
    if (run.totp_state == bench_run::totp_probe::not_started) {
      run.totp_state = bench_run::totp_probe::running;
      probing = true;
    }
  }
  struct probe_end {
    bench_run& run;
    bool active;
    ~probe_end() {
      if (active)
        run.totp_state = bench_run::totp_probe::done;
    }
  } end_probe{run, probing};
  const auto give_up =
      clock::now() + std::chrono::duration_cast<clock::duration>(clock_seconds(relogin_patience_s));
  bool waited_for_step = false;
  for (;;) {
    if (a.executive && unix_now() < run.totp_not_before)
      co_await next_totp_step(run);
    json::object login = make_event("login");
    login["role"] = a.executive ? "executive" : "customer";
    login["email"] = a.email;
    login["password"] = bench_password;
    if (a.executive)
      login["totp"] =
          security::totp_code(bench_totp_secret, unix_now() + security::totp_step_seconds);
    json::object reply = co_await c.request(std::move(login));
    auto f = reply_failure(reply);
    if (!f)
      co_return reply;
    if (f->code == errc::already_logged_in && clock::now() < give_up) {
      co_await run.sleep(0.05);
      continue;
    }
    if (f->code == errc::bad_credentials && a.executive && !waited_for_step) {
      waited_for_step = true;
      run.totp_not_before = (totp_step_now() + 1) * security::totp_step_seconds;
      continue;
    }
    throw request_failed("login " + a.email, std::string(code_name(f->code)));
  }
}

// The chat.send fields, as JSON object members.
const std::string& chat_fields() {
  static const std::string fields = "\"text\":\"" + std::string(relay_text) + "\"";
  return fields;
}

void close_all(const std::vector<conn_ptr>& conns) {
  for (const auto& c : conns) {
    if (c)
      c->close();
  }
}

// Logs in `count` customers (indices offset+1 ...), `limit` at a time.
awaitable<std::vector<conn_ptr>> customers_logged_in(bench_run& run, std::size_t count,
                                                     std::string prefix) {
  std::vector<conn_ptr> conns(count);
  const std::function<awaitable<void>(std::size_t)> job = [&](std::size_t i) -> awaitable<void> {
    auto c = std::make_shared<tcs_connection>(run.ex);
    conns[i] = c;
    co_await log_in(run, *c, customer(prefix, run.opt.offset + static_cast<std::int64_t>(i) + 1));
  };
  co_await run.for_each(count, run.opt.concurrency, job, "customer log-in");
  co_return conns;
}

// --- relay -----------------------------------------------------------------------------------

struct chat_pair {
  conn_ptr customer, executive;
  bool ready = false;  // both logged in and in chat
};

// Where the relay loops record their round trips (login-storm switches windows).
struct relay_target {
  window* current = nullptr;
};

// P customers and P executives in chat. Pair by pair (a few at a time) so the support queue
// stays short: each customer joins the queue, an executive connects and takes the
// longest-waiting customer (not necessarily its own: every customer is taken by someone).
awaitable<std::vector<chat_pair>> pairs_in_chat(bench_run& run, std::size_t count, window& setup) {
  std::vector<chat_pair> pairs(count);
  const std::function<awaitable<void>(std::size_t)> job = [&](std::size_t i) -> awaitable<void> {
    const auto started = clock::now();
    const std::int64_t index = run.opt.offset + static_cast<std::int64_t>(i) + 1;
    pairs[i].customer = std::make_shared<tcs_connection>(run.ex);
    pairs[i].executive = std::make_shared<tcs_connection>(run.ex);
    tcs_connection& cust = *pairs[i].customer;
    tcs_connection& exec = *pairs[i].executive;
    co_await log_in(run, cust, customer(run.opt.prefix, index));
    co_await log_in(run, exec, executive(run.opt.prefix, index));
    co_await cust.request_ok(make_event("queue.join"));
    for (int attempt = 0;; ++attempt) {
      json::object reply = co_await exec.request(make_event("connect"));
      auto f = reply_failure(reply);
      if (!f)
        break;
      // The queue cannot be empty here (this pair's customer joined first); retry anyway.
      if (f->code != errc::invalid_state || attempt == 100)
        throw request_failed("connect", std::string(code_name(f->code)));
      co_await run.sleep(0.01);
    }
    (void)co_await cust.wait_event("chat.started");
    pairs[i].ready = true;
    setup.record(started);
  };
  co_await run.for_each(count, std::min(run.opt.concurrency, max_pair_setups), job, "pair set-up");
  co_return pairs;
}

// Customer side of the ping-pong: a line out, the executive's line back = one round trip.
awaitable<void> customer_loop(bench_run& run, conn_ptr c, relay_target& target) {
  while (!run.stopping) {
    const auto started = clock::now();
    (void)co_await c->call("chat.send", chat_fields());
    (void)co_await c->wait_event("chat.message");
    if (target.current)
      target.current->record(started);
  }
}

// Executive side: answers every line; ends when its connection is closed.
awaitable<void> executive_loop(conn_ptr c) {
  for (;;) {
    (void)co_await c->wait_event("chat.message");
    (void)co_await c->call("chat.send", chat_fields());
  }
}

struct relay_loops {
  explicit relay_loops(bench_run& run) : customers(run.ex), executives(run.ex) {}
  wait_group customers, executives;
  relay_target target;
};

void start_relay(bench_run& run, const std::vector<chat_pair>& pairs, relay_loops& loops) {
  for (const auto& p : pairs) {
    if (!p.ready)
      continue;
    run.spawn(loops.executives, executive_loop(p.executive), "relay (executive)");
    run.spawn(loops.customers, customer_loop(run, p.customer, loops.target), "relay (customer)");
  }
}

awaitable<void> stop_relay(bench_run& run, const std::vector<chat_pair>& pairs,
                           relay_loops& loops) {
  run.stopping = true;
  const std::function<void()> close_pairs = [&pairs] {
    for (const auto& p : pairs) {
      if (p.customer)
        p.customer->close();
      if (p.executive)
        p.executive->close();
    }
  };
  co_await run.wait_or_give_up(loops.customers, finish_timeout_s, close_pairs, "relay loops");
  close_pairs();
  co_await loops.executives.wait();
}

std::size_t count_pairs(const std::vector<chat_pair>& pairs) {
  return static_cast<std::size_t>(std::count_if(
      pairs.begin(), pairs.end(), [](const auto& p) { return p.customer && p.executive; }));
}

// --- login-storm ------------------------------------------------------------------------------

struct storm_state {
  explicit storm_state(bench_run& run, std::size_t accounts) : logins(run.ex), busy(accounts) {}
  wait_group logins;
  std::vector<bool> busy;  // the account is logged in or logging in
  std::vector<std::weak_ptr<tcs_connection>> conns;
  bool stop = false;
  std::size_t started = 0, completed = 0, skipped = 0;
  latency_samples latency;  // connect + hello + login, every completed login
};

// One storm login: connect, hello, login (real Argon2id verification on the server), logout.
awaitable<void> storm_login(bench_run& run, storm_state& s, std::size_t slot) {
  auto c = std::make_shared<tcs_connection>(run.ex);
  s.conns.push_back(c);
  struct release {
    storm_state& s;
    std::size_t slot;
    ~release() { s.busy[slot] = false; }
  } guard{s, slot};
  const auto started = clock::now();
  co_await log_in(run, *c, customer(run.opt.storm_prefix, static_cast<std::int64_t>(slot) + 1));
  s.latency.add(clock::now() - started);
  ++s.completed;
  co_await c->request_ok(make_event("logout"));
  co_await c->drain();  // the server closes after the reply: the account is free again
}

// Starts a login every 1/rate s (open loop: a slow server does not slow the arrivals down),
// on an account that is not in use at the moment.
awaitable<void> storm_generator(bench_run& run, storm_state& s, double rate) {
  const auto gap = std::chrono::duration_cast<clock::duration>(clock_seconds(1.0 / rate));
  auto next = clock::now();
  std::size_t cursor = 0;
  while (!s.stop) {
    co_await run.sleep_until(next);
    next += gap;
    if (s.stop)
      break;
    std::size_t slot = s.busy.size();
    for (std::size_t k = 0; k < s.busy.size(); ++k, cursor = (cursor + 1) % s.busy.size()) {
      if (!s.busy[cursor]) {
        slot = cursor;
        cursor = (cursor + 1) % s.busy.size();
        break;
      }
    }
    if (slot == s.busy.size()) {
      ++s.skipped;
      continue;
    }
    s.busy[slot] = true;
    ++s.started;
    run.spawn(s.logins, storm_login(run, s, slot), "storm login");
  }
}

}  // namespace

// --- scenarios ----------------------------------------------------------------------------------

awaitable<bool> run_sessions(bench_run& run, std::size_t n) {
  const std::size_t m =
      run.opt.executives > 0 ? run.opt.executives : std::max<std::size_t>(1, n / 100);
  report r("sessions");
  r.field("customers", n);
  r.field("executives", m);
  r.line(std::to_string(n) + " customers and " + std::to_string(m) +
         " executives log in, then stay idle for " + fixed(run.opt.duration_s, 1) + " s");
  const bench_run::open_fn open = [&](std::size_t i) -> awaitable<std::shared_ptr<socket_io>> {
    auto c = std::make_shared<tcs_connection>(run.ex);
    const auto first = run.opt.offset + 1;
    const account a = i < n ? customer(run.opt.prefix, first + static_cast<std::int64_t>(i))
                            : executive(run.opt.prefix, first + static_cast<std::int64_t>(i - n));
    co_await log_in(run, *c, a);
    co_return c;
  };
  const bench_run::idle_fn idle = [&](std::shared_ptr<socket_io> s) -> awaitable<void> {
    auto c = std::static_pointer_cast<tcs_connection>(s);
    co_await c->drain();
    if (!run.stopping)
      throw std::runtime_error("the server closed an idle session");
  };
  co_await run.hold_sessions(n + m, open, idle, r);
  run.errors.describe(r);
  r.print();
  co_return run.errors.total() == 0;
}

awaitable<bool> run_relay(bench_run& run, std::size_t count) {
  report r("relay");
  r.field("pairs", count);
  window setup(run.opt.server_pid);
  setup.begin();
  auto pairs = co_await pairs_in_chat(run, count, setup);
  setup.end();
  r.line(std::to_string(count_pairs(pairs)) +
         " customer-executive pairs in chat; one operation "
         "= chat line customer -> executive -> customer");
  r.add_window(setup, "setup", "pairs");

  relay_loops loops(run);
  window w(run.opt.server_pid);
  loops.target.current = &w;
  start_relay(run, pairs, loops);
  co_await run.measure(w);
  co_await stop_relay(run, pairs, loops);
  r.add_window(w, "", "round trips");
  run.errors.describe(r);
  r.print();
  co_return run.errors.total() == 0;
}

awaitable<bool> run_requests(bench_run& run, std::size_t n) {
  report r("requests");
  r.field("customers", n);
  auto conns = co_await customers_logged_in(run, n, run.opt.prefix);
  r.line(std::to_string(n) +
         " customers, each asking for the catalogue and its history in turn (closed loop)");
  window w(run.opt.server_pid);
  wait_group loops(run.ex);
  auto loop = [](bench_run& run, conn_ptr c, window& w, bool catalogue) -> awaitable<void> {
    while (!run.stopping) {
      const auto started = clock::now();
      (void)co_await c->call(catalogue ? "catalogue" : "history");
      w.record(started);
      catalogue = !catalogue;
    }
  };
  for (std::size_t i = 0; i < conns.size(); ++i) {
    if (conns[i] && conns[i]->is_open())
      run.spawn(loops, loop(run, conns[i], w, i % 2 == 0), "requests");
  }
  co_await run.measure(w);
  const std::function<void()> give_up = [&conns] { close_all(conns); };
  co_await run.wait_or_give_up(loops, finish_timeout_s, give_up, "request loops");
  close_all(conns);
  r.add_window(w, "", "requests");
  run.errors.describe(r);
  r.print();
  co_return run.errors.total() == 0;
}

awaitable<bool> run_purchases(bench_run& run, std::size_t n) {
  report r("purchases");
  r.field("customers", n);
  auto conns = co_await customers_logged_in(run, n, run.opt.prefix);
  if (conns.empty() || !conns[0] || !conns[0]->is_open()) {
    run.errors.add("no customer could log in");
    run.errors.describe(r);
    r.print();
    co_return false;
  }
  // The bench product's id and stock, as a customer sees them.
  auto product = [&]() -> awaitable<std::pair<std::int64_t, std::int64_t>> {
    json::object reply = co_await conns[0]->request_ok(make_event("catalogue"));
    for (const auto& p : reply.at("products").as_array()) {
      const auto& o = p.as_object();
      if (o.at("name").as_string() == bench_product_name)
        co_return std::pair{o.at("id").as_int64(), o.at("stock").as_int64()};
    }
    throw std::runtime_error("no product \"" + std::string(bench_product_name) +
                             "\" for sale: run tcs-bench accounts --product-stock N");
  };
  const auto [product_id, stock_before] = co_await product();
  r.line(std::to_string(n) + " customers buying one unit of \"" + std::string(bench_product_name) +
         "\" (id " + std::to_string(product_id) + ", stock " + std::to_string(stock_before) +
         ") in a closed loop");

  window w(run.opt.server_pid);
  wait_group loops(run.ex);
  std::int64_t acknowledged = 0, out_of_stock = 0;
  auto loop = [](bench_run& run, conn_ptr c, window& w, std::int64_t product_id,
                 std::int64_t& acknowledged, std::int64_t& out_of_stock) -> awaitable<void> {
    const std::string fields =
        "\"lines\":[{\"product_id\":" + std::to_string(product_id) + ",\"quantity\":1}]";
    while (!run.stopping) {
      const auto started = clock::now();
      try {
        (void)co_await c->call("purchase", fields);
      } catch (const request_failed& e) {
        if (e.code != "out_of_stock")
          throw;
        ++out_of_stock;
        break;
      }
      ++acknowledged;
      w.record(started);
    }
  };
  for (auto& c : conns) {
    if (c && c->is_open())
      run.spawn(loops, loop(run, c, w, product_id, acknowledged, out_of_stock), "purchases");
  }
  co_await run.measure(w);
  const std::function<void()> give_up = [&conns] { close_all(conns); };
  co_await run.wait_or_give_up(loops, finish_timeout_s, give_up, "purchase loops");

  // Every acknowledged purchase must have taken exactly one unit.
  run.stopping = false;
  bool stock_ok = false;
  std::int64_t stock_after = -1;
  try {
    auto after = co_await product();
    stock_after = after.second;
    stock_ok = stock_before - stock_after == acknowledged;
  } catch (const std::exception& e) {
    run.errors.add(std::string("final stock check: ") + e.what());
  }
  run.stopping = true;
  close_all(conns);
  r.add_window(w, "", "purchases");
  r.field("acknowledged", acknowledged);
  r.field("out_of_stock", out_of_stock);
  r.field("stock_before", stock_before);
  r.field("stock_after", stock_after);
  r.field("stock_ok", stock_ok);
  r.line("stock check: " + std::to_string(stock_before) + " - " + std::to_string(stock_after) +
         " = " + std::to_string(stock_before - stock_after) + " units, " +
         std::to_string(acknowledged) +
         " purchases acknowledged: " + (stock_ok ? "exact" : "MISMATCH"));
  if (out_of_stock > 0)
    r.line("out of stock: " + std::to_string(out_of_stock) +
           " customers stopped early (raise --product-stock)");
  if (!stock_ok)
    run.errors.add("stock does not match the acknowledged purchases");
  run.errors.describe(r);
  r.print();
  co_return run.errors.total() == 0;
}

awaitable<bool> run_login_storm(bench_run& run, std::size_t rate) {
  report r("login-storm");
  r.field("logins_per_s", rate);
  r.field("pairs", run.opt.pairs);
  window setup(run.opt.server_pid);
  setup.begin();
  auto pairs = co_await pairs_in_chat(run, run.opt.pairs, setup);
  setup.end();
  r.line(std::to_string(count_pairs(pairs)) + " pairs relay chat lines for " +
         fixed(run.opt.duration_s, 1) + " s (calm), then " + fixed(run.opt.duration_s, 1) +
         " s while " + std::to_string(rate) + " customers/s log in and out (" +
         run.opt.storm_prefix + "-c* accounts: real Argon2id)");

  relay_loops loops(run);
  window calm(run.opt.server_pid), storm(run.opt.server_pid);
  start_relay(run, pairs, loops);
  co_await run.sleep(run.opt.warmup_s);
  loops.target.current = &calm;
  calm.begin();
  co_await run.sleep(run.opt.duration_s);
  calm.end();

  storm_state s(run, std::max<std::size_t>(1, run.opt.storm_accounts));
  wait_group generator(run.ex);
  loops.target.current = &storm;
  storm.begin();
  if (rate > 0)
    run.spawn(generator, storm_generator(run, s, static_cast<double>(rate)), "storm");
  co_await run.sleep(run.opt.duration_s);
  storm.end();
  loops.target.current = nullptr;
  s.stop = true;
  co_await generator.wait();
  co_await stop_relay(run, pairs, loops);
  // Logins still waiting for their hash are allowed to finish (not errors if they do).
  run.stopping = false;
  const std::function<void()> close_storm = [&s] {
    for (auto& weak : s.conns) {
      if (auto c = weak.lock())
        c->close();
    }
  };
  co_await run.wait_or_give_up(s.logins, 60, close_storm, "storm logins");
  run.stopping = true;

  r.add_window(calm, "calm", "round trips");
  r.add_window(storm, "storm", "round trips");
  const auto calm_p99 = r.data().at("calm_p99_us").as_double();
  const auto storm_p99 = r.data().at("storm_p99_us").as_double();
  const double ratio = calm_p99 > 0 ? storm_p99 / calm_p99 : 0;
  r.field("p99_ratio", ratio);
  r.line("relay p99 during the storm / calm: " + fixed(ratio, 2));
  const auto l = s.latency.summarize();
  r.field("logins_started", s.started);
  r.field("logins_completed", s.completed);
  r.field("logins_skipped", s.skipped);
  r.field("login_p50_us", l.p50_us);
  r.field("login_p99_us", l.p99_us);
  r.field("login_max_us", l.max_us);
  r.line("storm logins: " + std::to_string(s.started) + " started, " + std::to_string(s.completed) +
         " completed (" + std::to_string(s.skipped) +
         " skipped: every storm account busy); login latency us: p50 " + fixed(l.p50_us) +
         "  p99 " + fixed(l.p99_us) + "  max " + fixed(l.max_us));
  run.errors.describe(r);
  r.print();
  co_return run.errors.total() == 0;
}

}  // namespace tcs::bench
