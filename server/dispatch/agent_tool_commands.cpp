// The agent tools of issue 17 over the protocol: canned replies (`canned.list`, `canned.send`),
// internal notes (`customer.note`, `customer.notes`), past chats (`conversations`,
// `conversation`), the satisfaction survey (`chat.rate`) and typing notices (`chat.typing`).
// Whose customer: support::current_customer() (agent_support.hpp).
#include "server/dispatch/agent_support.hpp"
#include "server/dispatch/areas.hpp"
#include "server/dispatch/pages.hpp"
#include "server/dispatch/support_common.hpp"

#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <string>

namespace tcs {

namespace {

using boost::asio::awaitable;

std::string first_word(const std::string& name) {
  return name.substr(0, name.find(' '));
}

awaitable<result<json::object>> canned_list(request_context& ctx) {
  auto replies = ctx.services.tools().canned();
  page_writer page(max_page_items);
  for (const auto& r : replies) {
    if (!page.add(json::object{{"name", r.name}, {"text", r.text}}))
      break;
  }
  ctx.encoded.push_back({"replies", page.finish()});
  json::object body;
  body["total"] = static_cast<std::int64_t>(replies.size());
  body["truncated"] = page.count() < replies.size();
  co_return body;
}

// A chat line from the caller to the other party of its chat, stored and relayed as chat_send
// does (chat_commands.cpp).
result<std::int64_t> say_in_chat(request_context& ctx, const std::string& text) {
  const chat_pair chat = *ctx.chat;
  const std::int64_t at = ctx.services.now();
  if (auto sent = ctx.services.chat().send(chat.customer_id, chat.executive_id, false, text, at);
      !sent)
    return sent.error();
  ctx.services.support().chat_line(chat.customer_id, at);
  if (auto to = ctx.sessions.customer_peer(chat.customer_id)) {
    json::object ev = make_event("chat.message");
    ev["from"] = ctx.caller->first_name();
    ev["role"] = "executive";
    ev["text"] = text;
    ev["at"] = at;
    server_state::send(*to, ev);
  }
  return at;
}

awaitable<result<json::object>> canned_send(request_context& ctx) {
  const std::string_view name = get_string(ctx.request, "name").value();
  const std::string customer =
      support::customer_name(ctx.sessions, ctx.services, ctx.chat->customer_id);
  auto text = ctx.services.tools().fill_canned(name, first_word(customer));
  if (!text)
    co_return text.error();
  auto at = say_in_chat(ctx, *text);
  if (!at)
    co_return at.error();
  json::object body;
  body["text"] = *text;
  body["at"] = *at;
  co_return body;
}

awaitable<result<json::object>> customer_note(request_context& ctx) {
  const std::string_view text = get_string(ctx.request, "text").value();
  auto note = ctx.services.tools().add_note(ctx.chat->customer_id, ctx.caller->account_id, text,
                                            ctx.services.now());
  if (!note)
    co_return note.error();
  note->executive_name = ctx.caller->name;
  json::object body;
  body["note"] = support::note_view(*note);
  co_return body;
}

awaitable<result<json::object>> customer_notes(request_context& ctx) {
  auto page = read_page_request(ctx.request);
  if (!page)
    co_return page.error();
  auto& tools = ctx.services.tools();
  const std::int64_t customer_id = ctx.chat->customer_id;
  const auto notes = write_page(tools.notes(customer_id, page->after, page->limit + 1), page->limit,
                                support::note_view);
  ctx.encoded.push_back({"notes", notes.json});
  json::object body;
  page_reply_fields(body, tools.count_notes(customer_id), notes.more, notes.last);
  co_return body;
}

std::string_view outcome_or_open(const store::chat_record& c) {
  return c.ended_at ? std::string_view(c.outcome) : std::string_view("open");
}

json::object chat_summary(services::chat_service& chats, const store::chat_record& c) {
  json::object o;
  o["id"] = c.id;
  o["started_at"] = c.started_at;
  if (c.ended_at)
    o["ended_at"] = *c.ended_at;
  o["executive"] = c.executive_name;
  o["lines"] = chats.count_lines(c);
  o["outcome"] = outcome_or_open(c);
  if (c.transferred_from)
    o["transferred_from"] = *c.transferred_from;
  return o;
}

awaitable<result<json::object>> conversations(request_context& ctx) {
  auto page = read_page_request(ctx.request);
  if (!page)
    co_return page.error();
  auto customer = support::current_customer(ctx);
  if (!customer)
    co_return customer.error();
  auto& chats = ctx.services.chat();
  const auto found =
      write_page(chats.chats(*customer, page->after, page->limit + 1), page->limit,
                 [&chats](const store::chat_record& c) { return chat_summary(chats, c); });
  ctx.encoded.push_back({"conversations", found.json});
  json::object body;
  body["customer"] =
      json::object{{"name", support::customer_name(ctx.sessions, ctx.services, *customer)}};
  page_reply_fields(body, chats.count_chats(*customer), found.more, found.last);
  co_return body;
}

awaitable<result<json::object>> conversation(request_context& ctx) {
  auto page = read_page_request(ctx.request);
  if (!page)
    co_return page.error();
  auto customer = support::current_customer(ctx);
  if (!customer)
    co_return customer.error();
  auto& chats = ctx.services.chat();
  auto chat = chats.chat(*customer, get_int(ctx.request, "chat_id").value());
  if (!chat)
    co_return chat.error();
  const std::string customer_first =
      first_word(support::customer_name(ctx.sessions, ctx.services, *customer));
  const std::string executive_first = first_word(chat->executive_name);
  const auto lines =
      write_page(chats.lines(*chat, page->after, page->limit + 1), page->limit,
                 [&](const services::chat_line& l) {
                   const bool from_customer = l.sender_role == "customer";
                   return json::object{{"from", from_customer ? customer_first : executive_first},
                                       {"role", l.sender_role},
                                       {"text", l.text},
                                       {"at", l.at}};
                 });
  ctx.encoded.push_back({"lines", lines.json});
  json::object body;
  body["conversation"] = chat_summary(chats, *chat);
  page_reply_fields(body, chats.count_lines(*chat), lines.more, lines.last);
  co_return body;
}

awaitable<result<json::object>> chat_rate(request_context& ctx) {
  const std::int64_t rating = get_int(ctx.request, "rating").value();
  std::string_view comment;
  if (const auto* c = ctx.request.if_contains("comment"))
    comment = c->get_string();  // its type checked by the dispatcher
  auto rated = ctx.services.chat().rate(ctx.caller->account_id, rating, comment);
  if (!rated)
    co_return rated.error();
  json::object body;
  body["rated"] = rating > 0;
  co_return body;
}

awaitable<result<json::object>> chat_typing(request_context& ctx) {
  const bool from_customer = ctx.caller->who == role::customer;
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now().time_since_epoch())
                          .count();
  json::object body;
  const bool due = ctx.services.tools().typing_due(from_customer, ctx.caller->account_id, now_ms);
  auto to = from_customer ? ctx.sessions.executive_peer(ctx.chat->executive_id)
                          : ctx.sessions.customer_peer(ctx.chat->customer_id);
  if (due && to) {
    json::object ev = make_event("chat.typing");
    ev["from"] = ctx.caller->first_name();
    ev["role"] = from_customer ? "customer" : "executive";
    server_state::send(*to, ev);
  }
  body["relayed"] = due && to;
  co_return body;
}

constexpr field_spec name_fields[] = {{"name", field_kind::string}};
constexpr field_spec text_fields[] = {{"text", field_kind::string}};
constexpr field_spec conversation_fields[] = {{"chat_id", field_kind::integer},
                                              {"after", field_kind::integer, false},
                                              {"limit", field_kind::integer, false}};
constexpr field_spec rate_fields[] = {{"rating", field_kind::integer},
                                      {"comment", field_kind::string, false}};

const command agent_tool_table[] = {
    {"canned.list", access::executive, {}, canned_list, ":r - the canned replies"},
    {"canned.send",
     access::executive,
     name_fields,
     canned_send,
     ":r NAME - a canned reply sent as a chat line",
     {},
     needs::chat},
    {"customer.note",
     access::executive,
     text_fields,
     customer_note,
     ":nota TEXT - an internal note on the current customer",
     {},
     needs::chat},
    {"customer.notes",
     access::executive,
     page_fields,
     customer_notes,
     ":history - the current customer's notes",
     {},
     needs::chat},
    {"conversations", access::authenticated, page_fields, conversations,
     ":conversaciones - the customer's past chats"},
    {"conversation", access::authenticated, conversation_fields, conversation,
     ":conversacion N - one past chat in full"},
    {"chat.rate", access::customer, rate_fields, chat_rate,
     "the satisfaction survey's answer for the chat that just ended"},
    {"chat.typing",
     access::authenticated,
     {},
     chat_typing,
     "the caller is typing a chat line (relayed, never stored)",
     {},
     needs::chat},
};

}  // namespace

std::span<const command> agent_tool_commands() {
  return agent_tool_table;
}

}  // namespace tcs
