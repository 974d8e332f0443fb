// Operations (purchases and sales), their lines and their timelines.
//
// Contract: reads are scoped to one customer where a customer id is given, so one customer can
// never see another's operation. Writes are single statements; callers group them in a
// write_transaction. Lists are newest first (created_at, then id, descending).
#pragma once

#include "server/store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tcs::store {

struct operation_record {
  std::int64_t id = 0;
  std::int64_t customer_id = 0;
  std::string kind;   // "purchase" | "sale"
  std::string state;  // "paid" | "shipped" | "received" | "returned"
  std::int64_t created_at = 0;
  std::optional<std::int64_t> executive_id;  // the executive who bought (sales only)
  std::int64_t total = 0;                    // sum of quantity * unit_price, whole pesos
};

struct operation_line_record {
  std::int64_t product_id = 0;
  std::string product_name;
  std::string product_kind;  // "card" | "pack"
  std::int64_t quantity = 0;
  std::int64_t unit_price = 0;
};

struct operation_event_record {
  std::string state;
  std::int64_t at = 0;
  std::string actor;  // display name: "Ana Rojas", "Valentina Reyes", "sistema"
};

// Which of a customer's operations a list holds.
struct operation_list {
  enum class filter : std::uint8_t {
    all,         // every operation
    pending,     // purchases in paid or shipped
    returnable,  // purchases in any state but returned
  };
  std::int64_t customer_id = 0;
  filter which = filter::all;
  std::optional<std::int64_t> since;  // only those created at or after
};

class operations_repository {
 public:
  explicit operations_repository(database& db) : db_(db) {}

  std::int64_t add_operation(std::int64_t customer_id, std::string_view kind,
                             std::string_view state, std::int64_t created_at,
                             std::optional<std::int64_t> executive_id);
  void add_line(std::int64_t operation_id, std::int64_t product_id, std::int64_t quantity,
                std::int64_t unit_price);
  void add_event(std::int64_t operation_id, std::string_view state, std::int64_t at,
                 std::string_view actor);
  // state := to, only if it is currently `from`; false (nothing changed) otherwise.
  bool change_state(std::int64_t operation_id, std::string_view from, std::string_view to);

  // The operation if it exists and belongs to the customer.
  std::optional<operation_record> find(std::int64_t customer_id, std::int64_t operation_id);

  // All of a customer's operations, or those created at or after `since`.
  std::vector<operation_record> for_customer(std::int64_t customer_id,
                                             std::optional<std::int64_t> since = std::nullopt);
  // Purchases in paid or shipped.
  std::vector<operation_record> pending_confirmations(std::int64_t customer_id);
  // Purchases in any state but returned.
  std::vector<operation_record> returnable(std::int64_t customer_id);

  // Pages of the same lists, newest first (keyset): at most `limit` operations that come after
  // the operation `after` (an id; nullopt: from the newest), and the length of the whole list.
  // An id that is not one of the customer's operations gives an empty page.
  std::vector<operation_record> page(const operation_list& list, std::optional<std::int64_t> after,
                                     std::int64_t limit);
  std::int64_t count(const operation_list& list);

  std::vector<operation_line_record> lines(std::int64_t operation_id);    // by product name
  std::vector<operation_event_record> events(std::int64_t operation_id);  // oldest first

  std::int64_t count();

 private:
  std::vector<operation_record> select(const char* where_and_order, std::int64_t customer_id,
                                       std::optional<std::int64_t> since);

  database& db_;
};

}  // namespace tcs::store
