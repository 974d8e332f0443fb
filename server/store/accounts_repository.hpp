// Customers and executives: lookup by email or id, creation, password and TOTP state.
//
// Contract: emails are stored ASCII-lower-case and looked up case-insensitively. Every write
// is one statement (atomic on its own) or runs inside the caller's write_transaction. SQL
// errors (including a duplicate email on add_*) throw SQLite::Exception; callers that take
// user input check find_*() first.
#pragma once

#include "server/store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tcs::store {

struct customer_record {
  std::int64_t id = 0;
  std::string email, name, password_hash;
  bool disabled = false;
};

struct executive_record {
  std::int64_t id = 0;
  std::string email, name, password_hash, totp_secret;
  std::int64_t last_totp_step = -1;  // the last accepted RFC 6238 time step, -1 if none
  bool disabled = false;
};

// ASCII lower-case copy (emails are compared this way; non-ASCII bytes are kept as they are).
std::string ascii_lower(std::string_view text);

class accounts_repository {
 public:
  explicit accounts_repository(database& db) : db_(db) {}

  std::optional<customer_record> find_customer(std::string_view email);
  std::optional<executive_record> find_executive(std::string_view email);
  std::optional<customer_record> customer_by_id(std::int64_t id);
  std::optional<executive_record> executive_by_id(std::int64_t id);

  // Returns the new id. Throws SQLite::Exception if the email is taken.
  std::int64_t add_customer(std::string_view email, std::string_view name,
                            std::string_view password_hash, std::int64_t now);
  std::int64_t add_executive(std::string_view email, std::string_view name,
                             std::string_view password_hash, std::string_view totp_secret,
                             std::int64_t now);

  // The set_* functions return false when no such account exists.
  bool set_customer_password(std::int64_t id, std::string_view hash);
  bool set_executive_password(std::int64_t id, std::string_view hash);
  // New TOTP enrolment: also forgets the last accepted step.
  bool set_executive_totp_secret(std::int64_t id, std::string_view base32_secret);
  bool set_customer_disabled(std::int64_t id, bool disabled);
  bool set_executive_disabled(std::int64_t id, bool disabled);

  // Atomic replay protection: records `step` as the last accepted TOTP step only if it is
  // newer than the stored one (UPDATE ... WHERE id = ? AND last_totp_step < ?). True if it
  // was recorded, i.e. the code may be accepted; false for a replay or an unknown id.
  bool advance_totp_step(std::int64_t executive_id, std::int64_t step);

  std::int64_t count_customers();
  std::int64_t count_executives();

 private:
  database& db_;
};

}  // namespace tcs::store
