// The `resume` request: a new connection takes back a held session with its token.
#include "common/protocol/actions.hpp"
#include "server/dispatch/areas.hpp"
#include "server/dispatch/audit.hpp"
#include "server/dispatch/session_resume.hpp"
#include "server/dispatch/support_common.hpp"
#include "server/security/resume_tokens.hpp"

#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <vector>

namespace tcs {

namespace {

using boost::asio::awaitable;
using key = session_holds::account_key;

// Where the resumed session stands in the support desk: menu, queue (position, eta_s) or chat
// (the other side, and whether it is itself away).
json::object support_state_of(server_state& sessions, services::service_set& services,
                              const peer& p) {
  auto& desk = services.support();
  json::object o;
  if (p.who == role::customer) {
    if (auto position = desk.position_of(p.account_id)) {
      o["state"] = "queue";
      o["position"] = static_cast<std::int64_t>(*position);
      o["waiting"] = static_cast<std::int64_t>(desk.waiting());
      support::add_eta(o, desk, p.account_id);
      return o;
    }
    if (auto executive = desk.executive_of(p.account_id)) {
      o["state"] = "chat";
      if (auto e = sessions.executive_peer(*executive))
        o["executive"] = support::executive_ref(*e);
      o["partner_away"] =
          static_cast<bool>(sessions.holds().find(key{role::executive, *executive}));
      return o;
    }
  } else if (auto customer = desk.customer_of(p.account_id)) {
    o["state"] = "chat";
    if (auto c = sessions.customer_peer(*customer))
      o["customer"] = support::customer_ref(*c);
    o["partner_away"] = static_cast<bool>(sessions.holds().find(key{role::customer, *customer}));
    return o;
  }
  o["state"] = "menu";
  return o;
}

failure refused(request_context& ctx, errc code = errc::resume_refused) {
  // A console line only: no account is known (never the token: it is never logged).
  ctx.audit.record = true;
  ctx.audit.row = false;
  ctx.audit.line = "Reanudación de sesión rechazada desde " + ctx.caller->remote_address + ".";
  return failure{code};
}

// The token's account, its held session (holding a still live one first), or a refusal.
result<std::shared_ptr<held_peer>> held_session(request_context& ctx, std::string_view token) {
  auto& holds = ctx.sessions.holds();
  if (token.size() != security::resume_token_chars)
    return refused(ctx);
  auto account = holds.redeem(token);
  if (!account)
    return refused(ctx);
  if (has_live_session(ctx.sessions, account->who, account->account_id)) {
    // The old connection is not known to be gone yet (no FIN, no missed heartbeat): the token
    // proves who this is, so the old one is closed and held like any lost connection.
    auto live = account->who == role::customer ? ctx.sessions.customer_peer(account->account_id)
                                               : ctx.sessions.executive_peer(account->account_id);
    live->stop();
  }
  auto held = holds.find(*account);
  if (!held)
    return refused(ctx);
  const std::int64_t id = account->account_id;
  const bool customer = account->who == role::customer;
  const std::vector<std::int64_t> one{id}, none;
  auto disabled =
      ctx.services.accounts().disabled_among(customer ? one : none, customer ? none : one);
  if (!disabled.customers.empty() || !disabled.executives.empty()) {
    end_hold(ctx.sessions, ctx.services, account->who, id);
    return refused(ctx, errc::account_disabled);
  }
  return held;
}

awaitable<result<json::object>> resume(request_context& ctx) {
  auto& sessions = ctx.sessions;
  auto& services = ctx.services;
  auto found = held_session(ctx, get_string(ctx.request, "token").value());
  if (!found)
    co_return found.error();
  std::shared_ptr<held_peer> held = std::move(*found);
  sessions.holds().release(key{held->who, held->account_id});
  sessions.take_over(ctx.caller, held->who, held->account_id, held->name, held->email);
  const bool restore = held->who == role::executive && held->was_available;
  if (restore)
    services.support().set_available(held->account_id, true, services.now());
  auto missed = held->take_frames();

  json::object body;
  body["role"] = held->who == role::customer ? "customer" : "executive";
  body["name"] = ctx.caller->name;
  body["first_name"] = ctx.caller->first_name();
  body["email"] = ctx.caller->email;
  body["customers_online"] = static_cast<std::int64_t>(sessions.customers_online());
  body["resume_token"] = issue_resume_token(sessions, *ctx.caller);
  body["support"] = support_state_of(sessions, services, *ctx.caller);
  body["missed"] = static_cast<std::int64_t>(missed.size());
  ctx.audit.detail = "reanudada desde " + ctx.caller->remote_address;
  ctx.audit.line =
      std::string(audit::role_word(held->who)) + " " + ctx.caller->name + " recuperó su sesión.";
  // What was kept meanwhile, in its order, after the reply; then the other side is told.
  ctx.after_reply = [&sessions, &services, caller = ctx.caller, missed = std::move(missed),
                     restore] {
    for (const auto& frame : missed)
      caller->deliver(frame);
    tell_chat_partner(sessions, services, *caller, true);
    if (restore) {
      support::auto_assign(sessions, services);
      support::tell_who_waits(services, caller, sessions);
    }
  };
  co_return body;
}

constexpr field_spec resume_fields[] = {{"token", field_kind::string}};

const command resume_table[] = {
    {"resume", access::guest, resume_fields, resume,
     "take back a session whose connection was lost, with its resume token",
     audit_done(actions::login)},
};

}  // namespace

std::span<const command> resume_commands() {
  return resume_table;
}

}  // namespace tcs
