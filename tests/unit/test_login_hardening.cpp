// Issue 12, items 3, 4, 9 (password.change), 10, 11 at the dispatcher: concurrent logins
// counted in flight, field caps before hashing, password.change guesses throttled like logins,
// executives never see customers' addresses; and the bounded, droppable hashing queue.
#include "server/dispatch/views.hpp"
#include "server/security/password_pool.hpp"
#include "server/services/activity_log.hpp"
#include "tests/unit/server_fixture.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace tcs;
using boost::asio::awaitable;
using test::ana_email;
using test::error_code;
using test::require_ok;
using test::valentina_email;

namespace {

constexpr std::string_view demo_password = "cliente123";

json::object customer_login(std::string_view email, std::string_view password) {
  auto r = make_request("login", 2);
  r["role"] = "customer";
  r["email"] = email;
  r["password"] = password;
  return r;
}

// No waiting for a turn, and turns far apart: after the 3 free attempts, one more is admitted
// and the next is refused, whatever the speed of the machine.
server_config strict_throttle() {
  server_config c;
  c.throttle.first_delay_ms = 60000;
  c.throttle.max_wait_ms = 0;
  return c;
}

// Runs every request at once (each on its own peer), like simultaneous connections.
std::vector<json::object> dispatch_together(
    test::server_env& env, std::vector<std::shared_ptr<test::recording_peer>> peers,
    const std::vector<json::object>& requests) {
  std::vector<json::object> replies(requests.size());
  for (std::size_t i = 0; i < requests.size(); ++i) {
    boost::asio::co_spawn(env.ctx,
                          env.commands.dispatch(env.state, peers[i], json::serialize(requests[i])),
                          [&replies, i](std::exception_ptr e, dispatcher::outcome o) {
                            REQUIRE_FALSE(e);
                            replies[i] = o.full_reply();
                          });
  }
  env.ctx.restart();
  env.ctx.run();
  return replies;
}

}  // namespace

TEST_CASE("301 simultaneous logins for one account admit only the designed few hashes",
          "[login][throttle][dispatch]") {
  test::demo_env env(strict_throttle());
  std::vector<std::shared_ptr<test::recording_peer>> peers;
  std::vector<json::object> requests;
  for (int i = 0; i < 301; ++i) {
    auto p = env.connect();
    // 301 different addresses: the per-address bounds do not help, only the account's count.
    p->remote_address = "10.1." + std::to_string(i / 200) + "." + std::to_string(i % 200) + ":4000";
    peers.push_back(p);
    // Attempt #101 carries the right password.
    requests.push_back(customer_login(ana_email, i == 100 ? demo_password : "adivinanza"));
  }
  const auto replies = dispatch_together(env, peers, requests);
  int bad = 0, throttled = 0;
  for (const auto& r : replies) {
    const auto code = error_code(r);
    bad += code == "bad_credentials";
    throttled += code == "too_many_attempts";
  }
  // 3 free attempts and 1 turn now; the rest is refused before hashing (the turn-by-turn
  // schedule with waits is tested on login_throttle itself).
  CHECK(env.pool.started() == 4);
  CHECK(bad == 4);
  CHECK(throttled == 297);
  CHECK(error_code(replies[100]) == "too_many_attempts");
  CHECK(peers[100]->who == role::guest);
}

TEST_CASE("oversized login fields are refused before any hash", "[login][dispatch]") {
  test::demo_env env;
  auto p = env.connect();
  const std::string big(30000, 'a');
  auto r = env.send(p, customer_login(big + "@example.com", demo_password));
  CHECK(error_code(r) == "invalid_field");
  CHECK(test::error_message(r).find("\"email\"") != std::string::npos);
  r = env.send(p, customer_login(ana_email, big));
  CHECK(error_code(r) == "invalid_field");
  CHECK(test::error_message(r).find("\"password\"") != std::string::npos);
  auto exec = make_request("login", 3);
  exec["role"] = "executive";
  exec["email"] = valentina_email;
  exec["password"] = "ejecutivo123";
  exec["totp"] = big;
  r = env.send(p, exec);
  CHECK(error_code(r) == "invalid_field");
  CHECK(test::error_message(r).find("\"totp\"") != std::string::npos);
  CHECK(env.pool.started() == 0);
  // Nothing was counted either: the right password works at once.
  require_ok(env.send(p, customer_login(ana_email, demo_password)));
}

TEST_CASE("password.change guesses are throttled like logins", "[login][throttle][self]") {
  test::demo_env env(strict_throttle());
  auto p = env.connect();
  require_ok(env.send(p, customer_login(ana_email, demo_password)));
  auto change = [&](std::string_view current) {
    json::object fields;
    fields["current"] = current;
    fields["new"] = "otra-clave-9";
    fields["confirm"] = "otra-clave-9";
    return env.request(p, "password.change", fields);
  };
  int bad = 0;
  std::string code;
  for (int i = 0; i < 12 && code != "too_many_attempts"; ++i) {
    code = error_code(change("no-es-la-clave"));
    bad += code == "bad_credentials";
  }
  CHECK(code == "too_many_attempts");
  CHECK(bad == 4);
  // The right current password during the delay is refused too, and changes nothing.
  CHECK(error_code(change(demo_password)) == "too_many_attempts");
  CHECK(security::verify_password(
      store::accounts_repository(env.db).find_customer(ana_email)->password_hash, demo_password));
  // A login for the same account from the same address shares the count.
  auto other = env.connect();
  CHECK(error_code(env.send(other, customer_login(ana_email, "no-es-la-clave"))) ==
        "too_many_attempts");
}

TEST_CASE("executives never see a customer's network address", "[login][privacy][dispatch]") {
  test::demo_env env;
  auto guest = env.connect();
  guest->remote_address = "203.0.113.77:51234";
  // A refused attempt and a login: both are login entries with the address as detail.
  CHECK(error_code(env.send(guest, customer_login(ana_email, "equivocada"))) == "bad_credentials");
  require_ok(env.send(guest, customer_login(ana_email, demo_password)));

  auto exec = env.executive(valentina_email);
  const auto details = env.request(exec, "details");  // ana_email's last action: her login
  require_ok(details);
  const std::string details_text = json::serialize(details);
  CHECK(details_text.find("\"login\"") != std::string::npos);
  CHECK(details_text.find("203.0.113.77") == std::string::npos);
  CHECK(details_text.find("51234") == std::string::npos);

  require_ok(env.request(guest, "queue.join"));

  require_ok(env.request(exec, "connect"));
  const auto history = env.request(exec, "customer.activity");
  require_ok(history);
  const std::string history_text = json::serialize(history);
  CHECK(history_text.find("\"login\"") != std::string::npos);     // the entries are listed...
  CHECK(history_text.find("203.0.113.77") == std::string::npos);  // ...without the address
  // The operator still has it in the database.
  bool stored = false;
  for (const auto& a : services::activity_log(env.db).for_customer(env.customer_id(ana_email)))
    stored = stored || a.detail == "203.0.113.77:51234";
  CHECK(stored);
}

// ---------------------------------------------------------------------------------------------
// The hashing queue

namespace {

struct pool_run {
  std::vector<security::password_pool::status> states;
  std::exception_ptr error;
};

// Starts `n` verifications of `source` at once on `ctx` (nothing runs until ctx.run()).
void spawn_verifies(boost::asio::io_context& ctx, security::password_pool& pool,
                    const std::string& hash, int n, const std::string& source, pool_run& out,
                    std::function<bool()> still_wanted = {}) {
  for (int i = 0; i < n; ++i) {
    boost::asio::co_spawn(
        ctx,
        [&pool, &hash, &out, source, still_wanted]() -> awaitable<void> {
          // Named, not a braced list inside co_await (see password_pool::verify).
          security::password_pool::job_options options{source, still_wanted};
          auto r = co_await pool.verify(hash, "secreto", std::move(options));
          out.states.push_back(r.state);
        },
        [&out](std::exception_ptr e) {
          if (e)
            out.error = e;
        });
  }
}

int count(const pool_run& r, security::password_pool::status s) {
  return static_cast<int>(std::count(r.states.begin(), r.states.end(), s));
}

}  // namespace

TEST_CASE("password_pool bounds its queue per source and in total", "[security][pool]") {
  using status = security::password_pool::status;
  const std::string hash = security::hash_password("secreto", security::hash_cost::insecure_fast);
  boost::asio::io_context ctx;
  security::password_pool pool(1, {/*max_queued=*/3, /*max_per_source=*/2});
  pool_run a, b, c;
  spawn_verifies(ctx, pool, hash, 5, "10.0.0.1", a);  // 2 taken (1 runs, 1 waits), 3 busy
  spawn_verifies(ctx, pool, hash, 2, "10.0.0.2", b);  // 2 wait
  spawn_verifies(ctx, pool, hash, 2, "10.0.0.3", c);  // the queue (3) is full: busy
  ctx.run();
  REQUIRE_FALSE(a.error);
  CHECK(count(a, status::done) == 2);
  CHECK(count(a, status::busy) == 3);
  CHECK(count(b, status::done) == 2);
  CHECK(count(c, status::busy) == 2);
  CHECK(pool.started() == 4);
  CHECK(pool.refused() == 5);
  CHECK(pool.queued() == 0);
}

TEST_CASE("password_pool drops jobs nobody wants any more, and queued ones on demand",
          "[security][pool]") {
  using status = security::password_pool::status;
  const std::string hash = security::hash_password("secreto", security::hash_cost::insecure_fast);

  SECTION("a job whose peer hung up is not run") {
    boost::asio::io_context ctx;
    security::password_pool pool(1);
    pool_run wanted, gone;
    spawn_verifies(ctx, pool, hash, 1, "a", wanted);
    spawn_verifies(ctx, pool, hash, 3, "b", gone, [] { return false; });
    ctx.run();
    CHECK(count(wanted, status::done) == 1);
    CHECK(count(gone, status::dropped) == 3);
    CHECK(pool.started() == 1);
    CHECK(pool.dropped() == 3);
  }

  SECTION("drop_queued: what has not started is dropped (shutdown)") {
    boost::asio::io_context ctx;
    security::password_pool pool(1);
    pool_run r;
    spawn_verifies(ctx, pool, hash, 5, "a", r);
    std::size_t dropped = 0;
    // Spawned after the five, so it runs once they are queued (co_spawn starts them in order,
    // and the first hash's result is posted after all of them).
    boost::asio::co_spawn(
        ctx,
        [&]() -> awaitable<void> {
          dropped = pool.drop_queued();
          co_return;
        },
        boost::asio::detached);
    ctx.run();
    // One runs, three wait (a source's share is 4), the fifth was busy; the three are dropped.
    CHECK(dropped == 3);
    CHECK(count(r, status::done) == 1);
    CHECK(count(r, status::dropped) == 3);
    CHECK(count(r, status::busy) == 1);
  }
}
