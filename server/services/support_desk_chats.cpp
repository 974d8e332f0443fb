// The support desk's chats in their slots, their offers, the time limits and the invariants
// (support_desk.hpp).
#include "server/services/support_desk.hpp"

#include <algorithm>
#include <tuple>
#include <unordered_set>
#include <utility>

namespace tcs::services {

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
    std::vector<std::tuple<std::int64_t, std::size_t, std::int64_t>> idle;  // executive, slot
    for (const auto& [customer_id, c] : chats_) {
      if (now - c.last_activity >= chat_idle_s)
        idle.emplace_back(c.executive_id, c.slot, customer_id);
    }
    std::sort(idle.begin(), idle.end());  // a stable order for the messages
    for (const auto& [executive_id, slot, customer_id] : idle)
      out.idle_chats.push_back(close_chat(customer_id, now));
  }
  return out;
}

result<offer> support_desk::create_offer(std::int64_t executive_id, std::string card,
                                         std::int64_t price, std::int64_t now) {
  chat* c = current_of(executive_id);
  if (!c)
    return no_current_chat(executive_id);
  if (c->open_offer)
    return failure{errc::invalid_state, "Ya hay una oferta esperando la respuesta del cliente (#" +
                                            std::to_string(c->open_offer->id) + ")."};
  c->open_offer =
      offer{next_offer_id_++, c->customer_id, executive_id, std::move(card), price, now};
  return *c->open_offer;
}

result<offer> support_desk::offer_to_answer(std::int64_t customer_id, std::int64_t offer_id) const {
  const failure unknown{errc::not_found, "La oferta no existe o ya no está vigente."};
  auto it = chats_.find(customer_id);
  if (it == chats_.end())
    return unknown;
  const auto& open = it->second.open_offer;
  if (!open || open->id != offer_id || open->customer_id != customer_id)
    return unknown;
  return *open;
}

bool support_desk::close_offer(std::int64_t offer_id) {
  for (auto& [customer_id, c] : chats_) {
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
    if (chats_.contains(e.customer_id))
      return false;  // queued and chatting
  }
  std::size_t seated = 0;
  for (const auto& [executive_id, s] : seats_) {
    if (s.slots.size() != max_chats_ ||
        std::all_of(s.slots.begin(), s.slots.end(), [](std::int64_t c) { return c == 0; }))
      return false;  // a seat is kept only while it has a chat
    if (s.current != 0 && std::find(s.slots.begin(), s.slots.end(), s.current) == s.slots.end())
      return false;  // the current chat is one of the executive's
    for (std::size_t i = 0; i < s.slots.size(); ++i) {
      if (s.slots[i] == 0)
        continue;
      ++seated;
      auto it = chats_.find(s.slots[i]);
      if (it == chats_.end() || it->second.executive_id != executive_id || it->second.slot != i + 1)
        return false;
    }
  }
  if (seated != chats_.size())
    return false;  // a chat in no slot, or in two
  for (const auto& [customer_id, c] : chats_) {
    if (c.customer_id != customer_id || c.id <= 0 || c.id >= next_chat_id_)
      return false;
    if (c.open_offer &&
        (c.open_offer->customer_id != customer_id || c.open_offer->executive_id != c.executive_id ||
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

chat_info support_desk::info(const chat& c) const {
  auto seat = seats_.find(c.executive_id);
  const bool current = seat != seats_.end() && seat->second.current == c.customer_id;
  return chat_info{c.id,         c.slot,          c.customer_id, c.executive_id,
                   c.started_at, c.last_activity, current};
}

support_desk::chat* support_desk::current_of(std::int64_t executive_id) {
  auto customer = customer_of(executive_id);
  return customer ? &chats_.at(*customer) : nullptr;
}

failure support_desk::no_current_chat(std::int64_t executive_id) const {
  if (open_chats(executive_id) > 0)
    return failure{errc::not_in_chat,
                   "No tiene una conversación elegida: use :cambiar N (:chats lista las "
                   "abiertas)."};
  return failure{errc::not_in_chat, "No está conversando con ningún cliente."};
}

void support_desk::seat_chat(chat& c, std::int64_t executive_id, bool make_current,
                             std::int64_t now) {
  seat& s = seats_[executive_id];
  if (s.slots.empty())
    s.slots.assign(max_chats_, 0);
  const auto free = std::find(s.slots.begin(), s.slots.end(), 0);
  *free = c.customer_id;
  c.executive_id = executive_id;
  c.slot = static_cast<std::size_t>(free - s.slots.begin()) + 1;
  const bool only =
      std::count(s.slots.begin(), s.slots.end(), 0) == static_cast<std::ptrdiff_t>(max_chats_ - 1);
  if (make_current || only)
    s.current = c.customer_id;
  if (auto e = executives_.find(executive_id); e != executives_.end())
    e->second.idle_since = now;
}

void support_desk::unseat_chat(const chat& c) {
  auto it = seats_.find(c.executive_id);
  if (it == seats_.end())
    return;
  seat& s = it->second;
  s.slots[c.slot - 1] = 0;
  if (s.current == c.customer_id)
    s.current = 0;
  if (std::all_of(s.slots.begin(), s.slots.end(), [](std::int64_t id) { return id == 0; }))
    seats_.erase(it);
}

chat_closed support_desk::close_chat(std::int64_t customer_id, std::int64_t now) {
  auto it = chats_.find(customer_id);
  chat& c = it->second;
  stats_.chat_ended(now - c.started_at);
  if (auto e = executives_.find(c.executive_id); e != executives_.end())
    e->second.idle_since = now;
  chat_closed out;
  out.customer_id = customer_id;
  out.executive_id = c.executive_id;
  out.chat_id = c.id;
  out.slot = c.slot;
  out.was_current = customer_of(c.executive_id) == customer_id;
  out.cancelled_offer = std::move(c.open_offer);
  unseat_chat(c);
  chats_.erase(it);
  return out;
}

}  // namespace tcs::services
