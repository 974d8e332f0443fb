// The support queue, the chats and their offers.
#include "server/services/support_desk.hpp"

#include <algorithm>
#include <iterator>
#include <unordered_set>
#include <utility>

namespace tcs::services {

support_state support_desk::state_of(std::int64_t customer_id) const {
  if (chatting_.contains(customer_id))
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
  auto it = chatting_.find(customer_id);
  if (it == chatting_.end())
    return std::nullopt;
  return it->second;
}

std::optional<std::int64_t> support_desk::customer_of(std::int64_t executive_id) const {
  auto it = chats_.find(executive_id);
  if (it == chats_.end())
    return std::nullopt;
  return it->second.customer_id;
}

const offer* support_desk::open_offer(std::int64_t executive_id) const {
  auto it = chats_.find(executive_id);
  if (it == chats_.end() || !it->second.open_offer)
    return nullptr;
  return &*it->second.open_offer;
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
    ++slots;
    if (is_free(executive_id))
      ++free;
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
  std::int64_t best_idle = 0;
  for (const auto& [executive_id, e] : executives_) {
    if (!e.available || !is_free(executive_id))
      continue;
    if (!best || e.idle_since < best_idle || (e.idle_since == best_idle && executive_id < *best)) {
      best = executive_id;
      best_idle = e.idle_since;
    }
  }
  if (!best)
    return std::nullopt;
  auto pair = connect(*best, now);
  if (!pair)
    return std::nullopt;
  return std::move(*pair);
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
  if (chats_.contains(executive_id))
    return failure{errc::invalid_state,
                   "Ya está conversando con un cliente: termine esa conversación primero."};
  if (!is_available(executive_id))
    return failure{errc::invalid_state,
                   "Está ausente: use :disponible para volver a atender clientes."};
  if (queue_.empty())
    return failure{errc::invalid_state, "No hay clientes esperando."};
  const queue_entry next = queue_.front();
  queue_.pop_front();
  stats_.customer_served(now - next.joined_at, now);
  chats_.emplace(executive_id, chat{next.customer_id, now, next.joined_at, std::nullopt, now});
  chatting_.emplace(next.customer_id, executive_id);
  return paired{next.customer_id, executive_id, std::max<std::int64_t>(0, now - next.joined_at),
                positions_from(0)};
}

result<chat_closed> support_desk::end_chat_by_customer(std::int64_t customer_id, std::int64_t now) {
  auto it = chatting_.find(customer_id);
  if (it == chatting_.end())
    return failure{errc::not_in_chat, "No está conversando con un ejecutivo."};
  return close_chat(it->second, now);
}

result<chat_closed> support_desk::end_chat_by_executive(std::int64_t executive_id,
                                                        std::int64_t now) {
  if (!chats_.contains(executive_id))
    return failure{errc::not_in_chat, "No está conversando con ningún cliente."};
  return close_chat(executive_id, now);
}

customer_departure support_desk::customer_gone(std::int64_t customer_id, std::int64_t now) {
  customer_departure out;
  if (auto it = chatting_.find(customer_id); it != chatting_.end()) {
    out.was = support_state::chat;
    out.chat = close_chat(it->second, now);
    return out;
  }
  if (auto moved = leave(customer_id)) {
    out.was = support_state::queue;
    out.moved = std::move(*moved);
  }
  return out;
}

std::optional<requeued> support_desk::executive_gone(std::int64_t executive_id, std::int64_t now) {
  executives_.erase(executive_id);
  auto back = requeue(executive_id, now);
  if (!back)
    return std::nullopt;
  return std::move(*back);
}

result<requeued> support_desk::requeue(std::int64_t executive_id, std::int64_t now) {
  auto it = chats_.find(executive_id);
  if (it == chats_.end())
    return failure{errc::not_in_chat, "No está conversando con ningún cliente."};
  const std::int64_t queued_at = std::min(it->second.queued_at, now);
  chat_closed closed = close_chat(executive_id, now);
  queue_.push_front({closed.customer_id, queued_at, now});
  requeued out;
  out.customer_id = closed.customer_id;
  out.executive_id = executive_id;
  out.position = 1;
  out.cancelled_offer = std::move(closed.cancelled_offer);
  out.moved = positions_from(1);
  return out;
}

result<transferred> support_desk::transfer(std::int64_t from_executive, std::int64_t to_executive,
                                           std::int64_t now) {
  auto it = chats_.find(from_executive);
  if (it == chats_.end())
    return failure{errc::not_in_chat, "No está conversando con ningún cliente."};
  if (to_executive == from_executive)
    return failure{errc::invalid_field, "No puede transferirse la conversación a sí mismo."};
  if (!executives_.contains(to_executive))
    return failure{errc::not_found, "Ese ejecutivo no está conectado."};
  if (!is_available(to_executive))
    return failure{errc::invalid_state, "Ese ejecutivo está ausente."};
  if (!is_free(to_executive))
    return failure{errc::invalid_state, "Ese ejecutivo está en otra conversación."};
  chat moved = std::move(it->second);
  chats_.erase(it);
  transferred out{moved.customer_id, from_executive, to_executive, moved.started_at,
                  std::move(moved.open_offer)};
  moved.open_offer.reset();
  moved.last_activity = now;
  chats_.emplace(to_executive, std::move(moved));
  chatting_[out.customer_id] = to_executive;
  if (auto e = executives_.find(from_executive); e != executives_.end())
    e->second.idle_since = now;
  return out;
}

void support_desk::chat_activity(std::int64_t executive_id, std::int64_t now) {
  if (auto it = chats_.find(executive_id); it != chats_.end())
    it->second.last_activity = std::max(it->second.last_activity, now);
}

expired support_desk::expire(std::int64_t now, std::int64_t max_queue_wait_s,
                             std::int64_t chat_idle_s) {
  expired out;
  if (max_queue_wait_s > 0) {
    std::size_t first_gone = queue_.size();
    for (std::size_t i = 0; i < queue_.size();) {
      if (now - queue_[i].since >= max_queue_wait_s) {
        first_gone = std::min(first_gone, i);
        out.timed_out.push_back(queue_[i]);
        queue_.erase(queue_.begin() + static_cast<std::ptrdiff_t>(i));
      } else {
        ++i;
      }
    }
    if (!out.timed_out.empty())
      out.moved = positions_from(first_gone);
  }
  if (chat_idle_s > 0) {
    std::vector<std::int64_t> idle;
    for (const auto& [executive_id, c] : chats_) {
      if (now - c.last_activity >= chat_idle_s)
        idle.push_back(executive_id);
    }
    std::sort(idle.begin(), idle.end());  // a stable order for the messages
    for (auto executive_id : idle)
      out.idle_chats.push_back(close_chat(executive_id, now));
  }
  return out;
}

result<offer> support_desk::create_offer(std::int64_t executive_id, std::string card,
                                         std::int64_t price, std::int64_t now) {
  auto it = chats_.find(executive_id);
  if (it == chats_.end())
    return failure{errc::not_in_chat, "No está conversando con ningún cliente."};
  if (it->second.open_offer)
    return failure{errc::invalid_state, "Ya hay una oferta esperando la respuesta del cliente (#" +
                                            std::to_string(it->second.open_offer->id) + ")."};
  it->second.open_offer =
      offer{next_offer_id_++, it->second.customer_id, executive_id, std::move(card), price, now};
  return *it->second.open_offer;
}

result<offer> support_desk::offer_to_answer(std::int64_t customer_id, std::int64_t offer_id) const {
  const failure unknown{errc::not_found, "La oferta no existe o ya no está vigente."};
  auto executive = executive_of(customer_id);
  if (!executive)
    return unknown;
  const offer* open = open_offer(*executive);
  if (!open || open->id != offer_id || open->customer_id != customer_id)
    return unknown;
  return *open;
}

bool support_desk::close_offer(std::int64_t offer_id) {
  for (auto& [executive_id, c] : chats_) {
    if (c.open_offer && c.open_offer->id == offer_id) {
      c.open_offer.reset();
      return true;
    }
  }
  return false;
}

bool support_desk::invariants_hold() const {
  std::unordered_set<std::int64_t> queued;
  for (const auto& e : queue_) {
    if (!queued.insert(e.customer_id).second)
      return false;  // queued twice
    if (chatting_.contains(e.customer_id))
      return false;  // queued and chatting
  }
  if (chats_.size() != chatting_.size())
    return false;  // a customer in two chats, or a chat without its reverse entry
  for (const auto& [executive_id, c] : chats_) {
    auto it = chatting_.find(c.customer_id);
    if (it == chatting_.end() || it->second != executive_id)
      return false;
    if (c.open_offer &&
        (c.open_offer->customer_id != c.customer_id || c.open_offer->executive_id != executive_id ||
         c.open_offer->id >= next_offer_id_))
      return false;
  }
  return true;
}

std::deque<queue_entry>::const_iterator support_desk::find_queued(std::int64_t customer_id) const {
  return std::find_if(queue_.begin(), queue_.end(),
                      [customer_id](const queue_entry& e) { return e.customer_id == customer_id; });
}

std::vector<position_change> support_desk::positions_from(std::size_t from) const {
  std::vector<position_change> out;
  for (std::size_t i = from; i < queue_.size(); ++i)
    out.push_back({queue_[i].customer_id, i + 1});
  return out;
}

chat_closed support_desk::close_chat(std::int64_t executive_id, std::int64_t now) {
  auto it = chats_.find(executive_id);
  stats_.chat_ended(now - it->second.started_at);
  if (auto e = executives_.find(executive_id); e != executives_.end())
    e->second.idle_since = now;
  chat_closed out{it->second.customer_id, executive_id, std::move(it->second.open_offer)};
  chatting_.erase(it->second.customer_id);
  chats_.erase(it);
  return out;
}

}  // namespace tcs::services
