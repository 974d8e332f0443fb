// The server's console: one timestamped line per connect, disconnect, referral and action.
//
// Lines look like the seed's: `2026-11-24 10:40:01 [SERVIDOR] Cliente Ana Rojas conectado.`
// Written to stdout. By default every line is flushed at once; the server instead batches
// them (batch_flushes): the lines written while the loop handles one round of ready events go
// out in one write when that round ends, so a supervisor or a test still sees them within
// milliseconds but a busy server makes one system call per round, not one per line.
// Error lines are always flushed at once. Safe to call from any thread.
#pragma once

#include <functional>
#include <string_view>

namespace tcs::log {

void console(std::string_view text);

// For diagnostics that are not user actions (errors, limits hit); same stream, `[ERROR]` tag.
void error(std::string_view text);

// Silences console() (used by the bench and by unit tests).
void set_quiet(bool quiet);

// From now on console() leaves its lines in stdout's buffer and, for the first line after a
// flush, calls `schedule`, which must arrange for flush() to run soon (the server posts it to
// its loop, where it runs after the handlers already queued). An empty function restores
// flushing every line (and flushes).
void batch_flushes(std::function<void()> schedule);

// Writes the buffered lines.
void flush();

}  // namespace tcs::log
