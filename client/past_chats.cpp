// tcs-client's agent-tool parts (issue 17): the customer's past chats, a sub-option of menu
// option 2 (`conversations`, `conversation`), and the satisfaction survey after a chat
// (`chat.rate`). See docs/protocol.md, "Agent tools".
#include "client/customer_app.hpp"
#include "common/term/command_parser.hpp"
#include "common/term/conversation_view.hpp"
#include "common/term/fields.hpp"
#include "common/term/format.hpp"

#include <limits>

namespace tcs::client {

namespace asio = boost::asio;
using term::array_field;
using term::int_field;

namespace {

// The answer that opens the past chats from option 2's question.
bool asks_for_chats(std::string_view line) {
  const std::string_view word = term::trim(line);
  return word == "c" || word == "C" || word == "conversaciones";
}

}  // namespace

asio::awaitable<std::optional<const json::object*>> customer_app::pick_operation_or_chats(
    const std::vector<json::object>& ops) {
  const std::string question =
      "¿Desea ver más detalles de alguna? Ingrese su número de operación (0 = No)";
  say("(Para ver sus conversaciones con ejecutivos, escriba c.)");
  say(question);
  for (;;) {
    auto line = co_await ask();
    if (!line)
      co_return std::nullopt;
    if (asks_for_chats(*line)) {
      co_await show_past_chats();
      say(question);
      continue;
    }
    const auto number = term::parse_choice(*line, 0, std::numeric_limits<int>::max());
    if (number == 0)
      co_return nullptr;
    for (const auto& item : ops)
      if (number && int_field(item, "id", -1) == *number)
        co_return &item;
    say("Número inválido: ingrese uno de los números entre corchetes de la lista, o 0.");
    say(question);
  }
}

asio::awaitable<void> customer_app::show_past_chats() {
  auto list = co_await call_all(make_event("conversations"), "conversations");
  if (!list)
    co_return;
  const auto& chats = array_field(*list, "conversations");
  if (chats.empty()) {
    say("No tiene conversaciones con ejecutivos.");
    co_return;
  }
  say("Sus conversaciones con ejecutivos:");
  term_.print(term::render_conversations(chats, ""));
  const std::string question = "¿Cuál desea leer? Ingrese su número (0 = ninguna)";
  say(question);
  for (;;) {
    auto line = co_await ask();
    if (!line)
      co_return;
    const auto number = term::parse_choice(*line, 0, std::numeric_limits<int>::max());
    if (number == 0)
      co_return;
    if (!number) {
      say("Número inválido: ingrese uno de los números entre corchetes, o 0.");
      say(question);
      continue;
    }
    json::object request = make_event("conversation");
    request["chat_id"] = *number;
    if (auto chat = co_await call_all(std::move(request), "lines"))
      term_.print(term::render_conversation(*chat));
    say(question);
  }
}

asio::awaitable<void> customer_app::satisfaction_survey() {
  survey_pending_ = false;
  const std::string question = "¿Cómo evaluaría la atención? (1 a 5, 0 = omitir)";
  say(question);
  std::optional<int> rating;
  while (!rating) {
    auto line = co_await ask();
    if (!line)
      co_return;  // Ctrl-C or the end of the input: nothing is sent
    rating = term::parse_choice(*line, 0, 5);
    if (!rating) {
      say("Evaluación inválida: ingrese un número del 1 al 5, o 0 para omitir.");
      say(question);
    }
  }
  json::object request = make_event("chat.rate");
  request["rating"] = *rating;
  if (*rating > 0) {
    say("¿Desea agregar un comentario? (Enter para terminar)");
    auto comment = co_await ask();
    if (comment && !term::trim(*comment).empty())
      request["comment"] = term::trim(*comment);
  }
  if (co_await call(std::move(request)))
    say(*rating > 0 ? "¡Gracias por su evaluación!" : "Encuesta omitida.");
}

}  // namespace tcs::client
