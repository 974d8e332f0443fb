// The report's figures from a read-only connection (report_reader.hpp).
#include "server/store/report_reader.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include <stdexcept>
#include <unordered_map>

namespace tcs::store {

namespace {

constexpr int agent_tools_schema = 3;
constexpr int busy_timeout_ms = 5000;

void read_executives(SQLite::Database& db, report_data& out, std::int64_t since,
                     std::int64_t until) {
  SQLite::Statement q(
      db,
      "SELECT e.id, e.name, e.email, "
      "(SELECT count(*) FROM activity a WHERE a.action = 'offer' AND a.outcome = 'ok' "
      "  AND a.actor_role = 'executive' AND a.actor_id = e.id AND a.at >= ?1 AND a.at < ?2), "
      "(SELECT count(*) FROM operations o WHERE o.kind = 'sale' AND o.executive_id = e.id "
      "  AND o.created_at >= ?1 AND o.created_at < ?2) "
      "FROM executives e ORDER BY e.name, e.id");
  q.bind(1, since);
  q.bind(2, until);
  while (q.executeStep())
    out.executives.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getString(),
                              q.getColumn(2).getString(), q.getColumn(3).getInt64(),
                              q.getColumn(4).getInt64()});
}

void read_chats(SQLite::Database& db, report_data& out, std::int64_t since, std::int64_t until) {
  SQLite::Statement q(db,
                      "SELECT executive_id, "
                      "CASE WHEN transferred_from IS NULL THEN started_at - queued_at ELSE -1 END, "
                      "CASE WHEN ended_at IS NULL THEN -1 ELSE ended_at - started_at END, "
                      "coalesce(rating, 0), outcome IS 'transferred' "
                      "FROM chats WHERE started_at >= ? AND started_at < ? ORDER BY id");
  q.bind(1, since);
  q.bind(2, until);
  while (q.executeStep())
    out.chats.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getInt64(),
                         q.getColumn(2).getInt64(), q.getColumn(3).getInt64(),
                         q.getColumn(4).getInt() != 0});
}

void read_gave_up(SQLite::Database& db, report_data& out, std::int64_t since, std::int64_t until) {
  SQLite::Statement q(db,
                      "SELECT date(at, 'unixepoch', 'localtime') AS day, "
                      "count(DISTINCT customer_id) FROM activity "
                      "WHERE action IN ('queue_leave', 'queue_timeout') AND outcome = 'ok' "
                      "AND customer_id IS NOT NULL AND at >= ? AND at < ? "
                      "GROUP BY day ORDER BY day");
  q.bind(1, since);
  q.bind(2, until);
  while (q.executeStep())
    out.gave_up.push_back({q.getColumn(0).getString(), q.getColumn(1).getInt64()});
}

}  // namespace

report_data read_report_data(const std::string& path, std::int64_t since, std::int64_t until) {
  SQLite::Database db(path, SQLite::OPEN_READONLY, busy_timeout_ms);
  const int version = db.execAndGet("PRAGMA user_version").getInt();
  if (version < agent_tools_schema)
    throw std::runtime_error("the database at " + path + " has schema version " +
                             std::to_string(version) +
                             ", older than the report needs (3): start the server once with "
                             "this version to migrate it");
  // One read transaction: every figure from the same snapshot.
  db.exec("BEGIN");
  report_data out;
  read_executives(db, out, since, until);
  read_chats(db, out, since, until);
  read_gave_up(db, out, since, until);
  db.exec("COMMIT");
  return out;
}

}  // namespace tcs::store
