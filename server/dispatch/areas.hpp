// Each area of the server contributes its commands to the dispatcher's table.
#pragma once

#include "server/dispatch/command.hpp"

#include <span>

namespace tcs {

std::span<const command> session_commands();       // hello, login, logout, ping
std::span<const command> self_service_commands();  // the customer's menu options 1–5
std::span<const command> queue_commands();         // queue.join, queue.leave, connect
std::span<const command> chat_commands();          // chat.send, chat.end
std::span<const command> handover_commands();      // chat.transfer, chat.requeue
std::span<const command> offer_commands();         // offer.create, offer.answer, publish
std::span<const command> view_commands();          // status, queue.list, details, customer.*
std::span<const command> resume_commands();        // resume (session_resume.hpp)
std::span<const command> agent_tool_commands();    // canned.*, notes, conversations, chat.rate

}  // namespace tcs
