// Text rendering of the catalogue and the cart for tcs-client.
#include "client/render.hpp"

#include "common/term/fields.hpp"
#include "common/term/format.hpp"

#include <algorithm>

namespace tcs::client {

using term::int_field;
using term::pad_left;
using term::pad_right;
using term::text_field;

std::string item_line(std::string_view name, std::int64_t quantity, std::int64_t unit_price) {
  std::string line = "* " + std::string(name) + " [x" + std::to_string(quantity) + "] " +
                     term::pesos(quantity * unit_price);
  if (quantity != 1)
    line += " (" + term::pesos(unit_price) + " c/u)";
  return line;
}

std::vector<std::string> catalogue_table(const std::vector<json::object>& products) {
  struct row {
    std::string number, name, kind, price, stock;
  };
  std::vector<row> rows;
  rows.push_back({"N°", "Producto", "Tipo", "Precio", "Stock"});
  for (std::size_t i = 0; i < products.size(); ++i) {
    const auto& p = products[i];
    const auto stock = int_field(p, "stock");
    rows.push_back({"[" + std::to_string(i + 1) + "]", text_field(p, "name"),
                    std::string(term::kind_name(text_field(p, "kind"))),
                    term::pesos(int_field(p, "price")),
                    stock > 0 ? std::to_string(stock) : std::string("agotado")});
  }
  std::size_t widths[5] = {};
  for (const auto& r : rows) {
    widths[0] = std::max(widths[0], term::display_width(r.number));
    widths[1] = std::max(widths[1], term::display_width(r.name));
    widths[2] = std::max(widths[2], term::display_width(r.kind));
    widths[3] = std::max(widths[3], term::display_width(r.price));
    widths[4] = std::max(widths[4], term::display_width(r.stock));
  }
  std::vector<std::string> out;
  for (const auto& r : rows) {
    std::string line = pad_right(r.number, widths[0]) + "  " + pad_right(r.name, widths[1]) + "  " +
                       pad_right(r.kind, widths[2]) + "  " + pad_left(r.price, widths[3]) + "  " +
                       pad_left(r.stock, widths[4]);
    out.push_back(std::move(line));
  }
  return out;
}

std::string units_text(std::int64_t units) {
  return std::to_string(units) + (units == 1 ? " producto" : " productos");
}

}  // namespace tcs::client
