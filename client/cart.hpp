// The customer's cart of option 3: what they asked for, at the catalogue's price when added.
// Pure (no I/O); the purchase itself is the server's (it checks stock and prices again).
#pragma once

#include "common/protocol/message.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace tcs::client {

// The server's per-line limit of units of one product.
inline constexpr std::int64_t max_units_per_product = 99;

struct cart_item {
  std::int64_t product_id = 0;
  std::string name;
  std::int64_t unit_price = 0;
  std::int64_t quantity = 0;
};

class cart {
 public:
  bool empty() const noexcept { return items_.empty(); }
  // Units of `product_id` already in the cart (0 if none).
  std::int64_t quantity_of(std::int64_t product_id) const;
  // Adds `quantity` units (to the product's line if it has one).
  void add(std::int64_t product_id, std::string name, std::int64_t unit_price,
           std::int64_t quantity);
  void clear() { items_.clear(); }
  // The lines in the order they were added; `index` below is a position in it.
  const std::vector<cart_item>& items() const noexcept { return items_; }
  void set_quantity(std::size_t index, std::int64_t quantity);  // quantity >= 1
  void remove(std::size_t index);

  std::int64_t units() const;
  std::int64_t total() const;
  // "Su carrito está vacío." or "Su carrito: 3 productos, total $12.990."
  std::string summary() const;
  // One item_line() per item, then "Total: $12.990".
  std::string listing() const;
  // {"type":"purchase","lines":[{"product_id":..,"quantity":..},...]}
  json::object purchase_request() const;

 private:
  std::vector<cart_item> items_;
};

}  // namespace tcs::client
