// The catalogue file of `tcs-server catalogue import|export`: CSV with the columns
// name,kind,price,stock.
//
// Contract (parse_catalogue_csv): the first record is the header; it must name exactly the
// four columns, in any order, case-insensitively. Every other record must have four fields:
//   name   cleaned as services::clean_name says (NFC, trimmed of Unicode spaces, non-empty, at
//          most services::max_product_name_bytes, valid UTF-8, no control, invisible or
//          format characters, no spoofing mix of scripts); unique in the file
//          (case-insensitive, ASCII) and not confusable with another row's name (UTS #39)
//   kind   card | pack (case-insensitive; returned lower-case)
//   price  whole pesos, an integer 1..services::max_price (digits only, no sign or separator)
//   stock  an integer 0..max_import_stock
// The first bad record stops the parse with its line number; nothing is returned but the
// error, so a caller importing the rows imports all of them or none. Pure functions.
#pragma once

#include "server/admin/text_checks.hpp"
#include "server/store/catalogue_repository.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tcs::admin {

// Far above any shop's shelf; stops a typo with extra digits.
inline constexpr std::int64_t max_import_stock = 1'000'000;

struct catalogue_row {
  std::size_t line = 0;
  std::string name, kind;
  std::int64_t price = 0, stock = 0;
};

checked<std::vector<catalogue_row>> parse_catalogue_csv(std::string_view text);

// Header "name,kind,price,stock" and one record per product, fields quoted as needed; reading
// it back with parse_catalogue_csv gives the same rows.
std::string write_catalogue_csv(const std::vector<store::product_record>& products);

}  // namespace tcs::admin
