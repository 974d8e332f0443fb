// Unit tests of the support desk's routing through the dispatcher (issue 16): executives'
// availability, who is told what when the queue changes, nobody to help, the wait estimate.
#include "tests/unit/server_fixture.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace tcs;
using test::ana_email;
using test::ben_email;
using test::demo_env;
using test::error_code;
using test::require_ok;
using test::tomas_email;
using test::valentina_email;

namespace {

json::object availability(bool available) {
  json::object f;
  f["available"] = available;
  return f;
}

}  // namespace

TEST_CASE("an away executive is not offered customers but sees the count", "[support][routing]") {
  demo_env env;
  auto ana = env.customer(ana_email);
  auto ben = env.customer(ben_email);
  auto valentina = env.executive(valentina_email);
  auto tomas = env.executive(tomas_email);

  auto away = env.request(valentina, "availability", availability(false));
  require_ok(away);
  CHECK_FALSE(away.at("available").as_bool());
  CHECK(away.at("waiting").as_int64() == 0);

  require_ok(env.request(ana, "queue.join"));
  CHECK(tomas->last("queue.joined").at("customer").at("email").as_string() == ana_email);
  CHECK(valentina->events("queue.joined").empty());
  CHECK(valentina->last("queue.count").at("waiting").as_int64() == 1);
  auto refused = env.request(valentina, "connect");
  CHECK(error_code(refused) == "invalid_state");
  CHECK(env.services.support().position_of(ana->account_id) == 1u);

  // :status shows who is away.
  auto status = env.request(tomas, "status");
  require_ok(status);
  bool saw_away = false;
  for (const auto& e : status.at("executives").as_array()) {
    if (e.at("name").as_string() == "Valentina Reyes")
      saw_away = !e.at("available").as_bool();
  }
  CHECK(saw_away);

  // Tomás takes Ana; Ben queues while Tomás is busy: Tomás sees only the count.
  require_ok(env.request(tomas, "connect"));
  CHECK(valentina->last("queue.count").at("waiting").as_int64() == 0);
  tomas->clear();
  require_ok(env.request(ben, "queue.join"));
  CHECK(tomas->events("queue.joined").empty());
  CHECK(tomas->last("queue.count").at("waiting").as_int64() == 1);

  // Valentina comes back: told at once who is waiting.
  auto back = env.request(valentina, "availability", availability(true));
  require_ok(back);
  auto who = valentina->last("queue.waiting");
  CHECK(who.at("waiting").as_int64() == 1);
  CHECK(who.at("customers").as_array().at(0).at("email").as_string() == ben_email);
}

TEST_CASE("an executive whose chat ends is told who queued meanwhile", "[support][routing]") {
  demo_env env;
  auto ana = env.customer(ana_email);
  auto ben = env.customer(ben_email);
  auto valentina = env.executive(valentina_email);
  require_ok(env.request(ana, "queue.join"));
  require_ok(env.request(valentina, "connect"));
  env.now += 40;
  require_ok(env.request(ben, "queue.join"));
  CHECK(valentina->events("queue.waiting").empty());
  env.now += 20;
  SECTION("the customer ends it") {
    require_ok(env.request(ana, "chat.end"));
  }
  SECTION("the executive ends it") {
    require_ok(env.request(valentina, "chat.end"));
  }
  SECTION("the customer drops") {
    env.disconnect(ana);
  }
  auto who = valentina->last("queue.waiting");
  CHECK(who.at("customers").as_array().at(0).at("name").as_string() == "Benjamín Soto");
  CHECK(who.at("customers").as_array().at(0).at("waiting_s").as_int64() == 20);
}

TEST_CASE("availability: bad inputs are refused and change nothing", "[support][routing]") {
  demo_env env;
  auto ana = env.customer(ana_email);
  auto valentina = env.executive(valentina_email);
  CHECK(error_code(env.request(ana, "availability", availability(false))) == "forbidden");
  json::object text;
  text["available"] = "no";
  CHECK(error_code(env.request(valentina, "availability", text)) == "invalid_field");
  CHECK(error_code(env.request(valentina, "availability")) == "missing_field");
  CHECK(env.services.support().is_available(valentina->account_id));
  CHECK(env.services.support().available_executives() == 1);
  // Twice the same: not an error, nothing changes.
  require_ok(env.request(valentina, "availability", availability(true)));
  CHECK(env.services.support().available_executives() == 1);
}

TEST_CASE("nobody to help: the join reply says so; the estimate needs an executive",
          "[support][routing]") {
  demo_env env;
  auto ana = env.customer(ana_email);
  auto ben = env.customer(ben_email);
  auto joined = env.request(ana, "queue.join");
  require_ok(joined);
  CHECK(joined.at("available_executives").as_int64() == 0);
  CHECK_FALSE(joined.contains("eta_s"));
  auto valentina = env.executive(valentina_email);
  auto ben_joined = env.request(ben, "queue.join");
  CHECK(ben_joined.at("available_executives").as_int64() == 1);
  // Ana is served at once by the free executive; Ben waits for a chat of the default length.
  CHECK(ben_joined.at("eta_s").as_int64() == services::wait_stats::default_chat_s);
  require_ok(env.request(valentina, "availability", availability(false)));
  CHECK(error_code(env.request(valentina, "connect")) == "invalid_state");
}

TEST_CASE("queue events carry the estimate; :status the average wait", "[support][routing]") {
  demo_env env;
  auto ana = env.customer(ana_email);
  auto ben = env.customer(ben_email);
  auto valentina = env.executive(valentina_email);
  require_ok(env.request(ana, "queue.join"));
  require_ok(env.request(ben, "queue.join"));
  env.now += 90;
  require_ok(env.request(valentina, "connect"));  // Ana waited 90 s
  auto moved = ben->last("queue.position");
  CHECK(moved.at("position").as_int64() == 1);
  CHECK(moved.at("eta_s").as_int64() == services::wait_stats::default_chat_s);
  auto status = env.request(valentina, "status");
  CHECK(status.at("average_wait_s").as_int64() == 90);
  CHECK(status.at("queue").as_array().at(0).at("waiting_s").as_int64() == 90);
}

TEST_CASE("auto assignment gives the oldest customer to the executive idle longest",
          "[support][routing]") {
  server_config config;
  config.auto_assign = true;
  demo_env env(config);
  auto ana = env.customer(ana_email);
  auto ben = env.customer(ben_email);
  auto valentina = env.executive(valentina_email);
  env.now += 5;
  auto tomas = env.executive(tomas_email);
  auto joined = env.request(ana, "queue.join");
  require_ok(joined);
  CHECK(ana->last("chat.started").at("executive").at("name").as_string() == "Valentina Reyes");
  CHECK(valentina->last("chat.assigned").at("customer").at("email").as_string() == ana_email);
  CHECK(valentina->events("queue.joined").empty());
  require_ok(env.request(ben, "queue.join"));
  CHECK(tomas->last("chat.assigned").at("customer").at("email").as_string() == ben_email);
  // Valentina ends her chat: the reply names Ana; nobody waits, nothing assigned.
  auto ended = env.request(valentina, "chat.end");
  require_ok(ended);
  CHECK(ended.at("customer").at("name").as_string() == "Ana Rojas");
  CHECK(valentina->events("chat.assigned").size() == 1);
}
