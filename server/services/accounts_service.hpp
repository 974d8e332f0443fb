// Accounts as the request handlers need them: the look-ups of a login (either kind of
// account), the TOTP check of an executive, a customer's password change, display names, and
// which connected accounts an administrator disabled. Sans-io, on the loop thread.
//
// Contract:
// - find_for_login() takes the email as typed; it is compared in ASCII lower case (login_key).
// - totp_step() only checks a code: spend_totp_step() spends it, atomically, when the login
//   goes through, so a replay cannot win a race with the first use.
// - Writes are single statements, committed before they return (durable under group commit
//   once the dispatcher's wait for the sync is over).
#pragma once

#include "common/protocol/errc.hpp"
#include "server/store/accounts_repository.hpp"
#include "server/store/admin_repository.hpp"
#include "server/store/database.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace tcs::services {

// How soon the session of an account an administrator disabled ends (the server's account
// watch looks this often): short enough that an administrator sees it happen, long enough
// that the query (a few primary-key lookups) costs nothing.
inline constexpr std::chrono::seconds disabled_logout_delay{2};

// Which connected accounts are disabled (ids of each kind).
using disabled_accounts = store::disabled_ids;

// What login needs of either kind of account.
struct login_account {
  std::int64_t id = 0;
  std::string name, email, password_hash, totp_secret;  // totp_secret: executives only
  std::int64_t last_totp_step = -1;
  bool disabled = false;
};

// The key a login attempt is counted and looked up under: the email in ASCII lower case.
std::string login_key(std::string_view email);

class accounts_service {
 public:
  explicit accounts_service(store::database& db) : accounts_(db), admin_(db) {}

  std::optional<login_account> find_for_login(bool executive, std::string_view email);

  // The time step of a valid, unused code of `account` at unix time `now`; bad_credentials
  // otherwise (internal, logged, when the stored secret is unusable).
  result<std::int64_t> totp_step(const login_account& account, std::string_view code,
                                 std::int64_t now);
  // Spends `step` for the executive: false if it (or a later one) was used meanwhile.
  bool spend_totp_step(std::int64_t executive_id, std::int64_t step);

  // The customer's stored password hash; nullopt if the account no longer exists.
  std::optional<std::string> customer_password_hash(std::int64_t customer_id);
  // Stores a new hash; false if the account no longer exists.
  bool set_customer_password(std::int64_t customer_id, std::string_view hash);

  std::optional<std::string> customer_name(std::int64_t customer_id);
  std::optional<std::string> executive_name(std::int64_t executive_id);

  // Which of these accounts are disabled: one short query.
  disabled_accounts disabled_among(std::span<const std::int64_t> customer_ids,
                                   std::span<const std::int64_t> executive_ids);

 private:
  store::accounts_repository accounts_;
  store::admin_repository admin_;
};

}  // namespace tcs::services
