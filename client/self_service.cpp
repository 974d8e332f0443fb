// Menu options 1-5 of tcs-client (placeholder until the self-service issue lands).
#include "client/customer_app.hpp"

namespace tcs::client {

namespace asio = boost::asio;

asio::awaitable<void> customer_app::change_password() {
  say("Opción aún no disponible.");
  co_return;
}
asio::awaitable<void> customer_app::show_history() {
  say("Opción aún no disponible.");
  co_return;
}
asio::awaitable<void> customer_app::catalogue_and_cart() {
  say("Opción aún no disponible.");
  co_return;
}
asio::awaitable<void> customer_app::request_return() {
  say("Opción aún no disponible.");
  co_return;
}
asio::awaitable<void> customer_app::confirm_shipment() {
  say("Opción aún no disponible.");
  co_return;
}

}  // namespace tcs::client
