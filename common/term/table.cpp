// Aligned text tables and numbered lists.
#include "common/term/table.hpp"

#include "common/term/format.hpp"

#include <algorithm>
#include <utility>

namespace tcs::term {

table::table(std::vector<column> columns, std::string separator, std::string indent)
    : columns_(std::move(columns)), separator_(std::move(separator)), indent_(std::move(indent)) {}

table& table::add(std::vector<std::string> cells) {
  cells.resize(columns_.size());
  rows_.push_back(std::move(cells));
  return *this;
}

std::string table::line(const std::vector<std::string>& cells,
                        const std::vector<std::size_t>& widths) const {
  std::size_t used = cells.size();
  while (used > 0 && cells[used - 1].empty())
    --used;
  std::string out = indent_;
  for (std::size_t i = 0; i < used; ++i) {
    if (i > 0)
      out += separator_;
    const bool last = i + 1 == used;
    switch (columns_[i].how) {
      case align::left:
        out += last ? cells[i] : pad_right(cells[i], widths[i]);
        break;
      case align::right:
        out += pad_left(cells[i], widths[i]);
        break;
      case align::none:
        out += cells[i];
        break;
    }
  }
  return out;
}

std::vector<std::string> table::lines() const {
  std::vector<std::string> header;
  bool has_header = false;
  std::vector<std::size_t> widths(columns_.size(), 0);
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    header.push_back(columns_[i].header);
    has_header = has_header || !columns_[i].header.empty();
    widths[i] = display_width(columns_[i].header);
    for (const auto& row : rows_)
      widths[i] = std::max(widths[i], display_width(row[i]));
  }
  std::vector<std::string> out;
  if (has_header)
    out.push_back(line(header, widths));
  for (const auto& row : rows_)
    out.push_back(line(row, widths));
  return out;
}

std::string table::text() const {
  const auto all = lines();
  std::string out;
  for (std::size_t i = 0; i < all.size(); ++i)
    out += (i > 0 ? "\n" : "") + all[i];
  return out;
}

std::string numbered_list(const std::vector<std::string>& entries, std::string indent) {
  table list({{"", align::none}, {"", align::none}}, " ", std::move(indent));
  for (std::size_t i = 0; i < entries.size(); ++i)
    list.add({"[" + std::to_string(i + 1) + "]", entries[i]});
  return list.text();
}

std::string marked_list(const std::vector<std::string>& entries, std::string marker,
                        std::string indent) {
  table list({{"", align::none}, {"", align::none}}, " ", std::move(indent));
  for (const auto& entry : entries)
    list.add({marker, entry});
  return list.text();
}

}  // namespace tcs::term
