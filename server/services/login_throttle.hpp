// Login throttling (sans-io): growing delays per account and per source address, never a hard
// lock of the owner (OWASP ASVS 5 6.1.1 and 6.3.1: no malicious account lockout; ASVS 4 2.2.1:
// at most 100 failed attempts per hour per account). docs/security.md explains the policy.
//
// An attempt is counted when it is ADMITTED (before its password is hashed), not when its
// result comes back, so attempts in flight count: 300 concurrent attempts for one account get
// the same few admissions as 300 sequential ones. Each admitted attempt is given a turn (a
// time at which its hash may start); the first `slow_after` failures of a key have no delay,
// then each further attempt starts `first_delay_ms` after the previous one, doubling up to
// `max_delay_ms`. An attempt whose turn is more than `max_wait_ms` away is refused at once
// with the time to retry (and not counted). A success undoes its own count and clears the
// account's delays.
//
// Keys are what the client typed (the lower-cased email), so unknown emails are throttled
// exactly like real ones and the answers never reveal which accounts exist. An address from
// which the account logged in successfully before (one of its last `known_addresses`) is
// "known" for it: attempts from there are scheduled on their own key (account + address) and
// skip the account's and the address's schedules, so an attacker elsewhere (or a neighbour
// behind the same NAT guessing other accounts) cannot delay the owner at home.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tcs::services {

struct throttle_policy {
  int slow_after = 3;           // failures of one account before its attempts are spaced out
  int address_slow_after = 20;  // failures from one address (any accounts) before the same
  // The first spacing between two attempts of a slowed key; it doubles with each failure.
  std::int64_t first_delay_ms = 1000;
  // The spacing stops growing here: with 60 s, an account gets at most about 70 attempts an
  // hour from unknown addresses (3 free + 6 while the delay grows + 60), under ASVS's 100.
  std::int64_t max_delay_ms = 60000;
  // An attempt waits for its turn (the reply is held) at most this long; a later turn is
  // refused at once with too_many_attempts and the time to retry. Well under the 30 s login
  // timeout, so a waiting guest is answered before it is cut.
  std::int64_t max_wait_ms = 8000;
  // A key with no attempt for this long is forgotten (its delays end).
  std::int64_t window_ms = 15 * 60 * 1000;
  // ASVS 4 2.2.1: failed attempts per account per hour, counted over every address (known
  // ones included). Beyond it the account is refused until the hour ends; the delays above
  // keep an attacker well under it, so in practice only a sustained distributed attack that
  // also guesses from the owner's known addresses reaches it.
  int max_failures_per_hour = 100;
  std::size_t known_addresses = 4;  // remembered per account (most recent successes)
};

// At most this many keys are remembered per table; beyond it expired entries are pruned, and
// if none are, the oldest are dropped, so a flood of distinct emails cannot grow memory
// without bound.
inline constexpr std::size_t max_throttle_entries = 100000;

class login_throttle {
 public:
  explicit login_throttle(throttle_policy policy = {}) : policy_(policy) {}

  struct admission {
    bool admitted = false;
    std::int64_t wait_ms = 0;         // admitted: wait this long before hashing
    std::int64_t retry_after_ms = 0;  // refused: how long until its turn would come
    bool slowed_account = false;      // admitted: the account's delays start with this one
    bool slowed_address = false;      // admitted: the address's delays start with this one
  };
  // Before hashing an attempt for `account_key` from `address` at `now_ms` (a monotonic clock):
  // refuses it, or counts it as a failure (undone by record_success) and gives its turn.
  admission admit(std::string_view account_key, std::string_view address, std::int64_t now_ms);

  // The attempt admitted for this account and address was right: its count is undone, the
  // schedule it ran on is cleared, and the address becomes known for the account.
  void record_success(std::string_view account_key, std::string_view address);

  bool is_known(std::string_view account_key, std::string_view address) const;
  const throttle_policy& policy() const noexcept { return policy_; }

 private:
  struct entry {
    int failures = 0;          // admitted and not undone
    std::int64_t next_at = 0;  // no slowed attempt starts before this
    std::int64_t last_at = 0;  // the latest admission (for forgetting)
  };
  using table = std::unordered_map<std::string, entry>;
  struct hour {
    std::int64_t start = 0;
    int failures = 0;
  };

  entry& find_or_add(table& t, std::string_view key, std::int64_t now);
  hour& hour_of(std::string_view account_key, std::int64_t now);
  void remember(std::string_view account_key, std::string_view address);

  throttle_policy policy_;
  table accounts_;   // by email, and by email + '\n' + address for known addresses
  table addresses_;  // by address
  std::unordered_map<std::string, hour> hourly_;  // by email: the ASVS hourly ceiling
  std::unordered_map<std::string, std::vector<std::string>> known_;  // email -> addresses
};

}  // namespace tcs::services
