// Amounts as the shop writes them, in the server's messages and log lines and in the terminals.
#pragma once

#include <cstdint>
#include <string>

namespace tcs {

// Whole pesos with dot thousands separators: 12990 -> "$12.990", -500 -> "-$500".
std::string pesos(std::int64_t amount);

}  // namespace tcs
