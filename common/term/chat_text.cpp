// Cutting long chat lines; chat times.
#include "common/term/chat_text.hpp"

#include "common/term/fields.hpp"
#include "common/term/format.hpp"

#include <ctime>

namespace tcs::term {

std::vector<std::string> split_chat_text(std::string_view text, std::size_t max_bytes) {
  std::vector<std::string> pieces;
  if (max_bytes < 4)
    max_bytes = 4;  // room for any UTF-8 character
  while (text.size() > max_bytes) {
    std::size_t cut = max_bytes;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0U) == 0x80U)
      --cut;  // not inside a character
    if (auto space = text.rfind(' ', cut - 1); space != std::string_view::npos && space >= cut / 2)
      cut = space + 1;  // the space stays at the end of the piece
    pieces.emplace_back(text.substr(0, cut));
    text.remove_prefix(cut);
  }
  if (!text.empty())
    pieces.emplace_back(text);
  return pieces;
}

std::string local_time(std::int64_t unix_seconds) {
  return local_strftime(unix_seconds, "%H:%M");
}

std::string chat_line(const json::object& event, std::string_view from) {
  std::string out;
  if (auto at = get_int(event, "at"))
    out = "[" + local_time(*at) + "] ";
  return out + text_field(event, "from", from) + ": " + text_field(event, "text", "");
}

}  // namespace tcs::term
