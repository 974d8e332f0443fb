// How tcs-exec shows the server's replies: the customers online and the queue (:status), their
// last actions (:details), a customer's activity (:history) and the catalogue with stock and
// held units (:catalogue). Pure functions over the reply: missing or mistyped fields show a
// fallback, never throw (tests/fuzz/fuzz_render.cpp feeds them anything).
#pragma once

#include "common/protocol/message.hpp"

#include <cstdint>
#include <string>

namespace tcs::executive {

// "45 s", "2 min 5 s", "1 h 3 min".
std::string waited(std::int64_t seconds);

// "consulta de catálogo (detalle), 27/08/2024 16:20" (or the date first), plus
// " [falló: contraseña débil]" (term::outcome_label) when the action failed.
std::string activity_text(const json::object& activity, bool date_first);

// The status reply (queue already merged with queue.list's pages): customers online with their
// state, then the queue with how long each has waited.
std::string render_status(const json::object& reply);
// The details reply: each customer online and their last action.
std::string render_details(const json::object& reply);
// The customer.activity reply: "Actividad de <who>:" and one dated line per entry.
// `who` is used when the reply does not name the customer.
std::string render_activity(const json::object& reply, const std::string& who);
// The chat.list reply: the executive's open chats by number, the current one marked.
std::string render_chats(const json::object& reply);
// The catalogue reply as a table: id, name, kind, price, stock, held, "(no publicado)".
std::string render_catalogue(const json::object& reply);

}  // namespace tcs::executive
