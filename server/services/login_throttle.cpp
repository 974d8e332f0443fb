// Failed-login bookkeeping: turns, growing delays and the hourly ceiling.
#include "server/services/login_throttle.hpp"

#include <algorithm>
#include <vector>

namespace tcs::services {

namespace {

constexpr std::int64_t hour_ms = 3600 * 1000;

// Keeps a table under max_throttle_entries: forgets what `expired` says, then, if that was not
// enough, the older half by `age` (a flood of distinct keys must not grow memory).
template <class Table, class Expired, class Age>
void prune(Table& t, Expired expired, Age age) {
  std::erase_if(t, [&](const auto& kv) { return expired(kv.second); });
  if (t.size() < max_throttle_entries)
    return;
  std::vector<std::int64_t> ages;
  ages.reserve(t.size());
  for (const auto& kv : t)
    ages.push_back(age(kv.second));
  auto mid = ages.begin() + static_cast<std::ptrdiff_t>(ages.size() / 2);
  std::nth_element(ages.begin(), mid, ages.end());
  const std::int64_t cutoff = *mid;
  std::erase_if(t, [&](const auto& kv) { return age(kv.second) <= cutoff; });
}

std::string pair_key(std::string_view account_key, std::string_view address) {
  std::string key(account_key);
  key += '\n';  // cannot occur in an address, so pairs never collide with plain emails
  key += address;
  return key;
}

}  // namespace

login_throttle::entry& login_throttle::find_or_add(table& t, std::string_view key,
                                                   std::int64_t now) {
  const auto forgotten = [&](const entry& e) {
    return now - e.last_at >= policy_.window_ms && e.next_at <= now;
  };
  auto it = t.find(std::string(key));
  if (it == t.end()) {
    if (t.size() >= max_throttle_entries)
      prune(t, forgotten, [](const entry& e) { return e.last_at; });
    it = t.emplace(std::string(key), entry{}).first;
  } else if (forgotten(it->second)) {
    it->second = entry{};
  }
  return it->second;
}

login_throttle::hour& login_throttle::hour_of(std::string_view account_key, std::int64_t now) {
  const auto over = [&](const hour& h) { return now - h.start >= hour_ms; };
  auto it = hourly_.find(std::string(account_key));
  if (it == hourly_.end()) {
    if (hourly_.size() >= max_throttle_entries)
      prune(hourly_, over, [](const hour& h) { return h.start; });
    it = hourly_.emplace(std::string(account_key), hour{now, 0}).first;
  } else if (over(it->second)) {
    it->second = hour{now, 0};
  }
  return it->second;
}

bool login_throttle::is_known(std::string_view account_key, std::string_view address) const {
  auto it = known_.find(std::string(account_key));
  return it != known_.end() &&
         std::find(it->second.begin(), it->second.end(), address) != it->second.end();
}

login_throttle::admission login_throttle::admit(std::string_view account_key,
                                                std::string_view address, std::int64_t now) {
  admission a;
  hour& h = hour_of(account_key, now);
  if (h.failures >= policy_.max_failures_per_hour) {
    a.retry_after_ms = h.start + hour_ms - now;
    return a;
  }

  // The schedules this attempt runs on, with the failures each lets through without delay.
  struct schedule {
    entry* e;
    int free;
    bool* slowed;
  };
  std::vector<schedule> schedules;
  if (is_known(account_key, address)) {
    schedules.push_back({&find_or_add(accounts_, pair_key(account_key, address), now),
                         policy_.slow_after, &a.slowed_account});
  } else {
    schedules.push_back(
        {&find_or_add(accounts_, account_key, now), policy_.slow_after, &a.slowed_account});
    schedules.push_back(
        {&find_or_add(addresses_, address, now), policy_.address_slow_after, &a.slowed_address});
  }

  std::int64_t turn = now;
  for (const schedule& s : schedules) {
    if (s.e->failures >= s.free)
      turn = std::max(turn, s.e->next_at);
  }
  if (turn - now > policy_.max_wait_ms) {
    a.retry_after_ms = turn - now;
    return a;
  }

  a.admitted = true;
  a.wait_ms = turn - now;
  ++h.failures;
  for (const schedule& s : schedules) {
    const int over = s.e->failures - s.free;
    ++s.e->failures;
    s.e->last_at = now;
    if (over >= 0) {
      const std::int64_t delay =
          std::min(policy_.max_delay_ms, policy_.first_delay_ms << std::min(over, 30));
      s.e->next_at = turn + delay;
      *s.slowed = over == 0;
    }
  }
  return a;
}

void login_throttle::record_success(std::string_view account_key, std::string_view address) {
  if (is_known(account_key, address)) {
    accounts_.erase(pair_key(account_key, address));
  } else {
    accounts_.erase(std::string(account_key));
    if (auto it = addresses_.find(std::string(address));
        it != addresses_.end() && it->second.failures > 0)
      --it->second.failures;
  }
  if (auto it = hourly_.find(std::string(account_key));
      it != hourly_.end() && it->second.failures > 0)
    --it->second.failures;
  remember(account_key, address);
}

void login_throttle::remember(std::string_view account_key, std::string_view address) {
  auto it = known_.find(std::string(account_key));
  if (it == known_.end()) {
    // Known addresses are only added by real logins, so this is bounded by the accounts; the
    // cap is for safety. Forgetting some only means their owners are scheduled like strangers.
    if (known_.size() >= max_throttle_entries)
      known_.clear();
    it = known_.emplace(std::string(account_key), std::vector<std::string>{}).first;
  }
  auto& list = it->second;
  std::erase(list, address);
  list.insert(list.begin(), std::string(address));
  if (list.size() > policy_.known_addresses)
    list.resize(policy_.known_addresses);
}

}  // namespace tcs::services
