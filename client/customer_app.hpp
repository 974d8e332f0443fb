// tcs-client's dialogue: login, the seed's menu, and one member per menu option. Runs as one
// coroutine on the loop; server events arrive through term::session and are printed at once.
#pragma once

#include "common/term/session.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tcs::client {

class cart;

class customer_app : public term::session {
 public:
  using term::session::session;

  // The whole session. Returns the process exit code: 0 after [7] Salir (or the end of the
  // input once logged in), 1 when login never succeeded or the connection was lost.
  boost::asio::awaitable<int> run(std::string host, std::uint16_t port);

 private:
  // Shows the menu and reads an option (1..7); after "¿Desea realizar otra operación?"
  // (`asked_again`) "no" is 7 and "sí" asks for the number. nullopt when the input ended.
  boost::asio::awaitable<std::optional<int>> menu_choice(bool asked_again);
  // Menu options; each returns when the customer is back at the menu. (self_service.cpp)
  boost::asio::awaitable<void> change_password();
  // Asks for the current password until password.check accepts it, and says the policy.
  boost::asio::awaitable<std::optional<std::string>> current_password();
  boost::asio::awaitable<void> show_history();
  // Option 2's question, which also takes "c": the customer's past chats. (past_chats.cpp)
  boost::asio::awaitable<std::optional<const json::object*>> pick_operation_or_chats(
      const std::vector<json::object>& ops);
  boost::asio::awaitable<void> show_past_chats();
  // After a chat the server asked to rate (`survey`): 1 to 5 and a comment, or 0. (past_chats.cpp)
  boost::asio::awaitable<void> satisfaction_survey();
  boost::asio::awaitable<void> request_return();
  boost::asio::awaitable<void> confirm_shipment();
  // Option 3: the catalogue and the cart, up to the purchase. (shopping.cpp)
  boost::asio::awaitable<void> catalogue_and_cart();
  // Option 6: queue, chat, offers. (support_chat.cpp)
  boost::asio::awaitable<void> contact_executive();

  // Support events (queue, chat, offers, operations); false for any other type.
  // (support_chat.cpp)
  bool on_support_event(const json::object& event) override;
  void on_chat_started(const json::object& event);
  void on_chat_ended(const json::object& event);

  // Questions (customer_app.cpp). Each reads at the customer's own prompt ("Ana: ") and returns
  // nullopt when the input ended, the connection was lost or the customer pressed Ctrl-C
  // (cancelled_ is set; the option returns to the menu).
  // A line, masked when `secret` (passwords).
  boost::asio::awaitable<std::optional<std::string>> ask(bool secret = false);
  // Says `question`, then reads until the answer is a number in [min, max]; a wrong one is
  // answered "<invalid>: ingrese un número del <min> al <max>." and the question again.
  boost::asio::awaitable<std::optional<int>> choose(std::string question, int min, int max,
                                                    std::string_view invalid = "Opción inválida");
  // Says `question` and reads until the answer is 0 (nullptr) or the "id" of one of `items`
  // (products and operations are picked by their own number, as every list shows them).
  boost::asio::awaitable<std::optional<const json::object*>> pick_by_id(
      std::string question, const std::vector<json::object>& items);
  // Says `question` and reads until the answer is yes or no (term::parse_yes_no).
  boost::asio::awaitable<std::optional<bool>> confirm(std::string question);

  // Option 3's steps (shopping.cpp). Each says what happened; false when the customer leaves
  // option 3 (done, cancelled, the input ended or the connection was lost).
  boost::asio::awaitable<bool> show_catalogue(std::vector<json::object>& products);
  boost::asio::awaitable<bool> add_to_cart(cart& basket, const std::vector<json::object>& products);
  boost::asio::awaitable<bool> buy(cart& basket, std::vector<json::object>& products);
  boost::asio::awaitable<bool> change_cart_line(cart& basket,
                                                const std::vector<json::object>& products,
                                                bool remove);

  // Option 6's steps (support_chat.cpp): join the queue, then one line at a time in the state
  // the events left (queued, chatting, an offer open); false when option 6 is over.
  boost::asio::awaitable<bool> join_queue();
  boost::asio::awaitable<bool> queued_line(std::string_view line);
  boost::asio::awaitable<bool> chat_line(std::string_view line);
  boost::asio::awaitable<void> answer_offer(bool accept);
  boost::asio::awaitable<bool> support_ctrl_c();

  bool input_ended_ = false;
  bool cancelled_ = false;       // the last question was answered with Ctrl-C
  bool survey_pending_ = false;  // the chat that ended may be rated (satisfaction_survey)

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
  std::optional<open_offer> offer_;  // an offer waiting for the customer's :si / :no
};

}  // namespace tcs::client
