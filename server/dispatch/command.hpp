// The command table's vocabulary: who may call a request type, which fields it needs, and the
// one signature every handler shares.
#pragma once

#include "common/protocol/message.hpp"
#include "server/dispatch/peer.hpp"

#include <boost/asio/awaitable.hpp>

#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace tcs {

class server_state;

// Who may send a request type. Checked by the dispatcher before any handler runs.
enum class access : std::uint8_t {
  handshake,      // before hello (only "hello" itself)
  guest,          // after hello, before login ("login")
  authenticated,  // any logged-in user
  customer,       // logged-in customers only
  executive,      // logged-in executives only
  anyone,         // after hello, logged in or not ("ping")
};

enum class field_kind : std::uint8_t { string, integer, boolean, array, object };

struct field_spec {
  std::string_view name;
  field_kind kind;
  bool required = true;
};

// Everything a handler may touch. The handler owns no I/O: it returns the reply's fields and
// may ask for the connection to be closed once the reply is sent.
struct request_context {
  server_state& server;
  std::shared_ptr<peer> caller;  // kept alive across the handler's suspensions
  const json::object& request;
  bool close_after_reply = false;
  // Members of a successful reply that are already serialised (see encoded_member).
  std::vector<encoded_member> encoded = {};
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
};

}  // namespace tcs
