// A small RFC 4180 CSV reader and the field quoting of its writer.
//
// Reading: records end at LF or CRLF; fields are separated by commas; a field that starts
// with '"' is quoted: it may contain commas, line breaks and doubled quotes ("" = one '"'),
// and its closing quote must be followed by a comma or the end of the record. A quote inside
// an unquoted field, text after a closing quote and an unterminated quoted field are errors
// (reported with the line they are on). A UTF-8 byte-order mark at the very start is skipped
// (spreadsheets write one) and empty lines are skipped. Pure functions, no I/O.
#pragma once

#include "server/admin/text_checks.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tcs::admin {

struct csv_record {
  std::size_t line = 0;  // 1-based line the record starts on
  std::vector<std::string> fields;
};

checked<std::vector<csv_record>> read_csv(std::string_view text);

// The field as CSV: quoted (with doubled quotes) when it contains a comma, a quote, a line
// break or surrounding spaces; as is otherwise.
std::string csv_field(std::string_view value);

}  // namespace tcs::admin
