// What the dispatch layer does when a logged-in peer goes away (logout, drop, shutdown): the
// departure listener it puts on the registry of sessions (server_state::on_leave).
#pragma once

#include "server/dispatch/peer.hpp"

namespace tcs::services {
class service_set;
}

namespace tcs {

class server_state;

// Registers the listener on `sessions`: for every logged-in peer that leaves, first
// support_peer_left(), then the `logout` activity entry and the console line
// "<Cliente|Ejecutivo> <name> desconectado.". Both objects must outlive the registry's use.
void watch_departures(server_state& sessions, services::service_set& services);

// Applies the departure to the support desk first, then tells the others:
// - a queued customer leaves the queue; those behind it get `queue.position`;
// - a customer in a chat: its executive gets `chat.ended` {reason: customer_disconnected} (and
//   `offer.cancelled` if an offer was open) and is free again;
// - an executive in a chat: its customer gets `offer.cancelled` (if an offer was open), then
//   `chat.ended` {reason: executive_disconnected, position} and is back at the head of the
//   queue; the others queued get `queue.position`; free executives get `queue.joined`.
// Writes only the activity log (no half-done operation is possible: offers are not persisted
// until accepted, and an accepted offer is one transaction).
void support_peer_left(server_state& sessions, services::service_set& services, const peer& gone);

}  // namespace tcs
