// `tcs-bench accounts`: creates many customers and executives (and a well-stocked
// product) for the bench tool, fast, and the naming conventions tcs-bench relies on.
//
// Contract:
// - Accounts are numbered from 1: customer i is <prefix>-c<i, 5 digits>@example.com with the
//   display name "<prefix> c<i>", executive i is <prefix>-e<i>@example.com. Every one has the
//   password bench_password; executives share the TOTP secret bench_totp_secret (each still
//   has its own last accepted step, so a code is spent per executive).
// - Accounts that already exist are left as they are, so a re-run with larger counts only
//   adds the missing ones. All inserts are one transaction, taken after any hashing so a
//   running server is not kept waiting for the write lock.
// - Passwords are hashed with the real cost (Argon2id, interactive), one hash per account,
//   unless --insecure-fast-hash: then ONE hash at libsodium's minimum cost is computed and
//   shared by every account created. That is insecure and only for benchmarks; it is never
//   the default and the command says so on stderr.
// - --product-stock S creates the product bench_product_name (a card, $1.000) or sets its
//   stock to S, for `tcs-bench purchases`.
// - run_bench_accounts() never throws: exit status 0 done, 1 failed, 2 bad options.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tcs::bench {

inline constexpr std::string_view bench_accounts_command = "accounts";
inline constexpr std::string_view bench_default_prefix = "bench";
inline constexpr std::string_view bench_password = "bench-password";
// RFC 6238's test key "12345678901234567890" in base32.
inline constexpr std::string_view bench_totp_secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
inline constexpr std::string_view bench_product_name = "Carta de benchmark";
inline constexpr std::int64_t bench_product_price = 1000;

// "bench-c00042@example.com" for (prefix "bench", index 42); index >= 1.
std::string bench_customer_email(std::string_view prefix, std::int64_t index);
std::string bench_executive_email(std::string_view prefix, std::int64_t index);

// args = the options after "accounts".
int run_bench_accounts(const std::vector<std::string>& args);

// One line for tcs-bench --help.
std::string_view bench_accounts_usage();

}  // namespace tcs::bench
