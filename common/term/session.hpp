// What both terminal apps (tcs-client, tcs-exec) share: the terminal and the connection, the
// assistant's voice, the connect + login prologue and logout epilogue, and the events that can
// end any session (shutdown, timeout, account_disabled, connection_lost). An app derives from
// term::session and handles its own (support) events in on_support_event().
#pragma once

#include "common/net/client_connection.hpp"
#include "common/term/terminal.hpp"

#include <boost/asio/awaitable.hpp>

#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <memory>
#include <optional>

#include <chrono>
#include <string>
#include <string_view>

namespace tcs::term {

class session {
 public:
  // Routes every server event to on_event(); events before the login went through are
  // ignored (the connection is only made once the credentials are typed).
  session(terminal& term, std::shared_ptr<client_connection> conn);
  virtual ~session() = default;
  session(const session&) = delete;
  session& operator=(const session&) = delete;

  // Closes the connection in use (run_program calls it when the app ends, however it ends).
  void close_connection() { conn_->close(); }

 protected:
  // Prints the banner, reads the credentials (login_flow.hpp), then connects as `client_name`
  // and logs in, until the server accepts. A refused code (bad_totp, totp_used) asks for the
  // code alone; a connection the server closed meanwhile (its login time limit) is made again
  // without a word. Returns the server's login reply (first_name_ is set), or nullopt when
  // the person left (Ctrl-D or Ctrl-C: left_ is set, "¡Hasta pronto!" said) or the connection
  // failed (the reason has been printed).
  boost::asio::awaitable<std::optional<json::object>> log_in(std::string host, std::uint16_t port,
                                                             std::string client_name,
                                                             bool executive);
  // Logs out, says `farewell` and closes the connection.
  boost::asio::awaitable<void> log_out(std::string farewell);

  void say(std::string_view text);  // "Asistente: ..."

  // The one way the apps send a request: the reply or the error. A refusal's Spanish message
  // is said here; a transport failure is not (on_event() tells the lost connection once).
  // Requests whose refusal the app words itself go through conn_->request() directly.
  boost::asio::awaitable<request_result> call(json::object request);
  // call() for a paged list: every page of `list`, merged into the first reply (pages.hpp).
  boost::asio::awaitable<request_result> call_all(json::object request, std::string_view list);

  // Typing notices (chat.typing, docs/protocol.md "Agent tools"). typing_notice() sends one,
  // at most every typing_notice_interval, without waiting for the reply; typing_shown() shows
  // "<who> está escribiendo…" in front of the prompt until typing_done() or 5 s without
  // another.
  void typing_notice();
  void typing_shown(std::string_view who);
  void typing_done();

  // The app's events (support queue, chat, offers, operations); false for any other type.
  virtual bool on_support_event(const json::object& event) = 0;

  terminal& term_;
  std::shared_ptr<client_connection> conn_;
  std::string first_name_;
  // Set (and the pending read interrupted) when the connection is gone or about to go.
  bool connection_lost_ = false;
  // The person left at the login prompts (Ctrl-D, Ctrl-C) before any refused attempt: not a
  // failure (exit status 0). After a refused attempt, leaving still exits 1.
  bool left_ = false;

 private:
  // shutdown/timeout/account_disabled: the server's message is said; account_disabled and
  // connection_lost also set connection_lost_ and interrupt the pending read. Anything else
  // goes to on_support_event().
  void on_event(const json::object& event);
  // Sends the login request, connecting first when there is no open connection; once more
  // on a fresh connection when the server had closed the old one.
  boost::asio::awaitable<request_result> send_login(json::object request);

  std::string host_;
  std::uint16_t port_ = 0;
  std::string client_name_;
  bool connected_once_ = false;
  bool logged_in_ = false;
  boost::asio::steady_timer typing_timer_;
  std::chrono::steady_clock::time_point last_typing_notice_{};
};

}  // namespace tcs::term
