// Cards bought from customers: the executive's offer (`:buy`, in a chat), the customer's
// answer (a sale when accepted), and putting a bought card on sale (`:publish`). See
// support_common.hpp for the order of changes and messages.
#include "common/protocol/actions.hpp"
#include "server/dispatch/areas.hpp"
#include "server/dispatch/support_common.hpp"
#include "server/dispatch/views.hpp"

#include <boost/asio/use_awaitable.hpp>

#include <optional>
#include <string>

namespace tcs {

namespace {

using boost::asio::awaitable;
using support::pesos;

awaitable<result<json::object>> offer_answer(request_context& ctx) {
  auto& services = ctx.services;
  peer& customer = *ctx.caller;
  const std::int64_t offer_id = get_int(ctx.request, "offer_id").value();
  const bool accept = get_bool(ctx.request, "accept").value();
  ctx.audit.detail = "Oferta #" + std::to_string(offer_id);

  auto open = services.support().offer_to_answer(customer.account_id, offer_id);
  if (!open)
    co_return open.error();
  const services::offer o = *open;
  const std::string executive = support::executive_name(ctx.sessions, services, o.executive_id);

  std::optional<std::int64_t> operation_id;
  if (accept) {
    // The sale and its held unit are one transaction; if it fails the offer stays open.
    auto sale = services.catalogue().record_sale(customer.account_id, o.executive_id, o.card,
                                                 o.price, services.now(), executive);
    if (!sale)
      co_return sale.error();
    operation_id = sale->operation_id;
  }
  services.support().close_offer(o.id);

  ctx.audit.detail = (accept ? "Aceptó vender " : "Rechazó vender ") + support::offer_text(o) +
                     (operation_id ? " (operación #" + std::to_string(*operation_id) + ")" : "");
  ctx.audit.line = "Cliente " + customer.name + (accept ? " aceptó" : " rechazó") +
                   " la oferta del ejecutivo " + executive + ": " + support::offer_text(o) + ".";

  json::object body;
  body["offer_id"] = o.id;
  body["accepted"] = accept;
  if (operation_id)
    body["operation_id"] = *operation_id;
  if (auto to = ctx.sessions.executive_peer(o.executive_id)) {
    json::object ev = make_event("offer.answered");
    ev["offer_id"] = o.id;
    ev["card"] = o.card;
    ev["price"] = o.price;
    ev["accepted"] = accept;
    if (operation_id)
      ev["operation_id"] = *operation_id;
    ev["customer"] = customer.first_name();
    if (auto chat = services.support().chat_of(customer.account_id))
      support::add_chat_ref(ev, services.support(), o.executive_id, chat->chat_id, chat->slot);
    server_state::send(*to, ev);
  }
  co_return body;
}

// The card as the offer names it: the catalogue's spelling when the store knows it; a card it
// does not know may not look like one it does (it would become a second product of that look).
result<std::string> offered_card(services::catalogue_service& catalogue, std::string_view card,
                                 std::int64_t price) {
  auto name = services::normalize_product_name(card);
  if (!name)
    return name.error();
  if (auto ok = services::check_price(price); !ok)
    return ok.error();
  auto known = catalogue.find(*name);
  if (known)
    return known->name;
  if (auto like = catalogue.confusable_with(*name))
    return services::confusable_failure(*name, *like);
  return std::string(*name);
}

awaitable<result<json::object>> offer_create(request_context& ctx) {
  auto& services = ctx.services;
  peer& executive = *ctx.caller;
  const std::string_view card = get_string(ctx.request, "card").value();
  const std::int64_t price = get_int(ctx.request, "price").value();
  ctx.audit.detail = clip_utf8(card, support::max_logged_name_bytes) + " por " + pesos(price);
  ctx.audit.customer_id = ctx.chat->customer_id;

  auto display = offered_card(services.catalogue(), card, price);
  if (!display)
    co_return display.error();
  auto made = services.support().create_offer(executive.account_id, std::move(*display), price,
                                              services.now());
  if (!made)
    co_return made.error();
  const services::offer o = *made;
  const std::string customer = support::customer_name(ctx.sessions, services, o.customer_id);
  ctx.audit.detail = "Oferta #" + std::to_string(o.id) + ": " + support::offer_text(o);
  ctx.audit.customer_id = o.customer_id;
  ctx.audit.line = "Ejecutivo " + executive.name + " ofrece al cliente " + customer +
                   " comprarle " + support::offer_text(o) + ".";

  if (auto to = ctx.sessions.customer_peer(o.customer_id)) {
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
  support::add_chat_ref(body, services.support(), executive.account_id, ctx.chat->chat_id,
                        ctx.chat->number);
  co_return body;
}

awaitable<result<json::object>> publish(request_context& ctx) {
  peer& executive = *ctx.caller;
  const std::string_view card = get_string(ctx.request, "card").value();
  const auto price = get_optional_int(ctx.request, "price").value();
  constexpr auto max_name = support::max_logged_name_bytes;
  // The customer concerned is the one in the current chat, if any (usually the card just
  // bought).
  if (auto chat = current_chat(ctx.services.support(), executive))
    ctx.audit.customer_id = chat->customer_id;
  ctx.audit.detail = clip_utf8(card, max_name) + (price ? " a " + pesos(*price) : "");

  auto done = ctx.services.catalogue().publish(card, price);
  if (!done)
    co_return done.error();
  const auto& p = done->product;
  ctx.audit.detail = "Publicó 1 unidad de " + clip_utf8(p.name, max_name) + " a " + pesos(p.price) +
                     " (stock " + std::to_string(p.stock) + ", retenidas " +
                     std::to_string(p.held) + ")" +
                     (done->newly_listed ? ", nueva en el catálogo" : "");
  ctx.audit.line = "Ejecutivo " + executive.name + " publicó " + clip_utf8(p.name, max_name) +
                   " a " + pesos(p.price) + " (stock " + std::to_string(p.stock) + ").";

  json::object body;
  body["product"] = views::product(p, true);
  body["newly_listed"] = done->newly_listed;
  body["price_ignored"] = done->price_ignored;
  co_return body;
}

constexpr field_spec offer_answer_fields[] = {{"offer_id", field_kind::integer},
                                              {"accept", field_kind::boolean}};
constexpr field_spec offer_create_fields[] = {{"card", field_kind::string},
                                              {"price", field_kind::integer}};
constexpr field_spec publish_fields[] = {{"card", field_kind::string},
                                         {"price", field_kind::integer, false}};

const command offer_table[] = {
    {"offer.answer", access::customer, offer_answer_fields, offer_answer,
     "accept or decline the executive's offer", audit_all(actions::offer_answer)},
    {"offer.create", access::executive, offer_create_fields, offer_create,
     ":buy - offer to buy a card from the current customer", audit_all(actions::offer),
     needs::chat},
    {"publish", access::executive, publish_fields, publish,
     ":publish - put one held unit of a card on sale", audit_all(actions::publish)},
};

}  // namespace

std::span<const command> offer_commands() {
  return offer_table;
}

}  // namespace tcs
