// A session: the reader, the request loop, the writer and the watchdog of one peer.
#include "server/net/session.hpp"

#include "common/protocol/message.hpp"
#include "server/log/console.hpp"
#include "server/net/net_counters.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>

#include <string>

namespace tcs::net {

namespace asio = boost::asio;

session::session(std::unique_ptr<message_transport> transport, server_state& server,
                 const dispatcher& commands, input_budget& budget)
    : transport_(std::move(transport)),
      server_(server),
      commands_(commands),
      budget_(budget),
      watchdog_(transport_->get_executor()) {}

void session::start() {
  transport_->start(*this);
  remote_address = transport_->remote_address();
  server_.join(shared_from_this());
  arm_watchdog();
  wait_for_input();
}

// --- Outbox -----------------------------------------------------------------------------------

void session::deliver(std::shared_ptr<const std::string> frame) {
  if (state_ >= state::closing)
    return;
  outbox_.push(std::move(frame));
  if (outbox_.bytes() > server_.config().max_outbound_bytes) {
    log::error("closing " + remote_address + ": it does not read its messages (" +
               std::to_string(outbox_.bytes()) + " bytes queued)");
    ++counters.slow_reader_closes;
    drop();
    return;
  }
  schedule_write();
}

void session::close_after_flush() {
  resumable = false;  // closed on purpose: nothing to resume
  if (state_ >= state::closing)
    return;
  state_ = state::closing;
  schedule_write();
}

// Reads nothing more; the request running, if any, is answered before the farewell.
void session::shut_down(std::shared_ptr<const std::string> farewell) {
  if (state_ >= state::draining)
    return;
  state_ = state::draining;
  farewell_ = std::move(farewell);
  if (!running_)
    say_farewell();
}

// The one teardown, whoever notices first: closes the transport (a pending read or wait then
// completes with an error and its handler returns), cancels the timer and leaves the
// registry, which takes the user out of the queue or the chat and tells the other party.
void session::stop() {
  if (state_ == state::closed)
    return;
  state_ = state::closed;
  transport_->close();
  watchdog_.cancel();
  outbox_.clear();
  budget_.update(*this, 0);
  server_.leave(*this);
}

// Stops sending now and tears down from the loop, not from the stack of whoever noticed (a
// fan-out delivering to many peers, another session's input over the budget).
void session::drop() {
  if (state_ >= state::dropping)
    return;
  state_ = state::dropping;
  asio::post(watchdog_.get_executor(), [self = shared_from_this()] { self->stop(); });
}

void session::evict() {
  if (budget_.evicted() <= 1)  // one line per burst; the listener logs the count
    log::error("closing " + remote_address + ": unfinished requests over the input budget (" +
               std::to_string(budget_.total()) + " of " + std::to_string(budget_.limit()) +
               " bytes held)");
  drop();  // the budget stops counting this session at once (input_budget::update)
}

// --- Reader -----------------------------------------------------------------------------------

void session::wait_for_input() {
  if (reading())
    transport_->read();
}

void session::on_input(const boost::system::error_code& ec) {
  if (ec || state_ >= state::closing) {
    reader_ended();  // end of stream or reset: a normal ending
    return;
  }
  if (state_ == state::draining)
    return;  // input that arrived after the shutdown began is not read
  last_input_ = clock::now();
  if (!count_input_memory())
    return;  // evicted: this session held the most of an input budget gone over its limit
  running_ = true;
  auto self = shared_from_this();
  asio::co_spawn(
      watchdog_.get_executor(), [self] { return self->run_requests(); },
      [self](std::exception_ptr e) { self->finished("reader", e); });
}

// Runs every complete message received, in order, then waits for more input.
asio::awaitable<void> session::run_requests() {
  while (reading()) {
    auto ev = transport_->next_message();
    if (!ev)
      break;
    if (ev->error) {
      server_state::send(*this, make_error("error", std::nullopt, failure{*ev->error}));
      if (transport_->input_broken())
        close_after_flush();
      count_protocol_error();
      continue;
    }
    const bool was_guest = who == role::guest;
    const auto started = clock::now();
    auto out = co_await commands_.dispatch(server_, shared_from_this(), std::move(*ev->payload));
    counters.request_latency.observe(clock::now() - started);
    if (state_ >= state::dropping)
      break;
    server_state::send(*this, out.reply, out.encoded);
    if (was_guest && who != role::guest) {
      if (state_ == state::guest)
        state_ = state::logged_in;
      // From now on the idle deadline applies, counted from the reply: a login waits for the
      // hashing pool, which on a loaded machine can take longer than the idle limit, and its
      // reply must come before the first heartbeat.
      last_input_ = clock::now();
      arm_watchdog();
    }
    if (out.close_after_reply)
      close_after_flush();
    if (out.protocol_error)
      count_protocol_error();
  }
  running_ = false;
  if (state_ >= state::dropping)
    co_return;
  if (transport_->input_memory() > input_kept_bytes)
    transport_->release_input_memory();  // a large request ran: give its buffer back
  if (!count_input_memory())
    co_return;
  if (state_ == state::draining)
    say_farewell();
  else
    wait_for_input();  // unless closing: then the writer ends the session
}

// Reports the input buffer to the budget. False when that evicted this session.
bool session::count_input_memory() {
  const std::size_t held = transport_->input_memory();
  return budget_.update(*this, held > input_kept_bytes ? held : 0);
}

void session::say_farewell() {
  if (farewell_)
    deliver(std::move(farewell_));
  close_after_flush();
}

// The reader stops for good: after a closing flush the writer ends the session; otherwise
// (end of stream, reset) it ends now.
void session::reader_ended() {
  if (state_ != state::closing)
    stop();
}

// --- Writer -----------------------------------------------------------------------------------

// Starts the writer on the loop unless it is already running or about to.
void session::schedule_write() {
  if (writing_)
    return;
  writing_ = true;
  asio::post(watchdog_.get_executor(), [self = shared_from_this()] { self->write_next(); });
}

// Lets the transport write what is queued. With nothing left: idle, or the end of a closing
// session.
void session::write_next() {
  if (state_ >= state::dropping) {
    writing_ = false;
    return;
  }
  switch (transport_->write(outbox_)) {
    case message_transport::write_status::pending:
      return;  // on_writable() goes on
    case message_transport::write_status::failed:
      writing_ = false;
      stop();
      return;
    case message_transport::write_status::done:
      break;
  }
  writing_ = false;
  if (state_ == state::closing)
    stop();
}

void session::on_writable(const boost::system::error_code& ec) {
  if (ec)
    stop();
  else
    write_next();
}

// --- Watchdog ---------------------------------------------------------------------------------

// One timer per session enforces both time limits: log in within login_timeout_s, and once
// logged in, answer a heartbeat within idle_timeout_s of it. Called at start, at login and
// whenever the timer fires; computes the next deadline from the latest input. Any input
// received after the heartbeat was sent answers it, however late the timer fires: the
// deadlines are measured from the input and from the heartbeat, never from the timer.
void session::arm_watchdog() {
  if (state_ >= state::closing)
    return;
  const auto login_limit = std::chrono::seconds(server_.config().login_timeout_s);
  const auto idle_limit = std::chrono::seconds(server_.config().idle_timeout_s);
  const auto now = clock::now();
  clock::time_point deadline;
  if (who == role::guest) {
    deadline = started_ + login_limit;
    // A login being checked gets its answer, however long the hashing queue of a busy server
    // takes: the limit is for peers that do not try. It is looked at again a limit later.
    if (running_ && now >= deadline)
      deadline = now + login_limit;
  } else {
    if (heartbeat_at_ && last_input_ >= *heartbeat_at_)
      heartbeat_at_.reset();  // answered
    deadline = heartbeat_at_ ? *heartbeat_at_ + idle_limit : last_input_ + idle_limit;
  }
  if (now >= deadline) {
    on_deadline(now);
    return;
  }
  // Re-arming cancels the wait in progress; its handler sees operation_aborted and returns.
  watchdog_.expires_at(deadline);
  watchdog_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (!ec)
      self->arm_watchdog();
  });
}

void session::on_deadline(clock::time_point now) {
  if (who == role::guest) {
    json::object ev = make_event("timeout");
    ev["message"] = "Tiempo de autenticación agotado.";
    server_state::send(*this, ev);
    close_after_flush();
  } else if (heartbeat_at_ && running_) {
    // Its input is not read while its request runs: the answer may be waiting unread.
    heartbeat_at_ = now;
    arm_watchdog();
  } else if (heartbeat_at_) {
    log::error("closing " + remote_address + " (" + name + "): no answer to heartbeat");
    stop();
  } else {
    server_state::send(*this, make_event("heartbeat"));
    heartbeat_at_ = now;
    arm_watchdog();
  }
}

// Counts a protocol error; past the cap the peer is told and disconnected.
void session::count_protocol_error() {
  if (++protocol_errors_ <= server_.config().max_protocol_errors)
    return;
  log::error("closing " + remote_address + ": too many protocol errors");
  server_state::send(*this,
                     make_error("error", std::nullopt,
                                failure{errc::invalid_state, "Demasiados mensajes inválidos."}));
  close_after_flush();
}

void session::finished(std::string_view part, std::exception_ptr e) {
  if (!e)
    return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    log::error("session " + remote_address + " " + std::string(part) + ": " + ex.what());
  }
  stop();
}

}  // namespace tcs::net
