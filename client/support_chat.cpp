// Menu option 6 of tcs-client: the support queue, the chat with an executive and its offers.
//
// contact_executive() reads the customer's lines and reads support_ after each one: a line is
// a queue command, a chat line or an offer's answer depending on the state at that moment. The
// support events (on_support_event) print what arrives and move support_; when the chat ends
// they also wake the pending read with term_.interrupt(), so the customer returns to the menu
// without typing anything. See docs/protocol.md, "Support queue and chat".
#include "client/customer_app.hpp"
#include "common/term/chat_text.hpp"
#include "common/term/command_parser.hpp"
#include "common/term/fields.hpp"
#include "common/term/format.hpp"
#include "common/term/operations_view.hpp"

namespace tcs::client {

namespace asio = boost::asio;
using term::bool_field;
using term::int_field;
using term::object_field;
using term::text_field;

namespace {

constexpr std::string_view leave_word = ":salir";

std::string offer_question(std::string_view executive, std::string_view card, std::int64_t price) {
  return std::string(executive) + " ofrece comprarle \"" + std::string(card) + "\" por " +
         term::pesos(price) +
         ". ¿Acepta? Escriba :si o :no (mientras tanto puede seguir "
         "conversando).";
}

// The answer to an offer: ":si" / ":sí" (true), ":no" (false); nullopt for any other line.
std::optional<bool> offer_answer(std::string_view line) {
  if (line.size() < 2 || line.front() != ':')
    return std::nullopt;
  return term::parse_yes_no(line.substr(1));
}

// " Espera estimada: unos 5 min." from a queue event's or reply's eta_s; "" without one.
std::string eta_text(const json::object& m) {
  auto eta = get_int(m, "eta_s");
  if (!eta)
    return "";
  if (*eta <= 0)
    return " Lo atenderán en breve.";
  if (*eta < 60)
    return " Espera estimada: menos de 1 min.";
  return " Espera estimada: unos " + std::to_string((*eta + 59) / 60) + " min.";
}

}  // namespace

bool customer_app::on_support_event(const json::object& event) {
  const std::string type = text_field(event, "type", "");
  if (type == "queue.position") {
    if (auto p = get_int(event, "position")) {
      queue_position_ = *p;
      if (support_ == support_state::queued)
        say("Su posición en la cola: " + std::to_string(*p) + "." + eta_text(event));
    }
  } else if (type == "queue.timeout") {  // --max-queue-wait: back to the menu
    say(text_field(event, "message", "Se acabó el tiempo de espera: vuelve al menú."));
    if (support_ == support_state::queued || support_ == support_state::joining) {
      support_ = support_state::ended;
      term_.interrupt();
    }
  } else if (type == "chat.started") {
    on_chat_started(event);
  } else if (type == "chat.transferred") {
    std::string name = "otro ejecutivo";
    if (const auto* exec = object_field(event, "executive")) {
      name = text_field(*exec, "name", name);
      executive_first_name_ = text_field(*exec, "first_name", name);
    }
    offer_.reset();
    say(text_field(event, "from", "El ejecutivo") + " lo transfirió a " + name +
        ", que sigue la conversación.");
  } else if (type == "chat.message") {
    typing_done();
    term_.print(term::chat_line(event, executive_first_name_), term::voice::other);
  } else if (type == "chat.typing") {
    typing_shown(text_field(event, "from", executive_first_name_));
  } else if (type == "chat.ended") {
    typing_done();
    on_chat_ended(event);
  } else if (type == "offer") {
    const auto id = get_int(event, "offer_id");
    const auto price = get_int(event, "price");
    if (!id || !price)
      return true;
    offer_ = open_offer{*id, text_field(event, "card", "?"), *price};
    say(offer_question(text_field(event, "executive", executive_first_name_), offer_->card,
                       offer_->price));
  } else if (type == "offer.cancelled") {
    std::string card = text_field(event, "card", offer_ ? offer_->card : "");
    offer_.reset();
    say(card.empty() ? "La oferta fue cancelada."
                     : "La oferta por \"" + card + "\" fue cancelada.");
  } else if (type == "operations") {
    // A long list comes in pages, one event each; the pages after the first continue it.
    const bool continued = event.contains("after");
    term_.print(term::render_operations(
        continued ? "Sus operaciones (continuación):" : "Todas sus operaciones:",
        term::array_field(event, "operations"), !continued));
  } else {
    return false;
  }
  return true;
}

void customer_app::on_chat_started(const json::object& event) {
  std::string name = "un ejecutivo";
  executive_first_name_ = "Ejecutivo";
  if (const auto* exec = object_field(event, "executive")) {
    name = text_field(*exec, "name", name);
    executive_first_name_ = text_field(*exec, "first_name", name);
  }
  support_ = support_state::chatting;
  offer_.reset();
  // No need to wake the pending read: the next line is read as a chat line anyway.
  say("Lo atiende " + name + ". Escriba :salir para terminar la conversación.");
}

void customer_app::on_chat_ended(const json::object& event) {
  offer_.reset();
  if (bool_field(event, "survey", false))
    survey_pending_ = true;
  say(text_field(event, "message", "La conversación terminó."));
  const std::string reason = text_field(event, "reason", "");
  if (reason == "executive_disconnected" || reason == "requeued") {
    // The server put the customer back at the head of the queue: keep waiting.
    support_ = support_state::queued;
    queue_position_ = int_field(event, "position", 1);
    say("Sigue en la cola de espera, posición " + std::to_string(queue_position_) + "." +
        eta_text(event) + " Escriba :salir para volver al menú.");
  } else if (support_ != support_state::idle) {
    support_ = support_state::ended;
    term_.interrupt();  // back to the menu without waiting for a line
  }
}

asio::awaitable<void> customer_app::contact_executive() {
  term_.on_typing([this](std::string_view line) {  // a chat line, not :salir, :si or :no
    if (support_ == support_state::chatting && line.front() != ':')
      typing_notice();
  });
  if (co_await join_queue()) {
    while (!connection_lost_ && support_ != support_state::ended &&
           support_ != support_state::idle) {
      auto read = co_await term_.read_line(first_name_ + ": ");
      if (read.status == term::read_status::end_of_input) {
        input_ended_ = true;  // run() logs out; the server takes us out of the queue or chat
        break;
      }
      if (read.status == term::read_status::interrupted)
        continue;  // an event changed the state: look at it again
      if (read.status == term::read_status::cancelled) {
        if (!co_await support_ctrl_c())
          break;
        continue;
      }
      // The line means what the state at this moment says (a reply may change it meanwhile).
      const std::string_view line = term::trim(read.text);
      bool go_on = true;
      if (support_ == support_state::queued)
        go_on = co_await queued_line(line);
      else if (support_ == support_state::chatting)
        go_on = co_await chat_line(line);
      if (!go_on)
        break;
    }
  }
  support_ = support_state::idle;
  offer_.reset();
  term_.on_typing(nullptr);
  typing_done();
  if (survey_pending_ && !connection_lost_ && !input_ended_)
    co_await satisfaction_survey();
}

// Ctrl-C in option 6: leaves the queue, or asks whether to end the chat. False when option 6
// is over.
asio::awaitable<bool> customer_app::support_ctrl_c() {
  if (support_ == support_state::queued)
    co_return co_await queued_line(leave_word);
  if (support_ != support_state::chatting)
    co_return true;
  auto end =
      co_await confirm("¿Desea terminar la conversación con " + executive_first_name_ + "? (s/n)");
  cancelled_ = false;
  if (!end)
    co_return !input_ended_ && !connection_lost_;
  if (!*end || support_ != support_state::chatting)
    co_return true;  // kept (or it already ended: the loop sees it)
  co_return co_await chat_line(leave_word);
}

// Sends queue.join; false when it was refused (the reason has been said).
asio::awaitable<bool> customer_app::join_queue() {
  support_ = support_state::joining;
  offer_.reset();
  auto joined = co_await call(make_event("queue.join"));
  if (!joined)
    co_return false;
  if (support_ == support_state::joining) {  // not already taken by an executive
    support_ = support_state::queued;
    queue_position_ = int_field(*joined, "position", 1);
    if (int_field(*joined, "available_executives", 1) == 0)
      say("No hay ningún ejecutivo disponible en este momento. Puede esperar igual (lo "
          "atenderán cuando uno se conecte) o escribir :salir para volver al menú.");
    say("Está en la cola de espera, posición " + std::to_string(queue_position_) + "." +
        eta_text(*joined) + " Escriba :salir para volver al menú.");
  }
  co_return true;
}

// A line typed while waiting in the queue: :salir leaves it (false), anything else is answered
// with the position.
asio::awaitable<bool> customer_app::queued_line(std::string_view line) {
  if (line == leave_word) {
    auto left = co_await conn_->request(make_event("queue.leave"));
    if (!left) {
      // An executive may have taken us meanwhile: then the line is not an error.
      if (support_ != support_state::chatting && !left.error().transport)
        say(left.error().message);
      co_return true;
    }
    say("Salió de la cola de espera.");
    co_return false;
  }
  if (!line.empty())
    say("Aún no lo atiende un ejecutivo; su posición en la cola: " +
        std::to_string(queue_position_) + ". Escriba :salir para volver al menú.");
  co_return true;
}

// A line typed in a chat: :salir ends it (false), :si / :no answers the open offer, anything
// else is a message (also while an offer waits for its answer).
asio::awaitable<bool> customer_app::chat_line(std::string_view line) {
  if (line == leave_word) {
    auto ended = co_await conn_->request(make_event("chat.end"));
    if (ended)
      say("Terminó la conversación con " + executive_first_name_ + ".");
    if (ended && bool_field(*ended, "survey", false))
      survey_pending_ = true;
    else if (support_ == support_state::chatting && !ended.error().transport)
      say(ended.error().message);
    co_return false;
  }
  if (const auto answer = offer_answer(line)) {
    if (offer_)
      co_await answer_offer(*answer);
    else
      say("No hay ninguna oferta pendiente.");
    co_return true;
  }
  const auto pieces = term::split_chat_text(line);  // a long paste goes as several lines
  for (const auto& piece : pieces) {
    json::object message = make_event("chat.send");
    message["text"] = piece;
    auto sent = co_await conn_->request(std::move(message));
    if (!sent) {
      if (support_ == support_state::chatting && !sent.error().transport)
        say(sent.error().message);
      co_return true;
    }
  }
  if (pieces.size() > 1)
    say("Su mensaje era largo: se envió en " + std::to_string(pieces.size()) + " partes.");
  co_return true;
}

asio::awaitable<void> customer_app::answer_offer(bool accept) {
  const open_offer offer = *offer_;
  offer_.reset();
  json::object request = make_event("offer.answer");
  request["offer_id"] = offer.id;
  request["accept"] = accept;
  auto reply = co_await call(std::move(request));
  if (!reply)
    co_return;
  if (bool_field(*reply, "accepted", false)) {
    std::string text = "Vendió \"" + offer.card + "\" por " + term::pesos(offer.price);
    if (auto op = get_int(*reply, "operation_id"))
      text += " (operación #" + std::to_string(*op) + ")";
    say(text + ". La venta aparece en su historial de operaciones.");
  } else {
    say("Rechazó la oferta por \"" + offer.card + "\".");
  }
}

}  // namespace tcs::client
