// Money, date, label and column formatting for the terminals.
#include "common/term/format.hpp"

#include "common/protocol/actions.hpp"

#include <algorithm>
#include <charconv>
#include <ctime>
#include <utility>

namespace tcs::term {

std::string local_strftime(std::int64_t unix_seconds, const char* pattern) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm local{};
  localtime_r(&t, &local);
  char out[32];
  return std::string(out, std::strftime(out, sizeof out, pattern, &local));
}

std::string local_datetime(std::int64_t unix_seconds) {
  return local_strftime(unix_seconds, "%d/%m/%Y %H:%M");
}

std::string assistant(std::string_view text) {
  return "Asistente: " + std::string(text);
}

std::optional<int> parse_choice(std::string_view text, int min, int max) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  if (text.empty())
    return std::nullopt;
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size())
    return std::nullopt;
  if (value < min || value > max)
    return std::nullopt;
  return value;
}

std::size_t display_width(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U;  // not a continuation byte
  }));
}

std::string pad_right(std::string text, std::size_t width) {
  const std::size_t w = display_width(text);
  if (w < width)
    text.append(width - w, ' ');
  return text;
}

std::string pad_left(std::string text, std::size_t width) {
  const std::size_t w = display_width(text);
  if (w < width)
    text.insert(0, width - w, ' ');
  return text;
}

std::string_view state_name(std::string_view state) {
  if (state == "paid")
    return "pagado";
  if (state == "shipped")
    return "envío confirmado";
  if (state == "received")
    return "recibido";
  if (state == "returned")
    return "devolución tramitada";
  return state;
}

std::string_view kind_name(std::string_view kind) {
  if (kind == "purchase")
    return "compra";
  if (kind == "sale")
    return "venta";
  if (kind == "card")
    return "carta";
  if (kind == "pack")
    return "sobre";
  return kind;
}

std::string_view activity_label(std::string_view action) {
  return actions::label(action);  // one table with the server's (common/protocol/actions.hpp)
}

std::string_view outcome_label(std::string_view code) {
  static constexpr std::pair<std::string_view, std::string_view> labels[] = {
      {"bad_credentials", "credenciales incorrectas"},
      {"already_logged_in", "ya tenía una sesión abierta"},
      {"account_disabled", "cuenta deshabilitada"},
      {"too_many_attempts", "demasiados intentos"},
      {"not_found", "no encontrado"},
      {"out_of_stock", "sin stock suficiente"},
      {"invalid_state", "estado no permitido"},
      {"weak_password", "contraseña débil"},
      {"not_in_chat", "sin conversación"},
      {"busy", "servidor ocupado"},
      {"missing_field", "faltan datos"},
      {"invalid_field", "datos inválidos"},
      {"forbidden", "no permitido"},
      {"internal", "error interno"},
  };
  for (const auto& [name, label] : labels)
    if (name == code)
      return label;
  return "error";
}

}  // namespace tcs::term
