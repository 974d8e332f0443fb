// An executive hands its chat on: to another executive (`chat.transfer`, `:transferir EMAIL`)
// or back to the head of the queue (`chat.requeue`, `:devolver`). Both need a chat (checked by
// the dispatcher). See support_common.hpp for the order of changes and messages.
#include "common/protocol/actions.hpp"
#include "server/dispatch/agent_support.hpp"
#include "server/dispatch/areas.hpp"
#include "server/dispatch/support_common.hpp"

#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <string>

namespace tcs {

namespace {

using boost::asio::awaitable;

// The conversation so far as the new executive sees it: the chat's lines since it started,
// newest kept when they would not fit (max_transcript_lines, max_transcript_bytes), oldest
// first.
json::array conversation_so_far(server_state& sessions, services::service_set& services,
                                std::int64_t customer_id, std::int64_t since) {
  auto lines = services.chat().transcript(customer_id,
                                          static_cast<std::int64_t>(support::max_transcript_lines));
  const std::string customer = support::customer_name(sessions, services, customer_id);
  const std::string customer_first = customer.substr(0, customer.find(' '));
  json::array out;
  std::size_t bytes = 0;
  for (auto it = lines.rbegin(); it != lines.rend() && it->at >= since; ++it) {
    json::object line;
    const bool from_customer = it->sender_role == "customer";
    std::string from = from_customer
                           ? customer_first
                           : support::executive_name(sessions, services, it->executive_id);
    line["from"] = from_customer ? from : from.substr(0, from.find(' '));
    line["role"] = it->sender_role;
    line["text"] = it->text;
    line["at"] = it->at;
    bytes += json::serialize(line).size() + 1;
    if (bytes > support::max_transcript_bytes)
      break;
    out.push_back(std::move(line));
  }
  std::reverse(out.begin(), out.end());
  return out;
}

awaitable<result<json::object>> chat_transfer(request_context& ctx) {
  auto& services = ctx.services;
  peer& from = *ctx.caller;
  const std::string_view email = get_string(ctx.request, "email").value();
  std::shared_ptr<peer> to;
  if (auto account = services.accounts().find_for_login(true, tcs::services::login_key(email)))
    to = ctx.sessions.executive_peer(account->id);
  if (!to)
    co_return failure{errc::not_found,
                      "No hay ningún ejecutivo conectado con el correo " + echo_value(email) + "."};
  auto moved = services.support().transfer(from.account_id, to->account_id, services.now());
  if (!moved)
    co_return moved.error();
  auto customer = ctx.sessions.customer_peer(moved->customer_id);
  const std::string customer_name =
      support::customer_name(ctx.sessions, services, moved->customer_id);
  ctx.audit.detail = "Transferido del ejecutivo " + from.name + " al ejecutivo " + to->name;
  ctx.audit.customer_id = moved->customer_id;
  ctx.audit.line = "Ejecutivo " + from.name + " transfirió al cliente " + customer_name +
                   " al ejecutivo " + to->name + ".";

  if (moved->cancelled_offer) {
    support::tell_offer_cancelled(customer, *moved->cancelled_offer, "transferred");
    support::tell_offer_cancelled(ctx.caller, *moved->cancelled_offer, "transferred",
                                  services.support(), moved->chat_id, moved->from_slot);
  }
  if (customer) {
    json::object ev = make_event("chat.transferred");
    ev["executive"] = support::executive_ref(*to);
    ev["from"] = from.first_name();
    server_state::send(*customer, ev);
  }
  json::object assigned = make_event("chat.assigned");
  json::object who;
  who["email"] = customer ? customer->email : "";
  who["name"] = customer_name;
  who["first_name"] = customer_name.substr(0, customer_name.find(' '));
  assigned["customer"] = std::move(who);
  assigned["waited_s"] = 0;
  support::add_chat_ref(assigned, services.support(), to->account_id, moved->chat_id,
                        moved->to_slot);
  assigned["current"] = moved->current;
  assigned["transferred_from"] = support::executive_ref(from);
  assigned["transcript"] =
      conversation_so_far(ctx.sessions, services, moved->customer_id, moved->chat_started_at);
  services.chat().chat_transferred(moved->customer_id, to->account_id, services.now());
  support::add_notes(services, assigned, moved->customer_id);
  server_state::send(*to, assigned);
  // The caller is free again.
  support::auto_assign(ctx.sessions, services);
  support::tell_who_waits(services, ctx.caller, ctx.sessions);

  json::object body;
  body["customer"] = json::object{{"name", customer_name}};
  body["executive"] = json::object{{"name", to->name}, {"email", to->email}};
  support::add_chat_ref(body, services.support(), from.account_id, moved->chat_id,
                        moved->from_slot);
  co_return body;
}

awaitable<result<json::object>> chat_requeue(request_context& ctx) {
  auto& services = ctx.services;
  peer& executive = *ctx.caller;
  auto back = services.support().requeue(executive.account_id, services.now());
  if (!back)
    co_return back.error();
  const std::string customer = support::customer_name(ctx.sessions, services, back->customer_id);
  ctx.audit.detail = "El ejecutivo " + executive.name + " lo devolvió al primer lugar de la cola";
  ctx.audit.customer_id = back->customer_id;
  ctx.audit.line = "Ejecutivo " + executive.name + " devolvió al cliente " + customer +
                   " al primer lugar de la cola de espera.";
  auto to = ctx.sessions.customer_peer(back->customer_id);
  if (back->cancelled_offer)
    support::tell_offer_cancelled(to, *back->cancelled_offer, "requeued");
  support::chat_finished(services, back->customer_id, "requeued");
  support::tell_chat_ended(services, to, "requeued",
                           executive.first_name() + " lo devolvió a la cola de espera.");
  support::tell_positions(ctx.sessions, services, back->moved);
  support::auto_assign(ctx.sessions, services);
  if (to)
    support::announce_waiting(ctx.sessions, services, *to);
  json::object body;
  body["customer"] = json::object{{"name", customer}};
  support::add_chat_ref(body, services.support(), executive.account_id, back->chat_id, back->slot);
  co_return body;
}

constexpr field_spec transfer_fields[] = {{"email", field_kind::string}};

const command handover_table[] = {
    {"chat.transfer", access::executive, transfer_fields, chat_transfer,
     ":transferir EMAIL - hand the current customer to another available free executive",
     audit_all(actions::transfer), needs::chat},
    {"chat.requeue",
     access::executive,
     {},
     chat_requeue,
     ":devolver - put the current customer back at the head of the queue",
     audit_done(actions::requeue),
     needs::chat},
};

}  // namespace

std::span<const command> handover_commands() {
  return handover_table;
}

}  // namespace tcs
