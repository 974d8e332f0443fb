// What the dispatcher and the services' callers know about a connection: an identity and a
// mailbox. The network layer implements it (server/net/session.hpp, over any transport);
// nothing here does I/O. Tests implement it with a recording peer.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace tcs {

enum class role : std::uint8_t { guest, customer, executive };

class peer {
 public:
  virtual ~peer() = default;

  // Queues one encoded frame (encode_message(): length prefix + JSON). Only enqueues: never
  // does I/O, never suspends and never ends the peer inline (a peer whose queue passes its cap
  // is closed by a teardown posted to the loop), so it is safe to call while fanning out to
  // many peers. Frames are shared, not copied, between receivers. Ignored once the peer is
  // closing or stopped.
  virtual void deliver(std::shared_ptr<const std::string> frame) = 0;

  // Sends what is already queued, then closes. Idempotent.
  virtual void close_after_flush() = 0;

  // Closes now; queued frames are dropped. Idempotent. Teardown (leaving the queue and the
  // chat, telling the other party) happens exactly once, whichever side calls it.
  virtual void stop() = 0;

  virtual bool is_open() const = 0;

  // The server is stopping: read no further requests, answer the one running (if any), then
  // send `farewell` (the shutdown event) and close after the flush. Idempotent.
  virtual void shut_down(std::shared_ptr<const std::string> farewell) {
    deliver(std::move(farewell));
    close_after_flush();
  }
  // Whether the other end is gone (closed or reset) even though nothing is read while a
  // request runs: asked before spending a password hash on this peer. Peers without a
  // socket only know what is_open() knows.
  virtual bool hung_up() { return !is_open(); }

  std::uint64_t id = 0;        // unique for the life of the process
  std::string remote_address;  // "127.0.0.1:51234", for logs
  bool greeted = false;        // the hello exchange is done
  role who = role::guest;
  std::int64_t account_id = 0;  // customers.id or executives.id once logged in
  std::string name;             // display name ("Ana Rojas")
  std::string email;
  // A loss of this connection keeps the session for a resume (session_holds.hpp): set by a
  // login or a resume when --resume-grace is on; cleared when the server closes the connection
  // on purpose (logout, disabled account, protocol violation, shutdown).
  bool resumable = false;

  // "Ana" from "Ana Rojas": how terminals greet and label chat lines.
  std::string first_name() const { return name.substr(0, name.find(' ')); }
};

}  // namespace tcs
