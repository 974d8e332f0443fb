// Rendering of operations: headings, list entries and full details with lines and timeline.
#include "common/term/operations_view.hpp"

#include "common/term/fields.hpp"
#include "common/term/format.hpp"

namespace tcs::term {

std::string operation_heading(const json::object& op) {
  std::string out(kind_name(text_field(op, "kind")));
  if (auto at = get_int(op, "created_at"))
    out += " (" + local_datetime(*at) + ")";
  return out;
}

std::string operation_summary(const json::object& op) {
  return operation_heading(op) + " - " + std::string(state_name(text_field(op, "state"))) +
         " - total " + pesos(int_field(op, "total"));
}

std::string render_operation(const json::object& op, std::int64_t number) {
  std::string out = "[" + std::to_string(number) + "] " + operation_heading(op);
  for (const auto& line : objects(array_field(op, "lines"))) {
    const auto quantity = int_field(line, "quantity", 1);
    out += "\n* " + text_field(line, "name") + " [x" + std::to_string(quantity) + "]";
    if (auto price = get_int(line, "unit_price"))
      out += " " + pesos(*price) + (quantity > 1 ? " c/u" : "");
  }
  if (auto total = get_int(op, "total")) {
    out += "\nTotal: " + pesos(*total);
    if (text_field(op, "kind") == "sale")
      out += " (pagado por la tienda)";
  }
  if (auto executive = text_field(op, "executive"); !executive.empty())
    out += "\nEjecutivo: " + executive;
  out += "\nEstado: " + std::string(state_name(text_field(op, "state")));

  const auto timeline = objects(array_field(op, "timeline"));
  if (!timeline.empty()) {
    out += "\nCambios de estado:";
    for (const auto& change : timeline) {
      out += "\n- ";
      if (auto at = get_int(change, "at"))
        out += local_datetime(*at) + " ";
      out += std::string(state_name(text_field(change, "state")));
      if (auto actor = text_field(change, "actor"); !actor.empty())
        out += " (" + actor + ")";
    }
  }
  return out;
}

std::string render_operation(const json::object& op) {
  return render_operation(op, int_field(op, "id"));
}

std::string render_operations(std::string_view title, const json::array& operations,
                              bool say_when_empty) {
  std::string out = assistant(title);
  if (operations.empty() && say_when_empty)
    out += "\nNo tiene operaciones registradas.";
  for (const auto& op : objects(operations))
    out += "\n" + render_operation(op);
  return out;
}

}  // namespace tcs::term
