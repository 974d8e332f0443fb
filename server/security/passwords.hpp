// Password hashing (Argon2id via libsodium), the login dummy hash and TOTP secret generation.
//
// Everything here is synchronous and CPU-heavy by design (an Argon2id hash costs tens of
// milliseconds and 64 MiB): never call hash_password / verify_password / dummy_hash on the
// event-loop thread; the server wraps them in a thread pool. All functions are thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace tcs::security {

enum class hash_cost {
  // libsodium OPSLIMIT_INTERACTIVE / MEMLIMIT_INTERACTIVE: the cost for every real account.
  interactive,
  // OPSLIMIT_MIN / MEMLIMIT_MIN. INSECURE: only for benchmarks and tests that create many
  // accounts; a hash made with it is cheap to brute-force. Never use it for a real account.
  insecure_fast,
};

// Returns an encoded Argon2id hash ("$argon2id$v=19$m=...") with a fresh random salt, so two
// hashes of one password differ. Throws std::runtime_error if libsodium fails (out of memory)
// or cannot be initialised.
std::string hash_password(std::string_view password);
std::string hash_password(std::string_view password, hash_cost cost);

// The cost of hash_password(password) and of dummy_hash(): hash_cost::interactive unless a
// libFuzzer target lowers it at start-up (tests/fuzz: it explores the dispatcher, not
// Argon2's cost, and needs millions of requests). Nothing in the programs calls it. Call it
// before any hashing; the value is read atomically.
void set_default_hash_cost(hash_cost cost);

// True iff `password` matches `hash` (comparison in constant time). A malformed, truncated or
// empty hash gives false; never throws for bad input.
bool verify_password(std::string_view hash, std::string_view password);

// The hash of a random password nobody knows, computed once (the first call pays for it).
// A login for an unknown email verifies against it, so that it costs the same time as one
// for a known email and the timing does not reveal which emails exist.
const std::string& dummy_hash();

// A new TOTP secret: 160 random bits (RFC 4226 recommends 160) encoded as RFC 4648 base32,
// uppercase, no padding: exactly 32 characters. Throws std::runtime_error on failure.
std::string random_totp_secret();

}  // namespace tcs::security
