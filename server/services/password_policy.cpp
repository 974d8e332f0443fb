// The password policy for a password change.
#include "server/services/password_policy.hpp"

#include <string>

namespace tcs::services {

std::size_t utf8_length(std::string_view text) {
  std::size_t n = 0;
  for (const char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0U) != 0x80U) {
      ++n;
    }
  }
  return n;
}

result<void> check_new_password(std::string_view current, std::string_view new1,
                                std::string_view new2, std::size_t min_length) {
  if (new1 != new2) {
    return failure{errc::invalid_field, "Las contraseñas nuevas no coinciden."};
  }
  if (utf8_length(new1) < min_length) {
    return failure{errc::weak_password, "La nueva contraseña debe tener al menos " +
                                            std::to_string(min_length) + " caracteres."};
  }
  if (new1.size() > max_password_bytes) {
    return failure{errc::invalid_field, "La nueva contraseña es demasiado larga (máximo " +
                                            std::to_string(max_password_bytes) + " bytes)."};
  }
  if (new1 == current) {
    return failure{errc::weak_password, "La nueva contraseña debe ser distinta de la actual."};
  }
  return {};
}

}  // namespace tcs::services
