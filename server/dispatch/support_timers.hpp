// The support desk's time limits (`--max-queue-wait`, `--chat-idle-close`): a sweep that applies
// them, and the timer that runs it on the loop.
//
// Contract:
// - sweep() asks the desk to expire() at the services' time with the configured limits, then
//   tells everyone concerned, after the desk is consistent (support_common.hpp):
//   - a customer who waited too long gets `queue.timeout` {message, waited_s} and is back in
//     the menu; those behind it get `queue.position`; available free executives get
//     `queue.left` {reason: "timeout"}, the others `queue.count`; activity `queue_timeout`;
//   - both sides of an idle chat get `offer.cancelled` {reason: "idle"} when an offer was open,
//     then `chat.ended` {reason: "idle"}; activity `chat_end` (the executive's, naming the
//     customer); the executive is free (auto-assignment, `queue.waiting`).
//   Returns how many customers and chats it ended.
// - support_timers runs sweep() every support_sweep_interval on the loop until stop() (call it
//   when the server shuts down, or the loop never runs out of work). Limits are whole seconds,
//   so a limit is applied at most one interval late.
#pragma once

#include "server/dispatch/server_state.hpp"
#include "server/services/service_set.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstddef>

namespace tcs {

inline constexpr std::chrono::seconds support_sweep_interval{1};

std::size_t sweep_support_limits(server_state& sessions, services::service_set& services);

class support_timers {
 public:
  support_timers(boost::asio::any_io_executor executor, server_state& sessions,
                 services::service_set& services);

  // Spawns the timer loop on the executor (nothing when both limits are off). Call once.
  void start();
  // Ends the loop at its next wake-up, which is now. Idempotent.
  void stop();

 private:
  boost::asio::awaitable<void> run();

  server_state& sessions_;
  services::service_set& services_;
  boost::asio::steady_timer timer_;
  bool stopped_ = false;
};

}  // namespace tcs
