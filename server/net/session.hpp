// One connection: a reader coroutine that decodes frames and runs them through the dispatcher,
// and a writer coroutine that drains a bounded queue of encoded frames (see STYLE.md).
//
// Generic over its stream so TLS can be added by instantiating it with an ssl::stream; the
// plain-TCP reader waits for readability and reads into one buffer shared by all sessions, so
// an idle session holds no read buffer at all.
#pragma once

#include "common/protocol/frame.hpp"
#include "common/protocol/message.hpp"
#include "server/dispatch/dispatcher.hpp"
#include "server/dispatch/server_state.hpp"
#include "server/log/console.hpp"

#include <boost/asio.hpp>
#include <boost/asio/as_tuple.hpp>

#include <array>
#include <chrono>
#include <deque>
#include <memory>
#include <span>
#include <string>

namespace tcs::net {

namespace asio = boost::asio;
inline constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

// Frames gathered into one write; bounds the writer's per-call work.
inline constexpr std::size_t max_frames_per_write = 64;
// Read chunk shared by every session on the loop (only one reader runs at a time).
inline constexpr std::size_t shared_read_buffer_bytes = 64 * 1024;

char* shared_read_buffer();

template <class Stream>
class session final : public peer, public std::enable_shared_from_this<session<Stream>> {
 public:
  session(Stream stream, server_state& state, const dispatcher& commands)
      : stream_(std::move(stream)),
        state_(state),
        commands_(commands),
        wakeup_(stream_.get_executor()),
        watchdog_(stream_.get_executor()) {
    wakeup_.expires_at(std::chrono::steady_clock::time_point::max());
  }

  void start() {
    auto self = this->shared_from_this();
    boost::system::error_code ec;
    auto endpoint = stream_.remote_endpoint(ec);
    remote_address =
        ec ? "?" : endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
    stream_.non_blocking(true, ec);
    state_.join(self);
    auto ex = stream_.get_executor();
    asio::co_spawn(
        ex, [self] { return self->reader(); },
        [self](std::exception_ptr e) { self->finished("reader", e); });
    asio::co_spawn(
        ex, [self] { return self->writer(); },
        [self](std::exception_ptr e) { self->finished("writer", e); });
    asio::co_spawn(
        ex, [self] { return self->watchdog(); },
        [self](std::exception_ptr e) { self->finished("watchdog", e); });
  }

  void deliver(std::shared_ptr<const std::string> frame) override {
    if (stopped_ || closing_)
      return;
    outbox_bytes_ += frame->size();
    outbox_.push_back(std::move(frame));
    if (outbox_bytes_ > state_.config().max_outbound_bytes) {
      log::error("closing " + remote_address + ": it does not read its messages (" +
                 std::to_string(outbox_bytes_) + " bytes queued)");
      stop();
      return;
    }
    wakeup_.cancel_one();
  }

  void close_after_flush() override {
    if (stopped_ || closing_)
      return;
    closing_ = true;
    wakeup_.cancel_one();
  }

  void stop() override {
    if (stopped_)
      return;
    stopped_ = true;
    boost::system::error_code ignored;
    stream_.shutdown(asio::socket_base::shutdown_both, ignored);
    stream_.close(ignored);
    wakeup_.cancel();
    watchdog_.cancel();
    outbox_.clear();
    outbox_bytes_ = 0;
    state_.leave(*this);
  }

  bool is_open() const override { return !stopped_; }

 private:
  asio::awaitable<void> reader() {
    char* buffer = shared_read_buffer();
    while (!stopped_ && !closing_) {
      auto [wait_ec] = co_await stream_.async_wait(asio::socket_base::wait_read, use_nothrow);
      if (wait_ec || stopped_ || closing_)
        break;
      boost::system::error_code ec;
      std::size_t n = stream_.read_some(asio::buffer(buffer, shared_read_buffer_bytes), ec);
      if (ec == asio::error::would_block || ec == asio::error::try_again)
        continue;
      if (ec)
        break;  // end of stream or reset: a normal ending
      last_input_ = std::chrono::steady_clock::now();
      decoder_.feed(buffer, n);
      while (!stopped_ && !closing_) {
        auto ev = decoder_.next();
        if (!ev)
          break;
        if (ev->error) {
          state_.send(*this, make_error("error", std::nullopt, failure{*ev->error}));
          if (decoder_.failed())
            close_after_flush();
          count_protocol_error();
          continue;
        }
        const bool was_guest = who == role::guest;
        auto out = co_await commands_.dispatch(state_, this->shared_from_this(), *ev->payload);
        if (stopped_)
          break;
        if (was_guest && who != role::guest)
          watchdog_.cancel();  // re-arm: from now on the idle deadline applies
        state_.send(*this, out.reply);
        if (out.close_after_reply)
          close_after_flush();
        if (out.protocol_error)
          count_protocol_error();
      }
    }
    if (!closing_)
      stop();
  }

  asio::awaitable<void> writer() {
    std::array<asio::const_buffer, max_frames_per_write> buffers;
    while (!stopped_) {
      if (outbox_.empty()) {
        if (closing_)
          break;
        co_await wakeup_.async_wait(use_nothrow);
        continue;
      }
      std::size_t count = std::min(outbox_.size(), buffers.size());
      for (std::size_t i = 0; i < count; ++i)
        buffers[i] = asio::buffer(*outbox_[i]);
      // The frames stay in outbox_ (shared, not copied) until the write completes.
      auto [ec, written] = co_await asio::async_write(
          stream_, std::span<const asio::const_buffer>(buffers.data(), count), use_nothrow);
      if (ec || stopped_)
        break;
      for (std::size_t i = 0; i < count; ++i) {
        outbox_bytes_ -= outbox_.front()->size();
        outbox_.pop_front();
      }
    }
    stop();
  }

  // One timer per session enforces both time limits: log in within login_timeout_s, and once
  // logged in, answer a heartbeat within idle_timeout_s of it.
  asio::awaitable<void> watchdog() {
    using clock = std::chrono::steady_clock;
    const auto login_limit = std::chrono::seconds(state_.config().login_timeout_s);
    const auto idle_limit = std::chrono::seconds(state_.config().idle_timeout_s);
    const auto started = clock::now();
    bool heartbeat_sent = false;
    while (!stopped_ && !closing_) {
      clock::time_point deadline;
      if (who == role::guest) {
        deadline = started + login_limit;
      } else {
        if (last_input_ + idle_limit > clock::now())
          heartbeat_sent = false;
        deadline = last_input_ + (heartbeat_sent ? 2 * idle_limit : idle_limit);
      }
      if (clock::now() >= deadline) {
        if (who == role::guest) {
          json::object ev = make_event("timeout");
          ev["message"] = "Tiempo de autenticación agotado.";
          state_.send(*this, ev);
          close_after_flush();
        } else if (heartbeat_sent) {
          log::error("closing " + remote_address + " (" + name + "): no answer to heartbeat");
          stop();
        } else {
          state_.send(*this, make_event("heartbeat"));
          heartbeat_sent = true;
          continue;
        }
        break;
      }
      watchdog_.expires_at(deadline);
      co_await watchdog_.async_wait(use_nothrow);  // cancelled: recompute the deadline
    }
  }

  // Counts a protocol error; past the cap the peer is told and disconnected.
  void count_protocol_error() {
    if (++protocol_errors_ <= state_.config().max_protocol_errors)
      return;
    log::error("closing " + remote_address + ": too many protocol errors");
    state_.send(*this, make_error("error", std::nullopt,
                                  failure{errc::invalid_state, "Demasiados mensajes inválidos."}));
    close_after_flush();
  }

  void finished(std::string_view part, std::exception_ptr e) {
    if (e) {
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        log::error("session " + remote_address + " " + std::string(part) + ": " + ex.what());
      }
      stop();
    }
  }

  Stream stream_;
  server_state& state_;
  const dispatcher& commands_;
  asio::steady_timer wakeup_;    // the writer sleeps on it; deliver() wakes it
  asio::steady_timer watchdog_;  // login and idle deadlines
  std::chrono::steady_clock::time_point last_input_ = std::chrono::steady_clock::now();
  std::size_t protocol_errors_ = 0;
  std::deque<std::shared_ptr<const std::string>> outbox_;
  std::size_t outbox_bytes_ = 0;
  frame_decoder decoder_;
  bool stopped_ = false;
  bool closing_ = false;
};

}  // namespace tcs::net
