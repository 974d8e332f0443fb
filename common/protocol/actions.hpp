// The actions of the activity log (the `action` of an activity entry, docs/protocol.md) and
// their Spanish labels: one table for the server (its console lines and activity rows) and
// the terminals (the executive's `:history`), so a label is written once.
#pragma once

#include <string_view>

namespace tcs::actions {

inline constexpr std::string_view login = "login";
inline constexpr std::string_view logout = "logout";
inline constexpr std::string_view password_change = "password_change";
inline constexpr std::string_view history_view = "history_view";
inline constexpr std::string_view detail_view = "detail_view";
inline constexpr std::string_view catalogue_view = "catalogue_view";
inline constexpr std::string_view purchase = "purchase";
inline constexpr std::string_view return_request = "return_request";
inline constexpr std::string_view shipment_confirm = "shipment_confirm";
inline constexpr std::string_view queue_join = "queue_join";
inline constexpr std::string_view queue_leave = "queue_leave";
inline constexpr std::string_view referral = "referral";
inline constexpr std::string_view chat_end = "chat_end";
inline constexpr std::string_view offer = "offer";
inline constexpr std::string_view offer_answer = "offer_answer";
inline constexpr std::string_view operations_view = "operations_view";
inline constexpr std::string_view publish = "publish";
inline constexpr std::string_view availability = "availability";
inline constexpr std::string_view transfer = "transfer";
inline constexpr std::string_view requeue = "requeue";
inline constexpr std::string_view queue_timeout = "queue_timeout";

struct labelled_action {
  std::string_view name;
  std::string_view label;  // Spanish, lower case: "compra", "cambio de clave"
};

// Every action, in the order a customer meets them.
inline constexpr labelled_action all[] = {
    {login, "inicio de sesión"},
    {logout, "cierre de sesión"},
    {password_change, "cambio de clave"},
    {history_view, "consulta de historial"},
    {detail_view, "consulta de detalle de operación"},
    {catalogue_view, "consulta de catálogo"},
    {purchase, "compra"},
    {return_request, "solicitud de devolución"},
    {shipment_confirm, "confirmación de envío"},
    {queue_join, "solicitud de ejecutivo"},
    {queue_leave, "salida de la cola"},
    {referral, "derivación a ejecutivo"},
    {chat_end, "fin de conversación"},
    {offer, "oferta de compra"},
    {offer_answer, "respuesta a oferta"},
    {operations_view, "revisión de operaciones con ejecutivo"},
    {publish, "publicación de carta"},
    {availability, "cambio de disponibilidad"},
    {transfer, "transferencia a otro ejecutivo"},
    {requeue, "devolución a la cola"},
    {queue_timeout, "espera máxima cumplida"},
};

// The label of `action`; the name itself for an action this table does not know (an older
// or newer server's).
constexpr std::string_view label(std::string_view action) {
  for (const auto& a : all) {
    if (a.name == action)
      return a.label;
  }
  return action;
}

}  // namespace tcs::actions
