// Failed-login bookkeeping for throttling and locks.
#include "server/services/login_throttle.hpp"

#include <algorithm>
#include <vector>

namespace tcs::services {

namespace {

template <class Table>
const typename Table::mapped_type* find(const Table& t, std::string_view key) {
  auto it = t.find(std::string(key));
  return it == t.end() ? nullptr : &it->second;
}

}  // namespace

login_throttle::verdict login_throttle::check(std::string_view account_key,
                                              std::string_view address, std::int64_t now) const {
  verdict v;
  for (const entry* e : {find(accounts_, account_key), find(addresses_, address)}) {
    if (e && e->locked_until > now) {
      v.locked = true;
      v.retry_after_s = std::max(v.retry_after_s, e->locked_until - now);
    }
  }
  if (v.locked)
    return v;
  const entry* account = find(accounts_, account_key);
  if (account && now - account->first_failure_at < policy_.window_s &&
      account->failures >= policy_.slow_after) {
    const int doublings = std::min(account->failures - policy_.slow_after, 16);
    v.delay_ms = std::min<std::int64_t>(policy_.max_delay_ms, std::int64_t{500} << doublings);
  }
  return v;
}

bool login_throttle::note_failure(table& t, std::string_view key, std::int64_t now, int lock_after,
                                  const throttle_policy& p) {
  if (t.size() >= max_throttle_entries)
    prune(t, now, p);
  entry& e = t[std::string(key)];
  if (e.failures == 0 || now - e.first_failure_at >= p.window_s) {
    e.failures = 0;
    e.first_failure_at = now;
  }
  ++e.failures;
  if (e.failures >= lock_after && e.locked_until <= now) {
    e.locked_until = now + p.lock_s;
    e.failures = 0;  // after the lock, counting starts again
    return true;
  }
  return false;
}

void login_throttle::prune(table& t, std::int64_t now, const throttle_policy& p) {
  std::erase_if(t, [&](const auto& kv) {
    return kv.second.locked_until <= now && now - kv.second.first_failure_at >= p.window_s;
  });
  // Still full of live entries: forget the oldest half rather than grow.
  if (t.size() >= max_throttle_entries) {
    std::vector<std::int64_t> starts;
    starts.reserve(t.size());
    for (const auto& kv : t)
      starts.push_back(kv.second.first_failure_at);
    auto mid = starts.begin() + static_cast<std::ptrdiff_t>(starts.size() / 2);
    std::nth_element(starts.begin(), mid, starts.end());
    const std::int64_t cutoff = *mid;
    std::erase_if(t, [&](const auto& kv) {
      return kv.second.first_failure_at <= cutoff && kv.second.locked_until <= now;
    });
  }
}

login_throttle::locks login_throttle::record_failure(std::string_view account_key,
                                                     std::string_view address, std::int64_t now) {
  locks l;
  l.account = note_failure(accounts_, account_key, now, policy_.lock_after, policy_);
  l.address = note_failure(addresses_, address, now, policy_.address_lock_after, policy_);
  return l;
}

void login_throttle::record_success(std::string_view account_key) {
  accounts_.erase(std::string(account_key));
}

}  // namespace tcs::services
