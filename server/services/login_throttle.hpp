// Login throttling (sans-io): failed logins per account and per source address first slow the
// next attempts down, then lock them out for a while. Keys are what the client typed (the
// lower-cased email), so unknown emails are throttled exactly like real ones and the answers
// never reveal which accounts exist.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace tcs::services {

struct throttle_policy {
  int slow_after = 3;                // failures before attempts are delayed
  std::int64_t max_delay_ms = 4000;  // delay doubles from 500 ms up to this
  int lock_after = 10;               // account failures within the window that lock it
  int address_lock_after = 50;       // failures from one address (any accounts) that lock it
  std::int64_t window_s = 900;       // failures older than this are forgotten
  std::int64_t lock_s = 900;         // how long a lock lasts
};

// At most this many keys are remembered; beyond it expired entries are pruned, and if none are,
// the oldest are dropped, so a flood of distinct emails cannot grow memory without bound.
inline constexpr std::size_t max_throttle_entries = 100000;

class login_throttle {
 public:
  explicit login_throttle(throttle_policy policy = {}) : policy_(policy) {}

  struct verdict {
    bool locked = false;
    std::int64_t retry_after_s = 0;  // when locked
    std::int64_t delay_ms = 0;       // wait this long before answering the attempt
  };
  // Before checking a password: locked (refuse even a right password) or how long to slow down.
  verdict check(std::string_view account_key, std::string_view address, std::int64_t now) const;

  struct locks {
    bool account = false;  // this failure locked the account
    bool address = false;  // this failure locked the address
  };
  locks record_failure(std::string_view account_key, std::string_view address, std::int64_t now);

  // A successful login clears the account's failures (not the address's).
  void record_success(std::string_view account_key);

  const throttle_policy& policy() const noexcept { return policy_; }

 private:
  struct entry {
    int failures = 0;
    std::int64_t first_failure_at = 0;
    std::int64_t locked_until = 0;
  };
  using table = std::unordered_map<std::string, entry>;

  static bool note_failure(table& t, std::string_view key, std::int64_t now, int lock_after,
                           const throttle_policy& p);
  static void prune(table& t, std::int64_t now, const throttle_policy& p);

  throttle_policy policy_;
  table accounts_;
  table addresses_;
};

}  // namespace tcs::services
