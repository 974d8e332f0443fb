// Session commands: hello (version handshake), login, logout and ping.
#include "common/protocol/actions.hpp"
#include "server/dispatch/areas.hpp"
#include "server/dispatch/audit.hpp"
#include "server/dispatch/credential_checks.hpp"
#include "server/dispatch/server_state.hpp"
#include "server/dispatch/session_resume.hpp"
#include "server/dispatch/support_common.hpp"
#include "server/security/passwords.hpp"
#include "server/services/service_set.hpp"

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
json::object login_reply(server_state& sessions, const peer& p) {
  json::object body;
  body["role"] = p.who == role::customer ? "customer" : "executive";
  body["name"] = p.name;
  body["first_name"] = p.first_name();
  body["email"] = p.email;
  body["customers_online"] = static_cast<std::int64_t>(sessions.customers_online());
  return body;
}

using services::login_account;

// A failed attempt (already counted when admitted): answered bad_credentials, with a console
// line and, when the account exists, an entry in its activity log. The address is kept for
// the operator (console, database); executives never see it (views::activity leaves the
// detail of login entries out).
failure refused_login(request_context& ctx, bool executive, std::string_view key,
                      const std::optional<login_account>& account) {
  ctx.audit.record = true;
  ctx.audit.row = account.has_value();
  if (account)
    ctx.audit.actor = audit_note::account{executive, account->id};
  ctx.audit.detail = ctx.caller->remote_address;
  ctx.audit.line =
      "Acceso rechazado para " + clip_utf8(key, 80) + " desde " + ctx.caller->remote_address + ".";
  return failure{errc::bad_credentials};
}

// The executive's second factor, checked after the password: a valid code not used before,
// spent only when the login goes through. Re-reads the account (another login may have used
// a code while this one hashed).
awaitable<result<login_account>> second_factor(request_context& ctx, std::string_view key,
                                               std::string_view totp) {
  auto& accounts = ctx.services.accounts();
  auto account = accounts.find_for_login(true, key);
  if (!account)
    co_return refused_login(ctx, true, key, account);
  // The password was right: the code's own refusal is told (bad_totp, totp_used), so the
  // terminal asks for the code alone (docs/security.md, "Executives' second factor").
  auto refused_code = [&](errc code) {
    static_cast<void>(refused_login(ctx, true, key, account));  // recorded and counted alike
    return failure{code};
  };
  auto step = accounts.totp_step(*account, totp, ctx.services.now());
  if (!step && step.error().code == errc::internal)
    co_return refused_login(ctx, true, key, account);
  if (!step)
    co_return refused_code(step.error().code == errc::totp_used ? errc::totp_used : errc::bad_totp);
  if (account->disabled)
    co_return failure{errc::account_disabled};
  if (ctx.caller->who != role::guest)
    co_return failure{errc::already_authenticated};
  if (has_live_session(ctx.sessions, role::executive, account->id))
    co_return failure{errc::already_logged_in};
  // Atomic, so a replay cannot win a race.
  if (!accounts.spend_totp_step(account->id, *step))
    co_return refused_code(errc::totp_used);
  co_return *account;
}

// The request's role, email, password and (executives) TOTP code, sizes capped.
struct login_request {
  bool executive = false;
  std::string_view email, password, totp;
};

result<login_request> read_login(const json::object& request) {
  const std::string_view role_name = get_string(request, "role").value();
  if (role_name != "customer" && role_name != "executive")
    return failure{errc::invalid_field, "El campo \"role\" debe ser customer o executive."};
  login_request r{role_name == "executive",
                  get_string(request, "email").value(),
                  get_string(request, "password").value(),
                  {}};
  if (r.executive) {
    auto code = get_string(request, "totp");
    if (!code)
      return code.error();
    r.totp = *code;
  }
  // Sizes are capped before anything else: an oversized field costs no hash and no count.
  if (auto ok = credentials::check_sizes(r.email, r.password, r.totp); !ok)
    return ok.error();
  return r;
}

awaitable<result<json::object>> login(request_context& ctx) {
  auto& services = ctx.services;
  auto req = read_login(ctx.request);
  if (!req)
    co_return req.error();
  const std::string key = services::login_key(req->email);
  const std::string address = credentials::host_of(ctx.caller->remote_address);

  // Counted now, before the hash, so attempts in flight count too; waits for its turn.
  if (auto admitted = co_await credentials::admit(ctx, key, address); !admitted)
    co_return admitted.error();

  auto account = services.accounts().find_for_login(req->executive, key);
  // An unknown email costs one verification too, so timing does not reveal which exist.
  std::string hash = account ? account->password_hash : security::dummy_hash();
  auto job = credentials::hash_job(ctx, address);
  const auto checked =
      co_await services.passwords().verify(std::move(hash), std::string(req->password), job);
  if (auto not_run = credentials::not_run(*ctx.caller, checked.state))
    co_return *not_run;
  if (!account || !checked.match)
    co_return refused_login(ctx, req->executive, key, account);
  if (req->executive) {
    auto second = co_await second_factor(ctx, key, req->totp);
    if (!second)
      co_return second.error();
    account = std::move(*second);
  }
  // The credentials were right: this attempt no longer counts as a failure.
  services.throttle().record_success(key, address);
  if (account->disabled)
    co_return failure{errc::account_disabled};
  if (ctx.caller->who != role::guest)
    co_return failure{errc::already_authenticated};
  const role r = req->executive ? role::executive : role::customer;
  // A session held after a lost connection ends as a disconnect: this login starts afresh.
  end_hold(ctx.sessions, services, r, account->id);
  if (!ctx.sessions.log_in(*ctx.caller, r, account->id, account->name, account->email))
    co_return failure{errc::already_logged_in};
  if (r == role::executive) {
    services.support().executive_arrived(account->id, services.now());
    // `--assignment auto`: a customer may be waiting for this executive; its `chat.assigned`
    // must come after the login reply.
    ctx.after_reply = [&sessions = ctx.sessions, &services] {
      support::auto_assign(sessions, services);
    };
  }
  ctx.audit.detail = ctx.caller->remote_address;
  ctx.audit.line = std::string(audit::role_word(r)) + " " + ctx.caller->name + " conectado.";
  auto body = login_reply(ctx.sessions, *ctx.caller);
  if (auto token = issue_resume_token(ctx.sessions, *ctx.caller); !token.empty())
    body["resume_token"] = std::move(token);
  co_return body;
}

awaitable<result<json::object>> logout(request_context& ctx) {
  ctx.close_after_reply = true;
  // The resume token is worthless from now on.
  ctx.caller->resumable = false;
  if (ctx.caller->who != role::guest)
    ctx.sessions.holds().revoke({ctx.caller->who, ctx.caller->account_id});
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

const command session_table[] = {
    {"hello", access::handshake, hello_fields, hello, "version handshake; must be first"},
    {"login", access::guest, login_fields, login, "log in as customer or executive",
     audit_done(actions::login)},
    {"logout", access::anyone, {}, logout, "log out and close the connection"},
    {"ping", access::anyone, {}, ping, "liveness check"},
};

}  // namespace

std::span<const command> session_commands() {
  return session_table;
}

}  // namespace tcs
