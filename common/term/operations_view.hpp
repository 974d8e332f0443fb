// How both terminals show an operation in full (docs/protocol.md "operation details"): header,
// lines, total, current state and its dated timeline. Shared by the customer's history
// details, the `operations` event and the executive's :operations.
#pragma once

#include "common/protocol/message.hpp"

#include <cstdint>
#include <string>

namespace tcs::term {

// Multi-line text (no trailing newline), e.g.
//   [17] compra (27/08/2024 16:20)
//   * Pikachu ex [x1] $12.990
//   * Sobre "Brilliant Stars" [x4] $4.990 c/u
//   Total: $32.950
//   Estado: pagado
//   Cambios de estado:
//   - 27/08/2024 16:20 pagado (Ana Rojas)
// `number` is the label in brackets (a list position); the first overload uses the
// operation's id. Missing or mistyped fields are skipped, never thrown.
std::string render_operation(const json::object& op, std::int64_t number);
std::string render_operation(const json::object& op);

}  // namespace tcs::term
