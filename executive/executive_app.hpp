// tcs-exec's dialogue: login with TOTP, then a loop of `:` commands (command_table.hpp) and chat
// lines. Server events (a customer wants to connect, chat lines, offer answers) are printed as
// they arrive.
#pragma once

#include "common/term/session.hpp"
#include "executive/command_table.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace tcs::executive {

class executive_app : public term::session {
 public:
  using term::session::session;

  // The whole session. 0 after :exit (or the end of the input once logged in); 1 when login
  // never succeeded or the connection was lost.
  boost::asio::awaitable<int> run(std::string host, std::uint16_t port);

 private:
  // Ctrl-C at the prompt: asks whether to end the chat (or, outside one, to log out); false
  // when the executive logs out.
  boost::asio::awaitable<bool> on_ctrl_c();
  // Runs one `:` command line through the table; false when the executive asked to exit.
  boost::asio::awaitable<bool> run_command(std::string_view line);
  // Sends a command's request (every page of its list, and its follow-up) and prints the
  // entry's rendering of the reply; a refusal is said by call().
  boost::asio::awaitable<void> execute(const command& cmd, json::object request);
  // Sends a non-command line to the current customer.
  boost::asio::awaitable<void> send_chat(std::string_view text);

  // Support events (a customer queued, chat lines, chat ended, offer answered); false for any
  // other type. (events.cpp)
  bool on_support_event(const json::object& event) override;
  // `chat.assigned`: a customer given by auto-assignment or transferred by another executive
  // (then with the conversation so far).
  void on_assigned(const json::object& event);

  served_customer customer_;
};

}  // namespace tcs::executive
