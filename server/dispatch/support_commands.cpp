// Support commands: the customer's queue (menu option 6), the chat relay, the executive's `:`
// commands and what happens to the queue and the chats when a peer goes away.
//
// Every handler first applies its change to the support desk (server_state::support()), then
// tells the other peers. Telling a peer may stop it (a reader that does not keep up is closed
// by deliver()), which re-enters the desk through support_peer_left(); so the desk is always
// consistent before anyone is told, fan-outs iterate snapshots, and queue positions are read
// from the desk when they are sent rather than from an older decision.
#include "server/dispatch/areas.hpp"
#include "server/dispatch/pages.hpp"
#include "server/dispatch/server_state.hpp"
#include "server/dispatch/support_teardown.hpp"
#include "server/dispatch/views.hpp"
#include "server/log/console.hpp"
#include "server/store/activity_repository.hpp"

#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tcs {

namespace {

using boost::asio::awaitable;
using services::support_state;

// A chat line: long enough for any message typed at a terminal, short enough that a relayed
// line (even with every byte escaped by JSON) stays far below max_frame_bytes.
constexpr std::size_t max_chat_text_bytes = 2000;
// Lists (customers, queue, activity, operations) travel in pages (pages.hpp); `:status` has
// two lists in one reply, so each of its pages gets half the bytes of a page.
constexpr std::size_t max_status_page_bytes = max_page_bytes / 2;
// Card names echoed on the console.
constexpr std::size_t max_logged_name_bytes = 80;

// --- Small helpers -------------------------------------------------------------------------

// Whole pesos with dot thousands separators: 12990 -> "$12.990".
std::string pesos(std::int64_t amount) {
  // Unsigned, so the magnitude of any int64 (even the most negative) is defined.
  const auto magnitude = static_cast<std::uint64_t>(amount);
  const std::string digits = std::to_string(amount < 0 ? 0 - magnitude : magnitude);
  std::string out = amount < 0 ? "-$" : "$";
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0)
      out.push_back('.');
    out.push_back(digits[i]);
  }
  return out;
}

// The reply fields of a page whose items came in order, `next` being the cursor of the last
// item on it when more follow: `truncated` (kept from before pages: true when more follow),
// `total` and `next`.
void page_reply_fields(json::object& body, std::int64_t total, bool more,
                       std::optional<std::int64_t> last) {
  add_page_fields(body, total, more ? last : std::nullopt);
  body["truncated"] = more;
}

// The logged-in customers in connection order, the page after the connection `after`.
struct customers_page {
  std::shared_ptr<const std::string> json;
  std::int64_t total = 0;
  bool more = false;
  std::optional<std::int64_t> last;  // the connection id of the last customer on the page
};

template <class Item>
customers_page page_of_customers(server_state& server, const page_request& page, std::size_t budget,
                                 Item item) {
  page_writer out(page.limit, budget);
  customers_page result;
  for (const auto& p : server.snapshot()) {
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
struct queue_page {
  std::shared_ptr<const std::string> json;
  bool more = false;
  std::optional<std::int64_t> last;  // the position of the last entry on the page
};

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

// {email, name}: how a customer appears to executives.
json::object customer_ref(const peer& customer) {
  json::object o;
  o["email"] = customer.email;
  o["name"] = customer.name;
  return o;
}

// {name, first_name}: how an executive appears to its customer.
json::object executive_ref(const peer& executive) {
  json::object o;
  o["name"] = executive.name;
  o["first_name"] = executive.first_name();
  return o;
}

// Display names for console lines and the log, also for an account whose peer is gone.
std::string customer_name(server_state& server, std::int64_t customer_id) {
  if (auto p = server.customer_peer(customer_id))
    return p->name;
  if (auto c = server.accounts().customer_by_id(customer_id))
    return c->name;
  return "#" + std::to_string(customer_id);
}

std::string executive_name(server_state& server, std::int64_t executive_id) {
  if (auto p = server.executive_peer(executive_id))
    return p->name;
  if (auto e = server.accounts().executive_by_id(executive_id))
    return e->name;
  return "#" + std::to_string(executive_id);
}

std::string offer_text(const services::offer& o) {
  return clip_utf8(o.card, max_logged_name_bytes) + " por " + pesos(o.price);
}

// Records a refused request in the activity log and passes the failure on.
failure refused(server_state& server, const peer& actor, std::string_view action,
                std::string_view detail, failure f,
                std::optional<std::int64_t> customer_id = std::nullopt) {
  server.record(actor, action, detail, code_name(f.code), customer_id);
  return f;
}

// --- Telling others ------------------------------------------------------------------------

// Sends a queued customer its current place. Read from the desk now, not from the decision
// that triggered it: an earlier delivery may have torn down someone and moved the queue again.
void tell_position(server_state& server, std::int64_t customer_id) {
  auto position = server.support().position_of(customer_id);
  if (!position)
    return;
  auto p = server.customer_peer(customer_id);
  if (!p)
    return;
  json::object ev = make_event("queue.position");
  ev["position"] = static_cast<std::int64_t>(*position);
  ev["waiting"] = static_cast<std::int64_t>(server.support().waiting());
  server_state::send(*p, ev);
}

void tell_positions(server_state& server, const std::vector<services::position_change>& moved) {
  for (const auto& m : moved)
    tell_position(server, m.customer_id);
}

// Tells every free executive that `customer` is waiting (`El cliente ... se quiere conectar`).
void announce_waiting(server_state& server, const peer& customer) {
  if (server.support().state_of(customer.account_id) != support_state::queue)
    return;
  json::object ev = make_event("queue.joined");
  ev["customer"] = customer_ref(customer);
  ev["waiting"] = static_cast<std::int64_t>(server.support().waiting());
  auto frame = std::make_shared<const std::string>(encode_message(ev));
  for (auto& p : server.snapshot()) {
    if (p->who == role::executive && server.support().is_free(p->account_id))
      p->deliver(frame);
  }
}

void tell_offer_cancelled(const std::shared_ptr<peer>& to, const services::offer& o,
                          std::string_view reason) {
  if (!to)
    return;
  json::object ev = make_event("offer.cancelled");
  ev["offer_id"] = o.id;
  ev["card"] = o.card;
  ev["price"] = o.price;
  ev["reason"] = reason;
  server_state::send(*to, ev);
}

void tell_chat_ended(server_state& server, const std::shared_ptr<peer>& to, std::string_view reason,
                     std::string message) {
  if (!to)
    return;
  json::object ev = make_event("chat.ended");
  ev["reason"] = reason;
  ev["message"] = std::move(message);
  if (reason == "executive_disconnected") {
    if (auto position = server.support().position_of(to->account_id))
      ev["position"] = static_cast<std::int64_t>(*position);
    ev["waiting"] = static_cast<std::int64_t>(server.support().waiting());
  }
  server_state::send(*to, ev);
}

// The peer on the other side of the caller's chat, or not_in_chat.
struct chat_pair {
  std::int64_t customer_id = 0;
  std::int64_t executive_id = 0;
};

result<chat_pair> current_chat(server_state& server, const peer& caller) {
  if (caller.who == role::customer) {
    if (auto executive = server.support().executive_of(caller.account_id))
      return chat_pair{caller.account_id, *executive};
    return failure{errc::not_in_chat, "No está conversando con un ejecutivo."};
  }
  if (auto customer = server.support().customer_of(caller.account_id))
    return chat_pair{*customer, caller.account_id};
  return failure{errc::not_in_chat,
                 "No está conversando con ningún cliente (use :connect para atender al "
                 "siguiente)."};
}

// --- Customer requests ---------------------------------------------------------------------

awaitable<result<json::object>> queue_join(request_context& ctx) {
  server_state& server = ctx.server;
  peer& customer = *ctx.caller;
  auto joined = server.support().join(customer.account_id, server.now());
  if (!joined)
    co_return refused(server, customer, "queue_join", "", joined.error());
  server.record(customer, "queue_join", "Posición " + std::to_string(joined->position));
  log::console("Cliente " + customer.name + " en la cola de espera (posición " +
               std::to_string(joined->position) + ").");
  json::object body;
  body["position"] = static_cast<std::int64_t>(joined->position);
  body["waiting"] = static_cast<std::int64_t>(joined->waiting);
  announce_waiting(server, customer);
  co_return body;
}

awaitable<result<json::object>> queue_leave(request_context& ctx) {
  server_state& server = ctx.server;
  peer& customer = *ctx.caller;
  auto moved = server.support().leave(customer.account_id);
  if (!moved)
    co_return refused(server, customer, "queue_leave", "", moved.error());
  server.record(customer, "queue_leave", "Salió de la cola de espera");
  log::console("Cliente " + customer.name + " salió de la cola de espera.");
  tell_positions(server, *moved);
  co_return json::object{};
}

awaitable<result<json::object>> offer_answer(request_context& ctx) {
  server_state& server = ctx.server;
  peer& customer = *ctx.caller;
  const std::int64_t offer_id = get_int(ctx.request, "offer_id").value();
  const bool accept = get_bool(ctx.request, "accept").value();
  const std::string what = "Oferta #" + std::to_string(offer_id);

  auto open = server.support().offer_to_answer(customer.account_id, offer_id);
  if (!open)
    co_return refused(server, customer, "offer_answer", what, open.error());
  const services::offer o = *open;
  const std::string executive = executive_name(server, o.executive_id);

  std::optional<std::int64_t> operation_id;
  if (accept) {
    // The sale and its held unit are one transaction; if it fails the offer stays open.
    auto sale = server.catalogue().record_sale(customer.account_id, o.executive_id, o.card, o.price,
                                               server.now(), executive);
    if (!sale)
      co_return refused(server, customer, "offer_answer", what, sale.error());
    operation_id = sale->operation_id;
  }
  server.support().close_offer(o.id);

  const std::string detail =
      (accept ? "Aceptó vender " : "Rechazó vender ") + offer_text(o) +
      (operation_id ? " (operación #" + std::to_string(*operation_id) + ")" : "");
  server.record(customer, "offer_answer", detail);
  log::console("Cliente " + customer.name + (accept ? " aceptó" : " rechazó") +
               " la oferta del ejecutivo " + executive + ": " + offer_text(o) + ".");

  json::object body;
  body["offer_id"] = o.id;
  body["accepted"] = accept;
  if (operation_id)
    body["operation_id"] = *operation_id;
  if (auto to = server.executive_peer(o.executive_id)) {
    json::object ev = make_event("offer.answered");
    ev["offer_id"] = o.id;
    ev["card"] = o.card;
    ev["price"] = o.price;
    ev["accepted"] = accept;
    if (operation_id)
      ev["operation_id"] = *operation_id;
    ev["customer"] = customer.first_name();
    server_state::send(*to, ev);
  }
  co_return body;
}

// --- Executive requests --------------------------------------------------------------------

queue_page page_of_queue(server_state& server, const page_request& page, std::size_t budget) {
  page_writer out(page.limit, budget);
  queue_page result;
  std::int64_t position = 0;
  for (const auto& entry : server.support().queue()) {
    ++position;
    if (page.after && position <= *page.after)
      continue;
    json::object q;
    q["position"] = position;
    if (auto p = server.customer_peer(entry.customer_id)) {
      q["email"] = p->email;
      q["name"] = p->name;
    } else {
      q["email"] = "";
      q["name"] = customer_name(server, entry.customer_id);
    }
    q["waiting_s"] = std::max<std::int64_t>(0, server.now() - entry.joined_at);
    if (!out.add(q)) {
      result.more = true;
      break;
    }
    result.last = position;
  }
  result.json = out.finish();
  return result;
}

awaitable<result<json::object>> status(request_context& ctx) {
  auto page = read_page_request(ctx.request);
  if (!page)
    co_return page.error();
  server_state& server = ctx.server;
  const auto& desk = server.support();
  auto customers = page_of_customers(server, *page, max_status_page_bytes, [&](const peer& p) {
    json::object c = customer_ref(p);
    c["state"] = state_name(desk.state_of(p.account_id));
    return c;
  });
  // The head of the queue; the rest with queue.list.
  auto queue = page_of_queue(server, page_request{}, max_status_page_bytes);

  ctx.encoded.push_back({"customers", customers.json});
  ctx.encoded.push_back({"queue", queue.json});
  json::object body;
  body["customers_online"] = customers.total;
  body["waiting"] = static_cast<std::int64_t>(desk.waiting());
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
  auto queue = page_of_queue(ctx.server, *page, max_page_bytes);
  ctx.encoded.push_back({"queue", queue.json});
  json::object body;
  page_reply_fields(body, static_cast<std::int64_t>(ctx.server.support().waiting()), queue.more,
                    queue.last);
  co_return body;
}

awaitable<result<json::object>> details(request_context& ctx) {
  auto page = read_page_request(ctx.request);
  if (!page)
    co_return page.error();
  server_state& server = ctx.server;
  auto customers = page_of_customers(server, *page, max_page_bytes, [&](const peer& p) {
    json::object c = customer_ref(p);
    c["state"] = state_name(server.support().state_of(p.account_id));
    if (auto last = server.activity().last_for_customer(p.account_id))
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

awaitable<result<json::object>> connect(request_context& ctx) {
  server_state& server = ctx.server;
  peer& executive = *ctx.caller;
  for (;;) {
    auto pair = server.support().connect(executive.account_id, server.now());
    if (!pair)
      co_return pair.error();
    auto customer = server.customer_peer(pair->customer_id);
    if (!customer) {
      // Cannot happen (a customer's teardown takes it out of the queue); never pair with a
      // ghost: drop it and take the next one.
      log::error("customer " + std::to_string(pair->customer_id) + " was queued without a session");
      server.support().end_chat_by_executive(executive.account_id);
      continue;
    }
    server.record(executive, "referral",
                  "Atendido por el ejecutivo " + executive.name + " tras " +
                      std::to_string(pair->waited_s) + " s de espera",
                  "ok", pair->customer_id);
    log::console("Cliente " + customer->name + " redirigido a ejecutivo " + executive.name + ".");

    json::object body;
    json::object who = customer_ref(*customer);
    who["first_name"] = customer->first_name();
    body["customer"] = std::move(who);
    body["waited_s"] = pair->waited_s;

    json::object ev = make_event("chat.started");
    ev["executive"] = executive_ref(executive);
    server_state::send(*customer, ev);
    tell_positions(server, pair->moved);
    co_return body;
  }
}

awaitable<result<json::object>> customer_activity(request_context& ctx) {
  auto page = read_page_request(ctx.request);
  if (!page)
    co_return page.error();
  server_state& server = ctx.server;
  auto chat = current_chat(server, *ctx.caller);
  if (!chat)
    co_return chat.error();
  auto customer = server.customer_peer(chat->customer_id);
  json::object who;
  who["email"] = customer ? customer->email : "";
  who["name"] = customer_name(server, chat->customer_id);

  page_writer entries(page->limit);
  bool more = false;
  std::optional<std::int64_t> last;
  for (const auto& a :
       server.activity().page_for_customer(chat->customer_id, page->after, page->limit)) {
    if (!entries.add(views::activity(a))) {
      more = true;
      break;
    }
    last = a.id;
  }
  ctx.encoded.push_back({"entries", entries.finish()});
  json::object body;
  body["customer"] = std::move(who);
  page_reply_fields(body, server.activity().count_for_customer(chat->customer_id), more, last);
  co_return body;
}

awaitable<result<json::object>> customer_operations(request_context& ctx) {
  auto page = read_page_request(ctx.request);
  if (!page)
    co_return page.error();
  server_state& server = ctx.server;
  peer& executive = *ctx.caller;
  auto chat = current_chat(server, executive);
  if (!chat)
    co_return chat.error();

  const auto ops = server.orders().details_page(chat->customer_id, page->after, page->limit);
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
  if (!page->after) {
    const std::string customer = customer_name(server, chat->customer_id);
    server.record(
        executive, "operations_view",
        "El ejecutivo " + executive.name + " mostró " + std::to_string(ops.total) + " operaciones",
        "ok", chat->customer_id);
    log::console("Ejecutivo " + executive.name + " mostró las operaciones del cliente " + customer +
                 ".");
  }

  json::object body;
  page_reply_fields(body, ops.total, more, last);
  if (auto to = server.customer_peer(chat->customer_id)) {
    // The customer sees the same page; `after` says it continues the one before.
    json::object ev = make_event("operations");
    for (const auto& field : body)
      ev[field.key()] = field.value();
    if (page->after)
      ev["after"] = *page->after;
    ev["executive"] = executive.first_name();
    const encoded_member list[] = {{"operations", operations}};
    server_state::send(*to, ev, list);
  }
  ctx.encoded.push_back({"operations", operations});
  co_return body;
}

awaitable<result<json::object>> offer_create(request_context& ctx) {
  server_state& server = ctx.server;
  peer& executive = *ctx.caller;
  const std::string_view card = get_string(ctx.request, "card").value();
  const std::int64_t price = get_int(ctx.request, "price").value();
  const std::string what = clip_utf8(card, max_logged_name_bytes) + " por " + pesos(price);

  auto chat = current_chat(server, executive);
  if (!chat)
    co_return chat.error();
  auto name = services::normalize_product_name(card);
  if (!name)
    co_return refused(server, executive, "offer", what, name.error(), chat->customer_id);
  if (auto ok = services::check_price(price); !ok)
    co_return refused(server, executive, "offer", what, ok.error(), chat->customer_id);
  // Offer the card under the catalogue's spelling when the store knows it; a card it does not
  // know may not look like one it does (it would become a second product of that look).
  auto known = server.catalogue().find(*name);
  if (!known) {
    if (auto like = server.catalogue().confusable_with(*name))
      co_return refused(server, executive, "offer", what,
                        services::confusable_failure(*name, *like), chat->customer_id);
  }
  std::string display = known ? known->name : std::string(*name);

  auto made =
      server.support().create_offer(executive.account_id, std::move(display), price, server.now());
  if (!made)
    co_return refused(server, executive, "offer", what, made.error(), chat->customer_id);
  const services::offer o = *made;
  const std::string customer = customer_name(server, o.customer_id);
  server.record(executive, "offer", "Oferta #" + std::to_string(o.id) + ": " + offer_text(o), "ok",
                o.customer_id);
  log::console("Ejecutivo " + executive.name + " ofrece al cliente " + customer + " comprarle " +
               offer_text(o) + ".");

  if (auto to = server.customer_peer(o.customer_id)) {
    json::object ev = make_event("offer");
    ev["offer_id"] = o.id;
    ev["card"] = o.card;
    ev["price"] = o.price;
    ev["executive"] = executive.first_name();
    server_state::send(*to, ev);
  }
  json::object body;
  body["offer_id"] = o.id;
  body["card"] = o.card;
  body["price"] = o.price;
  co_return body;
}

awaitable<result<json::object>> publish(request_context& ctx) {
  server_state& server = ctx.server;
  peer& executive = *ctx.caller;
  const std::string_view card = get_string(ctx.request, "card").value();
  const auto price = get_optional_int(ctx.request, "price").value();
  // The customer concerned is the one in the chat, if any (usually the card just bought).
  const auto customer = server.support().customer_of(executive.account_id);
  const std::string what =
      clip_utf8(card, max_logged_name_bytes) + (price ? " a " + pesos(*price) : "");

  auto done = server.catalogue().publish(card, price);
  if (!done)
    co_return refused(server, executive, "publish", what, done.error(), customer);
  const auto& p = done->product;
  std::string detail = "Publicó 1 unidad de " + clip_utf8(p.name, max_logged_name_bytes) + " a " +
                       pesos(p.price) + " (stock " + std::to_string(p.stock) + ", retenidas " +
                       std::to_string(p.held) + ")";
  if (done->newly_listed)
    detail += ", nueva en el catálogo";
  server.record(executive, "publish", detail, "ok", customer);
  log::console("Ejecutivo " + executive.name + " publicó " +
               clip_utf8(p.name, max_logged_name_bytes) + " a " + pesos(p.price) + " (stock " +
               std::to_string(p.stock) + ").");

  json::object body;
  body["product"] = views::product(p, true);
  body["newly_listed"] = done->newly_listed;
  body["price_ignored"] = done->price_ignored;
  co_return body;
}

// --- Both roles, in a chat -----------------------------------------------------------------

awaitable<result<json::object>> chat_send(request_context& ctx) {
  server_state& server = ctx.server;
  peer& sender = *ctx.caller;
  const std::string_view text = get_string(ctx.request, "text").value();
  auto chat = current_chat(server, sender);
  if (!chat)
    co_return chat.error();
  if (text.empty() || text.size() > max_chat_text_bytes)
    co_return failure{errc::invalid_field, "El mensaje debe tener entre 1 y " +
                                               std::to_string(max_chat_text_bytes) + " bytes."};
  const bool from_customer = sender.who == role::customer;
  const std::int64_t at = server.now();
  store::chat_repository(server.db())
      .append(chat->customer_id, chat->executive_id, from_customer ? "customer" : "executive", text,
              at);

  auto to = from_customer ? server.executive_peer(chat->executive_id)
                          : server.customer_peer(chat->customer_id);
  if (to) {
    json::object ev = make_event("chat.message");
    ev["from"] = sender.first_name();
    ev["role"] = from_customer ? "customer" : "executive";
    ev["text"] = text;
    ev["at"] = at;
    server_state::send(*to, ev);
  }
  json::object body;
  body["at"] = at;
  co_return body;
}

awaitable<result<json::object>> chat_end(request_context& ctx) {
  server_state& server = ctx.server;
  peer& caller = *ctx.caller;
  const bool by_customer = caller.who == role::customer;
  auto closed = by_customer ? server.support().end_chat_by_customer(caller.account_id)
                            : server.support().end_chat_by_executive(caller.account_id);
  if (!closed)
    co_return closed.error();
  const std::string customer = customer_name(server, closed->customer_id);
  const std::string executive = executive_name(server, closed->executive_id);
  server.record(caller, "chat_end",
                by_customer ? "El cliente terminó la conversación con el ejecutivo " + executive
                            : "El ejecutivo " + executive + " terminó la conversación",
                "ok", closed->customer_id);
  log::console(
      by_customer
          ? "Cliente " + customer + " terminó la conversación con el ejecutivo " + executive + "."
          : "Ejecutivo " + executive + " terminó la conversación con el cliente " + customer + ".");

  auto other = by_customer ? server.executive_peer(closed->executive_id)
                           : server.customer_peer(closed->customer_id);
  if (closed->cancelled_offer)
    tell_offer_cancelled(other, *closed->cancelled_offer, "chat_ended");
  if (by_customer)
    tell_chat_ended(server, other, "ended_by_customer",
                    caller.first_name() + " terminó la conversación.");
  else
    tell_chat_ended(server, other, "ended_by_executive",
                    caller.first_name() + " terminó la conversación. ¡Gracias por contactarnos!");
  co_return json::object{};
}

constexpr field_spec offer_answer_fields[] = {{"offer_id", field_kind::integer},
                                              {"accept", field_kind::boolean}};
constexpr field_spec offer_create_fields[] = {{"card", field_kind::string},
                                              {"price", field_kind::integer}};
constexpr field_spec publish_fields[] = {{"card", field_kind::string},
                                         {"price", field_kind::integer, false}};
constexpr field_spec chat_send_fields[] = {{"text", field_kind::string}};

const command table[] = {
    {"queue.join", access::customer, {}, queue_join, "join the support queue (menu option 6)"},
    {"queue.leave", access::customer, {}, queue_leave, "leave the support queue"},
    {"offer.answer", access::customer, offer_answer_fields, offer_answer,
     "accept or decline the executive's offer"},
    {"status", access::executive, page_fields, status,
     ":status - connected customers (paged) and the head of the queue"},
    {"queue.list", access::executive, page_fields, queue_list,
     "the support queue, paged (what :status shows after its head)"},
    {"details", access::executive, page_fields, details,
     ":details - customers and their last action (paged)"},
    {"connect", access::executive, {}, connect, ":connect - serve the longest-waiting customer"},
    {"customer.activity", access::executive, page_fields, customer_activity,
     ":history - the current customer's activity"},
    {"customer.operations", access::executive, page_fields, customer_operations,
     ":operations - the current customer's operations, shown to both"},
    {"offer.create", access::executive, offer_create_fields, offer_create,
     ":buy - offer to buy a card from the current customer"},
    {"publish", access::executive, publish_fields, publish,
     ":publish - put one held unit of a card on sale"},
    {"chat.send", access::authenticated, chat_send_fields, chat_send,
     "a chat line to the other party"},
    {"chat.end", access::authenticated, {}, chat_end, "end the current chat"},
};

}  // namespace

std::span<const command> support_commands() {
  return table;
}

void support_peer_left(server_state& server, const peer& gone) {
  auto& desk = server.support();
  if (gone.who == role::customer) {
    // Only the session that owns the account's registry entry speaks for it.
    if (auto owner = server.customer_peer(gone.account_id); owner && owner.get() != &gone)
      return;
    auto departure = desk.customer_gone(gone.account_id);
    if (departure.was == support_state::queue) {
      server.record(gone, "queue_leave", "Salió de la cola de espera al desconectarse");
      log::console("Cliente " + gone.name + " salió de la cola de espera (desconectado).");
      tell_positions(server, departure.moved);
    } else if (departure.chat) {
      const auto& closed = *departure.chat;
      const std::string executive = executive_name(server, closed.executive_id);
      server.record(
          gone, "chat_end",
          "El cliente se desconectó durante la conversación con el ejecutivo " + executive, "ok");
      log::console("Cliente " + gone.name + " se desconectó durante la conversación con el " +
                   "ejecutivo " + executive + ".");
      auto to = server.executive_peer(closed.executive_id);
      if (closed.cancelled_offer)
        tell_offer_cancelled(to, *closed.cancelled_offer, "customer_disconnected");
      tell_chat_ended(server, to, "customer_disconnected",
                      "El cliente " + gone.name + " se desconectó.");
    }
    return;
  }
  if (gone.who != role::executive)
    return;
  if (auto owner = server.executive_peer(gone.account_id); owner && owner.get() != &gone)
    return;
  auto back = desk.executive_gone(gone.account_id, server.now());
  if (!back)
    return;
  const std::string customer = customer_name(server, back->customer_id);
  server.record(
      gone, "chat_end",
      "El ejecutivo " + gone.name + " se desconectó; el cliente vuelve al primer lugar de la cola",
      "ok", back->customer_id);
  log::console("Ejecutivo " + gone.name + " se desconectó durante la conversación; el cliente " +
               customer + " vuelve al primer lugar de la cola.");
  auto to = server.customer_peer(back->customer_id);
  if (back->cancelled_offer)
    tell_offer_cancelled(to, *back->cancelled_offer, "executive_disconnected");
  // The new position travels in its own field; the terminal says where the customer waits.
  tell_chat_ended(server, to, "executive_disconnected", gone.first_name() + " se desconectó.");
  tell_positions(server, back->moved);
  if (to)
    announce_waiting(server, *to);
}

}  // namespace tcs
