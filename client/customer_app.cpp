// Login, menu loop and event printing of tcs-client.
#include "client/customer_app.hpp"

#include "common/term/format.hpp"
#include "common/term/login_flow.hpp"

namespace tcs::client {

namespace asio = boost::asio;

namespace {

constexpr std::string_view menu_text =
    "[1] Cambio de contraseña.\n"
    "[2] Historial de operaciones.\n"
    "[3] Catálogo de productos / Comprar productos. ($ infinito y con stock limitado)\n"
    "[4] Solicitar devolución.\n"
    "[5] Confirmar envío.\n"
    "[6] Contactarse con un ejecutivo.\n"
    "[7] Salir";

}  // namespace

customer_app::customer_app(term::terminal& term, std::shared_ptr<client_connection> conn)
    : term_(term), conn_(std::move(conn)) {
  conn_->on_event([this](const json::object& ev) { on_event(ev); });
}

void customer_app::say(std::string_view text) {
  term_.print(term::assistant(text));
}

asio::awaitable<std::optional<std::string>> customer_app::ask() {
  for (;;) {
    auto r = co_await term_.read_line(first_name_ + ": ");
    if (r.status == term::read_status::line)
      co_return std::move(r.text);
    if (r.status == term::read_status::end_of_input)
      input_ended_ = true;
    if (r.status == term::read_status::end_of_input || connection_lost_)
      co_return std::nullopt;
  }
}

void customer_app::on_event(const json::object& event) {
  const auto type = get_string(event, "type");
  if (!type)
    return;
  if (*type == "shutdown" || *type == "timeout" || *type == "account_disabled") {
    if (auto m = get_string(event, "message"))
      say(*m);
    if (*type == "account_disabled") {  // the server closes the connection right after
      connection_lost_ = true;
      term_.interrupt();
    }
  } else if (*type == "connection_lost") {
    if (connection_lost_)
      return;  // already told why (account_disabled)
    connection_lost_ = true;
    say("Se perdió la conexión con el servidor.");
    term_.interrupt();
  } else {
    on_support_event(event);
  }
}

asio::awaitable<int> customer_app::run(std::string host, std::uint16_t port) {
  term_.print(term::banner);
  try {
    co_await conn_->connect(host, port, "tcs-client/0.1");
  } catch (const std::exception& e) {
    say(e.what());
    co_return 1;
  }
  auto login = co_await term::login_flow(term_, *conn_, false);
  if (!login)
    co_return 1;
  first_name_ = std::string(get_string(*login, "first_name").value());
  say("¡Bienvenido " + first_name_ + "! ¿En qué te podemos ayudar?");

  bool first = true;
  while (!connection_lost_) {
    if (!first)
      say("¿Desea realizar otra operación?");
    first = false;
    term_.print(menu_text);
    say("Ingrese un número:");
    std::optional<int> choice;
    while (!choice) {
      auto line = co_await ask();
      if (!line)
        break;
      choice = term::parse_choice(*line, 1, 7);
      if (!choice)
        say("Opción inválida. Ingrese un número del 1 al 7:");
    }
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
  }
  if (connection_lost_)
    co_return 1;
  co_await conn_->request(make_event("logout"));
  say("¡Hasta pronto, " + first_name_ + "!");
  conn_->close();
  co_return 0;
}

}  // namespace tcs::client
