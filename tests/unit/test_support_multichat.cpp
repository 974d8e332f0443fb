// Unit tests of issue 16, item 5: several chats per executive (`--max-chats-per-executive`).
// The desk's capacity decisions with injected time (slots, the current chat, switching,
// closing one chat keeps the others, transfer into a free slot only, auto-assignment and the
// estimate count slots), then the same through the dispatcher (chat.list, chat.switch, lines
// to the right customer, chat identifiers on the executive's events).
#include "server/dispatch/support_common.hpp"
#include "tests/unit/desk_fixture.hpp"
#include "tests/unit/server_fixture.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace tcs;
using test::ana_email;
using test::ben_email;
using test::cam_email;
using test::tomas_email;
using test::valentina_email;
using namespace tcs::test::desk_ids;
using services::support_desk;
using services::support_state;
using test::demo_env;
using test::error_code;
using test::error_message;
using test::require_ok;

namespace {

json::object number(std::int64_t n) {
  json::object f;
  f["number"] = n;
  return f;
}
json::object text(std::string_view t) {
  json::object f;
  f["text"] = t;
  return f;
}

}  // namespace

TEST_CASE("multichat desk: one slot is the seed's behaviour", "[support][multichat]") {
  support_desk desk;  // max 1
  CHECK(desk.max_chats() == 1);
  desk.executive_arrived(eva, t0);
  REQUIRE(desk.join(ana, t0));
  REQUIRE(desk.join(ben, t0));
  auto first = desk.connect(eva, t0 + 1);
  REQUIRE(first);
  CHECK(first->slot == 1);
  CHECK(first->current);
  CHECK_FALSE(desk.offered(eva));
  auto second = desk.connect(eva, t0 + 2);
  REQUIRE_FALSE(second);
  CHECK(second.error().code == errc::invalid_state);
  CHECK(second.error().message ==
        "Ya está conversando con un cliente: termine esa conversación primero.");
  CHECK(desk.position_of(ben) == 1u);
  // Out of range, and clamped limits.
  CHECK(desk.switch_to(eva, 2).error().code == errc::invalid_field);
  CHECK(support_desk(0).max_chats() == 1);
  CHECK(support_desk(100).max_chats() == services::max_chats_limit);
  CHECK(desk.invariants_hold());
}

TEST_CASE("multichat desk: slots, the current chat and switching", "[support][multichat]") {
  support_desk desk(2);
  desk.executive_arrived(eva, t0);
  for (auto c : {ana, ben, cam})
    REQUIRE(desk.join(c, t0));
  auto a = desk.connect(eva, t0 + 10);
  REQUIRE(a);
  CHECK(a->slot == 1);
  CHECK(desk.offered(eva));  // a free slot left: still offered customers
  auto b = desk.connect(eva, t0 + 20);
  REQUIRE(b);
  CHECK(b->slot == 2);
  CHECK(b->current);  // :connect makes the new chat current
  CHECK(b->chat_id != a->chat_id);
  CHECK(desk.customer_of(eva) == ben);
  CHECK_FALSE(desk.offered(eva));

  // No free slot: a clear refusal that changes nothing.
  auto full = desk.connect(eva, t0 + 30);
  REQUIRE_FALSE(full);
  CHECK(full.error().code == errc::invalid_state);
  CHECK(full.error().message.find("No tiene cupo para otra conversación") == 0);
  CHECK(desk.position_of(cam) == 1u);
  CHECK(desk.open_chats(eva) == 2);

  // The list, by number; switching.
  auto list = desk.chats_of(eva);
  REQUIRE(list.size() == 2);
  CHECK(list[0].customer_id == ana);
  CHECK_FALSE(list[0].current);
  CHECK(list[1].customer_id == ben);
  CHECK(list[1].current);
  auto to_ana = desk.switch_to(eva, 1);
  REQUIRE(to_ana);
  CHECK(to_ana->customer_id == ana);
  CHECK(desk.customer_of(eva) == ana);
  CHECK(desk.switch_to(eva, 3).error().code == errc::invalid_field);
  CHECK(desk.switch_to(eva, 0).error().code == errc::invalid_field);
  CHECK(desk.switch_to(eva, -4).error().code == errc::invalid_field);
  CHECK(desk.switch_to(eva, 3).error().message ==
        "No existe la conversación 3: use un número de 1 a 2 (vea :chats).");
  CHECK(desk.customer_of(eva) == ana);  // unchanged by the refusals

  // Offers and lines act on the current chat.
  auto o = desk.create_offer(eva, "Mew", 8, t0 + 40);
  REQUIRE(o);
  CHECK(o->customer_id == ana);
  desk.chat_line(ben, t0 + 50);
  CHECK(desk.chat_of(ben)->last_activity == t0 + 50);
  CHECK(desk.chat_of(ana)->last_activity == t0 + 10);

  // Closing the current chat keeps the other, with no current chat until one is picked.
  auto closed = desk.end_chat_by_executive(eva, t0 + 60);
  REQUIRE(closed);
  CHECK(closed->customer_id == ana);
  CHECK(closed->slot == 1);
  CHECK(closed->was_current);
  REQUIRE(closed->cancelled_offer);
  CHECK(desk.executive_of(ben) == eva);
  CHECK_FALSE(desk.customer_of(eva));
  CHECK(desk.open_chats(eva) == 1);
  auto none = desk.end_chat_by_executive(eva, t0 + 61);
  REQUIRE_FALSE(none);
  CHECK(none.error().code == errc::not_in_chat);
  CHECK(none.error().message.find(":cambiar N") != std::string::npos);
  CHECK(desk.switch_to(eva, 1).error().code == errc::not_found);  // slot 1 is empty now
  // Ben keeps number 2; the next :connect takes slot 1 and becomes current.
  auto c = desk.connect(eva, t0 + 70);
  REQUIRE(c);
  CHECK(c->customer_id == cam);
  CHECK(c->slot == 1);
  CHECK(desk.chat_of(ben)->slot == 2);
  CHECK(desk.customer_of(eva) == cam);

  // The customer of the other chat leaves: the current chat is untouched.
  auto gone = desk.customer_gone(ben, t0 + 80);
  REQUIRE(gone.chat);
  CHECK_FALSE(gone.chat->was_current);
  CHECK(desk.customer_of(eva) == cam);
  CHECK(desk.invariants_hold());
}

TEST_CASE("multichat desk: transfer only into a free slot; requeue and departure",
          "[support][multichat]") {
  support_desk desk(2);
  desk.executive_arrived(eva, t0);
  desk.executive_arrived(tom, t0);
  for (auto c : {ana, ben, cam, dan})
    REQUIRE(desk.join(c, t0 + c));
  REQUIRE(desk.connect(tom, t0 + 300));  // ana
  REQUIRE(desk.connect(tom, t0 + 300));  // ben: Tomás is full
  REQUIRE(desk.connect(eva, t0 + 300));  // cam
  auto refused = desk.transfer(eva, tom, t0 + 310);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == errc::invalid_state);
  CHECK(refused.error().message == "Ese ejecutivo no tiene cupo para otra conversación.");
  CHECK(desk.executive_of(cam) == eva);
  CHECK(desk.customer_of(eva) == cam);

  // Tomás has room again: the transfer takes his free slot, not his current chat's place.
  REQUIRE(desk.switch_to(tom, 1));
  REQUIRE(desk.end_chat_by_executive(tom, t0 + 320));  // ana's chat; ben stays in slot 2
  REQUIRE(desk.switch_to(tom, 2));
  auto moved = desk.transfer(eva, tom, t0 + 330);
  REQUIRE(moved);
  CHECK(moved->to_slot == 1);
  CHECK(moved->from_slot == 1);
  CHECK_FALSE(moved->current);  // Tomás keeps writing to Ben
  CHECK(desk.customer_of(tom) == ben);
  CHECK(desk.is_free(eva));
  CHECK(desk.chat_of(cam)->chat_id == moved->chat_id);

  // Requeue acts on the current chat only.
  auto back = desk.requeue(tom, t0 + 340);
  REQUIRE(back);
  CHECK(back->customer_id == ben);
  CHECK(desk.executive_of(cam) == tom);
  CHECK(desk.position_of(ben) == 1u);

  // Tomás leaves with two chats: both customers back at the head, the longest waiting first.
  REQUIRE(desk.switch_to(tom, 1));
  REQUIRE(desk.connect(tom, t0 + 350));  // ben again, slot 2
  auto all = desk.executive_gone(tom, t0 + 360);
  REQUIRE(all.size() == 2);
  CHECK(desk.position_of(ben) == 1u);  // joined at t0 + 102, before Camila
  CHECK(desk.position_of(cam) == 2u);
  CHECK(desk.position_of(dan) == 3u);
  CHECK(desk.queue().front().joined_at == t0 + ben);
  CHECK(desk.chats() == 0);
  CHECK(desk.invariants_hold());
}

TEST_CASE("multichat desk: auto-assignment and the estimate count slots", "[support][multichat]") {
  support_desk desk(2);
  desk.executive_arrived(eva, t0);
  desk.executive_arrived(tom, t0 + 1);
  for (auto c : {ana, ben, cam, dan})
    REQUIRE(desk.join(c, t0 + 10));
  // Four free slots: everyone is served at once.
  CHECK(desk.eta_s(dan) == 0);
  // Fewest open chats first, then idle longest: Eva, Tomás, Eva, Tomás.
  auto first = desk.assign_next(t0 + 20);
  REQUIRE(first);
  CHECK(first->executive_id == eva);
  CHECK(first->current);  // her only chat
  auto second = desk.assign_next(t0 + 21);
  REQUIRE(second);
  CHECK(second->executive_id == tom);
  auto third = desk.assign_next(t0 + 22);
  REQUIRE(third);
  CHECK(third->executive_id == eva);
  CHECK(third->slot == 2);
  CHECK_FALSE(third->current);  // not asked for: she keeps writing to Ana
  CHECK(desk.customer_of(eva) == ana);
  REQUIRE(desk.join(101 + 10, t0 + 23));  // a fifth customer
  auto fourth = desk.assign_next(t0 + 24);
  REQUIRE(fourth);
  CHECK(fourth->executive_id == tom);
  CHECK_FALSE(desk.assign_next(t0 + 25));  // every slot taken
  CHECK(desk.position_of(111) == 1u);
  // No free slot of 4: one round of the default chat length.
  CHECK(desk.eta_s(111) == services::wait_stats::default_chat_s);
  // Away: her slots do not count.
  desk.set_available(eva, false, t0 + 30);
  REQUIRE(desk.end_chat_by_executive(eva, t0 + 30));
  CHECK_FALSE(desk.assign_next(t0 + 31));
  CHECK(desk.invariants_hold());
}

TEST_CASE("multichat through the dispatcher: list, switch, lines to the right customer",
          "[support][multichat]") {
  server_config config;
  config.max_chats_per_executive = 2;
  demo_env env(config);
  auto ana_p = env.customer(ana_email);
  auto ben_p = env.customer(ben_email);
  auto cam_p = env.customer(cam_email);
  auto valentina = env.executive(valentina_email);
  for (const auto& c : {ana_p, ben_p, cam_p})
    require_ok(env.request(c, "queue.join"));

  auto first = env.request(valentina, "connect");
  require_ok(first);
  CHECK(first.at("number").as_int64() == 1);
  CHECK(first.at("chats").as_int64() == 1);
  env.now += 60;
  auto second = env.request(valentina, "connect");
  require_ok(second);
  CHECK(second.at("number").as_int64() == 2);
  CHECK(second.at("chats").as_int64() == 2);
  CHECK(second.at("customer").at("email").as_string() == ben_email);
  auto full = env.request(valentina, "connect");
  CHECK(error_code(full) == "invalid_state");
  CHECK(env.services.support().position_of(cam_p->account_id) == 1u);

  // Her lines go to the current chat (Benjamín); Ana's line reaches her labelled.
  require_ok(env.request(valentina, "chat.send", text("hola Benjamín")));
  CHECK(ben_p->last("chat.message").at("text").as_string() == "hola Benjamín");
  CHECK(ana_p->events("chat.message").empty());
  require_ok(env.request(ana_p, "chat.send", text("¿sigue ahí?")));
  auto line = valentina->last("chat.message");
  CHECK(line.at("number").as_int64() == 1);
  CHECK(line.at("chats").as_int64() == 2);
  CHECK(line.at("customer").at("email").as_string() == ana_email);
  CHECK(line.at("chat_id").as_int64() == first.at("chat_id").as_int64());

  auto list = env.request(valentina, "chat.list");
  require_ok(list);
  CHECK(list.at("max_chats").as_int64() == 2);
  const auto& chats = list.at("chats").as_array();
  REQUIRE(chats.size() == 2);
  CHECK(chats.at(0).at("customer").at("email").as_string() == ana_email);
  CHECK_FALSE(chats.at(0).at("current").as_bool());
  CHECK(chats.at(0).at("last_at").as_int64() == env.now);
  CHECK(chats.at(1).at("current").as_bool());

  // Bad inputs: a clear error, nothing changes.
  auto out_of_range = env.request(valentina, "chat.switch", number(5));
  CHECK(error_code(out_of_range) == "invalid_field");
  CHECK(error_message(out_of_range) ==
        "No existe la conversación 5: use un número de 1 a 2 (vea :chats).");
  json::object not_a_number;
  not_a_number["number"] = "dos";
  CHECK(error_code(env.request(valentina, "chat.switch", not_a_number)) == "invalid_field");
  CHECK(error_code(env.request(ana_p, "chat.switch", number(1))) != "");  // executives only
  CHECK(env.services.support().customer_of(valentina->account_id) == ben_p->account_id);

  auto switched = env.request(valentina, "chat.switch", number(1));
  require_ok(switched);
  CHECK(switched.at("customer").at("name").as_string() == "Ana Rojas");
  require_ok(env.request(valentina, "chat.send", text("sí, aquí estoy")));
  CHECK(ana_p->last("chat.message").at("text").as_string() == "sí, aquí estoy");
  CHECK(ben_p->events("chat.message").size() == 1);

  // :operations and :disconnect act on the current chat (Ana); Benjamín's chat goes on.
  require_ok(env.request(valentina, "customer.operations"));
  CHECK_FALSE(ana_p->events("operations").empty());
  CHECK(ben_p->events("operations").empty());
  auto ended = env.request(valentina, "chat.end");
  require_ok(ended);
  CHECK(ended.at("customer").at("name").as_string() == "Ana Rojas");
  CHECK(ended.at("chats").as_int64() == 1);
  CHECK(ana_p->last("chat.ended").at("reason").as_string() == "ended_by_executive");
  CHECK(ben_p->events("chat.ended").empty());
  // No current chat now: a line is refused, saying how to pick one.
  auto refused = env.request(valentina, "chat.send", text("¿hola?"));
  CHECK(error_code(refused) == "not_in_chat");
  CHECK(error_message(refused).find(":cambiar N") != std::string::npos);
  // A free slot again: Camila is offered (queue.waiting) and can be taken.
  CHECK(valentina->last("queue.waiting").at("waiting").as_int64() == 1);

  // Benjamín leaves: the executive's event names the chat.
  env.disconnect(ben_p);
  auto gone = valentina->last("chat.ended");
  CHECK(gone.at("reason").as_string() == "customer_disconnected");
  CHECK(gone.at("number").as_int64() == 2);
  CHECK(gone.at("chats").as_int64() == 0);
  CHECK_FALSE(gone.at("was_current").as_bool());
  CHECK(env.services.support().invariants_hold());
}

TEST_CASE("multichat through the dispatcher: transfer into a free slot, auto mode counts slots",
          "[support][multichat]") {
  server_config config;
  config.max_chats_per_executive = 2;
  config.auto_assign = true;
  demo_env env(config);
  auto ana_p = env.customer(ana_email);
  auto ben_p = env.customer(ben_email);
  auto cam_p = env.customer(cam_email);
  auto valentina = env.executive(valentina_email);
  require_ok(env.request(ana_p, "queue.join"));
  require_ok(env.request(ben_p, "queue.join"));
  // Both go to Valentina (two slots): the second is not current.
  auto assigned = valentina->events("chat.assigned");
  REQUIRE(assigned.size() == 2);
  CHECK(assigned[0].at("current").as_bool());
  CHECK(assigned[1].at("number").as_int64() == 2);
  CHECK_FALSE(assigned[1].at("current").as_bool());
  CHECK(env.services.support().customer_of(valentina->account_id) == ana_p->account_id);
  require_ok(env.request(cam_p, "queue.join"));
  CHECK(env.services.support().position_of(cam_p->account_id) == 1u);  // no slot left
  // Tomás logs in with two free slots: Camila is his; then Valentina transfers Ana to him.
  auto tomas = env.executive(tomas_email);
  support::auto_assign(env.state, env.services);  // what its login does after the reply
  CHECK(env.services.support().executive_of(cam_p->account_id) == tomas->account_id);
  auto moved = env.request(valentina, "chat.transfer", json::object{{"email", tomas_email}});
  require_ok(moved);
  auto to_tomas = tomas->last("chat.assigned");
  CHECK(to_tomas.at("number").as_int64() == 2);
  CHECK_FALSE(to_tomas.at("current").as_bool());  // he keeps writing to Camila
  CHECK(to_tomas.at("chats").as_int64() == 2);
  // Now Tomás is full: Benjamín cannot be transferred to him.
  require_ok(env.request(valentina, "chat.switch", number(2)));
  auto full = env.request(valentina, "chat.transfer", json::object{{"email", tomas_email}});
  CHECK(error_code(full) == "invalid_state");
  CHECK(env.services.support().executive_of(ben_p->account_id) == valentina->account_id);
  CHECK(env.services.support().invariants_hold());
}
