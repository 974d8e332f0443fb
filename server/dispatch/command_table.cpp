// The server's complete command table, assembled from every area.
#include "server/dispatch/areas.hpp"
#include "server/dispatch/dispatcher.hpp"

namespace tcs {

std::vector<command> all_commands() {
  std::vector<command> table;
  for (auto area : {session_commands(), self_service_commands(), queue_commands(), offer_commands(),
                    view_commands(), chat_commands(), handover_commands(), resume_commands(),
                    agent_tool_commands()})
    table.insert(table.end(), area.begin(), area.end());
  return table;
}

}  // namespace tcs
