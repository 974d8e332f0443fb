// What the agent tools (issue 17) add to the support areas: the customer the tools act on, the
// chat records kept as chats start, change hands and end, and how notes, chats and their
// lines appear on the wire. Used by agent_tool_commands.cpp and, one call each, by the places
// where chats start and end (queue_commands, auto_assign, chat_commands, handover_commands,
// support_teardown, support_timers).
#pragma once

#include "common/protocol/message.hpp"
#include "server/dispatch/command.hpp"
#include "server/services/service_set.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace tcs::support {

// Notes an executive is shown when it takes a customer (`notes` of `connect` and
// `chat.assigned`): the newest ones; `notes_total` says how many there are.
inline constexpr std::int64_t notes_on_arrival = 3;

// The customer the caller's agent tools act on: a customer is its own; an executive's is the
// partner of its current chat (current_chat(): not_in_chat without one).
result<std::int64_t> current_customer(request_context& ctx);

// A chat began after the customer waited `waited_s` (connect, auto-assignment).
void chat_began(services::service_set& services, std::int64_t customer_id,
                std::int64_t executive_id, std::int64_t waited_s);
// The customer's chat ended with `reason` (a chat.ended reason). The customer is asked for a
// rating (`survey` in chat.ended or in its chat.end reply) after a chat ended by either side
// or closed for being idle, not after a disconnect or a requeue.
void chat_finished(services::service_set& services, std::int64_t customer_id,
                   std::string_view reason);

// `notes` (the newest notes_on_arrival, newest first) and `notes_total` on a connect reply or
// a chat.assigned event; nothing when the customer has no notes.
void add_notes(services::service_set& services, json::object& body, std::int64_t customer_id);

// {id, author, at, text}
json::object note_view(const store::note_record& n);

}  // namespace tcs::support
