// Timestamped console lines.
#include "server/log/console.hpp"

#include "common/protocol/message.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <string>
#include <thread>

namespace tcs::log {

namespace {

std::atomic<bool> quiet_console = false;

// Batching: set once by the server before its loop runs (and cleared after it).
std::mutex batch_mutex;
std::function<void()> schedule_flush;
std::atomic<bool> flush_pending = false;

// The background writer (write_in_background). Allocated once and never freed: at exit its
// thread may still be blocked writing to a reader that stopped reading.
struct background_writer {
  std::mutex mutex;
  std::condition_variable wake;     // lines to write, or stop
  std::condition_variable drained;  // everything handed over was written
  std::string pending;              // at most console_buffer_bytes
  std::size_t dropped = 0;          // lines not kept since the last notice
  bool kicked = false;              // write what is pending now
  bool writing = false;             // the thread holds a batch
  bool stopping = false;
  bool broken = false;  // standard output failed for good (EPIPE...): lines are discarded
  std::thread thread;
};
background_writer* writer = nullptr;
std::atomic<bool> in_background = false;
std::atomic<bool> output_closed = false;  // after finish_background(): lines are discarded

// Whether standard output is the systemd journal's stream: JOURNAL_STREAM ("DEV:INODE") names
// the stream systemd connected, and it is still our standard output (not redirected since).
bool to_journal() {
  static const bool journal = [] {
    const char* env = std::getenv("JOURNAL_STREAM");
    unsigned long long dev = 0, ino = 0;
    struct stat st {};
    if (env == nullptr || std::sscanf(env, "%llu:%llu", &dev, &ino) != 2 ||
        ::fstat(STDOUT_FILENO, &st) != 0)
      return false;
    return st.st_dev == dev && st.st_ino == ino;
  }();
  return journal;
}

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

std::string make_line(std::string_view tag, std::string_view text) {
  // Lines quote peer input (emails, names, card names): escape control characters so a peer
  // cannot forge or split lines, and write bytes (not %s) so a NUL cannot truncate one.
  // Under journald the journal stamps the line itself and reads its priority from a syslog
  // prefix: <3> error, <6> informational (sd-daemon(3)).
  std::string line;
  line.reserve(32 + tag.size() + text.size());
  if (to_journal())
    line.append(tag == "[ERROR]" ? "<3>" : "<6>");
  else
    line.append(stamp_now()).append(" ");
  line.append(tag).append(" ").append(escape_control_chars(text));
  line.push_back('\n');
  return line;
}

// Writes all of `text` to standard output, blocking (on the writer's thread). False when the
// output is gone for good.
bool write_all(std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(STDOUT_FILENO, text.data(), text.size());
    if (n < 0) {
      if (errno == EINTR)
        continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {  // someone made it non-blocking
        ::usleep(10'000);
        continue;
      }
      return false;
    }
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

void writer_thread(background_writer& w) {
  std::unique_lock lock(w.mutex);
  for (;;) {
    w.wake.wait(lock, [&] { return w.kicked || w.stopping; });
    w.kicked = false;
    if (w.pending.empty()) {
      w.drained.notify_all();
      if (w.stopping)
        return;
      continue;
    }
    std::string batch;
    batch.swap(w.pending);
    w.writing = true;
    lock.unlock();
    const bool ok = w.broken || write_all(batch);
    lock.lock();
    w.writing = false;
    if (!ok)
      w.broken = true;
    if (!w.pending.empty())
      w.kicked = true;  // more arrived meanwhile: go on
    else
      w.drained.notify_all();
  }
}

// Hands a line to the writer thread; drops it (counted) when the buffer is full.
void queue_line(const std::string& line, bool kick) {
  std::lock_guard lock(writer->mutex);
  if (writer->dropped > 0) {
    const std::string notice =
        make_line("[ERROR]", "console: " + std::to_string(writer->dropped) +
                                 " lines dropped (standard output was not being read)");
    if (writer->pending.size() + notice.size() + line.size() > console_buffer_bytes) {
      ++writer->dropped;
      return;
    }
    writer->pending += notice;
    writer->dropped = 0;
  }
  if (writer->pending.size() + line.size() > console_buffer_bytes) {
    ++writer->dropped;
    return;
  }
  writer->pending += line;
  if (kick) {
    writer->kicked = true;
    writer->wake.notify_one();
  }
}

void write_line(std::string_view tag, std::string_view text, bool flush_now) {
  if (output_closed)
    return;
  const std::string line = make_line(tag, text);
  if (in_background) {
    bool kick = flush_now;
    if (!flush_now) {
      std::lock_guard lock(batch_mutex);
      if (!schedule_flush)
        kick = true;
      else if (!flush_pending.exchange(true))
        schedule_flush();
    }
    queue_line(line, kick);
    return;
  }
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
  if (in_background) {
    std::lock_guard lock(writer->mutex);
    writer->kicked = true;
    writer->wake.notify_one();
    return;
  }
  std::fflush(stdout);
}

void write_in_background() {
  if (in_background || output_closed)
    return;
  std::fflush(stdout);
  if (!writer)
    writer = new background_writer;  // NOLINT(cppcoreguidelines-owning-memory): see above
  writer->thread = std::thread(writer_thread, std::ref(*writer));
  in_background = true;
}

void finish_background(std::chrono::milliseconds wait) {
  if (!in_background)
    return;
  std::unique_lock lock(writer->mutex);
  writer->kicked = true;
  writer->wake.notify_one();
  const bool drained = writer->drained.wait_for(
      lock, wait, [] { return writer->pending.empty() && !writer->writing; });
  writer->stopping = true;
  writer->wake.notify_one();
  lock.unlock();
  output_closed = true;
  in_background = false;
  if (drained)
    writer->thread.join();
  else
    writer->thread.detach();  // blocked on a reader that does not read: left to the exit
}

}  // namespace tcs::log
