// libFuzzer target: raw bytes -> frame_decoder -> dispatcher(all_commands()) on an in-memory
// demo database, the way a session drives them, with invariants checked on every reply.
//
// Input format: a byte stream exactly as a client would send it (4-byte big-endian length +
// payload, repeated). Two connections share the server; an empty frame (length 0), which the
// real server answers with `empty_frame`, switches the stream to the other connection, so one
// input can play a customer and an executive talking to each other. A frame_too_large error
// ends the input (the real server closes the connection). The seeds in tests/fuzz/corpus/dispatch/
// log in (the clock is fixed at fuzz_now, so the demo executives' TOTP code is known) and run
// requests; see tests/fuzz/make_corpus.py.
//
// Invariants (a violation aborts, which libFuzzer reports as a crash): dispatch never throws;
// every reply is an object with a string `type` and a boolean `ok`, carries the request's
// integer id, and a failure has a stable error code other than `internal`; every frame the
// server sends is a well-formed frame with a valid message; no peer is left registered after
// teardown.
//
// TCS_FUZZ_TRACE=1 in the environment prints every reply (to replay a seed or a crash by hand:
// `TCS_FUZZ_TRACE=1 tcs-fuzz-dispatch FILE`).
#include "common/protocol/frame.hpp"
#include "common/protocol/limits.hpp"
#include "common/protocol/message.hpp"
#include "server/config.hpp"
#include "server/dispatch/dispatcher.hpp"
#include "server/dispatch/server_state.hpp"
#include "server/dispatch/support_teardown.hpp"
#include "server/log/console.hpp"
#include "server/security/password_pool.hpp"
#include "server/security/passwords.hpp"
#include "server/services/service_set.hpp"
#include "server/store/database.hpp"
#include "server/store/demo_data.hpp"
#include "server/store/group_commit.hpp"

#include <SQLiteCpp/Backup.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace {

using namespace tcs;

// 19/11/2024 07:06:40 UTC; the demo executives' TOTP code at this instant is 001544.
constexpr std::int64_t fuzz_now = 1'732'000'000;

// Frames dispatched per input; bounds the time one input may take.
constexpr int max_requests_per_input = 200;

[[noreturn]] void invariant_broken(std::string_view what, std::string_view detail) {
  std::fprintf(stderr, "fuzz_dispatch: invariant broken: %.*s: %.*s\n",
               static_cast<int>(what.size()), what.data(), static_cast<int>(detail.size()),
               detail.data());
  std::abort();
}

// A connection without a socket: checks every frame it is sent (and keeps none) and, like the
// session, tears down through server_state::leave exactly once.
class fuzz_peer final : public peer {
 public:
  fuzz_peer(std::uint64_t peer_id, server_state& state) : state_(state) {
    id = peer_id;
    remote_address = "127.0.0.1:" + std::to_string(40000 + peer_id);
  }

  // Every frame the server sends must decode into one valid message.
  void deliver(std::shared_ptr<const std::string> frame) override {
    if (stopped_ || closing_)
      return;
    frame_decoder decoder;
    decoder.feed(*frame);
    auto ev = decoder.next();
    if (!ev || !ev->payload || decoder.pending_bytes() != 0)
      invariant_broken("server sent a malformed frame", *frame);
    if (!parse_message(*ev->payload))
      invariant_broken("server sent an invalid message", *ev->payload);
  }

  // The session flushes, then its writer stops; here there is nothing to flush, so the
  // harness calls stop() once the current request is done (never re-entering a handler).
  void close_after_flush() override { closing_ = true; }

  void stop() override {
    if (stopped_)
      return;
    stopped_ = true;
    state_.leave(*this);
  }

  bool is_open() const override { return !stopped_; }
  bool closing() const { return closing_; }

  std::size_t protocol_errors = 0;  // the session closes the connection past a cap

 private:
  server_state& state_;
  bool stopped_ = false;
  bool closing_ = false;
};

// The demo data with cheap hashes: verification cost follows the hash's own parameters.
std::string fast_hash(std::string_view password) {
  return security::hash_password(password, security::hash_cost::insecure_fast);
}

// Process-wide pieces, built once: they hold no per-input state. Each input starts from a copy
// of `demo` written over `work` (SQLite's backup API copies pages). Reusing one `work`
// connection matters: opening a database runs the schema migration, which cost three quarters
// of an input's time (~430 empty inputs/s before, measured with perf).
struct fixture {
  boost::asio::io_context loop{1};
  security::password_pool passwords{1};
  server_config config = [] {
    server_config c;
    // Failed logins are throttled with real-time delays; keep the locks, skip the sleeps.
    c.throttle.slow_after = 1'000'000;
    return c;
  }();
  store::database demo{":memory:"};
  store::database work{":memory:"};
  const bool trace = std::getenv("TCS_FUZZ_TRACE") != nullptr;
  fixture() {
    log::set_quiet(true);
    // Password changes and the login dummy hash: a cheap Argon2 here, a real one everywhere
    // else (the demo accounts' hashes above are cheap too).
    security::set_default_hash_cost(security::hash_cost::insecure_fast);
    store::load_demo_data(demo, fast_hash, fuzz_now);
  }
};

fixture& shared() {
  static fixture* f = new fixture;  // never destroyed: the pool's threads outlive main's end
  return *f;
}

// `request` is null when the payload did not parse (the reply then carries no id).
void check_reply(const json::object* request, const dispatcher::outcome& out) {
  // What the peer would decode: the frame as the session encodes it, parsed back.
  const std::string frame = encode_message(out.reply, out.encoded);
  auto decoded = parse_message(std::string_view(frame).substr(frame_header_bytes));
  if (!decoded)
    invariant_broken("the encoded reply does not parse", frame);
  const json::object& reply = *decoded;
  const std::string text = json::serialize(reply);
  const json::value* type = reply.if_contains("type");
  const json::value* ok = reply.if_contains("ok");
  if (!type || !type->is_string() || !ok || !ok->is_bool())
    invariant_broken("reply without type or ok", text);
  if (!ok->as_bool()) {
    const json::value* error = reply.if_contains("error");
    if (!error || !error->is_object() || !error->as_object().contains("code") ||
        !error->as_object().at("code").is_string())
      invariant_broken("failure without an error code", text);
    if (error->as_object().at("code").as_string() == "internal")
      invariant_broken("a handler failed unexpectedly (internal)", text);
  }
  if (request_id(reply) != (request ? request_id(*request) : std::nullopt))
    invariant_broken("reply id differs from request id", text);
}

// Runs one payload through the dispatcher to completion, as the session's reader does.
void dispatch_one(fixture& f, const dispatcher& commands, server_state& state,
                  const std::shared_ptr<fuzz_peer>& caller, std::string payload) {
  auto request = parse_message(payload);
  std::optional<dispatcher::outcome> out;
  std::exception_ptr error;
  boost::asio::co_spawn(f.loop, commands.dispatch(state, caller, std::move(payload)),
                        [&](std::exception_ptr e, dispatcher::outcome o) {
                          error = e;
                          out = std::move(o);
                        });
  f.loop.restart();
  f.loop.run();
  if (error) {
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      invariant_broken("dispatch threw", e.what());
    }
  }
  if (!out)
    invariant_broken("dispatch did not finish", "");
  check_reply(request ? &*request : nullptr, *out);
  if (f.trace)
    std::fprintf(stderr, "peer %llu <- %s\n", static_cast<unsigned long long>(caller->id),
                 json::serialize(out->reply).c_str());
  if (!caller->is_open())
    return;
  try {
    server_state::send(*caller, out->reply);
  } catch (const std::length_error&) {
    invariant_broken("a reply does not fit in a frame", json::serialize(out->reply));
  }
  if (out->close_after_reply)
    caller->close_after_flush();
  if (out->protocol_error && ++caller->protocol_errors > f.config.max_protocol_errors)
    caller->close_after_flush();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fixture& f = shared();
  store::database& db = f.work;
  SQLite::Backup(db.sql(), f.demo.sql()).executeStep();
  store::group_commit commits(db);  // disabled for an in-memory database
  services::service_set services(db, commits, f.passwords,
                                 {f.config.min_password_length, f.config.throttle});
  services.set_clock([] { return fuzz_now; });
  server_state state(f.config);
  watch_departures(state, services);
  const dispatcher commands(all_commands(), services);

  std::array<std::shared_ptr<fuzz_peer>, 2> peers = {std::make_shared<fuzz_peer>(1, state),
                                                     std::make_shared<fuzz_peer>(2, state)};
  for (auto& p : peers)
    state.join(p);
  std::size_t current = 0;

  frame_decoder decoder;
  decoder.feed(reinterpret_cast<const char*>(data), size);
  int requests = 0;
  while (requests < max_requests_per_input) {
    auto ev = decoder.next();
    if (!ev)
      break;  // a truncated frame at the end is discarded, as on a hang-up
    if (ev->error) {
      if (decoder.failed())
        break;  // frame_too_large: the real server closes the connection
      current = 1 - current;
      continue;
    }
    ++requests;
    auto& caller = peers[current];
    if (!caller->is_open())
      continue;  // that connection is gone; the rest of its bytes go nowhere
    dispatch_one(f, commands, state, caller, std::move(*ev->payload));
    for (auto& p : peers) {
      if (p->closing())
        p->stop();
    }
  }

  for (auto& p : peers)
    p->stop();
  if (state.connection_count() != 0 || state.customers_online() != 0 ||
      state.executives_online() != 0)
    invariant_broken("peers left registered after teardown", "");
  return 0;
}
