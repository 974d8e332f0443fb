// Login throttling: attempts counted at admission (in flight), growing delays per account and
// per address, no lock of the owner at a known address, the hourly ceiling, expiry, bounds.
#include "server/services/login_throttle.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

using tcs::services::login_throttle;
using tcs::services::throttle_policy;

namespace {

constexpr std::int64_t second = 1000;
constexpr std::int64_t hour = 3600 * second;

// Admits attempts for (account, address) at `now` until one is refused; how many were admitted.
int admit_until_refused(login_throttle& t, const std::string& account, const std::string& address,
                        std::int64_t now, int max = 1000) {
  int admitted = 0;
  while (admitted < max && t.admit(account, address, now).admitted)
    ++admitted;
  return admitted;
}

}  // namespace

TEST_CASE("attempts in flight count: a burst at one instant admits only the designed few",
          "[throttle]") {
  login_throttle t;  // defaults: 3 free, then turns 1 s apart doubling, at most 8 s of waiting
  std::vector<std::int64_t> waits;
  int refused = 0;
  for (int i = 0; i < 301; ++i) {
    auto a = t.admit("ana@example.com", "10.0.0.1", 5 * hour);
    if (a.admitted) {
      waits.push_back(a.wait_ms);
    } else {
      ++refused;
      CHECK(a.retry_after_ms > t.policy().max_wait_ms);
    }
  }
  // 3 at once, then turns at +0, +1, +3, +7 s; the next (+15 s) is beyond the 8 s wait.
  CHECK(waits == std::vector<std::int64_t>{0, 0, 0, 0, 1000, 3000, 7000});
  CHECK(refused == 294);
  // The right password arriving now is no exception: its turn is 15 s away, it is refused.
  CHECK_FALSE(t.admit("ana@example.com", "10.0.0.1", 5 * hour).admitted);
}

TEST_CASE("delays grow to the cap and never lock; under 100 failures an hour", "[throttle]") {
  login_throttle t;
  const std::int64_t start = 7 * hour;
  std::int64_t now = start;
  std::int64_t previous_turn = 0;
  std::vector<std::int64_t> gaps;
  int admitted = 0;
  // An attacker retrying for one hour, each time as soon as it may.
  while (now < start + hour) {
    auto a = t.admit("ana@example.com", "10.0.0." + std::to_string(admitted % 200), now);
    if (!a.admitted) {
      now += a.retry_after_ms - t.policy().max_wait_ms;
      continue;
    }
    ++admitted;
    const std::int64_t turn = now + a.wait_ms;
    if (previous_turn)
      gaps.push_back(turn - previous_turn);
    previous_turn = turn;
    now = turn;
  }
  CHECK(admitted <= 100);
  CHECK(admitted >= 60);  // still usable: a delay, not a lock
  REQUIRE(gaps.size() > 12);
  CHECK(gaps[0] == 0);
  CHECK(gaps[3] == 1000);
  CHECK(gaps[4] == 2000);
  CHECK(gaps[5] == 4000);
  CHECK(gaps.back() == t.policy().max_delay_ms);
  CHECK(*std::max_element(gaps.begin(), gaps.end()) == t.policy().max_delay_ms);
}

TEST_CASE("the hourly ceiling holds even when the delays are tiny", "[throttle]") {
  throttle_policy p;
  p.first_delay_ms = 1;
  p.max_delay_ms = 1;
  login_throttle t(p);
  std::int64_t now = 0;
  int admitted = 0;
  for (int i = 0; i < 500; ++i, now += 10) {
    auto a = t.admit("ana@example.com", "10.0.0." + std::to_string(i % 250), now);
    if (a.admitted) {
      ++admitted;
    } else {
      CHECK(a.retry_after_ms > 50 * 60 * second);  // until the hour that began at 0 ends
    }
  }
  CHECK(admitted == p.max_failures_per_hour);
  CHECK(t.admit("ana@example.com", "10.0.0.1", hour).admitted);  // the next hour
}

TEST_CASE("a success clears the account's delays and undoes its own count", "[throttle]") {
  login_throttle t;
  const std::int64_t now = hour;
  CHECK(admit_until_refused(t, "ana@example.com", "10.0.0.1", now) == 7);
  t.record_success("ana@example.com", "10.0.0.1");
  // The address is now known for ana: its own schedule, fresh.
  CHECK(t.is_known("ana@example.com", "10.0.0.1"));
  auto a = t.admit("ana@example.com", "10.0.0.1", now);
  CHECK(a.admitted);
  CHECK(a.wait_ms == 0);
}

TEST_CASE("an attacker elsewhere cannot lock the owner out of a known address", "[throttle]") {
  login_throttle t;
  std::int64_t now = hour;
  CHECK(t.admit("ana@example.com", "10.0.0.1", now).admitted);
  t.record_success("ana@example.com", "10.0.0.1");  // ana logs in from home once

  // Someone hammers ana's account from many addresses until it is refused.
  for (int i = 0; i < 50; ++i)
    t.admit("ana@example.com", "198.51.100." + std::to_string(i), now);
  CHECK_FALSE(t.admit("ana@example.com", "198.51.100.99", now).admitted);

  // Ana at home is not slowed by it, even with a typo or two.
  for (int i = 0; i < 3; ++i) {
    auto a = t.admit("ana@example.com", "10.0.0.1", now);
    CHECK(a.admitted);
    CHECK(a.wait_ms == 0);
  }
  // But guessing from her address is throttled like anywhere else.
  CHECK(admit_until_refused(t, "ana@example.com", "10.0.0.1", now) == 4);
}

TEST_CASE("one address trying many accounts is spaced out; other addresses are not", "[throttle]") {
  login_throttle t;
  const std::int64_t now = hour;
  const int free = t.policy().address_slow_after;
  int admitted = 0;
  for (int i = 0; i < 200; ++i) {
    if (t.admit("user" + std::to_string(i) + "@example.com", "10.9.9.9", now).admitted)
      ++admitted;
  }
  CHECK(admitted == free + 4);  // +0, +1, +3, +7 s
  CHECK_FALSE(t.admit("fresh@example.com", "10.9.9.9", now).admitted);
  auto other = t.admit("fresh@example.com", "10.9.9.8", now);
  CHECK(other.admitted);
  CHECK(other.wait_ms == 0);
}

TEST_CASE("unknown and known emails are throttled alike (keys are what was typed)", "[throttle]") {
  login_throttle t;
  CHECK(admit_until_refused(t, "nobody@example.com", "10.0.0.3", hour) == 7);
  CHECK(admit_until_refused(t, "ana@example.com", "10.0.0.3", hour) == 7);
}

TEST_CASE("a key left alone for the window is forgotten", "[throttle]") {
  login_throttle t;
  std::int64_t now = hour;
  CHECK(admit_until_refused(t, "ana@example.com", "10.0.0.1", now) == 7);
  now += t.policy().window_ms + 15 * second;
  auto a = t.admit("ana@example.com", "10.0.0.1", now);
  CHECK(a.admitted);
  CHECK(a.wait_ms == 0);
}

TEST_CASE("the tables stay bounded under a flood of distinct emails", "[throttle]") {
  throttle_policy p;
  p.address_slow_after = 1 << 30;
  login_throttle t(p);
  for (std::size_t i = 0; i < tcs::services::max_throttle_entries + 10; ++i)
    t.admit("user" + std::to_string(i) + "@example.com", "10.0.0.1", static_cast<std::int64_t>(i));
  // Still answers, and a fresh key is free.
  CHECK(t.admit("last@example.com", "10.0.0.1", hour).admitted);
}
