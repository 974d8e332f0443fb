// The executive's `:` commands (parsing, the request each one sends, how its reply is shown)
// and the support events the executive receives. See docs/protocol.md, "Support queue and
// chat". Whether there is a current customer is the server's call (not_in_chat): this
// terminal only remembers the customer's name for its messages.
#include "common/term/command_parser.hpp"
#include "common/term/format.hpp"
#include "common/term/operations_view.hpp"
#include "executive/executive_app.hpp"

#include <algorithm>
#include <vector>

namespace tcs::executive {

namespace asio = boost::asio;

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

std::string string_or(const json::object& o, std::string_view key, std::string_view fallback) {
  if (auto v = get_string(o, key))
    return std::string(*v);
  return std::string(fallback);
}

std::int64_t int_or(const json::object& o, std::string_view key, std::int64_t fallback) {
  if (auto v = get_int(o, key))
    return *v;
  return fallback;
}

bool bool_or(const json::object& o, std::string_view key, bool fallback) {
  if (auto v = get_bool(o, key))
    return *v;
  return fallback;
}

const json::object* object_field(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_object() ? &v->as_object() : nullptr;
}

const json::array* array_field(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_array() ? &v->as_array() : nullptr;
}

// Characters on screen of a UTF-8 string (code points; enough for names and labels).
std::size_t display_width(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

std::string pad_right(std::string text, std::size_t width) {
  const std::size_t w = display_width(text);
  if (w < width)
    text.append(width - w, ' ');
  return text;
}

std::string pad_left(std::string text, std::size_t width) {
  const std::size_t w = display_width(text);
  if (w < width)
    text.insert(0, width - w, ' ');
  return text;
}

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
  std::string what(term::activity_label(string_or(a, "action", "?")));
  if (auto detail = string_or(a, "detail", ""); !detail.empty())
    what += " (" + detail + ")";
  if (auto outcome = string_or(a, "outcome", "ok"); outcome != "ok" && !outcome.empty())
    what += " [falló: " + outcome + "]";
  const auto at = get_int(a, "at");
  if (!at)
    return what;
  return date_first ? term::local_datetime(*at) + " " + what
                    : what + ", " + term::local_datetime(*at);
}

std::string render_status(const json::object& reply) {
  std::string out;
  const auto* customers = array_field(reply, "customers");
  if (!customers || customers->empty()) {
    out = term::assistant("No hay clientes conectados.");
  } else {
    out = term::assistant("Clientes conectados (" + std::to_string(customers->size()) + "):");
    for (const auto& v : *customers) {
      if (!v.is_object())
        continue;
      const auto& c = v.as_object();
      out += "\n  " + string_or(c, "email", "?") + " " + string_or(c, "name", "?");
      if (auto state = get_string(c, "state"))
        out += " (" + std::string(customer_state(*state)) + ")";
    }
  }
  const auto* queue = array_field(reply, "queue");
  if (!queue || queue->empty()) {
    out += "\nCola de espera: vacía.";
  } else {
    out += "\nCola de espera (" + std::to_string(queue->size()) + "):";
    for (const auto& v : *queue) {
      if (!v.is_object())
        continue;
      const auto& q = v.as_object();
      out += "\n  [" + std::to_string(int_or(q, "position", 0)) + "] " + string_or(q, "name", "?") +
             " (" + string_or(q, "email", "?") + "), esperando " +
             waited(int_or(q, "waiting_s", 0));
    }
  }
  return out;
}

std::string render_details(const json::object& reply) {
  const auto* customers = array_field(reply, "customers");
  if (!customers || customers->empty())
    return term::assistant("No hay clientes conectados.");
  std::string out = term::assistant("Clientes conectados y su última acción:");
  for (const auto& v : *customers) {
    if (!v.is_object())
      continue;
    const auto& c = v.as_object();
    out += "\n  " + string_or(c, "email", "?") + " " + string_or(c, "name", "?") + ": ";
    if (const auto* last = object_field(c, "last_action"))
      out += activity_text(*last, false);
    else
      out += "sin acciones registradas";
  }
  return out;
}

std::string render_catalogue(const json::object& reply) {
  const json::array* products = array_field(reply, "products");
  if (!products) {  // tolerate another name for the list
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
  for (const auto& v : *products) {
    if (!v.is_object())
      continue;
    const auto& p = v.as_object();
    row r;
    r.id = std::to_string(int_or(p, "id", 0));
    r.name = string_or(p, "name", "?");
    r.kind = std::string(term::kind_name(string_or(p, "kind", "")));
    r.price = term::pesos(int_or(p, "price", 0));
    r.stock = std::to_string(int_or(p, "stock", 0));
    r.held = std::to_string(int_or(p, "held", 0));
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

bool executive_app::on_support_event(const json::object& event) {
  const std::string type = string_or(event, "type", "");
  if (type == "queue.joined") {
    std::string name = "?";
    if (const auto* c = object_field(event, "customer"))
      name = string_or(*c, "name", name);
    say("El cliente " + name + " se quiere conectar");
  } else if (type == "chat.message") {
    term_.print(string_or(event, "from", customer_first_name_) + ": " +
                string_or(event, "text", ""));
  } else if (type == "chat.ended") {
    say(string_or(event, "message", "La conversación terminó."));
    customer_name_.clear();
    customer_first_name_.clear();
  } else if (type == "offer.cancelled") {
    say("La oferta por \"" + string_or(event, "card", "?") + "\" quedó cancelada.");
  } else if (type == "offer.answered") {
    const std::string who = string_or(
        event, "customer", customer_first_name_.empty() ? "El cliente" : customer_first_name_);
    const std::string what = "vender \"" + string_or(event, "card", "?") + "\" por " +
                             term::pesos(int_or(event, "price", 0));
    if (bool_or(event, "accepted", false)) {
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
    if (auto reply = co_await call(make_event("status")))
      term_.print(render_status(*reply));
  } else if (name == ":details") {
    if (auto reply = co_await call(make_event("details")))
      term_.print(render_details(*reply));
  } else if (name == ":connect") {
    if (auto reply = co_await call(make_event("connect"))) {
      std::string email;
      if (const auto* c = object_field(*reply, "customer")) {
        customer_name_ = string_or(*c, "name", "el cliente");
        customer_first_name_ = string_or(*c, "first_name", customer_name_);
        email = string_or(*c, "email", "");
      }
      say("Conectado con " + customer_name_ + (email.empty() ? "" : " (" + email + ")") +
          ". Lo que escriba se le envía; :disconnect termina la conversación.");
    }
  } else if (name == ":history") {
    if (auto reply = co_await call(make_event("customer.activity"))) {
      std::string who = customer_name_;
      if (const auto* c = object_field(*reply, "customer"))
        who = string_or(*c, "name", who);
      std::string out = term::assistant("Actividad de " + who + ":");
      const auto* entries = array_field(*reply, "entries");
      if (!entries || entries->empty())
        out += "\nSin actividad registrada.";
      else
        for (const auto& e : *entries) {
          if (e.is_object())
            out += "\n- " + activity_text(e.as_object(), true);
        }
      term_.print(out);
    }
  } else if (name == ":operations") {
    if (auto reply = co_await call(make_event("customer.operations"))) {
      std::string out =
          term::assistant("Operaciones de " + customer_name_ + " (también se le muestran a él):");
      const auto* ops = array_field(*reply, "operations");
      if (!ops || ops->empty())
        out += "\nNo tiene operaciones registradas.";
      else
        for (const auto& op : *ops) {
          if (op.is_object())
            out += "\n" + term::render_operation(op.as_object());
        }
      term_.print(out);
    }
  } else if (name == ":catalogue") {
    if (auto reply = co_await call(make_event("catalogue")))
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
        say("\"" + string_or(*p, "name", args->card) + "\" publicado en el catálogo a " +
            term::pesos(int_or(*p, "price", 0)) + " (stock " +
            std::to_string(int_or(*p, "stock", 0)) + ", retenidas " +
            std::to_string(int_or(*p, "held", 0)) + ").");
        if (args->price && bool_or(*reply, "price_ignored", false))
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
