// The RFC 4180 CSV reader and field quoting.
#include "server/admin/csv.hpp"

namespace tcs::admin {

checked<std::vector<csv_record>> read_csv(std::string_view text) {
  constexpr std::string_view bom = "\xEF\xBB\xBF";
  if (text.starts_with(bom)) {
    text.remove_prefix(bom.size());
  }
  std::vector<csv_record> records;
  std::size_t line = 1;
  std::size_t i = 0;
  const std::size_t n = text.size();
  const auto at_record_end = [&](std::size_t k) {
    return k >= n || text[k] == '\n' || (text[k] == '\r' && k + 1 < n && text[k + 1] == '\n');
  };
  // Moves past the end of a record (LF or CRLF) and counts the line.
  const auto skip_newline = [&] {
    if (i < n && text[i] == '\r') {
      ++i;
    }
    if (i < n && text[i] == '\n') {
      ++i;
      ++line;
    }
  };

  while (i < n) {
    if (at_record_end(i)) {  // an empty line
      skip_newline();
      continue;
    }
    csv_record record{line, {}};
    for (;;) {
      std::string field;
      if (i < n && text[i] == '"') {
        const std::size_t opened_on = line;
        ++i;
        for (;;) {
          if (i >= n) {
            return input_error{opened_on, "a quoted field is never closed"};
          }
          const char c = text[i++];
          if (c == '"') {
            if (i < n && text[i] == '"') {
              field += '"';
              ++i;
              continue;
            }
            break;
          }
          if (c == '\n') {
            ++line;
          }
          field += c;
        }
        if (i < n && text[i] != ',' && !at_record_end(i)) {
          return input_error{line,
                             "unexpected text after a closing quote (write \"\" for a "
                             "quote inside a quoted field)"};
        }
      } else {
        while (i < n && text[i] != ',' && !at_record_end(i)) {
          if (text[i] == '"') {
            return input_error{line,
                               "a quote inside an unquoted field (quote the whole field "
                               "and write \"\" for the quote)"};
          }
          field += text[i++];
        }
      }
      record.fields.push_back(std::move(field));
      if (i < n && text[i] == ',') {
        ++i;
        continue;
      }
      break;  // end of the record
    }
    records.push_back(std::move(record));
    skip_newline();
  }
  return records;
}

std::string csv_field(std::string_view value) {
  const bool needs_quotes = value.find_first_of(",\"\r\n") != std::string_view::npos ||
                            (!value.empty() && (value.front() == ' ' || value.back() == ' '));
  if (!needs_quotes) {
    return std::string(value);
  }
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') {
      out += '"';
    }
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace tcs::admin
