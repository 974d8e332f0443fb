// The support desk's time limits: who is told what when a wait or a chat runs out of time.
#include "server/dispatch/support_timers.hpp"

#include "common/protocol/actions.hpp"
#include "server/dispatch/agent_support.hpp"
#include "server/dispatch/audit.hpp"
#include "server/dispatch/support_common.hpp"
#include "server/log/console.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <exception>
#include <string>

namespace tcs {

namespace asio = boost::asio;

namespace {

// "15 min" / "40 s": a limit as the customer reads it.
std::string span_text(std::int64_t seconds) {
  if (seconds >= 60 && seconds % 60 == 0)
    return std::to_string(seconds / 60) + " min";
  return std::to_string(seconds) + " s";
}

void queue_timed_out(server_state& sessions, tcs::services::service_set& services,
                     const tcs::services::queue_entry& entry) {
  auto customer = sessions.customer_peer(entry.customer_id);
  if (!customer)
    return;
  const std::int64_t limit = sessions.config().max_queue_wait_s;
  const std::int64_t waited = std::max<std::int64_t>(0, services.now() - entry.since);
  audit::record_activity(services, *customer, actions::queue_timeout,
                         "Salió de la cola tras " + std::to_string(waited) + " s de espera");
  log::console("Cliente " + customer->name + " salió de la cola de espera (esperó más de " +
               span_text(limit) + ").");
  json::object ev = make_event("queue.timeout");
  ev["waited_s"] = waited;
  ev["message"] = "Lleva más de " + span_text(limit) +
                  " esperando y no hay un ejecutivo libre: vuelve al menú. Puede intentarlo de "
                  "nuevo más tarde.";
  server_state::send(*customer, ev);
  support::announce_left(sessions, services, *customer, "timeout");
}

void chat_timed_out(server_state& sessions, tcs::services::service_set& services,
                    const tcs::services::chat_closed& closed) {
  auto customer = sessions.customer_peer(closed.customer_id);
  auto executive = sessions.executive_peer(closed.executive_id);
  const std::string limit = span_text(sessions.config().chat_idle_close_s);
  const std::string customer_name = support::customer_name(sessions, services, closed.customer_id);
  if (executive)
    audit::record_activity(services, *executive, actions::chat_end,
                           "Conversación cerrada tras " + limit + " sin mensajes", "ok",
                           closed.customer_id);
  log::console("Conversación del ejecutivo " +
               support::executive_name(sessions, services, closed.executive_id) +
               " con el cliente " + customer_name + " cerrada por inactividad.");
  const std::string message =
      "La conversación se cerró por inactividad (" + limit + " sin mensajes).";
  support::chat_finished(services, closed.customer_id, "idle");
  if (closed.cancelled_offer) {
    support::tell_offer_cancelled(customer, *closed.cancelled_offer, "idle");
    support::tell_offer_cancelled(executive, *closed.cancelled_offer, "idle", services.support(),
                                  closed.chat_id, closed.slot);
  }
  support::tell_chat_ended(services, customer, "idle", message);
  support::tell_chat_ended(services, executive, "idle", message, &closed);
}

}  // namespace

std::size_t sweep_support_limits(server_state& sessions, services::service_set& services) {
  const auto& config = sessions.config();
  auto ended =
      services.support().expire(services.now(), config.max_queue_wait_s, config.chat_idle_close_s);
  if (ended.empty())
    return 0;
  for (const auto& entry : ended.timed_out)
    queue_timed_out(sessions, services, entry);
  support::tell_positions(sessions, services, ended.moved);
  for (const auto& closed : ended.idle_chats)
    chat_timed_out(sessions, services, closed);
  support::auto_assign(sessions, services);
  for (const auto& closed : ended.idle_chats)
    support::tell_who_waits(services, sessions.executive_peer(closed.executive_id), sessions);
  return ended.timed_out.size() + ended.idle_chats.size();
}

support_timers::support_timers(asio::any_io_executor executor, server_state& sessions,
                               services::service_set& services)
    : sessions_(sessions), services_(services), timer_(std::move(executor)) {}

void support_timers::start() {
  if (sessions_.config().max_queue_wait_s == 0 && sessions_.config().chat_idle_close_s == 0)
    return;
  asio::co_spawn(timer_.get_executor(), run(), [](std::exception_ptr e) {
    if (e)
      std::rethrow_exception(e);  // run() catches what it expects; anything else is a bug
  });
}

void support_timers::stop() {
  stopped_ = true;
  timer_.cancel();
}

asio::awaitable<void> support_timers::run() {
  while (!stopped_) {
    timer_.expires_after(support_sweep_interval);
    auto [ec] = co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec || stopped_ || sessions_.shutting_down())
      co_return;
    try {
      sweep_support_limits(sessions_, services_);
    } catch (const std::exception& e) {
      log::error(std::string("support time limits: ") + e.what());
    }
  }
}

}  // namespace tcs
