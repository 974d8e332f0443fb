// Login look-ups, TOTP, password change and disabled accounts over the accounts repository.
#include "server/services/accounts_service.hpp"

#include "server/log/console.hpp"
#include "server/security/totp.hpp"

namespace tcs::services {

std::string login_key(std::string_view email) {
  return store::ascii_lower(email);
}

std::optional<login_account> accounts_service::find_for_login(bool executive,
                                                              std::string_view email) {
  const std::string key = login_key(email);
  if (!executive) {
    auto a = accounts_.find_customer(key);
    if (!a)
      return std::nullopt;
    return login_account{a->id, a->name, a->email, a->password_hash, {}, -1, a->disabled};
  }
  auto a = accounts_.find_executive(key);
  if (!a)
    return std::nullopt;
  return login_account{a->id,          a->name,           a->email,   a->password_hash,
                       a->totp_secret, a->last_totp_step, a->disabled};
}

result<std::int64_t> accounts_service::totp_step(const login_account& account,
                                                 std::string_view code, std::int64_t now) {
  auto step = security::verify_totp(account.totp_secret, code, now, account.last_totp_step);
  if (!step && step.error().code == errc::internal)
    log::error("executive " + account.email + " has an unusable TOTP secret");
  return step;
}

bool accounts_service::spend_totp_step(std::int64_t executive_id, std::int64_t step) {
  return accounts_.advance_totp_step(executive_id, step);
}

std::optional<std::string> accounts_service::customer_password_hash(std::int64_t customer_id) {
  auto account = accounts_.customer_by_id(customer_id);
  if (!account)
    return std::nullopt;
  return std::move(account->password_hash);
}

bool accounts_service::set_customer_password(std::int64_t customer_id, std::string_view hash) {
  return accounts_.set_customer_password(customer_id, hash);
}

std::optional<std::string> accounts_service::customer_name(std::int64_t customer_id) {
  auto account = accounts_.customer_by_id(customer_id);
  if (!account)
    return std::nullopt;
  return std::move(account->name);
}

std::optional<std::string> accounts_service::executive_name(std::int64_t executive_id) {
  auto account = accounts_.executive_by_id(executive_id);
  if (!account)
    return std::nullopt;
  return std::move(account->name);
}

disabled_accounts accounts_service::disabled_among(std::span<const std::int64_t> customer_ids,
                                                   std::span<const std::int64_t> executive_ids) {
  return admin_.disabled_among(customer_ids, executive_ids);
}

}  // namespace tcs::services
