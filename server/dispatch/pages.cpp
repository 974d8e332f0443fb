// Request fields and page building of the paged lists.
#include "server/dispatch/pages.hpp"

namespace tcs {

result<page_request> read_page_request(const json::object& request) {
  page_request page;
  auto after = get_optional_int(request, "after");
  if (!after)
    return after.error();
  page.after = *after;
  auto limit = get_optional_int(request, "limit");
  if (!limit)
    return limit.error();
  if (*limit) {
    if (**limit < 1 || **limit > max_page_items)
      return failure{errc::invalid_field, "El campo \"limit\" debe estar entre 1 y " +
                                              std::to_string(max_page_items) + "."};
    page.limit = **limit;
  }
  return page;
}

page_writer::page_writer(std::int64_t limit, std::size_t budget)
    : limit_(static_cast<std::size_t>(limit)), budget_(budget) {}

bool page_writer::add(std::string_view item_json) {
  if (full_)
    return false;
  const std::size_t bytes = item_json.size() + (count_ > 0 ? 1 : 0);  // + the comma
  if (count_ >= limit_ || (count_ > 0 && json_.size() - 1 + bytes > budget_)) {
    full_ = true;
    return false;
  }
  if (count_ > 0)
    json_.push_back(',');
  json_.append(item_json);
  ++count_;
  return true;
}

std::shared_ptr<const std::string> page_writer::finish() {
  return std::make_shared<const std::string>(json_ + "]");
}

void add_page_fields(json::object& body, std::int64_t total, std::optional<std::int64_t> next) {
  body["total"] = total;
  if (next)
    body["next"] = *next;
}

void page_reply_fields(json::object& body, std::int64_t total, bool more,
                       std::optional<std::int64_t> last) {
  add_page_fields(body, total, more ? last : std::nullopt);
  body["truncated"] = more;
}

}  // namespace tcs
