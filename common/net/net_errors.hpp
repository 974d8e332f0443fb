// Spanish reasons for the network errors a user can meet when a terminal connects.
#pragma once

#include <boost/system/error_code.hpp>

#include <string>

namespace tcs {

// "conexión rechazada: ¿está corriendo el servidor?" for ECONNREFUSED, and so on for the
// usual errors; any other error reads "error de red N".
std::string spanish_reason(const boost::system::error_code& ec);

}  // namespace tcs
