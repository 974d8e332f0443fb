// Session commands: hello (version handshake), login, logout and ping.
#include "server/dispatch/areas.hpp"
#include "server/dispatch/server_state.hpp"
#include "server/log/console.hpp"
#include "server/security/passwords.hpp"
#include "server/security/totp.hpp"

#include <boost/asio/use_awaitable.hpp>

namespace tcs {

namespace {

using boost::asio::awaitable;

constexpr std::string_view server_name = "tcs-server/0.1";

awaitable<result<json::object>> hello(request_context& ctx) {
  const auto version = get_int(ctx.request, "version").value();
  if (version != protocol_version) {
    ctx.close_after_reply = true;
    co_return failure{errc::unsupported_version,
                      "Versión de protocolo no soportada (el servidor habla la " +
                          std::to_string(protocol_version) + ")."};
  }
  ctx.caller->greeted = true;
  json::object body;
  body["version"] = protocol_version;
  body["server"] = server_name;
  co_return body;
}

// The first name, the count of customers online (the executive's greeting), the role.
json::object login_reply(server_state& server, const peer& p) {
  json::object body;
  body["role"] = p.who == role::customer ? "customer" : "executive";
  body["name"] = p.name;
  body["first_name"] = p.first_name();
  body["email"] = p.email;
  body["customers_online"] = static_cast<std::int64_t>(server.customers_online());
  return body;
}

failure refused_login(server_state&, const peer& p, std::string_view email) {
  log::console("Acceso rechazado para " + clip_utf8(email, 80) + " desde " + p.remote_address +
               ".");
  return failure{errc::bad_credentials};
}

awaitable<result<json::object>> login(request_context& ctx) {
  server_state& server = ctx.server;
  const std::string role_name(get_string(ctx.request, "role").value());
  const std::string email(get_string(ctx.request, "email").value());
  std::string password(get_string(ctx.request, "password").value());
  if (role_name != "customer" && role_name != "executive")
    co_return failure{errc::invalid_field, "El campo \"role\" debe ser customer o executive."};

  if (role_name == "customer") {
    auto account = server.accounts().find_customer(email);
    // An unknown email costs one verification too, so timing does not reveal which exist.
    const std::string hash = account ? account->password_hash : security::dummy_hash();
    const bool ok = co_await server.passwords().verify(hash, std::move(password));
    if (!ctx.caller->is_open())
      co_return failure{errc::internal};
    if (!account || !ok)
      co_return refused_login(server, *ctx.caller, email);
    if (account->disabled)
      co_return failure{errc::account_disabled};
    if (ctx.caller->who != role::guest)
      co_return failure{errc::already_authenticated};
    if (!server.log_in(*ctx.caller, role::customer, account->id, account->name, account->email))
      co_return failure{errc::already_logged_in};
    co_return login_reply(server, *ctx.caller);
  }

  auto code = get_string(ctx.request, "totp");
  if (!code)
    co_return code.error();
  const std::string totp(*code);
  auto account = server.accounts().find_executive(email);
  const std::string hash = account ? account->password_hash : security::dummy_hash();
  const bool ok = co_await server.passwords().verify(hash, std::move(password));
  if (!ctx.caller->is_open())
    co_return failure{errc::internal};
  if (!account || !ok)
    co_return refused_login(server, *ctx.caller, email);
  // Re-read the last accepted step: another login may have used a code while we hashed.
  account = server.accounts().find_executive(email);
  if (!account)
    co_return refused_login(server, *ctx.caller, email);
  auto step =
      security::verify_totp(account->totp_secret, totp, server.now(), account->last_totp_step);
  if (!step) {
    if (step.error().code == errc::internal)
      log::error("executive " + account->email + " has an unusable TOTP secret");
    co_return refused_login(server, *ctx.caller, email);
  }
  if (account->disabled)
    co_return failure{errc::account_disabled};
  if (ctx.caller->who != role::guest)
    co_return failure{errc::already_authenticated};
  if (server.executive_peer(account->id))
    co_return failure{errc::already_logged_in};
  // Spend the code only when the login goes through; atomic, so a replay cannot win a race.
  if (!server.accounts().advance_totp_step(account->id, *step))
    co_return refused_login(server, *ctx.caller, email);
  if (!server.log_in(*ctx.caller, role::executive, account->id, account->name, account->email))
    co_return failure{errc::already_logged_in};
  co_return login_reply(server, *ctx.caller);
}

awaitable<result<json::object>> logout(request_context& ctx) {
  ctx.close_after_reply = true;
  co_return json::object{};
}

awaitable<result<json::object>> ping(request_context&) {
  co_return json::object{};
}

constexpr field_spec hello_fields[] = {{"version", field_kind::integer},
                                       {"client", field_kind::string, false}};
constexpr field_spec login_fields[] = {{"role", field_kind::string},
                                       {"email", field_kind::string},
                                       {"password", field_kind::string},
                                       {"totp", field_kind::string, false}};

const command table[] = {
    {"hello", access::handshake, hello_fields, hello, "version handshake; must be first"},
    {"login", access::guest, login_fields, login, "log in as customer or executive"},
    {"logout", access::anyone, {}, logout, "log out and close the connection"},
    {"ping", access::anyone, {}, ping, "liveness check"},
};

}  // namespace

std::span<const command> session_commands() {
  return table;
}

}  // namespace tcs
