// tcs-client: the customer's terminal. The dialogue lives in customer_app.
#include "client/customer_app.hpp"
#include "common/term/program.hpp"

int main(int argc, char** argv) {
  return tcs::term::run_program<tcs::client::customer_app>(
      argc, argv, "tcs-client", "TC5G customer service, customer terminal");
}
