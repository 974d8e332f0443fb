// Accepts TCP connections and starts a session for each, refusing politely beyond the limit.
#pragma once

#include "server/dispatch/dispatcher.hpp"
#include "server/dispatch/server_state.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace tcs::net {

// Runs until the acceptor is closed. Throws only on a listener failure that should stop the
// server (the caller's co_spawn handler does that loudly).
boost::asio::awaitable<void> accept_loop(boost::asio::ip::tcp::acceptor& acceptor,
                                         server_state& state, const dispatcher& commands);

}  // namespace tcs::net
