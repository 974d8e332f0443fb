// The seam between a session and the connection under it: a transport moves whole messages,
// the session (session.hpp) is the protocol state of one peer above it.
//
// A transport reads bytes and cuts them into messages (next_message()), and writes the frames
// of a session's outbox; it knows the socket, the framing on the wire and the buffers, and
// nothing of logins, roles, chats or time limits. tcp_transport.hpp: the 4-byte length
// prefix over plain TCP; tls_transport.hpp: the same framing under TLS (OpenSSL on the
// socket); ws_transport.hpp: one JSON message per WebSocket text frame (the frame's length
// prefix left out). The session is the same over all three.
//
// Completion is reported through transport_events, which the session implements; every
// pending operation holds keep_alive(), so the session lives as long as one is pending. An
// abstract class rather than a template parameter: the session's protocol logic is compiled
// once (session.cpp), and one virtual call per message or write is nothing beside the system
// call it stands for (docs/architecture.md, section 4.3).
#pragma once

#include "common/protocol/frame.hpp"
#include "server/net/outbox.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>

namespace tcs::net {

// What a transport tells the session it carries.
class transport_events {
 public:
  // The read started by read() completed: complete messages may be waiting (next_message()),
  // or, with `ec`, the input ended (end of stream, reset, the transport closed).
  virtual void on_input(const boost::system::error_code& ec) = 0;
  // A write() that returned pending may go on (call write() again), or failed (`ec`).
  virtual void on_writable(const boost::system::error_code& ec) = 0;
  // A shared owner of the receiver, held by every pending operation of the transport.
  virtual std::shared_ptr<transport_events> keep_alive() = 0;

 protected:
  transport_events() = default;
  ~transport_events() = default;
};

class message_transport {
 public:
  // A message received, or a framing error (an empty or oversized frame).
  using inbound = frame_decoder::event;
  enum class write_status {
    done,     // the outbox is empty: everything was written
    pending,  // the connection takes no more now; on_writable() follows
    failed,   // the connection is broken; the session ends
  };

  message_transport() = default;
  message_transport(const message_transport&) = delete;
  message_transport& operator=(const message_transport&) = delete;
  virtual ~message_transport() = default;

  // The loop the connection runs on (for the session's timer and posts).
  virtual boost::asio::any_io_executor get_executor() = 0;
  // Called once, before any other call but get_executor(): who to report completions to.
  virtual void start(transport_events& events) = 0;
  // "127.0.0.1:51234", for logs; "?" when unknown.
  virtual std::string remote_address() const = 0;

  // --- Input: one read pending at a time, never while messages are being taken -------------

  // Starts one read; on_input() follows once something arrived or the input ended.
  virtual void read() = 0;
  // The next complete message received, or nullopt when more input is needed.
  virtual std::optional<inbound> next_message() = 0;
  // After a framing error no further message can be trusted: the session answers the error
  // and closes.
  virtual bool input_broken() const = 0;
  // Heap bytes the input buffer holds (an unfinished large message), for the input budget.
  virtual std::size_t input_memory() const = 0;
  // Gives back the input buffer's memory beyond what is still pending.
  virtual void release_input_memory() = 0;

  // --- Output ---------------------------------------------------------------------------------

  // Writes frames from the front of `out`, taking each off as it is written, until `out` is
  // empty or the connection takes no more. Called again after on_writable(). `out` may grow
  // meanwhile, and be cleared once close() was called: a transport that writes
  // asynchronously holds the frame it writes (outbox::shared_at()).
  virtual write_status write(outbox& out) = 0;

  // Whether the other end closed or reset even though no read is pending; never blocks.
  virtual bool hung_up() = 0;
  // Ends the connection at once; pending operations complete with an error. Idempotent.
  virtual void close() = 0;
};

// The input side shared by the transports of the 4-byte length-prefixed framing (plain TCP and
// TLS): what they read goes into decoder_, which cuts the messages.
class framed_transport : public message_transport {
 public:
  std::optional<inbound> next_message() override { return decoder_.next(); }
  bool input_broken() const override { return decoder_.failed(); }
  std::size_t input_memory() const override { return decoder_.capacity(); }
  void release_input_memory() override { decoder_.release_memory(); }

 protected:
  frame_decoder decoder_;
};

}  // namespace tcs::net
