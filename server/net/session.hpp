// One connection's protocol state: who the peer is (peer.hpp: role, account, name), where it
// is in its life (session::state), its outbox and the accounting of it, its time limits (log in
// within --login-timeout; once logged in, answer a heartbeat within --idle-timeout), its count
// of protocol errors, and the loop that runs its requests through the dispatcher. The bytes and
// the socket belong to a transport (message_transport.hpp) under it; the session sees whole
// messages and does the same over any transport.
//
// Memory is what bounds the number of sessions one loop can hold, so an idle session holds no
// coroutine: a read is pending in the transport with a plain completion handler, and a
// coroutine is started only to run the requests that arrived (the dispatcher's handlers are
// coroutines); when they are done and no complete message is left it goes back to reading.
// The writer is started by deliver() through a post and the watchdog is a timer with a
// handler. Requests of one session run one at a time and in order, and nothing is read while
// one runs.
//
// deliver() only enqueues: it never does I/O, never suspends and never tears the session down,
// so a handler can fan a message out to many peers safely. A peer whose outbox passes
// --max-outbound-bytes, or that an over-full input budget evicts, is dropped by a teardown
// posted to the loop. The input buffer counts against the loop's input budget
// (input_budget.hpp) while it holds an unfinished large message. On shutdown a session reads
// nothing more: the request running (if any) is finished and answered, then the `shutdown`
// event is sent and the connection closed.
#pragma once

#include "server/dispatch/dispatcher.hpp"
#include "server/dispatch/server_state.hpp"
#include "server/net/input_budget.hpp"
#include "server/net/message_transport.hpp"
#include "server/net/outbox.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string_view>

namespace tcs::net {

class session final : public peer,
                      public input_budget::holder,
                      public transport_events,
                      public std::enable_shared_from_this<session> {
 public:
  using clock = std::chrono::steady_clock;

  // Where a session is in its life; it only moves down this list.
  enum class state : std::uint8_t {
    guest,      // connected, not logged in: the login deadline applies
    logged_in,  // the idle deadline and the heartbeat apply
    draining,   // the server is stopping: nothing more is read, the request running is
                // answered, then the farewell is queued and the session is closing
    closing,    // what is queued is written, then the session is closed
    dropping,   // closed without a flush by a teardown already posted; nothing more is sent
    closed,     // torn down: out of the registry, the transport closed, the outbox dropped
  };

  session(std::unique_ptr<message_transport> transport, server_state& server,
          const dispatcher& commands, input_budget& budget);

  void start();
  state current_state() const noexcept { return state_; }

  // --- peer -----------------------------------------------------------------------------------
  void deliver(std::shared_ptr<const std::string> frame) override;
  void close_after_flush() override;
  void shut_down(std::shared_ptr<const std::string> farewell) override;
  void stop() override;
  bool is_open() const override { return state_ < state::dropping; }
  bool hung_up() override { return state_ >= state::dropping || transport_->hung_up(); }

  // --- input_budget::holder: over the budget and among the sessions holding the most --------
  void evict() override;

 private:
  // --- transport_events -------------------------------------------------------------------
  void on_input(const boost::system::error_code& ec) override;
  void on_writable(const boost::system::error_code& ec) override;
  std::shared_ptr<transport_events> keep_alive() override { return shared_from_this(); }

  bool reading() const noexcept { return state_ <= state::logged_in; }
  void wait_for_input();
  boost::asio::awaitable<void> run_requests();
  bool count_input_memory();
  void say_farewell();
  void reader_ended();
  void drop();
  void schedule_write();
  void write_next();
  void arm_watchdog();
  void on_deadline(clock::time_point now);
  void count_protocol_error();
  void finished(std::string_view part, std::exception_ptr e);

  std::unique_ptr<message_transport> transport_;
  server_state& server_;
  const dispatcher& commands_;
  input_budget& budget_;
  boost::asio::steady_timer watchdog_;  // login and idle deadlines
  const clock::time_point started_ = clock::now();
  clock::time_point last_input_ = started_;
  std::optional<clock::time_point> heartbeat_at_;  // when the unanswered heartbeat was sent
  std::size_t protocol_errors_ = 0;
  outbox outbox_;
  std::shared_ptr<const std::string> farewell_;  // the shutdown event, once nothing runs
  state state_ = state::guest;
  bool writing_ = false;  // a write is in progress or posted
  bool running_ = false;  // run_requests() is on; nothing is read meanwhile
};

}  // namespace tcs::net
