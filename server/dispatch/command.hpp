// The command table's vocabulary: who may call a request type, which fields it needs, whether
// it needs a chat, what it records in the activity log, and the one signature every handler
// shares.
//
// Audit contract (the dispatcher applies it once, after the handler returns):
// - A command with an audit action records one activity entry and one console line per
//   request that went through: the entry's detail, customer and console line are the
//   handler's (request_context::audit).
// - A refusal by the handler is recorded too when the rule says `refusals` (audit_all): the
//   entry's outcome is the error code, and the console line is
//   "<Cliente|Ejecutivo> <name>: solicitud rechazada (<label>, <code>)." (label from
//   common/protocol/actions.hpp) unless the handler wrote its own.
// - Never recorded: refusals by the dispatcher's own checks (type, fields, role, chat), the
//   `internal` outcome (a bug, or a peer gone: logged elsewhere), and a request whose handler
//   set audit.record = false (a later page of a list). audit.record = true records a refusal
//   the rule would not (a failed login).
#pragma once

#include "common/protocol/message.hpp"
#include "server/dispatch/peer.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tcs::services {
class service_set;
}

namespace tcs {

class server_state;
struct reply_caches;

// Who may send a request type. Checked by the dispatcher before any handler runs.
enum class access : std::uint8_t {
  handshake,      // before hello (only "hello" itself)
  guest,          // after hello, before login ("login")
  authenticated,  // any logged-in user
  customer,       // logged-in customers only
  executive,      // logged-in executives only
  anyone,         // after hello, logged in or not ("ping")
};

// What the caller must be doing besides its role. Checked by the dispatcher after the fields.
enum class needs : std::uint8_t {
  nothing,
  chat,  // being in a chat (not_in_chat otherwise); the handler gets the pair in ctx.chat.
         // An executive's is its current chat (current_chat(), support_common.hpp).
};

enum class field_kind : std::uint8_t { string, integer, boolean, array, object };

struct field_spec {
  std::string_view name;
  field_kind kind;
  bool required = true;
};

// What a command records in the activity log (see the contract above).
struct audit_rule {
  std::string_view action;  // an actions.hpp name; empty: the command records nothing
  bool refusals = false;    // the handler's refusals are recorded too, not only what went through
};
constexpr audit_rule audit_done(std::string_view action) {
  return {action, false};
}
constexpr audit_rule audit_all(std::string_view action) {
  return {action, true};
}

// The customer and the executive of a chat, and which chat it is (support_desk.hpp: its id,
// and its number among the executive's, 1..max_chats).
struct chat_pair {
  std::int64_t customer_id = 0;
  std::int64_t executive_id = 0;
  std::int64_t chat_id = 0;
  std::size_t number = 1;
};

// What the handler tells the dispatcher to record (see the contract above).
struct audit_note {
  std::string detail;
  // The customer concerned by an executive's entry (a customer's entries are its own).
  std::optional<std::int64_t> customer_id;
  // The console line of a request that went through; for a refusal, replaces the standard one.
  std::string line;
  // Overrides the command's rule for this request (false: record nothing).
  std::optional<bool> record;
  // A refused login: the account that was tried (the caller is still a guest).
  struct account {
    bool executive = false;
    std::int64_t id = 0;
  };
  std::optional<account> actor;
  bool row = true;  // false: only the console line (a login for an unknown email)
};

// Everything a handler may touch. The handler owns no I/O: it returns the reply's fields and
// may ask for the connection to be closed once the reply is sent.
struct request_context {
  server_state& sessions;                // who is connected
  tcs::services::service_set& services;  // the business: accounts, orders, the desk, ...
  reply_caches& caches;                  // replies kept serialised between requests
  std::shared_ptr<peer> caller;          // kept alive across the handler's suspensions
  const json::object& request;
  std::optional<chat_pair> chat = {};  // the caller's chat, for commands that need one
  bool close_after_reply = false;
  // Members of a successful reply that are already serialised (see encoded_member).
  std::vector<encoded_member> encoded = {};
  audit_note audit = {};
  // Run on the loop after the reply is queued to the caller (posted by the dispatcher once the
  // request went through): what must not overtake the reply, such as an auto-assignment's
  // `chat.assigned` after a login.
  std::function<void()> after_reply = {};
};

// A handler returns the reply's extra fields (the envelope is added by the dispatcher) or an
// expected failure. Exceptions mean a bug: the dispatcher answers `internal` and logs them.
using handler_fn = boost::asio::awaitable<result<json::object>> (*)(request_context&);

struct command {
  std::string_view type;
  access who;
  std::span<const field_spec> fields;
  handler_fn handler;
  std::string_view summary;  // one line, for docs and logs
  audit_rule audit = {};
  needs precondition = needs::nothing;
};

}  // namespace tcs
