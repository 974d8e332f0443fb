// Past chats as both terminals show them (issue 17): the list of a customer's chats
// (`conversations`) and one chat in full (`conversation`). Pure functions over the reply:
// missing or mistyped fields show a fallback, never throw.
#pragma once

#include "common/protocol/message.hpp"

#include <string>
#include <string_view>

namespace tcs::term {

// How a chat ended, in Spanish: ended_by_executive -> "terminada por el ejecutivo"; "open" ->
// "en curso".
std::string_view chat_outcome_label(std::string_view outcome);

// One line per chat: "[12] 30/11/2026 10:05, Valentina Reyes, 8 líneas, terminada por el
// ejecutivo"; `empty` when there is none.
std::string render_conversations(const json::array& chats, std::string_view empty);

// The conversation's header and its lines ("[16:20] Valentina: ..."), oldest first.
std::string render_conversation(const json::object& reply);

}  // namespace tcs::term
