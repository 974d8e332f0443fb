// Lists in pages (docs/protocol.md, "Lists in pages"): the request fields every list request
// accepts (`after`, `limit`) and the page a handler builds, item by item, within the limits of
// common/protocol/limits.hpp. A page is encoded as it is built and travels as an encoded
// member of the reply, so its items are serialised exactly once.
#pragma once

#include "common/protocol/limits.hpp"
#include "common/protocol/message.hpp"
#include "server/dispatch/command.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace tcs {

// The two optional request fields of every list request (declare them with page_fields).
struct page_request {
  std::optional<std::int64_t> after;  // the `next` of the page before; nullopt: the first page
  std::int64_t limit = max_page_items;
};

// `after` and `limit` of a request whose fields the dispatcher has checked for type; a limit
// outside 1..max_page_items is invalid_field.
result<page_request> read_page_request(const json::object& request);

// The field specs of a list request: both optional integers.
inline constexpr field_spec page_fields[] = {{"after", field_kind::integer, false},
                                             {"limit", field_kind::integer, false}};

// A page of a list, "[item,item,...]", encoded as items are added. An item goes on the page
// while the page has fewer than `limit` items and its bytes stay within `budget` (an item
// alone always goes on an empty page, so every page moves the client forward).
class page_writer {
 public:
  explicit page_writer(std::int64_t limit, std::size_t budget = max_page_bytes);

  // Adds one item's JSON if it fits; false (and the page is full from then on) otherwise.
  bool add(std::string_view item_json);
  bool add(const json::object& item) { return add(json::serialize(item)); }

  std::size_t count() const noexcept { return count_; }
  bool full() const noexcept { return full_; }
  // The page as JSON, for an encoded_member.
  std::shared_ptr<const std::string> finish();

 private:
  std::string json_ = "[";
  std::size_t count_ = 0;
  std::size_t limit_;
  std::size_t budget_;
  bool full_ = false;
};

// A list's rows (read with limit + 1, so that a row left over says that more follow) put on
// a page as render(row) until it is full: the page, whether more follow, and the id of the
// last row on it (the `next` cursor).
struct written_page {
  std::shared_ptr<const std::string> json;
  bool more = false;
  std::optional<std::int64_t> last;
};
template <class Rows, class Render>
written_page write_page(const Rows& rows, std::int64_t limit, Render&& render) {
  page_writer page(limit);
  written_page out;
  for (const auto& row : rows) {
    if (!page.add(render(row))) {
      out.more = true;
      break;
    }
    out.last = row.id;
  }
  out.json = page.finish();
  return out;
}

// Puts the page fields on a reply (or event) body: `total`; `next` when more items follow.
void add_page_fields(json::object& body, std::int64_t total, std::optional<std::int64_t> next);

// The reply fields of a page whose items came in order, `last` being the cursor of the last
// item on it: `truncated` (kept from before pages: true when more follow), `total`, and
// `next` = `last` when more follow.
void page_reply_fields(json::object& body, std::int64_t total, bool more,
                       std::optional<std::int64_t> last);

}  // namespace tcs
