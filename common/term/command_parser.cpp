// Parsing of `:` command lines, card/price arguments and yes/no answers.
#include "common/term/command_parser.hpp"

#include <limits>
#include <vector>

namespace tcs::term {

namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

std::vector<std::string_view> split_words(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_blank(text[i]))
      ++i;
    std::size_t start = i;
    while (i < text.size() && !is_blank(text[i]))
      ++i;
    if (i > start)
      words.push_back(text.substr(start, i - start));
  }
  return words;
}

std::string join_words(const std::vector<std::string_view>& words, std::size_t count) {
  std::string out;
  for (std::size_t i = 0; i < count; ++i) {
    if (i > 0)
      out.push_back(' ');
    out.append(words[i]);
  }
  return out;
}

std::string lower_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_blank(text.front()))
    text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back()))
    text.remove_suffix(1);
  return text;
}

command_line split_command(std::string_view line) {
  line = trim(line);
  std::size_t end = 0;
  while (end < line.size() && !is_blank(line[end]))
    ++end;
  return command_line{std::string(line.substr(0, end)), std::string(trim(line.substr(end)))};
}

std::optional<std::int64_t> parse_price(std::string_view text) {
  text = trim(text);
  if (!text.empty() && text.front() == '$')
    text.remove_prefix(1);
  if (text.empty())
    return std::nullopt;
  // Either plain digits, or 1-3 digits followed by groups of ".ddd".
  const bool dotted = text.find('.') != std::string_view::npos;
  std::int64_t value = 0;
  std::size_t digits_in_group = 0;
  bool first_group = true;
  for (char c : text) {
    if (c == '.') {
      if (digits_in_group == 0 || (first_group && digits_in_group > 3) ||
          (!first_group && digits_in_group != 3))
        return std::nullopt;
      first_group = false;
      digits_in_group = 0;
      continue;
    }
    if (c < '0' || c > '9')
      return std::nullopt;
    const int digit = c - '0';
    if (value > (std::numeric_limits<std::int64_t>::max() - digit) / 10)
      return std::nullopt;
    value = value * 10 + digit;
    ++digits_in_group;
  }
  if (dotted && digits_in_group != 3)
    return std::nullopt;
  if (value <= 0)
    return std::nullopt;
  return value;
}

std::optional<card_and_price> parse_card_and_price(std::string_view args, bool price_required) {
  args = trim(args);
  if (args.empty())
    return std::nullopt;

  if (args.front() == '"') {
    const std::size_t close = args.find('"', 1);
    if (close == std::string_view::npos)
      return std::nullopt;
    const auto words = split_words(args.substr(1, close - 1));
    if (words.empty())
      return std::nullopt;
    card_and_price out{join_words(words, words.size()), std::nullopt};
    const std::string_view rest = trim(args.substr(close + 1));
    if (!rest.empty()) {
      out.price = parse_price(rest);
      if (!out.price)
        return std::nullopt;
    }
    if (price_required && !out.price)
      return std::nullopt;
    return out;
  }

  const auto words = split_words(args);
  if (words.size() >= 2) {
    if (auto price = parse_price(words.back()))
      return card_and_price{join_words(words, words.size() - 1), price};
  }
  if (price_required)
    return std::nullopt;
  return card_and_price{join_words(words, words.size()), std::nullopt};
}

std::optional<bool> parse_yes_no(std::string_view text) {
  const std::string answer = lower_ascii(trim(text));
  if (answer == "s" || answer == "si" || answer == "sí" || answer == "sÍ" || answer == "y" ||
      answer == "yes")
    return true;
  if (answer == "n" || answer == "no")
    return false;
  return std::nullopt;
}

}  // namespace tcs::term
