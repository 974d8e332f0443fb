// Field caps, the throttle's turn and the hashing queue's bounds for password checks.
#include "server/dispatch/credential_checks.hpp"

#include "server/log/console.hpp"
#include "server/services/password_policy.hpp"
#include "server/services/service_set.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <chrono>

namespace tcs::credentials {

std::string host_of(std::string_view remote) {
  auto colon = remote.rfind(':');
  return std::string(colon == std::string_view::npos ? remote : remote.substr(0, colon));
}

namespace {

// How often an attempt waiting for its turn looks whether its peer is still there.
constexpr auto wait_slice = std::chrono::milliseconds(250);

failure too_long(std::string_view field, std::size_t max) {
  return failure{errc::invalid_field, "El campo \"" + std::string(field) +
                                          "\" no puede tener más de " + std::to_string(max) +
                                          " bytes."};
}

failure too_many_attempts(std::int64_t retry_after_ms) {
  const std::int64_t seconds = std::max<std::int64_t>(1, (retry_after_ms + 999) / 1000);
  std::string when;
  if (seconds < 120) {
    when = std::to_string(seconds) + (seconds == 1 ? " segundo" : " segundos");
  } else {
    when = std::to_string((seconds + 59) / 60) + " minutos";
  }
  return failure{errc::too_many_attempts,
                 "Demasiados intentos fallidos. Intente nuevamente en " + when + "."};
}

}  // namespace

result<void> check_sizes(std::string_view email, std::string_view password, std::string_view totp) {
  if (email.size() > max_email_bytes)
    return too_long("email", max_email_bytes);
  if (password.size() > services::max_password_bytes)
    return too_long("password", services::max_password_bytes);
  if (totp.size() > max_totp_bytes)
    return too_long("totp", max_totp_bytes);
  return {};
}

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

boost::asio::awaitable<result<void>> admit(request_context& ctx, std::string_view account_key,
                                           const std::string& address) {
  auto& services = ctx.services;
  if (!services.passwords().has_room(address))
    co_return failure{errc::busy,
                      "Hay demasiados accesos en curso desde su dirección; intente en unos "
                      "segundos."};
  const auto turn = services.throttle().admit(account_key, address, now_ms());
  if (!turn.admitted)
    co_return too_many_attempts(turn.retry_after_ms);
  if (turn.slowed_account)
    log::console("Intentos fallidos: los accesos a la cuenta " + clip_utf8(account_key, 80) +
                 " se espacian.");
  if (turn.slowed_address)
    log::console("Intentos fallidos: los accesos desde " + address + " se espacian.");
  // The wait is cut into slices so that a peer that hangs up or is stopped (shutdown) while
  // waiting frees its coroutine soon, instead of holding the loop open until its turn.
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(turn.wait_ms);
  boost::asio::steady_timer wait(co_await boost::asio::this_coro::executor);
  while (!ctx.caller->hung_up() && std::chrono::steady_clock::now() < until) {
    wait.expires_at(std::min(until, std::chrono::steady_clock::now() + wait_slice));
    co_await wait.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
  }
  if (ctx.caller->hung_up())
    co_return failure{errc::internal};
  co_return result<void>{};
}

security::password_pool::job_options hash_job(const request_context& ctx, std::string address) {
  return {std::move(address), [caller = ctx.caller] { return !caller->hung_up(); }};
}

std::optional<failure> not_run(peer& caller, security::password_pool::status state) {
  using status = security::password_pool::status;
  if (!caller.is_open() || caller.hung_up())
    return failure{errc::internal};  // nobody would read the reply: change nothing
  if (state == status::busy)
    return failure{errc::busy,
                   "El servidor está ocupado verificando contraseñas; intente en unos segundos."};
  if (state == status::dropped)
    return failure{errc::busy, "No se pudo verificar la contraseña; intente nuevamente."};
  return std::nullopt;
}

}  // namespace tcs::credentials
