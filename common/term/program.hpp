// The main() both terminals share: --host/--port flags, one io_context, one terminal and one
// connection, and the app's coroutine whose result is the exit code.
#pragma once

#include "common/net/client_connection.hpp"
#include "common/protocol/limits.hpp"
#include "common/term/options_text.hpp"
#include "common/term/terminal.hpp"

#include <boost/asio.hpp>
#include <boost/program_options.hpp>

#include <iostream>
#include <memory>
#include <string>

namespace tcs::term {

// App: constructible from (terminal&, shared_ptr<client_connection>), with
// `awaitable<int> run(std::string host, std::uint16_t port)`.
template <class App>
int run_program(int argc, char** argv, std::string_view program, std::string_view description) {
  namespace po = boost::program_options;
  std::string host = "127.0.0.1";
  std::uint16_t port = default_port;
  bool tls = false;
  std::string ca_file;
  po::options_description options(std::string(program) + ": " + std::string(description) +
                                  "\n\nOpciones");
  options.add_options()("help,h", "muestra esta ayuda")(
      "host", po::value(&host)->default_value(host)->value_name("dirección"),
      "dirección del servidor")("port", po::value(&port)->default_value(port)->value_name("número"),
                                "puerto del servidor")(
      "tls", po::bool_switch(&tls),
      "conecta con TLS y verifica el certificado y el nombre del servidor")(
      "ca", po::value(&ca_file)->value_name("archivo"),
      "con --tls: confía en este certificado de CA (PEM) en vez de los del sistema");
  try {
    po::variables_map vm;
    po::store(po::parse_command_line(argc, argv, options), vm);
    if (vm.count("help")) {
      std::cout << options << "\n";
      return 0;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << program << ": " << option_error_text(e) << " (--help muestra las opciones)\n";
    return 2;
  }

  boost::asio::io_context ctx{1};
  int exit_code = 1;
  terminal term(ctx.get_executor());
  auto conn = std::make_shared<client_connection>(ctx.get_executor());
  if (tls || !ca_file.empty())
    conn->use_tls(ca_file);
  App app(term, conn);
  auto report = [&](std::exception_ptr e) {
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      std::cerr << program << ": " << ex.what() << "\n";
    }
  };
  boost::asio::co_spawn(ctx, app.run(host, port), [&](std::exception_ptr e, int code) {
    if (e) {
      report(e);
      code = 1;
    }
    exit_code = code;
    conn->close();
    app.close_connection();  // the app may have connected again (term::session::log_in)
    term.stop();             // its signal watch would keep the loop running
  });
  // Returns once the app and the connection's reader and writer have all ended.
  ctx.run();
  if (auto e = conn->task_error())  // a reader or writer that threw (it closed the connection)
    report(e);
  return exit_code;
}

}  // namespace tcs::term
