// Unit tests of the dispatcher (state, role and field checks, envelopes, handler failures), the
// session commands end to end (hello, login, logout, ping) and the password pool's threading.
#include "common/protocol/limits.hpp"
#include "common/protocol/message.hpp"
#include "server/dispatch/dispatcher.hpp"
#include "server/dispatch/server_state.hpp"
#include "server/security/password_pool.hpp"
#include "server/security/passwords.hpp"
#include "server/security/totp.hpp"
#include "server/store/accounts_repository.hpp"
#include "tests/unit/server_fixture.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

using namespace tcs;
using boost::asio::awaitable;
using test::error_code;
using test::error_message;
using test::recording_peer;
using test::require_ok;
using test::server_env;

namespace {

recording_peer greeted_as(role r) {
  recording_peer p;
  p.greeted = true;
  p.who = r;
  if (r != role::guest)
    p.account_id = 1;
  return p;
}

json::object obj(std::string_view text) {
  return json::parse(text).as_object();
}

failure check_failure(const dispatcher& d, const peer& p, const json::object& request) {
  auto r = d.check(p, request);
  REQUIRE_FALSE(r.has_value());
  return r.error();
}

// A small table of test commands, one per access level, independent of the server's areas.

awaitable<result<json::object>> echo_handler(request_context& ctx) {
  json::object body;
  body["echo"] = ctx.request.at("type");
  body["account"] = ctx.caller->account_id;
  co_return body;
}

awaitable<result<json::object>> throwing_handler(request_context& ctx) {
  if (!ctx.request.contains("never"))
    throw std::runtime_error("handler bug");
  co_return json::object{};
}

awaitable<result<json::object>> failing_handler(request_context& ctx) {
  ctx.close_after_reply = true;
  co_return failure{errc::not_found, "No existe."};
}

// Tries to overwrite the envelope; the dispatcher's envelope must win.
awaitable<result<json::object>> envelope_handler(request_context&) {
  json::object body;
  body["type"] = "forged";
  body["id"] = 999;
  body["ok"] = false;
  body["extra"] = "sí";
  co_return body;
}

constexpr field_spec typed_fields[] = {
    {"s", field_kind::string}, {"n", field_kind::integer}, {"b", field_kind::boolean},
    {"a", field_kind::array},  {"o", field_kind::object},  {"opt", field_kind::integer, false},
};

std::vector<command> test_table() {
  return {
      {"t.handshake", access::handshake, {}, echo_handler, "test"},
      {"t.guest", access::guest, {}, echo_handler, "test"},
      {"t.authenticated", access::authenticated, {}, echo_handler, "test"},
      {"t.customer", access::customer, {}, echo_handler, "test"},
      {"t.executive", access::executive, {}, echo_handler, "test"},
      {"t.anyone", access::anyone, {}, echo_handler, "test"},
      {"t.fields", access::anyone, typed_fields, echo_handler, "test"},
      {"t.throw", access::anyone, {}, throwing_handler, "test"},
      {"t.fail", access::anyone, {}, failing_handler, "test"},
      {"t.envelope", access::anyone, {}, envelope_handler, "test"},
  };
}

json::object request(std::string_view type, std::int64_t id) {
  return make_request(type, id);
}

json::object hello_request(std::int64_t version, std::int64_t id = 1) {
  auto r = make_request("hello", id);
  r["version"] = version;
  r["client"] = "tests";
  return r;
}

json::object customer_login(std::string_view email, std::string_view password,
                            std::int64_t id = 2) {
  auto r = make_request("login", id);
  r["role"] = "customer";
  r["email"] = email;
  r["password"] = password;
  return r;
}

json::object executive_login(std::string_view email, std::string_view password,
                             std::optional<std::string> totp, std::int64_t id = 2) {
  auto r = make_request("login", id);
  r["role"] = "executive";
  r["email"] = email;
  r["password"] = password;
  if (totp)
    r["totp"] = *totp;
  return r;
}

constexpr std::string_view customer_email = "ana.rojas@example.com";
constexpr std::string_view customer_password = "cliente123";
constexpr std::string_view executive_email = "eva.soto@tc5g.cl";
constexpr std::string_view executive_password = "ejecutivo123";
constexpr std::string_view totp_secret = "JBSWY3DPEHPK3PXP";
constexpr std::int64_t fixed_now = 1'732'000'000;

// Hashed once: Argon2id at interactive cost is deliberately slow.
const std::string& customer_hash() {
  static const std::string hash = security::hash_password(customer_password);
  return hash;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// check(): the table and the access matrix

TEST_CASE("a duplicate type in a table throws std::logic_error", "[dispatch]") {
  auto table = test_table();
  table.push_back({"t.anyone", access::customer, {}, echo_handler, "duplicate"});
  CHECK_THROWS_AS(dispatcher(table), std::logic_error);
  CHECK_NOTHROW(dispatcher(test_table()));
  CHECK_NOTHROW(dispatcher(all_commands()));
}

TEST_CASE("the server's table has the session commands with the right access", "[dispatch]") {
  const dispatcher d(all_commands());
  auto find = [&](std::string_view type) -> const command* {
    for (const auto& c : d.commands())
      if (c.type == type)
        return &c;
    return nullptr;
  };
  REQUIRE(find("hello"));
  CHECK(find("hello")->who == access::handshake);
  REQUIRE(find("login"));
  CHECK(find("login")->who == access::guest);
  REQUIRE(find("logout"));
  CHECK(find("logout")->who == access::anyone);
  REQUIRE(find("ping"));
  CHECK(find("ping")->who == access::anyone);
  // Only hello can be sent before the handshake.
  for (const auto& c : d.commands()) {
    if (c.who != access::handshake)
      continue;
    CHECK(c.type == "hello");
  }
}

TEST_CASE("the access matrix of check()", "[dispatch]") {
  const dispatcher d(test_table());
  recording_peer fresh;  // not greeted
  const recording_peer guest = greeted_as(role::guest);
  const recording_peer customer = greeted_as(role::customer);
  const recording_peer executive = greeted_as(role::executive);

  struct row {
    const char* type;
    std::optional<errc> fresh, guest, customer, executive;  // nullopt: allowed
  };
  const std::optional<errc> ok;
  const row rows[] = {
      {"t.handshake", ok, errc::invalid_state, errc::invalid_state, errc::invalid_state},
      {"t.guest", errc::hello_required, ok, errc::already_authenticated,
       errc::already_authenticated},
      {"t.authenticated", errc::hello_required, errc::not_authenticated, ok, ok},
      {"t.customer", errc::hello_required, errc::not_authenticated, ok, errc::forbidden},
      {"t.executive", errc::hello_required, errc::not_authenticated, errc::forbidden, ok},
      {"t.anyone", errc::hello_required, ok, ok, ok},
  };
  for (const row& r : rows) {
    const auto req = request(r.type, 1);
    const std::pair<const recording_peer*, std::optional<errc>> cases[] = {
        {&fresh, r.fresh}, {&guest, r.guest}, {&customer, r.customer}, {&executive, r.executive}};
    int n = 0;
    for (const auto& [p, expected] : cases) {
      INFO(r.type << " as caller #" << n++);
      auto got = d.check(*p, req);
      if (!expected) {
        REQUIRE(got.has_value());
        CHECK((*got)->type == r.type);
      } else {
        REQUIRE_FALSE(got.has_value());
        CHECK(code_name(got.error().code) == code_name(*expected));
        CHECK_FALSE(got.error().message.empty());
      }
    }
  }
}

TEST_CASE("customer and executive commands of the server's table refuse guests and other roles",
          "[dispatch]") {
  const dispatcher d(all_commands());
  const recording_peer guest = greeted_as(role::guest);
  const recording_peer customer = greeted_as(role::customer);
  const recording_peer executive = greeted_as(role::executive);
  for (const command& c : d.commands()) {
    if (c.who != access::customer && c.who != access::executive)
      continue;
    INFO(c.type);
    const auto req = request(c.type, 1);
    CHECK(check_failure(d, guest, req).code == errc::not_authenticated);
    const recording_peer& wrong = c.who == access::customer ? executive : customer;
    CHECK(check_failure(d, wrong, req).code == errc::forbidden);
  }
}

TEST_CASE("check() validates the id", "[dispatch]") {
  const dispatcher d(test_table());
  const recording_peer guest = greeted_as(role::guest);

  auto missing = check_failure(d, guest, obj(R"({"type":"t.anyone"})"));
  CHECK(missing.code == errc::missing_field);
  CHECK(missing.message.find("\"id\"") != std::string::npos);

  for (const char* text : {R"({"type":"t.anyone","id":"1"})", R"({"type":"t.anyone","id":1.5})",
                           R"({"type":"t.anyone","id":null})", R"({"type":"t.anyone","id":[1]})",
                           R"({"type":"t.anyone","id":18446744073709551615})"}) {
    INFO(text);
    auto f = check_failure(d, guest, obj(text));
    CHECK(f.code == errc::invalid_field);
    CHECK(f.message.find("\"id\"") != std::string::npos);
  }
  CHECK(d.check(guest, obj(R"({"type":"t.anyone","id":-3})")).has_value());
  CHECK(d.check(guest, obj(R"({"type":"t.anyone","id":9223372036854775807})")).has_value());
}

TEST_CASE("check() names an unknown type, clipped", "[dispatch]") {
  const dispatcher d(test_table());
  const recording_peer guest = greeted_as(role::guest);

  auto f = check_failure(d, guest, request("no.such", 1));
  CHECK(f.code == errc::unknown_type);
  CHECK(f.message.find("\"no.such\"") != std::string::npos);

  const std::size_t keep = max_echoed_value_bytes - 1;
  const std::string long_type = std::string(keep, 'x') + "ñ" + std::string(200, 'y');
  f = check_failure(d, guest, request(long_type, 1));
  CHECK(f.code == errc::unknown_type);
  CHECK(f.message.find(long_type) == std::string::npos);
  CHECK(f.message.find(std::string(keep, 'x') + "…") != std::string::npos);
  CHECK(f.message.find('y') == std::string::npos);
  CHECK(f.message.size() < 120);
  // The message stays valid UTF-8 (the "ñ" straddling the cut is not split).
  boost::system::error_code ec;
  json::parse(json::serialize(json::value(f.message)), ec);
  CHECK_FALSE(ec);
  CHECK(f.message.find("\xc3\"") == std::string::npos);
}

TEST_CASE("check() validates the declared fields", "[dispatch]") {
  const dispatcher d(test_table());
  const recording_peer guest = greeted_as(role::guest);
  const auto good = obj(R"({"type":"t.fields","id":1,"s":"x","n":-2,"b":false,"a":[],"o":{}})");
  REQUIRE(d.check(guest, good).has_value());

  SECTION("optional field absent or of the right type") {
    auto with_opt = good;
    with_opt["opt"] = 5;
    CHECK(d.check(guest, with_opt).has_value());
    with_opt["opt"] = static_cast<std::uint64_t>(INT64_MAX);
    CHECK(d.check(guest, with_opt).has_value());
  }
  SECTION("optional field of the wrong type") {
    auto with_opt = good;
    with_opt["opt"] = "5";
    auto f = check_failure(d, guest, with_opt);
    CHECK(f.code == errc::invalid_field);
    CHECK(f.message.find("\"opt\"") != std::string::npos);
  }
  SECTION("each required field missing") {
    for (const char* name : {"s", "n", "b", "a", "o"}) {
      INFO(name);
      auto req = good;
      req.erase(name);
      auto f = check_failure(d, guest, req);
      CHECK(f.code == errc::missing_field);
      CHECK(f.message.find(std::string("\"") + name + "\"") != std::string::npos);
    }
  }
  SECTION("each field with a wrong type") {
    const std::pair<const char*, json::value> wrong[] = {
        {"s", 1},
        {"s", nullptr},
        {"n", "1"},
        {"n", 1.5},
        {"n", static_cast<std::uint64_t>(INT64_MAX) + 1},
        {"b", 0},
        {"b", "true"},
        {"a", json::object{}},
        {"a", "[]"},
        {"o", json::array{}},
        {"o", nullptr},
    };
    for (const auto& [name, value] : wrong) {
      INFO(name << " = " << json::serialize(value));
      auto req = good;
      req[name] = value;
      auto f = check_failure(d, guest, req);
      CHECK(f.code == errc::invalid_field);
      CHECK(f.message.find(std::string("\"") + name + "\"") != std::string::npos);
    }
  }
}

TEST_CASE("check() of login's fields in the server's table", "[dispatch]") {
  const dispatcher d(all_commands());
  const recording_peer guest = greeted_as(role::guest);

  auto no_email = obj(R"({"type":"login","id":1,"role":"customer","password":"x"})");
  auto f = check_failure(d, guest, no_email);
  CHECK(f.code == errc::missing_field);
  CHECK(f.message.find("\"email\"") != std::string::npos);

  auto int_password =
      obj(R"({"type":"login","id":1,"role":"customer","email":"a@b.c","password":123456})");
  f = check_failure(d, guest, int_password);
  CHECK(f.code == errc::invalid_field);
  CHECK(f.message.find("\"password\"") != std::string::npos);

  auto int_totp = obj(
      R"({"type":"login","id":1,"role":"executive","email":"a@b.c","password":"x","totp":123456})");
  CHECK(check_failure(d, guest, int_totp).code == errc::invalid_field);
}

// ---------------------------------------------------------------------------------------------
// dispatch(): envelopes and handler outcomes

TEST_CASE("dispatch wraps a handler's body in the envelope", "[dispatch]") {
  server_env env(test_table());
  auto p = env.connect();
  p->who = role::customer;
  p->account_id = 41;

  const std::int64_t id = 9007199254740993;  // not representable as a double
  auto out = env.dispatch(p, request("t.customer", id));
  require_ok(out.reply);
  CHECK_FALSE(out.close_after_reply);
  CHECK_FALSE(out.protocol_error);
  CHECK(out.reply.at("type").as_string() == "t.customer");
  CHECK(out.reply.at("id").as_int64() == id);
  CHECK(out.reply.at("echo").as_string() == "t.customer");
  CHECK(out.reply.at("account").as_int64() == 41);
  // Envelope first, in this order.
  auto it = out.reply.begin();
  REQUIRE(out.reply.size() == 5);
  CHECK(it++->key() == "type");
  CHECK(it++->key() == "id");
  CHECK(it++->key() == "ok");

  // A body cannot overwrite the envelope.
  out = env.dispatch(p, request("t.envelope", 12));
  require_ok(out.reply);
  CHECK(out.reply.at("type").as_string() == "t.envelope");
  CHECK(out.reply.at("id").as_int64() == 12);
  CHECK(out.reply.at("extra").as_string() == "sí");
}

TEST_CASE("a handler's exception becomes an internal reply", "[dispatch]") {
  server_env env(test_table());
  auto p = env.connect();
  dispatcher::outcome out;
  REQUIRE_NOTHROW(out = env.dispatch(p, request("t.throw", 8)));
  CHECK(error_code(out.reply) == "internal");
  CHECK(error_message(out.reply) == default_message(errc::internal));
  CHECK(error_message(out.reply).find("handler bug") == std::string::npos);
  CHECK(out.reply.at("type").as_string() == "t.throw");
  CHECK(out.reply.at("id").as_int64() == 8);
  CHECK_FALSE(out.close_after_reply);
  // The dispatcher keeps working afterwards.
  require_ok(env.dispatch(p, request("t.anyone", 9)).reply);
}

TEST_CASE("a handler's failure keeps its code, message and close request", "[dispatch]") {
  server_env env(test_table());
  auto p = env.connect();
  auto out = env.dispatch(p, request("t.fail", 3));
  CHECK(error_code(out.reply) == "not_found");
  CHECK(error_message(out.reply) == "No existe.");
  CHECK(out.reply.at("id").as_int64() == 3);
  CHECK(out.close_after_reply);
  CHECK_FALSE(out.protocol_error);  // a domain refusal, not a misbehaving peer
  auto back = reply_failure(out.reply);
  REQUIRE(back.has_value());
  CHECK(back->code == errc::not_found);
}

TEST_CASE("dispatch answers bad payloads without running anything", "[dispatch]") {
  server_env env(test_table());
  auto p = env.connect();
  const std::pair<std::string, std::string> cases[] = {
      {"{\"type\":\"t.anyone\",\"id\":1", "invalid_json"},
      {"", "invalid_json"},
      {"{\"type\":\"t.anyone\",\"id\":1,\"x\":\"\xff\"}", "invalid_utf8"},
      {"[1,2]", "not_an_object"},
      {"{\"id\":1}", "missing_field"},
  };
  for (const auto& [payload, code] : cases) {
    INFO(payload);
    auto out = env.dispatch_raw(p, payload);
    CHECK(error_code(out.reply) == code);
    CHECK(out.reply.at("type").as_string() == "error");
    // A reply, not an event: "id" is there, null.
    REQUIRE(out.reply.contains("id"));
    CHECK(out.reply.at("id").is_null());
    CHECK_FALSE(out.close_after_reply);
    CHECK(out.protocol_error);
  }
  // A request that parses but fails a check keeps its type and id.
  auto out = env.dispatch_raw(p, R"({"type":"t.fields","id":77})");
  CHECK(error_code(out.reply) == "missing_field");
  CHECK(out.reply.at("type").as_string() == "t.fields");
  CHECK(out.reply.at("id").as_int64() == 77);
  // Without a usable id, the reply says "id": null (events have no "id" member at all).
  out = env.dispatch_raw(p, R"({"type":"t.anyone","id":"7"})");
  CHECK(error_code(out.reply) == "invalid_field");
  REQUIRE(out.reply.contains("id"));
  CHECK(out.reply.at("id").is_null());
  out = env.dispatch_raw(p, R"({"type":"t.anyone"})");
  CHECK(error_code(out.reply) == "missing_field");
  REQUIRE(out.reply.contains("id"));
  CHECK(out.reply.at("id").is_null());
  CHECK(out.reply.at("type").as_string() == "t.anyone");
  CHECK_FALSE(out.reply.at("ok").as_bool());
  CHECK(p->received.empty());
}

TEST_CASE("an unknown type of 64 KiB with escapes is echoed clipped and escaped",
          "[dispatch][echo]") {
  server_env env(test_table());
  auto p = env.connect();
  // ESC [2J (clear screen), U+202E (right-to-left override), then 65,000 bytes.
  const std::string type = "x\x1b[2J\xE2\x80\xAE" + std::string(65000, 'y');
  auto out = env.dispatch(p, request(type, 9));
  CHECK(error_code(out.reply) == "unknown_type");
  CHECK(out.reply.at("id").as_int64() == 9);
  const std::string echoed(out.reply.at("type").as_string());
  CHECK(echoed.size() <= 6 * max_echoed_value_bytes + 3);
  CHECK(echoed.find('\x1b') == std::string::npos);
  CHECK(echoed.find("\xE2\x80\xAE") == std::string::npos);
  CHECK(echoed.rfind("x\\x1B[2J\\u202E", 0) == 0);
  const std::string message = error_message(out.reply);
  CHECK(message.find('\x1b') == std::string::npos);
  CHECK(message.find("\xE2\x80\xAE") == std::string::npos);
  CHECK(message.find("\\u202E") != std::string::npos);
  // The whole reply fits in a frame with room to spare.
  CHECK(encode_message(out.reply).size() < 1024);
}

TEST_CASE("the order of the checks: payload, id, type, state, role, fields", "[dispatch][order]") {
  const dispatcher d(test_table());
  recording_peer fresh;  // not greeted
  const recording_peer guest = greeted_as(role::guest);
  const recording_peer customer = greeted_as(role::customer);

  // The id comes before the type: an unknown type without an id is an id error.
  CHECK(check_failure(d, fresh, obj(R"({"type":"no.such"})")).code == errc::missing_field);
  CHECK(check_failure(d, fresh, obj(R"({"type":"no.such","id":"1"})")).code == errc::invalid_field);
  // The type comes before the state: an unknown type before hello is unknown_type.
  CHECK(check_failure(d, fresh, obj(R"({"type":"no.such","id":1})")).code == errc::unknown_type);
  // The state and role come before the fields.
  const auto no_fields = obj(R"({"type":"t.fields","id":1})");
  CHECK(check_failure(d, fresh, no_fields).code == errc::hello_required);
  CHECK(check_failure(d, guest, obj(R"({"type":"t.customer","id":1,"x":1})")).code ==
        errc::not_authenticated);
  CHECK(check_failure(d, customer, obj(R"({"type":"t.executive","id":1})")).code ==
        errc::forbidden);
  CHECK(d.check(guest, obj(R"({"type":"t.guest","id":1})")).has_value());
  CHECK(check_failure(d, customer, obj(R"({"type":"t.guest","id":1})")).code ==
        errc::already_authenticated);
  // Fields are checked in the table's order: the first missing one is named.
  auto f = check_failure(d, guest, no_fields);
  CHECK(f.code == errc::missing_field);
  CHECK(f.message.find("\"s\"") != std::string::npos);
}

TEST_CASE("unknown request fields are ignored", "[dispatch]") {
  server_env env(test_table());
  auto p = env.connect();
  auto req = request("t.anyone", 4);
  req["unknown"] = json::parse(R"({"deep":[1,2,{"x":null}]})");
  req["ok"] = false;
  req["error"] = "no";
  auto out = env.dispatch(p, req);
  require_ok(out.reply);
  CHECK(out.reply.at("id").as_int64() == 4);
  CHECK_FALSE(out.protocol_error);
  // Also beside the declared fields of a request.
  auto typed = obj(R"({"type":"t.fields","id":5,"s":"x","n":1,"b":true,"a":[],"o":{},"z":"?"})");
  require_ok(env.dispatch(p, typed).reply);
}

TEST_CASE("dispatch owns its payload: the caller's buffer may change before it runs",
          "[dispatch]") {
  server_env env(test_table());
  auto p = env.connect();
  std::string payload = json::serialize(request("t.anyone", 5));
  std::optional<dispatcher::outcome> out;
  // The awaitable starts suspended; the caller's buffer is reused before the loop runs it.
  auto pending = env.commands.dispatch(env.state, p, payload);
  payload.assign(payload.size(), 'x');
  boost::asio::co_spawn(env.ctx, std::move(pending),
                        [&](std::exception_ptr e, dispatcher::outcome o) {
                          REQUIRE_FALSE(e);
                          out = std::move(o);
                        });
  // A temporary passed straight to co_spawn is fine too.
  std::optional<dispatcher::outcome> out2;
  boost::asio::co_spawn(
      env.ctx,
      env.commands.dispatch(env.state, p,
                            json::serialize(request("t.anyone", 6)) + std::string(100, ' ')),
      [&](std::exception_ptr e, dispatcher::outcome o) {
        REQUIRE_FALSE(e);
        out2 = std::move(o);
      });
  env.ctx.run();
  REQUIRE(out.has_value());
  require_ok(out->reply);
  CHECK(out->reply.at("id").as_int64() == 5);
  REQUIRE(out2.has_value());
  require_ok(out2->reply);
  CHECK(out2->reply.at("id").as_int64() == 6);
}

// ---------------------------------------------------------------------------------------------
// Session commands end to end

TEST_CASE("hello is required first and then works", "[dispatch][session]") {
  server_env env;
  auto p = env.connect(false);
  for (const char* type : {"ping", "logout", "login"}) {
    INFO(type);
    auto out = env.dispatch(p, request(type, 1));
    CHECK(error_code(out.reply) == "hello_required");
    CHECK_FALSE(out.close_after_reply);
  }
  CHECK_FALSE(p->greeted);

  auto out = env.dispatch(p, hello_request(protocol_version, 5));
  require_ok(out.reply);
  CHECK(out.reply.at("id").as_int64() == 5);
  CHECK(out.reply.at("version").as_int64() == protocol_version);
  CHECK(out.reply.at("server").is_string());
  CHECK_FALSE(out.close_after_reply);
  CHECK(p->greeted);

  out = env.dispatch(p, request("ping", 6));
  require_ok(out.reply);
  CHECK(out.reply.at("id").as_int64() == 6);
}

TEST_CASE("hello with another version is refused and closes", "[dispatch][session]") {
  server_env env;
  auto p = env.connect(false);
  auto out = env.dispatch(p, hello_request(2));
  CHECK(error_code(out.reply) == "unsupported_version");
  CHECK(out.close_after_reply);
  CHECK_FALSE(p->greeted);

  auto bad = make_request("hello", 1);
  bad["version"] = "1";
  out = env.dispatch(p, bad);
  CHECK(error_code(out.reply) == "invalid_field");
  out = env.dispatch(p, make_request("hello", 1));
  CHECK(error_code(out.reply) == "missing_field");
  CHECK_FALSE(p->greeted);
}

TEST_CASE("hello twice is invalid_state", "[dispatch][session]") {
  server_env env;
  auto p = env.connect(false);
  require_ok(env.dispatch(p, hello_request(protocol_version)).reply);
  auto out = env.dispatch(p, hello_request(protocol_version, 2));
  CHECK(error_code(out.reply) == "invalid_state");
  CHECK_FALSE(out.close_after_reply);
  CHECK(p->greeted);
}

TEST_CASE("after hello, ping and logout work", "[dispatch][session]") {
  server_env env;
  auto p = env.connect(false);
  require_ok(env.dispatch(p, hello_request(protocol_version)).reply);

  auto out = env.dispatch(p, request("ping", 2));
  require_ok(out.reply);
  CHECK_FALSE(out.close_after_reply);

  out = env.dispatch(p, request("logout", 3));
  require_ok(out.reply);
  CHECK(out.reply.at("type").as_string() == "logout");
  CHECK(out.reply.at("id").as_int64() == 3);
  CHECK(out.close_after_reply);
}

TEST_CASE("login requests with bad fields", "[dispatch][session]") {
  server_env env;
  auto p = env.connect();

  auto no_email = make_request("login", 4);
  no_email["role"] = "customer";
  no_email["password"] = "x";
  auto out = env.dispatch(p, no_email);
  CHECK(error_code(out.reply) == "missing_field");
  CHECK(out.reply.at("id").as_int64() == 4);

  auto int_password = customer_login(customer_email, "x");
  int_password["password"] = 123;
  CHECK(error_code(env.dispatch(p, int_password).reply) == "invalid_field");

  auto bad_role = customer_login(customer_email, "x");
  bad_role["role"] = "admin";
  CHECK(error_code(env.dispatch(p, bad_role).reply) == "invalid_field");
  CHECK(p->who == role::guest);
}

TEST_CASE("unknown types are answered with their clipped name", "[dispatch][session]") {
  server_env env;
  auto p = env.connect();
  const std::string type = "buy_everything_" + std::string(100, 'z');
  auto out = env.dispatch(p, request(type, 11));
  CHECK(error_code(out.reply) == "unknown_type");
  CHECK(out.reply.at("id").as_int64() == 11);
  CHECK(error_message(out.reply).find("buy_everything_") != std::string::npos);
  CHECK(error_message(out.reply).find(type) == std::string::npos);
}

TEST_CASE("customer login through dispatch", "[dispatch][session][login]") {
  server_env env;
  store::accounts_repository(env.db).add_customer(customer_email, "Ana Rojas", customer_hash(),
                                                  fixed_now);

  SECTION("the right password logs in") {
    auto p = env.connect();
    auto out = env.dispatch(p, customer_login(customer_email, customer_password, 21));
    require_ok(out.reply);
    CHECK(out.reply.at("id").as_int64() == 21);
    CHECK(out.reply.at("role").as_string() == "customer");
    CHECK(out.reply.at("first_name").as_string() == "Ana");
    CHECK(out.reply.at("name").as_string() == "Ana Rojas");
    CHECK(out.reply.at("email").as_string() == customer_email);
    CHECK(out.reply.at("customers_online").as_int64() == 1);
    CHECK_FALSE(out.close_after_reply);
    CHECK(p->who == role::customer);
    CHECK(p->account_id > 0);
    CHECK(env.state.customer_peer(p->account_id) == p);

    // Now a customer: login again is refused, customer-only checks pass.
    CHECK(error_code(env.dispatch(p, customer_login(customer_email, customer_password)).reply) ==
          "already_authenticated");
    // A second connection for the same account is refused.
    auto other = env.connect();
    out = env.dispatch(other, customer_login(customer_email, customer_password));
    CHECK(error_code(out.reply) == "already_logged_in");
    CHECK(other->who == role::guest);

    // Once the first connection is gone, the account may log in again.
    const auto account = p->account_id;
    env.disconnect(p);
    // Its session is held for a resume (--resume-grace, session_resume.hpp); a login ends it.
    CHECK(env.state.customer_peer(account) != p);
    require_ok(env.dispatch(other, customer_login(customer_email, customer_password)).reply);
    CHECK(other->who == role::customer);
    CHECK(env.state.customer_peer(account) == other);
  }

  SECTION("a wrong password and an unknown email fail the same way") {
    auto p = env.connect();
    auto wrong = env.dispatch(p, customer_login(customer_email, "cliente124"));
    CHECK(error_code(wrong.reply) == "bad_credentials");
    CHECK(p->who == role::guest);
    CHECK(p->account_id == 0);
    CHECK(p->name.empty());
    CHECK(env.state.customers_online() == 0);

    auto unknown = env.dispatch(p, customer_login("nadie@example.com", customer_password));
    CHECK(error_code(unknown.reply) == "bad_credentials");
    CHECK(error_message(unknown.reply) == error_message(wrong.reply));
    CHECK(p->who == role::guest);

    // Still a guest who can log in.
    require_ok(env.dispatch(p, customer_login(customer_email, customer_password)).reply);
  }

  SECTION("a connection closed while the password was checked gets no session") {
    auto p = env.connect();
    p->open = false;
    auto out = env.dispatch(p, customer_login(customer_email, customer_password));
    CHECK(error_code(out.reply) == "internal");
    CHECK(p->who == role::guest);
    CHECK(env.state.customers_online() == 0);
  }
}

TEST_CASE("concurrent logins of one customer: exactly one wins", "[dispatch][session][login]") {
  server_env env;
  store::accounts_repository(env.db).add_customer(customer_email, "Ana Rojas", customer_hash(),
                                                  fixed_now);
  auto a = env.connect();
  auto b = env.connect();
  const std::string payload = json::serialize(customer_login(customer_email, customer_password));
  std::vector<dispatcher::outcome> outs;
  for (auto& p : {a, b}) {
    boost::asio::co_spawn(env.ctx, env.commands.dispatch(env.state, p, payload),
                          [&](std::exception_ptr e, dispatcher::outcome o) {
                            REQUIRE_FALSE(e);
                            outs.push_back(std::move(o));
                          });
  }
  env.ctx.restart();
  env.ctx.run();
  REQUIRE(outs.size() == 2);
  int ok = 0;
  for (const auto& o : outs) {
    if (o.reply.at("ok").as_bool()) {
      ++ok;
    } else {
      CHECK(error_code(o.reply) == "already_logged_in");
    }
  }
  CHECK(ok == 1);
  CHECK((a->who == role::customer) != (b->who == role::customer));
  CHECK(env.state.customers_online() == 1);
}

TEST_CASE("executive login with TOTP through dispatch", "[dispatch][session][login]") {
  server_env env;
  std::int64_t now = fixed_now;
  env.services.set_clock([&now] { return now; });
  store::accounts_repository(env.db).add_executive(
      executive_email, "Eva Soto",
      security::hash_password(executive_password, security::hash_cost::insecure_fast), totp_secret,
      fixed_now);
  const std::string code = security::totp_code(totp_secret, now);

  SECTION("a missing code is missing_field") {
    auto p = env.connect();
    auto out = env.dispatch(p, executive_login(executive_email, executive_password, std::nullopt));
    CHECK(error_code(out.reply) == "missing_field");
    CHECK(error_message(out.reply).find("\"totp\"") != std::string::npos);
    CHECK(p->who == role::guest);
  }

  SECTION(
      "a wrong code after the right password is bad_totp; with a wrong password it is "
      "bad_credentials") {
    auto p = env.connect();
    const std::string wrong_code = code == "000000" ? "000001" : "000000";
    auto bad_code =
        env.dispatch(p, executive_login(executive_email, executive_password, wrong_code));
    CHECK(error_code(bad_code.reply) == "bad_totp");
    CHECK(error_message(bad_code.reply) == "Código 2FA incorrecto.");
    auto bad_password = env.dispatch(p, executive_login(executive_email, "otra", code));
    CHECK(error_code(bad_password.reply) == "bad_credentials");
    auto both_wrong = env.dispatch(p, executive_login(executive_email, "otra", wrong_code));
    CHECK(error_code(both_wrong.reply) == "bad_credentials");
    CHECK(p->who == role::guest);
    // Neither failure spent the code.
    require_ok(env.dispatch(p, executive_login(executive_email, executive_password, code)).reply);
  }

  SECTION("a code works once; a replay after logout is refused") {
    auto first = env.connect();
    auto out = env.dispatch(first, executive_login(executive_email, executive_password, code, 31));
    require_ok(out.reply);
    CHECK(out.reply.at("role").as_string() == "executive");
    CHECK(out.reply.at("first_name").as_string() == "Eva");
    CHECK(out.reply.at("customers_online").as_int64() == 0);
    CHECK(first->who == role::executive);

    out = env.dispatch(first, request("logout", 32));
    require_ok(out.reply);
    CHECK(out.close_after_reply);
    env.disconnect(first);

    auto second = env.connect();
    out = env.dispatch(second, executive_login(executive_email, executive_password, code));
    CHECK(error_code(out.reply) == "totp_used");
    CHECK(error_message(out.reply) == "Ese código 2FA ya se usó: espere el próximo código.");
    CHECK(second->who == role::guest);

    // The next step's code is fresh and works.
    now += security::totp_step_seconds;
    const std::string next_code = security::totp_code(totp_secret, now);
    require_ok(env.dispatch(second, executive_login(executive_email, executive_password, next_code))
                   .reply);
    CHECK(second->who == role::executive);
  }

  SECTION("a code of a step not newer than the last accepted one is refused") {
    // Log in with the next step's code (a phone clock running ahead), then log out.
    const std::string ahead = security::totp_code(totp_secret, now + security::totp_step_seconds);
    auto first = env.connect();
    require_ok(
        env.dispatch(first, executive_login(executive_email, executive_password, ahead)).reply);
    env.dispatch(first, request("logout", 3));
    env.disconnect(first);
    // The current step's code is valid and was never used, but its step is older: refused.
    auto second = env.connect();
    auto out = env.dispatch(second, executive_login(executive_email, executive_password, code));
    CHECK(error_code(out.reply) == "totp_used");
    // Once the clock is two steps on, a fresh code works again.
    now += 2 * security::totp_step_seconds;
    const std::string later = security::totp_code(totp_secret, now);
    require_ok(
        env.dispatch(second, executive_login(executive_email, executive_password, later)).reply);
  }

  SECTION("already_logged_in does not spend the code") {
    auto first = env.connect();
    require_ok(
        env.dispatch(first, executive_login(executive_email, executive_password, code)).reply);
    now += security::totp_step_seconds;
    const std::string next_code = security::totp_code(totp_secret, now);
    auto second = env.connect();
    auto out =
        env.dispatch(second, executive_login(executive_email, executive_password, next_code));
    CHECK(error_code(out.reply) == "already_logged_in");
    env.disconnect(first);
    require_ok(env.dispatch(second, executive_login(executive_email, executive_password, next_code))
                   .reply);
  }
}

// ---------------------------------------------------------------------------------------------
// The password pool

TEST_CASE("password_pool.verify resumes the caller on its own thread", "[security][pool]") {
  boost::asio::io_context ctx;
  security::password_pool pool(1);
  const std::string hash = security::hash_password("secreto", security::hash_cost::insecure_fast);

  std::thread::id before, after_good, after_bad;
  std::optional<bool> good, bad;
  std::exception_ptr error;
  boost::asio::co_spawn(
      ctx,
      [&]() -> awaitable<void> {
        before = std::this_thread::get_id();
        good = (co_await pool.verify(hash, "secreto")).match;
        after_good = std::this_thread::get_id();
        bad = (co_await pool.verify(hash, "secretO")).match;
        after_bad = std::this_thread::get_id();
      },
      [&](std::exception_ptr e) { error = e; });
  ctx.run();
  REQUIRE_FALSE(error);
  REQUIRE(good.has_value());
  REQUIRE(bad.has_value());
  CHECK(*good);
  CHECK_FALSE(*bad);
  CHECK(before == std::this_thread::get_id());
  CHECK(after_good == before);
  CHECK(after_bad == before);
}

TEST_CASE("dispatcher is not copyable (its index points into its own table)", "[dispatch]") {
  CHECK_FALSE(std::is_copy_constructible_v<dispatcher>);
  CHECK_FALSE(std::is_copy_assignable_v<dispatcher>);
  // Moving keeps the index valid, even once the moved-from object is gone.
  auto source = std::make_unique<dispatcher>(test_table());
  dispatcher moved(std::move(*source));
  source.reset();
  const recording_peer customer = greeted_as(role::customer);
  auto found = moved.check(customer, request("t.customer", 1));
  REQUIRE(found.has_value());
  CHECK((*found)->type == "t.customer");
  CHECK((*found)->who == access::customer);
  CHECK(check_failure(moved, customer, request("t.executive", 1)).code == errc::forbidden);
}
