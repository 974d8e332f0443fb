// Menu option 6 of tcs-client (placeholder until the support-chat issue lands).
#include "client/customer_app.hpp"

namespace tcs::client {

boost::asio::awaitable<void> customer_app::contact_executive() {
  say("Opción aún no disponible.");
  co_return;
}

}  // namespace tcs::client
