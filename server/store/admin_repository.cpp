// Administration queries in SQLite.
#include "server/store/admin_repository.hpp"

namespace tcs::store {
namespace {

// "[1,2,3]": the ids as one parameter for json_each(), so the statement text never changes.
std::string json_array(std::span<const std::int64_t> ids) {
  std::string out = "[";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) {
      out += ',';
    }
    out += std::to_string(ids[i]);
  }
  out += ']';
  return out;
}

}  // namespace

std::vector<account_summary> admin_repository::list_accounts() {
  SQLite::Statement q(db_.sql(),
                      "SELECT 'customer', id, email, name, disabled, created_at FROM customers "
                      "UNION ALL "
                      "SELECT 'executive', id, email, name, disabled, created_at FROM executives "
                      "ORDER BY 1, 2");
  std::vector<account_summary> out;
  while (q.executeStep()) {
    out.push_back(account_summary{q.getColumn(0).getString(), q.getColumn(1).getInt64(),
                                  q.getColumn(2).getString(), q.getColumn(3).getString(),
                                  q.getColumn(4).getInt() != 0, q.getColumn(5).getInt64()});
  }
  return out;
}

disabled_ids admin_repository::disabled_among(std::span<const std::int64_t> customer_ids,
                                              std::span<const std::int64_t> executive_ids) {
  disabled_ids out;
  if (customer_ids.empty() && executive_ids.empty()) {
    return out;
  }
  SQLite::Statement q(db_.sql(),
                      "SELECT 0, id FROM customers WHERE disabled = 1 "
                      "AND id IN (SELECT value FROM json_each(?1)) "
                      "UNION ALL "
                      "SELECT 1, id FROM executives WHERE disabled = 1 "
                      "AND id IN (SELECT value FROM json_each(?2))");
  q.bind(1, json_array(customer_ids));
  q.bind(2, json_array(executive_ids));
  while (q.executeStep()) {
    auto& ids = q.getColumn(0).getInt() == 0 ? out.customers : out.executives;
    ids.push_back(q.getColumn(1).getInt64());
  }
  return out;
}

upsert_outcome admin_repository::upsert_product(std::string_view name, std::string_view kind,
                                                std::int64_t price, std::int64_t stock) {
  SQLite::Statement update(db_.sql(),
                           "UPDATE products SET name = ?1, kind = ?2, price = ?3, stock = ?4, "
                           "listed = 1 WHERE name = ?1");
  update.bind(1, std::string(name));
  update.bind(2, std::string(kind));
  update.bind(3, price);
  update.bind(4, stock);
  if (update.exec() > 0) {
    return upsert_outcome::updated;
  }
  SQLite::Statement insert(db_.sql(),
                           "INSERT INTO products (name, kind, price, stock, held, listed) "
                           "VALUES (?, ?, ?, ?, 0, 1)");
  insert.bind(1, std::string(name));
  insert.bind(2, std::string(kind));
  insert.bind(3, price);
  insert.bind(4, stock);
  insert.exec();
  return upsert_outcome::created;
}

}  // namespace tcs::store
