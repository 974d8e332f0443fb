// tcs-exec's dialogue: login with TOTP, then a loop of `:` commands and chat lines. Server
// events (a customer wants to connect, chat lines, offer answers) are printed as they arrive.
#pragma once

#include "common/term/session.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
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
  // Runs one `:` command line; false when the executive asked to exit.
  boost::asio::awaitable<bool> run_command(std::string_view line);
  // Sends a non-command line to the current customer. (commands.cpp)
  boost::asio::awaitable<void> send_chat(std::string_view text);

  // Sends a request; on failure prints the server's message and returns nullopt. (commands.cpp)
  boost::asio::awaitable<std::optional<json::object>> call(json::object request);
  // call() for a paged list: every page of `list`, merged into the first reply.
  boost::asio::awaitable<std::optional<json::object>> call_all(json::object request,
                                                               std::string_view list);

  // Support events (a customer queued, chat lines, chat ended, offer answered); false for any
  // other type. (commands.cpp)
  bool on_support_event(const json::object& event) override;

  // The customer being served (set by :connect, cleared when the chat ends); only for labels:
  // the server decides whether there is a chat.
  std::string customer_name_;
  std::string customer_first_name_;
};

}  // namespace tcs::executive
