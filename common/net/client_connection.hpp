// The client side of the protocol for the terminals (and tools): connect, hello, requests
// matched to replies by id, and server events handed to a callback. Runs on the caller's
// single-threaded executor; not thread-safe.
#pragma once

#include "common/protocol/frame.hpp"
#include "common/protocol/message.hpp"

#include <boost/asio.hpp>

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

namespace tcs {

class client_connection : public std::enable_shared_from_this<client_connection> {
 public:
  using event_handler = std::function<void(const json::object& event)>;

  explicit client_connection(boost::asio::any_io_executor ex);

  // Resolves, connects, starts the reader and does the hello exchange. Throws
  // std::runtime_error with a Spanish message the terminal can print as is.
  boost::asio::awaitable<void> connect(std::string host, std::uint16_t port,
                                       std::string client_name);

  // Sends `message` with a fresh id and waits for its reply (ok or not). If the connection is
  // lost first, returns a synthesized failure reply with code "internal".
  boost::asio::awaitable<json::object> request(json::object message);

  // Called for every message without an id (events). Also called once with
  // {"type":"connection_lost"} when the server goes away.
  void on_event(event_handler handler) { on_event_ = std::move(handler); }

  void close();
  bool is_open() const noexcept { return open_; }

 private:
  struct pending_reply;

  boost::asio::awaitable<void> reader();
  void fail_all();

  boost::asio::ip::tcp::socket socket_;
  frame_decoder decoder_;
  std::int64_t next_id_ = 1;
  std::unordered_map<std::int64_t, std::shared_ptr<pending_reply>> pending_;
  event_handler on_event_;
  bool open_ = false;
};

}  // namespace tcs
