// tcs-exec: the executive's terminal. The dialogue lives in executive_app.
#include "common/term/program.hpp"
#include "executive/executive_app.hpp"

int main(int argc, char** argv) {
  return tcs::term::run_program<tcs::executive::executive_app>(
      argc, argv, "tcs-exec", "servicio al cliente de TC5G, terminal del ejecutivo");
}
