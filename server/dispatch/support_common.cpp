// Names, references and events shared by the support areas.
#include "server/dispatch/support_common.hpp"

#include <algorithm>

namespace tcs::support {

using services::support_state;

std::string offer_text(const services::offer& o) {
  return clip_utf8(o.card, max_logged_name_bytes) + " por " + pesos(o.price);
}

json::object customer_ref(const peer& customer) {
  json::object o;
  o["email"] = customer.email;
  o["name"] = customer.name;
  return o;
}

json::object executive_ref(const peer& executive) {
  json::object o;
  o["name"] = executive.name;
  o["first_name"] = executive.first_name();
  return o;
}

std::string customer_name(server_state& sessions, services::service_set& services,
                          std::int64_t customer_id) {
  if (auto p = sessions.customer_peer(customer_id))
    return p->name;
  if (auto name = services.accounts().customer_name(customer_id))
    return *name;
  return "#" + std::to_string(customer_id);
}

std::string executive_name(server_state& sessions, services::service_set& services,
                           std::int64_t executive_id) {
  if (auto p = sessions.executive_peer(executive_id))
    return p->name;
  if (auto name = services.accounts().executive_name(executive_id))
    return *name;
  return "#" + std::to_string(executive_id);
}

namespace {

// Sends a queued customer its current place. Read from the desk now, not from the decision
// that triggered it: an earlier delivery may have torn down someone and moved the queue again.
void tell_position(server_state& sessions, services::service_set& services,
                   std::int64_t customer_id) {
  auto position = services.support().position_of(customer_id);
  if (!position)
    return;
  auto p = sessions.customer_peer(customer_id);
  if (!p)
    return;
  json::object ev = make_event("queue.position");
  ev["position"] = static_cast<std::int64_t>(*position);
  ev["waiting"] = static_cast<std::int64_t>(services.support().waiting());
  add_eta(ev, services.support(), customer_id);
  server_state::send(*p, ev);
}

// The event to every executive: `offered` to those a waiting customer is offered to (available
// and free), `queue.count` to the busy and the away ones.
void tell_executives(server_state& sessions, services::support_desk& desk,
                     const json::object& offered) {
  json::object count = make_event("queue.count");
  count["waiting"] = static_cast<std::int64_t>(desk.waiting());
  auto offered_frame = std::make_shared<const std::string>(encode_message(offered));
  auto count_frame = std::make_shared<const std::string>(encode_message(count));
  for (auto& p : sessions.snapshot()) {
    if (p->who == role::executive)
      p->deliver(desk.offered(p->account_id) ? offered_frame : count_frame);
  }
}

}  // namespace

void add_eta(json::object& ev, const services::support_desk& desk, std::int64_t customer_id) {
  if (auto eta = desk.eta_s(customer_id))
    ev["eta_s"] = *eta;
}

void tell_positions(server_state& sessions, services::service_set& services,
                    const std::vector<services::position_change>& moved) {
  for (const auto& m : moved)
    tell_position(sessions, services, m.customer_id);
}

void announce_waiting(server_state& sessions, services::service_set& services,
                      const peer& customer) {
  auto& desk = services.support();
  if (desk.state_of(customer.account_id) != support_state::queue)
    return;
  json::object ev = make_event("queue.joined");
  ev["customer"] = customer_ref(customer);
  ev["waiting"] = static_cast<std::int64_t>(desk.waiting());
  tell_executives(sessions, desk, ev);
}

void announce_left(server_state& sessions, services::service_set& services, const peer& customer,
                   std::string_view reason) {
  auto& desk = services.support();
  json::object ev = make_event("queue.left");
  ev["customer"] = customer_ref(customer);
  ev["reason"] = reason;
  ev["waiting"] = static_cast<std::int64_t>(desk.waiting());
  tell_executives(sessions, desk, ev);
}

void announce_served(server_state& sessions, services::service_set& services,
                     std::int64_t executive_id) {
  auto& desk = services.support();
  json::object ev = make_event("queue.count");
  ev["waiting"] = static_cast<std::int64_t>(desk.waiting());
  auto frame = std::make_shared<const std::string>(encode_message(ev));
  for (auto& p : sessions.snapshot()) {
    if (p->who == role::executive && p->account_id != executive_id && !desk.offered(p->account_id))
      p->deliver(frame);
  }
}

void tell_who_waits(services::service_set& services, const std::shared_ptr<peer>& executive,
                    server_state& sessions) {
  auto& desk = services.support();
  if (!executive || !desk.offered(executive->account_id) || desk.waiting() == 0)
    return;
  json::object ev = make_event("queue.waiting");
  ev["waiting"] = static_cast<std::int64_t>(desk.waiting());
  json::array customers;
  const std::int64_t now = services.now();
  for (const auto& entry : desk.queue()) {
    if (customers.size() == max_listed_waiting)
      break;
    json::object c;
    auto p = sessions.customer_peer(entry.customer_id);
    c["email"] = p ? p->email : "";
    c["name"] = customer_name(sessions, services, entry.customer_id);
    c["waiting_s"] = std::max<std::int64_t>(0, now - entry.joined_at);
    customers.push_back(std::move(c));
  }
  ev["customers"] = std::move(customers);
  server_state::send(*executive, ev);
}

namespace {

json::object offer_cancelled(const services::offer& o, std::string_view reason) {
  json::object ev = make_event("offer.cancelled");
  ev["offer_id"] = o.id;
  ev["card"] = o.card;
  ev["price"] = o.price;
  ev["reason"] = reason;
  return ev;
}

}  // namespace

void tell_offer_cancelled(const std::shared_ptr<peer>& to, const services::offer& o,
                          std::string_view reason) {
  if (to)
    server_state::send(*to, offer_cancelled(o, reason));
}

void tell_offer_cancelled(const std::shared_ptr<peer>& executive, const services::offer& o,
                          std::string_view reason, const services::support_desk& desk,
                          std::int64_t chat_id, std::size_t number) {
  if (!executive)
    return;
  json::object ev = offer_cancelled(o, reason);
  add_chat_ref(ev, desk, executive->account_id, chat_id, number);
  server_state::send(*executive, ev);
}

void add_chat_ref(json::object& o, const services::support_desk& desk, std::int64_t executive_id,
                  std::int64_t chat_id, std::size_t number) {
  o["chat_id"] = chat_id;
  o["number"] = static_cast<std::int64_t>(number);
  o["chats"] = static_cast<std::int64_t>(desk.open_chats(executive_id));
}

void tell_chat_ended(services::service_set& services, const std::shared_ptr<peer>& to,
                     std::string_view reason, std::string message,
                     const services::chat_closed* chat) {
  if (!to)
    return;
  json::object ev = make_event("chat.ended");
  ev["reason"] = reason;
  ev["message"] = std::move(message);
  if (chat && to->who == role::executive) {
    add_chat_ref(ev, services.support(), chat->executive_id, chat->chat_id, chat->slot);
    ev["was_current"] = chat->was_current;
  }
  if (reason == "executive_disconnected" || reason == "requeued") {
    if (auto position = services.support().position_of(to->account_id))
      ev["position"] = static_cast<std::int64_t>(*position);
    ev["waiting"] = static_cast<std::int64_t>(services.support().waiting());
    add_eta(ev, services.support(), to->account_id);
  }
  if (to->who == role::customer && services.chat().awaits_rating(to->account_id))
    ev["survey"] = true;  // the satisfaction survey (chat.rate)
  server_state::send(*to, ev);
}

}  // namespace tcs::support

namespace tcs {

result<chat_pair> current_chat(const services::support_desk& desk, const peer& caller) {
  if (caller.who == role::customer) {
    if (auto chat = desk.chat_of(caller.account_id))
      return chat_pair{caller.account_id, chat->executive_id, chat->chat_id, chat->slot};
    return failure{errc::not_in_chat, "No está conversando con un ejecutivo."};
  }
  if (auto chat = desk.current_chat(caller.account_id))
    return chat_pair{chat->customer_id, caller.account_id, chat->chat_id, chat->slot};
  if (desk.open_chats(caller.account_id) > 0)
    return failure{errc::not_in_chat,
                   "No tiene una conversación elegida: use :cambiar N para elegir a quién se le "
                   "envía (:chats lista las abiertas)."};
  return failure{errc::not_in_chat,
                 "No está conversando con ningún cliente (use :connect para atender al "
                 "siguiente)."};
}

}  // namespace tcs
