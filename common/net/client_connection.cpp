// Client-side connection: request/reply matching, event delivery, one reader and one writer.
#include "common/net/client_connection.hpp"

#include "common/net/net_errors.hpp"
#include "common/net/use_nothrow.hpp"
#include "common/protocol/limits.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/throw_exception.hpp>

#include <array>
#include <chrono>
#include <stdexcept>
#include <tuple>

namespace tcs {

namespace asio = boost::asio;

namespace {}

void throw_exception_from_error(const request_error& e, const boost::source_location& loc) {
  boost::throw_exception(std::runtime_error(std::string(code_name(e.code)) + ": " + e.message),
                         loc);
}

request_result to_request_result(json::object reply) {
  if (auto f = reply_failure(reply))
    return request_error{f->code, std::move(f->message), false};
  return reply;
}

// A reply slot: the requester sleeps on `ready` until the reader fills `reply` and cancels it
// (or end() cancels it without a reply).
struct client_connection::pending_reply {
  explicit pending_reply(asio::any_io_executor ex) : ready(ex) {
    ready.expires_at(std::chrono::steady_clock::time_point::max());
  }
  asio::steady_timer ready;
  std::optional<json::object> reply;
};

client_connection::client_connection(asio::any_io_executor ex) : socket_(ex), wake_writer_(ex) {
  wake_writer_.expires_at(std::chrono::steady_clock::time_point::max());
}

asio::awaitable<request_result> client_connection::connect(std::string host, std::uint16_t port,
                                                           std::string client_name) {
  asio::ip::tcp::resolver resolver(socket_.get_executor());
  auto [resolve_ec, endpoints] =
      co_await resolver.async_resolve(host, std::to_string(port), use_nothrow);
  if (resolve_ec)
    co_return request_error::lost("No se pudo conectar a " + host + " (" +
                                  spanish_reason(resolve_ec) + ").");
  auto [connect_ec, endpoint] = co_await asio::async_connect(socket_, endpoints, use_nothrow);
  if (connect_ec)
    co_return request_error::lost("No se pudo conectar a " + host + ":" + std::to_string(port) +
                                  " (" + spanish_reason(connect_ec) + ").");
  boost::system::error_code ignored;
  socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
  if (tls_) {
    if (auto refused = co_await secure(host, port))
      co_return *refused;
  }
  open_ = true;
  start_task(&client_connection::read_loop);
  start_task(&client_connection::write_loop);

  json::object hello = make_event("hello");
  hello["version"] = protocol_version;
  hello["client"] = client_name;
  co_return co_await request(std::move(hello));
}

// The TLS handshake, verifying the certificate's chain and name; the error says why not.
asio::awaitable<std::optional<request_error>> client_connection::secure(const std::string& host,
                                                                        std::uint16_t port) {
  const std::string where = host + ":" + std::to_string(port);
  try {
    tls_context_ = make_client_tls_context(ca_file_);
  } catch (const std::exception& e) {
    co_return request_error::lost(e.what());
  }
  stream_ = std::make_unique<tls_stream>(std::move(socket_), *tls_context_);
  expect_server_name(*stream_, host);
  auto [ec] = co_await stream_->async_handshake(asio::ssl::stream_base::client, use_nothrow);
  if (!ec)
    co_return std::nullopt;
  std::string why = describe_tls_failure(*stream_, ec);
  end(false);
  co_return request_error::lost("No se pudo establecer una conexión segura con " + where + ": " +
                                why + ". No se continúa.");
}

// The task holds the connection until it ends; its end (normal or by an exception) is
// recorded and closes the connection, telling the handler if it was still open.
void client_connection::start_task(asio::awaitable<void> (client_connection::*task)()) {
  ++tasks_running_;
  auto self = shared_from_this();
  asio::co_spawn(
      socket().get_executor(), [self, task] { return ((*self).*task)(); },
      [self](std::exception_ptr e) {
        --self->tasks_running_;
        if (e && !self->task_error_)
          self->task_error_ = e;
        self->end(true);
      });
}

asio::awaitable<request_result> client_connection::request(json::object message) {
  if (!open_ && successor_) {
    auto self = shared_from_this();  // the successor may replace the caller's last reference
    std::shared_ptr<client_connection> next = co_await successor_();
    if (next && next.get() != this)
      co_return co_await next->request(std::move(message));
  }
  if (!open_)
    co_return request_error::lost("Sin conexión con el servidor.");
  const std::int64_t id = next_id_++;
  message["id"] = id;
  auto slot = std::make_shared<pending_reply>(socket().get_executor());
  pending_.emplace(id, slot);
  send(encode_message(message));
  // Nothing can fill or cancel the slot before this wait: the reader and end() run on this
  // loop, and send() only queues the frame.
  co_await slot->ready.async_wait(use_nothrow);
  pending_.erase(id);
  if (!slot->reply)
    co_return request_error::lost("Se perdió la conexión con el servidor.");
  co_return to_request_result(std::move(*slot->reply));
}

void client_connection::send(std::string frame) {
  outbox_.push_back(std::move(frame));
  wake_writer_.cancel();
}

asio::awaitable<void> client_connection::write_loop() {
  while (open_) {
    if (outbox_.empty()) {
      co_await wake_writer_.async_wait(use_nothrow);  // send() or end() cancels it
      continue;
    }
    // Two plain co_await statements: GCC 12 miscompiles a co_await on a conditional
    // expression of awaitables (the frame is resumed after it was destroyed).
    auto buffer = asio::buffer(outbox_.front());
    std::tuple<boost::system::error_code, std::size_t> done;
    if (stream_)
      done = co_await asio::async_write(*stream_, buffer, use_nothrow);
    else
      done = co_await asio::async_write(socket_, buffer, use_nothrow);
    auto [ec, n] = done;
    if (ec)
      co_return;  // the completion handler ends the connection
    outbox_.pop_front();
  }
}

asio::awaitable<void> client_connection::read_loop() {
  std::array<char, 16 * 1024> buffer;
  while (open_) {
    std::tuple<boost::system::error_code, std::size_t> done;
    if (stream_)
      done = co_await stream_->async_read_some(asio::buffer(buffer), use_nothrow);
    else
      done = co_await socket_.async_read_some(asio::buffer(buffer), use_nothrow);
    auto [ec, n] = done;
    if (ec)
      co_return;
    decoder_.feed(buffer.data(), n);
    while (auto ev = decoder_.next()) {
      if (ev->error)
        continue;  // the server never sends bad frames; ignore rather than die
      if (auto msg = parse_message(*ev->payload))
        handle(std::move(*msg));
    }
    if (decoder_.failed())
      co_return;
  }
}

void client_connection::handle(json::object message) {
  if (auto id = request_id(message)) {
    auto it = pending_.find(*id);
    if (it != pending_.end()) {
      it->second->reply = std::move(message);
      it->second->ready.cancel();
    }
    return;  // a reply nobody waits for (a heartbeat's ping) is dropped
  }
  // Answered here so every program built on this class stays alive when idle. The ping is a
  // request, but its reply only needs to arrive: nobody waits for it.
  if (get_string(message, "type").value() == "heartbeat") {
    json::object ping = make_event("ping");
    ping["id"] = next_id_++;
    send(encode_message(ping));
    return;
  }
  if (on_event_)
    on_event_(message);
}

void client_connection::end(bool tell) {
  const bool was_open = open_;
  open_ = false;
  boost::system::error_code ignored;
  socket().shutdown(asio::socket_base::shutdown_both, ignored);
  socket().close(ignored);
  wake_writer_.cancel();
  for (auto& [id, slot] : pending_)
    slot->ready.cancel();
  if (was_open && tell && on_event_)
    on_event_(make_event("connection_lost"));
}

void client_connection::close() {
  end(false);
}

}  // namespace tcs
