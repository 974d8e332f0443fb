// Spanish reasons for network errors.
#include "common/net/net_errors.hpp"

#include <boost/asio/error.hpp>

namespace tcs {

std::string spanish_reason(const boost::system::error_code& ec) {
  namespace error = boost::asio::error;
  if (ec == error::connection_refused)
    return "conexión rechazada: ¿está corriendo el servidor?";
  if (ec == error::host_not_found || ec == error::host_not_found_try_again)
    return "no se encontró esa dirección";
  if (ec == error::timed_out)
    return "el servidor no respondió a tiempo";
  if (ec == error::network_unreachable || ec == error::host_unreachable)
    return "no hay ruta de red hasta el servidor";
  if (ec == error::connection_reset || ec == error::connection_aborted)
    return "el servidor cortó la conexión";
  if (ec == error::service_not_found)
    return "puerto inválido";
  return "error de red " + std::to_string(ec.value());
}

}  // namespace tcs
