// Reconnect and resume: holding a lost session, ending a hold, and the `resume` request.
#include "server/dispatch/session_resume.hpp"

#include "common/protocol/actions.hpp"
#include "server/dispatch/support_common.hpp"
#include "server/log/console.hpp"
#include "server/security/resume_tokens.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <vector>

namespace tcs {

namespace asio = boost::asio;

namespace {

using key = session_holds::account_key;

std::string role_word(role r) {
  return r == role::customer ? "Cliente" : "Ejecutivo";
}

// The other side of `p`'s chat, if it has one and is reachable.
std::shared_ptr<peer> chat_partner(server_state& sessions, services::service_set& services,
                                   const peer& p) {
  auto& desk = services.support();
  if (p.who == role::customer) {
    auto executive = desk.executive_of(p.account_id);
    return executive ? sessions.executive_peer(*executive) : nullptr;
  }
  auto customer = desk.customer_of(p.account_id);
  return customer ? sessions.customer_peer(*customer) : nullptr;
}

}  // namespace

void tell_chat_partner(server_state& sessions, services::service_set& services, const peer& p,
                       bool back) {
  auto partner = chat_partner(sessions, services, p);
  if (!partner)
    return;
  json::object ev = make_event(back ? "chat.peer_back" : "chat.peer_lost");
  ev["name"] = p.name;
  ev["first_name"] = p.first_name();
  if (back) {
    ev["message"] = p.first_name() + " volvió.";
  } else {
    ev["grace_s"] = sessions.config().resume_grace_s;
    ev["message"] = p.first_name() + " perdió la conexión; esperando que vuelva…";
  }
  server_state::send(*partner, ev);
}

namespace {

// The loss listener: holds `lost` when it may be resumed (see the header).
bool on_lost(server_state& sessions, services::service_set& services, peer& lost) {
  const key account{lost.who, lost.account_id};
  auto owner = lost.who == role::customer ? sessions.customer_peer(lost.account_id)
                                          : sessions.executive_peer(lost.account_id);
  if (owner && owner.get() != &lost)
    return false;  // not the account's session (it speaks for nobody)
  const std::int64_t grace = sessions.config().resume_grace_s;
  if (grace <= 0 || !lost.resumable || sessions.shutting_down()) {
    sessions.holds().revoke(account);
    return false;
  }
  auto held =
      sessions.holds().hold(lost, services.now() + grace, sessions.config().max_outbound_bytes);
  sessions.take_over(held, lost.who, lost.account_id, lost.name, lost.email);
  if (lost.who == role::executive) {
    held->was_available = services.support().is_available(lost.account_id);
    services.support().set_available(lost.account_id, false, services.now());
  }
  log::console(role_word(lost.who) + " " + lost.name + " perdió la conexión; se guarda su " +
               "sesión " + std::to_string(grace) + " s.");
  tell_chat_partner(sessions, services, *held, false);
  return true;
}

std::vector<std::int64_t> disabled_holds(server_state& sessions, services::service_set& services) {
  std::vector<std::int64_t> customers, executives;
  for (const auto& held : sessions.holds().all())
    (held->who == role::customer ? customers : executives).push_back(held->account_id);
  if (customers.empty() && executives.empty())
    return {};
  auto disabled = services.accounts().disabled_among(customers, executives);
  std::vector<std::int64_t> out;  // customer ids, then executive ids negated
  for (auto id : disabled.customers)
    out.push_back(id);
  for (auto id : disabled.executives)
    out.push_back(-id);
  return out;
}

}  // namespace

void watch_losses(server_state& sessions, services::service_set& services) {
  sessions.on_lost(
      [&sessions, &services](peer& lost) { return on_lost(sessions, services, lost); });
}

std::string issue_resume_token(server_state& sessions, peer& p) {
  if (sessions.config().resume_grace_s <= 0)
    return {};
  p.resumable = true;
  return sessions.holds().issue(key{p.who, p.account_id});
}

bool has_live_session(server_state& sessions, role r, std::int64_t account_id) {
  auto p = r == role::customer ? sessions.customer_peer(account_id)
                               : sessions.executive_peer(account_id);
  return p && !sessions.holds().find(key{r, account_id});
}

bool end_hold(server_state& sessions, services::service_set& services, role r,
              std::int64_t account_id) {
  auto held = sessions.holds().release(key{r, account_id});
  sessions.holds().revoke(key{r, account_id});
  if (!held)
    return false;
  static_cast<void>(services);
  held->resumable = false;
  sessions.leave(*held);  // the departure listeners: as a disconnect
  return true;
}

std::size_t end_due_holds(server_state& sessions, services::service_set& services) {
  std::size_t ended = 0;
  for (const auto& held : sessions.holds().due(services.now())) {
    if (!held->is_open() && held->overflowed())
      log::console(role_word(held->who) + " " + held->name +
                   ": demasiados mensajes guardados mientras estaba desconectado; se cierra su "
                   "sesión.");
    ended += end_hold(sessions, services, held->who, held->account_id) ? 1 : 0;
  }
  for (auto id : disabled_holds(sessions, services)) {
    const role r = id > 0 ? role::customer : role::executive;
    ended += end_hold(sessions, services, r, id > 0 ? id : -id) ? 1 : 0;
  }
  return ended;
}

void end_all_holds(server_state& sessions, services::service_set& services) {
  for (const auto& held : sessions.holds().all())
    end_hold(sessions, services, held->who, held->account_id);
}

hold_sweeper::hold_sweeper(asio::any_io_executor executor, server_state& sessions,
                           services::service_set& services)
    : sessions_(sessions), services_(services), timer_(std::move(executor)) {}

void hold_sweeper::start() {
  if (sessions_.config().resume_grace_s <= 0)
    return;
  asio::co_spawn(timer_.get_executor(), run(), [](std::exception_ptr e) {
    if (e)
      std::rethrow_exception(e);  // run() catches what it expects; anything else is a bug
  });
}

void hold_sweeper::stop() {
  stopped_ = true;
  timer_.cancel();
}

asio::awaitable<void> hold_sweeper::run() {
  while (!stopped_) {
    timer_.expires_after(hold_sweep_interval);
    auto [ec] = co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec || stopped_ || sessions_.shutting_down())
      co_return;
    try {
      end_due_holds(sessions_, services_);
    } catch (const std::exception& e) {
      log::error(std::string("resume holds: ") + e.what());
    }
  }
}

}  // namespace tcs
