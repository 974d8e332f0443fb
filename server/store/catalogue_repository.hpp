// Products (cards and sealed packs): lookup, stock and held-unit updates.
//
// Contract: stock and held can never go negative; the schema's CHECKs back the conditional
// updates below. Writes are single statements; callers group them in a write_transaction.
// Name lookups are case-insensitive for ASCII letters (SQLite NOCASE).
#pragma once

#include "server/store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tcs::store {

struct product_record {
  std::int64_t id = 0;
  std::string name;
  std::string kind;        // "card" | "pack"
  std::int64_t price = 0;  // whole pesos
  std::int64_t stock = 0;  // units for sale
  std::int64_t held = 0;   // units bought from customers, not yet for sale
  bool listed = true;      // false: bought from a customer, never published (placeholder price)
};

class catalogue_repository {
 public:
  explicit catalogue_repository(database& db) : db_(db) {}

  // Ordered by name (case-insensitive), then id.
  std::vector<product_record> list(bool include_unlisted);
  std::optional<product_record> by_id(std::int64_t id);
  std::optional<product_record> by_name(std::string_view name);

  std::int64_t add_product(std::string_view name, std::string_view kind, std::int64_t price,
                           std::int64_t stock, std::int64_t held, bool listed);

  // stock -= quantity only if stock >= quantity; false (nothing changed) otherwise.
  bool take_stock(std::int64_t product_id, std::int64_t quantity);
  // stock += quantity.
  void add_stock(std::int64_t product_id, std::int64_t quantity);
  // held += quantity.
  void add_held(std::int64_t product_id, std::int64_t quantity);
  // held -= 1, stock += 1 only if held > 0; false otherwise.
  bool publish_one_held(std::int64_t product_id);
  // Sets the price and marks the product listed.
  void list_at_price(std::int64_t product_id, std::int64_t price);

  std::int64_t count();

 private:
  database& db_;
};

}  // namespace tcs::store
