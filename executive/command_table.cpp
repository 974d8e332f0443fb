// The executive's command table: builders of each command's request and renderers of its
// reply (see command_table.hpp; docs/protocol.md, "Support queue and chat").
#include "executive/command_table.hpp"

#include "common/term/command_parser.hpp"
#include "common/term/fields.hpp"
#include "common/term/format.hpp"
#include "common/term/operations_view.hpp"
#include "common/term/table.hpp"
#include "executive/agent_commands.hpp"
#include "executive/views.hpp"

#include <algorithm>
#include <vector>

namespace tcs::executive {

using term::array_field;
using term::assistant;
using term::bool_field;
using term::int_field;
using term::object_field;
using term::text_field;

namespace {

// ---------------------------------------------------------------------------------------------
// Requests

template <const char* type>
std::optional<json::object> plain(std::string_view) {
  return make_event(type);
}

constexpr char status_type[] = "status";
constexpr char details_type[] = "details";
constexpr char connect_type[] = "connect";
constexpr char activity_type[] = "customer.activity";
constexpr char operations_type[] = "customer.operations";
constexpr char catalogue_type[] = "catalogue";
constexpr char chat_end_type[] = "chat.end";
constexpr char requeue_type[] = "chat.requeue";
constexpr char chat_list_type[] = "chat.list";

// :cambiar <número>: the chat's number as :chats shows it (digits only; the server checks the
// range).
std::optional<json::object> switch_request(std::string_view args) {
  const std::string_view digits = term::trim(args);
  if (digits.empty() || digits.size() > 4 ||
      digits.find_first_not_of("0123456789") != std::string_view::npos)
    return std::nullopt;
  json::object request = make_event("chat.switch");
  request["number"] = std::stoll(std::string(digits));
  return request;
}

constexpr char conversations_type[] = "conversations";

// :transferir <correo>: one word, the other executive's email (as :status shows it).
std::optional<json::object> transfer_request(std::string_view args) {
  const std::string_view email = term::trim(args);
  if (email.empty() || email.find_first_of(" \t") != std::string_view::npos)
    return std::nullopt;
  json::object request = make_event("chat.transfer");
  request["email"] = email;
  return request;
}

template <bool available>
std::optional<json::object> availability_request(std::string_view) {
  json::object request = make_event("availability");
  request["available"] = available;
  return request;
}

std::optional<json::object> offer_request(std::string_view args) {
  const auto parsed = term::parse_card_and_price(args, true);
  if (!parsed)
    return std::nullopt;
  json::object request = make_event("offer.create");
  request["card"] = parsed->card;
  request["price"] = *parsed->price;
  return request;
}

std::optional<json::object> publish_request(std::string_view args) {
  const auto parsed = term::parse_card_and_price(args, false);
  if (!parsed)
    return std::nullopt;
  json::object request = make_event("publish");
  request["card"] = parsed->card;
  if (parsed->price)
    request["price"] = *parsed->price;
  return request;
}

// The status reply has the head of the queue; the rest comes from queue.list.
std::optional<follow_up> rest_of_queue(const json::object& reply) {
  auto next = get_int(reply, "queue_next");
  if (!next)
    return std::nullopt;
  json::object more = make_event("queue.list");
  more["after"] = *next;
  return follow_up{std::move(more), "queue"};
}

// ---------------------------------------------------------------------------------------------
// Replies

std::string show_status(const json::object&, const json::object& reply, served_customer&) {
  return render_status(reply);
}

std::string show_details(const json::object&, const json::object& reply, served_customer&) {
  return render_details(reply);
}

std::string show_catalogue(const json::object&, const json::object& reply, served_customer&) {
  return render_catalogue(reply);
}

std::string show_operations(const json::object&, const json::object& reply, served_customer& c) {
  return term::render_operations("Operaciones de " + c.name + " (también se le muestran a él):",
                                 array_field(reply, "operations"));
}

// " Le quedan 2 conversaciones abiertas: ..." after one of several ended or left; "" when none.
std::string chats_left(const json::object& reply, const served_customer& c) {
  const auto left = int_field(reply, "chats", 0);
  if (left <= 0)
    return "";
  return " Le queda" +
         std::string(left == 1 ? " 1 conversación abierta"
                               : "n " + std::to_string(left) + " conversaciones abiertas") +
         (c.number == 0 ? ": :cambiar N elige a quién le escribe (:chats las lista)." : ".");
}

std::string show_connected(const json::object&, const json::object& reply, served_customer& c) {
  c.set(reply);
  std::string email;
  if (const auto* customer = object_field(reply, "customer"))
    email = text_field(*customer, "email", "");
  std::string where;
  if (int_field(reply, "chats", 1) > 1)
    where = " (conversación " + std::to_string(c.number) + "; :chats las lista)";
  const std::string notes = notes_text(reply, c.name);
  return assistant("Conectado con " + c.name + (email.empty() ? "" : " (" + email + ")") + where +
                   ". Lo que escriba se le envía; :disconnect termina la conversación.") +
         (notes.empty() ? "" : "\n" + notes);
}

std::string show_chats(const json::object&, const json::object& reply, served_customer&) {
  return render_chats(reply);
}

std::string show_switched(const json::object&, const json::object& reply, served_customer& c) {
  c.set(reply);
  std::string email;
  if (const auto* customer = object_field(reply, "customer"))
    email = text_field(*customer, "email", "");
  return assistant("Ahora le escribe a " + c.name + (email.empty() ? "" : " (" + email + ")") +
                   ", conversación " + std::to_string(c.number) + ".");
}

std::string show_offer(const json::object& request, const json::object& reply, served_customer& c) {
  std::string text = "Oferta";
  if (auto id = get_int(reply, "offer_id"))
    text += " #" + std::to_string(*id);
  return assistant(text + " enviada: comprar \"" + text_field(request, "card") + "\" por " +
                   term::pesos(int_field(request, "price")) + ". Esperando la respuesta de " +
                   (c.first_name.empty() ? std::string("el cliente") : c.first_name) + ".");
}

std::string show_published(const json::object& request, const json::object& reply,
                           served_customer&) {
  const std::string card = text_field(request, "card");
  const auto* p = object_field(reply, "product");
  if (!p)
    return assistant("\"" + card + "\" publicado en el catálogo.");
  std::string out =
      assistant("\"" + text_field(*p, "name", card) + "\" publicado en el catálogo a " +
                term::pesos(int_field(*p, "price", 0)) + " (stock " +
                std::to_string(int_field(*p, "stock", 0)) + ", retenidas " +
                std::to_string(int_field(*p, "held", 0)) + ").");
  if (request.contains("price") && bool_field(reply, "price_ignored", false))
    out += "\n" + assistant("La carta ya tiene precio de catálogo; el precio indicado no se usó.");
  return out;
}

std::string show_availability(const json::object& request, const json::object& reply,
                              served_customer&) {
  const auto waiting = std::to_string(int_field(reply, "waiting", 0));
  if (!bool_field(request, "available", true))
    return assistant("Está ausente: no se le ofrecerán clientes (clientes esperando: " + waiting +
                     "). :disponible para volver.");
  return assistant("Está disponible (clientes esperando: " + waiting + ").");
}

std::string show_transferred(const json::object& request, const json::object& reply,
                             served_customer& c) {
  std::string to = text_field(request, "email");
  if (const auto* e = object_field(reply, "executive"))
    to = text_field(*e, "name", to);
  std::string name = c.name.empty() ? "el cliente" : c.name;
  if (const auto* customer = object_field(reply, "customer"))
    name = text_field(*customer, "name", name);
  c.clear();
  return assistant("Transfirió a " + name + " a " + to + "." + chats_left(reply, c));
}

std::string show_requeued(const json::object&, const json::object& reply, served_customer& c) {
  std::string name = c.name.empty() ? "el cliente" : c.name;
  if (const auto* customer = object_field(reply, "customer"))
    name = text_field(*customer, "name", name);
  if (name == c.name)
    c.clear();
  return assistant(name + " volvió al primer lugar de la cola de espera." + chats_left(reply, c));
}

std::string show_disconnected(const json::object&, const json::object& reply, served_customer& c) {
  // With --assignment auto the next customer may already be assigned (chat.assigned first).
  std::string name = c.name;
  if (const auto* ended = object_field(reply, "customer"))
    name = text_field(*ended, "name", name);
  if (name == c.name)
    c.clear();
  return assistant("Terminó la conversación con " + (name.empty() ? "el cliente" : name) + "." +
                   chats_left(reply, c));
}

// ---------------------------------------------------------------------------------------------
// The table

constexpr command table[] = {
    {":status", "", "", "clientes conectados y cola de espera", local_action::none,
     plain<status_type>, "customers", rest_of_queue, show_status},
    {":details", "", "", "clientes conectados y su última acción", local_action::none,
     plain<details_type>, "customers", nullptr, show_details},
    {":connect", "", "", "atender al cliente que más ha esperado", local_action::none,
     plain<connect_type>, "", nullptr, show_connected},
    {":history", "", "", "actividad y notas internas del cliente atendido", local_action::none,
     plain<activity_type>, "entries", notes_follow_up, show_activity_and_notes},
    {":nota", "<texto>", ":nota prefiere envíos a regiones",
     "nota interna sobre el cliente atendido", local_action::none, note_request, "", nullptr,
     show_note},
    {":r", "[nombre]", ":r saludo", "respuestas predefinidas; :r NOMBRE envía una",
     local_action::none, canned_request, "replies", nullptr, show_canned},
    {":conversaciones", "", "", "conversaciones anteriores del cliente atendido",
     local_action::none, plain<conversations_type>, "conversations", nullptr, show_conversations},
    {":conversacion", "<n>", ":conversacion 12", "una conversación anterior completa",
     local_action::none, conversation_request, "lines", nullptr, show_conversation},
    {":operations", "", "", "todas las operaciones del cliente (se le muestran también a él)",
     local_action::none, plain<operations_type>, "operations", nullptr, show_operations},
    {":catalogue", "", "", "catálogo con precios, stock y unidades retenidas", local_action::none,
     plain<catalogue_type>, "products", nullptr, show_catalogue},
    {":buy", "<carta> <precio>", ":buy Caterpie 8, :buy \"Pikachu ex\" 12000",
     "ofrecer comprarle una carta al cliente", local_action::none, offer_request, "", nullptr,
     show_offer},
    {":publish", "<carta> [precio]", ":publish Caterpie 9", "poner a la venta una carta comprada",
     local_action::none, publish_request, "", nullptr, show_published},
    {":disconnect", "", "", "terminar la conversación con el cliente", local_action::none,
     plain<chat_end_type>, "", nullptr, show_disconnected},
    {":chats", "", "", "sus conversaciones abiertas (con --max-chats-per-executive)",
     local_action::none, plain<chat_list_type>, "", nullptr, show_chats},
    {":cambiar", "<número>", ":cambiar 2", "elegir a qué conversación se envía lo que escribe",
     local_action::none, switch_request, "", nullptr, show_switched},
    {":transferir", "<correo>", ":transferir tomas.herrera@example.com",
     "pasar el cliente atendido a otro ejecutivo disponible (:status muestra los correos)",
     local_action::none, transfer_request, "", nullptr, show_transferred},
    {":devolver", "", "", "devolver el cliente atendido al primer lugar de la cola",
     local_action::none, plain<requeue_type>, "", nullptr, show_requeued},
    {":ausente", "", "", "no recibir clientes (la conversación en curso sigue)", local_action::none,
     availability_request<false>, "", nullptr, show_availability},
    {":disponible", "", "", "volver a recibir clientes", local_action::none,
     availability_request<true>, "", nullptr, show_availability},
    {":exit", "", "", "cerrar sesión", local_action::exit},
    {":help", "", "", "esta ayuda", local_action::help},
};

// Edits (insert, delete, replace one byte) that turn `a` into `b`.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string synopsis(const command& c) {
  return std::string(c.name) + (c.params.empty() ? "" : " " + std::string(c.params));
}

}  // namespace

void served_customer::set(const json::object& reply) {
  if (const auto* customer = object_field(reply, "customer")) {
    name = text_field(*customer, "name", "el cliente");
    first_name = text_field(*customer, "first_name", "");
    if (first_name.empty())
      first_name = name.substr(0, name.find(' '));
  }
  number = int_field(reply, "number", 0);
}

std::span<const command> commands() {
  return table;
}

const command* find_command(std::string_view name) {
  const auto it = std::find_if(std::begin(table), std::end(table),
                               [&](const command& c) { return c.name == name; });
  return it == std::end(table) ? nullptr : &*it;
}

const command* closest_command(std::string_view name) {
  if (name.size() < 2 || name.front() != ':')
    return nullptr;
  const command* best = nullptr;
  std::size_t best_distance = 3;  // at most 2 edits away
  for (const auto& c : table) {
    if (c.name.substr(0, name.size()) == name)
      return &c;  // a prefix: ":disc" -> ":disconnect"
    if (const auto d = edit_distance(name, c.name); d < best_distance && d < name.size() - 1) {
      best = &c;
      best_distance = d;
    }
  }
  return best;
}

std::string usage(const command& c) {
  return synopsis(c) + (c.example.empty() ? "" : "   (ej.: " + std::string(c.example) + ")");
}

std::string help_text() {
  term::table lines({{"", term::align::left}, {"", term::align::none}}, "  ", "  ");
  for (const auto& c : table)
    lines.add({synopsis(c), std::string(c.summary)});
  return "Comandos:\n" + lines.text() +
         "\nLos nombres de carta pueden tener espacios: :buy \"Pikachu ex\" 12000 o :buy Pikachu "
         "ex 12000.\nUna línea sin ':' se le envía al cliente atendido; para enviar una que "
         "empieza con ':', escriba '::' (\"::) gracias\" envía \":) gracias\").\nTab completa "
         "los comandos.";
}

plan plan_command(std::string_view line) {
  const term::command_line typed = term::split_command(line);
  plan out;
  out.cmd = find_command(typed.name);
  if (!out.cmd) {
    const command* near = closest_command(typed.name);
    out.text = assistant("Comando desconocido: " + typed.name + ". " +
                         (near ? "¿Quiso decir " + std::string(near->name) + "? " : "") +
                         "(:help lista los comandos; '::' al comienzo envía una línea que "
                         "empieza con ':'.)");
    return out;
  }
  std::optional<json::object> request;
  if (typed.args.empty() || !out.cmd->params.empty())
    request = out.cmd->build ? out.cmd->build(typed.args) : std::nullopt;
  if (out.cmd->local != local_action::none && typed.args.empty()) {
    out.what = out.cmd->local == local_action::exit ? plan::kind::exit : plan::kind::print;
    out.text = out.cmd->local == local_action::help ? help_text() : "";
  } else if (!request) {
    out.text = assistant("Uso: " + usage(*out.cmd));
  } else {
    out.what = plan::kind::send;
    out.request = std::move(*request);
  }
  return out;
}

}  // namespace tcs::executive
