// The completion token of the server's coroutines: `co_await op(..., use_nothrow)` gives the
// operation's error code in a tuple instead of throwing it (a peer hanging up is normal, not
// exceptional). One definition for server/net, whose files a unity build compiles together.
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace tcs::net {

inline constexpr auto use_nothrow = boost::asio::as_tuple(boost::asio::use_awaitable);

}  // namespace tcs::net
