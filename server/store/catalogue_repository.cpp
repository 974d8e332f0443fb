// Products in SQLite.
#include "server/store/catalogue_repository.hpp"

namespace tcs::store {
namespace {

constexpr const char* product_columns =
    "SELECT id, name, kind, price, stock, held, listed FROM products ";

product_record read_product(database::statement& q) {
  return product_record{q.getColumn(0).getInt64(),   q.getColumn(1).getString(),
                        q.getColumn(2).getString(),  q.getColumn(3).getInt64(),
                        q.getColumn(4).getInt64(),   q.getColumn(5).getInt64(),
                        q.getColumn(6).getInt() != 0};
}

void exec_two(database& db, const char* sql, std::int64_t a, std::int64_t b) {
  auto q = db.prepare(sql);
  q.bind(1, a);
  q.bind(2, b);
  q.exec();
}

}  // namespace

std::vector<product_record> catalogue_repository::list(bool include_unlisted) {
  auto q = db_.prepare(std::string(product_columns) +
                       "WHERE listed = 1 OR ? ORDER BY name COLLATE NOCASE, id");
  q.bind(1, include_unlisted ? 1 : 0);
  std::vector<product_record> out;
  while (q.executeStep()) {
    out.push_back(read_product(q));
  }
  return out;
}

std::optional<product_record> catalogue_repository::by_id(std::int64_t id) {
  auto q = db_.prepare(std::string(product_columns) + "WHERE id = ?");
  q.bind(1, id);
  if (!q.executeStep()) {
    return std::nullopt;
  }
  return read_product(q);
}

std::optional<product_record> catalogue_repository::by_name(std::string_view name) {
  auto q = db_.prepare(std::string(product_columns) + "WHERE name = ?");
  q.bind(1, std::string(name));
  if (!q.executeStep()) {
    return std::nullopt;
  }
  return read_product(q);
}

std::int64_t catalogue_repository::add_product(std::string_view name, std::string_view kind,
                                               std::int64_t price, std::int64_t stock,
                                               std::int64_t held, bool listed) {
  auto q = db_.prepare(
      "INSERT INTO products (name, kind, price, stock, held, listed) "
      "VALUES (?, ?, ?, ?, ?, ?)");
  q.bind(1, std::string(name));
  q.bind(2, std::string(kind));
  q.bind(3, price);
  q.bind(4, stock);
  q.bind(5, held);
  q.bind(6, listed ? 1 : 0);
  q.exec();
  return db_.sql().getLastInsertRowid();
}

bool catalogue_repository::take_stock(std::int64_t product_id, std::int64_t quantity) {
  auto q = db_.prepare("UPDATE products SET stock = stock - ? WHERE id = ? AND stock >= ?");
  q.bind(1, quantity);
  q.bind(2, product_id);
  q.bind(3, quantity);
  return q.exec() == 1;
}

void catalogue_repository::add_stock(std::int64_t product_id, std::int64_t quantity) {
  exec_two(db_, "UPDATE products SET stock = stock + ? WHERE id = ?", quantity, product_id);
}

void catalogue_repository::add_held(std::int64_t product_id, std::int64_t quantity) {
  exec_two(db_, "UPDATE products SET held = held + ? WHERE id = ?", quantity, product_id);
}

bool catalogue_repository::publish_one_held(std::int64_t product_id) {
  auto q = db_.prepare(
      "UPDATE products SET held = held - 1, stock = stock + 1 "
      "WHERE id = ? AND held > 0");
  q.bind(1, product_id);
  return q.exec() == 1;
}

void catalogue_repository::list_at_price(std::int64_t product_id, std::int64_t price) {
  exec_two(db_, "UPDATE products SET price = ?, listed = 1 WHERE id = ?", price, product_id);
}

std::int64_t catalogue_repository::count() {
  return db_.sql().execAndGet("SELECT count(*) FROM products").getInt64();
}

}  // namespace tcs::store
