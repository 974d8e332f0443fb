// What the agent tools keep (issue 17): canned replies, internal notes on customers, and the
// chats themselves (who, when, how they ended, how many lines, the customer's rating).
//
// Contract:
// - Like the other repositories: prepared statements only, SQL errors throw SQLite::Exception,
//   each write one statement (atomic with others inside the caller's write_transaction).
// - Canned reply names match case-insensitively (NOCASE); add() refuses a name that exists.
// - A chat row is written when the chat starts and completed when it ends, both deferred like
//   the transcript (database::defer: no disk sync on the request path), in order with the
//   chat's lines, so its line count and last line id see every line. Its id is chosen by the
//   caller (next_id(), then one more per chat: one server writes chats to a file). Its lines are
//   read through the rowid range [first_line_id, last_line_id] of chat_messages (the table has no
//   other index).
// - Lists are newest first.
#pragma once

#include "server/store/activity_repository.hpp"
#include "server/store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tcs::store {

struct canned_reply_record {
  std::string name;
  std::string text;
  std::int64_t created_at = 0;
};

class canned_repository {
 public:
  explicit canned_repository(database& db) : db_(db) {}

  // False when a reply of that name (any case) exists.
  bool add(std::string_view name, std::string_view text, std::int64_t at);
  std::vector<canned_reply_record> list();  // by name
  std::optional<canned_reply_record> find(std::string_view name);
  bool remove(std::string_view name);

 private:
  database& db_;
};

struct note_record {
  std::int64_t id = 0;
  std::int64_t customer_id = 0;
  std::int64_t executive_id = 0;
  std::string executive_name;
  std::string text;
  std::int64_t at = 0;
};

class note_repository {
 public:
  explicit note_repository(database& db) : db_(db) {}

  std::int64_t add(std::int64_t customer_id, std::int64_t executive_id, std::string_view text,
                   std::int64_t at);
  // A page of the customer's notes, newest first, after the note `after` (an id).
  std::vector<note_record> for_customer(std::int64_t customer_id, std::optional<std::int64_t> after,
                                        std::int64_t limit);
  std::int64_t count_for_customer(std::int64_t customer_id);

 private:
  database& db_;
};

struct chat_record {
  std::int64_t id = 0;
  std::int64_t customer_id = 0;
  std::int64_t executive_id = 0;
  std::string executive_name;
  std::int64_t queued_at = 0;
  std::int64_t started_at = 0;
  std::optional<std::int64_t> ended_at;
  std::string outcome;  // "" while open
  std::optional<std::int64_t> transferred_from;
  std::int64_t first_line_id = 0;
  std::optional<std::int64_t> last_line_id;
  std::int64_t lines = 0;  // counted when it ended
};

class conversation_repository {
 public:
  explicit conversation_repository(database& db) : db_(db) {}

  // The id after the highest chat id stored.
  std::int64_t next_id();
  // The chat `chat_id` starts now (deferred).
  void start(std::int64_t chat_id, std::int64_t customer_id, std::int64_t executive_id,
             std::int64_t queued_at, std::int64_t started_at,
             std::optional<std::int64_t> transferred_from);
  // The chat ended (deferred, after the lines appended before it).
  // `lines`: the lines sent in it, counted by the caller as they were sent (counting them
  // here would scan every line written since the chat began, by every chat).
  void end(std::int64_t chat_id, std::int64_t ended_at, std::string_view outcome,
           std::int64_t lines);
  // The customer's survey answer. False when there is no such chat.
  bool rate(std::int64_t chat_id, std::int64_t rating, std::string_view comment);
  // A page of the customer's chats, newest first, after the chat `after` (an id).
  std::vector<chat_record> for_customer(std::int64_t customer_id, std::optional<std::int64_t> after,
                                        std::int64_t limit);
  std::int64_t count_for_customer(std::int64_t customer_id);
  std::optional<chat_record> find(std::int64_t chat_id);
  // A page of the chat's lines, oldest first, after the line `after` (an id).
  std::vector<chat_message_record> lines(const chat_record& chat, std::optional<std::int64_t> after,
                                         std::int64_t limit);
  // Lines of a chat still open (counted now).
  std::int64_t count_lines(const chat_record& chat);

 private:
  database& db_;
};

}  // namespace tcs::store
