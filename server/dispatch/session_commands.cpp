// Session commands: hello (version handshake), login, logout and ping.
#include "server/dispatch/areas.hpp"
#include "server/dispatch/credential_checks.hpp"
#include "server/dispatch/server_state.hpp"
#include "server/log/console.hpp"
#include "server/security/passwords.hpp"
#include "server/security/totp.hpp"

#include <boost/asio/use_awaitable.hpp>

#include <optional>

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

// What login needs of either kind of account.
struct login_candidate {
  std::int64_t id = 0;
  std::string name, email, password_hash, totp_secret;
  std::int64_t last_totp_step = -1;
  bool disabled = false;
};

std::optional<login_candidate> find_account(server_state& server, role r, std::string_view email) {
  if (r == role::customer) {
    auto a = server.accounts().find_customer(email);
    if (!a)
      return std::nullopt;
    return login_candidate{a->id, a->name, a->email, a->password_hash, {}, -1, a->disabled};
  }
  auto a = server.accounts().find_executive(email);
  if (!a)
    return std::nullopt;
  return login_candidate{a->id,          a->name,           a->email,   a->password_hash,
                         a->totp_secret, a->last_totp_step, a->disabled};
}

// A failed attempt (already counted when admitted): logged, stored, answered bad_credentials.
failure refused_login(server_state& server, const peer& p, role r, std::string_view key,
                      const std::optional<login_candidate>& account) {
  const std::string_view role_name = r == role::customer ? "customer" : "executive";
  log::console("Acceso rechazado para " + clip_utf8(key, 80) + " desde " + p.remote_address + ".");
  if (account) {
    // The address is kept for the operator (console, database); executives never see it
    // (views::activity leaves the detail of login entries out).
    server.activity().record(server.now(), role_name, account->id,
                             r == role::customer ? std::optional(account->id) : std::nullopt,
                             "login", p.remote_address, code_name(errc::bad_credentials));
  }
  return failure{errc::bad_credentials};
}

awaitable<result<json::object>> login(request_context& ctx) {
  server_state& server = ctx.server;
  const std::string_view role_name = get_string(ctx.request, "role").value();
  if (role_name != "customer" && role_name != "executive")
    co_return failure{errc::invalid_field, "El campo \"role\" debe ser customer o executive."};
  const role r = role_name == "customer" ? role::customer : role::executive;
  const std::string_view email = get_string(ctx.request, "email").value();
  const std::string_view password = get_string(ctx.request, "password").value();
  std::string_view totp;
  if (r == role::executive) {
    auto code = get_string(ctx.request, "totp");
    if (!code)
      co_return code.error();
    totp = *code;
  }
  // Sizes are capped before anything else: an oversized field costs no hash and no count.
  if (auto ok = credentials::check_sizes(email, password, totp); !ok)
    co_return ok.error();
  const std::string key = store::ascii_lower(email);
  const std::string address = credentials::host_of(ctx.caller->remote_address);

  // Counted now, before the hash, so attempts in flight count too; waits for its turn.
  if (auto admitted = co_await credentials::admit(ctx, key, address); !admitted)
    co_return admitted.error();

  auto account = find_account(server, r, key);
  // An unknown email costs one verification too, so timing does not reveal which exist.
  std::string hash = account ? account->password_hash : security::dummy_hash();
  const auto checked = co_await server.passwords().verify(std::move(hash), std::string(password),
                                                          credentials::hash_job(ctx, address));
  if (auto not_run = credentials::not_run(*ctx.caller, checked.state))
    co_return *not_run;
  if (!account || !checked.match)
    co_return refused_login(server, *ctx.caller, r, key, account);

  if (r == role::executive) {
    // Re-read the last accepted step: another login may have used a code while we hashed.
    account = find_account(server, r, key);
    if (!account)
      co_return refused_login(server, *ctx.caller, r, key, account);
    auto step =
        security::verify_totp(account->totp_secret, totp, server.now(), account->last_totp_step);
    if (!step) {
      if (step.error().code == errc::internal)
        log::error("executive " + account->email + " has an unusable TOTP secret");
      co_return refused_login(server, *ctx.caller, r, key, account);
    }
    if (account->disabled)
      co_return failure{errc::account_disabled};
    if (ctx.caller->who != role::guest)
      co_return failure{errc::already_authenticated};
    if (server.executive_peer(account->id))
      co_return failure{errc::already_logged_in};
    // Spend the code only when the login goes through; atomic, so a replay cannot win a race.
    if (!server.accounts().advance_totp_step(account->id, *step))
      co_return refused_login(server, *ctx.caller, r, key, account);
  }
  // The credentials were right: this attempt no longer counts as a failure.
  server.throttle().record_success(key, address);
  if (account->disabled)
    co_return failure{errc::account_disabled};
  if (ctx.caller->who != role::guest)
    co_return failure{errc::already_authenticated};
  if (!server.log_in(*ctx.caller, r, account->id, account->name, account->email))
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
