// `tcs-bench accounts`: bulk creation of the bench tool's accounts and product.
#include "bench/accounts.hpp"

#include "server/admin/commands.hpp"
#include "server/security/passwords.hpp"
#include "server/store/accounts_repository.hpp"
#include "server/store/admin_repository.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <exception>
#include <iostream>
#include <optional>
#include <thread>

namespace tcs::bench {

namespace po = boost::program_options;
using admin::open_or_create_database;
using admin::parse_command;
using admin::subcommand_spec;
using admin::unix_now;
using admin::usage_failed;

namespace {

constexpr std::string_view usage_line =
    "  tcs-bench accounts --db FILE --customers N --executives M [--insecure-fast-hash]\n";

const subcommand_spec spec{
    "accounts", "--customers N --executives M [--prefix P] [--insecure-fast-hash]",
    "Creates accounts for tcs-bench: customers P-c00001@example.com ... and executives\n"
    "P-e00001@example.com ... (P = --prefix, default bench), all with the password\n"
    "\"bench-password\"; executives share the TOTP secret GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ.\n"
    "Existing accounts are kept. Passwords get the real Argon2id cost, one hash per account\n"
    "(slow: about a tenth of a second each), unless --insecure-fast-hash.\n"
    "FOR BENCHMARKS ONLY: these accounts have a published password."};

// Upper bound on the accounts one run creates: keeps a typo from filling the disk.
constexpr std::int64_t max_accounts_per_run = 1'000'000;

std::string numbered(std::string_view prefix, char kind, std::int64_t index) {
  char digits[32];
  std::snprintf(digits, sizeof digits, "%05lld", static_cast<long long>(index));
  return std::string(prefix) + "-" + kind + digits;
}

// Hashes `count` passwords at the real cost on every core; the hashes are independent.
std::vector<std::string> real_hashes(std::size_t count) {
  std::vector<std::string> out(count);
  std::atomic<std::size_t> next{0};
  std::exception_ptr error;
  std::atomic<bool> failed{false};
  const std::size_t workers =
      std::max<std::size_t>(1, std::min<std::size_t>(count, std::thread::hardware_concurrency()));
  std::vector<std::thread> threads;
  for (std::size_t w = 0; w < workers; ++w) {
    threads.emplace_back([&] {
      try {
        for (std::size_t i = next++; i < count && !failed; i = next++)
          out[i] = security::hash_password(bench_password);
      } catch (...) {
        if (!failed.exchange(true))
          error = std::current_exception();
      }
    });
  }
  for (auto& t : threads)
    t.join();
  if (error)
    std::rethrow_exception(error);
  return out;
}

std::int64_t count_option(const po::variables_map& vm, const char* name) {
  const auto n = vm[name].as<std::int64_t>();
  if (n < 0 || n > max_accounts_per_run)
    throw usage_failed(spec.words, std::string("--") + name + " must be between 0 and " +
                                       std::to_string(max_accounts_per_run));
  return n;
}

int run(const std::vector<std::string>& args) {
  std::int64_t customers = 0, executives = 0;
  std::string prefix(bench_default_prefix);
  po::options_description options("Options");
  // clang-format off
  options.add_options()
      ("customers", po::value<std::int64_t>()->default_value(0), "customers to have: P-c00001 ... P-cN")
      ("executives", po::value<std::int64_t>()->default_value(0), "executives to have: P-e00001 ... P-eM")
      ("prefix", po::value(&prefix)->default_value(prefix), "email prefix (letters, digits, '-')")
      ("insecure-fast-hash", po::bool_switch(), "INSECURE, benchmarks only: one password hash at libsodium's minimum Argon2id cost, shared by every account created")
      ("product-stock", po::value<std::int64_t>(), "also create the product \"Carta de benchmark\" or set its stock to this");
  // clang-format on
  auto cmd = parse_command(spec, args, options);
  if (cmd.help_shown)
    return 0;
  customers = count_option(cmd.vm, "customers");
  executives = count_option(cmd.vm, "executives");
  if (prefix.empty() || prefix.size() > 20 ||
      !std::all_of(prefix.begin(), prefix.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
      }))
    throw usage_failed(spec.words, "--prefix must be 1 to 20 lower-case letters, digits or '-'");
  std::optional<std::int64_t> product_stock;
  if (cmd.vm.count("product-stock")) {
    product_stock = cmd.vm["product-stock"].as<std::int64_t>();
    if (*product_stock < 0)
      throw usage_failed(spec.words, "--product-stock must not be negative");
  }
  const bool fast = cmd.vm["insecure-fast-hash"].as<bool>();

  auto db = open_or_create_database(cmd.db_path);
  store::accounts_repository accounts(*db);

  // Which accounts are missing (checked again under the write lock below).
  std::vector<std::int64_t> new_customers, new_executives;
  for (std::int64_t i = 1; i <= customers; ++i) {
    if (!accounts.find_customer(bench_customer_email(prefix, i)))
      new_customers.push_back(i);
  }
  for (std::int64_t i = 1; i <= executives; ++i) {
    if (!accounts.find_executive(bench_executive_email(prefix, i)))
      new_executives.push_back(i);
  }
  const std::size_t to_create = new_customers.size() + new_executives.size();

  // Every hash before the transaction: hashing must not hold the write lock.
  std::vector<std::string> hashes;
  if (fast && to_create > 0) {
    std::cerr << "tcs-server bench-accounts: WARNING: --insecure-fast-hash: the passwords of "
                 "these accounts are hashed at the minimum cost and are cheap to brute-force. "
                 "Benchmarks only; never on a real store.\n";
    hashes.assign(1, security::hash_password(bench_password, security::hash_cost::insecure_fast));
  } else if (to_create > 0) {
    std::cout << "Hashing " << to_create << " passwords (Argon2id, interactive cost)...\n"
              << std::flush;
    hashes = real_hashes(to_create);
  }
  auto hash_for = [&](std::size_t n) -> const std::string& { return hashes[fast ? 0 : n]; };

  const std::int64_t now = unix_now();
  std::size_t created_customers = 0, created_executives = 0, n = 0;
  store::write_transaction tx(*db);
  for (std::int64_t i : new_customers) {
    const std::string email = bench_customer_email(prefix, i);
    if (!accounts.find_customer(email)) {
      accounts.add_customer(email, numbered(prefix, 'c', i), hash_for(n), now);
      ++created_customers;
    }
    ++n;
  }
  for (std::int64_t i : new_executives) {
    const std::string email = bench_executive_email(prefix, i);
    if (!accounts.find_executive(email)) {
      accounts.add_executive(email, numbered(prefix, 'e', i), hash_for(n), bench_totp_secret, now);
      ++created_executives;
    }
    ++n;
  }
  if (product_stock)
    store::admin_repository(*db).upsert_product(bench_product_name, "card", bench_product_price,
                                                *product_stock);
  tx.commit();

  std::cout << "Bench accounts in " << cmd.db_path << ": " << created_customers << " customers and "
            << created_executives << " executives created ("
            << (customers - static_cast<std::int64_t>(created_customers)) << " and "
            << (executives - static_cast<std::int64_t>(created_executives))
            << " already there); password \"" << bench_password << "\""
            << (fast && to_create > 0 ? " (INSECURE fast hash)" : "") << ".\n";
  if (product_stock)
    std::cout << "Product \"" << bench_product_name << "\": stock " << *product_stock << ".\n";
  return 0;
}

}  // namespace

std::string bench_customer_email(std::string_view prefix, std::int64_t index) {
  return numbered(prefix, 'c', index) + "@example.com";
}

std::string bench_executive_email(std::string_view prefix, std::int64_t index) {
  return numbered(prefix, 'e', index) + "@example.com";
}

std::string_view bench_accounts_usage() {
  return usage_line;
}

int run_bench_accounts(const std::vector<std::string>& args) {
  try {
    return run(args);
  } catch (const usage_failed& e) {
    std::cerr << "tcs-bench " << e.words << ": " << e.what() << "\n(see tcs-bench " << e.words
              << " --help)\n";
    return 2;
  } catch (const SQLite::Exception& e) {
    std::cerr << "tcs-bench accounts: database error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "tcs-bench accounts: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace tcs::bench
