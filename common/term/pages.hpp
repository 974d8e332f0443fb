// Paged lists as the terminals read them (docs/protocol.md, "Lists in pages"): every page of a
// list, so the person at the terminal sees every item however long the list is.
#pragma once

#include "common/net/client_connection.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <string_view>

namespace tcs::term {

// Pages read for one list at most: a server that kept answering `next` would otherwise keep
// the terminal asking forever. 10,000 pages are a million items of the largest page size.
inline constexpr std::int64_t max_pages_read = 10'000;

// Sends `request`, then the same request with "after" set to the reply's "next" while a reply
// has one (and it moves forward). Returns the first page's reply with the items of `list` of
// every page in its `list` field and without "next"; the error of any page that fails.
boost::asio::awaitable<request_result> request_all(client_connection& conn, json::object request,
                                                   std::string_view list);

}  // namespace tcs::term
