// What every check of a client's password goes through before and around its hash (login and
// password.change): field sizes capped, the attempt counted and given its turn by the login
// throttle, and the hashing queue's bounds. See docs/security.md for the policy and numbers.
#pragma once

#include "server/dispatch/command.hpp"
#include "server/security/password_pool.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tcs::credentials {

// RFC 5321 caps a forward path at 256 bytes, so an address is at most 254 (as for accounts).
inline constexpr std::size_t max_email_bytes = 254;
// A TOTP code is 6 digits; room for one pasted with spaces or notes, never for a flood.
inline constexpr std::size_t max_totp_bytes = 64;
// Passwords are capped at services::max_password_bytes (256) when set, so a longer one can
// never match: it is refused before hashing.

// "127.0.0.1:51234" -> "127.0.0.1": throttling counts per source address, not per port.
std::string host_of(std::string_view remote);

// invalid_field, with the field named, when one is longer than its cap.
result<void> check_sizes(std::string_view email, std::string_view password,
                         std::string_view totp = {});

// Milliseconds of a monotonic clock: the throttle's time.
std::int64_t now_ms();

// Counts one password attempt for `account_key` from `address` and waits for its turn. Fails
// with busy (this address already has its share of the hashing queue), too_many_attempts
// (the turn is too far away; the message says when to retry), or internal when the peer hung
// up while waiting (nobody reads that reply).
boost::asio::awaitable<result<void>> admit(request_context& ctx, std::string_view account_key,
                                           const std::string& address);

// The hashing job of this request: counted against `address`, dropped if the peer hangs up
// before a worker takes it.
security::password_pool::job_options hash_job(const request_context& ctx, std::string address);

// The failure to answer when a hashing job did not run (busy or dropped), or when the peer
// went away meanwhile; nullopt when the result can be used.
std::optional<failure> not_run(peer& caller, security::password_pool::status state);

}  // namespace tcs::credentials
