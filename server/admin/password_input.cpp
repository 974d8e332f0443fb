// Password prompts without echo (termios) and from a pipe.
#include "server/admin/password_input.hpp"

#include "server/services/password_policy.hpp"

#include <termios.h>
#include <unistd.h>

#include <csignal>
#include <iostream>

namespace tcs::admin {
namespace {

// The settings to put back if a signal ends the program while echo is off.
termios saved_settings;

extern "C" void restore_terminal_and_reraise(int sig) {
  ::tcsetattr(STDIN_FILENO, TCSANOW, &saved_settings);  // async-signal-safe
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

// Turns echo off for its lifetime; restores the terminal and the signal handlers after.
class echo_off {
 public:
  echo_off() {
    if (::tcgetattr(STDIN_FILENO, &saved_settings) != 0) {
      return;
    }
    active_ = true;
    old_int_ = std::signal(SIGINT, restore_terminal_and_reraise);
    old_term_ = std::signal(SIGTERM, restore_terminal_and_reraise);
    old_hup_ = std::signal(SIGHUP, restore_terminal_and_reraise);
    termios quiet = saved_settings;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet.c_lflag |= ECHONL;  // still echo the Enter, so the next prompt starts on a new line
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  ~echo_off() {
    if (!active_) {
      return;
    }
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_settings);
    std::signal(SIGINT, old_int_);
    std::signal(SIGTERM, old_term_);
    std::signal(SIGHUP, old_hup_);
  }
  echo_off(const echo_off&) = delete;
  echo_off& operator=(const echo_off&) = delete;

 private:
  bool active_ = false;
  void (*old_int_)(int) = SIG_DFL;
  void (*old_term_)(int) = SIG_DFL;
  void (*old_hup_)(int) = SIG_DFL;
};

bool read_line(std::string& line) {
  if (!std::getline(std::cin, line)) {
    return false;
  }
  if (!line.empty() && line.back() == '\r') {
    line.pop_back();
  }
  return true;
}

}  // namespace

checked<std::string> check_admin_password(std::string password, std::size_t min_length) {
  if (password.empty()) {
    return input_error{0, "the password is empty"};
  }
  if (!is_valid_utf8(password) || has_control_chars(password)) {
    return input_error{0, "the password must be UTF-8 text without control characters"};
  }
  if (services::utf8_length(password) < min_length) {
    return input_error{0, "the password is shorter than " + std::to_string(min_length) +
                              " characters (see --min-password-length)"};
  }
  if (password.size() > services::max_password_bytes) {
    return input_error{0, "the password is longer than " +
                              std::to_string(services::max_password_bytes) + " bytes"};
  }
  return password;
}

checked<std::string> read_new_password(std::size_t min_length) {
  std::string first;
  if (!::isatty(STDIN_FILENO)) {
    if (!read_line(first)) {
      return input_error{0, "no password on standard input (give it as one line)"};
    }
    return check_admin_password(std::move(first), min_length);
  }
  std::string second;
  bool complete = false;
  {
    echo_off quiet;
    std::cerr << "Password (at least " << min_length << " characters): " << std::flush;
    if (read_line(first)) {
      std::cerr << "Repeat the password: " << std::flush;
      complete = read_line(second);
    }
  }
  if (!complete) {
    std::cerr << "\n";
    return input_error{0, "no password entered"};
  }
  if (first != second) {
    return input_error{0, "the two passwords do not match"};
  }
  return check_admin_password(std::move(first), min_length);
}

}  // namespace tcs::admin
