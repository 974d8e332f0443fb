// The support events tcs-exec receives (docs/protocol.md, "Support queue and chat").
#include "common/term/chat_text.hpp"
#include "common/term/fields.hpp"
#include "common/term/format.hpp"
#include "executive/agent_commands.hpp"
#include "executive/executive_app.hpp"
#include "executive/views.hpp"

namespace tcs::executive {

using term::bool_field;
using term::int_field;
using term::object_field;
using term::text_field;

namespace {

// "Ana aceptó vender "Mew" por $8 (operación #12)." or "... rechazó ...".
std::string offer_answer_text(const json::object& event, const served_customer& customer) {
  const std::string who = text_field(
      event, "customer", customer.first_name.empty() ? "El cliente" : customer.first_name);
  const std::string what = "vender \"" + text_field(event, "card", "?") + "\" por " +
                           term::pesos(int_field(event, "price", 0));
  if (!bool_field(event, "accepted", false))
    return who + " rechazó " + what + ".";
  std::string text = who + " aceptó " + what;
  if (auto op = get_int(event, "operation_id"))
    text += " (operación #" + std::to_string(*op) + ")";
  return text + ".";
}

// "Clientes esperando (2): Ana Pérez (3 min 5 s), Bruno Díaz (40 s). :connect para atender."
std::string who_waits_text(const json::object& event) {
  std::string names;
  for (const auto& c : term::objects(term::array_field(event, "customers"))) {
    names += names.empty() ? "" : ", ";
    names += text_field(c, "name", "?") + " (" + waited(int_field(c, "waiting_s", 0)) + ")";
  }
  const auto waiting = int_field(event, "waiting", 0);
  const auto listed = static_cast<std::int64_t>(term::array_field(event, "customers").size());
  if (waiting > listed)
    names += " y " + std::to_string(waiting - listed) + " más";
  return "Clientes esperando (" + std::to_string(waiting) + "): " + names +
         ". :connect para atender.";
}

// "(conversación 2) " before what concerns one of several chats (`chats`: how many are open
// now, at least `several`); "" with one chat.
std::string chat_mark(const json::object& event, std::int64_t several = 2) {
  if (int_field(event, "chats", 0) < several || int_field(event, "number", 0) == 0)
    return "";
  return "(conversación " + std::to_string(int_field(event, "number", 0)) + ") ";
}

// A customer's line; with several chats open, labelled with the chat's number and the
// customer's full name: "[16:20] (2) Ana Rojas: hola".
std::string incoming_line(const json::object& event, const served_customer& customer) {
  const auto* who = object_field(event, "customer");
  if (int_field(event, "chats", 1) < 2 || !who)
    return term::chat_line(event, customer.first_name);
  json::object labelled = event;
  labelled["from"] = "(" + std::to_string(int_field(event, "number", 0)) + ") " +
                     text_field(*who, "name", text_field(event, "from", "?"));
  return term::chat_line(labelled, customer.first_name);
}

}  // namespace

void executive_app::on_assigned(const json::object& event) {
  const auto* c = object_field(event, "customer");
  if (!c)
    return;
  const bool current = bool_field(event, "current", true);
  served_customer given;
  given.set(event);
  if (current)
    customer_ = given;
  const std::string who = given.name + " (" + text_field(*c, "email", "?") + ")";
  const std::string tail =
      current ? ". Lo que escriba se le envía; :disconnect termina la conversación."
              : " como conversación " + std::to_string(given.number) +
                    "; para escribirle: :cambiar " + std::to_string(given.number) + ".";
  const auto* from = object_field(event, "transferred_from");
  const std::string notes = notes_text(event, customer_.name);
  if (!from) {
    say("Se le asignó a " + who + ", que esperó " + waited(int_field(event, "waited_s", 0)) + tail);
    if (!notes.empty())
      term_.print(notes);
    return;
  }
  say(text_field(*from, "name", "Otro ejecutivo") + " le transfirió a " + who + tail);
  if (!notes.empty())
    term_.print(notes);
  const auto lines = term::objects(term::array_field(event, "transcript"));
  if (lines.empty())
    return;
  say("La conversación hasta ahora:");
  for (const auto& line : lines)
    term_.print(term::chat_line(line, given.first_name), term::voice::other);
}

bool executive_app::on_support_event(const json::object& event) {
  const std::string type = text_field(event, "type", "");
  if (type == "queue.joined") {
    std::string name = "?";
    if (const auto* c = object_field(event, "customer"))
      name = text_field(*c, "name", name);
    say("El cliente " + name + " se quiere conectar");
  } else if (type == "queue.left") {  // an earlier "se quiere conectar" is no longer current
    std::string name = "?";
    if (const auto* c = object_field(event, "customer"))
      name = text_field(*c, "name", name);
    say("El cliente " + name + " ya no espera: " +
        (text_field(event, "reason") == "disconnected" ? "se desconectó." : "salió de la cola.") +
        " Clientes esperando: " + std::to_string(int_field(event, "waiting", 0)) + ".");
  } else if (type == "queue.count") {  // busy or away: only the count
    say("Clientes esperando: " + std::to_string(int_field(event, "waiting", 0)) + ".");
  } else if (type == "queue.waiting") {  // just became free or available
    say(who_waits_text(event));
  } else if (type == "chat.assigned") {  // --assignment auto, or a transfer
    on_assigned(event);
  } else if (type == "chat.message") {
    typing_done();
    term_.print(incoming_line(event, customer_), term::voice::other);
  } else if (type == "chat.typing") {
    typing_shown(text_field(event, "from", customer_.first_name));
  } else if (type == "chat.ended") {
    typing_done();
    const bool was_current = bool_field(event, "was_current", true);
    std::string text =
        chat_mark(event, 1) + text_field(event, "message", "La conversación terminó.");
    if (was_current && int_field(event, "chats", 0) > 0)
      text += " :cambiar N elige a quién le escribe (:chats lista sus conversaciones).";
    say(text);
    if (was_current)
      customer_.clear();
  } else if (type == "offer.cancelled") {
    say(chat_mark(event) + "La oferta por \"" + text_field(event, "card", "?") +
        "\" quedó cancelada.");
  } else if (type == "offer.answered") {
    say(chat_mark(event) + offer_answer_text(event, customer_));
  } else {
    return false;
  }
  return true;
}

}  // namespace tcs::executive
