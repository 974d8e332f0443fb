// Orders: purchases, returns, shipment/reception confirmations and the operation history.
// Sans-io.
//
// Contract:
// - Every write runs in one write_transaction (BEGIN IMMEDIATE) committed before returning;
//   on any failure nothing changes. Stock never goes negative: it drops with a conditional
//   UPDATE (stock >= quantity) inside the same transaction as the operation it belongs to.
// - A customer only ever sees and changes their own operations: another customer's operation
//   id answers not_found, exactly like an id that does not exist.
// - `actor` is the display name written to the timeline ("Ana Rojas").
// - State machine of a purchase: paid -> shipped -> received (confirm), and any of these ->
//   returned (request_return). A sale (the store bought a card) stays paid: it cannot be
//   confirmed nor returned (invalid_state).
// - The customer's history window is the last 365 days: created_at >= now - 365 * 86400
//   (an operation exactly 365 days old is shown, one a second older is not). Returns follow
//   the same window (one rule for menus [2] and [4]): an older purchase is neither offered
//   for return nor returned (invalid_state).
#pragma once

#include "common/protocol/errc.hpp"
#include "server/store/database.hpp"
#include "server/store/operations_repository.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tcs::services {

inline constexpr std::int64_t history_window_s = 365 * 86400;
inline constexpr std::int64_t max_line_quantity = 99;  // per product in one purchase
inline constexpr std::size_t max_cart_lines = 50;      // lines in one purchase request

struct cart_line {
  std::int64_t product_id = 0;
  std::int64_t quantity = 0;
};

struct operation_details {
  store::operation_record operation;  // includes kind, state, created_at and total
  std::vector<store::operation_line_record> lines;
  std::vector<store::operation_event_record> timeline;  // oldest first
  std::optional<std::string> executive_name;            // sales: who bought
};

// One page of a list: at most the `limit` asked for, plus one more item when more follow (the
// caller shows `limit` and knows there is a next page), and the length of the whole list.
template <class T>
struct list_page {
  std::vector<T> items;
  std::int64_t total = 0;
};

// Which list of a customer's operations a page is of (see the lists below).
enum class operation_view : std::uint8_t { history, returnable, pending };

class orders_service {
 public:
  explicit orders_service(store::database& db) : db_(db) {}

  // Buys every line or nothing; returns the new operation's id (state paid).
  // Lines for the same product are merged. Failures:
  //   invalid_field  empty cart, more than max_cart_lines lines, a quantity outside
  //                  1..max_line_quantity (also after merging);
  //   not_found      a product id that does not exist or is not in the catalogue;
  //   out_of_stock   one or more lines are short; the message names each, e.g.
  //                  "Stock insuficiente: Pikachu ex (pidió 3, quedan 2)."
  result<std::int64_t> purchase(std::int64_t customer_id, const std::vector<cart_line>& lines,
                                std::int64_t now, std::string_view actor);

  // A purchase in any state but returned -> returned; every unit goes back to stock.
  // not_found (not this customer's), invalid_state (a sale, older than the history window, or
  // already returned).
  result<void> request_return(std::int64_t customer_id, std::int64_t operation_id, std::int64_t now,
                              std::string_view actor);

  // paid -> shipped, shipped -> received; returns the new state. invalid_state otherwise.
  result<std::string> confirm(std::int64_t customer_id, std::int64_t operation_id, std::int64_t now,
                              std::string_view actor);

  // The customer's own view: operations of the last 365 days, newest first.
  std::vector<store::operation_record> history(std::int64_t customer_id, std::int64_t now);
  // The executive's view (`:operations`): everything, newest first, with lines and timelines.
  std::vector<operation_details> all_operations(std::int64_t customer_id);
  result<operation_details> details(std::int64_t customer_id, std::int64_t operation_id);
  // Purchases in paid or shipped, newest first (menu [5]).
  std::vector<store::operation_record> pending_confirmations(std::int64_t customer_id);
  // Purchases of the history window not yet returned, newest first (menu [4]).
  std::vector<store::operation_record> returnable(std::int64_t customer_id, std::int64_t now);

  // Pages of the lists above (keyset, see store::operations_repository::page): the operations
  // after the operation `after` (nullopt: from the newest), at most limit + 1 of them.
  list_page<store::operation_record> page(operation_view view, std::int64_t customer_id,
                                          std::int64_t now, std::optional<std::int64_t> after,
                                          std::int64_t limit);
  list_page<operation_details> details_page(std::int64_t customer_id,
                                            std::optional<std::int64_t> after, std::int64_t limit);

 private:
  operation_details load_details(const store::operation_record& op);

  store::database& db_;
};

}  // namespace tcs::services
