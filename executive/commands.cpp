// The executive's `:` commands (parsing, the request each one sends, how its reply is shown)
// and the support events the executive receives. See docs/protocol.md, "Support queue and
// chat". Whether there is a current customer is the server's call (not_in_chat): this
// terminal only remembers the customer's name for its messages.
#include "common/term/command_parser.hpp"
#include "common/term/fields.hpp"
#include "common/term/format.hpp"
#include "common/term/operations_view.hpp"
#include "common/term/pages.hpp"
#include "executive/executive_app.hpp"

#include <algorithm>
#include <vector>

namespace tcs::executive {

namespace asio = boost::asio;
using term::array_field;
using term::bool_field;
using term::display_width;
using term::int_field;
using term::object_field;
using term::pad_left;
using term::pad_right;
using term::text_field;

namespace {

constexpr std::string_view help_text =
    "Comandos:\n"
    "  :status        clientes conectados y cola de espera\n"
    "  :details       clientes conectados y su última acción\n"
    "  :connect       atender al cliente que más ha esperado\n"
    "  :history       actividad del cliente atendido\n"
    "  :operations    todas las operaciones del cliente (se le muestran también a él)\n"
    "  :catalogue     catálogo con precios, stock y unidades retenidas\n"
    "  :buy <carta> <precio>      ofrecer comprarle una carta al cliente\n"
    "  :publish <carta> [precio]  poner a la venta una carta comprada\n"
    "  :disconnect    terminar la conversación con el cliente\n"
    "  :exit          cerrar sesión\n"
    "  :help          esta ayuda\n"
    "Los nombres de carta pueden tener espacios: :buy \"Pikachu ex\" 12000 o :buy Pikachu ex "
    "12000.\n"
    "Una línea sin ':' se le envía al cliente atendido.";

struct command_spec {
  std::string_view name;
  std::string_view usage;
  bool takes_args;
};

constexpr command_spec commands[] = {
    {":status", ":status", false},
    {":details", ":details", false},
    {":connect", ":connect", false},
    {":history", ":history", false},
    {":operations", ":operations", false},
    {":catalogue", ":catalogue", false},
    {":buy", ":buy <carta> <precio>   (ej.: :buy Caterpie 8, :buy \"Pikachu ex\" 12000)", true},
    {":publish", ":publish <carta> [precio]   (ej.: :publish Caterpie 9)", true},
    {":disconnect", ":disconnect", false},
    {":exit", ":exit", false},
    {":help", ":help", false},
};

std::string waited(std::int64_t seconds) {
  if (seconds < 60)
    return std::to_string(seconds) + " s";
  if (seconds < 3600)
    return std::to_string(seconds / 60) + " min " + std::to_string(seconds % 60) + " s";
  return std::to_string(seconds / 3600) + " h " + std::to_string(seconds % 3600 / 60) + " min";
}

std::string_view customer_state(std::string_view state) {
  if (state == "menu")
    return "en el menú";
  if (state == "queue")
    return "en la cola";
  if (state == "chat")
    return "en conversación";
  return state;
}

// "consulta de catálogo (detalle), 27/08/2024 16:20" plus the outcome when it failed.
std::string activity_text(const json::object& a, bool date_first) {
  std::string what(term::activity_label(text_field(a, "action", "?")));
  if (auto detail = text_field(a, "detail", ""); !detail.empty())
    what += " (" + detail + ")";
  if (auto outcome = text_field(a, "outcome", "ok"); outcome != "ok" && !outcome.empty())
    what += " [falló: " + outcome + "]";
  const auto at = get_int(a, "at");
  if (!at)
    return what;
  return date_first ? term::local_datetime(*at) + " " + what
                    : what + ", " + term::local_datetime(*at);
}

std::string render_status(const json::object& reply) {
  std::string out;
  const json::array& customers = array_field(reply, "customers");
  if (customers.empty()) {
    out = term::assistant("No hay clientes conectados.");
  } else {
    out = term::assistant("Clientes conectados (" + std::to_string(customers.size()) + "):");
    for (const auto& c : term::objects(customers)) {
      out += "\n  " + text_field(c, "email", "?") + " " + text_field(c, "name", "?");
      if (auto state = get_string(c, "state"))
        out += " (" + std::string(customer_state(*state)) + ")";
    }
  }
  const json::array& queue = array_field(reply, "queue");
  if (queue.empty()) {
    out += "\nCola de espera: vacía.";
  } else {
    out += "\nCola de espera (" + std::to_string(queue.size()) + "):";
    for (const auto& q : term::objects(queue)) {
      out += "\n  [" + std::to_string(int_field(q, "position", 0)) + "] " +
             text_field(q, "name", "?") + " (" + text_field(q, "email", "?") + "), esperando " +
             waited(int_field(q, "waiting_s", 0));
    }
  }
  return out;
}

std::string render_details(const json::object& reply) {
  const json::array& customers = array_field(reply, "customers");
  if (customers.empty())
    return term::assistant("No hay clientes conectados.");
  std::string out = term::assistant("Clientes conectados y su última acción:");
  for (const auto& c : term::objects(customers)) {
    out += "\n  " + text_field(c, "email", "?") + " " + text_field(c, "name", "?") + ": ";
    if (const auto* last = object_field(c, "last_action"))
      out += activity_text(*last, false);
    else
      out += "sin acciones registradas";
  }
  return out;
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

  struct row {
    std::string id, name, kind, price, stock, held, note;
  };
  std::vector<row> rows;
  row header{"#", "Nombre", "Tipo", "Precio", "Stock", "Retenidas", ""};
  for (const auto& p : term::objects(*products)) {
    row r;
    r.id = std::to_string(int_field(p, "id", 0));
    r.name = text_field(p, "name", "?");
    r.kind = std::string(term::kind_name(text_field(p, "kind", "")));
    r.price = term::pesos(int_field(p, "price", 0));
    r.stock = std::to_string(int_field(p, "stock", 0));
    r.held = std::to_string(int_field(p, "held", 0));
    if (auto listed = get_bool(p, "listed"); listed && !*listed)
      r.note = "  (no publicado)";
    rows.push_back(std::move(r));
  }
  std::size_t w[6] = {};
  auto widen = [&](const row& r) {
    w[0] = std::max(w[0], display_width(r.id));
    w[1] = std::max(w[1], display_width(r.name));
    w[2] = std::max(w[2], display_width(r.kind));
    w[3] = std::max(w[3], display_width(r.price));
    w[4] = std::max(w[4], display_width(r.stock));
    w[5] = std::max(w[5], display_width(r.held));
  };
  widen(header);
  for (const auto& r : rows)
    widen(r);
  auto line = [&](const row& r) {
    return pad_left(r.id, w[0]) + "  " + pad_right(r.name, w[1]) + "  " + pad_right(r.kind, w[2]) +
           "  " + pad_left(r.price, w[3]) + "  " + pad_left(r.stock, w[4]) + "  " +
           pad_left(r.held, w[5]) + r.note;
  };
  std::string out = term::assistant("Catálogo:") + "\n" + line(header);
  for (const auto& r : rows)
    out += "\n" + line(r);
  return out;
}

}  // namespace

asio::awaitable<std::optional<json::object>> executive_app::call(json::object request) {
  json::object reply = co_await conn_->request(std::move(request));
  if (auto f = reply_failure(reply)) {
    say(f->message);
    co_return std::nullopt;
  }
  co_return reply;
}

asio::awaitable<std::optional<json::object>> executive_app::call_all(json::object request,
                                                                     std::string_view list) {
  json::object reply = co_await term::request_all(*conn_, std::move(request), list);
  if (auto f = reply_failure(reply)) {
    say(f->message);
    co_return std::nullopt;
  }
  co_return reply;
}

bool executive_app::on_support_event(const json::object& event) {
  const std::string type = text_field(event, "type", "");
  if (type == "queue.joined") {
    std::string name = "?";
    if (const auto* c = object_field(event, "customer"))
      name = text_field(*c, "name", name);
    say("El cliente " + name + " se quiere conectar");
  } else if (type == "chat.message") {
    term_.print(text_field(event, "from", customer_first_name_) + ": " +
                text_field(event, "text", ""));
  } else if (type == "chat.ended") {
    say(text_field(event, "message", "La conversación terminó."));
    customer_name_.clear();
    customer_first_name_.clear();
  } else if (type == "offer.cancelled") {
    say("La oferta por \"" + text_field(event, "card", "?") + "\" quedó cancelada.");
  } else if (type == "offer.answered") {
    const std::string who = text_field(
        event, "customer", customer_first_name_.empty() ? "El cliente" : customer_first_name_);
    const std::string what = "vender \"" + text_field(event, "card", "?") + "\" por " +
                             term::pesos(int_field(event, "price", 0));
    if (bool_field(event, "accepted", false)) {
      std::string text = who + " aceptó " + what;
      if (auto op = get_int(event, "operation_id"))
        text += " (operación #" + std::to_string(*op) + ")";
      say(text + ".");
    } else {
      say(who + " rechazó " + what + ".");
    }
  } else {
    return false;
  }
  return true;
}

asio::awaitable<bool> executive_app::run_command(std::string_view line) {
  const term::command_line cmd = term::split_command(line);
  const auto spec = std::find_if(std::begin(commands), std::end(commands),
                                 [&](const command_spec& c) { return c.name == cmd.name; });
  if (spec == std::end(commands)) {
    say("Comando desconocido: " + cmd.name + ". Estos son los comandos:");
    term_.print(help_text);
    co_return true;
  }
  if (!spec->takes_args && !cmd.args.empty()) {
    say("Uso: " + std::string(spec->usage));
    co_return true;
  }
  const std::string_view name = spec->name;

  if (name == ":exit")
    co_return false;
  if (name == ":help") {
    term_.print(help_text);
  } else if (name == ":status") {
    if (auto reply = co_await call_all(make_event("status"), "customers")) {
      // The reply has the head of the queue; the rest comes from queue.list.
      if (auto next = get_int(*reply, "queue_next")) {
        json::object more = make_event("queue.list");
        more["after"] = *next;
        auto rest = co_await call_all(std::move(more), "queue");
        if (!rest)
          co_return true;
        if (auto* queue = reply->if_contains("queue"); queue && queue->is_array()) {
          for (const auto& entry : array_field(*rest, "queue"))
            queue->get_array().push_back(entry);
        }
      }
      term_.print(render_status(*reply));
    }
  } else if (name == ":details") {
    if (auto reply = co_await call_all(make_event("details"), "customers"))
      term_.print(render_details(*reply));
  } else if (name == ":connect") {
    if (auto reply = co_await call(make_event("connect"))) {
      std::string email;
      if (const auto* c = object_field(*reply, "customer")) {
        customer_name_ = text_field(*c, "name", "el cliente");
        customer_first_name_ = text_field(*c, "first_name", customer_name_);
        email = text_field(*c, "email", "");
      }
      say("Conectado con " + customer_name_ + (email.empty() ? "" : " (" + email + ")") +
          ". Lo que escriba se le envía; :disconnect termina la conversación.");
    }
  } else if (name == ":history") {
    if (auto reply = co_await call_all(make_event("customer.activity"), "entries")) {
      std::string who = customer_name_;
      if (const auto* c = object_field(*reply, "customer"))
        who = text_field(*c, "name", who);
      std::string out = term::assistant("Actividad de " + who + ":");
      const json::array& entries = array_field(*reply, "entries");
      if (entries.empty())
        out += "\nSin actividad registrada.";
      for (const auto& e : term::objects(entries))
        out += "\n- " + activity_text(e, true);
      term_.print(out);
    }
  } else if (name == ":operations") {
    if (auto reply = co_await call_all(make_event("customer.operations"), "operations"))
      term_.print(term::render_operations(
          "Operaciones de " + customer_name_ + " (también se le muestran a él):",
          array_field(*reply, "operations")));
  } else if (name == ":catalogue") {
    if (auto reply = co_await call_all(make_event("catalogue"), "products"))
      term_.print(render_catalogue(*reply));
  } else if (name == ":buy") {
    const auto args = term::parse_card_and_price(cmd.args, true);
    if (!args) {
      say("Uso: " + std::string(spec->usage));
      co_return true;
    }
    json::object request = make_event("offer.create");
    request["card"] = args->card;
    request["price"] = *args->price;
    if (auto reply = co_await call(std::move(request))) {
      std::string text = "Oferta";
      if (auto id = get_int(*reply, "offer_id"))
        text += " #" + std::to_string(*id);
      say(text + " enviada: comprar \"" + args->card + "\" por " + term::pesos(*args->price) +
          ". Esperando la respuesta de " +
          (customer_first_name_.empty() ? std::string("el cliente") : customer_first_name_) + ".");
    }
  } else if (name == ":publish") {
    const auto args = term::parse_card_and_price(cmd.args, false);
    if (!args) {
      say("Uso: " + std::string(spec->usage));
      co_return true;
    }
    json::object request = make_event("publish");
    request["card"] = args->card;
    if (args->price)
      request["price"] = *args->price;
    if (auto reply = co_await call(std::move(request))) {
      if (const auto* p = object_field(*reply, "product")) {
        say("\"" + text_field(*p, "name", args->card) + "\" publicado en el catálogo a " +
            term::pesos(int_field(*p, "price", 0)) + " (stock " +
            std::to_string(int_field(*p, "stock", 0)) + ", retenidas " +
            std::to_string(int_field(*p, "held", 0)) + ").");
        if (args->price && bool_field(*reply, "price_ignored", false))
          say("La carta ya tiene precio de catálogo; el precio indicado no se usó.");
      } else {
        say("\"" + args->card + "\" publicado en el catálogo.");
      }
    }
  } else if (name == ":disconnect") {
    if (co_await call(make_event("chat.end"))) {
      say("Terminó la conversación con " +
          (customer_name_.empty() ? std::string("el cliente") : customer_name_) + ".");
      customer_name_.clear();
      customer_first_name_.clear();
    }
  }
  co_return true;
}

asio::awaitable<void> executive_app::send_chat(std::string_view text) {
  json::object message = make_event("chat.send");
  message["text"] = std::string(text);
  co_await call(std::move(message));
}

}  // namespace tcs::executive
