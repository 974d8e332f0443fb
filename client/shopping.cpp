// Menu option 3 of tcs-client: the catalogue and the cart, up to the purchase. The cart menu
// loops until the customer buys, cancels, or the input ends; each step is a member of its own.
#include "client/cart.hpp"
#include "client/customer_app.hpp"
#include "client/render.hpp"
#include "common/term/fields.hpp"
#include "common/term/format.hpp"

#include <algorithm>
#include <vector>

namespace tcs::client {

namespace asio = boost::asio;
using term::int_field;
using term::text_field;

namespace {

constexpr std::string_view cart_menu =
    "[1] Agregar un producto al carrito.\n"
    "[2] Ver el carrito.\n"
    "[3] Vaciar el carrito.\n"
    "[4] Confirmar la compra.\n"
    "[5] Ver el catálogo de nuevo.\n"
    "[0] Cancelar y volver al menú principal.";

}  // namespace

asio::awaitable<void> customer_app::catalogue_and_cart() {
  std::vector<json::object> products;
  if (!co_await show_catalogue(products) || products.empty())
    co_return;
  cart basket;
  for (bool stay = true; stay;) {
    say(basket.summary() + " ¿Qué desea hacer?");
    term_.print(cart_menu);
    auto option = co_await choose("Ingrese un número:", 0, 5);
    if (!option)
      co_return;
    switch (*option) {
      case 0:
        say(basket.empty() ? "Volviendo al menú principal."
                           : "Compra cancelada: no se compró nada.");
        stay = false;
        break;
      case 1:
        stay = co_await add_to_cart(basket, products);
        break;
      case 2:  // the summary line above already says when it is empty
        if (!basket.empty()) {
          say("Su carrito:");
          term_.print(basket.listing());
        }
        break;
      case 3:
        basket.clear();
        say("Carrito vaciado.");
        break;
      case 4:
        stay = co_await buy(basket, products);
        break;
      case 5:
        stay = co_await show_catalogue(products);
        break;
    }
  }
}

// Fetches the catalogue into `products` and prints it; false if the request failed.
asio::awaitable<bool> customer_app::show_catalogue(std::vector<json::object>& products) {
  auto reply = co_await call_all(make_event("catalogue"), "products");
  if (!reply)
    co_return false;
  products = term::objects(term::array_field(*reply, "products"));
  if (products.empty()) {
    say("El catálogo está vacío por ahora.");
    co_return true;
  }
  say("Catálogo de productos:");
  for (const auto& line : catalogue_table(products))
    term_.print(line);
  co_return true;
}

asio::awaitable<bool> customer_app::add_to_cart(cart& basket,
                                                const std::vector<json::object>& products) {
  if (products.empty()) {
    say("El catálogo está vacío por ahora.");
    co_return true;
  }
  auto number = co_await choose("Ingrese el número del producto (0 = volver):", 0,
                                static_cast<int>(products.size()));
  if (!number)
    co_return false;
  if (*number == 0)
    co_return true;
  const auto& p = products[static_cast<std::size_t>(*number - 1)];
  const auto id = int_field(p, "id");
  const auto name = text_field(p, "name");
  const std::int64_t already = basket.quantity_of(id);
  const std::int64_t available = std::min(int_field(p, "stock"), max_units_per_product) - already;
  if (available <= 0) {
    say(already > 0 ? "Ya tiene en su carrito todas las unidades disponibles de " + name + "."
                    : name + " está agotado.");
    co_return true;
  }
  auto quantity =
      co_await choose("¿Cuántas unidades de " + name + "? (1 a " + std::to_string(available) + ")",
                      1, static_cast<int>(available), "Cantidad inválida");
  if (!quantity)
    co_return false;
  basket.add(id, name, int_field(p, "price"), *quantity);
  say("Agregado: " + name + " [x" + std::to_string(*quantity) + "].");
  co_return true;
}

asio::awaitable<bool> customer_app::buy(cart& basket, std::vector<json::object>& products) {
  if (basket.empty()) {
    say("Su carrito está vacío: agregue productos antes de confirmar.");
    co_return true;
  }
  say("Su compra:");
  term_.print(basket.listing());
  auto yes = co_await confirm("¿Confirma la compra? (s/n)");
  if (!yes)
    co_return false;
  if (!*yes) {
    say("Compra no confirmada; su carrito se mantiene.");
    co_return true;
  }
  auto reply = co_await call(basket.purchase_request());
  if (!reply) {
    if (reply.error().transport)
      co_return false;
    // Stock or prices changed: show the catalogue as it is now; the cart is kept.
    say("No se compró nada; su carrito se mantiene para que lo ajuste.");
    co_return co_await show_catalogue(products);
  }
  say("¡Compra realizada! Operación #" + std::to_string(int_field(*reply, "operation_id")) +
      " por " + term::pesos(int_field(*reply, "total")) + ". Estado: pagado.");
  co_return false;
}

}  // namespace tcs::client
