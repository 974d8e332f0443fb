// The completion token of the terminals' coroutines: `co_await op(..., use_nothrow)` gives the
// operation's error code in a tuple instead of throwing it.
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace tcs {

inline constexpr auto use_nothrow = boost::asio::as_tuple(boost::asio::use_awaitable);

}  // namespace tcs
