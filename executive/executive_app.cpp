// The command loop of tcs-exec (login, logout and session events are term::session's).
#include "executive/executive_app.hpp"

namespace tcs::executive {

namespace asio = boost::asio;

asio::awaitable<int> executive_app::run(std::string host, std::uint16_t port) {
  auto login = co_await log_in(std::move(host), port, "tcs-exec/0.1", true);
  if (!login)
    co_return 1;
  const auto online = get_int(*login, "customers_online").value();
  say("Hola " + first_name_ + ", en este momento hay " + std::to_string(online) +
      (online == 1 ? " cliente conectado." : " clientes conectados."));
  say("Escriba :help para ver los comandos.");

  for (;;) {
    auto line = co_await term_.read_line(first_name_ + ": ");
    if (line.status == term::read_status::end_of_input)
      break;
    if (connection_lost_)
      co_return 1;
    if (line.status == term::read_status::interrupted)
      continue;
    if (line.text.empty())
      continue;
    if (line.text.front() == ':') {
      if (!co_await run_command(line.text))
        break;
    } else {
      co_await send_chat(line.text);
    }
    if (connection_lost_)
      co_return 1;
  }
  co_await log_out("Sesión cerrada. ¡Hasta pronto, " + first_name_ + "!");
  co_return 0;
}

}  // namespace tcs::executive
