// How domain records appear on the wire: the one place that turns store/service records into
// the JSON objects documented in docs/protocol.md, shared by every handler.
#pragma once

#include "common/protocol/message.hpp"
#include "server/services/orders_service.hpp"
#include "server/store/activity_repository.hpp"
#include "server/store/catalogue_repository.hpp"
#include "server/store/operations_repository.hpp"

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
