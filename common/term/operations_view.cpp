// Rendering of one operation with its lines and timeline.
#include "common/term/operations_view.hpp"

#include "common/term/format.hpp"

namespace tcs::term {

namespace {

std::string string_field(const json::object& o, std::string_view key) {
  if (auto v = get_string(o, key))
    return std::string(*v);
  return {};
}

std::optional<std::int64_t> int_field(const json::object& o, std::string_view key) {
  if (auto v = get_int(o, key))
    return *v;
  return std::nullopt;
}

}  // namespace

std::string render_operation(const json::object& op, std::int64_t number) {
  std::string out =
      "[" + std::to_string(number) + "] " + std::string(kind_name(string_field(op, "kind")));
  if (auto at = int_field(op, "created_at"))
    out += " (" + local_datetime(*at) + ")";

  if (const auto* lines = op.if_contains("lines"); lines && lines->is_array()) {
    for (const auto& value : lines->as_array()) {
      if (!value.is_object())
        continue;
      const auto& line = value.as_object();
      const auto quantity = int_field(line, "quantity").value_or(1);
      out += "\n* " + string_field(line, "name") + " [x" + std::to_string(quantity) + "]";
      if (auto price = int_field(line, "unit_price"))
        out += " " + pesos(*price) + (quantity > 1 ? " c/u" : "");
    }
  }
  if (auto total = int_field(op, "total"))
    out += "\nTotal: " + pesos(*total);
  out += "\nEstado: " + std::string(state_name(string_field(op, "state")));

  if (const auto* timeline = op.if_contains("timeline");
      timeline && timeline->is_array() && !timeline->as_array().empty()) {
    out += "\nCambios de estado:";
    for (const auto& value : timeline->as_array()) {
      if (!value.is_object())
        continue;
      const auto& change = value.as_object();
      out += "\n- ";
      if (auto at = int_field(change, "at"))
        out += local_datetime(*at) + " ";
      out += std::string(state_name(string_field(change, "state")));
      if (auto actor = string_field(change, "actor"); !actor.empty())
        out += " (" + actor + ")";
    }
  }
  return out;
}

std::string render_operation(const json::object& op) {
  return render_operation(op, int_field(op, "id").value_or(0));
}

}  // namespace tcs::term
