// The cart of tcs-client's option 3.
#include "client/cart.hpp"

#include "client/render.hpp"
#include "common/term/format.hpp"

#include <algorithm>

namespace tcs::client {

std::int64_t cart::quantity_of(std::int64_t product_id) const {
  auto it = std::find_if(items_.begin(), items_.end(),
                         [&](const cart_item& item) { return item.product_id == product_id; });
  return it == items_.end() ? 0 : it->quantity;
}

void cart::add(std::int64_t product_id, std::string name, std::int64_t unit_price,
               std::int64_t quantity) {
  auto it = std::find_if(items_.begin(), items_.end(),
                         [&](const cart_item& item) { return item.product_id == product_id; });
  if (it != items_.end())
    it->quantity += quantity;
  else
    items_.push_back({product_id, std::move(name), unit_price, quantity});
}

void cart::set_quantity(std::size_t index, std::int64_t quantity) {
  if (index < items_.size() && quantity > 0)
    items_[index].quantity = quantity;
}

void cart::remove(std::size_t index) {
  if (index < items_.size())
    items_.erase(items_.begin() + static_cast<std::ptrdiff_t>(index));
}

std::int64_t cart::units() const {
  std::int64_t n = 0;
  for (const auto& item : items_)
    n += item.quantity;
  return n;
}

std::int64_t cart::total() const {
  std::int64_t total = 0;
  for (const auto& item : items_)
    total += item.quantity * item.unit_price;
  return total;
}

std::string cart::summary() const {
  if (items_.empty())
    return "Su carrito está vacío.";
  return "Su carrito: " + units_text(units()) + ", total " + term::pesos(total()) + ".";
}

std::string cart::listing() const {
  std::string out;
  for (const auto& item : items_)
    out += item_line(item.name, item.quantity, item.unit_price) + "\n";
  return out + "Total: " + term::pesos(total());
}

json::object cart::purchase_request() const {
  json::array lines;
  for (const auto& item : items_) {
    json::object line;
    line["product_id"] = item.product_id;
    line["quantity"] = item.quantity;
    lines.push_back(std::move(line));
  }
  json::object req = make_event("purchase");
  req["lines"] = std::move(lines);
  return req;
}

}  // namespace tcs::client
