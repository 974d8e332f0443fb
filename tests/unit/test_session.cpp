// The session over a transport (issue 13, item 3): the protocol state of one peer driven
// through a fake message_transport, without sockets; and the outbox's accounting.
#include "server/net/input_budget.hpp"
#include "server/net/message_transport.hpp"
#include "server/net/outbox.hpp"
#include "server/net/session.hpp"
#include "tests/unit/server_fixture.hpp"

#include "server/store/demo_data.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>

#include <catch2/catch.hpp>

#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <vector>

using tcs::net::message_transport;
using tcs::net::outbox;
using tcs::net::session;

namespace {

// Messages handed in by the test; frames written kept decoded; a connection that can be made
// to take no more (`full`).
class fake_transport final : public message_transport {
 public:
  explicit fake_transport(boost::asio::any_io_executor ex) : ex_(std::move(ex)) {}

  boost::asio::any_io_executor get_executor() override { return ex_; }
  void start(tcs::net::transport_events& events) override { events_ = &events; }
  std::string remote_address() const override { return "fake:1"; }

  void read() override {
    REQUIRE_FALSE(pending_read_);
    pending_read_ = events_->keep_alive();
  }
  std::optional<inbound> next_message() override {
    if (messages_.empty())
      return std::nullopt;
    inbound m{std::move(messages_.front()), std::nullopt};
    messages_.pop_front();
    return m;
  }
  bool input_broken() const override { return false; }
  std::size_t input_memory() const override { return 0; }
  void release_input_memory() override {}

  write_status write(outbox& out) override {
    if (full) {
      pending_write_ = events_->keep_alive();
      return write_status::pending;
    }
    while (!out.empty()) {
      tcs::frame_decoder d;
      d.feed(out.frame_at(0));
      auto ev = d.next();
      REQUIRE(ev);
      REQUIRE(ev->payload);
      written.push_back(tcs::parse_message(*ev->payload).value());
      out.written(out.frame_at(0).size() - out.head_written());
    }
    return write_status::done;
  }
  bool hung_up() override { return closed; }
  void close() override {
    closed = true;
    if (auto r = std::exchange(pending_read_, nullptr))
      boost::asio::post(ex_, [r] { r->on_input(boost::asio::error::operation_aborted); });
    if (auto w = std::exchange(pending_write_, nullptr))
      boost::asio::post(ex_, [w] { w->on_writable(boost::asio::error::operation_aborted); });
  }

  // A message arrives for the read pending.
  void arrive(const tcs::json::object& message) {
    messages_.push_back(tcs::json::serialize(message));
    auto r = std::exchange(pending_read_, nullptr);
    REQUIRE(r);
    r->on_input({});
  }
  bool reading() const { return pending_read_ != nullptr; }
  std::vector<std::string> types() const {
    std::vector<std::string> out;
    for (const auto& m : written)
      out.emplace_back(m.at("type").as_string());
    return out;
  }

  bool full = false;
  bool closed = false;
  std::vector<tcs::json::object> written;

 private:
  boost::asio::any_io_executor ex_;
  tcs::net::transport_events* events_ = nullptr;
  std::shared_ptr<tcs::net::transport_events> pending_read_;
  std::shared_ptr<tcs::net::transport_events> pending_write_;
  std::deque<std::string> messages_;
};

struct session_env : tcs::test::server_env {
  explicit session_env(tcs::server_config config = {})
      : tcs::test::server_env(tcs::all_commands(), std::move(config)) {}

  std::shared_ptr<session> open() {
    auto t = std::make_unique<fake_transport>(ctx.get_executor());
    transport = t.get();
    auto s = std::make_shared<session>(std::move(t), state, commands, budget);
    s->id = 1;
    s->start();
    return s;
  }
  void run() {
    ctx.restart();
    ctx.poll();
  }

  tcs::net::input_budget budget{1 << 20};
  fake_transport* transport = nullptr;
};

tcs::json::object hello(std::int64_t id = 1) {
  auto r = tcs::make_request("hello", id);
  r["version"] = tcs::protocol_version;
  r["client"] = "tests";
  return r;
}

std::shared_ptr<const std::string> event_frame(std::string_view type, std::size_t padding = 0) {
  auto ev = tcs::make_event(type);
  ev["padding"] = std::string(padding, 'x');
  return std::make_shared<const std::string>(tcs::encode_message(ev));
}

}  // namespace

TEST_CASE("a session runs what its transport reads and writes the replies through it") {
  session_env env;
  auto s = env.open();
  CHECK(env.state.connection_count() == 1);
  CHECK(s->remote_address == "fake:1");
  CHECK(env.transport->reading());
  env.transport->arrive(hello());
  env.run();
  REQUIRE(env.transport->types() == std::vector<std::string>{"hello"});
  CHECK(env.transport->written[0].at("ok").as_bool());
  CHECK(env.transport->reading());  // back to waiting for input
  CHECK(s->current_state() == session::state::guest);

  s->stop();
  CHECK(s->current_state() == session::state::closed);
  CHECK(env.transport->closed);
  CHECK(env.state.connection_count() == 0);
  env.run();  // the aborted read completes and changes nothing
  CHECK_FALSE(s->is_open());
}

TEST_CASE("deliver() only enqueues: a full outbox is dropped by a posted teardown") {
  tcs::server_config config;
  config.max_outbound_bytes = 1000;
  session_env env(config);
  auto s = env.open();
  env.transport->full = true;  // the peer reads nothing
  s->deliver(event_frame("chat.message", 400));
  env.run();
  s->deliver(event_frame("chat.message", 400));
  CHECK(s->is_open());
  s->deliver(event_frame("chat.message", 400));  // over the cap, in the sender's stack
  CHECK(s->current_state() == session::state::dropping);
  CHECK_FALSE(s->is_open());
  CHECK(s->hung_up());
  // Not torn down inline: still registered, its transport still open.
  CHECK(env.state.connection_count() == 1);
  CHECK_FALSE(env.transport->closed);
  s->deliver(event_frame("chat.message"));  // ignored
  env.run();
  CHECK(s->current_state() == session::state::closed);
  CHECK(env.transport->closed);
  CHECK(env.state.connection_count() == 0);
  CHECK(env.transport->written.empty());
}

TEST_CASE("a shutdown reads nothing more, then sends the farewell and closes") {
  session_env env;
  auto s = env.open();
  env.transport->arrive(hello(1));
  env.run();
  REQUIRE(env.transport->types() == std::vector<std::string>{"hello"});
  // A request that arrived but has not started when the shutdown comes is not run.
  env.transport->arrive(hello(2));
  s->shut_down(event_frame("shutdown"));
  CHECK(s->current_state() == session::state::draining);
  env.run();
  CHECK(env.transport->types() == std::vector<std::string>{"hello", "shutdown"});
  CHECK(s->current_state() == session::state::closed);
  CHECK_FALSE(env.transport->reading());
  CHECK(env.state.connection_count() == 0);
}

TEST_CASE("the outbox counts the bytes not yet written and gives back a burst's slots") {
  outbox out;
  for (int i = 0; i < 20; ++i)
    out.push(std::make_shared<const std::string>(std::string(10, 'a')));
  CHECK(out.size() == 20);
  CHECK(out.bytes() == 200);
  out.written(25);  // two frames and half of the third
  CHECK(out.size() == 18);
  CHECK(out.bytes() == 180);
  CHECK(out.head_written() == 5);
  out.written(5 + 17 * 10);
  CHECK(out.empty());
  CHECK(out.bytes() == 0);
  CHECK(out.head_written() == 0);
}

TEST_CASE("a login still being checked at the login time limit gets its reply") {
  // The password hash may wait its turn on a busy server; the limit is for peers that do not
  // try. Here the pool's one thread is taken by another peer's verification, so the login is
  // still queued when the loop next runs, past the limit: the deadline comes first, and must
  // not cut the login short.
  // Made first: on a loaded machine it can take longer than the time limit.
  const std::string slow =
      tcs::security::hash_password("otra-clave", tcs::security::hash_cost::interactive);
  tcs::server_config config;
  config.login_timeout_s = 2;
  session_env env(config);
  tcs::store::load_demo_data(env.db, tcs::test::fast_hash, tcs::test::demo_now);
  auto s = env.open();  // from here to the login's arrival, only a few polls of the loop
  env.transport->arrive(hello());
  env.run();
  env.transport->written.clear();

  bool other_done = false;
  boost::asio::co_spawn(
      env.ctx,
      [&]() -> boost::asio::awaitable<void> {
        tcs::security::password_pool::job_options options{"10.9.9.9", {}};
        co_await env.pool.verify(slow, "otra-clave", std::move(options));
        other_done = true;
      },
      boost::asio::detached);
  env.run();  // the other verification runs on the pool's thread

  auto login = tcs::make_request("login", 2);
  login["role"] = "customer";
  login["email"] = "ana.rojas@example.com";
  login["password"] = tcs::store::demo_customer_password;
  env.transport->arrive(login);
  env.run();  // the login waits for the pool
  INFO((env.transport->written.empty() ? std::string()
                                       : tcs::json::serialize(env.transport->written[0])));
  CHECK(env.transport->written.empty());
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // past the limit
  for (int i = 0; i < 1000 && env.transport->written.empty(); ++i) {
    env.run();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(other_done);
  REQUIRE(env.transport->types() == std::vector<std::string>{"login"});
  CHECK(env.transport->written[0].at("ok").as_bool());
  CHECK(s->current_state() == session::state::logged_in);
  CHECK_FALSE(env.transport->closed);
  s->stop();
  env.run();
}
