// Argon2id password hashing, the dummy hash and TOTP secret generation.
#include "server/security/passwords.hpp"

#include <liboath/oath.h>
#include <sodium.h>

#include <array>
#include <atomic>
#include <cstdlib>
#include <memory>
#include <stdexcept>

namespace tcs::security {

namespace {

// sodium_init() is itself thread-safe and idempotent; the static makes it run once and turns a
// failure into an exception at first use.
void ensure_sodium() {
  static const bool ok = sodium_init() >= 0;
  if (!ok) {
    throw std::runtime_error("libsodium initialisation failed");
  }
}

// RFC 4226 section 4 requires at least 128 bits and recommends 160.
constexpr std::size_t totp_secret_bytes = 20;

}  // namespace

namespace {
std::atomic<hash_cost> default_cost{hash_cost::interactive};
}  // namespace

void set_default_hash_cost(hash_cost cost) {
  default_cost.store(cost);
}

std::string hash_password(std::string_view password) {
  return hash_password(password, default_cost.load());
}

std::string hash_password(std::string_view password, hash_cost cost) {
  ensure_sodium();
  const bool fast = cost == hash_cost::insecure_fast;
  const unsigned long long ops =
      fast ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE;
  const std::size_t mem = fast ? crypto_pwhash_MEMLIMIT_MIN : crypto_pwhash_MEMLIMIT_INTERACTIVE;
  std::array<char, crypto_pwhash_STRBYTES> out{};
  // crypto_pwhash_str always uses the current default algorithm, Argon2id (libsodium >= 1.0.15).
  if (crypto_pwhash_str(out.data(), password.data(), password.size(), ops, mem) != 0) {
    throw std::runtime_error("crypto_pwhash_str failed (out of memory?)");
  }
  return std::string(out.data());
}

bool verify_password(std::string_view hash, std::string_view password) {
  try {
    ensure_sodium();
  } catch (const std::exception&) {
    return false;
  }
  // The encoded hash must be NUL-terminated and fit libsodium's buffer; anything else is
  // malformed. An embedded NUL would silently truncate it, so refuse that too.
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES ||
      hash.find('\0') != std::string_view::npos) {
    return false;
  }
  const std::string encoded(hash);
  return crypto_pwhash_str_verify(encoded.c_str(), password.data(), password.size()) == 0;
}

const std::string& dummy_hash() {
  static const std::string hash = [] {
    ensure_sodium();
    constexpr std::size_t random_bytes = 32;
    std::array<unsigned char, random_bytes> random{};
    randombytes_buf(random.data(), random.size());
    std::array<char, random_bytes * 2 + 1> hex{};
    sodium_bin2hex(hex.data(), hex.size(), random.data(), random.size());
    return hash_password(std::string_view(hex.data(), hex.size() - 1));
  }();
  return hash;
}

std::string random_totp_secret() {
  ensure_sodium();
  std::array<char, totp_secret_bytes> random{};
  randombytes_buf(random.data(), random.size());
  char* encoded = nullptr;
  std::size_t encoded_len = 0;
  // oath_base32_encode needs no oath_init() (pure encoding). 20 bytes are a whole number of
  // 5-byte groups, so the RFC 4648 output is exactly 32 uppercase characters without padding.
  const int rc = oath_base32_encode(random.data(), random.size(), &encoded, &encoded_len);
  sodium_memzero(random.data(), random.size());
  if (rc != OATH_OK || encoded == nullptr) {
    throw std::runtime_error("oath_base32_encode failed");
  }
  const std::unique_ptr<char, decltype(&std::free)> owner(encoded, &std::free);
  return std::string(encoded, encoded_len);
}

}  // namespace tcs::security
