// Login throttling: slow-down, account and address locks, expiry, reset on success, bounds.
#include "server/services/login_throttle.hpp"

#include <catch2/catch.hpp>

#include <string>

using tcs::services::login_throttle;
using tcs::services::throttle_policy;

namespace {

throttle_policy small_policy() {
  throttle_policy p;
  p.slow_after = 2;
  p.max_delay_ms = 2000;
  p.lock_after = 4;
  p.address_lock_after = 6;
  p.window_s = 100;
  p.lock_s = 60;
  return p;
}

}  // namespace

TEST_CASE("failures first slow down, then lock the account even for the right password",
          "[throttle]") {
  login_throttle t(small_policy());
  const std::int64_t now = 1000;
  CHECK(t.check("ana@example.com", "10.0.0.1", now).delay_ms == 0);
  t.record_failure("ana@example.com", "10.0.0.1", now);
  CHECK(t.check("ana@example.com", "10.0.0.1", now).delay_ms == 0);
  t.record_failure("ana@example.com", "10.0.0.1", now);
  CHECK(t.check("ana@example.com", "10.0.0.1", now).delay_ms == 500);
  t.record_failure("ana@example.com", "10.0.0.1", now);
  CHECK(t.check("ana@example.com", "10.0.0.1", now).delay_ms == 1000);
  auto locks = t.record_failure("ana@example.com", "10.0.0.1", now);
  CHECK(locks.account);
  CHECK_FALSE(locks.address);
  auto v = t.check("ana@example.com", "10.0.0.2", now + 10);  // another address: still locked
  CHECK(v.locked);
  CHECK(v.retry_after_s == 50);
  // Other accounts are not affected by this account's lock.
  CHECK_FALSE(t.check("bea@example.com", "10.0.0.2", now + 10).locked);
  // The lock expires.
  CHECK_FALSE(t.check("ana@example.com", "10.0.0.2", now + 60).locked);
}

TEST_CASE("a success clears the account's failures", "[throttle]") {
  login_throttle t(small_policy());
  t.record_failure("ana@example.com", "10.0.0.1", 0);
  t.record_failure("ana@example.com", "10.0.0.1", 0);
  t.record_failure("ana@example.com", "10.0.0.1", 0);
  CHECK(t.check("ana@example.com", "10.0.0.1", 0).delay_ms > 0);
  t.record_success("ana@example.com");
  CHECK(t.check("ana@example.com", "10.0.0.1", 0).delay_ms == 0);
}

TEST_CASE("failures outside the window are forgotten", "[throttle]") {
  login_throttle t(small_policy());
  for (int i = 0; i < 3; ++i)
    t.record_failure("ana@example.com", "10.0.0.1", 0);
  CHECK_FALSE(t.record_failure("ana@example.com", "10.0.0.1", 500).account);
  CHECK(t.check("ana@example.com", "10.0.0.1", 500).delay_ms == 0);
}

TEST_CASE("many accounts from one address lock the address", "[throttle]") {
  login_throttle t(small_policy());
  bool locked = false;
  for (int i = 0; i < 6; ++i)
    locked = t.record_failure("user" + std::to_string(i) + "@example.com", "10.9.9.9", 0).address;
  CHECK(locked);
  CHECK(t.check("fresh@example.com", "10.9.9.9", 1).locked);
  CHECK_FALSE(t.check("fresh@example.com", "10.9.9.8", 1).locked);
}

TEST_CASE("unknown and known emails are throttled alike (keys are what was typed)", "[throttle]") {
  login_throttle t(small_policy());
  for (int i = 0; i < 4; ++i)
    t.record_failure("nobody@example.com", "10.0.0.1", 0);
  CHECK(t.check("nobody@example.com", "10.0.0.3", 1).locked);
}

TEST_CASE("the table stays bounded under a flood of distinct emails", "[throttle]") {
  throttle_policy p = small_policy();
  p.address_lock_after = 1 << 30;
  login_throttle t(p);
  for (std::size_t i = 0; i < tcs::services::max_throttle_entries + 10; ++i)
    t.record_failure("u" + std::to_string(i), "10.0.0.1", static_cast<std::int64_t>(i));
  // The newest entry is still remembered after pruning.
  t.record_failure("latest", "10.0.0.1", 1'000'000);
  t.record_failure("latest", "10.0.0.1", 1'000'000);
  CHECK(t.check("latest", "10.0.0.1", 1'000'000).delay_ms == 500);
}
