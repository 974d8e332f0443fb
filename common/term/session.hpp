// What both terminal apps (tcs-client, tcs-exec) share: the terminal and the connection, the
// assistant's voice, the connect + login prologue and logout epilogue, and the events that can
// end any session (shutdown, timeout, account_disabled, connection_lost). An app derives from
// term::session and handles its own (support) events in on_support_event().
//
// Reconnect (reconnect.cpp): once logged in, a lost connection is made again on its own, with
// backoff (reconnect_delays), and the session taken back with the login's `resume_token`
// (docs/protocol.md, "Resume"); the person is told, the line being typed is left alone (the
// read is not interrupted), and a request made meanwhile waits and goes out on the new
// connection. The events kept by the server follow as usual. A refused resume, or the last
// attempt failing, ends the session as a lost connection did before. Not after `shutdown` or
// `account_disabled`.
#pragma once

#include "common/net/client_connection.hpp"
#include "common/term/terminal.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <chrono>

#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <memory>
#include <optional>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace tcs::term {

// The waits before each reconnection attempt. Why these: the first tries at once after a
// blip; doubling spares a server that is restarting; about 43 s in all, inside the server's
// default --resume-grace (60 s), after which a resume is refused anyway.
inline constexpr std::array<std::chrono::milliseconds, 6> reconnect_delays{
    std::chrono::milliseconds(500), std::chrono::seconds(1),  std::chrono::seconds(3),
    std::chrono::seconds(6),        std::chrono::seconds(12), std::chrono::seconds(20)};

class session {
 public:
  // Routes every server event to on_event(); events before the login went through are
  // ignored (the connection is only made once the credentials are typed).
  session(terminal& term, std::shared_ptr<client_connection> conn);
  virtual ~session() = default;
  session(const session&) = delete;
  session& operator=(const session&) = delete;

  // Closes the connection in use (run_program calls it when the app ends, however it ends),
  // and stops reconnecting.
  void close_connection();

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

  // Reconnect (reconnect.cpp).
  void start_reconnecting();
  boost::asio::awaitable<void> reconnect();
  boost::asio::awaitable<bool> try_resume(int attempt);
  boost::asio::awaitable<std::shared_ptr<client_connection>> wait_reconnected();
  void finish_reconnecting(bool resumed);

  std::string host_;
  std::uint16_t port_ = 0;
  std::string resume_token_;                // from the login or the last resume; "" when none
  bool reconnecting_ = false;               // reconnect() is running
  bool may_reconnect_ = true;               // false after shutdown, account_disabled or the end
  bool resuming_ = false;                   // a resume is waiting for its reply
  std::vector<json::object> early_events_;  // events that came with it, said after it
  std::optional<boost::asio::steady_timer> pause_;    // reconnect()'s backoff
  std::optional<boost::asio::steady_timer> resumed_;  // wait_reconnected()'s wake-up
  std::string client_name_;
  bool connected_once_ = false;
  bool logged_in_ = false;
  boost::asio::steady_timer typing_timer_;
  std::chrono::steady_clock::time_point last_typing_notice_{};
};

}  // namespace tcs::term
