// Timestamped console lines.
#include "server/log/console.hpp"

#include "common/protocol/message.hpp"

#include <cstdio>
#include <ctime>
#include <string>

namespace tcs::log {

namespace {

bool quiet_console = false;

void write_line(std::string_view tag, std::string_view text) {
  std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &local);
  // Lines quote peer input (emails, names, card names): escape control characters so a peer
  // cannot forge or split lines, and write bytes (not %s) so a NUL cannot truncate one.
  std::string line = std::string(stamp) + " " + std::string(tag) + " " + escape_control_chars(text);
  line.push_back('\n');
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fflush(stdout);
}

}  // namespace

void console(std::string_view text) {
  if (!quiet_console)
    write_line("[SERVIDOR]", text);
}

void error(std::string_view text) {
  write_line("[ERROR]", text);
}

void set_quiet(bool quiet) {
  quiet_console = quiet;
}

}  // namespace tcs::log
