// What the support area does when a logged-in peer goes away (implemented with the support
// commands, in support_commands.cpp).
#pragma once

#include "server/dispatch/peer.hpp"

namespace tcs {

class server_state;

// Called exactly once by server_state::leave() for a customer or an executive that logged out
// or dropped, before it leaves the registry. Applies the change to the support desk first,
// then tells the others:
// - a queued customer leaves the queue; those behind it get `queue.position`;
// - a customer in a chat: its executive gets `chat.ended` {reason: customer_disconnected} (and
//   `offer.cancelled` if an offer was open) and is free again;
// - an executive in a chat: its customer gets `offer.cancelled` (if an offer was open), then
//   `chat.ended` {reason: executive_disconnected, position} and is back at the head of the
//   queue; the others queued get `queue.position`; free executives get `queue.joined`.
// Writes only the activity log (no half-done operation is possible: offers are not persisted
// until accepted, and an accepted offer is one transaction).
void support_peer_left(server_state& server, const peer& gone);

}  // namespace tcs
