// Login and the command loop of tcs-exec.
#include "executive/executive_app.hpp"

#include "common/term/format.hpp"
#include "common/term/login_flow.hpp"

namespace tcs::executive {

namespace asio = boost::asio;

executive_app::executive_app(term::terminal& term, std::shared_ptr<client_connection> conn)
    : term_(term), conn_(std::move(conn)) {
  conn_->on_event([this](const json::object& ev) { on_event(ev); });
}

void executive_app::say(std::string_view text) {
  term_.print(term::assistant(text));
}

void executive_app::on_event(const json::object& event) {
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

asio::awaitable<int> executive_app::run(std::string host, std::uint16_t port) {
  term_.print(term::banner);
  try {
    co_await conn_->connect(host, port, "tcs-exec/0.1");
  } catch (const std::exception& e) {
    say(e.what());
    co_return 1;
  }
  auto login = co_await term::login_flow(term_, *conn_, true);
  if (!login)
    co_return 1;
  first_name_ = std::string(get_string(*login, "first_name").value());
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
  co_await conn_->request(make_event("logout"));
  say("Sesión cerrada. ¡Hasta pronto, " + first_name_ + "!");
  conn_->close();
  co_return 0;
}

}  // namespace tcs::executive
