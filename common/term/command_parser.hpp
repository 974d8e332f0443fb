// Pure parsing of what the user types: `:command args` lines, `<card> [price]` arguments (card
// names may contain spaces) and yes/no answers. No I/O; unit-tested in test_exec_commands.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tcs::term {

// `text` without leading and trailing spaces and tabs.
std::string_view trim(std::string_view text);

// A `:` line split at its first run of blanks: ":buy  Pikachu ex 5" -> {":buy", "Pikachu ex 5"}.
// `name` keeps the colon; `args` is trimmed (empty when there are none).
struct command_line {
  std::string name;
  std::string args;
};
command_line split_command(std::string_view line);

// A money amount typed by a person: digits, optionally "$"-prefixed and with dot thousands
// separators in groups of three ("12000", "$12.000"). Must be > 0. nullopt otherwise.
std::optional<std::int64_t> parse_price(std::string_view text);

// The arguments of `:buy <card> <price>` and `:publish <card> [price]`.
struct card_and_price {
  std::string card;                   // inner blanks collapsed to one space
  std::optional<std::int64_t> price;  // absent only when the price is optional
};

// Accepted forms:
//   "Pikachu ex" 12000     the card in double quotes, then an optional price
//   Pikachu ex 12000       several words: the last one is the price if it parses as one
//   Caterpie               one word: the card, no price
// nullopt (wrong usage) when: the card is empty, a quote is not closed, something other than a
// price follows a quoted card, a single token is given where a price is required, or
// `price_required` and there is no price.
std::optional<card_and_price> parse_card_and_price(std::string_view args, bool price_required);

// A yes/no answer: s, si, sí, y, yes / n, no (any case, surrounding blanks ignored).
std::optional<bool> parse_yes_no(std::string_view text);

}  // namespace tcs::term
