// Reconnect and resume: what happens when a logged-in connection is lost without a logout, and
// when a new connection brings the session back with its token (docs/protocol.md, "Resume").
//
// Contract:
// - watch_losses() installs the registry's loss listener. With --resume-grace S > 0, a
//   customer or executive whose connection is lost (server_state::leave() of a peer still
//   `resumable`: not logged out, not closed by the server on purpose, not during a shutdown)
//   is held for S seconds: its place in the queue or its chat stays; the other side of a chat
//   gets `chat.peer_lost` ("Ana perdió la conexión; esperando que vuelva…"); an executive is
//   not offered customers meanwhile (away in the desk, its availability restored on resume).
//   Otherwise the account's token is revoked and the departure listeners run as before.
// - issue_resume_token() gives a logged-in peer its token (login and resume replies) and makes
//   it resumable; nothing when the grace is 0.
// - The `resume` request {token} (a guest after hello): a token that is unknown, used,
//   revoked or past its grace is `resume_refused` and changes nothing. A right token whose
//   session is still live (the server has not noticed the loss) holds that session first. The
//   connection becomes the account's session: the reply is the login reply plus the new token,
//   `support` (menu / queue / chat, with position or partner) and `missed` (the number of
//   events kept meanwhile), which follow the reply in their order; the other side of a chat
//   gets `chat.peer_back`. A disabled account's hold ends (account_disabled).
// - end_due_holds() ends the holds past their grace (or overflowed, or of a disabled account)
//   exactly as a disconnect: the departure listeners run for the held peer. end_hold() ends
//   one now (a new login of a held account; shutdown: end_all_holds()).
// - hold_sweeper runs end_due_holds() every second on the loop until stop().
#pragma once

#include "server/dispatch/server_state.hpp"
#include "server/services/service_set.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace tcs {

inline constexpr std::chrono::seconds hold_sweep_interval{1};

void watch_losses(server_state& sessions, services::service_set& services);
// The new token for `p` (logged in), or "" when --resume-grace is 0.
std::string issue_resume_token(server_state& sessions, peer& p);
// Whether (r, account) has a live session, not a held one.
bool has_live_session(server_state& sessions, role r, std::int64_t account_id);

// `chat.peer_lost` (back = false) or `chat.peer_back` to the other side of `p`'s chat, if any.
void tell_chat_partner(server_state& sessions, services::service_set& services, const peer& p,
                       bool back);

std::size_t end_due_holds(server_state& sessions, services::service_set& services);
bool end_hold(server_state& sessions, services::service_set& services, role r,
              std::int64_t account_id);
void end_all_holds(server_state& sessions, services::service_set& services);

class hold_sweeper {
 public:
  hold_sweeper(boost::asio::any_io_executor executor, server_state& sessions,
               services::service_set& services);
  void start();  // nothing when --resume-grace is 0
  void stop();   // idempotent

 private:
  boost::asio::awaitable<void> run();

  server_state& sessions_;
  services::service_set& services_;
  boost::asio::steady_timer timer_;
  bool stopped_ = false;
};

}  // namespace tcs
