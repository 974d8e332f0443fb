// The one renderer of the terminals' tables and lists: the catalogue (both terminals), the
// numbered lists a customer picks from (history, returnable, pending), the executive's lists
// of customers and queue, and :help. Pure: cells in, lines out.
//
// A column is aligned left or right (padded to its widest cell, header included; widths count
// code points, see display_width) or not aligned at all (`none`: free text, e.g. a list's
// entry). Cells are joined by the separator after the indent. Trailing empty cells are left out
// with their separators and a last left-aligned cell is not padded, so no line ends in blanks.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tcs::term {

enum class align { left, right, none };

struct column {
  std::string header;  // "" for every column: the table has no header line
  align how = align::none;
};

class table {
 public:
  explicit table(std::vector<column> columns, std::string separator = "  ",
                 std::string indent = "");

  // A row of cells, one per column (missing ones are empty, extra ones are dropped).
  table& add(std::vector<std::string> cells);
  bool empty() const noexcept { return rows_.empty(); }

  // The header line (when a column has a header), then one line per row.
  std::vector<std::string> lines() const;
  // lines() joined with '\n' (no trailing newline).
  std::string text() const;

 private:
  std::string line(const std::vector<std::string>& cells,
                   const std::vector<std::size_t>& widths) const;

  std::vector<column> columns_;
  std::string separator_;
  std::string indent_;
  std::vector<std::vector<std::string>> rows_;
};

// "[1] first\n[2] second": entries numbered from 1, as a customer picks them by number.
std::string numbered_list(const std::vector<std::string>& entries, std::string indent = "");

// "- first\n- second": entries after a marker.
std::string marked_list(const std::vector<std::string>& entries, std::string marker = "-",
                        std::string indent = "");

}  // namespace tcs::term
