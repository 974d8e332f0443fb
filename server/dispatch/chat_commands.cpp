// The chat between a customer and an executive: a line relayed to the other party (and kept
// in the transcript), and the end of the chat by either side, both on the caller's current
// chat (checked by the dispatcher); an executive's open chats (`chat.list`, `:chats`) and the
// choice of its current one (`chat.switch`, `:cambiar N`). See support_common.hpp for the
// order of changes and messages.
#include "common/protocol/actions.hpp"
#include "server/dispatch/agent_support.hpp"
#include "server/dispatch/areas.hpp"
#include "server/dispatch/support_common.hpp"

#include <boost/asio/use_awaitable.hpp>

#include <string>

namespace tcs {

namespace {

using boost::asio::awaitable;

awaitable<result<json::object>> chat_send(request_context& ctx) {
  peer& sender = *ctx.caller;
  const std::string_view text = get_string(ctx.request, "text").value();
  const chat_pair chat = *ctx.chat;
  const bool from_customer = sender.who == role::customer;
  const std::int64_t at = ctx.services.now();
  if (auto sent =
          ctx.services.chat().send(chat.customer_id, chat.executive_id, from_customer, text, at);
      !sent)
    co_return sent.error();
  ctx.services.support().chat_line(chat.customer_id, at);  // --chat-idle-close counts anew

  auto to = from_customer ? ctx.sessions.executive_peer(chat.executive_id)
                          : ctx.sessions.customer_peer(chat.customer_id);
  if (to) {
    json::object ev = make_event("chat.message");
    ev["from"] = sender.first_name();
    ev["role"] = from_customer ? "customer" : "executive";
    ev["text"] = text;
    ev["at"] = at;
    if (from_customer) {  // which of the executive's chats, and who wrote
      support::add_chat_ref(ev, ctx.services.support(), chat.executive_id, chat.chat_id,
                            chat.number);
      ev["customer"] = support::customer_ref(sender);
    }
    server_state::send(*to, ev);
  }
  json::object body;
  body["at"] = at;
  co_return body;
}

awaitable<result<json::object>> chat_end(request_context& ctx) {
  peer& caller = *ctx.caller;
  const bool by_customer = caller.who == role::customer;
  auto& desk = ctx.services.support();
  auto closed = by_customer ? desk.end_chat_by_customer(caller.account_id, ctx.services.now())
                            : desk.end_chat_by_executive(caller.account_id, ctx.services.now());
  if (!closed)
    co_return closed.error();
  const std::string customer =
      support::customer_name(ctx.sessions, ctx.services, closed->customer_id);
  const std::string executive =
      support::executive_name(ctx.sessions, ctx.services, closed->executive_id);
  ctx.audit.detail = by_customer
                         ? "El cliente terminó la conversación con el ejecutivo " + executive
                         : "El ejecutivo " + executive + " terminó la conversación";
  ctx.audit.customer_id = closed->customer_id;
  ctx.audit.line =
      by_customer
          ? "Cliente " + customer + " terminó la conversación con el ejecutivo " + executive + "."
          : "Ejecutivo " + executive + " terminó la conversación con el cliente " + customer + ".";

  support::chat_finished(ctx.services, closed->customer_id,
                         by_customer ? "ended_by_customer" : "ended_by_executive");
  auto other = by_customer ? ctx.sessions.executive_peer(closed->executive_id)
                           : ctx.sessions.customer_peer(closed->customer_id);
  if (closed->cancelled_offer && by_customer)
    support::tell_offer_cancelled(other, *closed->cancelled_offer, "chat_ended", desk,
                                  closed->chat_id, closed->slot);
  else if (closed->cancelled_offer)
    support::tell_offer_cancelled(other, *closed->cancelled_offer, "chat_ended");
  if (by_customer)
    support::tell_chat_ended(ctx.services, other, "ended_by_customer",
                             caller.first_name() + " terminó la conversación.", &*closed);
  else
    support::tell_chat_ended(
        ctx.services, other, "ended_by_executive",
        caller.first_name() + " terminó la conversación. ¡Gracias por contactarnos!");
  // The executive is free again: who is waiting now (customers may have queued meanwhile).
  support::auto_assign(ctx.sessions, ctx.services);
  support::tell_who_waits(ctx.services, by_customer ? other : ctx.caller, ctx.sessions);
  json::object body;
  if (!by_customer) {  // whose chat ended: a `chat.assigned` may have come before this reply
    body["customer"] = json::object{{"name", customer}};
    support::add_chat_ref(body, desk, caller.account_id, closed->chat_id, closed->slot);
  } else if (ctx.services.chat().awaits_rating(caller.account_id)) {
    body["survey"] = true;  // the satisfaction survey (chat.rate)
  }
  co_return body;
}

// One of the executive's open chats as `chat.list` and `chat.switch` show it.
json::object chat_entry(request_context& ctx, const services::chat_info& c) {
  json::object o;
  o["chat_id"] = c.chat_id;
  o["number"] = static_cast<std::int64_t>(c.slot);
  auto customer = ctx.sessions.customer_peer(c.customer_id);
  json::object who;
  who["email"] = customer ? customer->email : "";
  who["name"] = support::customer_name(ctx.sessions, ctx.services, c.customer_id);
  who["first_name"] = customer ? customer->first_name() : "";
  o["customer"] = std::move(who);
  o["since"] = c.started_at;
  o["last_at"] = c.last_activity;
  o["current"] = c.current;
  return o;
}

awaitable<result<json::object>> chat_list(request_context& ctx) {
  const auto& desk = ctx.services.support();
  json::array chats;
  for (const auto& c : desk.chats_of(ctx.caller->account_id))  // at most max_chats_limit
    chats.push_back(chat_entry(ctx, c));
  json::object body;
  body["chats"] = std::move(chats);
  body["max_chats"] = static_cast<std::int64_t>(desk.max_chats());
  co_return body;
}

awaitable<result<json::object>> chat_switch(request_context& ctx) {
  const std::int64_t number = get_int(ctx.request, "number").value();
  auto chosen = ctx.services.support().switch_to(ctx.caller->account_id, number);
  if (!chosen)
    co_return chosen.error();
  json::object body = chat_entry(ctx, *chosen);
  body["chats"] =
      static_cast<std::int64_t>(ctx.services.support().open_chats(ctx.caller->account_id));
  co_return body;
}

constexpr field_spec chat_send_fields[] = {{"text", field_kind::string}};
constexpr field_spec chat_switch_fields[] = {{"number", field_kind::integer}};

const command chat_table[] = {
    {"chat.send",
     access::authenticated,
     chat_send_fields,
     chat_send,
     "a chat line to the other party",
     {},
     needs::chat},
    {"chat.end",
     access::authenticated,
     {},
     chat_end,
     "end the current chat",
     audit_done(actions::chat_end),
     needs::chat},
    {"chat.list", access::executive, {}, chat_list, ":chats - the executive's open chats"},
    {"chat.switch", access::executive, chat_switch_fields, chat_switch,
     ":cambiar N - the chat the executive's lines and chat commands go to"},
};

}  // namespace

std::span<const command> chat_commands() {
  return chat_table;
}

}  // namespace tcs
