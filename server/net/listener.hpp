// Accepting connections: the accept loop every listening port runs, the `busy` refusal, the
// connection limit, and the start of a session over a transport.
#pragma once

#include "server/dispatch/dispatcher.hpp"
#include "server/dispatch/server_state.hpp"
#include "server/net/input_budget.hpp"
#include "server/net/message_transport.hpp"
#include "server/net/pending_set.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <memory>

namespace tcs::net {

// What every connection of every port needs from the server: the registry of sessions and
// the configuration, the dispatcher, the loop's input budget, and the connections that are
// not sessions yet. All outlive the listeners and the sessions.
struct connection_env {
  server_state& state;
  const dispatcher& commands;
  input_budget& budget;
  pending_set& pending;
};

// Runs until the acceptor is closed, calling `on_connection` for each accepted socket. Throws
// only on a listener failure that should stop the server (the caller's co_spawn handler does
// that loudly). When the process is out of descriptors, the waiting connection is accepted
// with a descriptor held in reserve and refused with `busy`; other accept errors are retried
// with a growing wait, and logged at most every few seconds.
boost::asio::awaitable<void> accept_loop(
    boost::asio::ip::tcp::acceptor& acceptor,
    std::function<void(boost::asio::ip::tcp::socket)> on_connection);

// Whether a new connection must be refused: the server is stopping, or the sessions and the
// connections not yet sessions reach config().max_connections.
bool over_connection_limit(const connection_env& env);

// Writes one `busy` error (a length-prefixed frame) to a plain TCP connection and closes it.
void refuse(boost::asio::ip::tcp::socket& socket);

// Starts a session over `transport` (a new peer id, the registry, the reader, the watchdog),
// or closes it when the server is stopping.
void start_session(std::unique_ptr<message_transport> transport, const connection_env& env);

// Returns the input memory given back, and reports evictions, once per burst: installed on
// `budget` for as long as it lives.
class budget_housekeeping {
 public:
  budget_housekeeping(boost::asio::any_io_executor ex, input_budget& budget);
  ~budget_housekeeping();
  budget_housekeeping(const budget_housekeeping&) = delete;
  budget_housekeeping& operator=(const budget_housekeeping&) = delete;

 private:
  input_budget& budget_;
  boost::asio::steady_timer timer_;
};

}  // namespace tcs::net
