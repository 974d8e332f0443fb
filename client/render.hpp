// How tcs-client shows the server's products and operations (docs/protocol.md views) as
// Spanish text lines. Pure functions: no I/O, tolerant of missing fields (shown empty or 0).
#pragma once

#include "common/protocol/message.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tcs::client {

// Field access that never throws: a missing or mistyped field gives "" / 0 / an empty array.
std::string text_field(const json::object& o, std::string_view key);
std::int64_t int_field(const json::object& o, std::string_view key);
const json::array& array_field(const json::object& o, std::string_view key);

// The objects of `array` (anything else in it is skipped).
std::vector<json::object> objects(const json::array& array);

// "compra (27/08/2024 16:20)" from an operation summary.
std::string operation_heading(const json::object& op);

// "[1] compra (27/08/2024 16:20) - pagado - total $24.970"
std::string operation_list_entry(std::size_t number, const json::object& op);

// An operation's details: one "* name [xN] price" line per item, the total, the executive
// (sales), "Estado: ..." and the timeline ("- 27/08/2024 16:20 pagado (Ana Rojas)").
std::vector<std::string> operation_details(const json::object& op);

// "* Pikachu ex [x1] $12.990" or "* Sobre X [x2] $9.980 ($4.990 c/u)".
std::string item_line(std::string_view name, std::int64_t quantity, std::int64_t unit_price);

// The catalogue as an aligned table numbered from 1 (header line first).
std::vector<std::string> catalogue_table(const std::vector<json::object>& products);

// "1 producto" / "3 productos".
std::string units_text(std::int64_t units);

}  // namespace tcs::client
