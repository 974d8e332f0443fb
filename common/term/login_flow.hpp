// The login dialogue both terminals share: the seed's banner, email and password (and the
// executive's TOTP code), retried until the server accepts or the input ends.
#pragma once

#include "common/net/client_connection.hpp"
#include "common/term/terminal.hpp"

#include <boost/asio/awaitable.hpp>

#include <optional>

namespace tcs::term {

inline constexpr std::string_view banner =
    "¡Bienvenido a la plataforma de servicio al cliente de la tienda TC5G!";

// Returns the server's login reply, or nullopt when the input ended or the connection was lost
// (the reason has been printed).
boost::asio::awaitable<std::optional<json::object>> login_flow(terminal& term,
                                                               client_connection& conn,
                                                               bool executive);

}  // namespace tcs::term
