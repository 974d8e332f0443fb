// Menu options 1-5 of tcs-client: password change, history, catalogue and cart, returns and
// shipment/reception confirmations. Each option is one conversation that ends back at the menu;
// an invalid answer gets a clear message and the question again, and the end of the input or a
// lost connection ends it at once.
#include "client/customer_app.hpp"
#include "client/render.hpp"
#include "common/term/fields.hpp"
#include "common/term/format.hpp"
#include "common/term/operations_view.hpp"
#include "common/term/pages.hpp"

#include <algorithm>
#include <functional>
#include <utility>
#include <vector>

namespace tcs::client {

namespace asio = boost::asio;
using term::array_field;
using term::int_field;
using term::objects;
using term::operation_heading;
using term::operation_list_entry;
using term::text_field;

namespace {

using read_fn = std::function<asio::awaitable<std::optional<std::string>>()>;
using say_fn = std::function<void(std::string_view)>;

// The tools every option needs: questions that insist until the answer is valid, and requests
// whose failures are told to the customer. Built on the app's ask() and say().
class dialogue {
 public:
  dialogue(read_fn read, say_fn say, client_connection& conn)
      : read_(std::move(read)), say_(std::move(say)), conn_(conn) {}

  void say(std::string_view text) const { say_(text); }

  // Says `question`, then reads until the answer is a number in [min, max]. nullopt: the
  // input ended or the connection was lost.
  asio::awaitable<std::optional<int>> choice(std::string question, int min, int max,
                                             std::string_view invalid = "Opción inválida") {
    say(question);
    for (;;) {
      auto line = co_await read_();
      if (!line)
        co_return std::nullopt;
      if (auto n = term::parse_choice(*line, min, max))
        co_return n;
      say(std::string(invalid) + ": ingrese un número del " + std::to_string(min) + " al " +
          std::to_string(max) + ".");
      say(question);
    }
  }

  // Says `question` and reads until the answer is yes (s, si, sí) or no (n, no).
  asio::awaitable<std::optional<bool>> yes_no(std::string question) {
    say(question);
    for (;;) {
      auto line = co_await read_();
      if (!line)
        co_return std::nullopt;
      std::string answer;
      for (char c : *line) {
        if (c != ' ' && c != '\t')
          answer += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
      }
      // Only ASCII is lowered above, so "SÍ" arrives as "sÍ".
      if (answer == "s" || answer == "si" || answer == "sí" || answer == "sÍ")
        co_return true;
      if (answer == "n" || answer == "no")
        co_return false;
      say("Respuesta inválida: responda s (sí) o n (no).");
      say(question);
    }
  }

  // Sends a request. A failure is told to the customer (unless the connection is gone: the
  // app already said so) and returned as the failure.
  asio::awaitable<result<json::object>> request(json::object message) {
    json::object reply = co_await conn_.request(std::move(message));
    if (auto f = reply_failure(reply)) {
      if (conn_.is_open())
        say(f->message);
      co_return *f;
    }
    co_return reply;
  }

  // request() for a paged list: every page of `list`, merged into the first reply.
  asio::awaitable<result<json::object>> request_all(json::object message, std::string_view list) {
    json::object reply = co_await term::request_all(conn_, std::move(message), list);
    if (auto f = reply_failure(reply)) {
      if (conn_.is_open())
        say(f->message);
      co_return *f;
    }
    co_return reply;
  }

 private:
  read_fn read_;
  say_fn say_;
  client_connection& conn_;
};

// Fetches the catalogue into `products` and prints it; false if the request failed.
asio::awaitable<bool> load_catalogue(dialogue& d, term::terminal& term,
                                     std::vector<json::object>& products) {
  auto reply = co_await d.request_all(make_event("catalogue"), "products");
  if (!reply)
    co_return false;
  products = objects(array_field(*reply, "products"));
  if (products.empty()) {
    d.say("El catálogo está vacío por ahora.");
    co_return true;
  }
  d.say("Catálogo de productos:");
  for (const auto& line : catalogue_table(products))
    term.print(line);
  co_return true;
}

json::object operation_request(std::string_view type, std::int64_t operation_id) {
  json::object req = make_event(type);
  req["operation_id"] = operation_id;
  return req;
}

// One line of the cart: what the customer asked for, at the catalogue's price when added.
struct cart_item {
  std::int64_t product_id = 0;
  std::string name;
  std::int64_t unit_price = 0;
  std::int64_t quantity = 0;
};

std::int64_t cart_units(const std::vector<cart_item>& cart) {
  std::int64_t n = 0;
  for (const auto& item : cart)
    n += item.quantity;
  return n;
}

std::int64_t cart_total(const std::vector<cart_item>& cart) {
  std::int64_t total = 0;
  for (const auto& item : cart)
    total += item.quantity * item.unit_price;
  return total;
}

std::string cart_summary(const std::vector<cart_item>& cart) {
  if (cart.empty())
    return "Su carrito está vacío.";
  return "Su carrito: " + units_text(cart_units(cart)) + ", total " +
         term::pesos(cart_total(cart)) + ".";
}

constexpr std::string_view cart_menu =
    "[1] Agregar un producto al carrito.\n"
    "[2] Ver el carrito.\n"
    "[3] Vaciar el carrito.\n"
    "[4] Confirmar la compra.\n"
    "[5] Ver el catálogo de nuevo.\n"
    "[0] Cancelar y volver al menú principal.";

constexpr std::int64_t max_units_per_product = 99;  // the server's per-line limit

}  // namespace

// ---------------------------------------------------------------------------------------------
// [1] Cambio de contraseña

asio::awaitable<void> customer_app::change_password() {
  dialogue d{[this] { return ask(); }, [this](std::string_view t) { say(t); }, *conn_};
  d.say("Ingrese su contraseña actual.");
  auto current = co_await ask(true);
  if (!current)
    co_return;
  d.say("Ingrese su nueva contraseña.");
  auto new1 = co_await ask(true);
  if (!new1)
    co_return;
  d.say("Ingrese su nueva contraseña nuevamente.");
  auto new2 = co_await ask(true);
  if (!new2)
    co_return;

  json::object req = make_event("password.change");
  req["current"] = *current;
  req["new"] = *new1;
  req["confirm"] = *new2;
  if (!co_await d.request(std::move(req))) {
    if (conn_->is_open())
      d.say("Su clave no fue cambiada.");
    co_return;
  }
  d.say("Su clave ha sido actualizada exitosamente.");
}

// ---------------------------------------------------------------------------------------------
// [2] Historial de operaciones

asio::awaitable<void> customer_app::show_history() {
  dialogue d{[this] { return ask(); }, [this](std::string_view t) { say(t); }, *conn_};
  auto reply = co_await d.request_all(make_event("history"), "operations");
  if (!reply)
    co_return;
  const auto ops = objects(array_field(*reply, "operations"));
  if (ops.empty()) {
    d.say("No tiene operaciones en los últimos 12 meses.");
    co_return;
  }
  d.say("Sus operaciones de los últimos 12 meses:");
  for (std::size_t i = 0; i < ops.size(); ++i)
    term_.print("[" + std::to_string(i + 1) + "] " + operation_heading(ops[i]));

  auto pick = co_await d.choice("¿Desea ver más detalles de alguno? (0 = No)", 0,
                                static_cast<int>(ops.size()));
  if (!pick || *pick == 0)
    co_return;
  const auto& chosen = ops[static_cast<std::size_t>(*pick - 1)];
  auto details = co_await d.request(operation_request("history.detail", int_field(chosen, "id")));
  if (!details)
    co_return;
  if (const auto* op = term::object_field(*details, "operation"))
    d.say(term::render_operation(*op, *pick));
}

// ---------------------------------------------------------------------------------------------
// [3] Catálogo de productos / Comprar productos

asio::awaitable<void> customer_app::catalogue_and_cart() {
  dialogue d{[this] { return ask(); }, [this](std::string_view t) { say(t); }, *conn_};
  std::vector<json::object> products;
  if (!co_await load_catalogue(d, term_, products) || products.empty())
    co_return;

  std::vector<cart_item> cart;
  for (;;) {
    d.say(cart_summary(cart) + " ¿Qué desea hacer?");
    term_.print(cart_menu);
    auto option = co_await d.choice("Ingrese un número:", 0, 5);
    if (!option)
      co_return;
    switch (*option) {
      case 0:
        d.say(cart.empty() ? "Volviendo al menú principal."
                           : "Compra cancelada: no se compró nada.");
        co_return;

      case 1: {  // add a product
        if (products.empty()) {
          d.say("El catálogo está vacío por ahora.");
          break;
        }
        auto number = co_await d.choice("Ingrese el número del producto (0 = volver):", 0,
                                        static_cast<int>(products.size()));
        if (!number)
          co_return;
        if (*number == 0)
          break;
        const auto& p = products[static_cast<std::size_t>(*number - 1)];
        const auto id = int_field(p, "id");
        const auto name = text_field(p, "name");
        auto in_cart = std::find_if(cart.begin(), cart.end(),
                                    [&](const cart_item& item) { return item.product_id == id; });
        const std::int64_t already = in_cart == cart.end() ? 0 : in_cart->quantity;
        const std::int64_t available =
            std::min(int_field(p, "stock"), max_units_per_product) - already;
        if (available <= 0) {
          d.say(already > 0
                    ? "Ya tiene en su carrito todas las unidades disponibles de " + name + "."
                    : name + " está agotado.");
          break;
        }
        auto quantity = co_await d.choice(
            "¿Cuántas unidades de " + name + "? (1 a " + std::to_string(available) + ")", 1,
            static_cast<int>(available), "Cantidad inválida");
        if (!quantity)
          co_return;
        if (in_cart != cart.end())
          in_cart->quantity += *quantity;
        else
          cart.push_back({id, name, int_field(p, "price"), *quantity});
        d.say("Agregado: " + name + " [x" + std::to_string(*quantity) + "].");
        break;
      }

      case 2:  // show the cart (the summary line below already says when it is empty)
        if (cart.empty())
          break;
        d.say("Su carrito:");
        for (const auto& item : cart)
          term_.print(item_line(item.name, item.quantity, item.unit_price));
        term_.print("Total: " + term::pesos(cart_total(cart)));
        break;

      case 3:  // empty the cart
        cart.clear();
        d.say("Carrito vaciado.");
        break;

      case 4: {  // confirm
        if (cart.empty()) {
          d.say("Su carrito está vacío: agregue productos antes de confirmar.");
          break;
        }
        d.say("Su compra:");
        for (const auto& item : cart)
          term_.print(item_line(item.name, item.quantity, item.unit_price));
        term_.print("Total: " + term::pesos(cart_total(cart)));
        auto yes = co_await d.yes_no("¿Confirma la compra? (s/n)");
        if (!yes)
          co_return;
        if (!*yes) {
          d.say("Compra no confirmada; su carrito se mantiene.");
          break;
        }
        json::array lines;
        for (const auto& item : cart) {
          json::object line;
          line["product_id"] = item.product_id;
          line["quantity"] = item.quantity;
          lines.push_back(std::move(line));
        }
        json::object req = make_event("purchase");
        req["lines"] = std::move(lines);
        auto reply = co_await d.request(std::move(req));
        if (!reply) {
          if (!conn_->is_open())
            co_return;
          // Stock or prices changed: show the catalogue as it is now; the cart is kept.
          d.say("No se compró nada; su carrito se mantiene para que lo ajuste.");
          if (!co_await load_catalogue(d, term_, products))
            co_return;
          break;
        }
        d.say("¡Compra realizada! Operación #" + std::to_string(int_field(*reply, "operation_id")) +
              " por " + term::pesos(int_field(*reply, "total")) + ". Estado: pagado.");
        co_return;
      }

      case 5:
        if (!co_await load_catalogue(d, term_, products))
          co_return;
        break;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// [4] Solicitar devolución

asio::awaitable<void> customer_app::request_return() {
  dialogue d{[this] { return ask(); }, [this](std::string_view t) { say(t); }, *conn_};
  auto reply = co_await d.request_all(make_event("returnable"), "operations");
  if (!reply)
    co_return;
  const auto ops = objects(array_field(*reply, "operations"));
  if (ops.empty()) {
    d.say("No tiene compras que se puedan devolver.");
    co_return;
  }
  d.say("Compras que puede devolver:");
  for (std::size_t i = 0; i < ops.size(); ++i)
    term_.print(operation_list_entry(i + 1, ops[i]));
  auto pick =
      co_await d.choice("¿Cuál desea devolver? (0 = ninguna)", 0, static_cast<int>(ops.size()));
  if (!pick || *pick == 0)
    co_return;
  const auto id = int_field(ops[static_cast<std::size_t>(*pick - 1)], "id");

  auto details = co_await d.request(operation_request("history.detail", id));
  if (!details)
    co_return;
  if (const auto* op = term::object_field(*details, "operation"))
    d.say(term::render_operation(*op, *pick));
  auto yes = co_await d.yes_no("¿Confirma la devolución de esta compra? (s/n)");
  if (!yes)
    co_return;
  if (!*yes) {
    d.say("Devolución cancelada.");
    co_return;
  }
  if (!co_await d.request(operation_request("return", id)))
    co_return;
  d.say("Devolución tramitada: todas sus unidades vuelven a stock. Estado: devolución tramitada.");
}

// ---------------------------------------------------------------------------------------------
// [5] Confirmar envío

asio::awaitable<void> customer_app::confirm_shipment() {
  dialogue d{[this] { return ask(); }, [this](std::string_view t) { say(t); }, *conn_};
  auto reply = co_await d.request_all(make_event("pending"), "operations");
  if (!reply)
    co_return;
  const auto ops = objects(array_field(*reply, "operations"));
  if (ops.empty()) {
    d.say("No tiene compras por confirmar.");
    co_return;
  }
  d.say("Compras por confirmar:");
  for (std::size_t i = 0; i < ops.size(); ++i) {
    const bool paid = text_field(ops[i], "state") == "paid";
    term_.print(operation_list_entry(i + 1, ops[i]) +
                (paid ? " (confirmar envío)" : " (confirmar recepción)"));
  }
  auto pick =
      co_await d.choice("¿Cuál desea confirmar? (0 = ninguna)", 0, static_cast<int>(ops.size()));
  if (!pick || *pick == 0)
    co_return;
  const auto& op = ops[static_cast<std::size_t>(*pick - 1)];
  const bool paid = text_field(op, "state") == "paid";
  auto yes = co_await d.yes_no(std::string(paid ? "¿Confirma el envío" : "¿Confirma la recepción") +
                               " de la compra del " +
                               term::local_datetime(int_field(op, "created_at")) + "? (s/n)");
  if (!yes)
    co_return;
  if (!*yes) {
    d.say("No se confirmó nada.");
    co_return;
  }
  auto done = co_await d.request(operation_request("confirm", int_field(op, "id")));
  if (!done)
    co_return;
  d.say(std::string(paid ? "Envío confirmado." : "Recepción confirmada.") +
        " Estado: " + std::string(term::state_name(text_field(*done, "state"))) + ".");
}

}  // namespace tcs::client
