// No reply may exceed the frame limit (issue 12, item 2): every list travels in pages whose
// worst case fits in a frame, paging visits every item exactly once, and a reply that would
// still be too large is answered `reply_too_large` instead of costing the connection.
//
// "Worst case" is every field at its maximum length, made of characters JSON escapes the most:
// a control character becomes \u00XX (6 bytes for 1), a quote \" (2 for 1).
#include "common/protocol/limits.hpp"
#include "server/admin/text_checks.hpp"
#include "server/dispatch/pages.hpp"
#include "server/dispatch/views.hpp"
#include "server/services/activity_log.hpp"
#include "server/services/catalogue_service.hpp"
#include "server/services/orders_service.hpp"
#include "server/store/accounts_repository.hpp"
#include "server/store/catalogue_repository.hpp"
#include "server/store/operations_repository.hpp"
#include "tests/unit/server_fixture.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <vector>

using namespace tcs;
using test::error_code;
using test::require_ok;

namespace {

constexpr std::int64_t widest_int = std::numeric_limits<std::int64_t>::min();  // 20 characters
// Longest texts the server stores in fields it sends, and bounds for its own literals.
constexpr std::size_t max_name = services::max_product_name_bytes;       // product names
constexpr std::size_t max_person = admin::max_display_name_bytes;        // display names
constexpr std::size_t max_email = admin::max_email_bytes;                // emails
constexpr std::size_t max_detail = services::max_activity_detail_bytes;  // activity details
constexpr std::size_t max_word = 40;  // action, outcome, kind, state: server literals (<= 21)
// Operation lines: one per product of a purchase; timeline: paid, shipped, received, returned.
constexpr std::size_t max_lines = services::max_cart_lines;
constexpr std::size_t max_events = 4;

// `n` bytes that JSON escapes as \u0001: 6 bytes each.
std::string worst(std::size_t n) {
  return std::string(n, '\x01');
}

std::size_t encoded_size(const json::object& reply, std::span<const encoded_member> extra = {}) {
  return encode_message(reply, extra).size() - frame_header_bytes;
}

json::object worst_product() {
  store::product_record p{
      widest_int, worst(max_name), worst(max_word), widest_int, widest_int, widest_int, false};
  return views::product(p, true);
}

json::object worst_summary() {
  store::operation_record op{widest_int, widest_int, worst(max_word), worst(max_word),
                             widest_int, widest_int, widest_int};
  return views::operation_summary(op);
}

json::object worst_details() {
  services::operation_details d;
  d.operation = {widest_int, widest_int, worst(max_word), worst(max_word),
                 widest_int, widest_int, widest_int};
  for (std::size_t i = 0; i < max_lines; ++i)
    d.lines.push_back({widest_int, worst(max_name), worst(max_word), widest_int, widest_int});
  for (std::size_t i = 0; i < max_events; ++i)
    d.timeline.push_back({worst(max_word), widest_int, worst(max_person)});
  d.executive_name = worst(max_person);
  return views::operation_details(d);
}

json::object worst_activity() {
  store::activity_record a{widest_int, widest_int,      "executive",       widest_int,
                           widest_int, worst(max_word), worst(max_detail), worst(max_word)};
  return views::activity(a);
}

json::object worst_customer(bool with_last_action) {
  json::object c;
  c["email"] = worst(max_email);
  c["name"] = worst(max_person);
  c["state"] = worst(max_word);
  if (with_last_action)
    c["last_action"] = worst_activity();
  return c;
}

json::object worst_queue_entry() {
  json::object q;
  q["position"] = widest_int;
  q["email"] = worst(max_email);
  q["name"] = worst(max_person);
  q["waiting_s"] = widest_int;
  return q;
}

// A page filled with `item` until the page writer stops it.
std::shared_ptr<const std::string> full_page(const json::object& item,
                                             std::size_t budget = max_page_bytes) {
  page_writer page(max_page_items, budget);
  while (page.add(item)) {
  }
  REQUIRE(page.count() >= 1);
  return page.finish();
}

// The envelope and page fields of a reply, every number at its widest.
json::object worst_envelope(std::string_view type) {
  json::object reply = make_ok(type, widest_int);
  add_page_fields(reply, widest_int, widest_int);
  reply["truncated"] = true;
  return reply;
}

}  // namespace

TEST_CASE("the worst single item of every list fits in a page", "[bounded]") {
  // An item alone always goes on a page, so the longest one must fit in a page's bytes; the two
  // lists of `:status` have half a page each.
  for (const auto& item : {worst_product(), worst_summary(), worst_details(), worst_activity(),
                           worst_customer(true)}) {
    const auto bytes = json::serialize(item).size();
    INFO(bytes << " bytes: " << json::serialize(item).substr(0, 80));
    CHECK(bytes <= max_page_bytes);
  }
  for (const auto& item : {worst_customer(false), worst_queue_entry()}) {
    const auto bytes = json::serialize(item).size();
    INFO(bytes << " bytes: " << json::serialize(item).substr(0, 80));
    CHECK(bytes <= max_page_bytes / 2);
  }
  // The largest: an operation with 50 lines of 100-byte names, about 53 KB.
  CHECK(json::serialize(worst_details()).size() > max_page_bytes / 2);
  // The escaping really is the worst case: six bytes for each byte of the name.
  CHECK(json::serialize(worst_product()).size() > 6 * max_name);
}

TEST_CASE("the worst-case page of every list fits in a frame", "[bounded]") {
  struct list_case {
    std::string_view type;
    std::string_view list;
    json::object item;
  };
  const list_case cases[] = {
      {"catalogue", "products", worst_product()},
      {"history", "operations", worst_summary()},
      {"returnable", "operations", worst_summary()},
      {"pending", "operations", worst_summary()},
      {"customer.operations", "operations", worst_details()},
      {"customer.activity", "entries", worst_activity()},
      {"details", "customers", worst_customer(true)},
      {"queue.list", "queue", worst_queue_entry()},
  };
  for (const auto& c : cases) {
    json::object reply = worst_envelope(c.type);
    if (c.type == "customer.activity") {
      json::object who;
      who["email"] = worst(max_email);
      who["name"] = worst(max_person);
      reply["customer"] = std::move(who);
    }
    const encoded_member page[] = {{c.list, full_page(c.item)}};
    const auto bytes = encoded_size(reply, page);
    INFO(c.type << ": " << bytes << " bytes");
    CHECK(bytes <= max_frame_bytes);
    CHECK(bytes > max_page_bytes - 6 * 1024);  // it really was a full page
  }

  // `:status`: two lists, each a page of half the bytes, and the counts.
  json::object status = worst_envelope("status");
  status["customers_online"] = widest_int;
  status["waiting"] = widest_int;
  status["queue_next"] = widest_int;
  // The executives' list is capped at 4 KiB of JSON (view_commands.cpp).
  status["executives"] = json::array{json::string(std::string(4 * 1024, 'x'))};
  const encoded_member lists[] = {
      {"customers", full_page(worst_customer(false), max_page_bytes / 2)},
      {"queue", full_page(worst_queue_entry(), max_page_bytes / 2)}};
  CHECK(encoded_size(status, lists) <= max_frame_bytes);

  // The `operations` event that copies a page of customer.operations to the customer.
  json::object event = make_event("operations");
  add_page_fields(event, widest_int, widest_int);
  event["truncated"] = true;
  event["after"] = widest_int;
  event["executive"] = worst(max_person);
  const encoded_member ops[] = {{"operations", full_page(worst_details())}};
  CHECK(encoded_size(event, ops) <= max_frame_bytes);

  // One operation alone (history.detail) is not a list of pages; its worst case fits too.
  json::object detail = make_ok("history.detail", widest_int);
  detail["operation"] = worst_details();
  CHECK(encoded_size(detail) <= max_frame_bytes);
}

TEST_CASE("a page stops at its limit or its bytes and always holds one item", "[bounded]") {
  page_writer by_count(3);
  CHECK(by_count.add(std::string_view("1")));
  CHECK(by_count.add(std::string_view("2")));
  CHECK(by_count.add(std::string_view("3")));
  CHECK_FALSE(by_count.add(std::string_view("4")));
  CHECK(*by_count.finish() == "[1,2,3]");

  page_writer by_bytes(100, 10);
  CHECK(by_bytes.add(std::string_view("\"12345\"")));     // 7 bytes
  CHECK_FALSE(by_bytes.add(std::string_view("\"12\"")));  // 7 + 1 + 4 > 10
  CHECK_FALSE(by_bytes.add(std::string_view("1")));       // full from then on
  CHECK(*by_bytes.finish() == "[\"12345\"]");

  page_writer big(100, 10);
  CHECK(big.add(std::string_view("\"a string longer than the budget\"")));
  CHECK(big.count() == 1);
}

namespace {

// The demo server plus lists far larger than a frame: the catalogue poisoned by 260 cards
// whose 100-byte names are all quotes (issue 12) and 150 more of control characters, and 800
// operations (purchases and returns) of one customer.
struct poisoned_env : test::demo_env {
  poisoned_env() {
    store::catalogue_repository products(db);
    for (int i = 0; i < 260; ++i) {
      std::string name = std::string(97, '"') + std::to_string(1000 + i).substr(1);  // 100 bytes
      poisoned.push_back(products.add_product(name, "card", 1000 + i, 1000, 0, true));
    }
    for (int i = 0; i < 150; ++i)
      products.add_product(std::to_string(i) + worst(max_name - 3), "card", 5, 0, 1, false);
    const auto ana = customer_id("ana.rojas@example.com");
    const auto card = poisoned.front();
    for (int i = 0; i < 800; ++i) {
      auto id = services.orders().purchase(ana, {{card, 1}}, now - i, "Ana Rojas");
      REQUIRE(id);
      if (i % 2 == 0)
        REQUIRE(services.orders().request_return(ana, *id, now - i, "Ana Rojas"));
    }
    for (int i = 0; i < 300; ++i)
      services.activity().record(now - i, "customer", ana, ana, "history_view", worst(max_detail),
                                 "ok");
  }

  // Every page of `type`'s `list`, following `next`; each reply fits in a frame. Returns the
  // ids of the items in order.
  std::vector<std::int64_t> all_pages(const std::shared_ptr<test::recording_peer>& p,
                                      std::string_view type, std::string_view list,
                                      std::int64_t limit = 0, std::string_view key = "id") {
    std::vector<std::int64_t> ids;
    std::optional<std::int64_t> after;
    std::int64_t total = -1;
    for (int pages = 0; pages < 10'000; ++pages) {
      json::object request = make_request(type, next_request_id++);
      if (after)
        request["after"] = *after;
      if (limit)
        request["limit"] = limit;
      auto out = dispatch(p, request);
      const auto frame = encode_message(out.reply, out.encoded);  // throws if too large
      CHECK(frame.size() - frame_header_bytes <= max_frame_bytes);
      const auto reply = out.full_reply();
      require_ok(reply);
      const auto& items = reply.at(list).as_array();
      CHECK((limit == 0 || items.size() <= static_cast<std::size_t>(limit)));
      if (total < 0)
        total = reply.at("total").as_int64();
      for (const auto& item : items)
        ids.push_back(item.at(key).as_int64());
      const auto* next = reply.if_contains("next");
      if (!next)
        break;
      REQUIRE_FALSE(items.empty());
      after = next->as_int64();
    }
    CHECK(static_cast<std::int64_t>(ids.size()) == total);
    return ids;
  }

  std::vector<std::int64_t> poisoned;
};

std::vector<std::int64_t> product_ids(store::database& db, bool executive) {
  std::vector<std::int64_t> ids;
  for (const auto& p : store::catalogue_repository(db).list(executive))
    ids.push_back(p.id);
  return ids;
}

std::vector<std::int64_t> operation_ids(
    store::database& db, std::int64_t customer_id,
    store::operation_list::filter which = store::operation_list::filter::all,
    std::optional<std::int64_t> since = std::nullopt) {
  store::operation_list list;
  list.customer_id = customer_id;
  list.which = which;
  list.since = since;
  std::vector<std::int64_t> ids;
  for (const auto& op : store::operations_repository(db).page(list, std::nullopt, 1'000'000))
    ids.push_back(op.id);
  return ids;
}

}  // namespace

TEST_CASE("a poisoned catalogue and a long history come in pages, every item once", "[bounded]") {
  poisoned_env env;
  auto ana = env.customer("ana.rojas@example.com");
  auto valentina = env.executive("valentina.reyes@example.com");
  const auto ana_id = env.customer_id("ana.rojas@example.com");

  // The whole lists, in order, each item once; with the default page and with small ones.
  for (std::int64_t limit : {0, 1, 7, 100}) {
    INFO("limit " << limit);
    CHECK(env.all_pages(ana, "catalogue", "products", limit) == product_ids(env.db, false));
    CHECK(env.all_pages(valentina, "catalogue", "products", limit) == product_ids(env.db, true));
  }
  CHECK(env.all_pages(ana, "history", "operations") ==
        operation_ids(env.db, ana_id, store::operation_list::filter::all,
                      env.now - services::history_window_s));
  CHECK(env.all_pages(ana, "returnable", "operations", 33) ==
        operation_ids(env.db, ana_id, store::operation_list::filter::returnable,
                      env.now - services::history_window_s));
  CHECK(env.all_pages(ana, "pending", "operations") ==
        operation_ids(env.db, ana_id, store::operation_list::filter::pending));
  CHECK(env.all_pages(ana, "history", "operations").size() > 800);

  // The executive's lists of the customer in the chat: operations and activity.
  require_ok(env.request(ana, "queue.join"));
  require_ok(env.request(valentina, "connect"));
  const auto all = operation_ids(env.db, ana_id);
  CHECK(env.all_pages(valentina, "customer.operations", "operations") == all);
  // The customer received the same pages as events, in order.
  std::vector<std::int64_t> shown;
  for (const auto& ev : ana->events("operations"))
    for (const auto& op : ev.at("operations").as_array())
      shown.push_back(op.at("id").as_int64());
  CHECK(shown == all);
  CHECK_FALSE(ana->events("operations").front().contains("after"));
  CHECK(ana->events("operations").back().contains("after"));

  std::vector<std::int64_t> activity;
  for (const auto& a : services::activity_log(env.db).for_customer(ana_id))
    activity.push_back(a.at);
  const auto entries = env.all_pages(valentina, "customer.activity", "entries", 0, "at");
  CHECK(entries == activity);
  CHECK(entries.size() > 300);
  // Pages cut by the count, not by bytes: each says that more follow.
  CHECK(env.all_pages(valentina, "customer.activity", "entries", 7, "at") == activity);
}

TEST_CASE("keyset pages see every item once while the list grows", "[bounded]") {
  poisoned_env env;
  auto ana = env.customer("ana.rojas@example.com");
  const auto ana_id = env.customer_id("ana.rojas@example.com");
  const auto before = operation_ids(env.db, ana_id);

  auto first = env.request(ana, "history", json::object{{"limit", 50}});
  require_ok(first);
  // Two new purchases arrive between the pages (newest first: they would shift an offset).
  for (int i = 0; i < 2; ++i)
    REQUIRE(env.services.orders().purchase(ana_id, {{env.poisoned.front(), 1}}, env.now + 10,
                                           "Ana Rojas"));
  std::vector<std::int64_t> seen;
  for (const auto& op : first.at("operations").as_array())
    seen.push_back(op.at("id").as_int64());
  auto after = first.at("next").as_int64();
  for (;;) {
    auto page = env.request(ana, "history", json::object{{"after", after}, {"limit", 50}});
    require_ok(page);
    for (const auto& op : page.at("operations").as_array())
      seen.push_back(op.at("id").as_int64());
    if (!page.contains("next"))
      break;
    after = page.at("next").as_int64();
  }
  std::vector<std::int64_t> expected;
  for (auto id : before) {
    if (store::operations_repository(env.db).find(ana_id, id)->created_at >=
        env.now - services::history_window_s)
      expected.push_back(id);
  }
  CHECK(seen == expected);
}

TEST_CASE("status, details and the queue page through thousands of long customers", "[bounded]") {
  test::demo_env env;
  auto valentina = env.executive("valentina.reyes@example.com");
  store::accounts_repository accounts(env.db);
  std::vector<std::shared_ptr<test::recording_peer>> customers;
  for (int i = 0; i < 400; ++i) {
    const std::string email = std::to_string(i) + worst(max_email - 4);
    const std::string name = std::to_string(i) + worst(max_person - 4);
    const auto id = accounts.add_customer(email, name, "x", env.now);
    auto p = env.logged_in(role::customer, id, name, email);
    // A long last action for :details.
    env.services.activity().record(env.now, "customer", id, id, worst(max_word), worst(max_detail),
                                   worst(max_word));
    if (i % 2 == 0)
      require_ok(env.request(p, "queue.join"));
    customers.push_back(std::move(p));
  }

  // :status pages through the customers (by connection) and carries the queue's head.
  std::set<std::string> seen;
  std::optional<std::int64_t> after;
  std::size_t pages = 0;
  json::object first;
  for (;;) {
    auto request = make_request("status", env.next_request_id++);
    if (after)
      request["after"] = *after;
    auto out = env.dispatch(valentina, request);
    CHECK(encode_message(out.reply, out.encoded).size() <= max_frame_bytes + frame_header_bytes);
    auto reply = out.full_reply();
    require_ok(reply);
    if (pages++ == 0)
      first = reply;
    CHECK(reply.at("customers_online").as_int64() == 400);
    CHECK(reply.at("waiting").as_int64() == 200);
    for (const auto& c : reply.at("customers").as_array())
      CHECK(seen.insert(std::string(c.at("email").as_string())).second);
    if (!reply.contains("next"))
      break;
    after = reply.at("next").as_int64();
  }
  CHECK(seen.size() == 400);
  CHECK(pages > 1);
  CHECK(first.at("truncated").as_bool());

  // The rest of the queue, from where :status's head stopped, by position.
  std::vector<std::int64_t> positions;
  for (const auto& q : first.at("queue").as_array())
    positions.push_back(q.at("position").as_int64());
  REQUIRE(first.contains("queue_next"));
  std::optional<std::int64_t> queue_after = first.at("queue_next").as_int64();
  while (queue_after) {
    auto reply = env.request(valentina, "queue.list", json::object{{"after", *queue_after}});
    require_ok(reply);
    for (const auto& q : reply.at("queue").as_array())
      positions.push_back(q.at("position").as_int64());
    queue_after.reset();
    if (auto* next = reply.if_contains("next"))
      queue_after = next->as_int64();
  }
  std::vector<std::int64_t> expected(200);
  for (std::size_t i = 0; i < expected.size(); ++i)
    expected[i] = static_cast<std::int64_t>(i + 1);
  CHECK(positions == expected);

  // :details pages through the same customers with their long last actions.
  std::size_t details_seen = 0;
  after.reset();
  for (pages = 0;; ++pages) {
    json::object fields;
    if (after)
      fields["after"] = *after;
    auto reply = env.request(valentina, "details", fields);
    require_ok(reply);
    details_seen += reply.at("customers").as_array().size();
    if (!reply.contains("next"))
      break;
    after = reply.at("next").as_int64();
  }
  CHECK(details_seen == 400);
  CHECK(pages > 1);
}

TEST_CASE("page fields are checked", "[bounded]") {
  test::demo_env env;
  auto ana = env.customer("ana.rojas@example.com");
  CHECK(error_code(env.request(ana, "catalogue", json::object{{"limit", 0}})) == "invalid_field");
  CHECK(error_code(env.request(ana, "history", json::object{{"limit", max_page_items + 1}})) ==
        "invalid_field");
  CHECK(error_code(env.request(ana, "pending", json::object{{"after", "x"}})) == "invalid_field");
  CHECK(error_code(env.request(ana, "catalogue", json::object{{"after", 999999}})) ==
        "invalid_field");
  // Another customer's operation as the cursor: an empty page, nothing learnt.
  const auto benjamin = env.customer_id("benjamin.soto@example.com");
  const auto theirs = store::operations_repository(env.db).for_customer(benjamin).front().id;
  auto reply = env.request(ana, "history", json::object{{"after", theirs}});
  require_ok(reply);
  CHECK(reply.at("operations").as_array().empty());
  CHECK_FALSE(reply.contains("next"));
  // A short list: one page, no "next", its total.
  auto catalogue = env.request(ana, "catalogue");
  CHECK_FALSE(catalogue.contains("next"));
  CHECK(catalogue.at("total").as_int64() ==
        static_cast<std::int64_t>(catalogue.at("products").as_array().size()));
}

namespace {

// A handler that answers more than a frame can hold, and one whose event is too large.
boost::asio::awaitable<result<json::object>> huge_reply(request_context&) {
  json::object body;
  body["blob"] = std::string(max_frame_bytes, 'x');
  co_return body;
}

const command huge_table[] = {
    {"huge", access::anyone, {}, huge_reply, "a reply larger than a frame"},
};

}  // namespace

TEST_CASE("a reply that would exceed the frame is answered reply_too_large", "[bounded]") {
  test::server_env env(std::vector<command>(std::begin(huge_table), std::end(huge_table)));
  auto p = env.connect();
  auto out = env.dispatch(p, make_request("huge", 42));
  // What the session does with the outcome: the peer receives an error, not a dropped line.
  server_state::send(*p, out.reply, out.encoded);
  REQUIRE(p->received.size() == 1);
  const auto& reply = p->received.front();
  CHECK(reply.at("type").as_string() == "huge");
  CHECK(reply.at("id").as_int64() == 42);
  CHECK(error_code(reply) == "reply_too_large");
  CHECK(p->is_open());

  // An event that large is dropped (and logged), never thrown at the caller.
  json::object ev = make_event("huge");
  ev["blob"] = std::string(max_frame_bytes, 'x');
  server_state::send(*p, ev);
  CHECK(p->received.size() == 1);
}
