// The agent tools of issue 17 that are not the chat itself: canned replies (named texts an
// executive sends with `:r NOMBRE`, "{nombre}" filled with the customer's first name) and
// internal notes on a customer (`:nota`, seen only by executives). Sans-io over the store.
//
// Contract:
// - A canned reply's name is 1..max_canned_name_bytes of ASCII letters, digits, '-' and '_',
//   matched without regard to case; its text 1..max_canned_text_bytes of UTF-8 without control
//   characters other than newlines and tabs. Refusals are invalid_field (a bad name or text)
//   or invalid_state (the name exists); fill() of an unknown name is not_found. Nothing
//   changes on a refusal.
// - A note is 1..max_note_bytes once trimmed of spaces (invalid_field otherwise), stored with
//   its author and time; notes are never shown to customers (the dispatch layer's rule).
#pragma once

#include "common/protocol/errc.hpp"
#include "server/store/agent_repository.hpp"
#include "server/store/database.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tcs::services {

inline constexpr std::size_t max_canned_name_bytes = 32;
inline constexpr std::size_t max_canned_text_bytes = 1000;
inline constexpr std::size_t max_note_bytes = 500;
// A typing notice goes to the other party at most once in this many milliseconds.
inline constexpr std::int64_t typing_interval_ms = 2000;
// The placeholder of a canned reply's text.
inline constexpr std::string_view first_name_placeholder = "{nombre}";

// `text` with every "{nombre}" replaced by `first_name`.
std::string fill_placeholders(std::string_view text, std::string_view first_name);

class agent_tools {
 public:
  explicit agent_tools(store::database& db) : db_(db) {}

  // --- canned replies ---
  result<void> add_canned(std::string_view name, std::string_view text, std::int64_t now);
  std::vector<store::canned_reply_record> canned();
  // The reply's text for this customer; not_found for an unknown name.
  result<std::string> fill_canned(std::string_view name, std::string_view first_name);
  // not_found for an unknown name.
  result<void> remove_canned(std::string_view name);

  // --- notes ---
  // The stored note (trimmed).
  result<store::note_record> add_note(std::int64_t customer_id, std::int64_t executive_id,
                                      std::string_view text, std::int64_t now);
  std::vector<store::note_record> notes(std::int64_t customer_id, std::optional<std::int64_t> after,
                                        std::int64_t limit);
  std::int64_t count_notes(std::int64_t customer_id);

  // --- typing ---
  // Whether a `chat.typing` of this account goes to the other party now: at most one every
  // typing_interval_s per account (never stored).
  bool typing_due(bool customer, std::int64_t account_id, std::int64_t now_ms);

 private:
  store::database& db_;
  std::unordered_map<std::int64_t, std::int64_t> typing_at_ms_;  // +id customers, -id executives
};

}  // namespace tcs::services
