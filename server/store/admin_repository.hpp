// The queries only administration needs: listing accounts, the disabled flags of connected
// accounts (the server's account watch) and the catalogue import's create-or-update.
//
// Contract: like the other repositories, every write is one statement and runs inside the
// caller's write_transaction when it must be atomic with others; SQL errors throw
// SQLite::Exception. Product names match case-insensitively (NOCASE), emails are stored
// lower-case by accounts_repository.
#pragma once

#include "server/store/database.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tcs::store {

struct account_summary {
  std::string role;  // "customer" | "executive"
  std::int64_t id = 0;
  std::string email, name;
  bool disabled = false;
  std::int64_t created_at = 0;  // Unix seconds
};

// The ids, out of those asked about, whose account is disabled.
struct disabled_ids {
  std::vector<std::int64_t> customers, executives;
};

enum class upsert_outcome { created, updated };

class admin_repository {
 public:
  explicit admin_repository(database& db) : db_(db) {}

  // Customers first, then executives; each by id.
  std::vector<account_summary> list_accounts();

  // One query, whatever the number of ids (they travel as one JSON array parameter).
  disabled_ids disabled_among(std::span<const std::int64_t> customer_ids,
                              std::span<const std::int64_t> executive_ids);

  // Creates the product (listed, held 0) or, if one has that name (case-insensitive), sets its
  // name spelling, kind, price and stock and lists it; held units are kept.
  upsert_outcome upsert_product(std::string_view name, std::string_view kind, std::int64_t price,
                                std::int64_t stock);

 private:
  database& db_;
};

}  // namespace tcs::store
