// The activity log and the chat transcript in SQLite.
#include "server/store/activity_repository.hpp"

#include <algorithm>

namespace tcs::store {
namespace {

void bind_optional(database::statement& q, int index, std::optional<std::int64_t> value) {
  if (value) {
    q.bind(index, *value);
  } else {
    q.bind(index);
  }
}

// SQLite: a negative LIMIT means no limit.
std::int64_t sql_limit(std::optional<std::int64_t> limit) {
  return limit ? *limit : -1;
}

}  // namespace

void activity_repository::append(std::int64_t at, std::string_view actor_role,
                                 std::optional<std::int64_t> actor_id,
                                 std::optional<std::int64_t> customer_id, std::string_view action,
                                 std::string_view detail, std::string_view outcome) {
  db_.defer([at, actor_role = std::string(actor_role), actor_id, customer_id,
             action = std::string(action), detail = std::string(detail),
             outcome = std::string(outcome)](database& db) {
    auto q = db.prepare(
        "INSERT INTO activity (at, actor_role, actor_id, customer_id, action, detail, outcome) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, at);
    q.bind(2, actor_role);
    bind_optional(q, 3, actor_id);
    bind_optional(q, 4, customer_id);
    q.bind(5, action);
    q.bind(6, detail);
    q.bind(7, outcome);
    q.exec();
  });
}

namespace {

// The rows of a query selecting id, at, actor_role, actor_id, customer_id, action, detail,
// outcome, in that order.
std::vector<activity_record> read_records(database::statement& q) {
  std::vector<activity_record> out;
  while (q.executeStep()) {
    out.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getInt64(), q.getColumn(2).getString(),
                   optional_int(q.getColumn(3)), optional_int(q.getColumn(4)),
                   q.getColumn(5).getString(), q.getColumn(6).getString(),
                   q.getColumn(7).getString()});
  }
  return out;
}

}  // namespace

std::vector<activity_record> activity_repository::for_customer(std::int64_t customer_id,
                                                               std::optional<std::int64_t> limit) {
  db_.flush_deferred();
  auto q = db_.prepare(
      "SELECT id, at, actor_role, actor_id, customer_id, action, detail, outcome "
      "FROM activity WHERE customer_id = ? ORDER BY at DESC, id DESC LIMIT ?");
  q.bind(1, customer_id);
  q.bind(2, sql_limit(limit));
  return read_records(q);
}

std::vector<activity_record> activity_repository::page_for_customer(
    std::int64_t customer_id, std::optional<std::int64_t> after, std::int64_t limit) {
  db_.flush_deferred();
  auto q =
      db_.prepare(std::string("SELECT id, at, actor_role, actor_id, customer_id, action, detail, "
                              "outcome FROM activity a WHERE customer_id = ?1 ") +
                  (after ? "AND (a.at, a.id) < (SELECT c.at, c.id FROM activity c "
                           "WHERE c.id = ?3 AND c.customer_id = ?1) "
                         : "") +
                  "ORDER BY at DESC, id DESC LIMIT ?2");
  q.bind(1, customer_id);
  q.bind(2, limit);
  if (after)
    q.bind(3, *after);
  return read_records(q);
}

std::int64_t activity_repository::count_for_customer(std::int64_t customer_id) {
  db_.flush_deferred();
  auto q = db_.prepare("SELECT count(*) FROM activity WHERE customer_id = ?");
  q.bind(1, customer_id);
  q.executeStep();
  return q.getColumn(0).getInt64();
}

void chat_repository::append(std::int64_t customer_id, std::int64_t executive_id,
                             std::string_view sender_role, std::string_view text, std::int64_t at,
                             std::optional<std::int64_t> chat_id) {
  db_.defer([customer_id, executive_id, sender_role = std::string(sender_role),
             text = std::string(text), at, chat_id](database& db) {
    auto q = db.prepare(
        "INSERT INTO chat_messages (customer_id, executive_id, sender_role, text, at, chat_id) "
        "VALUES (?, ?, ?, ?, ?, ?)");
    q.bind(1, customer_id);
    q.bind(2, executive_id);
    q.bind(3, sender_role);
    q.bind(4, text);
    q.bind(5, at);
    bind_optional(q, 6, chat_id);
    q.exec();
  });
}

std::vector<chat_message_record> chat_repository::for_customer(std::int64_t customer_id,
                                                               std::optional<std::int64_t> limit) {
  db_.flush_deferred();
  auto q = db_.prepare(
      "SELECT id, customer_id, executive_id, sender_role, text, at "
      "FROM chat_messages WHERE customer_id = ? ORDER BY at DESC, id DESC "
      "LIMIT ?");
  q.bind(1, customer_id);
  q.bind(2, sql_limit(limit));
  std::vector<chat_message_record> out;
  while (q.executeStep()) {
    out.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getInt64(), q.getColumn(2).getInt64(),
                   q.getColumn(3).getString(), q.getColumn(4).getString(),
                   q.getColumn(5).getInt64()});
  }
  std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace tcs::store
