// The activity log and the console as the dispatch layer writes them: one entry for a
// logged-in peer's action, and the outcome of a request as its command's audit rule says
// (command.hpp, "Audit contract"). The dispatcher calls record_outcome() once per request;
// the teardown of a departing peer calls record_activity() for what a departure ends.
#pragma once

#include "server/dispatch/command.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tcs::audit {

// "Cliente" or "Ejecutivo": how console lines name a logged-in peer's role.
std::string_view role_word(role r);

// One activity entry on behalf of a logged-in peer: actor = the peer; the customer concerned =
// the peer itself for customers, `customer_id` for executives. outcome is "ok" or an error
// code name.
void record_activity(tcs::services::service_set& services, const peer& actor,
                     std::string_view action, std::string_view detail,
                     std::string_view outcome = "ok",
                     std::optional<std::int64_t> customer_id = std::nullopt);

// "Cliente Ana Rojas: solicitud rechazada (compra, out_of_stock)."
std::string refused_line(const peer& actor, std::string_view action, errc code);

// What a request leaves behind, as its command's rule and its handler's note decide.
struct decision {
  bool row = false;          // an activity entry, with this outcome
  std::string_view outcome;  // "ok" or the error code's name
  std::string line;          // the console line ("" = none)
};
decision decide(const command& cmd, const audit_note& note, const peer& caller,
                const result<json::object>& body);

// What the dispatcher records once the handler of `cmd` returned `body`: decide(), applied.
void record_outcome(const command& cmd, request_context& ctx, const result<json::object>& body);

}  // namespace tcs::audit
