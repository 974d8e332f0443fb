// Timestamped console lines.
#include "server/log/console.hpp"

#include "common/protocol/message.hpp"

#include <atomic>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <string>

namespace tcs::log {

namespace {

std::atomic<bool> quiet_console = false;

// Batching: set once by the server before its loop runs (and cleared after it).
std::mutex batch_mutex;
std::function<void()> schedule_flush;
std::atomic<bool> flush_pending = false;

// "YYYY-MM-DD HH:MM:SS" for now, formatted again only when the second changes.
std::string_view stamp_now() {
  thread_local std::time_t last = -1;
  thread_local char stamp[32];
  const std::time_t now = std::time(nullptr);
  if (now != last) {
    std::tm local{};
    localtime_r(&now, &local);
    std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &local);
    last = now;
  }
  return stamp;
}

void write_line(std::string_view tag, std::string_view text, bool flush_now) {
  // Lines quote peer input (emails, names, card names): escape control characters so a peer
  // cannot forge or split lines, and write bytes (not %s) so a NUL cannot truncate one.
  std::string line;
  line.reserve(32 + tag.size() + text.size());
  line.append(stamp_now()).append(" ").append(tag).append(" ").append(escape_control_chars(text));
  line.push_back('\n');
  std::fwrite(line.data(), 1, line.size(), stdout);
  if (!flush_now) {
    std::lock_guard lock(batch_mutex);
    if (schedule_flush) {
      if (!flush_pending.exchange(true))
        schedule_flush();
      return;
    }
  }
  std::fflush(stdout);
}

}  // namespace

void console(std::string_view text) {
  if (!quiet_console)
    write_line("[SERVIDOR]", text, false);
}

void error(std::string_view text) {
  write_line("[ERROR]", text, true);
}

void set_quiet(bool quiet) {
  quiet_console = quiet;
}

void batch_flushes(std::function<void()> schedule) {
  {
    std::lock_guard lock(batch_mutex);
    schedule_flush = std::move(schedule);
  }
  flush();
}

void flush() {
  flush_pending = false;
  std::fflush(stdout);
}

}  // namespace tcs::log
