// Accepts TCP connections and starts a session for each, refusing politely beyond the limit.
#pragma once

#include "server/dispatch/dispatcher.hpp"
#include "server/dispatch/server_state.hpp"
#include "server/net/input_budget.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace tcs::net {

// Runs until the acceptor is closed. Throws only on a listener failure that should stop the
// server (the caller's co_spawn handler does that loudly). Connections beyond
// config().max_connections, during a shutdown, or when the process is out of descriptors
// get a `busy` error and are closed. Every session counts its unfinished input against
// `budget`, which must outlive the sessions.
boost::asio::awaitable<void> accept_loop(boost::asio::ip::tcp::acceptor& acceptor,
                                         server_state& state, const dispatcher& commands,
                                         input_budget& budget);

}  // namespace tcs::net
