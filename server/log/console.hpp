// The server's console: one timestamped line per connect, disconnect, referral and action.
//
// Lines look like the seed's: `2026-11-24 10:40:01 [SERVIDOR] Cliente Ana Rojas conectado.`
// Written to stdout and flushed at once so a supervisor or a test sees them immediately.
// Only called on the loop thread.
#pragma once

#include <string_view>

namespace tcs::log {

void console(std::string_view text);

// For diagnostics that are not user actions (errors, limits hit); same stream, `[ERROR]` tag.
void error(std::string_view text);

// Silences console() (used by the bench and by unit tests).
void set_quiet(bool quiet);

}  // namespace tcs::log
