// A server without sockets for the dispatcher and command tests: the real dispatcher, services
// and registry of sessions over an in-memory database (empty, or the demo data with a clock the
// test moves), and peers that decode and keep every frame they are sent.
#pragma once

#include "common/protocol/frame.hpp"
#include "common/protocol/message.hpp"
#include "server/config.hpp"
#include "server/dispatch/dispatcher.hpp"
#include "server/dispatch/server_state.hpp"
#include "server/dispatch/session_resume.hpp"
#include "server/dispatch/support_teardown.hpp"
#include "server/log/console.hpp"
#include "server/security/password_pool.hpp"
#include "server/security/passwords.hpp"
#include "server/services/service_set.hpp"
#include "server/store/accounts_repository.hpp"
#include "server/store/catalogue_repository.hpp"
#include "server/store/database.hpp"
#include "server/store/demo_data.hpp"
#include "server/store/group_commit.hpp"
#include "tests/unit/store_fixture.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tcs::test {

// The demo accounts the tests log in with (server/store/demo_data.cpp).
inline constexpr std::string_view ana_email = "ana.rojas@example.com";
inline constexpr std::string_view ben_email = "benjamin.soto@example.com";
inline constexpr std::string_view cam_email = "camila.fuentes@example.com";
inline constexpr std::string_view valentina_email = "valentina.reyes@example.com";
inline constexpr std::string_view tomas_email = "tomas.herrera@example.com";
inline constexpr std::string_view isidora_email = "isidora.navarro@example.com";

// A connection without a socket, not greeted until the test (or server_env::connect) says so.
// Every frame delivered is decoded as the real client would (frame_decoder + parse_message) and
// kept in `received`.
class recording_peer : public peer {
 public:
  explicit recording_peer(std::uint64_t peer_id = 0) {
    id = peer_id;
    remote_address = "127.0.0.1:" + std::to_string(40000 + peer_id);
  }

  void deliver(std::shared_ptr<const std::string> frame) override {
    if (!open)
      return;  // like the session: a stopped peer ignores deliveries
    decoder_.feed(*frame);
    while (auto ev = decoder_.next()) {
      REQUIRE(ev->payload);
      auto msg = parse_message(*ev->payload);
      REQUIRE(msg);
      received.push_back(std::move(*msg));
    }
    if (on_deliver)
      std::exchange(on_deliver, nullptr)();
  }
  void close_after_flush() override { open = false; }
  void stop() override { open = false; }
  bool is_open() const override { return open; }

  // The events of `type` received so far, oldest first.
  std::vector<json::object> events(std::string_view type) const {
    std::vector<json::object> out;
    for (const auto& m : received) {
      if (m.at("type").as_string() == type)
        out.push_back(m);
    }
    return out;
  }
  // The newest event of `type`; fails the test if there is none.
  json::object last(std::string_view type) const {
    auto all = events(type);
    INFO("no \"" << type << "\" event received");
    REQUIRE_FALSE(all.empty());
    return all.back();
  }
  std::vector<std::string> types() const {
    std::vector<std::string> out;
    for (const auto& m : received)
      out.emplace_back(m.at("type").as_string());
    return out;
  }
  void clear() { received.clear(); }

  std::vector<json::object> received;
  bool open = true;
  // Run once after the next delivery (to simulate a peer torn down while being told).
  std::function<void()> on_deliver;

 private:
  frame_decoder decoder_;
};

// The server's pieces over an empty in-memory database, with the system clock and a one-thread
// password pool, composed as main composes them. `table` replaces the server's commands (to
// test the dispatcher itself).
struct server_env {
  explicit server_env(std::vector<command> table = all_commands(), server_config config = {})
      : services(db, commits, pool,
                 {config.min_password_length, config.throttle, config.max_chats_per_executive}),
        state(std::move(config)),
        commands(std::move(table), services) {
    log::set_quiet(true);
    watch_departures(state, services);
    watch_losses(state, services);
  }
  server_env(const server_env&) = delete;
  server_env& operator=(const server_env&) = delete;

  // A new connection, greeted (hello done) unless `greet` is false; a guest.
  std::shared_ptr<recording_peer> connect(bool greet = true) {
    auto p = std::make_shared<recording_peer>(next_peer_id++);
    p->greeted = greet;
    state.join(p);
    return p;
  }

  // A connected, logged-in customer or executive (no password check: that is login's job).
  std::shared_ptr<recording_peer> customer(std::string_view email) {
    auto account = store::accounts_repository(db).find_customer(email).value();
    return logged_in(role::customer, account.id, account.name, account.email);
  }
  std::shared_ptr<recording_peer> executive(std::string_view email) {
    auto account = store::accounts_repository(db).find_executive(email).value();
    auto p = logged_in(role::executive, account.id, account.name, account.email);
    services.support().executive_arrived(account.id, services.now());  // as login does
    return p;
  }
  std::shared_ptr<recording_peer> logged_in(role r, std::int64_t account, std::string name,
                                            std::string email) {
    auto p = connect();
    REQUIRE(state.log_in(*p, r, account, std::move(name), std::move(email)));
    return p;
  }

  // The teardown the network session runs when a connection ends (logout or drop).
  void disconnect(const std::shared_ptr<recording_peer>& p) {
    p->open = false;
    state.leave(*p);
  }

  // Runs one payload through the dispatcher to completion; any exception escaping dispatch()
  // fails the test.
  dispatcher::outcome dispatch_raw(const std::shared_ptr<recording_peer>& p, std::string payload) {
    std::optional<dispatcher::outcome> out;
    std::exception_ptr error;
    boost::asio::co_spawn(ctx, commands.dispatch(state, p, std::move(payload)),
                          [&](std::exception_ptr e, dispatcher::outcome o) {
                            error = e;
                            out = std::move(o);
                          });
    ctx.restart();
    ctx.run();
    if (error)
      std::rethrow_exception(error);
    REQUIRE(out.has_value());
    return std::move(*out);
  }
  dispatcher::outcome dispatch(const std::shared_ptr<recording_peer>& p,
                               const json::object& request) {
    return dispatch_raw(p, json::serialize(request));
  }
  // The reply to `request`.
  json::object send(const std::shared_ptr<recording_peer>& p, const json::object& request) {
    return dispatch(p, request).full_reply();
  }
  // The reply to a request of `type` with `fields` (and the next id).
  json::object request(const std::shared_ptr<recording_peer>& p, std::string_view type,
                       json::object fields = {}) {
    json::object req = make_request(type, next_request_id++);
    for (auto& f : fields)
      req[f.key()] = f.value();
    return send(p, req);
  }

  boost::asio::io_context ctx;
  store::database db{":memory:"};
  security::password_pool pool{1};
  store::group_commit commits{db};
  services::service_set services;
  server_state state;
  dispatcher commands;
  std::uint64_t next_peer_id = 1;
  std::int64_t next_request_id = 1;
};

// Real Argon2id hashes at the cheapest cost: logins and password changes verify for real.
inline std::string fast_hash(std::string_view password) {
  return security::hash_password(password, security::hash_cost::insecure_fast);
}

// server_env over the demo data (placed relative to demo_now), whose clock reads `now`.
struct demo_env : server_env {
  explicit demo_env(server_config config = {}) : server_env(all_commands(), std::move(config)) {
    store::load_demo_data(db, fast_hash, demo_now);
    services.set_clock([this] { return now; });
  }

  std::int64_t customer_id(std::string_view email) {
    return store::accounts_repository(db).find_customer(email).value().id;
  }
  store::product_record product(std::string_view name) {
    return store::catalogue_repository(db).by_name(name).value();
  }

  std::int64_t now = demo_now + 3600;
};

inline void require_ok(const json::object& reply) {
  INFO(json::serialize(reply));
  REQUIRE(reply.at("ok").as_bool());
}

// The error code of a failed reply ("" for a success, so CHECK prints something useful).
inline std::string error_code(const json::object& reply) {
  if (reply.at("ok").as_bool())
    return "";
  return std::string(reply.at("error").at("code").as_string());
}

inline std::string error_message(const json::object& reply) {
  return std::string(reply.at("error").at("message").as_string());
}

}  // namespace tcs::test
