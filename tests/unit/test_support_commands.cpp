// Unit tests of the support commands driven through the dispatcher: a full conversation, the
// refusals (each leaving everything as it was), and the teardown of every kind of departure.
#include "server/services/orders_service.hpp"
#include "server/store/activity_repository.hpp"
#include "tests/unit/server_fixture.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <string>

using namespace tcs;
using test::ana_email;
using test::ben_email;
using test::cam_email;
using test::demo_env;
using test::error_code;
using test::isidora_email;
using test::require_ok;
using test::tomas_email;
using test::valentina_email;

namespace {

json::object fields(std::initializer_list<std::pair<std::string_view, json::value>> list) {
  json::object o;
  for (const auto& [k, v] : list)
    o[k] = v;
  return o;
}

std::vector<std::string> actions_of(demo_env& env, std::int64_t customer_id) {
  std::vector<std::string> out;
  for (const auto& a : store::activity_repository(env.db).for_customer(customer_id))
    out.push_back(a.action);
  return out;
}

bool has_product(demo_env& env, std::string_view name) {
  return store::catalogue_repository(env.db).by_name(name).has_value();
}

bool contains(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// What a refused request must leave untouched.
struct world_snapshot {
  std::size_t transcript = 0, operations = 0, activity_ok = 0;
  std::int64_t lucario_stock = 0, lucario_held = 0;
  std::size_t waiting = 0, chats = 0;

  static world_snapshot of(demo_env& env, std::int64_t customer_id) {
    world_snapshot s;
    s.transcript = store::chat_repository(env.db).for_customer(customer_id).size();
    s.operations = services::orders_service(env.db).all_operations(customer_id).size();
    for (const auto& a : store::activity_repository(env.db).for_customer(customer_id))
      s.activity_ok += a.outcome == "ok";
    auto lucario = env.product("Lucario ex");
    s.lucario_stock = lucario.stock;
    s.lucario_held = lucario.held;
    s.waiting = env.services.support().waiting();
    s.chats = env.services.support().chats();
    return s;
  }
  bool operator==(const world_snapshot&) const = default;
};

}  // namespace

TEST_CASE("a full conversation through the dispatcher", "[support][commands]") {
  demo_env env;
  auto ana = env.customer(ana_email);
  auto ben = env.customer(ben_email);
  auto valentina = env.executive(valentina_email);
  auto tomas = env.executive(tomas_email);
  const std::int64_t ana_id = ana->account_id;
  const auto operations_before = services::orders_service(env.db).all_operations(ana_id);

  // Ana queues; every free executive is told.
  auto joined = env.request(ana, "queue.join");
  require_ok(joined);
  CHECK(joined.at("position").as_int64() == 1);
  CHECK(joined.at("waiting").as_int64() == 1);
  for (const auto& exec : {valentina, tomas}) {
    auto ev = exec->last("queue.joined");
    CHECK(ev.at("customer").at("name").as_string() == "Ana Rojas");
    CHECK(ev.at("customer").at("email").as_string() == ana_email);
    CHECK(ev.at("waiting").as_int64() == 1);
  }
  env.now += 30;
  auto ben_joined = env.request(ben, "queue.join");
  CHECK(ben_joined.at("position").as_int64() == 2);

  // :status shows both, in order, with waiting times.
  auto status = env.request(valentina, "status");
  require_ok(status);
  CHECK(status.at("queue").as_array().size() == 2);
  CHECK(status.at("queue").as_array()[0].at("email").as_string() == ana_email);
  CHECK(status.at("queue").as_array()[0].at("waiting_s").as_int64() == 30);
  CHECK(status.at("queue").as_array()[1].at("position").as_int64() == 2);
  CHECK(status.at("customers").as_array().size() == 2);
  CHECK(status.at("customers").as_array()[0].at("state").as_string() == "queue");
  CHECK_FALSE(status.at("truncated").as_bool());

  // :connect takes Ana; she is told who serves her, Ben moves up.
  auto connected = env.request(valentina, "connect");
  require_ok(connected);
  CHECK(connected.at("customer").at("email").as_string() == ana_email);
  CHECK(connected.at("customer").at("first_name").as_string() == "Ana");
  auto started = ana->last("chat.started");
  CHECK(started.at("executive").at("name").as_string() == "Valentina Reyes");
  CHECK(started.at("executive").at("first_name").as_string() == "Valentina");
  auto moved = ben->last("queue.position");
  CHECK(moved.at("position").as_int64() == 1);
  CHECK(moved.at("waiting").as_int64() == 1);

  // :details lists the customers and their last action.
  auto details = env.request(valentina, "details");
  require_ok(details);
  CHECK(details.at("customers").as_array().size() == 2);
  CHECK(details.at("customers").as_array()[0].at("last_action").at("action").as_string() ==
        "referral");

  // Chat both ways; each line reaches the other side and the transcript.
  require_ok(env.request(ana, "chat.send", fields({{"text", "Hola, quiero vender una carta"}})));
  auto to_valentina = valentina->last("chat.message");
  CHECK(to_valentina.at("from").as_string() == "Ana");
  CHECK(to_valentina.at("role").as_string() == "customer");
  CHECK(to_valentina.at("text").as_string() == "Hola, quiero vender una carta");
  CHECK(to_valentina.at("at").as_int64() == env.now);
  require_ok(env.request(valentina, "chat.send", fields({{"text", "¿Cuál carta?"}})));
  auto to_ana = ana->last("chat.message");
  CHECK(to_ana.at("from").as_string() == "Valentina");
  CHECK(to_ana.at("role").as_string() == "executive");
  CHECK(to_ana.at("text").as_string() == "¿Cuál carta?");
  CHECK(ben->events("chat.message").empty());
  CHECK(tomas->events("chat.message").empty());
  auto transcript = store::chat_repository(env.db).for_customer(ana_id);
  REQUIRE(transcript.size() == 2);
  CHECK(transcript[0].sender_role == "customer");
  CHECK(transcript[0].executive_id == valentina->account_id);
  CHECK(transcript[1].sender_role == "executive");
  CHECK(transcript[1].text == "¿Cuál carta?");

  // :operations: the executive gets them and Ana sees the same list.
  auto ops = env.request(valentina, "customer.operations");
  require_ok(ops);
  CHECK(ops.at("operations").as_array().size() == operations_before.size());
  CHECK(ana->last("operations").at("operations") == ops.at("operations"));

  // :history: her activity, newest first.
  auto history = env.request(valentina, "customer.activity");
  require_ok(history);
  CHECK(history.at("customer").at("name").as_string() == "Ana Rojas");
  const auto& entries = history.at("entries").as_array();
  REQUIRE_FALSE(entries.empty());
  CHECK(entries[0].at("action").as_string() == "operations_view");

  // :buy Caterpie 8, accepted.
  auto offer = env.request(valentina, "offer.create", fields({{"card", "Caterpie"}, {"price", 8}}));
  require_ok(offer);
  const std::int64_t offer_id = offer.at("offer_id").as_int64();
  auto offered = ana->last("offer");
  CHECK(offered.at("offer_id").as_int64() == offer_id);
  CHECK(offered.at("card").as_string() == "Caterpie");
  CHECK(offered.at("price").as_int64() == 8);
  CHECK(offered.at("executive").as_string() == "Valentina");

  auto answer =
      env.request(ana, "offer.answer", fields({{"offer_id", offer_id}, {"accept", true}}));
  require_ok(answer);
  CHECK(answer.at("accepted").as_bool());
  const std::int64_t sale_id = answer.at("operation_id").as_int64();
  auto answered = valentina->last("offer.answered");
  CHECK(answered.at("offer_id").as_int64() == offer_id);
  CHECK(answered.at("accepted").as_bool());
  CHECK(answered.at("operation_id").as_int64() == sale_id);

  auto all = services::orders_service(env.db).all_operations(ana_id);
  REQUIRE(all.size() == operations_before.size() + 1);
  auto sale = std::find_if(all.begin(), all.end(),
                           [&](const auto& d) { return d.operation.id == sale_id; });
  REQUIRE(sale != all.end());
  CHECK(sale->operation.kind == "sale");
  CHECK(sale->operation.state == "paid");
  REQUIRE(sale->lines.size() == 1);
  CHECK(sale->lines[0].product_name == "Caterpie");
  CHECK(sale->lines[0].unit_price == 8);
  CHECK(sale->executive_name == "Valentina Reyes");
  auto caterpie = env.product("Caterpie");
  CHECK(caterpie.held == 1);
  CHECK(caterpie.stock == 0);
  CHECK_FALSE(caterpie.listed);
  // Answered: it cannot be answered again.
  CHECK(error_code(env.request(ana, "offer.answer",
                               fields({{"offer_id", offer_id}, {"accept", true}}))) == "not_found");
  CHECK(env.product("Caterpie").held == 1);

  // A declined offer: both told, nothing recorded.
  auto second =
      env.request(valentina, "offer.create", fields({{"card", "lucario EX"}, {"price", 5000}}));
  require_ok(second);
  CHECK(second.at("card").as_string() == "Lucario ex");  // the catalogue's spelling
  auto declined = env.request(ana, "offer.answer",
                              fields({{"offer_id", second.at("offer_id")}, {"accept", false}}));
  require_ok(declined);
  CHECK_FALSE(declined.at("accepted").as_bool());
  CHECK_FALSE(declined.contains("operation_id"));
  CHECK_FALSE(valentina->last("offer.answered").at("accepted").as_bool());
  CHECK(services::orders_service(env.db).all_operations(ana_id).size() == all.size());

  // :publish Caterpie (unknown to the catalogue: a price is needed), then with 9.
  auto no_price = env.request(valentina, "publish", fields({{"card", "Caterpie"}}));
  CHECK(error_code(no_price) == "missing_field");
  CHECK(env.product("Caterpie").held == 1);
  auto published = env.request(valentina, "publish", fields({{"card", "Caterpie"}, {"price", 9}}));
  require_ok(published);
  CHECK(published.at("product").at("name").as_string() == "Caterpie");
  CHECK(published.at("product").at("price").as_int64() == 9);
  CHECK(published.at("product").at("stock").as_int64() == 1);
  CHECK(published.at("product").at("held").as_int64() == 0);
  CHECK(published.at("newly_listed").as_bool());
  caterpie = env.product("Caterpie");
  CHECK(caterpie.listed);
  CHECK(caterpie.stock == 1);

  // :disconnect: Ana is told and back in the menu; Valentina takes Ben.
  require_ok(env.request(valentina, "chat.end"));
  auto ended = ana->last("chat.ended");
  CHECK(ended.at("reason").as_string() == "ended_by_executive");
  CHECK_FALSE(ended.at("message").as_string().empty());
  CHECK(env.services.support().state_of(ana_id) == services::support_state::menu);
  CHECK(error_code(env.request(ana, "chat.send", fields({{"text", "¿Hola?"}}))) == "not_in_chat");
  auto next = env.request(valentina, "connect");
  require_ok(next);
  CHECK(next.at("customer").at("email").as_string() == ben_email);

  // The activity log has every step, concerning Ana.
  auto actions = actions_of(env, ana_id);
  for (const char* a : {"queue_join", "referral", "operations_view", "offer", "offer_answer",
                        "publish", "chat_end"}) {
    INFO(a);
    CHECK(contains(actions, a));
  }
  CHECK(env.services.support().invariants_hold());
}

TEST_CASE("queue.leave updates the positions of those behind", "[support][commands]") {
  demo_env env;
  auto ana = env.customer(ana_email);
  auto ben = env.customer(ben_email);
  auto cam = env.customer(cam_email);
  for (const auto& c : {ana, ben, cam})
    require_ok(env.request(c, "queue.join"));
  ana->clear();
  require_ok(env.request(ben, "queue.leave"));
  CHECK(ana->events("queue.position").empty());  // ahead of Ben: unchanged
  CHECK(cam->last("queue.position").at("position").as_int64() == 2);
  CHECK(cam->last("queue.position").at("waiting").as_int64() == 2);
  CHECK(error_code(env.request(ben, "queue.leave")) == "invalid_state");
  CHECK(contains(actions_of(env, ben->account_id), "queue_leave"));
  // Queueing again puts Ben at the back.
  CHECK(env.request(ben, "queue.join").at("position").as_int64() == 3);
}

TEST_CASE("executives' views stay current: queue.left, :details positions", "[support][commands]") {
  demo_env env;
  auto ana = env.customer(ana_email);
  auto ben = env.customer(ben_email);
  auto valentina = env.executive(valentina_email);
  for (const auto& c : {ana, ben})
    require_ok(env.request(c, "queue.join"));
  // :details shows where each queued customer is now, not where it joined.
  require_ok(env.request(ana, "queue.leave"));
  auto details = env.request(valentina, "details");
  require_ok(details);
  for (const auto& c : details.at("customers").as_array()) {
    if (c.at("email").as_string() == ben_email)
      CHECK(c.at("position").as_int64() == 1);
    else
      CHECK_FALSE(c.as_object().contains("position"));
  }
  // A free executive is told when someone stops waiting (left, or disconnected).
  auto left = valentina->last("queue.left");
  CHECK(left.at("customer").at("email").as_string() == ana_email);
  CHECK(left.at("reason").as_string() == "left");
  CHECK(left.at("waiting").as_int64() == 1);
  env.disconnect(ben);
  auto gone = valentina->last("queue.left");
  CHECK(gone.at("customer").at("email").as_string() == ben_email);
  CHECK(gone.at("reason").as_string() == "disconnected");
  CHECK(gone.at("waiting").as_int64() == 0);
}

TEST_CASE("refused requests change nothing", "[support][commands]") {
  demo_env env;
  auto ana = env.customer(ana_email);
  auto ben = env.customer(ben_email);
  auto valentina = env.executive(valentina_email);
  auto tomas = env.executive(tomas_email);
  const std::int64_t ana_id = ana->account_id;

  SECTION("outside a chat") {
    const auto before = world_snapshot::of(env, ana_id);
    CHECK(error_code(env.request(ana, "chat.send", fields({{"text", "hola"}}))) == "not_in_chat");
    CHECK(error_code(env.request(valentina, "chat.send", fields({{"text", "hola"}}))) ==
          "not_in_chat");
    CHECK(error_code(env.request(ana, "chat.end")) == "not_in_chat");
    CHECK(error_code(env.request(valentina, "chat.end")) == "not_in_chat");
    CHECK(error_code(env.request(valentina, "connect")) == "invalid_state");
    CHECK(error_code(env.request(valentina, "customer.activity")) == "not_in_chat");
    CHECK(error_code(env.request(valentina, "customer.operations")) == "not_in_chat");
    CHECK(error_code(env.request(valentina, "offer.create",
                                 fields({{"card", "Caterpie"}, {"price", 8}}))) == "not_in_chat");
    CHECK(error_code(env.request(ana, "offer.answer",
                                 fields({{"offer_id", 1}, {"accept", true}}))) == "not_found");
    CHECK(error_code(env.request(ana, "queue.leave")) == "invalid_state");
    CHECK(error_code(env.request(valentina, "publish", fields({{"card", "Pikachu ex"}}))) ==
          "invalid_state");  // no held unit
    CHECK(error_code(env.request(valentina, "publish", fields({{"card", "Nadie sabe"}}))) ==
          "not_found");
    CHECK(world_snapshot::of(env, ana_id) == before);
    CHECK(ana->received.empty());
    CHECK(valentina->received.empty());
  }

  SECTION("wrong role") {
    const auto before = world_snapshot::of(env, ana_id);
    for (const char* type : {"status", "details", "connect", "customer.activity",
                             "customer.operations", "offer.create", "publish"}) {
      INFO(type);
      CHECK(error_code(env.request(ana, type, fields({{"card", "Lucario ex"}, {"price", 1}}))) ==
            "forbidden");
    }
    for (const char* type : {"queue.join", "queue.leave", "offer.answer"}) {
      INFO(type);
      CHECK(error_code(env.request(valentina, type, fields({{"offer_id", 1}, {"accept", true}}))) ==
            "forbidden");
    }
    CHECK(world_snapshot::of(env, ana_id) == before);
    CHECK(env.product("Lucario ex").held == 1);
  }

  SECTION("in a chat") {
    require_ok(env.request(ana, "queue.join"));
    require_ok(env.request(ben, "queue.join"));
    require_ok(env.request(valentina, "connect"));  // Ana
    require_ok(env.request(tomas, "connect"));      // Ben
    auto offer =
        env.request(valentina, "offer.create", fields({{"card", "Caterpie"}, {"price", 8}}));
    require_ok(offer);
    const std::int64_t offer_id = offer.at("offer_id").as_int64();
    ana->clear();
    valentina->clear();
    const auto before = world_snapshot::of(env, ana_id);

    CHECK(error_code(env.request(ana, "queue.join")) == "invalid_state");
    CHECK(error_code(env.request(valentina, "connect")) == "invalid_state");
    CHECK(error_code(env.request(ana, "chat.send", fields({{"text", ""}}))) == "invalid_field");
    CHECK(error_code(env.request(ana, "chat.send", fields({{"text", json::string(2001, 'a')}}))) ==
          "invalid_field");
    CHECK(error_code(env.request(ana, "chat.send", fields({{"text", 5}}))) == "invalid_field");
    CHECK(error_code(env.request(ana, "chat.send")) == "missing_field");
    // A second offer while one is open.
    CHECK(error_code(env.request(valentina, "offer.create",
                                 fields({{"card", "Mew ex"}, {"price", 100}}))) == "invalid_state");
    // Bad card or price.
    CHECK(error_code(env.request(tomas, "offer.create", fields({{"card", "  "}, {"price", 8}}))) ==
          "invalid_field");
    CHECK(error_code(env.request(tomas, "offer.create",
                                 fields({{"card", "Caterpie"}, {"price", 0}}))) == "invalid_field");
    CHECK(error_code(
              env.request(tomas, "offer.create", fields({{"card", "Caterpie"}, {"price", "8"}}))) ==
          "invalid_field");
    // Ben may not answer Ana's offer; nobody may answer an unknown one.
    CHECK(error_code(env.request(ben, "offer.answer",
                                 fields({{"offer_id", offer_id}, {"accept", true}}))) ==
          "not_found");
    CHECK(error_code(env.request(ana, "offer.answer",
                                 fields({{"offer_id", offer_id + 100}, {"accept", true}}))) ==
          "not_found");
    CHECK(error_code(env.request(ana, "offer.answer", fields({{"offer_id", offer_id}}))) ==
          "missing_field");

    CHECK(world_snapshot::of(env, ana_id) == before);
    CHECK(ana->received.empty());
    CHECK(valentina->received.empty());
    CHECK_FALSE(has_product(env, "Caterpie"));
    // The offer is still open for Ana.
    REQUIRE(env.services.support().open_offer(valentina->account_id));
    CHECK(env.services.support().open_offer(valentina->account_id)->id == offer_id);

    // The longest line allowed goes through.
    require_ok(env.request(ana, "chat.send", fields({{"text", json::string(2000, 'a')}})));
    CHECK(valentina->last("chat.message").at("text").as_string().size() == 2000);
  }
  CHECK(env.services.support().invariants_hold());
}

TEST_CASE("teardown: a customer dropping from the queue", "[support][commands][teardown]") {
  demo_env env;
  auto ana = env.customer(ana_email);
  auto ben = env.customer(ben_email);
  auto cam = env.customer(cam_email);
  auto valentina = env.executive(valentina_email);
  for (const auto& c : {ana, ben, cam})
    require_ok(env.request(c, "queue.join"));
  env.disconnect(ana);
  CHECK(ben->last("queue.position").at("position").as_int64() == 1);
  CHECK(cam->last("queue.position").at("position").as_int64() == 2);
  CHECK(env.services.support().waiting() == 2);
  CHECK(contains(actions_of(env, ana->account_id), "queue_leave"));
  // Valentina gets Ben, not a ghost.
  auto connected = env.request(valentina, "connect");
  CHECK(connected.at("customer").at("email").as_string() == ben_email);
  CHECK(env.services.support().invariants_hold());
}

TEST_CASE("teardown: a customer dropping mid-chat frees the executive",
          "[support][commands][teardown]") {
  demo_env env;
  auto ana = env.customer(ana_email);
  auto ben = env.customer(ben_email);
  auto valentina = env.executive(valentina_email);
  require_ok(env.request(ana, "queue.join"));
  require_ok(env.request(valentina, "connect"));
  const std::int64_t ana_id = ana->account_id;
  const auto ops_before = services::orders_service(env.db).all_operations(ana_id).size();

  SECTION("without an offer") {
    env.disconnect(ana);
    auto ended = valentina->last("chat.ended");
    CHECK(ended.at("reason").as_string() == "customer_disconnected");
    CHECK(valentina->events("offer.cancelled").empty());
  }
  SECTION("with an open offer") {
    require_ok(
        env.request(valentina, "offer.create", fields({{"card", "Caterpie"}, {"price", 8}})));
    env.disconnect(ana);
    auto cancelled = valentina->last("offer.cancelled");
    CHECK(cancelled.at("reason").as_string() == "customer_disconnected");
    CHECK(valentina->types().back() == "chat.ended");
    CHECK_FALSE(has_product(env, "Caterpie"));
  }
  CHECK(services::orders_service(env.db).all_operations(ana_id).size() == ops_before);
  CHECK(env.services.support().is_free(valentina->account_id));
  CHECK(env.services.support().state_of(ana_id) == services::support_state::menu);
  CHECK(contains(actions_of(env, ana_id), "chat_end"));
  CHECK(error_code(env.request(valentina, "chat.send", fields({{"text", "¿Sigue ahí?"}}))) ==
        "not_in_chat");
  // Free again: she is told of the next customer and can take it.
  require_ok(env.request(ben, "queue.join"));
  CHECK(valentina->last("queue.joined").at("customer").at("email").as_string() == ben_email);
  require_ok(env.request(valentina, "connect"));
  CHECK(env.services.support().invariants_hold());
}

TEST_CASE("teardown: an executive dropping mid-chat requeues the customer at the head",
          "[support][commands][teardown]") {
  demo_env env;
  auto ana = env.customer(ana_email);
  auto ben = env.customer(ben_email);
  auto cam = env.customer(cam_email);
  auto valentina = env.executive(valentina_email);
  auto tomas = env.executive(tomas_email);
  auto isidora = env.executive(isidora_email);
  require_ok(env.request(ana, "queue.join"));
  require_ok(env.request(ben, "queue.join"));
  require_ok(env.request(valentina, "connect"));  // Ana
  require_ok(env.request(tomas, "connect"));      // Ben
  require_ok(env.request(cam, "queue.join"));
  auto offer = env.request(valentina, "offer.create", fields({{"card", "Caterpie"}, {"price", 8}}));
  require_ok(offer);
  const std::int64_t offer_id = offer.at("offer_id").as_int64();
  const std::int64_t ana_id = ana->account_id;
  const auto ops_before = services::orders_service(env.db).all_operations(ana_id).size();
  ana->clear();
  cam->clear();
  tomas->clear();
  isidora->clear();

  env.disconnect(valentina);

  // Ana: the offer is cancelled first, then the chat ends with her new position.
  REQUIRE(ana->types() == std::vector<std::string>{"offer.cancelled", "chat.ended"});
  auto cancelled = ana->last("offer.cancelled");
  CHECK(cancelled.at("offer_id").as_int64() == offer_id);
  CHECK(cancelled.at("reason").as_string() == "executive_disconnected");
  auto ended = ana->last("chat.ended");
  CHECK(ended.at("reason").as_string() == "executive_disconnected");
  CHECK(ended.at("position").as_int64() == 1);
  CHECK(ended.at("waiting").as_int64() == 2);
  // Camila moved back; the free executive is told Ana waits; the busy one is not.
  CHECK(cam->last("queue.position").at("position").as_int64() == 2);
  CHECK(isidora->last("queue.joined").at("customer").at("email").as_string() == ana_email);
  CHECK(tomas->events("queue.joined").empty());
  // Nothing half-done: no sale, no held unit; the cancelled offer cannot be answered.
  CHECK(error_code(env.request(ana, "offer.answer",
                               fields({{"offer_id", offer_id}, {"accept", true}}))) == "not_found");
  CHECK(services::orders_service(env.db).all_operations(ana_id).size() == ops_before);
  CHECK_FALSE(has_product(env, "Caterpie"));
  CHECK(contains(actions_of(env, ana_id), "chat_end"));
  // The next executive takes Ana before Camila.
  auto next = env.request(isidora, "connect");
  CHECK(next.at("customer").at("email").as_string() == ana_email);
  CHECK(env.services.support().invariants_hold());
}

TEST_CASE("teardown: a customer ending the chat and an executive leaving while free",
          "[support][commands][teardown]") {
  demo_env env;
  auto ana = env.customer(ana_email);
  auto valentina = env.executive(valentina_email);
  auto tomas = env.executive(tomas_email);
  require_ok(env.request(ana, "queue.join"));
  require_ok(env.request(valentina, "connect"));
  require_ok(env.request(ana, "chat.end"));
  CHECK(valentina->last("chat.ended").at("reason").as_string() == "ended_by_customer");
  CHECK(env.services.support().state_of(ana->account_id) == services::support_state::menu);
  ana->clear();
  env.disconnect(tomas);  // free: nobody is told anything
  env.disconnect(valentina);
  CHECK(ana->received.empty());
  CHECK(env.services.support().waiting() == 0);
  CHECK(env.services.support().chats() == 0);
}

TEST_CASE("a peer torn down while being told does not get stale positions",
          "[support][commands][teardown]") {
  demo_env env;
  auto ana = env.customer(ana_email);
  auto ben = env.customer(ben_email);
  auto cam = env.customer(cam_email);
  for (const auto& c : {ana, ben, cam})
    require_ok(env.request(c, "queue.join"));
  // Ben's connection dies while he is being told his new position (as a session whose queue
  // overflows does inside deliver()).
  ben->on_deliver = [&env, ben] { env.disconnect(ben); };
  require_ok(env.request(ana, "queue.leave"));
  CHECK(env.services.support().waiting() == 1);
  CHECK(env.services.support().position_of(cam->account_id) == 1u);
  // Whatever Camila was told, the last word is the truth.
  auto last = cam->last("queue.position");
  CHECK(last.at("position").as_int64() == 1);
  CHECK(last.at("waiting").as_int64() == 1);
  CHECK(env.services.support().invariants_hold());
}
