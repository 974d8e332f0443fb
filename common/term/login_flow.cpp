// The shared login dialogue.
#include "common/term/login_flow.hpp"

namespace tcs::term {

namespace {

// Reads one answer; interrupt() (an event before login) is not an answer: ask again.
boost::asio::awaitable<read_result> answer(terminal& term, const std::string& prompt, bool secret) {
  for (;;) {
    auto r = co_await term.read_line(prompt, secret);
    if (r.status != read_status::interrupted)
      co_return r;
  }
}

}  // namespace

boost::asio::awaitable<read_status> read_credentials(terminal& term, bool executive,
                                                     credentials_step step, credentials& c) {
  if (step == credentials_step::all) {
    auto email = co_await answer(term, "usuario: ", false);
    if (email.status != read_status::line)
      co_return email.status;
    auto password = co_await answer(term, "contraseña: ", true);
    if (password.status != read_status::line)
      co_return password.status;
    c.email = std::move(email.text);
    c.password = std::move(password.text);
  }
  if (executive) {
    auto code = co_await answer(term, "código 2FA (Google Authenticator): ", false);
    if (code.status != read_status::line)
      co_return code.status;
    c.totp = std::move(code.text);
  }
  co_return read_status::line;
}

}  // namespace tcs::term
