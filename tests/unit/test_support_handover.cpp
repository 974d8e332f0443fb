// Unit tests of issue 16, items 6 and 7: transfer and requeue, the time limits (queue wait, idle
// chat), on the sans-io desk with injected time and through the dispatcher; and the gaps of
// items 1-4 closed with them (an executive's login assigns in auto mode after its reply; a
// change of availability is in the activity log).
#include "server/dispatch/support_timers.hpp"
#include "server/security/totp.hpp"
#include "tests/unit/desk_fixture.hpp"
#include "tests/unit/server_fixture.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace tcs;
using test::ana_email;
using test::ben_email;
using test::tomas_email;
using test::valentina_email;
using namespace tcs::test::desk_ids;
using services::support_desk;
using services::support_state;
using test::demo_env;
using test::error_code;
using test::require_ok;

namespace {

json::object fields(std::string_view key, json::value value) {
  json::object f;
  f[key] = std::move(value);
  return f;
}
json::object fields(std::string_view key, std::string_view value) {
  return fields(key, json::value(json::string(value)));
}
json::object fields(std::string_view key, const char* value) {
  return fields(key, std::string_view(value));
}

}  // namespace

TEST_CASE("desk: a transfer moves the chat to an available free executive", "[support][handover]") {
  support_desk desk;
  desk.executive_arrived(eva, t0);
  desk.executive_arrived(tom, t0);
  desk.executive_arrived(ugo, t0);
  REQUIRE(desk.join(ana, t0));
  REQUIRE(desk.connect(eva, t0 + 10));
  REQUIRE(desk.create_offer(eva, "Mew", 8, t0 + 20));

  SECTION("bad targets change nothing") {
    CHECK(desk.transfer(eva, eva, t0 + 30).error().code == errc::invalid_field);
    CHECK(desk.transfer(eva, 99, t0 + 30).error().code == errc::not_found);
    desk.set_available(tom, false, t0 + 30);
    CHECK(desk.transfer(eva, tom, t0 + 30).error().code == errc::invalid_state);
    REQUIRE(desk.join(ben, t0 + 30));
    REQUIRE(desk.connect(ugo, t0 + 30));
    CHECK(desk.transfer(eva, ugo, t0 + 30).error().code == errc::invalid_state);
    CHECK(desk.transfer(tom, ugo, t0 + 30).error().code == errc::not_in_chat);
    CHECK(desk.executive_of(ana) == eva);
    CHECK(desk.open_offer(eva) != nullptr);
  }
  SECTION("to a free executive") {
    auto moved = desk.transfer(eva, tom, t0 + 30);
    REQUIRE(moved);
    CHECK(moved->customer_id == ana);
    CHECK(moved->chat_started_at == t0 + 10);
    REQUIRE(moved->cancelled_offer);
    CHECK(moved->cancelled_offer->card == "Mew");
    CHECK(desk.executive_of(ana) == tom);
    CHECK(desk.customer_of(tom) == ana);
    CHECK(desk.is_free(eva));
    CHECK(desk.open_offer(tom) == nullptr);
    // Eva is the one idle now: the next customer goes to Ugo (idle since his arrival).
    REQUIRE(desk.join(ben, t0 + 40));
    auto next = desk.assign_next(t0 + 40);
    REQUIRE(next);
    CHECK(next->executive_id == ugo);
  }
  CHECK(desk.invariants_hold());
}

TEST_CASE("desk: requeue puts the customer back at the head, keeping its wait",
          "[support][handover]") {
  support_desk desk;
  desk.executive_arrived(eva, t0);
  REQUIRE(desk.join(ana, t0));
  REQUIRE(desk.join(ben, t0 + 5));
  REQUIRE(desk.connect(eva, t0 + 10));
  CHECK(desk.requeue(tom, t0 + 20).error().code == errc::not_in_chat);
  auto back = desk.requeue(eva, t0 + 60);
  REQUIRE(back);
  CHECK(back->customer_id == ana);
  CHECK(back->position == 1);
  REQUIRE(back->moved.size() == 1);
  CHECK(back->moved[0].customer_id == ben);
  CHECK(back->moved[0].position == 2);
  CHECK(desk.queue().front().joined_at == t0);   // waiting_s goes on
  CHECK(desk.queue().front().since == t0 + 60);  // the wait limit starts again
  CHECK(desk.is_free(eva));
  CHECK(desk.is_available(eva));  // still known: unlike executive_gone
  CHECK(desk.invariants_hold());
}

TEST_CASE("desk: the time limits expire long waits and idle chats", "[support][handover]") {
  support_desk desk;
  desk.executive_arrived(eva, t0);
  REQUIRE(desk.join(ana, t0));
  REQUIRE(desk.join(ben, t0 + 100));
  REQUIRE(desk.join(cam, t0 + 200));

  // Off: nothing ever expires.
  CHECK(desk.expire(t0 + 100'000, 0, 0).empty());

  auto first = desk.expire(t0 + 299, 300, 900);
  CHECK(first.empty());
  auto timed = desk.expire(t0 + 300, 300, 900);
  REQUIRE(timed.timed_out.size() == 1);
  CHECK(timed.timed_out[0].customer_id == ana);
  REQUIRE(timed.moved.size() == 2);
  CHECK(timed.moved[0].customer_id == ben);
  CHECK(timed.moved[0].position == 1);
  CHECK(desk.state_of(ana) == support_state::menu);

  // A chat: each line counts the idle time anew.
  REQUIRE(desk.connect(eva, t0 + 310));  // Ben
  desk.chat_line(ben, t0 + 800);
  CHECK(desk.expire(t0 + 1699, 0, 900).empty());
  auto idle = desk.expire(t0 + 1700, 0, 900);
  REQUIRE(idle.idle_chats.size() == 1);
  CHECK(idle.idle_chats[0].customer_id == ben);
  CHECK(idle.idle_chats[0].executive_id == eva);
  CHECK(desk.state_of(ben) == support_state::menu);
  CHECK(desk.is_free(eva));
  CHECK(desk.state_of(cam) == support_state::queue);  // its limit is off here
  CHECK(desk.invariants_hold());
}

TEST_CASE("chat.transfer: both executives and the customer are told; the new one sees the chat",
          "[support][handover]") {
  demo_env env;
  auto ana_p = env.customer(ana_email);
  auto valentina = env.executive(valentina_email);
  auto tomas = env.executive(tomas_email);
  require_ok(env.request(ana_p, "queue.join"));
  require_ok(env.request(valentina, "connect"));
  env.now += 5;
  require_ok(env.request(ana_p, "chat.send", fields("text", "Hola, quiero vender")));
  require_ok(env.request(valentina, "chat.send", fields("text", "¿Qué carta?")));
  require_ok(
      env.request(valentina, "offer.create", json::object{{"card", "Caterpie"}, {"price", 8}}));

  auto moved =
      env.request(valentina, "chat.transfer", fields("email", "TOMAS.HERRERA@example.com"));
  require_ok(moved);
  CHECK(moved.at("executive").at("name").as_string() == "Tomás Herrera");
  CHECK(moved.at("customer").at("name").as_string() == "Ana Rojas");
  CHECK(ana_p->last("offer.cancelled").at("reason").as_string() == "transferred");
  auto told = ana_p->last("chat.transferred");
  CHECK(told.at("executive").at("name").as_string() == "Tomás Herrera");
  CHECK(told.at("from").as_string() == "Valentina");
  auto assigned = tomas->last("chat.assigned");
  CHECK(assigned.at("customer").at("email").as_string() == ana_email);
  CHECK(assigned.at("transferred_from").at("name").as_string() == "Valentina Reyes");
  const auto& transcript = assigned.at("transcript").as_array();
  REQUIRE(transcript.size() == 2);
  CHECK(transcript[0].at("from").as_string() == "Ana");
  CHECK(transcript[0].at("text").as_string() == "Hola, quiero vender");
  CHECK(transcript[1].at("from").as_string() == "Valentina");
  CHECK(transcript[1].at("role").as_string() == "executive");

  // The chat goes on with Tomás; Valentina is out of it.
  require_ok(env.request(ana_p, "chat.send", fields("text", "sigo aquí")));
  CHECK(tomas->last("chat.message").at("text").as_string() == "sigo aquí");
  CHECK(error_code(env.request(valentina, "chat.send", fields("text", "x"))) == "not_in_chat");
  auto log = env.services.activity().for_customer(env.customer_id(ana_email), 1);
  CHECK(log.at(0).action == "transfer");
}

TEST_CASE("chat.transfer: bad inputs get a clear error and change nothing", "[support][handover]") {
  demo_env env;
  auto ana_p = env.customer(ana_email);
  auto ben_p = env.customer(ben_email);
  auto valentina = env.executive(valentina_email);
  CHECK(error_code(env.request(valentina, "chat.transfer", fields("email", tomas_email))) ==
        "not_in_chat");
  require_ok(env.request(ana_p, "queue.join"));
  require_ok(env.request(valentina, "connect"));
  CHECK(error_code(env.request(valentina, "chat.transfer", fields("email", "nadie@example.com"))) ==
        "not_found");
  // A known executive who is not logged in.
  CHECK(error_code(env.request(valentina, "chat.transfer", fields("email", tomas_email))) ==
        "not_found");
  CHECK(error_code(env.request(valentina, "chat.transfer", fields("email", valentina_email))) ==
        "invalid_field");
  CHECK(error_code(env.request(valentina, "chat.transfer", fields("email", 7))) == "invalid_field");
  CHECK(error_code(env.request(valentina, "chat.transfer")) == "missing_field");
  CHECK(error_code(env.request(ana_p, "chat.transfer", fields("email", tomas_email))) ==
        "forbidden");
  auto tomas = env.executive(tomas_email);
  require_ok(env.request(tomas, "availability", fields("available", false)));
  auto away = env.request(valentina, "chat.transfer", fields("email", tomas_email));
  CHECK(error_code(away) == "invalid_state");
  CHECK(test::error_message(away) == "Ese ejecutivo está ausente.");
  CHECK(env.services.support().executive_of(ana_p->account_id) == valentina->account_id);
  CHECK(tomas->events("chat.assigned").empty());
  static_cast<void>(ben_p);
}

TEST_CASE("chat.requeue: the customer is back first in line and offered again",
          "[support][handover]") {
  demo_env env;
  auto ana_p = env.customer(ana_email);
  auto ben_p = env.customer(ben_email);
  auto valentina = env.executive(valentina_email);
  auto tomas = env.executive(tomas_email);
  require_ok(env.request(ana_p, "queue.join"));
  require_ok(env.request(valentina, "connect"));
  require_ok(env.request(tomas, "availability", fields("available", false)));
  require_ok(env.request(ben_p, "queue.join"));
  env.now += 30;
  auto back = env.request(valentina, "chat.requeue");
  require_ok(back);
  CHECK(back.at("customer").at("name").as_string() == "Ana Rojas");
  auto ended = ana_p->last("chat.ended");
  CHECK(ended.at("reason").as_string() == "requeued");
  CHECK(ended.at("position").as_int64() == 1);
  CHECK(ben_p->last("queue.position").at("position").as_int64() == 2);
  CHECK(valentina->last("queue.joined").at("customer").at("email").as_string() == ana_email);
  CHECK(env.services.support().position_of(ana_p->account_id) == 1u);
  CHECK(error_code(env.request(valentina, "chat.requeue")) == "not_in_chat");
  CHECK(error_code(env.request(ana_p, "chat.requeue")) == "forbidden");
}

TEST_CASE("time limits: a long wait returns the customer to the menu, an idle chat closes",
          "[support][handover]") {
  server_config config;
  config.max_queue_wait_s = 120;
  config.chat_idle_close_s = 900;
  demo_env env(config);
  auto ana_p = env.customer(ana_email);
  auto ben_p = env.customer(ben_email);
  auto valentina = env.executive(valentina_email);
  require_ok(env.request(ana_p, "queue.join"));
  require_ok(env.request(valentina, "connect"));
  require_ok(env.request(valentina, "offer.create", json::object{{"card", "Mew"}, {"price", 8}}));
  require_ok(env.request(ben_p, "queue.join"));
  env.now += 119;
  CHECK(sweep_support_limits(env.state, env.services) == 0);
  env.now += 1;
  CHECK(sweep_support_limits(env.state, env.services) == 1);
  auto timeout = ben_p->last("queue.timeout");
  CHECK(timeout.at("waited_s").as_int64() == 120);
  CHECK(timeout.at("message").as_string().find("2 min") != json::string::npos);
  CHECK(valentina->last("queue.count").at("waiting").as_int64() == 0);
  CHECK(env.services.support().state_of(ben_p->account_id) == support_state::menu);
  CHECK(env.services.activity().for_customer(ben_p->account_id, 1).at(0).action == "queue_timeout");

  // Ana's chat: a line at +500 s, so it closes 900 s after it.
  env.now += 380;
  require_ok(env.request(ana_p, "chat.send", fields("text", "hola")));
  env.now += 899;
  CHECK(sweep_support_limits(env.state, env.services) == 0);
  require_ok(env.request(ben_p, "queue.join"));
  env.now += 1;
  CHECK(sweep_support_limits(env.state, env.services) == 1);
  for (const auto& p : {ana_p, valentina}) {
    CHECK(p->last("offer.cancelled").at("reason").as_string() == "idle");
    CHECK(p->last("chat.ended").at("reason").as_string() == "idle");
  }
  // Valentina is free: told that Ben waits.
  CHECK(valentina->last("queue.waiting").at("customers").as_array().at(0).at("email").as_string() ==
        ben_email);
}

TEST_CASE("auto mode: an executive's login assigns a waiting customer after the login reply",
          "[support][handover]") {
  server_config config;
  config.auto_assign = true;
  demo_env env(config);
  auto ana_p = env.customer(ana_email);
  require_ok(env.request(ana_p, "queue.join"));
  CHECK(ana_p->events("chat.started").empty());  // nobody to take her yet

  auto guest = env.connect();
  json::object login = make_request("login", 7);
  login["role"] = "executive";
  login["email"] = valentina_email;
  login["password"] = store::demo_executive_password;
  login["totp"] = security::totp_code(store::demo_totp_secret, env.now);
  // The session queues the reply as soon as dispatch() completes: at that moment nothing was
  // assigned yet; the assignment runs right after.
  std::optional<bool> assigned_before_reply;
  std::optional<json::object> reply;
  boost::asio::co_spawn(env.ctx, env.commands.dispatch(env.state, guest, json::serialize(login)),
                        [&](std::exception_ptr, dispatcher::outcome out) {
                          assigned_before_reply = !guest->events("chat.assigned").empty();
                          reply = out.full_reply();
                        });
  env.ctx.restart();
  env.ctx.run();
  REQUIRE(reply);
  require_ok(*reply);
  CHECK(assigned_before_reply == false);
  CHECK(guest->last("chat.assigned").at("customer").at("email").as_string() == ana_email);
  CHECK(ana_p->last("chat.started").at("executive").at("name").as_string() == "Valentina Reyes");
}

TEST_CASE("availability changes are in the activity log, once per change", "[support][handover]") {
  demo_env env;
  auto valentina = env.executive(valentina_email);
  const auto count_entries = [&] {
    auto n = 0;
    auto q = env.db.prepare(
        "SELECT COUNT(*) FROM activity WHERE actor_role = 'executive' AND actor_id = ? AND "
        "action = 'availability'");
    q.bind(1, valentina->account_id);
    if (q.executeStep())
      n = q.getColumn(0).getInt();
    return n;
  };
  require_ok(env.request(valentina, "availability", fields("available", false)));
  require_ok(env.request(valentina, "availability", fields("available", false)));
  CHECK(count_entries() == 1);
  require_ok(env.request(valentina, "availability", fields("available", true)));
  CHECK(count_entries() == 2);
}
