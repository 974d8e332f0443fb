// The administration subcommands of tcs-server: `tcs-server user ...` (accounts, executive
// TOTP enrolment), `tcs-server catalogue ...` (CSV import and export) and `tcs-server backup`
// / `restore` (online copies of the database, backup_commands.cpp). main() routes here
// when its first argument is one of the command words; nothing here starts the server.
//
// Contract: run() never throws. It prints results on stdout and errors on stderr (English: the
// reader is the store's engineer) and returns the process exit status: 0 success, 1 the
// command failed (unknown account, duplicate, bad CSV, database error), 2 a usage error (bad
// or missing options). Every subcommand takes --db FILE (default: the server's, as its
// configuration file sets it) and --help.
// The commands are safe while a server runs on the same file (SQLite WAL, busy timeout; each
// change is one transaction); the server reads accounts at every login and logs out a disabled
// account's session by itself (server/dispatch/account_watch.hpp).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tcs::admin {

// "user", "catalogue", "backup", "restore", "canned" or "report".
bool is_admin_command(std::string_view word);

// args = the command line after the program name, starting with the command word:
// {"user", "add", "--role", "customer", ...}. `default_db`: the --db of a command that gives
// none (the server's, from its configuration file when there is one).
int run(const std::vector<std::string>& args, const std::string& default_db);

// The subcommands, a few lines for tcs-server --help.
std::string_view usage_summary();

}  // namespace tcs::admin
