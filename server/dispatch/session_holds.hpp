// Held sessions and resume tokens: what lets a customer or an executive whose connection was
// lost (not logged out) get its place in the queue or its chat back on a new connection.
// Sans-io and clock-free (times are arguments), owned by the registry of sessions
// (server_state::holds()); the decisions around it (who is told what, when a hold ends) are
// dispatch/session_resume.hpp's.
//
// Contract:
// - Tokens: issue() gives an account a fresh token and forgets its previous one; redeem()
//   takes a token out (single use) and says whose it was; revoke() forgets an account's
//   token (logout, the end of a hold). Only BLAKE2b digests are kept (security/resume_tokens),
//   never a token, and nothing here logs.
// - hold() keeps a lost peer's identity in a held_peer until `until` (Unix seconds): the
//   registry then points at it, so everything the server says to that account while it is
//   away is kept (held_peer::deliver) instead of sent. release() takes it out (resumed, or
//   ended); due() lists the holds to end at `now`: past their time, overflowed, or stopped.
// - A held_peer keeps at most max_held_frames frames and max_bytes bytes; `queue.position` and
//   `queue.count` replace their previous frame of the same type (only the newest counts).
//   Past either bound it keeps nothing more and is due: the hold ends as a disconnect, as a
//   live connection that stops reading is dropped (--max-outbound-bytes).
#pragma once

#include "server/dispatch/peer.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace tcs {

// Frames kept for a held peer. Why this many: a minute (the default grace) of a lively chat
// is a few dozen lines and events; 512 is far above that, and with the byte bound it caps what
// a peer that never comes back costs the server (as --max-outbound-bytes does for a live one).
inline constexpr std::size_t max_held_frames = 512;

// A customer's or executive's identity while its connection is lost: a peer without a
// connection that keeps what it is sent.
class held_peer final : public peer {
 public:
  held_peer(const peer& lost, std::int64_t until, std::size_t max_bytes);

  void deliver(std::shared_ptr<const std::string> frame) override;
  void close_after_flush() override { stopped_ = true; }
  void stop() override { stopped_ = true; }
  bool is_open() const override { return !stopped_ && !overflowed_; }
  bool hung_up() override { return true; }

  std::int64_t until() const noexcept { return until_; }
  bool overflowed() const noexcept { return overflowed_; }
  bool stopped() const noexcept { return stopped_; }
  std::size_t frames() const noexcept { return frames_.size(); }
  // The frames kept, oldest first; the peer keeps nothing after.
  std::vector<std::shared_ptr<const std::string>> take_frames();

  // An executive's availability when the hold began (restored on resume).
  bool was_available = true;

 private:
  std::int64_t until_;
  std::size_t max_bytes_;
  std::size_t bytes_ = 0;
  bool overflowed_ = false;
  bool stopped_ = false;
  std::vector<std::pair<std::string, std::shared_ptr<const std::string>>> frames_;  // type, frame
};

class session_holds {
 public:
  struct account_key {
    role who = role::guest;
    std::int64_t account_id = 0;
    auto operator<=>(const account_key&) const = default;
  };

  // --- Tokens --------------------------------------------------------------------------------
  std::string issue(account_key account);
  std::optional<account_key> redeem(std::string_view token);
  void revoke(account_key account);
  std::size_t tokens() const noexcept { return by_digest_.size(); }

  // --- Held peers ----------------------------------------------------------------------------
  std::shared_ptr<held_peer> hold(const peer& lost, std::int64_t until, std::size_t max_bytes);
  std::shared_ptr<held_peer> find(account_key account) const;
  std::shared_ptr<held_peer> release(account_key account);
  std::vector<std::shared_ptr<held_peer>> due(std::int64_t now) const;
  std::vector<std::shared_ptr<held_peer>> all() const;
  std::size_t held() const noexcept { return held_.size(); }

 private:
  std::unordered_map<std::string, account_key> by_digest_;
  std::map<account_key, std::string> digest_of_;
  std::map<account_key, std::shared_ptr<held_peer>> held_;
};

}  // namespace tcs
