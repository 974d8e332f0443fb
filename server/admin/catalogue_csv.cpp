// Parsing and writing the catalogue CSV.
#include "server/admin/catalogue_csv.hpp"

#include "common/protocol/message.hpp"
#include "server/admin/csv.hpp"
#include "server/services/catalogue_service.hpp"
#include "server/services/names.hpp"
#include "server/store/accounts_repository.hpp"

#include <array>
#include <charconv>
#include <map>
#include <optional>

namespace tcs::admin {
namespace {

constexpr std::array<std::string_view, 4> columns = {"name", "kind", "price", "stock"};

// Digits only, within [min, max].
std::optional<std::int64_t> parse_integer(std::string_view text, std::int64_t min,
                                          std::int64_t max) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < min || value > max) {
    return std::nullopt;
  }
  return value;
}

// A value echoed in a message, clipped so a pasted paragraph does not flood the terminal.
std::string echoed(std::string_view text) {
  constexpr std::size_t max_echo_bytes = 60;
  std::string clipped = clip_utf8(text, max_echo_bytes);
  const bool cut = clipped.size() < text.size();
  return "\"" + escape_control_chars(clipped) + (cut ? "...\"" : "\"");
}

// Where each column is in this file, from its header line.
checked<std::array<std::size_t, columns.size()>> column_positions(const csv_record& header) {
  std::array<std::size_t, columns.size()> position{};
  std::array<bool, columns.size()> seen{};
  const auto bad_header = [&](std::string why) {
    return input_error{header.line,
                       why + "; the header must be name,kind,price,stock (in any order)"};
  };
  if (header.fields.size() != columns.size()) {
    return bad_header("the header has " + std::to_string(header.fields.size()) + " columns");
  }
  for (std::size_t f = 0; f < header.fields.size(); ++f) {
    const std::string name = store::ascii_lower(trim(header.fields[f]));
    std::size_t c = 0;
    while (c < columns.size() && columns[c] != name) {
      ++c;
    }
    if (c == columns.size()) {
      return bad_header("unknown column " + echoed(header.fields[f]));
    }
    if (seen[c]) {
      return bad_header("column " + echoed(name) + " appears twice");
    }
    seen[c] = true;
    position[c] = f;
  }
  return position;
}

}  // namespace

checked<std::vector<catalogue_row>> parse_catalogue_csv(std::string_view text) {
  auto records = read_csv(text);
  if (!records) {
    return records.error();
  }
  if (records->empty()) {
    return input_error{1,
                       "the file is empty; the first line must be the header "
                       "name,kind,price,stock"};
  }

  auto position = column_positions(records->front());
  if (!position) {
    return position.error();
  }

  std::vector<catalogue_row> rows;
  std::map<std::string, std::size_t> lines_by_name;  // lower-case name -> first line
  std::map<std::string, std::size_t> lines_by_look;  // confusable key -> first line
  for (std::size_t r = 1; r < records->size(); ++r) {
    const csv_record& record = (*records)[r];
    const auto bad = [&](std::string why) { return input_error{record.line, std::move(why)}; };
    if (record.fields.size() != columns.size()) {
      return bad("expected 4 fields (name,kind,price,stock), found " +
                 std::to_string(record.fields.size()));
    }
    const std::string_view raw_name = record.fields[(*position)[0]];
    const std::string_view kind = trim(record.fields[(*position)[1]]);
    const std::string_view price = trim(record.fields[(*position)[2]]);
    const std::string_view stock = trim(record.fields[(*position)[3]]);

    auto cleaned = services::clean_name(raw_name, services::max_product_name_bytes);
    if (!cleaned) {
      const auto problem = cleaned.error().problem;
      if (problem == services::name_problem::invalid_utf8 ||
          problem == services::name_problem::control) {
        return bad("the name is not valid UTF-8 text (control characters or bad bytes)");
      }
      return bad(
          services::english_message(cleaned.error(), "the name", services::max_product_name_bytes));
    }
    const std::string& name = *cleaned;
    const std::string key = store::ascii_lower(name);
    if (auto [it, inserted] = lines_by_name.emplace(key, record.line); !inserted) {
      return bad("the product " + echoed(name) + " is already on line " +
                 std::to_string(it->second));
    }
    if (auto [it, inserted] = lines_by_look.emplace(services::confusable_key(name), record.line);
        !inserted) {
      return bad("the product " + echoed(name) + " looks like the one on line " +
                 std::to_string(it->second) + " (confusable characters); use one spelling");
    }
    const std::string kind_lower = store::ascii_lower(kind);
    if (kind_lower != "card" && kind_lower != "pack") {
      return bad("kind " + echoed(kind) + " is neither card nor pack");
    }
    const auto price_value = parse_integer(price, 1, services::max_price);
    if (!price_value) {
      return bad("price " + echoed(price) + " is not a whole number of pesos from 1 to " +
                 std::to_string(services::max_price));
    }
    const auto stock_value = parse_integer(stock, 0, max_import_stock);
    if (!stock_value) {
      return bad("stock " + echoed(stock) + " is not a whole number from 0 to " +
                 std::to_string(max_import_stock));
    }
    rows.push_back(catalogue_row{record.line, name, kind_lower, *price_value, *stock_value});
  }
  return rows;
}

std::string write_catalogue_csv(const std::vector<store::product_record>& products) {
  std::string out = "name,kind,price,stock\n";
  for (const auto& p : products) {
    out += csv_field(p.name) + "," + p.kind + "," + std::to_string(p.price) + "," +
           std::to_string(p.stock) + "\n";
  }
  return out;
}

}  // namespace tcs::admin
