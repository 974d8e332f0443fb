// The server's console: one timestamped line per connect, disconnect, referral and action.
//
// Lines look like the seed's: `2026-11-24 10:40:01 [SERVIDOR] Cliente Ana Rojas conectado.`
// Written to stdout. Under systemd's journal (JOURNAL_STREAM names standard output) a line
// has no timestamp (the journal adds its own) and starts with its syslog priority instead:
// `<6>[SERVIDOR] ...`, `<3>[ERROR] ...`. By default every line is written and flushed at once (the
// administration commands, the unit tests). The server instead hands its lines to a writer
// thread of their own (write_in_background): the loop never blocks on, nor dies from, its
// console. The loop only appends to a bounded buffer (console_buffer_bytes); the thread
// writes it out. When standard output is not being read (a full pipe, a stopped terminal),
// lines that do not fit are dropped and counted, and the count is reported in an `[ERROR]
// console: N lines dropped` line as soon as there is room again. When the reader is gone
// (EPIPE; SIGPIPE is ignored by the server) lines are discarded.
//
// The server also batches them (batch_flushes): the lines written while the loop handles one
// round of ready events are handed over in one go when that round ends, so a busy server
// wakes the writer once per round, not once per line. Error lines are always handed over at
// once. Safe to call from any thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string_view>

namespace tcs::log {

// Console text waiting for the writer thread, at most (about 3,000 lines): a reader that far
// behind is not reading, and the loop must not hold more for it.
inline constexpr std::size_t console_buffer_bytes = 256 * 1024;

void console(std::string_view text);

// For diagnostics that are not user actions (errors, limits hit); same stream, `[ERROR]` tag.
void error(std::string_view text);

// Silences console() (used by the bench and by unit tests).
void set_quiet(bool quiet);

// From now on console() leaves its lines pending and, for the first line after a flush,
// calls `schedule`, which must arrange for flush() to run soon (the server posts it to its
// loop, where it runs after the handlers already queued). An empty function restores
// flushing every line (and flushes).
void batch_flushes(std::function<void()> schedule);

// Writes the pending lines (in the background: wakes the writer thread).
void flush();

// From now on lines go through the bounded buffer and the writer thread described above.
void write_in_background();

// Waits up to `wait` for the writer to write what is pending, then stops it; lines written
// after this are discarded. Called once, at the very end of the server.
void finish_background(std::chrono::milliseconds wait);

}  // namespace tcs::log
