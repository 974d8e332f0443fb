// How both terminals show operations (docs/protocol.md "operation summary" and "operation
// details"): one-line headings and list entries, and the full details with lines, total, the
// sale's executive, current state and dated timeline. The one renderer of the customer's
// history, returns and confirmations, the `operations` event and the executive's :operations.
// Pure functions: missing or mistyped fields are skipped, never thrown.
#pragma once

#include "common/protocol/message.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace tcs::term {

// "compra (27/08/2024 16:20)": the kind and the creation time.
std::string operation_heading(const json::object& op);

// "compra (27/08/2024 16:20) - pagado - total $24.970": one entry of a list to pick from
// (numbered by term::numbered_list).
std::string operation_summary(const json::object& op);

// Multi-line text (no trailing newline), e.g.
//   [17] compra (27/08/2024 16:20)
//   * Pikachu ex [x1] $12.990
//   * Sobre "Brilliant Stars" [x4] $4.990 c/u
//   Total: $32.950
//   Estado: pagado
//   Cambios de estado:
//   - 27/08/2024 16:20 pagado (Ana Rojas)
// A sale's total reads "Total: $8 (pagado por la tienda)" and is followed by
// "Ejecutivo: Valentina Reyes". `number` is the label in brackets (a list position); the
// second overload uses the operation's id.
std::string render_operation(const json::object& op, std::int64_t number);
std::string render_operation(const json::object& op);

// The assistant's `title`, then every operation of `operations` (labelled by its id), or
// "No tiene operaciones registradas." when there is none and `say_when_empty`.
std::string render_operations(std::string_view title, const json::array& operations,
                              bool say_when_empty = true);

}  // namespace tcs::term
