// The one place that turns a request payload into a reply: parse, look up the command, check
// the session's state and role, validate the declared fields and the chat the command needs,
// run the handler, record its outcome as the command's audit rule says (command.hpp), wait
// for what it committed to be durable, and count it.
#pragma once

#include "server/dispatch/command.hpp"

#include <boost/asio/awaitable.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace tcs {

// One counter per error code (errc::internal is the last).
inline constexpr std::size_t errc_count = static_cast<std::size_t>(errc::internal) + 1;

// What the dispatcher counted for one request type since it was built: every request of that
// type (malformed or unknown ones have no type to count under), its refusals by code (the
// dispatcher's checks and the handler's alike), and the time from its arrival at the
// dispatcher to its reply (hashes and the durability wait included).
struct command_counters {
  std::uint64_t calls = 0;
  std::uint64_t errors = 0;
  std::array<std::uint64_t, errc_count> errors_by_code{};
  std::chrono::nanoseconds total_time{0};
  std::chrono::nanoseconds max_time{0};

  std::uint64_t errors_of(errc code) const {
    return errors_by_code[static_cast<std::size_t>(code)];
  }
};

class dispatcher {
 public:
  // Builds the table. Throws std::logic_error on a duplicate type (a programming error).
  // Without services it can only check() requests (tests, tools); dispatch() needs them.
  explicit dispatcher(std::vector<command> table);
  dispatcher(std::vector<command> table, tcs::services::service_set& services);

  // The index points into table_: a copy would point into the original. Moving keeps the
  // vector's buffer, so the index stays valid.
  dispatcher(const dispatcher&) = delete;
  dispatcher& operator=(const dispatcher&) = delete;
  dispatcher(dispatcher&&) noexcept;
  dispatcher& operator=(dispatcher&&) noexcept;
  ~dispatcher();

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
  boost::asio::awaitable<outcome> dispatch(server_state& sessions, std::shared_ptr<peer> caller,
                                           std::string payload) const;

  // The same checks without running a handler (for tests and for the fuzzer).
  result<const command*> check(const peer& caller, const json::object& request) const;

  const std::vector<command>& commands() const noexcept { return table_; }

  // The counters of one request type (nullptr for a type the table does not have).
  const command_counters* counters(std::string_view type) const;

 private:
  boost::asio::awaitable<result<json::object>> run(const command& cmd, request_context& ctx) const;
  void count(const command& cmd, const result<json::object>& body,
             std::chrono::steady_clock::time_point started) const;

  std::vector<command> table_;
  std::unordered_map<std::string_view, const command*> by_type_;
  tcs::services::service_set* services_ = nullptr;
  std::unique_ptr<reply_caches> caches_;
  // Parallel to table_. Counting is not part of the dispatcher's observable state, so a const
  // dispatcher (the sessions hold one) counts too.
  mutable std::vector<command_counters> counters_;
};

// The complete table of the server: every area's commands.
std::vector<command> all_commands();

}  // namespace tcs
