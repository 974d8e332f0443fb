// Canned replies, customer notes and chat records in SQLite.
#include "server/store/agent_repository.hpp"

#include <algorithm>
#include <limits>

namespace tcs::store {
namespace {

constexpr std::int64_t no_cursor = std::numeric_limits<std::int64_t>::max();

constexpr const char* chat_columns =
    "SELECT c.id, c.customer_id, c.executive_id, e.name, c.queued_at, c.started_at, "
    "c.ended_at, coalesce(c.outcome, ''), c.transferred_from, c.first_line_id, c.last_line_id, "
    "c.lines FROM chats c JOIN executives e ON e.id = c.executive_id ";

chat_record read_chat(database::statement& q) {
  chat_record r;
  r.id = q.getColumn(0).getInt64();
  r.customer_id = q.getColumn(1).getInt64();
  r.executive_id = q.getColumn(2).getInt64();
  r.executive_name = q.getColumn(3).getString();
  r.queued_at = q.getColumn(4).getInt64();
  r.started_at = q.getColumn(5).getInt64();
  r.ended_at = optional_int(q.getColumn(6));
  r.outcome = q.getColumn(7).getString();
  r.transferred_from = optional_int(q.getColumn(8));
  r.first_line_id = q.getColumn(9).getInt64();
  r.last_line_id = optional_int(q.getColumn(10));
  r.lines = q.getColumn(11).getInt64();
  return r;
}

}  // namespace

// --- canned replies ---------------------------------------------------------------------------

bool canned_repository::add(std::string_view name, std::string_view text, std::int64_t at) {
  auto q = db_.prepare(
      "INSERT INTO canned_replies (name, text, created_at) VALUES (?, ?, ?) "
      "ON CONFLICT (name) DO NOTHING");
  q.bind(1, std::string(name));
  q.bind(2, std::string(text));
  q.bind(3, at);
  return q.exec() == 1;
}

std::vector<canned_reply_record> canned_repository::list() {
  auto q = db_.prepare("SELECT name, text, created_at FROM canned_replies ORDER BY name");
  std::vector<canned_reply_record> out;
  while (q.executeStep())
    out.push_back(
        {q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getInt64()});
  return out;
}

std::optional<canned_reply_record> canned_repository::find(std::string_view name) {
  auto q = db_.prepare("SELECT name, text, created_at FROM canned_replies WHERE name = ?");
  q.bind(1, std::string(name));
  if (!q.executeStep())
    return std::nullopt;
  return canned_reply_record{q.getColumn(0).getString(), q.getColumn(1).getString(),
                             q.getColumn(2).getInt64()};
}

bool canned_repository::remove(std::string_view name) {
  auto q = db_.prepare("DELETE FROM canned_replies WHERE name = ?");
  q.bind(1, std::string(name));
  return q.exec() == 1;
}

// --- notes --------------------------------------------------------------------------------------

std::int64_t note_repository::add(std::int64_t customer_id, std::int64_t executive_id,
                                  std::string_view text, std::int64_t at) {
  auto q = db_.prepare(
      "INSERT INTO customer_notes (customer_id, executive_id, text, at) VALUES (?, ?, ?, ?)");
  q.bind(1, customer_id);
  q.bind(2, executive_id);
  q.bind(3, std::string(text));
  q.bind(4, at);
  q.exec();
  return db_.sql().getLastInsertRowid();
}

std::vector<note_record> note_repository::for_customer(std::int64_t customer_id,
                                                       std::optional<std::int64_t> after,
                                                       std::int64_t limit) {
  auto q = db_.prepare(
      "SELECT n.id, n.customer_id, n.executive_id, e.name, n.text, n.at FROM customer_notes n "
      "JOIN executives e ON e.id = n.executive_id WHERE n.customer_id = ? AND n.id < ? "
      "ORDER BY n.id DESC LIMIT ?");
  q.bind(1, customer_id);
  q.bind(2, after.value_or(no_cursor));
  q.bind(3, limit);
  std::vector<note_record> out;
  while (q.executeStep())
    out.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getInt64(), q.getColumn(2).getInt64(),
                   q.getColumn(3).getString(), q.getColumn(4).getString(),
                   q.getColumn(5).getInt64()});
  return out;
}

std::int64_t note_repository::count_for_customer(std::int64_t customer_id) {
  auto q = db_.prepare("SELECT count(*) FROM customer_notes WHERE customer_id = ?");
  q.bind(1, customer_id);
  q.executeStep();
  return q.getColumn(0).getInt64();
}

// --- chats --------------------------------------------------------------------------------------

std::int64_t conversation_repository::next_id() {
  db_.flush_deferred();
  auto q = db_.prepare("SELECT coalesce(max(id), 0) + 1 FROM chats");
  q.executeStep();
  return q.getColumn(0).getInt64();
}

void conversation_repository::start(std::int64_t chat_id, std::int64_t customer_id,
                                    std::int64_t executive_id, std::int64_t queued_at,
                                    std::int64_t started_at,
                                    std::optional<std::int64_t> transferred_from) {
  db_.defer([=](database& db) {
    // The newest line id now: every line of this chat comes after it.
    auto q = db.prepare(
        "INSERT INTO chats (id, customer_id, executive_id, queued_at, started_at, "
        "transferred_from, first_line_id) VALUES (?, ?, ?, ?, ?, ?, "
        "(SELECT coalesce(max(id), 0) FROM chat_messages))");
    q.bind(1, chat_id);
    q.bind(2, customer_id);
    q.bind(3, executive_id);
    q.bind(4, queued_at);
    q.bind(5, started_at);
    if (transferred_from)
      q.bind(6, *transferred_from);
    else
      q.bind(6);
    q.exec();
  });
}

void conversation_repository::end(std::int64_t chat_id, std::int64_t ended_at,
                                  std::string_view outcome, std::int64_t lines) {
  db_.defer([chat_id, ended_at, outcome = std::string(outcome), lines](database& db) {
    auto q = db.prepare(
        "UPDATE chats SET ended_at = ?, outcome = ?, "
        "last_line_id = (SELECT coalesce(max(id), 0) FROM chat_messages), lines = ? "
        "WHERE id = ?");
    q.bind(1, ended_at);
    q.bind(2, outcome);
    q.bind(3, lines);
    q.bind(4, chat_id);
    q.exec();
  });
}

bool conversation_repository::rate(std::int64_t chat_id, std::int64_t rating,
                                   std::string_view comment) {
  db_.flush_deferred();  // the chat's row may still be deferred
  auto q = db_.prepare("UPDATE chats SET rating = ?, rating_comment = ? WHERE id = ?");
  q.bind(1, rating);
  if (comment.empty())
    q.bind(2);
  else
    q.bind(2, std::string(comment));
  q.bind(3, chat_id);
  return q.exec() == 1;
}

std::vector<chat_record> conversation_repository::for_customer(std::int64_t customer_id,
                                                               std::optional<std::int64_t> after,
                                                               std::int64_t limit) {
  db_.flush_deferred();
  auto q = db_.prepare(std::string(chat_columns) +
                       "WHERE c.customer_id = ? AND c.id < ? ORDER BY c.id DESC LIMIT ?");
  q.bind(1, customer_id);
  q.bind(2, after.value_or(no_cursor));
  q.bind(3, limit);
  std::vector<chat_record> out;
  while (q.executeStep())
    out.push_back(read_chat(q));
  return out;
}

std::int64_t conversation_repository::count_for_customer(std::int64_t customer_id) {
  db_.flush_deferred();
  auto q = db_.prepare("SELECT count(*) FROM chats WHERE customer_id = ?");
  q.bind(1, customer_id);
  q.executeStep();
  return q.getColumn(0).getInt64();
}

std::optional<chat_record> conversation_repository::find(std::int64_t chat_id) {
  db_.flush_deferred();
  auto q = db_.prepare(std::string(chat_columns) + "WHERE c.id = ?");
  q.bind(1, chat_id);
  if (!q.executeStep())
    return std::nullopt;
  return read_chat(q);
}

std::vector<chat_message_record> conversation_repository::lines(const chat_record& chat,
                                                                std::optional<std::int64_t> after,
                                                                std::int64_t limit) {
  db_.flush_deferred();
  auto q = db_.prepare(
      "SELECT id, customer_id, executive_id, sender_role, text, at FROM chat_messages "
      "WHERE id > ? AND id <= ? AND chat_id = ? ORDER BY id LIMIT ?");
  q.bind(1, std::max(chat.first_line_id, after.value_or(0)));
  q.bind(2, chat.last_line_id.value_or(no_cursor));
  q.bind(3, chat.id);
  q.bind(4, limit);
  std::vector<chat_message_record> out;
  while (q.executeStep())
    out.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getInt64(), q.getColumn(2).getInt64(),
                   q.getColumn(3).getString(), q.getColumn(4).getString(),
                   q.getColumn(5).getInt64()});
  return out;
}

std::int64_t conversation_repository::count_lines(const chat_record& chat) {
  if (chat.ended_at)
    return chat.lines;
  db_.flush_deferred();
  auto q = db_.prepare("SELECT count(*) FROM chat_messages WHERE id > ? AND chat_id = ?");
  q.bind(1, chat.first_line_id);
  q.bind(2, chat.id);
  q.executeStep();
  return q.getColumn(0).getInt64();
}

}  // namespace tcs::store
