// The terminals' reconnection: a lost connection made again with backoff, and the session
// taken back with its resume token (session.hpp, "Reconnect").
#include "common/net/use_nothrow.hpp"
#include "common/term/session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <string>
#include <utility>

namespace tcs::term {

namespace asio = boost::asio;

void session::close_connection() {
  may_reconnect_ = false;
  if (pause_)
    pause_->cancel();
  conn_->close();
}

void session::start_reconnecting() {
  if (reconnecting_)
    return;
  reconnecting_ = true;
  auto ex = conn_->executor();
  if (!resumed_)
    resumed_.emplace(ex);
  if (!pause_)
    pause_.emplace(ex);
  resumed_->expires_at(asio::steady_timer::time_point::max());
  // Requests made while reconnecting wait for the new connection (client_connection.hpp).
  conn_->forward_to([this] { return wait_reconnected(); });
  say("Se perdió la conexión con el servidor. Reconectando… (puede seguir escribiendo)");
  asio::co_spawn(ex, reconnect(), asio::detached);
}

asio::awaitable<void> session::reconnect() {
  const int attempts = static_cast<int>(reconnect_delays.size());
  for (int attempt = 1; attempt <= attempts && may_reconnect_; ++attempt) {
    pause_->expires_after(reconnect_delays[attempt - 1]);
    co_await pause_->async_wait(use_nothrow);
    if (!may_reconnect_)
      break;
    if (co_await try_resume(attempt)) {
      finish_reconnecting(true);
      co_return;
    }
  }
  finish_reconnecting(false);
}

// One attempt: a fresh connection, hello, resume. False to try again, or to give up (a refused
// resume has been said and may_reconnect_ cleared).
asio::awaitable<bool> session::try_resume(int attempt) {
  const int attempts = static_cast<int>(reconnect_delays.size());
  auto fresh = conn_->renewed(co_await asio::this_coro::executor);
  // The events kept by the server come right behind the reply, before this coroutine goes on:
  // they wait until "Conexión recuperada" is said.
  early_events_.clear();
  resuming_ = true;
  fresh->on_event([this](const json::object& ev) {
    if (resuming_)
      early_events_.push_back(ev);
    else
      on_event(ev);
  });
  auto hello = co_await fresh->connect(host_, port_, client_name_);
  if (hello) {
    json::object request = make_event("resume");
    request["token"] = resume_token_;
    auto reply = co_await fresh->request(std::move(request));
    if (reply) {
      auto token = get_string(*reply, "resume_token");
      resume_token_ = token ? std::string(*token) : std::string();
      auto old = conn_;
      conn_ = fresh;
      old->close();
      auto missed = get_int(*reply, "missed");
      say(missed && *missed > 0 ? "Conexión recuperada. Lo que pasó mientras tanto:"
                                : "Conexión recuperada.");
      resuming_ = false;
      for (const auto& ev : std::exchange(early_events_, {}))
        on_event(ev);
      co_return true;
    }
    resuming_ = false;
    early_events_.clear();
    fresh->close();
    if (!reply.error().transport) {  // refused: the grace is over, or the token is spent
      say(reply.error().message);
      may_reconnect_ = false;
      co_return false;
    }
  }
  resuming_ = false;
  early_events_.clear();
  if (attempt < attempts)
    say("Sin conexión (intento " + std::to_string(attempt) + " de " + std::to_string(attempts) +
        "); se reintenta en " +
        std::to_string(
            std::chrono::duration_cast<std::chrono::seconds>(reconnect_delays[attempt]).count()) +
        " s.");
  co_return false;
}

void session::finish_reconnecting(bool resumed) {
  reconnecting_ = false;
  if (!resumed) {
    resume_token_.clear();
    if (may_reconnect_)
      say("No se pudo reconectar con el servidor.");
    connection_lost_ = true;
    term_.interrupt();
  }
  resumed_->cancel();  // wakes the requests waiting in wait_reconnected()
}

asio::awaitable<std::shared_ptr<client_connection>> session::wait_reconnected() {
  while (reconnecting_)
    co_await resumed_->async_wait(use_nothrow);
  co_return connection_lost_ ? nullptr : conn_;
}

}  // namespace tcs::term
