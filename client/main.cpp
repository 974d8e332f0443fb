// tcs-client: the customer's terminal. The dialogue lives in customer_app.
#include "client/customer_app.hpp"
#include "common/term/program.hpp"

int main(int argc, char** argv) {
  return tcs::term::run_program<tcs::client::customer_app>(
      argc, argv, "tcs-client", "servicio al cliente de TC5G, terminal del cliente");
}
