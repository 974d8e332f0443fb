// Text rendering of the catalogue and the cart for tcs-client.
#include "client/render.hpp"

#include "common/term/fields.hpp"
#include "common/term/format.hpp"
#include "common/term/table.hpp"

namespace tcs::client {

using term::align;
using term::int_field;
using term::text_field;

std::string item_line(std::string_view name, std::int64_t quantity, std::int64_t unit_price) {
  std::string line = "* " + std::string(name) + " [x" + std::to_string(quantity) + "] " +
                     term::pesos(quantity * unit_price);
  if (quantity != 1)
    line += " (" + term::pesos(unit_price) + " c/u)";
  return line;
}

std::vector<std::string> catalogue_table(const std::vector<json::object>& products) {
  term::table table({{"N°", align::left},
                     {"Producto", align::left},
                     {"Tipo", align::left},
                     {"Precio", align::right},
                     {"Stock", align::right}});
  for (std::size_t i = 0; i < products.size(); ++i) {
    const auto& p = products[i];
    const auto stock = int_field(p, "stock");
    table.add({"[" + std::to_string(int_field(p, "id")) + "]", text_field(p, "name"),
               std::string(term::kind_name(text_field(p, "kind"))),
               term::pesos(int_field(p, "price")),
               stock > 0 ? std::to_string(stock) : std::string("agotado")});
  }
  return table.lines();
}

std::string units_text(std::int64_t units) {
  return std::to_string(units) + (units == 1 ? " producto" : " productos");
}

}  // namespace tcs::client
