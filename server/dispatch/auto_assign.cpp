// `--assignment auto`: waiting customers given at once to the available free executives idle
// longest (support_desk::assign_next), both told. See support_common.hpp.
#include "common/protocol/actions.hpp"
#include "server/dispatch/agent_support.hpp"
#include "server/dispatch/audit.hpp"
#include "server/dispatch/support_common.hpp"
#include "server/log/console.hpp"

#include <string>

namespace tcs::support {

void auto_assign(server_state& sessions, services::service_set& services) {
  if (!sessions.config().auto_assign)
    return;
  auto& desk = services.support();
  while (auto pair = desk.assign_next(services.now())) {
    auto customer = sessions.customer_peer(pair->customer_id);
    auto executive = sessions.executive_peer(pair->executive_id);
    if (!customer || !executive) {  // cannot happen (teardown leaves the desk first)
      log::error("auto-assignment without a session");
      desk.end_chat_by_executive(pair->executive_id, services.now());
      continue;
    }
    audit::record_activity(services, *executive, actions::referral,
                           "Asignado al ejecutivo " + executive->name + " tras " +
                               std::to_string(pair->waited_s) + " s de espera",
                           "ok", pair->customer_id);
    log::console("Cliente " + customer->name + " asignado a ejecutivo " + executive->name + ".");
    json::object started = make_event("chat.started");
    started["executive"] = executive_ref(*executive);
    server_state::send(*customer, started);
    json::object assigned = make_event("chat.assigned");
    json::object who = customer_ref(*customer);
    who["first_name"] = customer->first_name();
    assigned["customer"] = std::move(who);
    assigned["waited_s"] = pair->waited_s;
    add_chat_ref(assigned, desk, pair->executive_id, pair->chat_id, pair->slot);
    assigned["current"] = pair->current;
    chat_began(services, pair->customer_id, pair->executive_id, pair->waited_s);
    add_notes(services, assigned, pair->customer_id);
    server_state::send(*executive, assigned);
    tell_positions(sessions, services, pair->moved);
    announce_served(sessions, services, pair->executive_id);
  }
}

}  // namespace tcs::support
