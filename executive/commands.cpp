// The executive's `:` commands: parsing and the request each one sends.
#include "common/term/format.hpp"
#include "executive/executive_app.hpp"

namespace tcs::executive {

namespace asio = boost::asio;

namespace {

constexpr std::string_view help_text =
    "Comandos:\n"
    "  :status        clientes conectados y cola de espera\n"
    "  :details       clientes conectados y su última acción\n"
    "  :connect       atender al cliente que más ha esperado\n"
    "  :history       actividad del cliente atendido\n"
    "  :operations    todas las operaciones del cliente (se le muestran también a él)\n"
    "  :catalogue     catálogo con precios, stock y unidades retenidas\n"
    "  :buy <carta> <precio>      ofrecer comprarle una carta al cliente\n"
    "  :publish <carta> [precio]  poner a la venta una carta comprada\n"
    "  :disconnect    terminar la conversación con el cliente\n"
    "  :exit          cerrar sesión\n"
    "  :help          esta ayuda";

}  // namespace

asio::awaitable<bool> executive_app::run_command(std::string_view line) {
  const auto space = line.find(' ');
  const std::string_view name = line.substr(0, space);
  if (name == ":exit")
    co_return false;
  if (name == ":help") {
    term_.print(help_text);
    co_return true;
  }
  say("Comando desconocido: " + std::string(name));
  term_.print(help_text);
  co_return true;
}

asio::awaitable<void> executive_app::send_chat(std::string_view) {
  say("No está atendiendo a ningún cliente. Use :connect para atender al siguiente.");
  co_return;
}

}  // namespace tcs::executive
