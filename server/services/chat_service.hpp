// The chat between a customer and an executive as stored: a line sent (checked, then appended
// to the transcript) and the transcript read back. Sans-io. Who talks to whom is the support
// desk's business (support_desk.hpp); this service only keeps what was said.
//
// Contract: send() refuses an empty line or one over max_chat_text_bytes (invalid_field) and
// otherwise appends it as a deferred write (batched under group commit: a killed server may
// lose the lines of its last moment, never an operation).
//
// Chats as records (issue 17): the dispatch layer says when a customer's chat starts, ends
// (with its outcome: a chat.ended reason) and changes hands; each executive's part is one
// record (store::chat_record), its lines tagged with it. A chat that ended with `survey` waits
// for the customer's rating (rate(): 1..5, 0 = skip, once; invalid_field for anything else,
// invalid_state when nothing waits). A customer reads only its own chats (not_found for
// another's id).
#pragma once

#include "common/protocol/errc.hpp"
#include "server/store/activity_repository.hpp"
#include "server/store/agent_repository.hpp"
#include "server/store/database.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tcs::services {

// A chat line: long enough for any message typed at a terminal, short enough that a relayed
// line (even with every byte escaped by JSON) stays far below max_frame_bytes.
inline constexpr std::size_t max_chat_text_bytes = 2000;
// The comment of a satisfaction survey.
inline constexpr std::size_t max_rating_comment_bytes = 500;

using chat_line = store::chat_message_record;

class chat_service {
 public:
  explicit chat_service(store::database& db) : chat_(db), chats_(db) {}

  // Stores one line of the chat between the two accounts, sent at `at` by the customer or by
  // the executive.
  result<void> send(std::int64_t customer_id, std::int64_t executive_id, bool from_customer,
                    std::string_view text, std::int64_t at);

  // The customer's transcript, oldest first; the newest `limit` lines if given.
  std::vector<chat_line> transcript(std::int64_t customer_id,
                                    std::optional<std::int64_t> limit = std::nullopt);

  // --- Chats as records ---
  void chat_started(std::int64_t customer_id, std::int64_t executive_id, std::int64_t queued_at,
                    std::int64_t now);
  // The customer's open chat ended; with `survey` the customer may rate it next.
  void chat_ended(std::int64_t customer_id, std::int64_t now, std::string_view outcome,
                  bool survey);
  // The chat goes on with `to_executive`: one record ends ("transferred"), the next starts.
  void chat_transferred(std::int64_t customer_id, std::int64_t to_executive, std::int64_t now);
  std::optional<std::int64_t> open_chat(std::int64_t customer_id) const;
  bool awaits_rating(std::int64_t customer_id) const { return to_rate_.contains(customer_id); }
  // The survey's answer for the customer's last chat (0: skipped). Returns the chat's id.
  result<std::int64_t> rate(std::int64_t customer_id, std::int64_t rating,
                            std::string_view comment);

  // The customer's chats, newest first (a page after the chat `after`), and one of them.
  std::vector<store::chat_record> chats(std::int64_t customer_id, std::optional<std::int64_t> after,
                                        std::int64_t limit);
  std::int64_t count_chats(std::int64_t customer_id);
  result<store::chat_record> chat(std::int64_t customer_id, std::int64_t chat_id);
  std::vector<chat_line> lines(const store::chat_record& chat, std::optional<std::int64_t> after,
                               std::int64_t limit);
  std::int64_t count_lines(const store::chat_record& chat);

 private:
  store::chat_repository chat_;
  store::conversation_repository chats_;
  struct open_record {
    std::int64_t id = 0;
    std::int64_t lines = 0;  // sent so far (the record's `lines` when it ends)
  };
  std::unordered_map<std::int64_t, open_record> open_;      // customer -> open chat record
  std::unordered_map<std::int64_t, std::int64_t> to_rate_;  // customer -> chat to rate
  std::int64_t next_chat_id_ = 0;                           // 0: read it from the store first
  std::int64_t new_chat_id();
};

}  // namespace tcs::services
