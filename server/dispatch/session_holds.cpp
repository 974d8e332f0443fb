// Held sessions and resume tokens (the bookkeeping; the decisions are session_resume.cpp's).
#include "server/dispatch/session_holds.hpp"

#include "common/protocol/limits.hpp"
#include "common/protocol/message.hpp"
#include "server/security/resume_tokens.hpp"

#include <algorithm>

namespace tcs {

namespace {

// The `type` of an encoded frame (length prefix + JSON object), or "" when unreadable.
std::string frame_type(const std::string& frame) {
  if (frame.size() <= frame_header_bytes)
    return {};
  auto message = parse_message(std::string_view(frame).substr(frame_header_bytes));
  if (!message)
    return {};
  auto type = get_string(*message, "type");
  return type ? std::string(*type) : std::string();
}

// Events whose newest copy says all (a place in the queue, a count of who waits).
bool replaces_previous(std::string_view type) {
  return type == "queue.position" || type == "queue.count";
}

}  // namespace

held_peer::held_peer(const peer& lost, std::int64_t until, std::size_t max_bytes)
    : until_(until), max_bytes_(max_bytes) {
  id = lost.id;
  remote_address = lost.remote_address;
  greeted = true;
  who = lost.who;
  account_id = lost.account_id;
  name = lost.name;
  email = lost.email;
}

void held_peer::deliver(std::shared_ptr<const std::string> frame) {
  if (!is_open() || !frame)
    return;
  std::string type = frame_type(*frame);
  if (replaces_previous(type)) {
    auto old = std::find_if(frames_.begin(), frames_.end(),
                            [&](const auto& kept) { return kept.first == type; });
    if (old != frames_.end()) {
      bytes_ -= old->second->size();
      frames_.erase(old);
    }
  }
  if (frames_.size() >= max_held_frames || bytes_ + frame->size() > max_bytes_) {
    overflowed_ = true;
    frames_.clear();
    bytes_ = 0;
    return;
  }
  bytes_ += frame->size();
  frames_.emplace_back(std::move(type), std::move(frame));
}

std::vector<std::shared_ptr<const std::string>> held_peer::take_frames() {
  std::vector<std::shared_ptr<const std::string>> out;
  out.reserve(frames_.size());
  for (auto& [type, frame] : frames_)
    out.push_back(std::move(frame));
  frames_.clear();
  bytes_ = 0;
  return out;
}

std::string session_holds::issue(account_key account) {
  revoke(account);
  std::string token = security::new_resume_token();
  std::string digest = security::resume_token_digest(token);
  by_digest_.emplace(digest, account);
  digest_of_.emplace(account, std::move(digest));
  return token;
}

std::optional<session_holds::account_key> session_holds::redeem(std::string_view token) {
  auto it = by_digest_.find(security::resume_token_digest(token));
  if (it == by_digest_.end())
    return std::nullopt;
  const account_key account = it->second;
  by_digest_.erase(it);
  digest_of_.erase(account);
  return account;
}

void session_holds::revoke(account_key account) {
  auto it = digest_of_.find(account);
  if (it == digest_of_.end())
    return;
  by_digest_.erase(it->second);
  digest_of_.erase(it);
}

std::shared_ptr<held_peer> session_holds::hold(const peer& lost, std::int64_t until,
                                               std::size_t max_bytes) {
  auto held = std::make_shared<held_peer>(lost, until, max_bytes);
  held_[account_key{lost.who, lost.account_id}] = held;
  return held;
}

std::shared_ptr<held_peer> session_holds::find(account_key account) const {
  auto it = held_.find(account);
  return it == held_.end() ? nullptr : it->second;
}

std::shared_ptr<held_peer> session_holds::release(account_key account) {
  auto it = held_.find(account);
  if (it == held_.end())
    return nullptr;
  auto held = std::move(it->second);
  held_.erase(it);
  return held;
}

std::vector<std::shared_ptr<held_peer>> session_holds::due(std::int64_t now) const {
  std::vector<std::shared_ptr<held_peer>> out;
  for (const auto& [account, held] : held_) {
    if (held->until() <= now || !held->is_open())
      out.push_back(held);
  }
  return out;
}

std::vector<std::shared_ptr<held_peer>> session_holds::all() const {
  std::vector<std::shared_ptr<held_peer>> out;
  for (const auto& [account, held] : held_)
    out.push_back(held);
  return out;
}

}  // namespace tcs
