// What the support areas share (queue_commands, chat_commands, offer_commands,
// view_commands, support_teardown): names for console lines, how customers and executives
// appear on the wire, the events that tell others of a change, and the caller's chat.
//
// Every support handler first applies its change to the support desk, then tells the other
// peers. Telling a peer may stop it (a reader that does not keep up is closed by deliver()),
// which re-enters the desk through the departure listener (support_teardown.hpp); so the desk
// is always consistent before anyone is told, fan-outs iterate snapshots, and queue positions
// are read from the desk when they are sent rather than from an older decision.
#pragma once

#include "common/protocol/message.hpp"
#include "common/protocol/money.hpp"
#include "server/dispatch/command.hpp"
#include "server/dispatch/server_state.hpp"
#include "server/services/service_set.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tcs::support {

// Customers named in a `queue.waiting` event (the rest are counted).
inline constexpr std::size_t max_listed_waiting = 5;

// The conversation so far a transferred chat's new executive gets (`chat.assigned`
// `transcript`): at most this many of the newest lines, and this many bytes of their JSON.
inline constexpr std::size_t max_transcript_lines = 50;
inline constexpr std::size_t max_transcript_bytes = 32 * 1024;

// Card names echoed on the console.
inline constexpr std::size_t max_logged_name_bytes = 80;

using tcs::pesos;  // common/protocol/money.hpp

// "Charizard VMAX por $12.990": an offer on the console and in the log.
std::string offer_text(const services::offer& o);

// {email, name}: how a customer appears to executives.
json::object customer_ref(const peer& customer);
// {name, first_name}: how an executive appears to its customer.
json::object executive_ref(const peer& executive);

// Display names for console lines and the log, also for an account whose peer is gone.
std::string customer_name(server_state& sessions, services::service_set& services,
                          std::int64_t customer_id);
std::string executive_name(server_state& sessions, services::service_set& services,
                           std::int64_t executive_id);

// Sends each moved customer its current place, read from the desk now.
void tell_positions(server_state& sessions, services::service_set& services,
                    const std::vector<services::position_change>& moved);
// `eta_s` of a queued customer, when there is an estimate.
void add_eta(json::object& ev, const services::support_desk& desk, std::int64_t customer_id);
// Tells every available free executive that `customer` is waiting (`El cliente ... se quiere
// conectar`); the busy and the away ones get the new count (`queue.count`).
void announce_waiting(server_state& sessions, services::service_set& services,
                      const peer& customer);
// Tells every available free executive that `customer` no longer waits (`queue.left`, reason
// "left" or "disconnected"), so a "se quiere conectar" line is not taken as current; the busy
// and the away ones get the new count (`queue.count`).
void announce_left(server_state& sessions, services::service_set& services, const peer& customer,
                   std::string_view reason);
// An executive took a customer: the other busy or away executives get the new count.
void announce_served(server_state& sessions, services::service_set& services,
                     std::int64_t executive_id);
// Tells an executive who just became free or available who is waiting (`queue.waiting`), if
// anyone is and it is offered customers.
void tell_who_waits(services::service_set& services, const std::shared_ptr<peer>& executive,
                    server_state& sessions);
// `--assignment auto`: gives waiting customers to available free executives (idle longest
// first) until none is left; the customer gets `chat.started`, the executive `chat.assigned`.
// Does nothing in manual mode. Called after every change that may free a slot or add a
// customer.
void auto_assign(server_state& sessions, services::service_set& services);
void tell_offer_cancelled(const std::shared_ptr<peer>& to, const services::offer& o,
                          std::string_view reason);
// `chat.ended` to `to`; when `to` is the chat's executive and `chat` is given, with which of
// its chats ended (add_chat_ref) and `was_current`.
void tell_chat_ended(services::service_set& services, const std::shared_ptr<peer>& to,
                     std::string_view reason, std::string message,
                     const services::chat_closed* chat = nullptr);
// `offer.cancelled` to an executive, naming the chat (add_chat_ref).
void tell_offer_cancelled(const std::shared_ptr<peer>& executive, const services::offer& o,
                          std::string_view reason, const services::support_desk& desk,
                          std::int64_t chat_id, std::size_t number);
// Which of the executive's chats an event or a reply is about: `chat_id` (unique, kept by a
// transfer), `number` (1..max_chats: what :chats and :cambiar N show) and `chats` (how many
// the executive has open now, this one included if still open).
void add_chat_ref(json::object& o, const services::support_desk& desk, std::int64_t executive_id,
                  std::int64_t chat_id, std::size_t number);

}  // namespace tcs::support

namespace tcs {

// The caller's chat: a customer's only one, an executive's current one (the chat its lines,
// offers, transfers, :history, :operations and :disconnect act on; :cambiar N picks it). Or
// not_in_chat, saying what to do. The one way the dispatch layer (and the dispatcher's check
// for commands that need a chat) finds "the chat" of a caller.
result<chat_pair> current_chat(const services::support_desk& desk, const peer& caller);

}  // namespace tcs
