// The session both terminal apps share: login, logout and the session-ending events.
#include "common/term/session.hpp"

#include "common/term/format.hpp"
#include "common/term/login_flow.hpp"
#include "common/term/pages.hpp"

namespace tcs::term {

session::session(terminal& term, std::shared_ptr<client_connection> conn)
    : term_(term), conn_(std::move(conn)) {
  conn_->on_event([this](const json::object& ev) { on_event(ev); });
}

void session::say(std::string_view text) {
  term_.print(assistant(text));
}

void session::on_event(const json::object& event) {
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

boost::asio::awaitable<std::optional<json::object>> session::log_in(std::string host,
                                                                    std::uint16_t port,
                                                                    std::string client_name,
                                                                    bool executive) {
  term_.print(banner);
  if (auto hello = co_await conn_->connect(std::move(host), port, std::move(client_name)); !hello) {
    say(hello.error().message);
    co_return std::nullopt;
  }
  auto login = co_await login_flow(term_, *conn_, executive);
  if (login)
    first_name_ = std::string(get_string(*login, "first_name").value());
  co_return login;
}

boost::asio::awaitable<request_result> session::call(json::object request) {
  request_result reply = co_await conn_->request(std::move(request));
  if (!reply && !reply.error().transport)
    say(reply.error().message);
  co_return reply;
}

boost::asio::awaitable<request_result> session::call_all(json::object request,
                                                         std::string_view list) {
  request_result reply = co_await request_all(*conn_, std::move(request), list);
  if (!reply && !reply.error().transport)
    say(reply.error().message);
  co_return reply;
}

boost::asio::awaitable<void> session::log_out(std::string farewell) {
  co_await conn_->request(make_event("logout"));
  say(farewell);
  conn_->close();
}

}  // namespace tcs::term
