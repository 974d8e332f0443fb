// The queue and the chats when a peer goes away, and the departure's activity entry.
#include "server/dispatch/support_teardown.hpp"

#include "common/protocol/actions.hpp"
#include "server/dispatch/agent_support.hpp"
#include "server/dispatch/audit.hpp"
#include "server/dispatch/support_common.hpp"
#include "server/log/console.hpp"

#include <set>
#include <string>
#include <vector>

namespace tcs {

namespace {

using services::support_state;

void customer_left(server_state& sessions, services::service_set& services, const peer& gone) {
  // Only the session that owns the account's registry entry speaks for it.
  if (auto owner = sessions.customer_peer(gone.account_id); owner && owner.get() != &gone)
    return;
  auto departure = services.support().customer_gone(gone.account_id, services.now());
  if (departure.was == support_state::queue) {
    audit::record_activity(services, gone, actions::queue_leave,
                           "Salió de la cola de espera al desconectarse");
    log::console("Cliente " + gone.name + " salió de la cola de espera (desconectado).");
    support::tell_positions(sessions, services, departure.moved);
    support::announce_left(sessions, services, gone, "disconnected");
  } else if (departure.chat) {
    const auto& closed = *departure.chat;
    const std::string executive = support::executive_name(sessions, services, closed.executive_id);
    audit::record_activity(
        services, gone, actions::chat_end,
        "El cliente se desconectó durante la conversación con el ejecutivo " + executive);
    log::console("Cliente " + gone.name + " se desconectó durante la conversación con el " +
                 "ejecutivo " + executive + ".");
    auto to = sessions.executive_peer(closed.executive_id);
    if (closed.cancelled_offer)
      support::tell_offer_cancelled(to, *closed.cancelled_offer, "customer_disconnected",
                                    services.support(), closed.chat_id, closed.slot);
    support::chat_finished(services, closed.customer_id, "customer_disconnected");
    support::tell_chat_ended(services, to, "customer_disconnected",
                             "El cliente " + gone.name + " se desconectó.", &closed);
    support::auto_assign(sessions, services);
    support::tell_who_waits(services, to, sessions);
  }
}

void executive_left(server_state& sessions, services::service_set& services, const peer& gone) {
  if (auto owner = sessions.executive_peer(gone.account_id); owner && owner.get() != &gone)
    return;
  // Each of its chats' customers back at the head of the queue (the desk is done with all of
  // them before anyone is told).
  const auto back = services.support().executive_gone(gone.account_id, services.now());
  std::set<std::int64_t> requeued;
  for (const auto& b : back) {
    requeued.insert(b.customer_id);
    const std::string customer = support::customer_name(sessions, services, b.customer_id);
    audit::record_activity(services, gone, actions::chat_end,
                           "El ejecutivo " + gone.name +
                               " se desconectó; el cliente vuelve al primer lugar de la cola",
                           "ok", b.customer_id);
    log::console("Ejecutivo " + gone.name + " se desconectó durante la conversación; el " +
                 "cliente " + customer + " vuelve al primer lugar de la cola.");
    auto to = sessions.customer_peer(b.customer_id);
    if (b.cancelled_offer)
      support::tell_offer_cancelled(to, *b.cancelled_offer, "executive_disconnected");
    support::chat_finished(services, b.customer_id, "executive_disconnected");
    // The new position travels in its own field; the terminal says where the customer waits.
    support::tell_chat_ended(services, to, "executive_disconnected",
                             gone.first_name() + " se desconectó.");
  }
  std::vector<services::position_change> moved;
  for (const auto& b : back) {
    for (const auto& m : b.moved) {
      if (requeued.insert(m.customer_id).second)  // each told once, its place read now
        moved.push_back(m);
    }
  }
  support::tell_positions(sessions, services, moved);
  support::auto_assign(sessions, services);
  for (const auto& b : back) {
    if (auto to = sessions.customer_peer(b.customer_id))
      support::announce_waiting(sessions, services, *to);
  }
}

}  // namespace

void support_peer_left(server_state& sessions, services::service_set& services, const peer& gone) {
  if (gone.who == role::customer)
    customer_left(sessions, services, gone);
  else if (gone.who == role::executive)
    executive_left(sessions, services, gone);
}

void watch_departures(server_state& sessions, services::service_set& services) {
  sessions.on_leave([&sessions, &services](const peer& gone) {
    support_peer_left(sessions, services, gone);
    audit::record_activity(services, gone, actions::logout, "");
    log::console(std::string(audit::role_word(gone.who)) + " " + gone.name + " desconectado.");
  });
}

}  // namespace tcs
