// Names and default messages of the protocol's error codes.
#include "common/protocol/errc.hpp"

#include <boost/throw_exception.hpp>

#include <stdexcept>

namespace tcs {

std::string_view code_name(errc e) noexcept {
  switch (e) {
    case errc::empty_frame:
      return "empty_frame";
    case errc::frame_too_large:
      return "frame_too_large";
    case errc::invalid_utf8:
      return "invalid_utf8";
    case errc::invalid_json:
      return "invalid_json";
    case errc::not_an_object:
      return "not_an_object";
    case errc::missing_field:
      return "missing_field";
    case errc::invalid_field:
      return "invalid_field";
    case errc::unknown_type:
      return "unknown_type";
    case errc::hello_required:
      return "hello_required";
    case errc::unsupported_version:
      return "unsupported_version";
    case errc::not_authenticated:
      return "not_authenticated";
    case errc::forbidden:
      return "forbidden";
    case errc::already_authenticated:
      return "already_authenticated";
    case errc::bad_credentials:
      return "bad_credentials";
    case errc::already_logged_in:
      return "already_logged_in";
    case errc::account_disabled:
      return "account_disabled";
    case errc::too_many_attempts:
      return "too_many_attempts";
    case errc::bad_totp:
      return "bad_totp";
    case errc::totp_used:
      return "totp_used";
    case errc::resume_refused:
      return "resume_refused";
    case errc::not_found:
      return "not_found";
    case errc::out_of_stock:
      return "out_of_stock";
    case errc::invalid_state:
      return "invalid_state";
    case errc::weak_password:
      return "weak_password";
    case errc::not_in_chat:
      return "not_in_chat";
    case errc::busy:
      return "busy";
    case errc::reply_too_large:
      return "reply_too_large";
    case errc::internal:
      return "internal";
  }
  return "internal";
}

bool is_protocol_error(errc e) noexcept {
  switch (e) {
    case errc::empty_frame:
    case errc::frame_too_large:
    case errc::invalid_utf8:
    case errc::invalid_json:
    case errc::not_an_object:
    case errc::missing_field:
    case errc::invalid_field:
    case errc::unknown_type:
    case errc::hello_required:
    case errc::not_authenticated:
    case errc::forbidden:
      return true;
    default:
      return false;
  }
}

std::string_view default_message(errc e) noexcept {
  switch (e) {
    case errc::empty_frame:
      return "Mensaje vacío.";
    case errc::frame_too_large:
      return "Mensaje demasiado grande.";
    case errc::invalid_utf8:
      return "El mensaje no es UTF-8 válido.";
    case errc::invalid_json:
      return "El mensaje no es JSON válido.";
    case errc::not_an_object:
      return "El mensaje debe ser un objeto JSON.";
    case errc::missing_field:
      return "Falta un campo obligatorio.";
    case errc::invalid_field:
      return "Un campo tiene un tipo o valor inválido.";
    case errc::unknown_type:
      return "Tipo de mensaje desconocido.";
    case errc::hello_required:
      return "El primer mensaje debe ser \"hello\".";
    case errc::unsupported_version:
      return "Versión de protocolo no soportada.";
    case errc::not_authenticated:
      return "Debe autenticarse primero.";
    case errc::forbidden:
      return "No tiene permiso para esta operación.";
    case errc::already_authenticated:
      return "Ya está autenticado.";
    case errc::bad_credentials:
      return "Correo, contraseña o código incorrectos.";
    case errc::already_logged_in:
      return "Esta cuenta ya tiene una sesión abierta.";
    case errc::account_disabled:
      return "La cuenta está deshabilitada.";
    case errc::too_many_attempts:
      return "Demasiados intentos fallidos; espere un momento.";
    case errc::bad_totp:
      return "Código 2FA incorrecto.";
    case errc::totp_used:
      return "Ese código 2FA ya se usó: espere el próximo código.";
    case errc::resume_refused:
      return "No se pudo recuperar la sesión: el código de reanudación no es válido, ya se usó "
             "o pasó el tiempo de espera. Inicie sesión nuevamente.";
    case errc::not_found:
      return "No encontrado.";
    case errc::out_of_stock:
      return "Stock insuficiente.";
    case errc::invalid_state:
      return "La operación no está en un estado que lo permita.";
    case errc::weak_password:
      return "La contraseña no cumple la política.";
    case errc::not_in_chat:
      return "No hay una conversación activa.";
    case errc::busy:
      return "Ocupado.";
    case errc::reply_too_large:
      return "La respuesta no cabe en un mensaje; el servidor no la envió. Pida menos "
             "elementos (\"limit\") o avise al administrador.";
    case errc::internal:
      return "Error interno del servidor.";
  }
  return "Error interno del servidor.";
}

void throw_exception_from_error(const failure& f, const boost::source_location& loc) {
  boost::throw_exception(std::runtime_error(std::string(code_name(f.code)) + ": " + f.message),
                         loc);
}

}  // namespace tcs
