// The executive's `:` commands as one table: each entry has its name, its usage, the request
// it builds from its arguments and how its reply is shown. executive_app runs a line through
// plan() and, for a request, sends it and prints the entry's rendering; :help and the usage
// messages are generated from the same table, so a command cannot be added to one and not the
// other. Pure (no I/O): unit-tested in tests/unit/test_exec_command_table.cpp.
//
// Whether there is a current customer is the server's call (not_in_chat): the terminal only
// remembers the served customer's name for its messages (served_customer).
#pragma once

#include "common/protocol/message.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace tcs::executive {

// The customer of the current chat, as the terminal remembers them (set by :connect,
// :cambiar and an assignment that becomes current, cleared when that chat ends); only for
// labels. `number` is the chat's number among the executive's (0: not known).
struct served_customer {
  std::string name;
  std::string first_name;
  std::int64_t number = 0;

  void clear() {
    name.clear();
    first_name.clear();
    number = 0;
  }
  // From a reply or event's `customer` and `number` (chat.switch, connect, chat.assigned).
  void set(const json::object& reply);
};

// A request sent after the command's own, whose paged `list` is appended to the first reply's
// list of the same name (:status reads the rest of the queue this way).
struct follow_up {
  json::object request;
  std::string_view list = {};
};

// What the terminal does itself instead of sending a request.
enum class local_action { none, help, exit };

struct command {
  std::string_view name;     // ":buy"
  std::string_view params;   // "<carta> <precio>"; "" when it takes no arguments
  std::string_view example;  // shown with the usage; "" for none
  std::string_view summary;  // its line in :help
  local_action local = local_action::none;
  // The request for these arguments; nullopt when they are wrong (the usage is said). Not
  // called with arguments when `params` is empty. Null for a local command.
  std::optional<json::object> (*build)(std::string_view args) = nullptr;
  // The reply's paged list ("" when it has none): every page is read.
  std::string_view list = {};
  // What the ok reply needs next, if anything. Null: nothing.
  std::optional<follow_up> (*more)(const json::object& reply) = nullptr;
  // The text printed for the ok reply to `request`; may update who is served.
  std::string (*render)(const json::object& request, const json::object& reply,
                        served_customer& customer) = nullptr;
};

// Every command, in the order :help lists them.
std::span<const command> commands();
// The entry named `name` (with its colon), or nullptr.
const command* find_command(std::string_view name);

// The command an unknown `name` was probably meant to be (a prefix of it, or at most two
// typing mistakes away), or nullptr: ":bye" -> ":buy", ":disc" -> ":disconnect", ":)" -> null.
const command* closest_command(std::string_view name);

// ":buy <carta> <precio>   (ej.: :buy Caterpie 8, :buy \"Pikachu ex\" 12000)".
std::string usage(const command& c);
// "Comandos:", one line per command (usage without example, summary), then how card names and
// chat lines are typed.
std::string help_text();

// A `:` line read against the table, before anything is sent.
struct plan {
  enum class kind { print, exit, send } what = kind::print;
  const command* cmd = nullptr;  // null for an unknown command
  json::object request;          // kind::send
  std::string text;  // kind::print: :help, the usage, or an unknown command's one-line reply
};
plan plan_command(std::string_view line);

}  // namespace tcs::executive
