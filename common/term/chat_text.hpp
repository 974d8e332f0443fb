// Chat lines as the terminals send and show them: a long paste cut into lines the server takes
// (chat.send: 1..2000 bytes, docs/protocol.md), and the time a line was sent or received.
// Pure; unit-tested in test_term_table.cpp.
#pragma once

#include "common/protocol/message.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tcs::term {

// chat.send's limit on `text`.
inline constexpr std::size_t max_chat_line_bytes = 2000;

// `text` in pieces of at most `max_bytes` bytes, cut after the last space of a piece when it
// has one in its second half, otherwise between two UTF-8 characters; nothing is lost or
// reordered (the pieces joined give `text` back). An empty text gives no pieces.
std::vector<std::string> split_chat_text(std::string_view text,
                                         std::size_t max_bytes = max_chat_line_bytes);

// "16:20": the local time of a chat line (Unix seconds).
std::string local_time(std::int64_t unix_seconds);

// A chat.message event as shown: "[16:20] Valentina: muy caro" (without "[..] " when the event
// has no `at`); `from` when the event names nobody.
std::string chat_line(const json::object& event, std::string_view from);

}  // namespace tcs::term
