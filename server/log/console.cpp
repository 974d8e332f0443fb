// Timestamped console lines.
#include "server/log/console.hpp"

#include <cstdio>
#include <ctime>

namespace tcs::log {

namespace {

bool quiet_console = false;

void write_line(std::string_view tag, std::string_view text) {
  std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &local);
  std::fprintf(stdout, "%s %.*s %.*s\n", stamp, static_cast<int>(tag.size()), tag.data(),
               static_cast<int>(text.size()), text.data());
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
