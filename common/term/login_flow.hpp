// The login dialogue both terminals share: the seed's banner, email and password (and the
// executive's TOTP code). The terminal connects only once they are typed, so the server's
// login time limit never runs while a person types (term::session::log_in).
#pragma once

#include "common/term/terminal.hpp"

#include <boost/asio/awaitable.hpp>

#include <string>

namespace tcs::term {

inline constexpr std::string_view banner =
    "¡Bienvenido a la plataforma de servicio al cliente de la tienda TC5G!";

struct credentials {
  std::string email, password, totp;
};

// What the next read asks for: everything, or only the TOTP code (after bad_totp/totp_used).
enum class credentials_step { all, code_only };

// Reads the credentials `step` asks for into `c`. Returns read_status::line when they are all
// typed; end_of_input (Ctrl-D) or cancelled (Ctrl-C) when the person left.
boost::asio::awaitable<read_status> read_credentials(terminal& term, bool executive,
                                                     credentials_step step, credentials& c);

}  // namespace tcs::term
