// Unit tests of the audit the dispatcher writes from the command table (one activity entry
// and one console line per audited request, done or refused with its code; none for the
// dispatcher's own refusals, such as a command that needs a chat sent outside one), of the
// shared table of action labels, and of the per-command counters.
#include "common/protocol/actions.hpp"
#include "common/term/format.hpp"
#include "server/dispatch/audit.hpp"
#include "server/store/activity_repository.hpp"
#include "tests/unit/server_fixture.hpp"

#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

using namespace tcs;
using test::ana_email;
using test::demo_env;
using test::error_code;
using test::require_ok;
using test::valentina_email;

namespace {

std::vector<store::activity_record> entries(demo_env& env, std::string_view email) {
  return store::activity_repository(env.db).for_customer(env.customer_id(email));
}

const command& find(const dispatcher& d, std::string_view type) {
  for (const command& c : d.commands()) {
    if (c.type == type)
      return c;
  }
  FAIL("no command " << type);
  throw;
}

}  // namespace

TEST_CASE("audit: a refused command records one entry with its code", "[audit]") {
  demo_env env;
  auto ana = env.customer(ana_email);
  const auto before = entries(env, ana_email).size();
  json::object fields;
  fields["operation_id"] = 999999;
  auto reply = env.request(ana, "return", fields);
  CHECK(error_code(reply) == "not_found");
  const auto after = entries(env, ana_email);
  REQUIRE(after.size() == before + 1);
  CHECK(after.front().action == "return_request");
  CHECK(after.front().outcome == "not_found");
  CHECK(after.front().detail == "#999999");
}

TEST_CASE("audit: a done command records one entry", "[audit]") {
  demo_env env;
  auto ana = env.customer(ana_email);
  const auto before = entries(env, ana_email).size();
  require_ok(env.request(ana, "queue.join"));
  const auto after = entries(env, ana_email);
  REQUIRE(after.size() == before + 1);
  CHECK(after.front().action == "queue_join");
  CHECK(after.front().outcome == "ok");
  CHECK(after.front().detail == "Posición 1");
}

TEST_CASE("audit: a command that needs a chat is refused outside one, unrecorded", "[audit]") {
  demo_env env;
  auto ana = env.customer(ana_email);
  auto valentina = env.executive(valentina_email);
  const auto before = entries(env, ana_email).size();
  json::object offer;
  offer["card"] = "Caterpie";
  offer["price"] = 8;
  auto reply = env.request(valentina, "offer.create", offer);
  CHECK(error_code(reply) == "not_in_chat");
  json::object line;
  line["text"] = "hola";
  CHECK(error_code(env.request(ana, "chat.send", line)) == "not_in_chat");
  CHECK(error_code(env.request(valentina, "customer.operations")) == "not_in_chat");
  CHECK(entries(env, ana_email).size() == before);
  // In a chat, the same offer goes through and is recorded for the customer concerned.
  require_ok(env.request(ana, "queue.join"));
  require_ok(env.request(valentina, "connect"));
  require_ok(env.request(valentina, "offer.create", offer));
  CHECK(entries(env, ana_email).front().action == "offer");
}

TEST_CASE("audit: later pages of a list and failed checks are not recorded", "[audit]") {
  demo_env env;
  auto ana = env.customer(ana_email);
  const auto before = entries(env, ana_email).size();
  require_ok(env.request(ana, "history"));
  CHECK(entries(env, ana_email).size() == before + 1);
  json::object later;
  later["after"] = 1;
  require_ok(env.request(ana, "history", later));
  json::object missing;  // no operation_id: refused by the dispatcher's field check
  CHECK(error_code(env.request(ana, "history.detail", missing)) == "missing_field");
  CHECK(entries(env, ana_email).size() == before + 1);
}

TEST_CASE("audit: the decision and the console line of each outcome", "[audit]") {
  const dispatcher d(all_commands());
  test::recording_peer ana;
  ana.who = role::customer;
  ana.name = "Ana Rojas";
  const command& purchase = find(d, "purchase");
  const command& connect = find(d, "connect");
  const result<json::object> done = json::object{};
  const result<json::object> refused = failure{errc::out_of_stock};

  audit_note note;
  note.line = "Cliente Ana Rojas compró 1 producto (operación #7).";
  auto ok = audit::decide(purchase, note, ana, done);
  CHECK(ok.row);
  CHECK(ok.outcome == "ok");
  CHECK(ok.line == note.line);

  auto no = audit::decide(purchase, audit_note{}, ana, refused);
  CHECK(no.row);
  CHECK(no.outcome == "out_of_stock");
  CHECK(no.line == "Cliente Ana Rojas: solicitud rechazada (compra, out_of_stock).");

  // `internal` is never recorded; a done-only rule leaves refusals out; a note can say no.
  CHECK_FALSE(audit::decide(purchase, {}, ana, failure{errc::internal}).row);
  CHECK_FALSE(audit::decide(connect, {}, ana, refused).row);
  audit_note later;
  later.record = false;
  CHECK_FALSE(audit::decide(purchase, later, ana, done).row);
  CHECK(audit::decide(purchase, later, ana, done).line.empty());
}

TEST_CASE("audit: every audited command names an action with a label", "[audit]") {
  std::set<std::string_view> names;
  for (const auto& a : actions::all) {
    CHECK(names.insert(a.name).second);
    CHECK(actions::label(a.name) == a.label);
    CHECK(term::activity_label(a.name) == a.label);  // the terminals use the same table
  }
  for (const command& c : all_commands()) {
    if (!c.audit.action.empty())
      CHECK(names.contains(c.audit.action));
  }
  CHECK(actions::label("something_new") == "something_new");
}

TEST_CASE("counters: calls, errors by code and time per command", "[audit][counters]") {
  demo_env env;
  auto ana = env.customer(ana_email);
  CHECK(env.commands.counters("no.such.type") == nullptr);
  const command_counters* ping = env.commands.counters("ping");
  REQUIRE(ping != nullptr);
  CHECK(ping->calls == 0);

  require_ok(env.request(ana, "ping"));
  require_ok(env.request(ana, "ping"));
  json::object fields;
  fields["operation_id"] = 999999;
  CHECK(error_code(env.request(ana, "return", fields)) == "not_found");
  CHECK(error_code(env.request(ana, "return", fields)) == "not_found");
  CHECK(error_code(env.request(ana, "return")) == "missing_field");  // the dispatcher's check
  CHECK(error_code(env.request(ana, "connect")) == "forbidden");

  CHECK(ping->calls == 2);
  CHECK(ping->errors == 0);
  CHECK(ping->max_time <= ping->total_time);
  const command_counters* ret = env.commands.counters("return");
  CHECK(ret->calls == 3);
  CHECK(ret->errors == 3);
  CHECK(ret->errors_of(errc::not_found) == 2);
  CHECK(ret->errors_of(errc::missing_field) == 1);
  CHECK(ret->total_time.count() > 0);
  CHECK(ret->max_time <= ret->total_time);
  CHECK(env.commands.counters("connect")->errors_of(errc::forbidden) == 1);
  // Malformed and unknown requests have no type to be counted under.
  env.dispatch_raw(ana, "{nope");
  env.request(ana, "no.such.type");
  std::uint64_t calls = 0;
  for (const command& c : env.commands.commands())
    calls += env.commands.counters(c.type)->calls;
  CHECK(calls == 6);
}
