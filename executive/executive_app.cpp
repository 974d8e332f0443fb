// The command loop of tcs-exec (login, logout and session events are term::session's; what
// each command sends and shows is command_table.cpp's).
#include "executive/executive_app.hpp"

#include "common/term/chat_text.hpp"
#include "common/term/command_parser.hpp"

#include <vector>

namespace tcs::executive {

namespace asio = boost::asio;

asio::awaitable<int> executive_app::run(std::string host, std::uint16_t port) {
  auto login = co_await log_in(std::move(host), port, "tcs-exec/0.1", true);
  if (!login)
    co_return left_ ? 0 : 1;
  const auto online = get_int(*login, "customers_online").value();
  say("Hola " + first_name_ + ", en este momento hay " + std::to_string(online) +
      (online == 1 ? " cliente conectado." : " clientes conectados."));
  say("Escriba :help para ver los comandos.");
  std::vector<std::string> names;
  for (const auto& c : commands())
    names.emplace_back(c.name);
  term_.set_completions(std::move(names));
  term_.on_typing([this](std::string_view line) {  // a chat line, not a command
    if (!customer_.name.empty() && (line.front() != ':' || line.starts_with("::")))
      typing_notice();
  });

  for (;;) {
    auto line = co_await term_.read_line(first_name_ + ": ");
    if (line.status == term::read_status::end_of_input)
      break;
    if (connection_lost_)
      co_return 1;
    if (line.status == term::read_status::interrupted)
      continue;
    if (line.status == term::read_status::cancelled) {  // Ctrl-C on an empty line
      if (!co_await on_ctrl_c())
        break;
      continue;
    }
    if (line.text.empty())
      continue;
    if (line.text.starts_with("::")) {
      co_await send_chat(std::string_view(line.text).substr(1));  // "::)" sends ":)"
    } else if (line.text.front() == ':') {
      if (!co_await run_command(line.text))
        break;
    } else {
      co_await send_chat(line.text);
    }
    if (connection_lost_)
      co_return 1;
  }
  co_await log_out("Sesión cerrada. ¡Hasta pronto, " + first_name_ + "!");
  co_return 0;
}

// Ctrl-C: in a chat, offers to end it; otherwise offers to log out. False: log out.
asio::awaitable<bool> executive_app::on_ctrl_c() {
  const bool chatting = !customer_.name.empty();
  say(chatting ? "¿Terminar la conversación con " + customer_.name + "? (s/n)"
               : std::string("¿Desea cerrar sesión? (s/n)"));
  for (;;) {
    auto answer = co_await term_.read_line(first_name_ + ": ");
    if (answer.status == term::read_status::interrupted && !connection_lost_)
      continue;
    if (answer.status == term::read_status::end_of_input)
      co_return false;
    if (answer.status != term::read_status::line)  // Ctrl-C again or the connection lost
      co_return true;
    const auto yes = term::parse_yes_no(answer.text);
    if (!yes) {
      say("Responda s o n.");
      continue;
    }
    if (*yes && chatting)
      co_return co_await run_command(":disconnect");
    co_return !*yes;
  }
}

asio::awaitable<bool> executive_app::run_command(std::string_view line) {
  plan p = plan_command(line);
  switch (p.what) {
    case plan::kind::exit:
      co_return false;
    case plan::kind::print:
      term_.print(p.text);
      break;
    case plan::kind::send:
      co_await execute(*p.cmd, std::move(p.request));
      break;
  }
  co_return true;
}

asio::awaitable<void> executive_app::execute(const command& cmd, json::object request) {
  auto fetch = [this](json::object r, std::string_view list) {
    return list.empty() ? call(std::move(r)) : call_all(std::move(r), list);
  };
  request_result reply = co_await fetch(request, cmd.list);
  if (!reply)
    co_return;
  if (auto next = cmd.more ? cmd.more(*reply) : std::nullopt) {
    request_result rest = co_await fetch(std::move(next->request), next->list);
    if (!rest)
      co_return;
    if (!reply->contains(next->list))  // a list of its own (:history's notes)
      (*reply)[next->list] = json::array{};
    if (auto* items = reply->if_contains(next->list); items && items->is_array()) {
      if (const auto* more = rest->if_contains(next->list); more && more->is_array()) {
        for (const auto& item : more->get_array())
          items->get_array().push_back(item);
      }
    }
  }
  term_.print(cmd.render(request, *reply, customer_));
}

// A long paste goes as several lines (term::split_chat_text), in order.
asio::awaitable<void> executive_app::send_chat(std::string_view text) {
  const auto pieces = term::split_chat_text(text);
  for (const auto& piece : pieces) {
    json::object message = make_event("chat.send");
    message["text"] = piece;
    if (!co_await call(std::move(message)))
      co_return;
  }
  if (pieces.size() > 1)
    say("Su mensaje era largo: se envió en " + std::to_string(pieces.size()) + " partes.");
}

}  // namespace tcs::executive
