// Text rendering of products and operations for tcs-client.
#include "client/render.hpp"

#include "common/term/format.hpp"

#include <algorithm>

namespace tcs::client {

namespace {

// Columns are counted in code points, so "Muñoz" is as wide as "Munoz".
std::size_t display_width(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U;
  }));
}

std::string pad_right(std::string text, std::size_t width) {
  const std::size_t w = display_width(text);
  if (w < width)
    text.append(width - w, ' ');
  return text;
}

std::string pad_left(const std::string& text, std::size_t width) {
  const std::size_t w = display_width(text);
  return w < width ? std::string(width - w, ' ') + text : text;
}

}  // namespace

std::string text_field(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::int64_t int_field(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v && v->is_int64())
    return v->get_int64();
  if (v && v->is_uint64())
    return static_cast<std::int64_t>(v->get_uint64());
  return 0;
}

const json::array& array_field(const json::object& o, std::string_view key) {
  static const json::array empty;
  const json::value* v = o.if_contains(key);
  return v && v->is_array() ? v->get_array() : empty;
}

std::vector<json::object> objects(const json::array& array) {
  std::vector<json::object> out;
  for (const auto& v : array) {
    if (v.is_object())
      out.push_back(v.get_object());
  }
  return out;
}

std::string operation_heading(const json::object& op) {
  return std::string(term::kind_name(text_field(op, "kind"))) + " (" +
         term::local_datetime(int_field(op, "created_at")) + ")";
}

std::string operation_list_entry(std::size_t number, const json::object& op) {
  return "[" + std::to_string(number) + "] " + operation_heading(op) + " - " +
         std::string(term::state_name(text_field(op, "state"))) + " - total " +
         term::pesos(int_field(op, "total"));
}

std::string item_line(std::string_view name, std::int64_t quantity, std::int64_t unit_price) {
  std::string line = "* " + std::string(name) + " [x" + std::to_string(quantity) + "] " +
                     term::pesos(quantity * unit_price);
  if (quantity != 1)
    line += " (" + term::pesos(unit_price) + " c/u)";
  return line;
}

std::vector<std::string> operation_details(const json::object& op) {
  std::vector<std::string> out;
  for (const auto& line : objects(array_field(op, "lines")))
    out.push_back(item_line(text_field(line, "name"), int_field(line, "quantity"),
                            int_field(line, "unit_price")));
  const bool sale = text_field(op, "kind") == "sale";
  out.push_back("Total: " + term::pesos(int_field(op, "total")) +
                (sale ? " (pagado por la tienda)" : ""));
  if (auto executive = text_field(op, "executive"); !executive.empty())
    out.push_back("Ejecutivo: " + executive);
  out.push_back("Estado: " + std::string(term::state_name(text_field(op, "state"))));
  const auto timeline = objects(array_field(op, "timeline"));
  if (!timeline.empty()) {
    out.push_back("Cambios de estado:");
    for (const auto& event : timeline) {
      std::string line = "- " + term::local_datetime(int_field(event, "at")) + " " +
                         std::string(term::state_name(text_field(event, "state")));
      if (auto actor = text_field(event, "actor"); !actor.empty())
        line += " (" + actor + ")";
      out.push_back(std::move(line));
    }
  }
  return out;
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
    widths[0] = std::max(widths[0], display_width(r.number));
    widths[1] = std::max(widths[1], display_width(r.name));
    widths[2] = std::max(widths[2], display_width(r.kind));
    widths[3] = std::max(widths[3], display_width(r.price));
    widths[4] = std::max(widths[4], display_width(r.stock));
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
