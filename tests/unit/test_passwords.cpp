// Unit tests of Argon2id password hashing, the dummy hash and TOTP secret generation.
#include "server/security/passwords.hpp"

#include <liboath/oath.h>
#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>

using namespace tcs::security;

TEST_CASE("hash_password produces an Argon2id hash that verifies", "[security][passwords]") {
  const std::string hash = hash_password("correct horse battery staple");
  CHECK(hash.rfind("$argon2id$", 0) == 0);
  CHECK(verify_password(hash, "correct horse battery staple"));
  CHECK_FALSE(verify_password(hash, "correct horse battery stapl"));
  CHECK_FALSE(verify_password(hash, "Correct horse battery staple"));
  CHECK_FALSE(verify_password(hash, ""));
}

TEST_CASE("hash_password salts: two hashes of one password differ", "[security][passwords]") {
  const std::string a = hash_password("secreto", hash_cost::insecure_fast);
  const std::string b = hash_password("secreto", hash_cost::insecure_fast);
  CHECK(a != b);
  CHECK(a.rfind("$argon2id$", 0) == 0);
  CHECK(verify_password(a, "secreto"));
  CHECK(verify_password(b, "secreto"));
}

TEST_CASE("passwords with non-ASCII bytes and embedded NUL are hashed whole",
          "[security][passwords]") {
  const std::string with_nul("contra\0seña", 12);
  const std::string hash = hash_password(with_nul, hash_cost::insecure_fast);
  CHECK(verify_password(hash, with_nul));
  CHECK_FALSE(verify_password(hash, "contra"));
  const std::string empty_hash = hash_password("", hash_cost::insecure_fast);
  CHECK(verify_password(empty_hash, ""));
  CHECK_FALSE(verify_password(empty_hash, " "));
}

TEST_CASE("verify_password returns false for malformed hashes", "[security][passwords]") {
  const std::string good = hash_password("pw", hash_cost::insecure_fast);
  CHECK_FALSE(verify_password("", "pw"));
  CHECK_FALSE(verify_password("pw", "pw"));
  CHECK_FALSE(verify_password("$argon2id$", "pw"));
  CHECK_FALSE(verify_password("$argon2id$v=19$m=65536,t=2,p=1$", "pw"));
  CHECK_FALSE(verify_password("$2b$12$abcdefghijklmnopqrstuv", "pw"));
  CHECK_FALSE(verify_password(good.substr(0, good.size() / 2), "pw"));
  CHECK_FALSE(verify_password(good.substr(0, good.size() - 1), "pw"));
  CHECK_FALSE(verify_password(good + "x", "pw"));
  CHECK_FALSE(verify_password(std::string(good.size(), '\0'), "pw"));
  CHECK_FALSE(verify_password(std::string(100000, '$'), "pw"));
  std::string with_nul = good;
  with_nul[good.size() - 3] = '\0';
  CHECK_FALSE(verify_password(with_nul, "pw"));
  // A view that is not NUL-terminated is read only up to its size.
  const std::string padded = good + "garbage";
  CHECK(verify_password(std::string_view(padded).substr(0, good.size()), "pw"));
}

TEST_CASE("dummy_hash is stable and matches no guessable password", "[security][passwords]") {
  const std::string& a = dummy_hash();
  const std::string& b = dummy_hash();
  CHECK(&a == &b);
  CHECK(a.rfind("$argon2id$", 0) == 0);
  CHECK_FALSE(verify_password(a, random_totp_secret()));
  CHECK_FALSE(verify_password(a, ""));
}

TEST_CASE("random_totp_secret is 32 base32 characters decoding to 20 bytes",
          "[security][passwords]") {
  REQUIRE(oath_init() == OATH_OK);
  const std::string a = random_totp_secret();
  const std::string b = random_totp_secret();
  CHECK(a != b);
  for (const std::string& s : {a, b}) {
    REQUIRE(s.size() == 32);
    for (const char c : s) {
      const bool base32 = (c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7');
      CHECK(base32);
    }
    char* out = nullptr;
    std::size_t out_len = 0;
    REQUIRE(oath_base32_decode(s.data(), s.size(), &out, &out_len) == OATH_OK);
    CHECK(out_len == 20);
    std::free(out);
  }
}
