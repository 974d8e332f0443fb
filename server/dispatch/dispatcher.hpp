// The one place that turns a request payload into a reply: parse, look up the command, check
// the session's state and role, validate the declared fields, then run the handler.
#pragma once

#include "server/dispatch/command.hpp"

#include <boost/asio/awaitable.hpp>

#include <string>
#include <unordered_map>
#include <vector>

namespace tcs {

class dispatcher {
 public:
  // Builds the table. Throws std::logic_error on a duplicate type (a programming error).
  explicit dispatcher(std::vector<command> table);

  // The index points into table_: a copy would point into the original. Moving keeps the
  // vector's buffer, so the index stays valid.
  dispatcher(const dispatcher&) = delete;
  dispatcher& operator=(const dispatcher&) = delete;
  dispatcher(dispatcher&&) = default;
  dispatcher& operator=(dispatcher&&) = default;

  struct outcome {
    json::object reply;
    bool close_after_reply = false;
    bool protocol_error = false;  // the peer broke the protocol (counted against its cap)
    std::vector<encoded_member> encoded = {};  // members added to `reply` when encoded

    // The reply as the peer decodes it (encoded members included).
    json::object full_reply() const { return with_members(reply, encoded); }
  };

  // Always produces exactly one reply, success or failure; never throws for bad input.
  // Takes the payload by value: the coroutine starts suspended, so a view could outlive the
  // caller's buffer (e.g. a temporary passed straight to co_spawn).
  boost::asio::awaitable<outcome> dispatch(server_state& server, std::shared_ptr<peer> caller,
                                           std::string payload) const;

  // The same checks without running a handler (for tests and for the fuzzer).
  result<const command*> check(const peer& caller, const json::object& request) const;

  const std::vector<command>& commands() const noexcept { return table_; }

 private:
  std::vector<command> table_;
  std::unordered_map<std::string_view, const command*> by_type_;
};

// The complete table of the server: every area's commands.
std::vector<command> all_commands();

}  // namespace tcs
