// Each area of the server contributes its commands to the dispatcher's table.
#pragma once

#include "server/dispatch/command.hpp"

#include <span>

namespace tcs {

std::span<const command> session_commands();       // hello, login, logout, ping
std::span<const command> self_service_commands();  // the customer's menu options 1–5
std::span<const command> support_commands();       // the queue, the chat and the executive commands

}  // namespace tcs
