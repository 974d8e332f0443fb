// How both terminals write money, dates, the assistant's lines and table columns.
#pragma once

#include "common/protocol/money.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tcs::term {

using tcs::pesos;  // common/protocol/money.hpp

// Unix seconds as local time "27/08/2024 16:20".
std::string local_datetime(std::int64_t unix_seconds);

// `unix_seconds` in the local time zone as strftime's `pattern` writes it (short patterns: the
// result is at most 31 bytes).
std::string local_strftime(std::int64_t unix_seconds, const char* pattern);

// "Asistente: " + text: how the seed labels everything the service says.
std::string assistant(std::string_view text);

// A menu answer: an integer in [min, max] with nothing else but surrounding spaces.
std::optional<int> parse_choice(std::string_view text, int min, int max);

// Columns of a text table. Widths count code points, so "Muñoz" is as wide as "Munoz".
std::size_t display_width(std::string_view text);
std::string pad_right(std::string text, std::size_t width);  // spaces after
std::string pad_left(std::string text, std::size_t width);   // spaces before

// Spanish names of the wire's enums.
std::string_view state_name(std::string_view state);  // paid -> "pagado", ...
std::string_view kind_name(std::string_view kind);    // purchase -> "compra", card -> "carta"
// Activity-log actions (see docs/protocol.md, "Activity actions"): login -> "inicio de sesión".
std::string_view activity_label(std::string_view action);
// Why an action failed, from its error code (docs/protocol.md, "Error codes"), in a few Spanish
// words: weak_password -> "contraseña débil". Unknown codes read "error".
std::string_view outcome_label(std::string_view code);

}  // namespace tcs::term
