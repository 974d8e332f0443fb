// Operations, lines and timelines in SQLite.
#include "server/store/operations_repository.hpp"

namespace tcs::store {
namespace {

constexpr const char* operation_columns =
    "SELECT o.id, o.customer_id, o.kind, o.state, o.created_at, o.executive_id, "
    "(SELECT coalesce(sum(l.quantity * l.unit_price), 0) FROM operation_lines l "
    "WHERE l.operation_id = o.id) FROM operations o ";

constexpr const char* newest_first = " ORDER BY o.created_at DESC, o.id DESC";

operation_record read_operation(database::statement& q) {
  operation_record r;
  r.id = q.getColumn(0).getInt64();
  r.customer_id = q.getColumn(1).getInt64();
  r.kind = q.getColumn(2).getString();
  r.state = q.getColumn(3).getString();
  r.created_at = q.getColumn(4).getInt64();
  if (!q.getColumn(5).isNull()) {
    r.executive_id = q.getColumn(5).getInt64();
  }
  r.total = q.getColumn(6).getInt64();
  return r;
}

}  // namespace

std::int64_t operations_repository::add_operation(std::int64_t customer_id, std::string_view kind,
                                                  std::string_view state, std::int64_t created_at,
                                                  std::optional<std::int64_t> executive_id) {
  auto q = db_.prepare(
      "INSERT INTO operations (customer_id, kind, state, created_at, executive_id) "
      "VALUES (?, ?, ?, ?, ?)");
  q.bind(1, customer_id);
  q.bind(2, std::string(kind));
  q.bind(3, std::string(state));
  q.bind(4, created_at);
  if (executive_id) {
    q.bind(5, *executive_id);
  } else {
    q.bind(5);
  }
  q.exec();
  return db_.sql().getLastInsertRowid();
}

void operations_repository::add_line(std::int64_t operation_id, std::int64_t product_id,
                                     std::int64_t quantity, std::int64_t unit_price) {
  auto q = db_.prepare(
      "INSERT INTO operation_lines (operation_id, product_id, quantity, "
      "unit_price) VALUES (?, ?, ?, ?)");
  q.bind(1, operation_id);
  q.bind(2, product_id);
  q.bind(3, quantity);
  q.bind(4, unit_price);
  q.exec();
}

void operations_repository::add_event(std::int64_t operation_id, std::string_view state,
                                      std::int64_t at, std::string_view actor) {
  auto q = db_.prepare(
      "INSERT INTO operation_events (operation_id, state, at, actor) "
      "VALUES (?, ?, ?, ?)");
  q.bind(1, operation_id);
  q.bind(2, std::string(state));
  q.bind(3, at);
  q.bind(4, std::string(actor));
  q.exec();
}

bool operations_repository::change_state(std::int64_t operation_id, std::string_view from,
                                         std::string_view to) {
  auto q = db_.prepare("UPDATE operations SET state = ? WHERE id = ? AND state = ?");
  q.bind(1, std::string(to));
  q.bind(2, operation_id);
  q.bind(3, std::string(from));
  return q.exec() == 1;
}

std::optional<operation_record> operations_repository::find(std::int64_t customer_id,
                                                            std::int64_t operation_id) {
  auto q = db_.prepare(std::string(operation_columns) + "WHERE o.customer_id = ? AND o.id = ?");
  q.bind(1, customer_id);
  q.bind(2, operation_id);
  if (!q.executeStep()) {
    return std::nullopt;
  }
  return read_operation(q);
}

std::vector<operation_record> operations_repository::select(const char* where,
                                                            std::int64_t customer_id,
                                                            std::optional<std::int64_t> since) {
  auto q = db_.prepare(std::string(operation_columns) + where + newest_first);
  q.bind(1, customer_id);
  if (since) {
    q.bind(2, *since);
  }
  std::vector<operation_record> out;
  while (q.executeStep()) {
    out.push_back(read_operation(q));
  }
  return out;
}

std::vector<operation_record> operations_repository::for_customer(
    std::int64_t customer_id, std::optional<std::int64_t> since) {
  if (since) {
    return select("WHERE o.customer_id = ? AND o.created_at >= ?", customer_id, since);
  }
  return select("WHERE o.customer_id = ?", customer_id, std::nullopt);
}

std::vector<operation_record> operations_repository::pending_confirmations(
    std::int64_t customer_id) {
  return select(
      "WHERE o.customer_id = ? AND o.kind = 'purchase' AND o.state IN ('paid', 'shipped')",
      customer_id, std::nullopt);
}

std::vector<operation_record> operations_repository::returnable(std::int64_t customer_id) {
  return select("WHERE o.customer_id = ? AND o.kind = 'purchase' AND o.state <> 'returned'",
                customer_id, std::nullopt);
}

namespace {

// The WHERE clause of a list: ?1 customer, ?2 since, ?3 the operation paged after.
std::string list_where(const operation_list& list, bool after) {
  std::string where = "WHERE o.customer_id = ?1";
  switch (list.which) {
    case operation_list::filter::all:
      break;
    case operation_list::filter::pending:
      where += " AND o.kind = 'purchase' AND o.state IN ('paid', 'shipped')";
      break;
    case operation_list::filter::returnable:
      where += " AND o.kind = 'purchase' AND o.state <> 'returned'";
      break;
  }
  if (list.since)
    where += " AND o.created_at >= ?2";
  if (after)
    where +=
        " AND (o.created_at, o.id) < (SELECT c.created_at, c.id FROM operations c "
        "WHERE c.id = ?3 AND c.customer_id = ?1)";
  return where;
}

void bind_list(database::statement& q, const operation_list& list,
               std::optional<std::int64_t> after) {
  q.bind(1, list.customer_id);
  if (list.since)
    q.bind(2, *list.since);
  if (after)
    q.bind(3, *after);
}

}  // namespace

std::vector<operation_record> operations_repository::page(const operation_list& list,
                                                          std::optional<std::int64_t> after,
                                                          std::int64_t limit) {
  auto q = db_.prepare(std::string(operation_columns) + list_where(list, after.has_value()) +
                       newest_first + " LIMIT ?4");
  bind_list(q, list, after);
  q.bind(4, limit);
  std::vector<operation_record> out;
  while (q.executeStep()) {
    out.push_back(read_operation(q));
  }
  return out;
}

std::int64_t operations_repository::count(const operation_list& list) {
  auto q = db_.prepare("SELECT count(*) FROM operations o " + list_where(list, false));
  bind_list(q, list, std::nullopt);
  q.executeStep();
  return q.getColumn(0).getInt64();
}

std::vector<operation_line_record> operations_repository::lines(std::int64_t operation_id) {
  auto q = db_.prepare(
      "SELECT l.product_id, p.name, p.kind, l.quantity, l.unit_price "
      "FROM operation_lines l JOIN products p ON p.id = l.product_id "
      "WHERE l.operation_id = ? ORDER BY p.name COLLATE NOCASE, p.id");
  q.bind(1, operation_id);
  std::vector<operation_line_record> out;
  while (q.executeStep()) {
    out.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getString(),
                   q.getColumn(2).getString(), q.getColumn(3).getInt64(),
                   q.getColumn(4).getInt64()});
  }
  return out;
}

std::vector<operation_event_record> operations_repository::events(std::int64_t operation_id) {
  auto q = db_.prepare(
      "SELECT state, at, actor FROM operation_events WHERE operation_id = ? "
      "ORDER BY at, id");
  q.bind(1, operation_id);
  std::vector<operation_event_record> out;
  while (q.executeStep()) {
    out.push_back(
        {q.getColumn(0).getString(), q.getColumn(1).getInt64(), q.getColumn(2).getString()});
  }
  return out;
}

std::int64_t operations_repository::count() {
  return db_.sql().execAndGet("SELECT count(*) FROM operations").getInt64();
}

}  // namespace tcs::store
