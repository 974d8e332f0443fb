// Wire representations of products, operations and activity entries.
#include "server/dispatch/views.hpp"

#include "common/protocol/actions.hpp"

namespace tcs::views {

json::object product(const store::product_record& p, bool for_executive) {
  json::object o(7);  // capacity for every field: no rehash while filling it
  o["id"] = p.id;
  o["name"] = p.name;
  o["kind"] = p.kind;
  o["price"] = p.price;
  o["stock"] = p.stock;
  if (for_executive) {
    o["held"] = p.held;
    o["listed"] = p.listed;
  }
  return o;
}

json::object operation_summary(const store::operation_record& op) {
  json::object o;
  o["id"] = op.id;
  o["kind"] = op.kind;
  o["state"] = op.state;
  o["created_at"] = op.created_at;
  o["total"] = op.total;
  return o;
}

json::object operation_details(const services::operation_details& d) {
  json::object o = operation_summary(d.operation);
  json::array lines;
  for (const auto& l : d.lines) {
    json::object line;
    line["product_id"] = l.product_id;
    line["name"] = l.product_name;
    line["kind"] = l.product_kind;
    line["quantity"] = l.quantity;
    line["unit_price"] = l.unit_price;
    lines.push_back(std::move(line));
  }
  o["lines"] = std::move(lines);
  json::array timeline;
  for (const auto& e : d.timeline) {
    json::object event;
    event["state"] = e.state;
    event["at"] = e.at;
    event["actor"] = e.actor;
    timeline.push_back(std::move(event));
  }
  o["timeline"] = std::move(timeline);
  if (d.executive_name)
    o["executive"] = *d.executive_name;
  return o;
}

json::object activity(const store::activity_record& a) {
  json::object o;
  o["at"] = a.at;
  o["action"] = a.action;
  // A login entry's detail is the client's network address ("203.0.113.7:51234"): kept in the
  // database and on the console for the operator, never shown to executives (privacy).
  o["detail"] = a.action == actions::login ? std::string() : a.detail;
  o["outcome"] = a.outcome;
  return o;
}

}  // namespace tcs::views
