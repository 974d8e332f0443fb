// Reading every page of a paged list.
#include "common/term/pages.hpp"

#include <optional>

namespace tcs::term {

boost::asio::awaitable<request_result> request_all(client_connection& conn, json::object request,
                                                   std::string_view list) {
  request_result first = co_await conn.request(request);
  if (!first)
    co_return first;
  json::value* items = first->if_contains(list);
  if (!items || !items->is_array())
    co_return first;
  std::optional<std::int64_t> after;
  json::object reply = *first;  // the page whose "next" is followed
  for (std::int64_t pages = 1; pages < max_pages_read; ++pages) {
    auto next = get_int(reply, "next");
    if (!next || (after && *next == *after))
      break;
    after = *next;
    request["after"] = *next;
    request_result page = co_await conn.request(request);
    if (!page)
      co_return page;
    reply = std::move(*page);
    const json::value* more = reply.if_contains(list);
    if (!more || !more->is_array())
      break;
    for (const auto& item : more->get_array())
      items->get_array().push_back(item);
  }
  first->erase("next");
  co_return first;
}

}  // namespace tcs::term
