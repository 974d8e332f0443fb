// The activity log (every customer request and executive action) and the chat transcript.
//
// Contract: append-only. Each append is one INSERT: part of the caller's write_transaction
// if one is open; otherwise atomic on its own, and under group commit deferred (written with
// other appends in one transaction moments later, see database::defer). Reads write the
// deferred appends first, so they see every append made before. Reads are newest first (at,
// then id, descending).
#pragma once

#include "server/store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tcs::store {

// The action of login entries (successful or refused); their detail is the client's network
// address "ip:port", for the operator only (views::activity hides it from executives).
inline constexpr std::string_view login_action = "login";

struct activity_record {
  std::int64_t id = 0;
  std::int64_t at = 0;
  std::string actor_role;  // "customer" | "executive" | "system" | "admin"
  std::optional<std::int64_t> actor_id;
  std::optional<std::int64_t> customer_id;  // the customer concerned, if any
  std::string action;                       // e.g. "password_change", "purchase"
  std::string detail;                       // free text, Spanish, for executives
  std::string outcome;                      // "ok" or an error code name
};

class activity_repository {
 public:
  explicit activity_repository(database& db) : db_(db) {}

  void append(std::int64_t at, std::string_view actor_role, std::optional<std::int64_t> actor_id,
              std::optional<std::int64_t> customer_id, std::string_view action,
              std::string_view detail, std::string_view outcome);
  // The newest `limit` entries concerning the customer (all when limit is nullopt).
  std::vector<activity_record> for_customer(std::int64_t customer_id,
                                            std::optional<std::int64_t> limit = std::nullopt);
  // A page of the same list (keyset): at most `limit` entries that come after the entry `after`
  // (an id; nullopt: from the newest). An id that is not one of the customer's entries gives
  // an empty page.
  std::vector<activity_record> page_for_customer(std::int64_t customer_id,
                                                 std::optional<std::int64_t> after,
                                                 std::int64_t limit);
  std::int64_t count_for_customer(std::int64_t customer_id);

 private:
  database& db_;
};

struct chat_message_record {
  std::int64_t id = 0;
  std::int64_t customer_id = 0;
  std::int64_t executive_id = 0;
  std::string sender_role;  // "customer" | "executive"
  std::string text;
  std::int64_t at = 0;
};

class chat_repository {
 public:
  explicit chat_repository(database& db) : db_(db) {}

  // chat_id: the line's chat (agent_repository.hpp's chats), when known.
  void append(std::int64_t customer_id, std::int64_t executive_id, std::string_view sender_role,
              std::string_view text, std::int64_t at,
              std::optional<std::int64_t> chat_id = std::nullopt);
  // The customer's transcript, oldest first (reading order); the newest `limit` if given.
  std::vector<chat_message_record> for_customer(std::int64_t customer_id,
                                                std::optional<std::int64_t> limit = std::nullopt);

 private:
  database& db_;
};

}  // namespace tcs::store
