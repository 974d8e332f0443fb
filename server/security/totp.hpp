// TOTP (RFC 6238: HMAC-SHA1, 30 s steps, 6 digits) verification with replay refusal,
// code generation and the otpauth:// URI for authenticator apps. Pure functions, thread-safe.
#pragma once

#include "common/protocol/errc.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace tcs::security {

inline constexpr std::int64_t totp_step_seconds = 30;
inline constexpr int totp_digits = 6;
// Codes of one step before or after the current one are accepted (clock drift, typing time).
inline constexpr int totp_window_steps = 1;

// Checks `code` against the secret at `now_unix`, within +-totp_window_steps.
// On success returns the time step the code belongs to (floor(now/30) + matched offset); the
// caller stores it and passes it back as `last_accepted_step` on the next login.
// Fails with errc::bad_credentials when `code` is not exactly 6 ASCII digits, does not match,
// or matches a step <= last_accepted_step (a code already used: RFC 6238 section 5.2). Pass
// -1 for an executive who has never logged in.
// Fails with errc::internal (message in English for the server log, not for the peer) when
// the secret is not valid base32 or liboath reports an internal error.
tcs::result<std::int64_t> verify_totp(std::string_view base32_secret, std::string_view code,
                                      std::int64_t now_unix, std::int64_t last_accepted_step);

// The 6-digit code for `unix_time` (for tests, the bench and the demo).
// Throws std::invalid_argument if the secret is not valid base32, std::runtime_error if
// liboath fails.
std::string totp_code(std::string_view base32_secret, std::int64_t unix_time);

// otpauth://totp/TC5G:<email>?secret=<secret>&issuer=TC5G, the URI authenticator apps read
// from a QR code. The label keeps '@' readable and percent-encodes every other character
// outside RFC 3986's unreserved set (spaces, '+', '%', '?', '&', '#', non-ASCII bytes...).
std::string otpauth_uri(std::string_view email, std::string_view base32_secret);

}  // namespace tcs::security
