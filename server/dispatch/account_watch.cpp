// The periodic check that logs out disabled accounts.
#include "server/dispatch/account_watch.hpp"

#include "server/log/console.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <exception>
#include <vector>

namespace tcs {

namespace asio = boost::asio;

std::size_t log_out_disabled(server_state& sessions, services::accounts_service& accounts) {
  const auto peers = sessions.snapshot();
  std::vector<std::int64_t> customer_ids, executive_ids;
  for (const auto& p : peers) {
    if (p->who == role::customer) {
      customer_ids.push_back(p->account_id);
    } else if (p->who == role::executive) {
      executive_ids.push_back(p->account_id);
    }
  }
  if (customer_ids.empty() && executive_ids.empty()) {
    return 0;
  }
  const auto disabled = accounts.disabled_among(customer_ids, executive_ids);
  if (disabled.customers.empty() && disabled.executives.empty()) {
    return 0;
  }
  const auto contains = [](const std::vector<std::int64_t>& ids, std::int64_t id) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
  };
  json::object event = make_event("account_disabled");
  event["message"] = account_disabled_message;
  std::size_t closed = 0;
  for (const auto& p : peers) {
    const bool is_disabled =
        (p->who == role::customer && contains(disabled.customers, p->account_id)) ||
        (p->who == role::executive && contains(disabled.executives, p->account_id));
    if (!is_disabled || !p->is_open()) {
      continue;
    }
    log::console(std::string(p->who == role::customer ? "Cliente " : "Ejecutivo ") + p->name +
                 ": cuenta deshabilitada por un administrador; se cierra su sesión.");
    server_state::send(*p, event);
    p->close_after_flush();
    ++closed;
  }
  return closed;
}

account_watch::account_watch(asio::any_io_executor executor, server_state& sessions,
                             services::accounts_service& accounts,
                             std::chrono::steady_clock::duration interval)
    : sessions_(sessions), accounts_(accounts), timer_(std::move(executor)), interval_(interval) {}

void account_watch::start() {
  asio::co_spawn(timer_.get_executor(), run(), [](std::exception_ptr e) {
    if (e)
      std::rethrow_exception(e);  // run() catches what it expects; anything else is a bug
  });
}

void account_watch::stop() {
  stopped_ = true;
  timer_.cancel();
}

asio::awaitable<void> account_watch::run() {
  while (!stopped_) {
    timer_.expires_after(interval_);
    auto [ec] = co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec || stopped_ || sessions_.shutting_down())
      co_return;
    try {
      log_out_disabled(sessions_, accounts_);
    } catch (const std::exception& e) {
      log::error(std::string("account watch: ") + e.what());
    }
  }
}

}  // namespace tcs
