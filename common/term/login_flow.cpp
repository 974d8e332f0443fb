// The shared login dialogue.
#include "common/term/login_flow.hpp"

#include "common/term/format.hpp"

namespace tcs::term {

boost::asio::awaitable<std::optional<json::object>> login_flow(terminal& term,
                                                               client_connection& conn,
                                                               bool executive) {
  term.print("Para autenticarse ingrese su mail y contraseña:");
  for (;;) {
    auto email = co_await term.read_line("usuario: ");
    if (email.status != read_status::line)
      co_return std::nullopt;
    auto password = co_await term.read_line("contraseña: ", true);
    if (password.status != read_status::line)
      co_return std::nullopt;
    json::object request = make_event("login");
    request["role"] = executive ? "executive" : "customer";
    request["email"] = email.text;
    request["password"] = password.text;
    if (executive) {
      auto code = co_await term.read_line("código 2FA (Google Authenticator): ");
      if (code.status != read_status::line)
        co_return std::nullopt;
      request["totp"] = code.text;
    }
    request_result reply = co_await conn.request(std::move(request));
    if (reply)
      co_return std::move(*reply);
    if (reply.error().transport) {
      term.print(assistant("Se perdió la conexión con el servidor."));
      co_return std::nullopt;
    }
    term.print(assistant(reply.error().message + " Intente nuevamente."));
  }
}

}  // namespace tcs::term
