// Activity entries and console lines of requests, from the command table's audit rules.
#include "server/dispatch/audit.hpp"

#include "common/protocol/actions.hpp"
#include "server/log/console.hpp"
#include "server/services/service_set.hpp"

namespace tcs::audit {

std::string_view role_word(role r) {
  return r == role::executive ? "Ejecutivo" : "Cliente";
}

void record_activity(tcs::services::service_set& services, const peer& actor,
                     std::string_view action, std::string_view detail, std::string_view outcome,
                     std::optional<std::int64_t> customer_id) {
  const bool is_customer = actor.who == role::customer;
  services.activity().record(
      services.now(), is_customer ? "customer" : "executive", actor.account_id,
      is_customer ? std::optional<std::int64_t>(actor.account_id) : customer_id, action, detail,
      outcome);
}

std::string refused_line(const peer& actor, std::string_view action, errc code) {
  return std::string(role_word(actor.who)) + " " + actor.name + ": solicitud rechazada (" +
         std::string(actions::label(action)) + ", " + std::string(code_name(code)) + ").";
}

namespace {

// The entry of a refused login: the account tried is the actor, not the caller (a guest).
void record_for_account(request_context& ctx, std::string_view action, std::string_view outcome) {
  const auto& who = *ctx.audit.actor;
  ctx.services.activity().record(ctx.services.now(), who.executive ? "executive" : "customer",
                                 who.id,
                                 who.executive ? std::nullopt : std::optional<std::int64_t>(who.id),
                                 action, ctx.audit.detail, outcome);
}

}  // namespace

decision decide(const command& cmd, const audit_note& note, const peer& caller,
                const result<json::object>& body) {
  if (cmd.audit.action.empty())
    return {};
  const bool done = body.has_value();
  if (!done && body.error().code == errc::internal)
    return {};  // a bug (logged by the dispatcher) or a peer that went away meanwhile
  if (!note.record.value_or(done || cmd.audit.refusals))
    return {};
  decision d;
  d.row = note.row;
  d.outcome = done ? std::string_view("ok") : code_name(body.error().code);
  if (!note.line.empty())
    d.line = note.line;
  else if (!done)
    d.line = refused_line(caller, cmd.audit.action, body.error().code);
  return d;
}

void record_outcome(const command& cmd, request_context& ctx, const result<json::object>& body) {
  const decision d = decide(cmd, ctx.audit, *ctx.caller, body);
  const audit_note& note = ctx.audit;
  if (d.row && note.actor)
    record_for_account(ctx, cmd.audit.action, d.outcome);
  else if (d.row)
    record_activity(ctx.services, *ctx.caller, cmd.audit.action, note.detail, d.outcome,
                    note.customer_id);
  if (!d.line.empty())
    log::console(d.line);
}

}  // namespace tcs::audit
