// Registry of connected peers and the console lines for connects and disconnects.
#include "server/dispatch/server_state.hpp"

#include "server/dispatch/support_teardown.hpp"
#include "server/log/console.hpp"

#include <chrono>
#include <stdexcept>
#include <utility>

namespace tcs {

namespace {

std::int64_t system_now() {
  using namespace std::chrono;
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

std::string_view role_word(role r) {
  return r == role::executive ? "Ejecutivo" : "Cliente";
}

}  // namespace

server_state::server_state(server_config config, store::database& db,
                           security::password_pool& passwords)
    : config_(std::move(config)),
      db_(db),
      commits_(db),
      accounts_(db),
      passwords_(passwords),
      catalogue_(db),
      orders_(db),
      activity_(db),
      throttle_(config_.throttle),
      clock_(system_now) {}

void server_state::join(const std::shared_ptr<peer>& p) {
  peers_.emplace(p->id, p);
}

void server_state::leave(peer& p) {
  peers_.erase(p.id);
  if (peers_.empty() && all_gone_)
    std::exchange(all_gone_, nullptr)();
  if (p.who == role::guest)
    return;
  // Leave the support queue or the chat and tell the other party (support_teardown.hpp).
  support_peer_left(*this, p);
  auto& registry = p.who == role::customer ? customers_ : executives_;
  auto it = registry.find(p.account_id);
  // Only the session that logged in owns the entry (a refused second login never had it).
  if (it != registry.end()) {
    auto owner = it->second.lock();
    if (!owner || owner.get() == &p)
      registry.erase(it);
  }
  record(p, "logout", "", "ok");
  log::console(std::string(role_word(p.who)) + " " + p.name + " desconectado.");
}

bool server_state::log_in(peer& p, role r, std::int64_t account_id, std::string name,
                          std::string email) {
  auto& registry = r == role::customer ? customers_ : executives_;
  auto it = registry.find(account_id);
  if (it != registry.end() && !it->second.expired())
    return false;
  auto self = peers_.find(p.id);
  registry[account_id] = self != peers_.end() ? self->second : std::weak_ptr<peer>{};
  p.who = r;
  p.account_id = account_id;
  p.name = std::move(name);
  p.email = std::move(email);
  record(p, "login", p.remote_address, "ok");
  log::console(std::string(role_word(r)) + " " + p.name + " conectado.");
  return true;
}

std::shared_ptr<peer> server_state::customer_peer(std::int64_t customer_id) const {
  auto it = customers_.find(customer_id);
  return it == customers_.end() ? nullptr : it->second.lock();
}

std::shared_ptr<peer> server_state::executive_peer(std::int64_t executive_id) const {
  auto it = executives_.find(executive_id);
  return it == executives_.end() ? nullptr : it->second.lock();
}

std::vector<std::shared_ptr<peer>> server_state::snapshot() const {
  std::vector<std::shared_ptr<peer>> out;
  out.reserve(peers_.size());
  for (const auto& [id, weak] : peers_) {
    if (auto p = weak.lock())
      out.push_back(std::move(p));
  }
  return out;
}

void server_state::send(peer& p, const json::object& message,
                        std::span<const encoded_member> extra) {
  std::string frame;
  try {
    frame = encode_message(message, extra);
  } catch (const std::length_error&) {
    // Lists are paged so this cannot happen; if it still does, the peer gets a clear error in
    // place of the reply (and keeps its connection), or loses one event, and the log says so.
    const auto type = get_string(message, "type");
    const std::string what = type ? clip_utf8(*type, 40) : "?";
    const auto id = request_id(message);
    log::error("a \"" + escape_control_chars(what) + "\" " + (id ? "reply" : "event") + " to " +
               p.remote_address + " would exceed the frame limit; " +
               (id ? "answered reply_too_large" : "not sent"));
    if (!id)
      return;
    frame = encode_message(make_error(what, id, failure{errc::reply_too_large}));
  }
  p.deliver(std::make_shared<const std::string>(std::move(frame)));
}

void server_state::shut_down(std::string_view reason) {
  if (shutting_down_)
    return;
  shutting_down_ = true;
  json::object ev = make_event("shutdown");
  ev["message"] = reason;
  auto frame = std::make_shared<const std::string>(encode_message(ev));
  for (auto& p : snapshot())
    p->shut_down(frame);
}

}  // namespace tcs

namespace tcs {

void server_state::record(const peer& actor, std::string_view action, std::string_view detail,
                          std::string_view outcome, std::optional<std::int64_t> customer_id) {
  const bool is_customer = actor.who == role::customer;
  activity_.record(now(), is_customer ? "customer" : "executive", actor.account_id,
                   is_customer ? std::optional<std::int64_t>(actor.account_id) : customer_id,
                   action, detail, outcome);
}

void server_state::when_all_gone(std::function<void()> done) {
  if (peers_.empty()) {
    done();
    return;
  }
  all_gone_ = std::move(done);
}

}  // namespace tcs
