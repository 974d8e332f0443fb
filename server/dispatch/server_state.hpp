// The registry of sessions: who is connected, who is logged in as which account, and who must
// be told when a logged-in peer leaves. It owns no database and no service: those are built by
// the composition root (main) and handed to the dispatcher. Non-owning (weak pointers), touched
// only on the loop thread.
//
// Contract:
// - join() on accept; leave() exactly once from the peer's teardown. leave() of a logged-in
//   peer calls the departure listeners (on_leave) while the peer still owns its account's
//   entry, then drops the entry.
// - log_in() marks a peer as logged in as an account; false if that account already has a
//   live session. It records nothing: the login command's audit does.
// - A logged-in peer that leaves is first offered to the loss listener (on_lost): when it
//   returns true the peer's place is held (session_holds.hpp; the listener re-pointed the
//   account's entry with take_over()) and the departure listeners are not called; they are
//   called when the held peer itself leaves.
#pragma once

#include "common/protocol/message.hpp"
#include "server/config.hpp"
#include "server/dispatch/peer.hpp"
#include "server/dispatch/session_holds.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tcs {

class server_state {
 public:
  explicit server_state(server_config config);

  const server_config& config() const noexcept { return config_; }

  // Connection registry. joined on accept, left exactly once from the peer's teardown.
  void join(const std::shared_ptr<peer>& p);
  void leave(peer& p);
  std::size_t connection_count() const noexcept { return peers_.size(); }

  // Called by leave() for every logged-in peer that leaves (logout, drop, shutdown), in the
  // order they were added.
  using departure_listener = std::function<void(const peer&)>;
  void on_leave(departure_listener listener) {
    departure_listeners_.push_back(std::move(listener));
  }

  // Called by leave() first for a logged-in peer; true: its session is held, not ended.
  using loss_listener = std::function<bool(peer&)>;
  void on_lost(loss_listener listener) { loss_listener_ = std::move(listener); }
  // Held sessions and resume tokens (dispatch/session_resume.hpp decides what they do).
  session_holds& holds() noexcept { return holds_; }
  const session_holds& holds() const noexcept { return holds_; }
  // Points the account's entry at `p` (logged in as that account) whoever held it: a held
  // session handed to its peer, or back to a resuming connection.
  void take_over(const std::shared_ptr<peer>& p, role r, std::int64_t account_id, std::string name,
                 std::string email);

  // Marks `p` as logged in as (role, account). False if that account already has a session.
  bool log_in(peer& p, role r, std::int64_t account_id, std::string name, std::string email);
  std::size_t customers_online() const noexcept { return customers_.size(); }
  std::size_t executives_online() const noexcept { return executives_.size(); }
  std::shared_ptr<peer> customer_peer(std::int64_t customer_id) const;
  std::shared_ptr<peer> executive_peer(std::int64_t executive_id) const;

  // A snapshot of the live peers, in connection order; safe to iterate while delivering.
  std::vector<std::shared_ptr<peer>> snapshot() const;

  // Encodes once and queues to one peer.
  static void send(peer& p, const json::object& message,
                   std::span<const encoded_member> extra = {});

  // Stop accepting is the listener's job; this tells every peer to read no more requests,
  // answer the one it is running, send the `shutdown` event and close after its queue drains.
  void shut_down(std::string_view reason);
  bool shutting_down() const noexcept { return shutting_down_; }
  // Runs `done` once no peer is left (at once if none is). For the end of a shutdown.
  void when_all_gone(std::function<void()> done);

 private:
  server_config config_;
  bool shutting_down_ = false;
  std::function<void()> all_gone_;
  std::vector<departure_listener> departure_listeners_;
  loss_listener loss_listener_;
  session_holds holds_;

  std::map<std::uint64_t, std::weak_ptr<peer>> peers_;                // by peer id
  std::unordered_map<std::int64_t, std::weak_ptr<peer>> customers_;   // by customers.id
  std::unordered_map<std::int64_t, std::weak_ptr<peer>> executives_;  // by executives.id
};

}  // namespace tcs
