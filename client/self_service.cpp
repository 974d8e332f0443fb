// Menu options 1, 2, 4 and 5 of tcs-client: password change, history, returns and
// shipment/reception confirmations (option 3 is shopping.cpp). Each option is one conversation
// that ends back at the menu; an invalid answer gets a clear message and the question again,
// and the end of the input or a lost connection ends it at once. A refused request is told by
// term::session::call().
#include "client/customer_app.hpp"
#include "common/term/fields.hpp"
#include "common/term/format.hpp"
#include "common/term/operations_view.hpp"
#include "common/term/table.hpp"

#include <vector>

namespace tcs::client {

namespace asio = boost::asio;
using term::array_field;
using term::int_field;
using term::objects;
using term::text_field;

namespace {

json::object operation_request(std::string_view type, std::int64_t operation_id) {
  json::object req = make_event(type);
  req["operation_id"] = operation_id;
  return req;
}

// The list a customer picks from: "[1] compra (27/08/2024 16:20) - pagado - total $24.970",
// followed by `note(op)` when one is given.
std::string operation_choices(const std::vector<json::object>& ops,
                              std::string (*note)(const json::object&) = nullptr) {
  std::vector<std::string> entries;
  for (const auto& op : ops)
    entries.push_back(term::operation_summary(op) + (note ? note(op) : std::string()));
  return term::numbered_list(entries);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// [1] Cambio de contraseña

asio::awaitable<void> customer_app::change_password() {
  say("Ingrese su contraseña actual.");
  auto current = co_await ask(true);
  if (!current)
    co_return;
  say("Ingrese su nueva contraseña.");
  auto new1 = co_await ask(true);
  if (!new1)
    co_return;
  say("Ingrese su nueva contraseña nuevamente.");
  auto new2 = co_await ask(true);
  if (!new2)
    co_return;

  json::object req = make_event("password.change");
  req["current"] = *current;
  req["new"] = *new1;
  req["confirm"] = *new2;
  if (auto changed = co_await call(std::move(req)); !changed) {
    if (!changed.error().transport)
      say("Su clave no fue cambiada.");
    co_return;
  }
  say("Su clave ha sido actualizada exitosamente.");
}

// ---------------------------------------------------------------------------------------------
// [2] Historial de operaciones

asio::awaitable<void> customer_app::show_history() {
  auto reply = co_await call_all(make_event("history"), "operations");
  if (!reply)
    co_return;
  const auto ops = objects(array_field(*reply, "operations"));
  if (ops.empty()) {
    say("No tiene operaciones en los últimos 12 meses.");
    co_return;
  }
  say("Sus operaciones de los últimos 12 meses:");
  std::vector<std::string> headings;
  for (const auto& op : ops)
    headings.push_back(term::operation_heading(op));
  term_.print(term::numbered_list(headings));

  auto pick = co_await choose("¿Desea ver más detalles de alguno? (0 = No)", 0,
                              static_cast<int>(ops.size()));
  if (!pick || *pick == 0)
    co_return;
  const auto& chosen = ops[static_cast<std::size_t>(*pick - 1)];
  auto details = co_await call(operation_request("history.detail", int_field(chosen, "id")));
  if (!details)
    co_return;
  if (const auto* op = term::object_field(*details, "operation"))
    say(term::render_operation(*op, *pick));
}

// ---------------------------------------------------------------------------------------------
// [4] Solicitar devolución

asio::awaitable<void> customer_app::request_return() {
  auto reply = co_await call_all(make_event("returnable"), "operations");
  if (!reply)
    co_return;
  const auto ops = objects(array_field(*reply, "operations"));
  if (ops.empty()) {
    say("No tiene compras que se puedan devolver.");
    co_return;
  }
  say("Compras que puede devolver:");
  term_.print(operation_choices(ops));
  auto pick =
      co_await choose("¿Cuál desea devolver? (0 = ninguna)", 0, static_cast<int>(ops.size()));
  if (!pick || *pick == 0)
    co_return;
  const auto id = int_field(ops[static_cast<std::size_t>(*pick - 1)], "id");

  auto details = co_await call(operation_request("history.detail", id));
  if (!details)
    co_return;
  if (const auto* op = term::object_field(*details, "operation"))
    say(term::render_operation(*op, *pick));
  auto yes = co_await confirm("¿Confirma la devolución de esta compra? (s/n)");
  if (!yes)
    co_return;
  if (!*yes) {
    say("Devolución cancelada.");
    co_return;
  }
  if (!co_await call(operation_request("return", id)))
    co_return;
  say("Devolución tramitada: todas sus unidades vuelven a stock. Estado: devolución tramitada.");
}

// ---------------------------------------------------------------------------------------------
// [5] Confirmar envío

asio::awaitable<void> customer_app::confirm_shipment() {
  auto reply = co_await call_all(make_event("pending"), "operations");
  if (!reply)
    co_return;
  const auto ops = objects(array_field(*reply, "operations"));
  if (ops.empty()) {
    say("No tiene compras por confirmar.");
    co_return;
  }
  say("Compras por confirmar:");
  term_.print(operation_choices(ops, [](const json::object& op) {
    return std::string(text_field(op, "state") == "paid" ? " (confirmar envío)"
                                                         : " (confirmar recepción)");
  }));
  auto pick =
      co_await choose("¿Cuál desea confirmar? (0 = ninguna)", 0, static_cast<int>(ops.size()));
  if (!pick || *pick == 0)
    co_return;
  const auto& op = ops[static_cast<std::size_t>(*pick - 1)];
  const bool paid = text_field(op, "state") == "paid";
  auto yes = co_await confirm(std::string(paid ? "¿Confirma el envío" : "¿Confirma la recepción") +
                              " de la compra del " +
                              term::local_datetime(int_field(op, "created_at")) + "? (s/n)");
  if (!yes)
    co_return;
  if (!*yes) {
    say("No se confirmó nada.");
    co_return;
  }
  auto done = co_await call(operation_request("confirm", int_field(op, "id")));
  if (!done)
    co_return;
  say(std::string(paid ? "Envío confirmado." : "Recepción confirmada.") +
      " Estado: " + std::string(term::state_name(text_field(*done, "state"))) + ".");
}

}  // namespace tcs::client
