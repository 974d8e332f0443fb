// Spanish text for boost::program_options' errors.
#include "common/term/options_text.hpp"

namespace tcs::term {

namespace po = boost::program_options;

std::string option_error_text(const po::error& e) {
  if (const auto* unknown = dynamic_cast<const po::unknown_option*>(&e))
    return "opción desconocida: " + unknown->get_option_name();
  if (const auto* syntax = dynamic_cast<const po::invalid_command_line_syntax*>(&e)) {
    if (syntax->kind() == po::invalid_syntax::missing_parameter)
      return "falta el valor de " + syntax->get_option_name();
    return "opción mal escrita: " + syntax->get_option_name();
  }
  if (const auto* invalid = dynamic_cast<const po::validation_error*>(&e))
    return "valor inválido para " + invalid->get_option_name();
  if (const auto* twice = dynamic_cast<const po::multiple_occurrences*>(&e))
    return "opción repetida: " + twice->get_option_name();
  return "argumentos inválidos";
}

}  // namespace tcs::term
