// Past chats as the terminals show them (conversation_view.hpp).
#include "common/term/conversation_view.hpp"

#include "common/term/chat_text.hpp"
#include "common/term/fields.hpp"
#include "common/term/format.hpp"

namespace tcs::term {

std::string_view chat_outcome_label(std::string_view outcome) {
  if (outcome == "ended_by_executive")
    return "terminada por el ejecutivo";
  if (outcome == "ended_by_customer")
    return "terminada por el cliente";
  if (outcome == "customer_disconnected")
    return "el cliente se desconectó";
  if (outcome == "executive_disconnected")
    return "el ejecutivo se desconectó";
  if (outcome == "requeued")
    return "devuelta a la cola";
  if (outcome == "idle")
    return "cerrada por inactividad";
  if (outcome == "transferred")
    return "transferida a otro ejecutivo";
  if (outcome == "open")
    return "en curso";
  return "terminada";
}

namespace {

std::string summary_line(const json::object& c) {
  const auto lines = int_field(c, "lines", 0);
  return "[" + std::to_string(int_field(c, "id", 0)) + "] " +
         local_datetime(int_field(c, "started_at", 0)) + ", " + text_field(c, "executive", "?") +
         ", " + std::to_string(lines) + (lines == 1 ? " línea, " : " líneas, ") +
         std::string(chat_outcome_label(text_field(c, "outcome", "")));
}

}  // namespace

std::string render_conversations(const json::array& chats, std::string_view empty) {
  if (chats.empty())
    return std::string(empty);
  std::string out;
  for (const auto& c : objects(chats))
    out += (out.empty() ? "" : "\n") + summary_line(c);
  return out;
}

std::string render_conversation(const json::object& reply) {
  std::string out = "Conversación ";
  if (const auto* c = object_field(reply, "conversation"))
    out += summary_line(*c);
  const auto lines = objects(array_field(reply, "lines"));
  if (lines.empty())
    return out + "\n(sin mensajes)";
  for (const auto& line : lines)
    out += "\n" + chat_line(line, "?");
  return out;
}

}  // namespace tcs::term
