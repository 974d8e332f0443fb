// How domain records appear on the wire: the one place that turns store/service records into
// the JSON objects documented in docs/protocol.md, shared by every handler.
#pragma once

#include "common/protocol/message.hpp"
#include "server/services/activity_log.hpp"
#include "server/services/catalogue_service.hpp"
#include "server/services/orders_service.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tcs {

// The catalogue's products as serialised in replies, with the snapshot they were made from
// (catalogue_service::snapshot): re-serialised only when the snapshot changes. Pages are
// spliced from `items`; the first page at the default limit is kept whole.
struct encoded_products {
  std::shared_ptr<const std::vector<store::product_record>> source;
  std::vector<std::string> items;  // each product's JSON, in the snapshot's order
  std::shared_ptr<const std::string> first_page;
  std::optional<std::int64_t> first_page_next;
};

// Replies kept serialised between requests, owned by the dispatcher.
struct reply_caches {
  encoded_products catalogue[2];  // customer, executive
  encoded_products& catalogue_for(bool executive) noexcept { return catalogue[executive ? 1 : 0]; }
};

}  // namespace tcs

namespace tcs::views {

// {id, name, kind, price, stock} plus {held, listed} when `for_executive`.
json::object product(const store::product_record& p, bool for_executive);

// {id, kind, state, created_at, total}
json::object operation_summary(const store::operation_record& op);

// operation_summary + {lines: [{product_id, name, kind, quantity, unit_price}],
//                      timeline: [{state, at, actor}], executive (sales, optional)}
json::object operation_details(const services::operation_details& d);

// {at, action, detail, outcome}, as executives see it: the detail of login entries (the
// customer's IP address and port) is left out, as "".
json::object activity(const store::activity_record& a);

}  // namespace tcs::views
