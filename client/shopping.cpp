// Menu option 3 of tcs-client: the catalogue and the cart, up to the purchase. The cart menu
// loops until the customer buys, cancels, or the input ends; each step is a member of its own.
#include "client/cart.hpp"
#include "client/customer_app.hpp"
#include "client/render.hpp"
#include "common/term/fields.hpp"
#include "common/term/format.hpp"
#include "common/term/table.hpp"

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
    "[6] Cambiar la cantidad de un producto del carrito.\n"
    "[7] Quitar un producto del carrito.\n"
    "[0] Cancelar y volver al menú principal.";

// The stock the catalogue last showed for `product_id` (0 when it is no longer listed).
std::int64_t stock_of(const std::vector<json::object>& products, std::int64_t product_id) {
  for (const auto& p : products)
    if (int_field(p, "id") == product_id)
      return int_field(p, "stock");
  return 0;
}

}  // namespace

asio::awaitable<void> customer_app::catalogue_and_cart() {
  std::vector<json::object> products;
  if (!co_await show_catalogue(products) || products.empty())
    co_return;
  cart basket;
  for (bool stay = true; stay;) {
    say(basket.summary() + " ¿Qué desea hacer?");
    term_.print(cart_menu);
    auto option = co_await choose("Ingrese un número:", 0, 7);
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
      case 6:
      case 7:
        stay = co_await change_cart_line(basket, products, *option == 7);
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
  auto number = co_await pick_by_id("Ingrese el número del producto (0 = volver):", products);
  if (!number)
    co_return false;
  if (!*number)
    co_return true;
  const auto& p = **number;
  const auto id = int_field(p, "id");
  const auto name = text_field(p, "name");
  const std::int64_t already = basket.quantity_of(id);
  const std::int64_t stock = int_field(p, "stock");
  const std::int64_t available = std::min(stock, max_units_per_product) - already;
  if (available <= 0) {
    if (already == 0)
      say(name + " está agotado.");
    else if (stock < already)  // the stock went down since it was added
      say((stock == 1 ? std::string("Queda 1 unidad")
                      : "Quedan " + std::to_string(stock) + " unidades") +
          " de " + name + " y su carrito tiene " + std::to_string(already) +
          ": cambie la cantidad [6] o quítelo [7].");
    else
      say("Ya tiene en su carrito todas las unidades disponibles de " + name + ".");
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
    say("No se compró nada; su carrito se mantiene para que lo ajuste: [6] cambia la cantidad "
        "de un producto, [7] lo quita.");
    co_return co_await show_catalogue(products);
  }
  say("¡Compra realizada! Operación #" + std::to_string(int_field(*reply, "operation_id")) +
      " por " + term::pesos(int_field(*reply, "total")) + ". Estado: pagado.");
  co_return false;
}

// [6] and [7]: picks a line of the cart, then sets its quantity (at most what the catalogue
// last showed) or removes it.
asio::awaitable<bool> customer_app::change_cart_line(cart& basket,
                                                     const std::vector<json::object>& products,
                                                     bool remove) {
  if (basket.empty()) {
    say("Su carrito está vacío.");
    co_return true;
  }
  std::vector<std::string> lines;
  for (const auto& item : basket.items())
    lines.push_back(item_line(item.name, item.quantity, item.unit_price));
  say("Su carrito:");
  term_.print(term::numbered_list(lines));
  auto pick = co_await choose(remove ? "¿Qué producto quita? (0 = volver)"
                                     : "¿De qué producto cambia la cantidad? (0 = volver)",
                              0, static_cast<int>(lines.size()));
  if (!pick || *pick == 0)
    co_return pick.has_value();
  const auto index = static_cast<std::size_t>(*pick - 1);
  const cart_item item = basket.items()[index];
  const auto most = std::min(stock_of(products, item.product_id), max_units_per_product);
  if (remove || most <= 0) {
    basket.remove(index);
    say((remove ? "Quitado del carrito: " : "Ya no quedan unidades; quitado del carrito: ") +
        item.name + ".");
    co_return true;
  }
  auto quantity =
      co_await choose("¿Cuántas unidades de " + item.name + "? (1 a " + std::to_string(most) + ")",
                      1, static_cast<int>(most), "Cantidad inválida");
  if (!quantity)
    co_return false;
  basket.set_quantity(index, *quantity);
  say("Ahora: " + item.name + " [x" + std::to_string(*quantity) + "].");
  co_return true;
}

}  // namespace tcs::client
