// Recent chat lengths and queue waits: the wait estimate a queued customer is shown and the
// average wait executives see in `:status`. Sans-io: the caller passes the time.
//
// Contract:
// - The estimate follows Comm100's formula: the first `free` customers are served as soon as
//   an executive takes them (estimate 0); the others wait
//   (floor((N - 1) / X) + 1) × the average length of the last `kept_chats` chats, where N is
//   the place among those who must wait for a chat to end and X the slots of the available
//   executives. No available executive: no estimate (nobody is going to serve).
// - Before any chat has ended the average length is `default_chat_s`.
// - The average wait covers the customers served in the last `wait_window_s` seconds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <utility>

namespace tcs::services {

class wait_stats {
 public:
  static constexpr std::size_t kept_chats = 20;
  static constexpr std::int64_t default_chat_s = 300;
  static constexpr std::int64_t wait_window_s = 3600;
  static constexpr std::size_t max_kept_waits = 10'000;  // bounds memory on a very busy hour

  void chat_ended(std::int64_t length_s);
  void customer_served(std::int64_t waited_s, std::int64_t now);

  std::int64_t average_chat_s() const;
  // nullopt when nobody was served in the last hour.
  std::optional<std::int64_t> average_wait_s(std::int64_t now) const;
  // The estimate for queue position `position` (1-based) with `free` free slots of available
  // executives out of `slots` in all; nullopt when `slots` is 0.
  std::optional<std::int64_t> estimate_s(std::size_t position, std::size_t free,
                                         std::size_t slots) const;

 private:
  std::deque<std::int64_t> chats_;                           // newest at the back
  std::deque<std::pair<std::int64_t, std::int64_t>> waits_;  // (served at, waited s)
};

}  // namespace tcs::services
