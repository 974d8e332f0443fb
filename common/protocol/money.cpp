#include "common/protocol/money.hpp"

namespace tcs {

std::string pesos(std::int64_t amount) {
  // Unsigned, so the magnitude of any int64 (even the most negative) is defined.
  const auto magnitude = static_cast<std::uint64_t>(amount);
  const std::string digits = std::to_string(amount < 0 ? 0 - magnitude : magnitude);
  std::string out = amount < 0 ? "-$" : "$";
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0)
      out.push_back('.');
    out.push_back(digits[i]);
  }
  return out;
}

}  // namespace tcs
