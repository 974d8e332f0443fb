// Unit tests of issue 16, item 8: resume tokens (single use, rotated, revoked, forged), held
// sessions (kept frames, their bounds), and through the dispatcher with injected time: a lost
// connection held for the grace, the other side told, a resume with the missed lines, a resume
// after the grace refused, and the grace's end as a disconnect.
#include "server/dispatch/session_resume.hpp"
#include "server/store/accounts_repository.hpp"
#include "tests/unit/server_fixture.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace tcs;
using test::ana_email;
using test::demo_env;
using test::error_code;
using test::require_ok;
using test::valentina_email;

namespace {

using key = session_holds::account_key;

std::shared_ptr<const std::string> frame_of(const json::object& message) {
  return std::make_shared<const std::string>(encode_message(message));
}

json::object text(std::string_view value) {
  json::object f;
  f["text"] = value;
  return f;
}

json::object token_field(std::string_view value) {
  json::object f;
  f["token"] = value;
  return f;
}

// A customer (Ana) chatting with an executive (Valentina), each with a resume token.
struct chat_env : demo_env {
  explicit chat_env(server_config config = {}) : demo_env(std::move(config)) {
    ana = customer(ana_email);
    valentina = executive(valentina_email);
    ana_token = issue_resume_token(state, *ana);
    valentina_token = issue_resume_token(state, *valentina);
    require_ok(request(ana, "queue.join"));
    require_ok(request(valentina, "connect"));
    ana->clear();
    valentina->clear();
  }
  std::shared_ptr<test::recording_peer> ana, valentina;
  std::string ana_token, valentina_token;
};

}  // namespace

TEST_CASE("resume tokens: 128 random bits, single use, rotated, revoked", "[resume]") {
  session_holds holds;
  const key ana{role::customer, 101};
  const key eva{role::executive, 1};
  const std::string first = holds.issue(ana);
  CHECK(first.size() == 32);
  CHECK(first.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(holds.issue(eva) != first);

  SECTION("single use") {
    CHECK(holds.redeem(first) == ana);
    CHECK_FALSE(holds.redeem(first));
  }
  SECTION("a new token makes the previous one worthless") {
    const std::string second = holds.issue(ana);
    CHECK(second != first);
    CHECK_FALSE(holds.redeem(first));
    CHECK(holds.redeem(second) == ana);
  }
  SECTION("revoked") {
    holds.revoke(ana);
    CHECK_FALSE(holds.redeem(first));
    CHECK(holds.tokens() == 1);  // Eva's stays
  }
  SECTION("forged: a token nobody was given, and near misses") {
    std::string near = first;
    near[0] = near[0] == 'a' ? 'b' : 'a';
    CHECK_FALSE(holds.redeem(near));
    CHECK_FALSE(holds.redeem(""));
    CHECK_FALSE(holds.redeem(first + "0"));
    CHECK(holds.redeem(first) == ana);  // the failed attempts spent nothing
  }
}

TEST_CASE("held peer: keeps frames in order, the newest queue position only, bounded", "[resume]") {
  test::recording_peer lost(7);
  lost.who = role::customer;
  lost.account_id = 101;
  lost.name = "Ana Rojas";
  held_peer held(lost, 1000, 1 << 20);
  CHECK(held.name == "Ana Rojas");
  CHECK(held.account_id == 101);
  json::object position = make_event("queue.position");
  position["position"] = 3;
  held.deliver(frame_of(position));
  held.deliver(frame_of(make_event("chat.message")));
  position["position"] = 2;
  held.deliver(frame_of(position));
  CHECK(held.frames() == 2);
  auto frames = held.take_frames();
  REQUIRE(frames.size() == 2);
  CHECK(frames[0]->find("chat.message") != std::string::npos);
  CHECK(frames[1]->find("\"position\":2") != std::string::npos);

  SECTION("past max_held_frames: nothing more is kept, and the hold is due") {
    for (std::size_t i = 0; i <= max_held_frames; ++i)
      held.deliver(frame_of(make_event("chat.message")));
    CHECK(held.overflowed());
    CHECK_FALSE(held.is_open());
    CHECK(held.frames() == 0);
  }
  SECTION("past its byte bound") {
    held_peer small(lost, 1000, 64);
    json::object line = make_event("chat.message");
    line["text"] = std::string(100, 'x');
    small.deliver(frame_of(line));
    CHECK(small.overflowed());
  }
}

TEST_CASE(
    "resume: a customer's lost connection mid-chat is held and comes back with the missed "
    "lines",
    "[resume]") {
  chat_env env;
  env.disconnect(env.ana);
  // The executive is told, and the chat goes on.
  auto lost = env.valentina->last("chat.peer_lost");
  CHECK(lost.at("message").as_string() == "Ana perdió la conexión; esperando que vuelva…");
  CHECK(lost.at("grace_s").as_int64() == 60);
  CHECK(env.services.support().executive_of(env.customer_id(ana_email)));
  require_ok(env.request(env.valentina, "chat.send", text("¿sigues ahí?")));
  require_ok(env.request(env.valentina, "chat.send", text("te espero")));

  env.now += 30;  // within the grace
  auto back = env.connect();
  auto reply = env.request(back, "resume", token_field(env.ana_token));
  require_ok(reply);
  CHECK(reply.at("role").as_string() == "customer");
  CHECK(reply.at("first_name").as_string() == "Ana");
  CHECK(reply.at("missed").as_int64() == 2);
  CHECK(reply.at("support").at("state").as_string() == "chat");
  CHECK(reply.at("support").at("executive").at("first_name").as_string() == "Valentina");
  const std::string rotated(reply.at("resume_token").as_string());
  CHECK(rotated.size() == 32);
  CHECK(rotated != env.ana_token);
  // The missed lines follow the reply, in their order; the executive is told she is back.
  auto lines = back->events("chat.message");
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].at("text").as_string() == "¿sigues ahí?");
  CHECK(lines[1].at("text").as_string() == "te espero");
  CHECK(env.valentina->last("chat.peer_back").at("message").as_string() == "Ana volvió.");
  // She chats on the new connection.
  require_ok(env.request(back, "chat.send", text("aquí estoy")));
  CHECK(env.valentina->last("chat.message").at("text").as_string() == "aquí estoy");

  SECTION("the used token is refused and changes nothing") {
    auto other = env.connect();
    auto again = env.request(other, "resume", token_field(env.ana_token));
    CHECK(error_code(again) == "resume_refused");
    CHECK(other->who == role::guest);
    CHECK(env.state.customer_peer(env.customer_id(ana_email)).get() == back.get());
  }
  SECTION("the rotated token works for the next loss") {
    env.disconnect(back);
    auto third = env.connect();
    require_ok(env.request(third, "resume", token_field(rotated)));
    CHECK(env.state.customer_peer(env.customer_id(ana_email)).get() == third.get());
  }
}

TEST_CASE("resume: after the grace the session ends as a disconnect and the token is refused",
          "[resume]") {
  chat_env env;
  env.disconnect(env.ana);
  env.now += 59;
  CHECK(end_due_holds(env.state, env.services) == 0);
  CHECK(env.valentina->events("chat.ended").empty());
  env.now += 1;
  CHECK(end_due_holds(env.state, env.services) == 1);
  auto ended = env.valentina->last("chat.ended");
  CHECK(ended.at("reason").as_string() == "customer_disconnected");
  CHECK_FALSE(env.services.support().executive_of(env.customer_id(ana_email)));
  CHECK_FALSE(env.state.customer_peer(env.customer_id(ana_email)));
  auto late = env.connect();
  CHECK(error_code(env.request(late, "resume", token_field(env.ana_token))) == "resume_refused");
  CHECK(late->who == role::guest);
}

TEST_CASE("resume: forged and malformed tokens are refused and change nothing", "[resume]") {
  chat_env env;
  env.disconnect(env.ana);
  auto guest = env.connect();
  std::string forged = env.ana_token;
  forged[5] = forged[5] == 'f' ? '0' : 'f';
  for (const std::string& token : {forged, std::string("x"), std::string(64, 'a')}) {
    auto reply = env.request(guest, "resume", token_field(token));
    CHECK(error_code(reply) == "resume_refused");
    CHECK(guest->who == role::guest);
  }
  // Ana's session is still held, and her own token still works.
  CHECK(env.state.holds().find({role::customer, env.customer_id(ana_email)}));
  require_ok(env.request(env.connect(), "resume", token_field(env.ana_token)));
}

TEST_CASE("resume: what ends a hold or forbids one", "[resume]") {
  chat_env env;
  const std::int64_t ana_id = env.customer_id(ana_email);
  SECTION("a logout makes the token worthless and ends the chat at once") {
    require_ok(env.request(env.ana, "logout"));
    env.disconnect(env.ana);
    CHECK(env.valentina->last("chat.ended").at("reason").as_string() == "customer_disconnected");
    CHECK(error_code(env.request(env.connect(), "resume", token_field(env.ana_token))) ==
          "resume_refused");
  }
  SECTION("a closed-on-purpose connection (disabled account, protocol errors) is not held") {
    env.ana->resumable = false;
    env.disconnect(env.ana);
    CHECK_FALSE(env.state.holds().find({role::customer, ana_id}));
    CHECK(env.valentina->events("chat.peer_lost").empty());
  }
  SECTION("an account disabled while held: the hold ends at the next sweep") {
    env.disconnect(env.ana);
    store::accounts_repository(env.db).set_customer_disabled(ana_id, true);
    CHECK(end_due_holds(env.state, env.services) == 1);
    CHECK(env.valentina->last("chat.ended").at("reason").as_string() == "customer_disconnected");
  }
}

namespace {

// A peer whose stop() leaves the registry, as the network session's teardown does.
struct session_like_peer : test::recording_peer {
  session_like_peer(std::uint64_t peer_id, server_state& s) : recording_peer(peer_id), state(s) {}
  void stop() override {
    if (!open)
      return;
    open = false;
    state.leave(*this);
  }
  server_state& state;
};

}  // namespace

TEST_CASE("resume: a resume while the old connection still looks alive takes it over", "[resume]") {
  demo_env env;
  auto account = store::accounts_repository(env.db).find_customer(ana_email).value();
  auto old = std::make_shared<session_like_peer>(env.next_peer_id++, env.state);
  old->greeted = true;
  env.state.join(old);
  REQUIRE(env.state.log_in(*old, role::customer, account.id, account.name, account.email));
  const std::string token = issue_resume_token(env.state, *old);
  require_ok(env.request(old, "queue.join"));

  auto fresh = env.connect();
  auto reply = env.request(fresh, "resume", token_field(token));
  require_ok(reply);
  CHECK_FALSE(old->open);
  CHECK(env.state.customer_peer(account.id).get() == fresh.get());
  CHECK(reply.at("support").at("position").as_int64() == 1);
  CHECK(env.state.holds().held() == 0);
}

TEST_CASE("resume: with --resume-grace 0 a lost connection ends at once", "[resume]") {
  server_config config;
  config.resume_grace_s = 0;
  demo_env env(config);
  auto ana = env.customer(ana_email);
  CHECK(issue_resume_token(env.state, *ana).empty());
  require_ok(env.request(ana, "queue.join"));
  env.disconnect(ana);
  CHECK(env.services.support().waiting() == 0);
  CHECK(env.state.holds().held() == 0);
}

TEST_CASE("resume: a held customer keeps her place in the queue", "[resume]") {
  demo_env env;
  auto ana = env.customer(ana_email);
  auto ben = env.customer("benjamin.soto@example.com");
  const std::string token = issue_resume_token(env.state, *ana);
  require_ok(env.request(ben, "queue.join"));
  require_ok(env.request(ana, "queue.join"));
  env.disconnect(ana);
  CHECK(env.services.support().waiting() == 2);
  require_ok(env.request(ben, "queue.leave"));  // Ana moves up while away
  auto back = env.connect();
  auto reply = env.request(back, "resume", token_field(token));
  require_ok(reply);
  CHECK(reply.at("support").at("state").as_string() == "queue");
  CHECK(reply.at("support").at("position").as_int64() == 1);
  CHECK(back->last("queue.position").at("position").as_int64() == 1);
}

TEST_CASE("resume: a held executive is not offered customers; a new login ends the hold",
          "[resume]") {
  demo_env env;
  auto valentina = env.executive(valentina_email);
  const std::int64_t id = valentina->account_id;
  const std::string token = issue_resume_token(env.state, *valentina);
  env.disconnect(valentina);
  CHECK_FALSE(env.services.support().is_available(id));
  CHECK_FALSE(has_live_session(env.state, role::executive, id));

  SECTION("resumed: available again") {
    auto back = env.connect();
    auto reply = env.request(back, "resume", token_field(token));
    require_ok(reply);
    CHECK(reply.at("role").as_string() == "executive");
    CHECK(reply.at("support").at("state").as_string() == "menu");
    CHECK(env.services.support().is_available(id));
  }
  SECTION("a login of the held account ends the hold and starts afresh") {
    CHECK(end_hold(env.state, env.services, role::executive, id));
    CHECK(env.state.holds().held() == 0);
    CHECK(error_code(env.request(env.connect(), "resume", token_field(token))) == "resume_refused");
  }
}

TEST_CASE("resume: a customer's login while held ends the hold as a disconnect", "[resume]") {
  chat_env env;
  env.disconnect(env.ana);
  auto again = env.connect();
  json::object login;
  login["role"] = "customer";
  login["email"] = ana_email;
  login["password"] = "cliente123";
  auto reply = env.request(again, "login", login);
  require_ok(reply);
  CHECK(reply.at("resume_token").as_string().size() == 32);
  CHECK(env.valentina->last("chat.ended").at("reason").as_string() == "customer_disconnected");
  CHECK(env.state.holds().held() == 0);
  CHECK(error_code(env.request(env.connect(), "resume", token_field(env.ana_token))) ==
        "resume_refused");
}
