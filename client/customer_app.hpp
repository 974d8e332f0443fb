// tcs-client's dialogue: login, the seed's menu, and one member per menu option. Runs as one
// coroutine on the loop; server events arrive through term::session and are printed at once.
#pragma once

#include "common/term/session.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace tcs::client {

class customer_app : public term::session {
 public:
  using term::session::session;

  // The whole session. Returns the process exit code: 0 after [7] Salir (or the end of the
  // input once logged in), 1 when login never succeeded or the connection was lost.
  boost::asio::awaitable<int> run(std::string host, std::uint16_t port);

 private:
  // Menu options; each returns when the customer is back at the menu. (self_service.cpp)
  boost::asio::awaitable<void> change_password();
  boost::asio::awaitable<void> show_history();
  boost::asio::awaitable<void> catalogue_and_cart();
  boost::asio::awaitable<void> request_return();
  boost::asio::awaitable<void> confirm_shipment();
  // Option 6: queue, chat, offers. (support_chat.cpp)
  boost::asio::awaitable<void> contact_executive();

  // Support events (queue, chat, offers, operations); false for any other type.
  // (support_chat.cpp)
  bool on_support_event(const json::object& event) override;
  // Reads a line at the customer's own prompt ("Ana: "), masked when `secret` (passwords).
  // nullopt: input ended or lost.
  boost::asio::awaitable<std::optional<std::string>> ask(bool secret = false);

  bool input_ended_ = false;

  // Where option 6 stands. Events move it; contact_executive() reads it after every wake-up.
  enum class support_state { idle, joining, queued, chatting, ended };
  struct open_offer {
    std::int64_t id;
    std::string card;
    std::int64_t price;
  };
  support_state support_ = support_state::idle;
  std::int64_t queue_position_ = 0;
  std::string executive_first_name_;
  std::optional<open_offer> offer_;  // an offer waiting for the customer's s/n
};

}  // namespace tcs::client
