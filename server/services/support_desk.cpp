// The support queue, the chats and their slots (support_desk_chats.cpp: offers, time limits,
// invariants).
#include "server/services/support_desk.hpp"

#include <algorithm>
#include <iterator>
#include <string>
#include <tuple>
#include <utility>

namespace tcs::services {

support_desk::support_desk(std::size_t max_chats)
    : max_chats_(std::clamp<std::size_t>(max_chats, 1, max_chats_limit)) {}

support_state support_desk::state_of(std::int64_t customer_id) const {
  if (chats_.contains(customer_id))
    return support_state::chat;
  if (find_queued(customer_id) != queue_.end())
    return support_state::queue;
  return support_state::menu;
}

std::optional<std::size_t> support_desk::position_of(std::int64_t customer_id) const {
  auto it = find_queued(customer_id);
  if (it == queue_.end())
    return std::nullopt;
  return static_cast<std::size_t>(std::distance(queue_.begin(), it)) + 1;
}

std::optional<std::int64_t> support_desk::executive_of(std::int64_t customer_id) const {
  auto it = chats_.find(customer_id);
  if (it == chats_.end())
    return std::nullopt;
  return it->second.executive_id;
}

std::optional<std::int64_t> support_desk::customer_of(std::int64_t executive_id) const {
  auto it = seats_.find(executive_id);
  if (it == seats_.end() || it->second.current == 0)
    return std::nullopt;
  return it->second.current;
}

std::optional<chat_info> support_desk::current_chat(std::int64_t executive_id) const {
  auto customer = customer_of(executive_id);
  if (!customer)
    return std::nullopt;
  return info(chats_.at(*customer));
}

std::optional<chat_info> support_desk::chat_of(std::int64_t customer_id) const {
  auto it = chats_.find(customer_id);
  if (it == chats_.end())
    return std::nullopt;
  return info(it->second);
}

std::vector<chat_info> support_desk::chats_of(std::int64_t executive_id) const {
  std::vector<chat_info> out;
  auto it = seats_.find(executive_id);
  if (it == seats_.end())
    return out;
  for (auto customer_id : it->second.slots) {
    if (customer_id != 0)
      out.push_back(info(chats_.at(customer_id)));
  }
  return out;
}

std::size_t support_desk::open_chats(std::int64_t executive_id) const {
  auto it = seats_.find(executive_id);
  if (it == seats_.end())
    return 0;
  return static_cast<std::size_t>(
      std::count_if(it->second.slots.begin(), it->second.slots.end(),
                    [](std::int64_t customer_id) { return customer_id != 0; }));
}

const offer* support_desk::open_offer(std::int64_t executive_id) const {
  auto customer = customer_of(executive_id);
  if (!customer)
    return nullptr;
  const chat& c = chats_.at(*customer);
  return c.open_offer ? &*c.open_offer : nullptr;
}

bool support_desk::is_available(std::int64_t executive_id) const {
  auto it = executives_.find(executive_id);
  return it == executives_.end() || it->second.available;
}

std::size_t support_desk::available_executives() const {
  return static_cast<std::size_t>(std::count_if(executives_.begin(), executives_.end(),
                                                [](const auto& e) { return e.second.available; }));
}

std::optional<std::int64_t> support_desk::eta_s(std::int64_t customer_id) const {
  auto position = position_of(customer_id);
  if (!position)
    return std::nullopt;
  std::size_t slots = 0;
  std::size_t free = 0;
  for (const auto& [executive_id, e] : executives_) {
    if (!e.available)
      continue;
    slots += max_chats_;
    free += max_chats_ - std::min(max_chats_, open_chats(executive_id));
  }
  return stats_.estimate_s(*position, free, slots);
}

void support_desk::executive_arrived(std::int64_t executive_id, std::int64_t now) {
  executives_[executive_id] = executive_state{true, now};
}

bool support_desk::set_available(std::int64_t executive_id, bool available, std::int64_t now) {
  auto [it, inserted] = executives_.try_emplace(executive_id, executive_state{true, now});
  const bool changed = it->second.available != available;
  it->second.available = available;
  if (changed && available)
    it->second.idle_since = now;
  return changed;
}

std::optional<paired> support_desk::assign_next(std::int64_t now) {
  if (queue_.empty())
    return std::nullopt;
  std::optional<std::int64_t> best;
  std::size_t best_open = 0;
  std::int64_t best_idle = 0;
  for (const auto& [executive_id, e] : executives_) {
    if (!e.available || !has_free_slot(executive_id))
      continue;
    const std::size_t open = open_chats(executive_id);
    const auto rank = std::tie(open, e.idle_since, executive_id);
    if (!best || rank < std::tie(best_open, best_idle, *best)) {
      best = executive_id;
      best_open = open;
      best_idle = e.idle_since;
    }
  }
  if (!best)
    return std::nullopt;
  // Not asked for by the executive: its current chat stays the one it is writing to.
  return serve_next(*best, now, false);
}

result<queue_joined> support_desk::join(std::int64_t customer_id, std::int64_t now) {
  switch (state_of(customer_id)) {
    case support_state::queue:
      return failure{errc::invalid_state, "Ya está en la cola de espera."};
    case support_state::chat:
      return failure{errc::invalid_state, "Ya está conversando con un ejecutivo."};
    case support_state::menu:
      break;
  }
  queue_.push_back({customer_id, now, now});
  return queue_joined{queue_.size(), queue_.size()};
}

result<std::vector<position_change>> support_desk::leave(std::int64_t customer_id) {
  auto it = find_queued(customer_id);
  if (it == queue_.end())
    return failure{errc::invalid_state, "No está en la cola de espera."};
  const auto index = static_cast<std::size_t>(std::distance(queue_.cbegin(), it));
  queue_.erase(it);
  return positions_from(index);
}

result<paired> support_desk::connect(std::int64_t executive_id, std::int64_t now) {
  if (!has_free_slot(executive_id)) {
    if (max_chats_ == 1)
      return failure{errc::invalid_state,
                     "Ya está conversando con un cliente: termine esa conversación primero."};
    return failure{errc::invalid_state,
                   "No tiene cupo para otra conversación: ya atiende " +
                       std::to_string(max_chats_) +
                       ", el máximo (termine una con :disconnect; :chats las lista)."};
  }
  if (!is_available(executive_id))
    return failure{errc::invalid_state,
                   "Está ausente: use :disponible para volver a atender clientes."};
  if (queue_.empty())
    return failure{errc::invalid_state, "No hay clientes esperando."};
  return serve_next(executive_id, now, true);
}

paired support_desk::serve_next(std::int64_t executive_id, std::int64_t now, bool make_current) {
  const queue_entry next = queue_.front();
  queue_.pop_front();
  stats_.customer_served(now - next.joined_at, now);
  chat c;
  c.id = next_chat_id_++;
  c.customer_id = next.customer_id;
  c.started_at = now;
  c.queued_at = next.joined_at;
  c.last_activity = now;
  chat& placed = chats_.emplace(next.customer_id, std::move(c)).first->second;
  seat_chat(placed, executive_id, make_current, now);
  paired out;
  out.customer_id = next.customer_id;
  out.executive_id = executive_id;
  out.chat_id = placed.id;
  out.slot = placed.slot;
  out.current = seats_.at(executive_id).current == next.customer_id;
  out.waited_s = std::max<std::int64_t>(0, now - next.joined_at);
  out.moved = positions_from(0);
  return out;
}

result<chat_info> support_desk::switch_to(std::int64_t executive_id, std::int64_t slot) {
  if (slot < 1 || static_cast<std::uint64_t>(slot) > max_chats_) {
    const std::string range = max_chats_ == 1 ? std::string("solo la 1")
                                              : "un número de 1 a " + std::to_string(max_chats_);
    return failure{errc::invalid_field, "No existe la conversación " + std::to_string(slot) +
                                            ": use " + range + " (vea :chats)."};
  }
  auto it = seats_.find(executive_id);
  const auto index = static_cast<std::size_t>(slot - 1);
  if (it == seats_.end() || it->second.slots[index] == 0)
    return failure{errc::not_found,
                   "No tiene una conversación " + std::to_string(slot) + " abierta (vea :chats)."};
  it->second.current = it->second.slots[index];
  return info(chats_.at(it->second.current));
}

result<chat_closed> support_desk::end_chat_by_customer(std::int64_t customer_id, std::int64_t now) {
  if (!chats_.contains(customer_id))
    return failure{errc::not_in_chat, "No está conversando con un ejecutivo."};
  return close_chat(customer_id, now);
}

result<chat_closed> support_desk::end_chat_by_executive(std::int64_t executive_id,
                                                        std::int64_t now) {
  const chat* c = current_of(executive_id);
  if (!c)
    return no_current_chat(executive_id);
  return close_chat(c->customer_id, now);
}

customer_departure support_desk::customer_gone(std::int64_t customer_id, std::int64_t now) {
  customer_departure out;
  if (chats_.contains(customer_id)) {
    out.was = support_state::chat;
    out.chat = close_chat(customer_id, now);
    return out;
  }
  if (auto moved = leave(customer_id)) {
    out.was = support_state::queue;
    out.moved = std::move(*moved);
  }
  return out;
}

std::vector<requeued> support_desk::executive_gone(std::int64_t executive_id, std::int64_t now) {
  executives_.erase(executive_id);
  std::vector<requeued> out;
  auto open = chats_of(executive_id);
  // The one who first joined the queue goes back last, so it ends up at the head.
  std::sort(open.begin(), open.end(), [this](const chat_info& a, const chat_info& b) {
    return chats_.at(a.customer_id).queued_at > chats_.at(b.customer_id).queued_at;
  });
  for (const auto& c : open) {
    seats_.at(executive_id).current = c.customer_id;
    out.push_back(*requeue(executive_id, now));
  }
  return out;
}

result<requeued> support_desk::requeue(std::int64_t executive_id, std::int64_t now) {
  const chat* c = current_of(executive_id);
  if (!c)
    return no_current_chat(executive_id);
  const std::int64_t queued_at = std::min(c->queued_at, now);
  chat_closed closed = close_chat(c->customer_id, now);
  queue_.push_front({closed.customer_id, queued_at, now});
  requeued out;
  out.customer_id = closed.customer_id;
  out.executive_id = executive_id;
  out.chat_id = closed.chat_id;
  out.slot = closed.slot;
  out.position = 1;
  out.cancelled_offer = std::move(closed.cancelled_offer);
  out.moved = positions_from(1);
  return out;
}

result<transferred> support_desk::transfer(std::int64_t from_executive, std::int64_t to_executive,
                                           std::int64_t now) {
  chat* c = current_of(from_executive);
  if (!c)
    return no_current_chat(from_executive);
  if (to_executive == from_executive)
    return failure{errc::invalid_field, "No puede transferirse la conversación a sí mismo."};
  if (!executives_.contains(to_executive))
    return failure{errc::not_found, "Ese ejecutivo no está conectado."};
  if (!is_available(to_executive))
    return failure{errc::invalid_state, "Ese ejecutivo está ausente."};
  if (!has_free_slot(to_executive))
    return failure{errc::invalid_state,
                   max_chats_ == 1 ? "Ese ejecutivo está en otra conversación."
                                   : "Ese ejecutivo no tiene cupo para otra conversación."};
  transferred out;
  out.customer_id = c->customer_id;
  out.from_executive = from_executive;
  out.to_executive = to_executive;
  out.chat_id = c->id;
  out.from_slot = c->slot;
  out.chat_started_at = c->started_at;
  out.cancelled_offer = std::move(c->open_offer);
  c->open_offer.reset();
  c->last_activity = now;
  unseat_chat(*c);
  if (auto e = executives_.find(from_executive); e != executives_.end())
    e->second.idle_since = now;
  seat_chat(*c, to_executive, false, now);
  out.to_slot = c->slot;
  out.current = seats_.at(to_executive).current == c->customer_id;
  return out;
}

void support_desk::chat_line(std::int64_t customer_id, std::int64_t now) {
  if (auto it = chats_.find(customer_id); it != chats_.end())
    it->second.last_activity = std::max(it->second.last_activity, now);
}

}  // namespace tcs::services
