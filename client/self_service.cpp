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

// The list a customer picks from, each operation under its own number (as "Operación #17"
// announced it): "[17] compra (27/08/2024 16:20) - pagado - total $24.970", followed by
// `note(op)` when one is given; `summary` false shows the heading only.
std::string operation_choices(const std::vector<json::object>& ops,
                              std::string (*note)(const json::object&) = nullptr,
                              bool summary = true) {
  term::table list({{"", term::align::none}, {"", term::align::none}}, " ");
  for (const auto& op : ops)
    list.add({"[" + std::to_string(int_field(op, "id")) + "]",
              (summary ? term::operation_summary(op) : term::operation_heading(op)) +
                  (note ? note(op) : std::string())});
  return list.text();
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// [1] Cambio de contraseña

asio::awaitable<void> customer_app::change_password() {
  say("Cambio de contraseña (una respuesta vacía vuelve al menú).");
  auto current = co_await current_password();
  if (!current)
    co_return;
  for (;;) {
    say("Ingrese su nueva contraseña.");
    auto new1 = co_await ask(true);
    if (!new1 || new1->empty())
      co_return;
    say("Ingrese su nueva contraseña nuevamente.");
    auto new2 = co_await ask(true);
    if (!new2 || new2->empty())
      co_return;
    json::object req = make_event("password.change");
    req["current"] = *current;
    req["new"] = *new1;
    req["confirm"] = *new2;
    auto changed = co_await conn_->request(std::move(req));
    if (changed) {
      say("Su clave ha sido actualizada exitosamente.");
      co_return;
    }
    if (changed.error().transport)
      co_return;
    const errc code = changed.error().code;
    if (code != errc::invalid_field && code != errc::weak_password) {
      say(changed.error().message + " Su clave no fue cambiada.");
      co_return;
    }
    say(changed.error().message);  // the policy refused it: ask for a new one again
  }
}

// Asks for the current password until the server accepts it (password.check); nullopt when
// the customer gave up (an empty answer), the input ended or the server refused for good.
asio::awaitable<std::optional<std::string>> customer_app::current_password() {
  for (;;) {
    say("Ingrese su contraseña actual.");
    auto current = co_await ask(true);
    if (!current || current->empty())
      co_return std::nullopt;
    json::object req = make_event("password.check");
    req["current"] = *current;
    auto checked = co_await conn_->request(std::move(req));
    if (checked) {
      const auto min = int_field(*checked, "min_length", 8);
      say("La nueva contraseña debe tener al menos " + std::to_string(min) +
          " caracteres y ser distinta de la actual.");
      co_return std::move(*current);
    }
    if (checked.error().transport)
      co_return std::nullopt;
    say(checked.error().message);
    if (checked.error().code != errc::bad_credentials)
      co_return std::nullopt;
  }
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
    auto chats = co_await confirm("¿Desea ver sus conversaciones con ejecutivos? (s/n)");
    if (chats && *chats)
      co_await show_past_chats();
    co_return;
  }
  say("Sus operaciones de los últimos 12 meses:");
  term_.print(operation_choices(ops, nullptr, false));
  auto pick = co_await pick_operation_or_chats(ops);
  if (!pick || !*pick)
    co_return;
  auto details = co_await call(operation_request("history.detail", int_field(**pick, "id")));
  if (!details)
    co_return;
  if (const auto* op = term::object_field(*details, "operation"))
    say(term::render_operation(*op));
}

// ---------------------------------------------------------------------------------------------
// [4] Solicitar devolución

asio::awaitable<void> customer_app::request_return() {
  auto reply = co_await call_all(make_event("returnable"), "operations");
  if (!reply)
    co_return;
  const auto ops = objects(array_field(*reply, "operations"));
  if (ops.empty()) {
    say("No tiene compras de los últimos 12 meses que se puedan devolver.");
    co_return;
  }
  say("Compras de los últimos 12 meses que puede devolver (las mismas que muestra su historial):");
  term_.print(operation_choices(ops));
  auto pick = co_await pick_by_id("¿Cuál desea devolver? Ingrese su número (0 = ninguna)", ops);
  if (!pick || !*pick)
    co_return;
  const auto id = int_field(**pick, "id");

  auto details = co_await call(operation_request("history.detail", id));
  if (!details)
    co_return;
  if (const auto* op = term::object_field(*details, "operation"))
    say(term::render_operation(*op));
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
  auto pick = co_await pick_by_id("¿Cuál desea confirmar? Ingrese su número (0 = ninguna)", ops);
  if (!pick || !*pick)
    co_return;
  const auto& op = **pick;
  const bool paid = text_field(op, "state") == "paid";
  auto yes = co_await confirm(std::string(paid ? "¿Confirma el envío" : "¿Confirma la recepción") +
                              " de la compra #" + std::to_string(int_field(op, "id")) + " del " +
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
