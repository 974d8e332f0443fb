// What executives look at: who is connected and waiting (`:status`, the queue, `:details`),
// and the current customer's activity (`:history`) and operations (`:operations`, shown to
// both). Lists travel in pages (pages.hpp).
#include "common/protocol/actions.hpp"
#include "server/dispatch/areas.hpp"
#include "server/dispatch/pages.hpp"
#include "server/dispatch/support_common.hpp"
#include "server/dispatch/views.hpp"

#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>

namespace tcs {

namespace {

using boost::asio::awaitable;
using services::support_state;

// `:status` has two lists in one reply, so each of its pages gets half the bytes of a page.
constexpr std::size_t max_status_page_bytes = max_page_bytes / 2;
// Executives listed by `:status` (a store has a handful; names are capped at login), and the
// bytes their list may take beside the two half pages.
constexpr std::size_t max_listed_executives = 20;
constexpr std::size_t max_executives_bytes = 4 * 1024;

std::string_view state_name(support_state s) {
  switch (s) {
    case support_state::menu:
      return "menu";
    case support_state::queue:
      return "queue";
    case support_state::chat:
      return "chat";
  }
  return "menu";
}

// A page of a list: its JSON, whether more follow, and the cursor of its last item.
struct list_page {
  std::shared_ptr<const std::string> json;
  std::int64_t total = 0;
  bool more = false;
  std::optional<std::int64_t> last;
};

// The logged-in customers in connection order, the page after the connection `after`.
template <class Item>
list_page page_of_customers(server_state& sessions, const page_request& page, std::size_t budget,
                            Item item) {
  page_writer out(page.limit, budget);
  list_page result;
  for (const auto& p : sessions.snapshot()) {
    if (p->who != role::customer)
      continue;
    ++result.total;
    const auto id = static_cast<std::int64_t>(p->id);
    if ((page.after && id <= *page.after) || result.more)
      continue;
    if (!out.add(item(*p)))
      result.more = true;
    else
      result.last = id;
  }
  result.json = out.finish();
  return result;
}

// The support queue from position `after` + 1 (the cursor of the queue is a position: the
// queue moves as customers are served).
list_page page_of_queue(request_context& ctx, const page_request& page, std::size_t budget) {
  page_writer out(page.limit, budget);
  list_page result;
  std::int64_t position = 0;
  for (const auto& entry : ctx.services.support().queue()) {
    ++position;
    if (page.after && position <= *page.after)
      continue;
    json::object q;
    q["position"] = position;
    auto p = ctx.sessions.customer_peer(entry.customer_id);
    q["email"] = p ? p->email : "";
    q["name"] = support::customer_name(ctx.sessions, ctx.services, entry.customer_id);
    q["waiting_s"] = std::max<std::int64_t>(0, ctx.services.now() - entry.joined_at);
    if (!out.add(q)) {
      result.more = true;
      break;
    }
    result.last = position;
  }
  result.json = out.finish();
  return result;
}

// The logged-in executives (at most max_listed_executives, max_executives_bytes): name, email
// (what `:transferir` takes), available, chatting, chats (how many open).
json::array executives_of(request_context& ctx) {
  const auto& desk = ctx.services.support();
  json::array out;
  std::size_t bytes = 0;
  for (const auto& p : ctx.sessions.snapshot()) {
    if (p->who != role::executive)
      continue;
    json::object e;
    e["name"] = p->name;
    e["email"] = p->email;
    e["available"] = desk.is_available(p->account_id);
    e["chatting"] = !desk.is_free(p->account_id);
    e["chats"] = static_cast<std::int64_t>(desk.open_chats(p->account_id));
    bytes += json::serialize(e).size() + 1;
    if (out.size() == max_listed_executives || bytes > max_executives_bytes)
      break;
    out.push_back(std::move(e));
  }
  return out;
}

awaitable<result<json::object>> status(request_context& ctx) {
  auto page = read_page_request(ctx.request);
  if (!page)
    co_return page.error();
  const auto& desk = ctx.services.support();
  auto customers =
      page_of_customers(ctx.sessions, *page, max_status_page_bytes, [&](const peer& p) {
        json::object c = support::customer_ref(p);
        c["state"] = state_name(desk.state_of(p.account_id));
        return c;
      });
  // The head of the queue; the rest with queue.list.
  auto queue = page_of_queue(ctx, page_request{}, max_status_page_bytes);

  ctx.encoded.push_back({"customers", customers.json});
  ctx.encoded.push_back({"queue", queue.json});
  json::object body;
  body["customers_online"] = customers.total;
  body["waiting"] = static_cast<std::int64_t>(desk.waiting());
  body["executives"] = executives_of(ctx);
  if (auto average = desk.average_wait_s(ctx.services.now()))
    body["average_wait_s"] = *average;
  page_reply_fields(body, customers.total, customers.more, customers.last);
  if (queue.more)
    body["queue_next"] = *queue.last;
  body["truncated"] = customers.more || queue.more;
  co_return body;
}

awaitable<result<json::object>> queue_list(request_context& ctx) {
  auto page = read_page_request(ctx.request);
  if (!page)
    co_return page.error();
  auto queue = page_of_queue(ctx, *page, max_page_bytes);
  ctx.encoded.push_back({"queue", queue.json});
  json::object body;
  page_reply_fields(body, static_cast<std::int64_t>(ctx.services.support().waiting()), queue.more,
                    queue.last);
  co_return body;
}

awaitable<result<json::object>> details(request_context& ctx) {
  auto page = read_page_request(ctx.request);
  if (!page)
    co_return page.error();
  auto& services = ctx.services;
  auto customers = page_of_customers(ctx.sessions, *page, max_page_bytes, [&](const peer& p) {
    json::object c = support::customer_ref(p);
    c["state"] = state_name(services.support().state_of(p.account_id));
    if (auto position = services.support().position_of(p.account_id))
      c["position"] = static_cast<std::int64_t>(*position);  // now, not when the action was
    if (auto last = services.activity().last_for_customer(p.account_id))
      c["last_action"] = views::activity(*last);
    else
      c["last_action"] = nullptr;
    return c;
  });
  ctx.encoded.push_back({"customers", customers.json});
  json::object body;
  page_reply_fields(body, customers.total, customers.more, customers.last);
  co_return body;
}

awaitable<result<json::object>> customer_activity(request_context& ctx) {
  auto page = read_page_request(ctx.request);
  if (!page)
    co_return page.error();
  auto& activity = ctx.services.activity();
  const std::int64_t customer_id = ctx.chat->customer_id;
  auto customer = ctx.sessions.customer_peer(customer_id);
  json::object who;
  who["email"] = customer ? customer->email : "";
  who["name"] = support::customer_name(ctx.sessions, ctx.services, customer_id);

  // page_for_customer reads limit + 1 rows itself.
  const auto entries = write_page(activity.page_for_customer(customer_id, page->after, page->limit),
                                  page->limit, views::activity);
  ctx.encoded.push_back({"entries", entries.json});
  json::object body;
  body["customer"] = std::move(who);
  page_reply_fields(body, activity.count_for_customer(customer_id), entries.more, entries.last);
  co_return body;
}

// Shows the executive's page of operations to the customer too: the same page, as an event;
// `after` says it continues the one before.
void show_operations(request_context& ctx, const json::object& body,
                     const std::shared_ptr<const std::string>& operations) {
  auto to = ctx.sessions.customer_peer(ctx.chat->customer_id);
  if (!to)
    return;
  json::object ev = make_event("operations");
  for (const auto& field : body)
    ev[field.key()] = field.value();
  if (auto after = get_optional_int(ctx.request, "after").value())
    ev["after"] = *after;
  ev["executive"] = ctx.caller->first_name();
  const encoded_member list[] = {{"operations", operations}};
  server_state::send(*to, ev, list);
}

awaitable<result<json::object>> customer_operations(request_context& ctx) {
  auto page = read_page_request(ctx.request);
  if (!page)
    co_return page.error();
  const peer& executive = *ctx.caller;
  const std::int64_t customer_id = ctx.chat->customer_id;
  const auto ops = ctx.services.orders().details_page(customer_id, page->after, page->limit);
  page_writer out(page->limit);
  bool more = false;
  std::optional<std::int64_t> last;
  for (const auto& d : ops.items) {
    if (!out.add(views::operation_details(d))) {
      more = true;
      break;
    }
    last = d.operation.id;
  }
  const auto operations = out.finish();
  // One showing is its first page; the pages after it are not logged again.
  ctx.audit.record = !page->after;
  ctx.audit.detail =
      "El ejecutivo " + executive.name + " mostró " + std::to_string(ops.total) + " operaciones";
  ctx.audit.customer_id = customer_id;
  ctx.audit.line = "Ejecutivo " + executive.name + " mostró las operaciones del cliente " +
                   support::customer_name(ctx.sessions, ctx.services, customer_id) + ".";

  json::object body;
  page_reply_fields(body, ops.total, more, last);
  show_operations(ctx, body, operations);
  ctx.encoded.push_back({"operations", operations});
  co_return body;
}

const command view_table[] = {
    {"status", access::executive, page_fields, status,
     ":status - connected customers (paged) and the head of the queue"},
    {"queue.list", access::executive, page_fields, queue_list,
     "the support queue, paged (what :status shows after its head)"},
    {"details", access::executive, page_fields, details,
     ":details - customers and their last action (paged)"},
    {"customer.activity",
     access::executive,
     page_fields,
     customer_activity,
     ":history - the current customer's activity",
     {},
     needs::chat},
    {"customer.operations", access::executive, page_fields, customer_operations,
     ":operations - the current customer's operations, shown to both",
     audit_done(actions::operations_view), needs::chat},
};

}  // namespace

std::span<const command> view_commands() {
  return view_table;
}

}  // namespace tcs
