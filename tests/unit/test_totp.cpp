// Unit tests of TOTP verification (RFC 6238 vectors, window, replay) and the otpauth:// URI.
#include "server/security/totp.hpp"

#include "server/security/passwords.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>

using namespace tcs::security;
using tcs::errc;

namespace {

// RFC 6238 Appendix B: the ASCII key "12345678901234567890" in base32.
constexpr std::string_view rfc_secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

errc error_of(const tcs::result<std::int64_t>& r) {
  REQUIRE_FALSE(r.has_value());
  return r.error().code;
}

}  // namespace

TEST_CASE("totp_code matches the RFC 6238 Appendix B SHA-1 vectors", "[security][totp]") {
  struct vector {
    std::int64_t time;
    const char* code;
  };
  // The RFC lists 8 digits; a 6-digit code is their last 6.
  const auto v = GENERATE(vector{59, "287082"}, vector{1111111109, "081804"},
                          vector{1111111111, "050471"}, vector{1234567890, "005924"},
                          vector{2000000000, "279037"}, vector{20000000000, "353130"});
  CAPTURE(v.time);
  CHECK(totp_code(rfc_secret, v.time) == v.code);
  const auto r = verify_totp(rfc_secret, v.code, v.time, -1);
  REQUIRE(r.has_value());
  CHECK(*r == v.time / totp_step_seconds);
}

TEST_CASE("verify_totp accepts one step either side and refuses two", "[security][totp]") {
  const std::int64_t now = 1111111111;  // step 37037037, 1 s into the step
  const std::int64_t step = now / totp_step_seconds;
  const auto at_step = [](std::int64_t s) { return totp_code(rfc_secret, s * totp_step_seconds); };

  for (const std::int64_t offset : {-1, 0, 1}) {
    CAPTURE(offset);
    const auto r = verify_totp(rfc_secret, at_step(step + offset), now, -1);
    REQUIRE(r.has_value());
    CHECK(*r == step + offset);
  }
  for (const std::int64_t offset : {-3, -2, 2, 3}) {
    CAPTURE(offset);
    CHECK(error_of(verify_totp(rfc_secret, at_step(step + offset), now, -1)) ==
          errc::bad_credentials);
  }
}

TEST_CASE("verify_totp refuses a replayed code and accepts the next step's", "[security][totp]") {
  const std::int64_t now = 1234567890;
  const std::string code = totp_code(rfc_secret, now);
  const auto first = verify_totp(rfc_secret, code, now, -1);
  REQUIRE(first.has_value());
  const std::int64_t s = *first;

  // Same code again, at the same moment or a little later within the window.
  CHECK(error_of(verify_totp(rfc_secret, code, now, s)) == errc::totp_used);
  CHECK(error_of(verify_totp(rfc_secret, code, now + totp_step_seconds, s)) == errc::totp_used);
  // An older code still inside the window is refused too.
  const std::string previous = totp_code(rfc_secret, now - totp_step_seconds);
  CHECK(error_of(verify_totp(rfc_secret, previous, now, s)) == errc::totp_used);

  // The next step's code is accepted, even presented early (clock drift).
  const std::string next = totp_code(rfc_secret, now + totp_step_seconds);
  const auto early = verify_totp(rfc_secret, next, now, s);
  REQUIRE(early.has_value());
  CHECK(*early == s + 1);
  const auto on_time = verify_totp(rfc_secret, next, now + totp_step_seconds, s);
  REQUIRE(on_time.has_value());
  CHECK(*on_time == s + 1);
}

TEST_CASE("verify_totp refuses codes that are not exactly 6 ASCII digits", "[security][totp]") {
  const std::int64_t now = 59;
  REQUIRE(verify_totp(rfc_secret, "287082", now, -1).has_value());
  const auto bad = GENERATE(as<std::string>{}, "", "28708", "2870820", "94287082", "28708a",
                            " 287082", "287082 ", "28 082", "+87082", "-87082", "２87082",
                            std::string("287082\0", 7), std::string("28708\0", 6));
  CAPTURE(bad);
  CHECK(error_of(verify_totp(rfc_secret, bad, now, -1)) == errc::bad_credentials);
}

TEST_CASE("verify_totp reports an invalid secret as internal", "[security][totp]") {
  const auto secret = GENERATE(as<std::string>{}, "", "not base32!", "GEZDGNBV1", "0189");
  CAPTURE(secret);
  CHECK(error_of(verify_totp(secret, "123456", 59, -1)) == errc::internal);
  CHECK_THROWS_AS(totp_code(secret, 59), std::invalid_argument);
}

TEST_CASE("a random secret round-trips through totp_code and verify_totp", "[security][totp]") {
  const std::string secret = random_totp_secret();
  const std::int64_t now = 1700000000;
  const std::string code = totp_code(secret, now);
  CHECK(code.size() == 6);
  const auto r = verify_totp(secret, code, now, -1);
  REQUIRE(r.has_value());
  CHECK(*r == now / totp_step_seconds);
}

TEST_CASE("otpauth_uri has the format authenticator apps expect", "[security][totp]") {
  CHECK(otpauth_uri("ana@tc5g.cl", rfc_secret) ==
        "otpauth://totp/TC5G:ana@tc5g.cl?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=TC5G");
  CHECK(otpauth_uri("a b+c&d?e#f%@x.cl", "ABC") ==
        "otpauth://totp/TC5G:a%20b%2Bc%26d%3Fe%23f%25@x.cl?secret=ABC&issuer=TC5G");
  CHECK(otpauth_uri("josé@x.cl", "ABC") ==
        "otpauth://totp/TC5G:jos%C3%A9@x.cl?secret=ABC&issuer=TC5G");
}
