// Field access for what the terminals receive from the server: never throws, so a missing or
// mistyped field shows as a fallback instead of ending the program.
#pragma once

#include "common/protocol/message.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tcs::term {

// The field's value, or `fallback` when it is missing or of another type.
std::string text_field(const json::object& o, std::string_view key, std::string_view fallback = {});
std::int64_t int_field(const json::object& o, std::string_view key, std::int64_t fallback = 0);
bool bool_field(const json::object& o, std::string_view key, bool fallback = false);

// The nested object (nullptr) or array (an empty one) when missing or of another type.
const json::object* object_field(const json::object& o, std::string_view key);
const json::array& array_field(const json::object& o, std::string_view key);

// The objects of `array` (anything else in it is skipped).
std::vector<json::object> objects(const json::array& array);

}  // namespace tcs::term
