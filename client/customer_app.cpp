// The menu loop of tcs-client (login, logout and session events are term::session's).
#include "client/customer_app.hpp"

#include "common/term/command_parser.hpp"
#include "common/term/fields.hpp"
#include "common/term/format.hpp"

#include <limits>

namespace tcs::client {

namespace asio = boost::asio;

namespace {

constexpr std::string_view menu_text =
    "[1] Cambio de contraseña.\n"
    "[2] Historial de operaciones.\n"
    "[3] Catálogo de productos / Comprar productos.\n"
    "[4] Solicitar devolución.\n"
    "[5] Confirmar envío.\n"
    "[6] Contactarse con un ejecutivo.\n"
    "[7] Salir";

}  // namespace

asio::awaitable<std::optional<std::string>> customer_app::ask(bool secret) {
  for (;;) {
    auto r = co_await term_.read_line(first_name_ + ": ", secret);
    if (r.status == term::read_status::line)
      co_return std::move(r.text);
    if (r.status == term::read_status::end_of_input)
      input_ended_ = true;
    if (r.status == term::read_status::cancelled)
      cancelled_ = true;  // Ctrl-C: the question is dropped (back to the menu)
    if (r.status != term::read_status::interrupted || connection_lost_)
      co_return std::nullopt;
  }
}

asio::awaitable<std::optional<int>> customer_app::choose(std::string question, int min, int max,
                                                         std::string_view invalid) {
  say(question);
  for (;;) {
    auto line = co_await ask();
    if (!line)
      co_return std::nullopt;
    if (auto n = term::parse_choice(*line, min, max))
      co_return n;
    say(std::string(invalid) + ": ingrese un número del " + std::to_string(min) + " al " +
        std::to_string(max) + ".");
    say(question);
  }
}

asio::awaitable<std::optional<const json::object*>> customer_app::pick_by_id(
    std::string question, const std::vector<json::object>& items) {
  say(question);
  for (;;) {
    auto line = co_await ask();
    if (!line)
      co_return std::nullopt;
    const auto number = term::parse_choice(*line, 0, std::numeric_limits<int>::max());
    if (number == 0)
      co_return nullptr;
    for (const auto& item : items)
      if (number && term::int_field(item, "id", -1) == *number)
        co_return &item;
    say("Número inválido: ingrese uno de los números entre corchetes de la lista, o 0.");
    say(question);
  }
}

asio::awaitable<std::optional<bool>> customer_app::confirm(std::string question) {
  say(question);
  for (;;) {
    auto line = co_await ask();
    if (!line)
      co_return std::nullopt;
    if (auto answer = term::parse_yes_no(*line))
      co_return answer;
    say("Respuesta inválida: responda s (sí) o n (no).");
    say(question);
  }
}

asio::awaitable<std::optional<int>> customer_app::menu_choice(bool asked_again) {
  term_.print(menu_text);
  say("Ingrese un número:");
  for (;;) {
    auto line = co_await ask();
    if (!line && !cancelled_)
      co_return std::nullopt;
    if (!line) {  // Ctrl-C at the menu: leave only if the customer says so
      cancelled_ = false;
      auto leave = co_await confirm("¿Desea salir? (s/n)");
      if (leave && *leave)
        co_return 7;
      if (!leave && !cancelled_)
        co_return std::nullopt;
      cancelled_ = false;
      say("Ingrese un número:");
      continue;
    }
    if (auto choice = term::parse_choice(*line, 1, 7))
      co_return choice;
    // "¿Desea realizar otra operación?" may be answered with no (leave) or yes (the menu).
    if (auto answer = term::parse_yes_no(*line); answer && asked_again) {
      if (!*answer)
        co_return 7;
      say("Ingrese un número:");
      continue;
    }
    say("Opción inválida. Ingrese un número del 1 al 7:");
  }
}

asio::awaitable<int> customer_app::run(std::string host, std::uint16_t port) {
  if (!co_await log_in(std::move(host), port, "tcs-client/0.1", false))
    co_return left_ ? 0 : 1;
  say("¡Bienvenido " + first_name_ + "! ¿En qué te podemos ayudar?");

  bool first = true;
  while (!connection_lost_) {
    if (!first)
      say("¿Desea realizar otra operación?");
    auto choice = co_await menu_choice(!first);
    first = false;
    if (!choice || *choice == 7)
      break;
    switch (*choice) {
      case 1:
        co_await change_password();
        break;
      case 2:
        co_await show_history();
        break;
      case 3:
        co_await catalogue_and_cart();
        break;
      case 4:
        co_await request_return();
        break;
      case 5:
        co_await confirm_shipment();
        break;
      case 6:
        co_await contact_executive();
        break;
    }
    if (input_ended_)
      break;
    if (cancelled_ && !connection_lost_)
      say("Cancelado.");
    cancelled_ = false;
  }
  if (connection_lost_)
    co_return 1;
  co_await log_out("¡Hasta pronto, " + first_name_ + "!");
  co_return 0;
}

}  // namespace tcs::client
