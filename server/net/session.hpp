// One connection: a reader that decodes frames and runs them through the dispatcher, a writer
// that drains a bounded queue of encoded frames, and a watchdog for the time limits (see
// STYLE.md).
//
// Memory is what bounds the number of sessions one loop can hold, so an idle session holds no
// coroutine: the reader waits for readability with a plain completion handler, reads into one
// buffer shared by all sessions, and starts a coroutine only to run the requests that arrived
// (the dispatcher's handlers are coroutines); when they are done and no complete frame is left
// it goes back to waiting. The writer is a chain of writes started by deliver() (through a
// post, so deliver() itself never does I/O) and the watchdog a timer with a handler. Requests
// of one session still run one at a time and in order, and nothing is read while one runs.
//
// Generic over its stream so TLS can be added by instantiating it with an ssl::stream.
#pragma once

#include "common/protocol/frame.hpp"
#include "common/protocol/message.hpp"
#include "server/dispatch/dispatcher.hpp"
#include "server/dispatch/server_state.hpp"
#include "server/log/console.hpp"

#include <boost/asio.hpp>
#include <boost/asio/as_tuple.hpp>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace tcs::net {

namespace asio = boost::asio;
inline constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

// Frames gathered into one write; bounds the writer's per-call work.
inline constexpr std::size_t max_frames_per_write = 64;
// Read chunk shared by every session on the loop (only one reader runs at a time).
inline constexpr std::size_t shared_read_buffer_bytes = 64 * 1024;
// An outbox that grew past this many slots during a burst gives the memory back once empty.
inline constexpr std::size_t outbox_slots_kept = 8;

char* shared_read_buffer();

template <class Stream>
class session final : public peer, public std::enable_shared_from_this<session<Stream>> {
 public:
  using clock = std::chrono::steady_clock;

  session(Stream stream, server_state& state, const dispatcher& commands)
      : stream_(std::move(stream)),
        state_(state),
        commands_(commands),
        watchdog_(stream_.get_executor()) {}

  void start() {
    auto self = this->shared_from_this();
    boost::system::error_code ec;
    auto endpoint = stream_.remote_endpoint(ec);
    remote_address =
        ec ? "?" : endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
    stream_.non_blocking(true, ec);
    state_.join(self);
    arm_watchdog();
    wait_for_input();
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
    schedule_write();
  }

  void close_after_flush() override {
    if (stopped_ || closing_)
      return;
    closing_ = true;
    schedule_write();
  }

  void stop() override {
    if (stopped_)
      return;
    stopped_ = true;
    boost::system::error_code ignored;
    stream_.shutdown(asio::socket_base::shutdown_both, ignored);
    stream_.close(ignored);
    watchdog_.cancel();
    outbox_.clear();
    outbox_head_ = 0;
    outbox_bytes_ = 0;
    state_.leave(*this);
  }

  bool is_open() const override { return !stopped_; }

 private:
  // --- Reader -------------------------------------------------------------------------------

  void wait_for_input() {
    if (stopped_ || closing_)
      return;
    stream_.async_wait(asio::socket_base::wait_read,
                       [self = this->shared_from_this()](const boost::system::error_code& ec) {
                         self->on_readable(ec);
                       });
  }

  void on_readable(const boost::system::error_code& wait_ec) {
    if (wait_ec || stopped_ || closing_) {
      reader_ended();
      return;
    }
    char* buffer = shared_read_buffer();
    boost::system::error_code ec;
    const std::size_t n = stream_.read_some(asio::buffer(buffer, shared_read_buffer_bytes), ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) {
      wait_for_input();
      return;
    }
    if (ec) {
      reader_ended();  // end of stream or reset: a normal ending
      return;
    }
    last_input_ = clock::now();
    decoder_.feed(buffer, n);
    auto self = this->shared_from_this();
    asio::co_spawn(
        stream_.get_executor(), [self] { return self->run_requests(); },
        [self](std::exception_ptr e) { self->finished("reader", e); });
  }

  // Runs every complete frame received, in order, then waits for more input.
  asio::awaitable<void> run_requests() {
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
      auto out =
          co_await commands_.dispatch(state_, this->shared_from_this(), std::move(*ev->payload));
      if (stopped_)
        break;
      if (was_guest && who != role::guest)
        arm_watchdog();  // from now on the idle deadline applies
      state_.send(*this, out.reply);
      if (out.close_after_reply)
        close_after_flush();
      if (out.protocol_error)
        count_protocol_error();
    }
    if (stopped_)
      co_return;
    if (closing_) {
      reader_ended();
      co_return;
    }
    wait_for_input();
  }

  // The reader stops for good: after a closing flush the writer ends the session; otherwise
  // (end of stream, reset) it ends now.
  void reader_ended() {
    if (!closing_)
      stop();
  }

  // --- Writer -------------------------------------------------------------------------------

  std::size_t queued() const noexcept { return outbox_.size() - outbox_head_; }

  // Starts the writer on the loop unless it is already running or about to.
  void schedule_write() {
    if (writing_)
      return;
    writing_ = true;
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] { self->write_next(); });
  }

  // Writes what is queued (up to max_frames_per_write frames at once); the frames stay in the
  // outbox (shared, not copied) until their write completes. With nothing left: idle, or the
  // end of a closing session.
  void write_next() {
    if (stopped_) {
      writing_ = false;
      return;
    }
    const std::size_t count = std::min(queued(), max_frames_per_write);
    if (count == 0) {
      writing_ = false;
      if (closing_)
        stop();
      return;
    }
    auto self = this->shared_from_this();
    auto done = [self, count](const boost::system::error_code& ec, std::size_t) {
      self->written(ec, count);
    };
    if (count == 1) {
      asio::async_write(stream_, asio::buffer(*outbox_[outbox_head_]), std::move(done));
      return;
    }
    std::vector<asio::const_buffer> buffers;
    buffers.reserve(count);
    for (std::size_t i = 0; i < count; ++i)
      buffers.push_back(asio::buffer(*outbox_[outbox_head_ + i]));
    asio::async_write(stream_, std::move(buffers), std::move(done));
  }

  void written(const boost::system::error_code& ec, std::size_t count) {
    if (ec || stopped_) {
      writing_ = false;
      stop();
      return;
    }
    for (std::size_t i = 0; i < count; ++i) {
      outbox_bytes_ -= outbox_[outbox_head_]->size();
      outbox_[outbox_head_++].reset();
    }
    if (queued() == 0) {
      outbox_.clear();
      outbox_head_ = 0;
      if (outbox_.capacity() > outbox_slots_kept)
        outbox_.shrink_to_fit();
    }
    write_next();
  }

  // --- Watchdog -----------------------------------------------------------------------------

  // One timer per session enforces both time limits: log in within login_timeout_s, and once
  // logged in, answer a heartbeat within idle_timeout_s of it. Called at start, at login and
  // whenever the timer fires; computes the next deadline from the latest input.
  void arm_watchdog() {
    if (stopped_ || closing_)
      return;
    const auto login_limit = std::chrono::seconds(state_.config().login_timeout_s);
    const auto idle_limit = std::chrono::seconds(state_.config().idle_timeout_s);
    const auto now = clock::now();
    clock::time_point deadline;
    if (who == role::guest) {
      deadline = started_ + login_limit;
    } else {
      if (last_input_ + idle_limit > now)
        heartbeat_sent_ = false;
      deadline = last_input_ + (heartbeat_sent_ ? 2 * idle_limit : idle_limit);
    }
    if (now >= deadline) {
      if (who == role::guest) {
        json::object ev = make_event("timeout");
        ev["message"] = "Tiempo de autenticación agotado.";
        state_.send(*this, ev);
        close_after_flush();
      } else if (heartbeat_sent_) {
        log::error("closing " + remote_address + " (" + name + "): no answer to heartbeat");
        stop();
      } else {
        state_.send(*this, make_event("heartbeat"));
        heartbeat_sent_ = true;
        arm_watchdog();
      }
      return;
    }
    // Re-arming cancels the wait in progress; its handler sees operation_aborted and returns.
    watchdog_.expires_at(deadline);
    watchdog_.async_wait([self = this->shared_from_this()](const boost::system::error_code& ec) {
      if (!ec)
        self->arm_watchdog();
    });
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
  asio::steady_timer watchdog_;  // login and idle deadlines
  const clock::time_point started_ = clock::now();
  clock::time_point last_input_ = started_;
  std::size_t protocol_errors_ = 0;
  // Frames [outbox_head_, end) wait to be written; a vector, not a deque, so an empty outbox
  // holds no memory.
  std::vector<std::shared_ptr<const std::string>> outbox_;
  std::size_t outbox_head_ = 0;
  std::size_t outbox_bytes_ = 0;
  frame_decoder decoder_;
  bool stopped_ = false;
  bool closing_ = false;
  bool writing_ = false;  // a write is in flight or posted
  bool heartbeat_sent_ = false;
};

}  // namespace tcs::net
