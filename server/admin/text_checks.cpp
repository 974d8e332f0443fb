// Email, display-name and UTF-8 checks for the admin commands.
#include "server/admin/text_checks.hpp"

#include "common/protocol/message.hpp"
#include "server/services/names.hpp"
#include "server/store/accounts_repository.hpp"

#include <ostream>
#include <stdexcept>

namespace tcs::admin {

std::ostream& operator<<(std::ostream& os, const input_error& e) {
  if (e.line > 0) {
    os << "line " << e.line << ": ";
  }
  return os << e.message;
}

void throw_exception_from_error(const input_error& e, const boost::source_location&) {
  throw std::invalid_argument(e.message);
}

bool is_valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    const std::size_t n = utf8_sequence(text, i, cp);
    if (n == 0)
      return false;
    i += n;
  }
  return true;
}

bool has_control_chars(std::string_view text) {
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7F) {
      return true;
    }
  }
  return false;
}

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) {
    return {};
  }
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

checked<std::string> normalize_email(std::string_view email) {
  email = trim(email);
  const auto bad = [&](std::string_view why) {
    // Quoted clipped and escaped: the address may hold ESC or a bidi override.
    return input_error{0,
                       "invalid email address \"" + echo_value(email) + "\": " + std::string(why)};
  };
  if (email.empty()) {
    return input_error{0, "the email address is empty"};
  }
  if (email.size() > max_email_bytes) {
    return bad("longer than " + std::to_string(max_email_bytes) + " bytes");
  }
  if (!is_valid_utf8(email)) {
    return bad("not valid UTF-8");
  }
  if (has_control_chars(email) || email.find_first_of(" \t") != std::string_view::npos) {
    return bad("it contains spaces or control characters");
  }
  const auto at = email.find('@');
  if (at == std::string_view::npos || email.find('@', at + 1) != std::string_view::npos) {
    return bad("it needs exactly one '@'");
  }
  if (at == 0) {
    return bad("nothing before the '@'");
  }
  const std::string_view domain = email.substr(at + 1);
  if (domain.find('.') == std::string_view::npos) {
    return bad("the domain needs a dot (example.com)");
  }
  if (domain.front() == '.' || domain.back() == '.' ||
      domain.find("..") != std::string_view::npos) {
    return bad("the domain has an empty part");
  }
  return store::ascii_lower(email);
}

checked<std::string> normalize_display_name(std::string_view name) {
  auto cleaned = services::clean_name(name, max_display_name_bytes);
  if (!cleaned) {
    return input_error{
        0, services::english_message(cleaned.error(), "the name", max_display_name_bytes)};
  }
  return std::move(*cleaned);
}

}  // namespace tcs::admin
