// Customers and executives in SQLite.
#include "server/store/accounts_repository.hpp"

namespace tcs::store {
namespace {

constexpr const char* customer_columns =
    "SELECT id, email, name, password_hash, disabled FROM customers ";
constexpr const char* executive_columns =
    "SELECT id, email, name, password_hash, totp_secret, last_totp_step, disabled FROM executives ";

customer_record read_customer(database::statement& q) {
  return customer_record{q.getColumn(0).getInt64(), q.getColumn(1).getString(),
                         q.getColumn(2).getString(), q.getColumn(3).getString(),
                         q.getColumn(4).getInt() != 0};
}

executive_record read_executive(database::statement& q) {
  return executive_record{q.getColumn(0).getInt64(),   q.getColumn(1).getString(),
                          q.getColumn(2).getString(),  q.getColumn(3).getString(),
                          q.getColumn(4).getString(),  q.getColumn(5).getInt64(),
                          q.getColumn(6).getInt() != 0};
}

template <class Value>
std::optional<customer_record> one_customer(database& db, const char* where, const Value& v) {
  auto q = db.prepare(std::string(customer_columns) + where);
  q.bind(1, v);
  if (!q.executeStep()) {
    return std::nullopt;
  }
  return read_customer(q);
}

template <class Value>
std::optional<executive_record> one_executive(database& db, const char* where, const Value& v) {
  auto q = db.prepare(std::string(executive_columns) + where);
  q.bind(1, v);
  if (!q.executeStep()) {
    return std::nullopt;
  }
  return read_executive(q);
}

bool update_one(database& db, const char* sql, const std::string& text, std::int64_t id) {
  auto q = db.prepare(sql);
  q.bind(1, text);
  q.bind(2, id);
  return q.exec() == 1;
}

bool update_one(database& db, const char* sql, std::int64_t value, std::int64_t id) {
  auto q = db.prepare(sql);
  q.bind(1, value);
  q.bind(2, id);
  return q.exec() == 1;
}

}  // namespace

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return out;
}

std::optional<customer_record> accounts_repository::find_customer(std::string_view email) {
  return one_customer(db_, "WHERE email = ?", ascii_lower(email));
}

std::optional<executive_record> accounts_repository::find_executive(std::string_view email) {
  return one_executive(db_, "WHERE email = ?", ascii_lower(email));
}

std::optional<customer_record> accounts_repository::customer_by_id(std::int64_t id) {
  return one_customer(db_, "WHERE id = ?", id);
}

std::optional<executive_record> accounts_repository::executive_by_id(std::int64_t id) {
  return one_executive(db_, "WHERE id = ?", id);
}

std::int64_t accounts_repository::add_customer(std::string_view email, std::string_view name,
                                               std::string_view password_hash, std::int64_t now) {
  auto q = db_.prepare(
      "INSERT INTO customers (email, name, password_hash, created_at) "
      "VALUES (?, ?, ?, ?)");
  q.bind(1, ascii_lower(email));
  q.bind(2, std::string(name));
  q.bind(3, std::string(password_hash));
  q.bind(4, now);
  q.exec();
  return db_.sql().getLastInsertRowid();
}

std::int64_t accounts_repository::add_executive(std::string_view email, std::string_view name,
                                                std::string_view password_hash,
                                                std::string_view totp_secret, std::int64_t now) {
  auto q = db_.prepare(
      "INSERT INTO executives (email, name, password_hash, totp_secret, "
      "created_at) VALUES (?, ?, ?, ?, ?)");
  q.bind(1, ascii_lower(email));
  q.bind(2, std::string(name));
  q.bind(3, std::string(password_hash));
  q.bind(4, std::string(totp_secret));
  q.bind(5, now);
  q.exec();
  return db_.sql().getLastInsertRowid();
}

bool accounts_repository::set_customer_password(std::int64_t id, std::string_view hash) {
  return update_one(db_, "UPDATE customers SET password_hash = ? WHERE id = ?", std::string(hash),
                    id);
}

bool accounts_repository::set_executive_password(std::int64_t id, std::string_view hash) {
  return update_one(db_, "UPDATE executives SET password_hash = ? WHERE id = ?", std::string(hash),
                    id);
}

bool accounts_repository::set_executive_totp_secret(std::int64_t id,
                                                    std::string_view base32_secret) {
  return update_one(db_, "UPDATE executives SET totp_secret = ?, last_totp_step = -1 WHERE id = ?",
                    std::string(base32_secret), id);
}

bool accounts_repository::set_customer_disabled(std::int64_t id, bool disabled) {
  return update_one(db_, "UPDATE customers SET disabled = ? WHERE id = ?",
                    std::int64_t{disabled ? 1 : 0}, id);
}

bool accounts_repository::set_executive_disabled(std::int64_t id, bool disabled) {
  return update_one(db_, "UPDATE executives SET disabled = ? WHERE id = ?",
                    std::int64_t{disabled ? 1 : 0}, id);
}

bool accounts_repository::advance_totp_step(std::int64_t executive_id, std::int64_t step) {
  auto q =
      db_.prepare("UPDATE executives SET last_totp_step = ? WHERE id = ? AND last_totp_step < ?");
  q.bind(1, step);
  q.bind(2, executive_id);
  q.bind(3, step);
  return q.exec() == 1;
}

std::int64_t accounts_repository::count_customers() {
  return db_.sql().execAndGet("SELECT count(*) FROM customers").getInt64();
}

std::int64_t accounts_repository::count_executives() {
  return db_.sql().execAndGet("SELECT count(*) FROM executives").getInt64();
}

}  // namespace tcs::store
