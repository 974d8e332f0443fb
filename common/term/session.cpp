// The session both terminal apps share: login, logout and the session-ending events.
#include "common/term/session.hpp"

#include "common/term/format.hpp"
#include "common/term/login_flow.hpp"
#include "common/term/pages.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

namespace tcs::term {

namespace {

// A coroutine of its own (not a lambda's): it holds the connection for as long as it runs.
boost::asio::awaitable<void> send_typing(std::shared_ptr<client_connection> conn) {
  (void)co_await conn->request(make_event("chat.typing"));
}

}  // namespace

session::session(terminal& term, std::shared_ptr<client_connection> conn)
    : term_(term), conn_(std::move(conn)), typing_timer_(term.executor()) {}

void session::typing_notice() {
  constexpr auto interval = std::chrono::seconds(2);
  const auto now = std::chrono::steady_clock::now();
  if (!logged_in_ || connection_lost_ || now - last_typing_notice_ < interval)
    return;
  last_typing_notice_ = now;
  // Not awaited: the reply (even not_in_chat, a chat that just ended) changes nothing.
  boost::asio::co_spawn(term_.executor(), send_typing(conn_), boost::asio::detached);
}

void session::typing_shown(std::string_view who) {
  term_.set_status(std::string(who) + " está escribiendo…");
  typing_timer_.expires_after(std::chrono::seconds(5));
  typing_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec)
      term_.set_status("");
  });
}

void session::typing_done() {
  typing_timer_.cancel();
  term_.set_status("");
}

void session::say(std::string_view text) {
  term_.print(assistant(text));
}

void session::on_event(const json::object& event) {
  const auto type = get_string(event, "type");
  if (!type)
    return;
  if (!logged_in_ && (*type == "timeout" || *type == "connection_lost"))
    return;  // the server's login time limit: send_login() connects again if needed
  if (*type == "shutdown" || *type == "timeout" || *type == "account_disabled") {
    if (auto m = get_string(event, "message"))
      say(*m);
    if (*type != "timeout")
      may_reconnect_ = false;           // closed on purpose: nothing to resume
    if (*type == "account_disabled") {  // the server closes the connection right after
      connection_lost_ = true;
      term_.interrupt();
    }
  } else if (*type == "chat.peer_lost" || *type == "chat.peer_back") {
    if (auto m = get_string(event, "message"))
      say(*m);  // the other side of the chat lost its connection, or is back
  } else if (*type == "connection_lost") {
    if (connection_lost_)
      return;  // already told why (account_disabled)
    if (may_reconnect_ && !resume_token_.empty()) {
      start_reconnecting();  // the line being typed is left alone
      return;
    }
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
  host_ = std::move(host);
  port_ = port;
  client_name_ = std::move(client_name);
  term_.print(banner);
  term_.print("Para autenticarse ingrese su mail y contraseña:");
  credentials typed;
  auto step = credentials_step::all;
  bool refused = false;
  for (;;) {
    if (co_await read_credentials(term_, executive, step, typed) != read_status::line) {
      left_ = !refused;  // leaving after a refused login still reports the failure
      say("¡Hasta pronto!");
      conn_->close();
      co_return std::nullopt;
    }
    json::object request = make_event("login");
    request["role"] = executive ? "executive" : "customer";
    request["email"] = typed.email;
    request["password"] = typed.password;
    if (executive)
      request["totp"] = typed.totp;
    request_result reply = co_await send_login(std::move(request));
    if (reply) {
      logged_in_ = true;
      first_name_ = std::string(get_string(*reply, "first_name").value());
      if (auto token = get_string(*reply, "resume_token"))
        resume_token_ = std::string(*token);
      co_return std::move(*reply);
    }
    if (reply.error().transport) {
      say(reply.error().message);
      conn_->close();
      co_return std::nullopt;
    }
    refused = true;
    const errc code = reply.error().code;
    const bool code_only = code == errc::bad_totp || code == errc::totp_used;
    step = code_only ? credentials_step::code_only : credentials_step::all;
    say(reply.error().message + (code_only ? "" : " Intente nuevamente."));
  }
}

boost::asio::awaitable<request_result> session::send_login(json::object request) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!conn_->is_open()) {
      if (connected_once_)  // a closed connection is not reused: a fresh one
        conn_ = conn_->renewed(co_await boost::asio::this_coro::executor);
      connected_once_ = true;
      conn_->on_event([this](const json::object& ev) { on_event(ev); });
      if (auto hello = co_await conn_->connect(host_, port_, client_name_); !hello)
        co_return hello;
    }
    request_result reply = co_await conn_->request(request);
    if (reply || !reply.error().transport)
      co_return reply;
    // The server closed the connection while the person typed (its login time limit).
  }
  co_return request_error::lost("Se perdió la conexión con el servidor.");
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
  may_reconnect_ = false;
  co_await conn_->request(make_event("logout"));
  say(farewell);
  conn_->close();
}

}  // namespace tcs::term
