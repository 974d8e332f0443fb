// The support desk: the FIFO queue of customers waiting for an executive, the open chats
// (up to `max_chats` customers per executive) and the offers (`:buy`) made in them. Sans-io:
// no sockets, no SQL, no clock of its own.
//
// Contract:
// - Every method applies its whole change before returning and returns a *decision*: who must
//   be told what. Callers turn decisions into messages after the desk is already consistent,
//   so telling someone (which may tear that someone down and call back into the desk) never
//   sees a half-applied change.
// - A customer is in at most one place: the menu (unknown to the desk), the queue, or one
//   chat. Positions are 1-based (1 = next to be served).
// - Slots: an executive has `max_chats` slots (1 by default: one chat at a time). A chat takes
//   the lowest free slot and keeps its number (1-based, what `:chats` and `:cambiar N` show)
//   until it ends; its `chat_id` is unique for the life of the desk and kept by a transfer.
// - The current chat: the one of an executive's chats that its lines, offers and chat
//   commands act on (current_chat()). `:connect` makes the chat it opens current; a chat given
//   by assign_next() or transfer() becomes current only when it is the executive's only one;
//   switch_to() picks another. When the current chat ends the executive has none until it
//   picks one (never silently another customer's); with one slot this is the seed's "the chat".
// - Expected refusals are `result` failures with Spanish messages: invalid_state (already
//   queued, not queued, queue empty, no free slot, away, an offer already open), not_in_chat
//   (no current chat), not_found (an offer that is not open or not the caller's, an empty
//   slot), invalid_field (a slot number out of 1..max_chats). Nothing changes on a failure.
// - Offers live only as long as their chat: at most one open offer per chat; ending the chat
//   for any reason cancels it, and the decision carries the cancelled offer.
// - Executives are known from executive_arrived() (login) to executive_gone(); they are
//   available on arrival. An away executive keeps its chats but cannot :connect and is not
//   counted in the estimate's slots; an executive the desk does not know counts as available.
// - Chat lengths and waits go into wait_stats when a chat ends and when a customer is served;
//   estimates are computed when asked (from the queue and the free slots as they are then).
// - transfer() moves the current chat to another available executive with a free slot (the
//   chat goes on: same start and id, its open offer cancelled); requeue() puts the current
//   chat's customer back at the head of the queue; executive_gone() does so with all its chats
//   (the longest waiting first), the executive forgotten.
// - Time limits (expire()): a customer queued (since its last join or requeue) for
//   `max_queue_wait_s` or more leaves the queue; a chat with no line (chat_line()) since
//   `chat_idle_s` is closed. 0 turns a limit off. The desk applies them only when asked.
#pragma once

#include "common/protocol/errc.hpp"
#include "server/services/wait_stats.hpp"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tcs::services {

enum class support_state : std::uint8_t { menu, queue, chat };

// `--max-chats-per-executive`: the most slots an executive may have. One digit keeps `:cambiar
// N` a single keystroke, and past a handful of conversations an executive's answers slow down
// for every customer (live-chat products default to a few); it also bounds each executive's
// share of the fan-outs.
inline constexpr std::size_t max_chats_limit = 9;

// One open chat as its executive sees it (`:chats`).
struct chat_info {
  std::int64_t chat_id = 0;
  std::size_t slot = 0;  // 1..max_chats
  std::int64_t customer_id = 0;
  std::int64_t executive_id = 0;
  std::int64_t started_at = 0;
  std::int64_t last_activity = 0;  // its start, its last line or its transfer
  bool current = false;
};

struct queue_entry {
  std::int64_t customer_id = 0;
  std::int64_t joined_at = 0;  // Unix seconds; kept when put back at the head (waiting_s)
  std::int64_t since = 0;      // this wait's start (join or requeue): the queue-wait limit
};

// A customer's new place in the queue.
struct position_change {
  std::int64_t customer_id = 0;
  std::size_t position = 0;
};

struct offer {
  std::int64_t id = 0;  // unique for the life of the desk, never reused
  std::int64_t customer_id = 0;
  std::int64_t executive_id = 0;
  std::string card;
  std::int64_t price = 0;  // whole pesos
  std::int64_t created_at = 0;
};

struct queue_joined {
  std::size_t position = 0;
  std::size_t waiting = 0;  // customers in the queue, this one included
};

// `:connect`: the longest-waiting customer now chats with the executive; the rest moved up.
struct paired {
  std::int64_t customer_id = 0;
  std::int64_t executive_id = 0;
  std::int64_t chat_id = 0;
  std::size_t slot = 0;
  bool current = true;  // the executive's lines now go to this chat
  std::int64_t waited_s = 0;
  std::vector<position_change> moved;
};

// A chat that ended (by either side, or because the customer left).
struct chat_closed {
  std::int64_t customer_id = 0;
  std::int64_t executive_id = 0;
  std::int64_t chat_id = 0;
  std::size_t slot = 0;
  bool was_current = false;
  std::optional<offer> cancelled_offer;
};

// What a customer's departure (logout or dropped connection) changes.
struct customer_departure {
  support_state was = support_state::menu;
  std::vector<position_change> moved;  // was == queue: the customers behind it moved up
  std::optional<chat_closed> chat;     // was == chat: the executive to tell
};

// An executive left mid-chat: its customer goes back to the head of the queue.
struct requeued {
  std::int64_t customer_id = 0;
  std::int64_t executive_id = 0;
  std::int64_t chat_id = 0;
  std::size_t slot = 0;
  std::size_t position = 1;
  std::optional<offer> cancelled_offer;
  std::vector<position_change> moved;  // everyone who was queued moved down by one
};

// `:transferir`: the chat moved from one executive to another.
struct transferred {
  std::int64_t customer_id = 0;
  std::int64_t from_executive = 0;
  std::int64_t to_executive = 0;
  std::int64_t chat_id = 0;
  std::size_t from_slot = 0;
  std::size_t to_slot = 0;
  bool current = true;               // the new executive's lines now go to this chat
  std::int64_t chat_started_at = 0;  // the conversation so far starts here
  std::optional<offer> cancelled_offer;
};

// What expire() ended: customers taken out of the queue and chats closed for being idle.
struct expired {
  std::vector<queue_entry> timed_out;  // in queue order
  std::vector<position_change> moved;  // those left in the queue, when any moved up
  std::vector<chat_closed> idle_chats;
  bool empty() const { return timed_out.empty() && idle_chats.empty(); }
};

class support_desk {
 public:
  // `max_chats`: each executive's slots, 1..max_chats_limit (clamped).
  explicit support_desk(std::size_t max_chats = 1);
  std::size_t max_chats() const noexcept { return max_chats_; }

  // --- Queries -------------------------------------------------------------------------------
  support_state state_of(std::int64_t customer_id) const;
  std::optional<std::size_t> position_of(std::int64_t customer_id) const;
  const std::deque<queue_entry>& queue() const noexcept { return queue_; }
  std::size_t waiting() const noexcept { return queue_.size(); }
  std::optional<std::int64_t> executive_of(std::int64_t customer_id) const;
  // The customer of the executive's current chat.
  std::optional<std::int64_t> customer_of(std::int64_t executive_id) const;
  // The executive's current chat; nullopt when it has none (no chat, or none picked).
  std::optional<chat_info> current_chat(std::int64_t executive_id) const;
  // The customer's chat, if it is in one.
  std::optional<chat_info> chat_of(std::int64_t customer_id) const;
  // The executive's open chats, by slot.
  std::vector<chat_info> chats_of(std::int64_t executive_id) const;
  std::size_t open_chats(std::int64_t executive_id) const;
  // No open chat at all.
  bool is_free(std::int64_t executive_id) const { return open_chats(executive_id) == 0; }
  bool has_free_slot(std::int64_t executive_id) const {
    return open_chats(executive_id) < max_chats_;
  }
  std::size_t chats() const noexcept { return chats_.size(); }
  // The current chat's open offer, if any.
  const offer* open_offer(std::int64_t executive_id) const;
  bool is_available(std::int64_t executive_id) const;
  // Available with a free slot: the executive a waiting customer is offered to.
  bool offered(std::int64_t executive_id) const {
    return is_available(executive_id) && has_free_slot(executive_id);
  }
  std::size_t available_executives() const;
  // The estimated wait of a queued customer (wait_stats.hpp); nullopt if not queued or if no
  // executive is available.
  std::optional<std::int64_t> eta_s(std::int64_t customer_id) const;
  std::optional<std::int64_t> average_wait_s(std::int64_t now) const {
    return stats_.average_wait_s(now);
  }

  // --- Executives ----------------------------------------------------------------------------
  // A logged-in executive, available.
  void executive_arrived(std::int64_t executive_id, std::int64_t now);
  // `:ausente` / `:disponible`. True if that changed its availability (false: it already was).
  bool set_available(std::int64_t executive_id, bool available, std::int64_t now);
  // `--assignment auto`: the longest-waiting customer to the available executive with a free
  // slot that has the fewest open chats, then the one idle longest (unchanged since its
  // arrival, its last chat's start or end, or its return from away; ties: the lowest id).
  // nullopt when the queue is empty or no such executive is known.
  std::optional<paired> assign_next(std::int64_t now);

  // --- Queue ---------------------------------------------------------------------------------
  // Appends the customer to the queue. invalid_state if already queued or in a chat.
  result<queue_joined> join(std::int64_t customer_id, std::int64_t now);
  // Removes a queued customer; the decision lists those behind it (their new positions).
  // invalid_state if the customer is not queued.
  result<std::vector<position_change>> leave(std::int64_t customer_id);

  // --- Chats ---------------------------------------------------------------------------------
  // Gives the executive the longest-waiting customer in its lowest free slot, as its current
  // chat. invalid_state if it has no free slot or is away, or the queue is empty.
  result<paired> connect(std::int64_t executive_id, std::int64_t now);
  // `:cambiar N`: the chat in slot `slot` becomes the executive's current one. invalid_field
  // if `slot` is not in 1..max_chats, not_found if that slot has no chat.
  result<chat_info> switch_to(std::int64_t executive_id, std::int64_t slot);
  // Either side ends its chat normally (the executive: its current chat). not_in_chat if the
  // caller has none. The customer goes back to the menu (not to the queue); the slot is free.
  result<chat_closed> end_chat_by_customer(std::int64_t customer_id, std::int64_t now);
  result<chat_closed> end_chat_by_executive(std::int64_t executive_id, std::int64_t now);

  // `:transferir`: the executive's current chat goes to `to_executive`'s lowest free slot.
  // not_in_chat if `from` has no current chat; invalid_field if `to` is `from`; not_found if
  // `to` is not a known (logged-in) executive; invalid_state if it is away or has no free slot.
  result<transferred> transfer(std::int64_t from_executive, std::int64_t to_executive,
                               std::int64_t now);
  // `:devolver`: the current chat's customer goes back to the head of the queue (keeping the
  // time it first joined); its slot is free. not_in_chat without a current chat.
  result<requeued> requeue(std::int64_t executive_id, std::int64_t now);
  // A line was said in the customer's chat (the idle limit counts from the last one).
  void chat_line(std::int64_t customer_id, std::int64_t now);
  // Applies the time limits at `now` (0: that limit is off).
  expired expire(std::int64_t now, std::int64_t max_queue_wait_s, std::int64_t chat_idle_s);

  // --- Departures (never fail; nothing to do is a valid answer) ------------------------------
  customer_departure customer_gone(std::int64_t customer_id, std::int64_t now);
  // The executive is forgotten. Its customers, if any, are put back at the head of the queue
  // with the time each first joined (their waiting time goes on, it does not restart), the
  // longest waiting first; one decision per chat, in the order they were put back.
  std::vector<requeued> executive_gone(std::int64_t executive_id, std::int64_t now);

  // --- Offers --------------------------------------------------------------------------------
  // Opens an offer in the executive's current chat. not_in_chat without one; invalid_state if
  // the chat already has an open offer. `card` and `price` are taken as given (validate first).
  result<offer> create_offer(std::int64_t executive_id, std::string card, std::int64_t price,
                             std::int64_t now);
  // The open offer `offer_id` if `customer_id` may answer it (it is that customer's chat);
  // not_found otherwise, so an offer of someone else's chat looks like one that does not exist.
  // Changes nothing: the caller records the answer, then calls close_offer().
  result<offer> offer_to_answer(std::int64_t customer_id, std::int64_t offer_id) const;
  // Closes the open offer `offer_id` (answered). False if it is not open.
  bool close_offer(std::int64_t offer_id);

  // For tests: every invariant of the contract above holds.
  bool invariants_hold() const;

 private:
  struct chat {
    std::int64_t id = 0;
    std::int64_t customer_id = 0;
    std::int64_t executive_id = 0;
    std::size_t slot = 0;
    std::int64_t started_at = 0;
    std::int64_t queued_at = 0;  // when the customer joined the queue (kept if requeued)
    std::optional<offer> open_offer;
    std::int64_t last_activity = 0;  // the chat's start, its last line or its transfer
  };
  // An executive's slots while it has a chat: the customer in each (0: free), and the customer
  // of the current chat (0: none).
  struct seat {
    std::vector<std::int64_t> slots;
    std::int64_t current = 0;
  };
  struct executive_state {
    bool available = true;
    std::int64_t idle_since = 0;
  };

  std::deque<queue_entry>::const_iterator find_queued(std::int64_t customer_id) const;
  // Positions of the entries from index `from` on, after a change in front of them.
  std::vector<position_change> positions_from(std::size_t from) const;
  chat_info info(const chat& c) const;
  // The executive's current chat, or null; the failure says why there is none.
  chat* current_of(std::int64_t executive_id);
  failure no_current_chat(std::int64_t executive_id) const;
  // Puts the chat in the executive's lowest free slot (there must be one); `make_current`, or
  // being its only chat, makes it the current one.
  void seat_chat(chat& c, std::int64_t executive_id, bool make_current, std::int64_t now);
  // Takes the chat out of its executive's slot (the chat stays in chats_).
  void unseat_chat(const chat& c);
  chat_closed close_chat(std::int64_t customer_id, std::int64_t now);
  // The head of the queue into the executive's lowest free slot (both checked by the caller).
  paired serve_next(std::int64_t executive_id, std::int64_t now, bool make_current);

  std::size_t max_chats_ = 1;
  std::deque<queue_entry> queue_;                 // front = longest waiting
  std::unordered_map<std::int64_t, chat> chats_;  // by customer id
  std::unordered_map<std::int64_t, seat> seats_;  // by executive id, while it has a chat
  std::unordered_map<std::int64_t, executive_state> executives_;  // the known executives
  wait_stats stats_;
  std::int64_t next_offer_id_ = 1;
  std::int64_t next_chat_id_ = 1;
};

}  // namespace tcs::services
