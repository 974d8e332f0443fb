// One connection: a reader that decodes frames and runs them through the dispatcher, a writer
// that drains a bounded queue of encoded frames, and a watchdog for the time limits (see
// STYLE.md).
//
// Memory is what bounds the number of sessions one loop can hold, so an idle session holds no
// coroutine: the reader is a plain completion handler on a read into a small inbox of the
// session's own (a larger input continues into one buffer shared by all sessions), and starts
// a coroutine only to run the requests that arrived (the dispatcher's handlers are
// coroutines); when they are done and no complete frame is left it goes back to reading. The
// writer is a chain of writes started by deliver() (through a post, so deliver() itself never
// does I/O) and the watchdog a timer with a handler. Requests of one session still run one at
// a time and in order, and nothing is read while one runs.
//
// The input buffer counts against the loop's input budget (input_budget.hpp) while it holds
// an unfinished large frame, and is given back once the requests in it ran. On shutdown a
// session reads nothing more: the request running (if any) is finished and answered, then
// the `shutdown` event is sent and the connection closed.
//
// Generic over its stream so TLS can be added by instantiating it with an ssl::stream.
#pragma once

#include "common/protocol/frame.hpp"
#include "common/protocol/message.hpp"
#include "server/dispatch/dispatcher.hpp"
#include "server/dispatch/server_state.hpp"
#include "server/log/console.hpp"
#include "server/net/input_budget.hpp"

#include <boost/asio.hpp>
#include <boost/asio/as_tuple.hpp>

#include <poll.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace tcs::net {

namespace asio = boost::asio;
inline constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

// Frames gathered into one write; bounds the writer's per-call work.
inline constexpr std::size_t max_frames_per_write = 64;
// Each session's own read buffer: enough for a request or a chat line.
inline constexpr std::size_t session_inbox_bytes = 256;
// Where a session that filled its inbox reads the rest of what is waiting; shared by every
// session on the loop (only one reader runs at a time).
inline constexpr std::size_t shared_read_buffer_bytes = 64 * 1024;
// An outbox that grew past this many slots during a burst gives the memory back once empty.
inline constexpr std::size_t outbox_slots_kept = 8;

char* shared_read_buffer();

template <class Stream>
class session final : public peer,
                      public input_budget::holder,
                      public std::enable_shared_from_this<session<Stream>> {
 public:
  using clock = std::chrono::steady_clock;

  session(Stream stream, server_state& state, const dispatcher& commands, input_budget& budget)
      : stream_(std::move(stream)),
        state_(state),
        commands_(commands),
        budget_(budget),
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

  // Reads nothing more; the request running, if any, is answered before the farewell.
  void shut_down(std::shared_ptr<const std::string> farewell) override {
    if (stopped_ || closing_ || shutting_down_)
      return;
    shutting_down_ = true;
    farewell_ = std::move(farewell);
    if (!running_)
      say_farewell();
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
    head_written_ = 0;
    outbox_bytes_ = 0;
    decoder_ = frame_decoder{};  // the session object may outlive its socket for a while
    budget_.update(*this, 0);
    state_.leave(*this);
  }

  bool is_open() const override { return !stopped_; }

  // Over the input budget and among the sessions holding the most: closed.
  void evict() override {
    if (budget_.evicted() <= 1)  // one line per burst; the listener logs the count
      log::error("closing " + remote_address + ": unfinished requests over the input budget (" +
                 std::to_string(budget_.total()) + " of " + std::to_string(budget_.limit()) +
                 " bytes held)");
    stop();
  }

  // No read is pending while a request runs, so ask the kernel: POLLRDHUP once the peer has
  // closed its side (a client that half-closes and waits for the reply counts as gone), POLLHUP
  // or POLLERR after a reset. A zero-timeout poll(): it never blocks.
  bool hung_up() override {
    if (stopped_)
      return true;
    pollfd p{stream_.lowest_layer().native_handle(), POLLRDHUP, 0};
    return ::poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) != 0;
  }

 private:
  // --- Reader -------------------------------------------------------------------------------

  // A pending read with a small buffer of the session's own: unlike a wait for readability,
  // Asio starts it without an epoll_ctl call, and a request or a chat line fits in it.
  void wait_for_input() {
    if (stopped_ || closing_ || shutting_down_)
      return;
    stream_.async_read_some(asio::buffer(inbox_), [self = this->shared_from_this()](
                                                      const boost::system::error_code& ec,
                                                      std::size_t n) { self->on_input(ec, n); });
  }

  void on_input(const boost::system::error_code& ec, std::size_t n) {
    if (ec || stopped_ || closing_) {
      reader_ended();  // end of stream or reset: a normal ending
      return;
    }
    if (shutting_down_)
      return;  // input that arrived after the shutdown began is not read
    last_input_ = clock::now();
    decoder_.feed(inbox_.data(), n);
    if (n == inbox_.size()) {
      // The inbox filled: take what else is waiting (up to one shared buffer) without waiting.
      // An error here ends nothing yet: the next read sees it again after these requests ran.
      boost::system::error_code more_ec;
      char* buffer = shared_read_buffer();
      const std::size_t more =
          stream_.read_some(asio::buffer(buffer, shared_read_buffer_bytes), more_ec);
      if (!more_ec)
        decoder_.feed(buffer, more);
    }
    if (!count_input_memory())
      return;  // evicted: this session held the most of an input budget gone over its limit
    running_ = true;
    auto self = this->shared_from_this();
    asio::co_spawn(
        stream_.get_executor(), [self] { return self->run_requests(); },
        [self](std::exception_ptr e) { self->finished("reader", e); });
  }

  // Runs every complete frame received, in order, then waits for more input.
  asio::awaitable<void> run_requests() {
    while (!stopped_ && !closing_ && !shutting_down_) {
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
      state_.send(*this, out.reply, out.encoded);
      if (out.close_after_reply)
        close_after_flush();
      if (out.protocol_error)
        count_protocol_error();
    }
    running_ = false;
    if (stopped_)
      co_return;
    if (decoder_.capacity() > input_kept_bytes)
      decoder_.release_memory();  // a large request ran: give its buffer back
    if (!count_input_memory())
      co_return;
    if (shutting_down_ && !closing_) {
      say_farewell();
      co_return;
    }
    if (closing_) {
      reader_ended();
      co_return;
    }
    wait_for_input();
  }

  // Reports the input buffer to the budget. False when that evicted this session.
  bool count_input_memory() {
    const std::size_t held = decoder_.capacity();
    return budget_.update(*this, held > input_kept_bytes ? held : 0);
  }

  void say_farewell() {
    if (farewell_)
      deliver(std::move(farewell_));
    close_after_flush();
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

  // Writes what is queued, up to max_frames_per_write frames per system call, straight away:
  // on a socket with room in its send buffer (the usual case) that is the whole write, with no
  // reactor operation. When the socket is full it waits until it can take more and goes on
  // from where it stopped. The frames stay in the outbox (shared, not copied) until written.
  // With nothing left: idle, or the end of a closing session.
  void write_next() {
    while (!stopped_ && queued() > 0) {
      const std::size_t count = std::min(queued(), max_frames_per_write);
      std::array<asio::const_buffer, max_frames_per_write> buffers;
      buffers[0] = asio::buffer(*outbox_[outbox_head_]) + head_written_;
      for (std::size_t i = 1; i < count; ++i)
        buffers[i] = asio::buffer(*outbox_[outbox_head_ + i]);
      boost::system::error_code ec;
      const std::size_t n =
          stream_.write_some(std::span<const asio::const_buffer>(buffers.data(), count), ec);
      if (ec == asio::error::would_block || ec == asio::error::try_again) {
        stream_.async_wait(asio::socket_base::wait_write,
                           [self = this->shared_from_this()](const boost::system::error_code& e) {
                             if (e)
                               self->stop();
                             else
                               self->write_next();
                           });
        return;
      }
      if (ec) {
        writing_ = false;
        stop();
        return;
      }
      written(n);
    }
    writing_ = false;
    if (stopped_)
      return;
    outbox_.clear();
    outbox_head_ = 0;
    if (outbox_.capacity() > outbox_slots_kept)
      outbox_.shrink_to_fit();
    if (closing_)
      stop();
  }

  // Drops the frames the last write completed and remembers how far it got into the next one.
  void written(std::size_t n) {
    while (n > 0) {
      const std::size_t left = outbox_[outbox_head_]->size() - head_written_;
      if (n < left) {
        head_written_ += n;
        return;
      }
      n -= left;
      head_written_ = 0;
      outbox_bytes_ -= outbox_[outbox_head_]->size();
      outbox_[outbox_head_++].reset();
    }
  }

  // --- Watchdog -----------------------------------------------------------------------------

  // One timer per session enforces both time limits: log in within login_timeout_s, and once
  // logged in, answer a heartbeat within idle_timeout_s of it. Called at start, at login and
  // whenever the timer fires; computes the next deadline from the latest input. Any input
  // received after the heartbeat was sent answers it, however late the timer fires: the
  // deadlines are measured from the input and from the heartbeat, never from the timer.
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
      if (heartbeat_sent_ && last_input_ >= heartbeat_at_)
        heartbeat_sent_ = false;  // answered
      deadline = heartbeat_sent_ ? heartbeat_at_ + idle_limit : last_input_ + idle_limit;
    }
    if (now >= deadline) {
      if (who == role::guest) {
        json::object ev = make_event("timeout");
        ev["message"] = "Tiempo de autenticación agotado.";
        state_.send(*this, ev);
        close_after_flush();
      } else if (heartbeat_sent_ && running_) {
        // Its input is not read while its request runs: the answer may be waiting unread.
        heartbeat_at_ = now;
        arm_watchdog();
      } else if (heartbeat_sent_) {
        log::error("closing " + remote_address + " (" + name + "): no answer to heartbeat");
        stop();
      } else {
        state_.send(*this, make_event("heartbeat"));
        heartbeat_sent_ = true;
        heartbeat_at_ = now;
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
  input_budget& budget_;
  asio::steady_timer watchdog_;  // login and idle deadlines
  const clock::time_point started_ = clock::now();
  clock::time_point last_input_ = started_;
  clock::time_point heartbeat_at_{};  // when the unanswered heartbeat was sent
  std::size_t protocol_errors_ = 0;
  // Frames [outbox_head_, end) wait to be written; a vector, not a deque, so an empty outbox
  // holds no memory.
  std::vector<std::shared_ptr<const std::string>> outbox_;
  std::size_t outbox_head_ = 0;
  std::size_t head_written_ = 0;  // bytes of the first queued frame already written
  std::size_t outbox_bytes_ = 0;
  frame_decoder decoder_;
  std::array<char, session_inbox_bytes> inbox_;
  bool stopped_ = false;
  bool closing_ = false;
  bool writing_ = false;  // a write is in flight or posted
  bool heartbeat_sent_ = false;
  bool running_ = false;                         // run_requests() is on; nothing is read meanwhile
  bool shutting_down_ = false;                   // the server is stopping: read nothing more
  std::shared_ptr<const std::string> farewell_;  // the shutdown event, once nothing runs
};

}  // namespace tcs::net
