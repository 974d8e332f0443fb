// Builders and renderers of the executive's agent tools (agent_commands.hpp).
#include "executive/agent_commands.hpp"

#include <limits>

#include "common/term/command_parser.hpp"
#include "common/term/conversation_view.hpp"
#include "common/term/fields.hpp"
#include "common/term/format.hpp"
#include "executive/views.hpp"

namespace tcs::executive {

using term::array_field;
using term::assistant;
using term::int_field;
using term::object_field;
using term::text_field;

std::optional<json::object> canned_request(std::string_view args) {
  const std::string_view name = term::trim(args);
  if (name.empty())
    return make_event("canned.list");
  if (name.find_first_of(" \t") != std::string_view::npos)
    return std::nullopt;
  json::object request = make_event("canned.send");
  request["name"] = name;
  return request;
}

std::optional<json::object> note_request(std::string_view args) {
  json::object request = make_event("customer.note");
  request["text"] = term::trim(args);
  return request;
}

std::optional<json::object> conversation_request(std::string_view args) {
  const auto n = term::parse_choice(term::trim(args), 1, std::numeric_limits<int>::max());
  if (!n)
    return std::nullopt;
  json::object request = make_event("conversation");
  request["chat_id"] = *n;
  return request;
}

std::optional<follow_up> notes_follow_up(const json::object&) {
  return follow_up{make_event("customer.notes"), "notes"};
}

std::string show_canned(const json::object& request, const json::object& reply,
                        served_customer& c) {
  if (text_field(request, "type") == "canned.send")
    return assistant("Enviado a " +
                     (c.first_name.empty() ? std::string("el cliente") : c.first_name) + ": " +
                     text_field(reply, "text"));
  const auto replies = term::objects(array_field(reply, "replies"));
  if (replies.empty())
    return assistant(
        "No hay respuestas predefinidas (las crea un administrador con tcs-server "
        "canned add).");
  std::string out = assistant("Respuestas predefinidas (:r NOMBRE envía una):");
  for (const auto& r : replies)
    out += "\n  " + text_field(r, "name", "?") + ": " + text_field(r, "text");
  return out;
}

std::string show_note(const json::object&, const json::object&, served_customer& c) {
  return assistant("Nota guardada sobre " + (c.name.empty() ? std::string("el cliente") : c.name) +
                   " (solo la ven los ejecutivos).");
}

std::string show_conversations(const json::object&, const json::object& reply, served_customer& c) {
  std::string name = c.name;
  if (const auto* who = object_field(reply, "customer"))
    name = text_field(*who, "name", name);
  return assistant("Conversaciones de " + name + " (:conversacion N muestra una):") + "\n" +
         term::render_conversations(array_field(reply, "conversations"),
                                    "No tiene conversaciones registradas.");
}

std::string show_conversation(const json::object&, const json::object& reply, served_customer&) {
  return term::render_conversation(reply);
}

std::string notes_text(const json::object& body, std::string_view who) {
  const auto notes = term::objects(array_field(body, "notes"));
  if (notes.empty())
    return "";
  const auto total = int_field(body, "notes_total", static_cast<std::int64_t>(notes.size()));
  std::string out =
      assistant("Notas internas sobre " + std::string(who) + " (" + std::to_string(total) + "):");
  for (const auto& n : notes)
    out += "\n  " + term::local_datetime(int_field(n, "at", 0)) + ", " +
           text_field(n, "author", "?") + ": " + text_field(n, "text");
  if (total > static_cast<std::int64_t>(notes.size()))
    out += "\n  (:history las muestra todas)";
  return out;
}

std::string show_activity_and_notes(const json::object&, const json::object& reply,
                                    served_customer& c) {
  std::string out = render_activity(reply, c.name);
  json::object notes;
  notes["notes"] = array_field(reply, "notes");
  notes["notes_total"] = static_cast<std::int64_t>(array_field(reply, "notes").size());
  const std::string text = notes_text(notes, c.name.empty() ? "el cliente" : c.name);
  return out + "\n" +
         (text.empty() ? assistant("Sin notas internas (:nota TEXTO agrega una).") : text);
}

}  // namespace tcs::executive
