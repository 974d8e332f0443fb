// The password policy for a password change (menu [1]). Sans-io, no hashing.
//
// Contract: check_new_password() only looks at the texts. Verifying `current` against the
// stored hash is the caller's job (on the hashing thread pool), as is hashing the new one.
// Checks, in this order:
//   invalid_field   new1 != new2                      "Las contraseñas nuevas no coinciden."
//   weak_password   fewer than min_length characters (UTF-8 code points, as a user counts)
//   invalid_field   longer than max_password_bytes
//   weak_password   new1 == current
#pragma once

#include "common/protocol/errc.hpp"

#include <cstddef>
#include <string_view>

namespace tcs::services {

// Long enough for any passphrase (OWASP ASVS asks for at least 64 characters), short enough
// that hashing it is cheap.
inline constexpr std::size_t max_password_bytes = 256;
inline constexpr std::size_t default_min_password_length = 8;  // OWASP ASVS 5

// Code points in a UTF-8 text (bytes that are not continuation bytes).
std::size_t utf8_length(std::string_view text);

result<void> check_new_password(std::string_view current, std::string_view new1,
                                std::string_view new2, std::size_t min_length);

}  // namespace tcs::services
