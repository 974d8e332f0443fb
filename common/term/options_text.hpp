// Spanish text for the terminals' command line: why the arguments were refused.
#pragma once

#include <boost/program_options/errors.hpp>

#include <string>

namespace tcs::term {

// "opción desconocida: --colour", "falta el valor de --port", "valor inválido para --port:
// 'abc'", or a general "argumentos inválidos" for anything else.
std::string option_error_text(const boost::program_options::error& e);

}  // namespace tcs::term
