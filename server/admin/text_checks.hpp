// Checks on what an administrator types or imports: email addresses, display names, UTF-8.
//
// Contract: pure functions, no I/O. Failures are values (input_error) whose message is English
// text for the store's engineer at the admin command line.
#pragma once

#include <boost/system/result.hpp>

#include <cstddef>
#include <iosfwd>
#include <string>
#include <string_view>

namespace tcs::admin {

// An input problem: `line` is the 1-based line of an imported file it comes from (0 when it
// is not about a file); `message` says what is wrong and what is expected.
struct input_error {
  std::size_t line = 0;
  std::string message;
};

// "line 3: ..." (or the message alone for line 0); also lets test frameworks print results.
std::ostream& operator<<(std::ostream& os, const input_error& e);

// Lets result<T, input_error>::value() throw (std::invalid_argument with the message).
[[noreturn]] void throw_exception_from_error(const input_error& e,
                                             const boost::source_location& loc);

template <class T>
using checked = boost::system::result<T, input_error>;

// RFC 5321 caps a forward path at 256 bytes, so an address is at most 254.
inline constexpr std::size_t max_email_bytes = 254;
inline constexpr std::size_t max_display_name_bytes = 100;

bool is_valid_utf8(std::string_view text);
// Any byte below 0x20, or DEL.
bool has_control_chars(std::string_view text);
// Without surrounding ASCII spaces and tabs.
std::string_view trim(std::string_view text);

// A pragmatic check, not RFC 5322: valid UTF-8, at most max_email_bytes, no whitespace or
// control characters, exactly one '@' with a non-empty local part before it, and a domain
// that contains a dot, does not start or end with one and has no empty label ("a..b").
// Surrounding spaces are ignored. Returns the address ASCII-lower-cased, as it is stored.
checked<std::string> normalize_email(std::string_view email);

// Cleaned as services::clean_name says (NFC, trimmed of Unicode White_Space, non-empty, valid
// UTF-8, no control, invisible or format characters, no spoofing mix of scripts, at most
// max_display_name_bytes).
checked<std::string> normalize_display_name(std::string_view name);

}  // namespace tcs::admin
