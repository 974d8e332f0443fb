// The support queue: a customer joins it (menu option 6) or leaves it, and an executive takes
// the longest-waiting customer (`:connect`). See support_common.hpp for the order of changes
// and messages.
#include "common/protocol/actions.hpp"
#include "server/dispatch/agent_support.hpp"
#include "server/dispatch/areas.hpp"
#include "server/dispatch/support_common.hpp"
#include "server/log/console.hpp"

#include <boost/asio/use_awaitable.hpp>

#include <string>

namespace tcs {

namespace {

using boost::asio::awaitable;

awaitable<result<json::object>> queue_join(request_context& ctx) {
  peer& customer = *ctx.caller;
  auto joined = ctx.services.support().join(customer.account_id, ctx.services.now());
  if (!joined)
    co_return joined.error();
  ctx.audit.detail = "Posición " + std::to_string(joined->position);
  ctx.audit.line = "Cliente " + customer.name + " en la cola de espera (posición " +
                   std::to_string(joined->position) + ").";
  json::object body;
  body["position"] = static_cast<std::int64_t>(joined->position);
  body["waiting"] = static_cast<std::int64_t>(joined->waiting);
  // 0: nobody is there to help; the terminal offers to wait anyway or go back to the menu.
  body["available_executives"] =
      static_cast<std::int64_t>(ctx.services.support().available_executives());
  support::add_eta(body, ctx.services.support(), customer.account_id);
  support::auto_assign(ctx.sessions, ctx.services);
  support::announce_waiting(ctx.sessions, ctx.services, customer);
  co_return body;
}

awaitable<result<json::object>> queue_leave(request_context& ctx) {
  peer& customer = *ctx.caller;
  auto moved = ctx.services.support().leave(customer.account_id);
  if (!moved)
    co_return moved.error();
  ctx.audit.detail = "Salió de la cola de espera";
  ctx.audit.line = "Cliente " + customer.name + " salió de la cola de espera.";
  support::tell_positions(ctx.sessions, ctx.services, *moved);
  support::announce_left(ctx.sessions, ctx.services, customer, "left");
  co_return json::object{};
}

awaitable<result<json::object>> connect(request_context& ctx) {
  auto& desk = ctx.services.support();
  peer& executive = *ctx.caller;
  for (;;) {
    auto pair = desk.connect(executive.account_id, ctx.services.now());
    if (!pair)
      co_return pair.error();
    auto customer = ctx.sessions.customer_peer(pair->customer_id);
    if (!customer) {
      // Cannot happen (a customer's teardown takes it out of the queue); never pair with a
      // ghost: drop it and take the next one.
      log::error("customer " + std::to_string(pair->customer_id) + " was queued without a session");
      desk.end_chat_by_executive(executive.account_id, ctx.services.now());
      continue;
    }
    ctx.audit.detail = "Atendido por el ejecutivo " + executive.name + " tras " +
                       std::to_string(pair->waited_s) + " s de espera";
    ctx.audit.customer_id = pair->customer_id;
    ctx.audit.line =
        "Cliente " + customer->name + " redirigido a ejecutivo " + executive.name + ".";

    json::object body;
    json::object who = support::customer_ref(*customer);
    who["first_name"] = customer->first_name();
    body["customer"] = std::move(who);
    body["waited_s"] = pair->waited_s;
    support::add_chat_ref(body, desk, executive.account_id, pair->chat_id, pair->slot);
    support::chat_began(ctx.services, pair->customer_id, executive.account_id, pair->waited_s);
    support::add_notes(ctx.services, body, pair->customer_id);

    json::object ev = make_event("chat.started");
    ev["executive"] = support::executive_ref(executive);
    server_state::send(*customer, ev);
    support::tell_positions(ctx.sessions, ctx.services, pair->moved);
    support::announce_served(ctx.sessions, ctx.services, executive.account_id);
    co_return body;
  }
}

// `:ausente` / `:disponible`. An executive who becomes available and free is told at once who
// is waiting.
awaitable<result<json::object>> availability(request_context& ctx) {
  peer& executive = *ctx.caller;
  const bool available = get_bool(ctx.request, "available").value();
  auto& desk = ctx.services.support();
  if (desk.set_available(executive.account_id, available, ctx.services.now())) {
    ctx.audit.detail = available ? "Disponible" : "Ausente";
    ctx.audit.line = "Ejecutivo " + executive.name + (available ? " disponible." : " ausente.");
  } else {
    ctx.audit.record = false;  // no change, nothing to record
  }
  json::object body;
  body["available"] = available;
  body["waiting"] = static_cast<std::int64_t>(desk.waiting());
  if (available)
    support::auto_assign(ctx.sessions, ctx.services);
  if (available)
    support::tell_who_waits(ctx.services, ctx.caller, ctx.sessions);
  co_return body;
}

constexpr field_spec availability_fields[] = {{"available", field_kind::boolean}};

const command queue_table[] = {
    {"queue.join",
     access::customer,
     {},
     queue_join,
     "join the support queue (menu option 6)",
     audit_all(actions::queue_join)},
    {"queue.leave",
     access::customer,
     {},
     queue_leave,
     "leave the support queue",
     audit_all(actions::queue_leave)},
    {"connect",
     access::executive,
     {},
     connect,
     ":connect - serve the longest-waiting customer (in a free slot, as the current chat)",
     audit_done(actions::referral)},
    {"availability", access::executive, availability_fields, availability,
     ":ausente / :disponible - whether customers are offered to the executive",
     audit_done(actions::availability)},
};

}  // namespace

std::span<const command> queue_commands() {
  return queue_table;
}

}  // namespace tcs
