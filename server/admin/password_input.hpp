// Reading a new password for `tcs-server user add|passwd`.
//
// Contract: when standard input is a terminal, the password is asked twice on standard error
// with echo turned off (termios), and the two must match; the terminal's settings are
// restored afterwards, also when the command is interrupted with Ctrl-C. Otherwise one line is
// read from standard input (the trailing "\n" or "\r\n" is dropped; for scripts:
// `printf '%s\n' "$PW" | tcs-server user add ...`). The password is then checked by
// check_admin_password. Failures are input_error with an English message.
#pragma once

#include "server/admin/text_checks.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace tcs::admin {

checked<std::string> read_new_password(std::size_t min_length);

// At least min_length characters (UTF-8 code points), at most services::max_password_bytes,
// valid UTF-8 (clients send it as JSON text) and no control characters.
checked<std::string> check_admin_password(std::string password, std::size_t min_length);

}  // namespace tcs::admin
