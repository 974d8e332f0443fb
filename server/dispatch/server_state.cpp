// Registry of connected peers.
#include "server/dispatch/server_state.hpp"

#include "server/log/console.hpp"

#include <stdexcept>
#include <utility>

namespace tcs {

server_state::server_state(server_config config) : config_(std::move(config)) {}

void server_state::join(const std::shared_ptr<peer>& p) {
  peers_.emplace(p->id, p);
}

void server_state::leave(peer& p) {
  peers_.erase(p.id);
  if (peers_.empty() && all_gone_)
    std::exchange(all_gone_, nullptr)();
  if (p.who == role::guest)
    return;
  if (loss_listener_ && loss_listener_(p))
    return;  // held for a resume (session_resume.hpp); the held peer leaves later
  // Leave the support queue or the chat and tell the other party; log the logout
  // (support_teardown.hpp).
  for (const auto& listener : departure_listeners_)
    listener(p);
  auto& registry = p.who == role::customer ? customers_ : executives_;
  auto it = registry.find(p.account_id);
  // Only the session that logged in owns the entry (a refused second login never had it).
  if (it != registry.end()) {
    auto owner = it->second.lock();
    if (!owner || owner.get() == &p)
      registry.erase(it);
  }
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
  return true;
}

void server_state::take_over(const std::shared_ptr<peer>& p, role r, std::int64_t account_id,
                             std::string name, std::string email) {
  auto& registry = r == role::customer ? customers_ : executives_;
  registry[account_id] = p;
  p->who = r;
  p->account_id = account_id;
  p->name = std::move(name);
  p->email = std::move(email);
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

void server_state::when_all_gone(std::function<void()> done) {
  if (peers_.empty()) {
    done();
    return;
  }
  all_gone_ = std::move(done);
}

}  // namespace tcs
