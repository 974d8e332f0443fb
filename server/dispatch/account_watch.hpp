// Logs out connected accounts that an administrator disabled (`tcs-server user disable`, run
// as another process on the same database file).
//
// Contract:
// - The look-up is the accounts service's (accounts_service::disabled_among): one short query
//   for the given connected ids. The watch stays in dispatch because what it does with the
//   answer is a session matter: an event to each peer, and closing it.
// - log_out_disabled() sends each logged-in peer whose account is disabled the event
//   {"type":"account_disabled","message":...} and closes it once that is flushed (its normal
//   teardown then leaves the queue or the chat and tells the other party). Peers already
//   closing ignore it, so a repeat is harmless. Returns how many peers it closed.
// - account_watch runs log_out_disabled() every account_watch_interval on the loop thread
//   until stop() (call it when the server shuts down, or the loop never runs out of work). A
//   database error is logged and the next round tries again.
#pragma once

#include "server/dispatch/server_state.hpp"
#include "server/services/accounts_service.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <span>

namespace tcs {

// How often the watch looks: services::disabled_logout_delay (accounts_service.hpp).
inline constexpr std::chrono::seconds account_watch_interval = services::disabled_logout_delay;

inline constexpr std::string_view account_disabled_message =
    "Su cuenta fue deshabilitada por un administrador.";

std::size_t log_out_disabled(server_state& sessions, services::accounts_service& accounts);

class account_watch {
 public:
  account_watch(boost::asio::any_io_executor executor, server_state& sessions,
                services::accounts_service& accounts,
                std::chrono::steady_clock::duration interval = account_watch_interval);

  // Spawns the timer loop on the executor. Call once.
  void start();
  // Ends the loop at its next wake-up, which is now. Idempotent.
  void stop();

 private:
  boost::asio::awaitable<void> run();

  server_state& sessions_;
  services::accounts_service& accounts_;
  boost::asio::steady_timer timer_;
  std::chrono::steady_clock::duration interval_;
  bool stopped_ = false;
};

}  // namespace tcs
