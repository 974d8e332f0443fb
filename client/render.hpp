// How tcs-client shows the catalogue and the cart as Spanish text lines (operations are shown
// by common/term/operations_view.hpp). Pure functions: no I/O, tolerant of missing fields.
#pragma once

#include "common/protocol/message.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tcs::client {

// A cart line: "* Pikachu ex [x1] $12.990" or "* Sobre X [x2] $9.980 ($4.990 c/u)".
std::string item_line(std::string_view name, std::int64_t quantity, std::int64_t unit_price);

// The catalogue as an aligned table, each product under its own number (its id, as the
// executive's :catalogue shows it), header line first.
std::vector<std::string> catalogue_table(const std::vector<json::object>& products);

// "1 producto" / "3 productos".
std::string units_text(std::int64_t units);

}  // namespace tcs::client
