// Rendering of the executive's lists (see views.hpp).
#include "executive/views.hpp"

#include "common/term/chat_text.hpp"
#include "common/term/fields.hpp"
#include "common/term/format.hpp"
#include "common/term/table.hpp"

#include <vector>

namespace tcs::executive {

using term::align;
using term::array_field;
using term::int_field;
using term::object_field;
using term::text_field;

namespace {

std::string_view customer_state(std::string_view state) {
  if (state == "menu")
    return "en el menú";
  if (state == "queue")
    return "en la cola";
  if (state == "chat")
    return "en conversación";
  return state;
}

// A list of customers, one per line after two spaces: "  <first> <second>".
term::table customer_lines() {
  return term::table({{"", align::none}, {"", align::none}}, " ", "  ");
}

std::string render_queue(const json::array& queue) {
  if (queue.empty())
    return "Cola de espera: vacía.";
  term::table lines = customer_lines();
  for (const auto& q : term::objects(queue))
    lines.add({"[" + std::to_string(int_field(q, "position", 0)) + "]",
               text_field(q, "name", "?") + " (" + text_field(q, "email", "?") + "), esperando " +
                   waited(int_field(q, "waiting_s", 0))});
  return "Cola de espera (" + std::to_string(queue.size()) + "):\n" + lines.text();
}

// "Ejecutivos: Eva Soto (disponible; eva@x.cl), Tom Ruiz (ausente, en conversación; tom@x.cl)."
std::string render_executives(const json::array& executives) {
  std::string out;
  for (const auto& e : term::objects(executives)) {
    out += out.empty() ? "Ejecutivos: " : ", ";
    out += text_field(e, "name", "?") +
           (term::bool_field(e, "available", true) ? " (disponible" : " (ausente");
    if (const auto chats = int_field(e, "chats", 0); chats > 1)
      out += ", en " + std::to_string(chats) + " conversaciones";
    else
      out += term::bool_field(e, "chatting", false) ? ", en conversación" : "";
    const std::string email = text_field(e, "email", "");
    out += email.empty() ? ")" : "; " + email + ")";
  }
  return out.empty() ? out : term::assistant(out + ".") + "\n";
}

}  // namespace

std::string waited(std::int64_t seconds) {
  if (seconds < 60)
    return std::to_string(seconds) + " s";
  if (seconds < 3600)
    return std::to_string(seconds / 60) + " min " + std::to_string(seconds % 60) + " s";
  return std::to_string(seconds / 3600) + " h " + std::to_string(seconds % 3600 / 60) + " min";
}

std::string activity_text(const json::object& a, bool date_first) {
  std::string what(term::activity_label(text_field(a, "action", "?")));
  if (auto detail = text_field(a, "detail", ""); !detail.empty())
    what += " (" + detail + ")";
  if (auto outcome = text_field(a, "outcome", "ok"); outcome != "ok" && !outcome.empty())
    what += " [falló: " + std::string(term::outcome_label(outcome)) + "]";
  const auto at = get_int(a, "at");
  if (!at)
    return what;
  return date_first ? term::local_datetime(*at) + " " + what
                    : what + ", " + term::local_datetime(*at);
}

std::string render_status(const json::object& reply) {
  const json::array& customers = array_field(reply, "customers");
  std::string out;
  if (customers.empty()) {
    out = term::assistant("No hay clientes conectados.");
  } else {
    term::table lines = customer_lines();
    for (const auto& c : term::objects(customers)) {
      std::string name = text_field(c, "name", "?");
      if (auto state = get_string(c, "state"))
        name += " (" + std::string(customer_state(*state)) + ")";
      lines.add({text_field(c, "email", "?"), std::move(name)});
    }
    out = term::assistant("Clientes conectados (" + std::to_string(customers.size()) + "):") +
          "\n" + lines.text();
  }
  out += "\n" + render_executives(array_field(reply, "executives")) +
         render_queue(array_field(reply, "queue"));
  if (auto average = get_int(reply, "average_wait_s"))
    out += "\nEspera promedio de la última hora: " + waited(*average) + ".";
  return out;
}

std::string render_details(const json::object& reply) {
  const json::array& customers = array_field(reply, "customers");
  if (customers.empty())
    return term::assistant("No hay clientes conectados.");
  term::table lines = customer_lines();
  for (const auto& c : term::objects(customers)) {
    const auto* last = object_field(c, "last_action");
    std::string who = text_field(c, "name", "?");
    if (auto state = get_string(c, "state")) {  // where the customer is now
      who += " (" + std::string(customer_state(*state));
      if (auto position = get_int(c, "position"))
        who += ", posición " + std::to_string(*position);
      who += ")";
    }
    lines.add({text_field(c, "email", "?"),
               who + ": " + (last ? activity_text(*last, false) : "sin acciones registradas")});
  }
  return term::assistant("Clientes conectados y su última acción:") + "\n" + lines.text();
}

std::string render_activity(const json::object& reply, const std::string& who) {
  std::string name = who;
  if (const auto* c = object_field(reply, "customer"))
    name = text_field(*c, "name", name);
  const json::array& entries = array_field(reply, "entries");
  if (entries.empty())
    return term::assistant("Actividad de " + name + ":") + "\nSin actividad registrada.";
  std::vector<std::string> lines;
  for (const auto& e : term::objects(entries))
    lines.push_back(activity_text(e, true));
  return term::assistant("Actividad de " + name + ":") + "\n" + term::marked_list(lines);
}

std::string render_chats(const json::object& reply) {
  const auto chats = term::objects(array_field(reply, "chats"));
  if (chats.empty())
    return term::assistant("No tiene conversaciones abiertas.");
  term::table lines({{"", align::none}, {"", align::right}, {"", align::none}}, " ", "  ");
  for (const auto& c : chats) {
    std::string who = "?";
    if (const auto* customer = object_field(c, "customer"))
      who = text_field(*customer, "name", "?") + " (" + text_field(*customer, "email", "?") + ")";
    who += ", desde las " + term::local_time(int_field(c, "since", 0)) + ", última línea " +
           term::local_time(int_field(c, "last_at", 0));
    lines.add({term::bool_field(c, "current", false) ? "*" : " ",
               std::to_string(int_field(c, "number", 0)), who});
  }
  return term::assistant("Conversaciones abiertas (" + std::to_string(chats.size()) + " de " +
                         std::to_string(int_field(reply, "max_chats", 1)) + "):") +
         "\n" + lines.text() + "\n" +
         term::assistant("* = a quien se le envía lo que escribe; :cambiar N elige otra.");
}

std::string render_catalogue(const json::object& reply) {
  const json::array* products = nullptr;
  if (const auto* list = reply.if_contains("products"); list && list->is_array()) {
    products = &list->as_array();
  } else {  // tolerate another name for the list
    for (const auto& [key, value] : reply) {
      if (value.is_array()) {
        products = &value.as_array();
        break;
      }
    }
  }
  if (!products || products->empty())
    return term::assistant("El catálogo está vacío.");

  term::table table({{"#", align::right},
                     {"Nombre", align::left},
                     {"Tipo", align::left},
                     {"Precio", align::right},
                     {"Stock", align::right},
                     {"Retenidas", align::right},
                     {"", align::none}});
  for (const auto& p : term::objects(*products)) {
    const auto listed = get_bool(p, "listed");
    table.add({std::to_string(int_field(p, "id", 0)), text_field(p, "name", "?"),
               std::string(term::kind_name(text_field(p, "kind", ""))),
               term::pesos(int_field(p, "price", 0)), std::to_string(int_field(p, "stock", 0)),
               std::to_string(int_field(p, "held", 0)),
               listed && !*listed ? "(no publicado)" : ""});
  }
  return term::assistant("Catálogo:") + "\n" + table.text();
}

}  // namespace tcs::executive
