// The chat between a customer and an executive as stored: a line sent (checked, then appended
// to the transcript) and the transcript read back. Sans-io. Who talks to whom is the support
// desk's business (support_desk.hpp); this service only keeps what was said.
//
// Contract: send() refuses an empty line or one over max_chat_text_bytes (invalid_field) and
// otherwise appends it as a deferred write (batched under group commit: a killed server may
// lose the lines of its last moment, never an operation).
#pragma once

#include "common/protocol/errc.hpp"
#include "server/store/activity_repository.hpp"
#include "server/store/database.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace tcs::services {

// A chat line: long enough for any message typed at a terminal, short enough that a relayed
// line (even with every byte escaped by JSON) stays far below max_frame_bytes.
inline constexpr std::size_t max_chat_text_bytes = 2000;

using chat_line = store::chat_message_record;

class chat_service {
 public:
  explicit chat_service(store::database& db) : chat_(db) {}

  // Stores one line of the chat between the two accounts, sent at `at` by the customer or by
  // the executive.
  result<void> send(std::int64_t customer_id, std::int64_t executive_id, bool from_customer,
                    std::string_view text, std::int64_t at);

  // The customer's transcript, oldest first; the newest `limit` lines if given.
  std::vector<chat_line> transcript(std::int64_t customer_id,
                                    std::optional<std::int64_t> limit = std::nullopt);

 private:
  store::chat_repository chat_;
};

}  // namespace tcs::services
