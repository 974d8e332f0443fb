// Recent chat lengths and queue waits.
#include "server/services/wait_stats.hpp"

#include <algorithm>

namespace tcs::services {

void wait_stats::chat_ended(std::int64_t length_s) {
  chats_.push_back(std::max<std::int64_t>(0, length_s));
  if (chats_.size() > kept_chats)
    chats_.pop_front();
}

void wait_stats::customer_served(std::int64_t waited_s, std::int64_t now) {
  waits_.emplace_back(now, std::max<std::int64_t>(0, waited_s));
  while (!waits_.empty() &&
         (waits_.front().first <= now - wait_window_s || waits_.size() > max_kept_waits))
    waits_.pop_front();
}

std::int64_t wait_stats::average_chat_s() const {
  if (chats_.empty())
    return default_chat_s;
  std::int64_t sum = 0;
  for (auto length : chats_)
    sum += length;
  return sum / static_cast<std::int64_t>(chats_.size());
}

std::optional<std::int64_t> wait_stats::average_wait_s(std::int64_t now) const {
  std::int64_t sum = 0;
  std::int64_t count = 0;
  for (const auto& [at, waited] : waits_) {
    if (at <= now - wait_window_s)
      continue;
    sum += waited;
    ++count;
  }
  if (count == 0)
    return std::nullopt;
  return sum / count;
}

std::optional<std::int64_t> wait_stats::estimate_s(std::size_t position, std::size_t free,
                                                   std::size_t slots) const {
  if (slots == 0 || position == 0)
    return std::nullopt;
  if (position <= free)
    return 0;
  const std::size_t behind = position - free;  // N: waits for a chat to end
  const auto rounds = static_cast<std::int64_t>((behind - 1) / slots + 1);
  return rounds * average_chat_s();
}

}  // namespace tcs::services
