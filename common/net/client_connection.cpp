// Client-side connection: request/reply matching and event delivery.
#include "common/net/client_connection.hpp"

#include "common/protocol/limits.hpp"

#include <boost/asio/as_tuple.hpp>

#include <array>
#include <chrono>
#include <stdexcept>

namespace tcs {

namespace asio = boost::asio;

namespace {
constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);
}

// A reply slot: the requester sleeps on `ready` until the reader fills `reply` and cancels it.
struct client_connection::pending_reply {
  explicit pending_reply(asio::any_io_executor ex) : ready(ex) {
    ready.expires_at(std::chrono::steady_clock::time_point::max());
  }
  asio::steady_timer ready;
  std::optional<json::object> reply;
};

client_connection::client_connection(asio::any_io_executor ex) : socket_(ex) {}

asio::awaitable<void> client_connection::connect(std::string host, std::uint16_t port,
                                                 std::string client_name) {
  asio::ip::tcp::resolver resolver(socket_.get_executor());
  auto [resolve_ec, endpoints] =
      co_await resolver.async_resolve(host, std::to_string(port), use_nothrow);
  if (resolve_ec)
    throw std::runtime_error("No se pudo resolver " + host + ": " + resolve_ec.message());
  auto [connect_ec, endpoint] = co_await asio::async_connect(socket_, endpoints, use_nothrow);
  if (connect_ec)
    throw std::runtime_error("No se pudo conectar a " + host + ":" + std::to_string(port) + " (" +
                             connect_ec.message() + ").");
  boost::system::error_code ignored;
  socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
  open_ = true;
  asio::co_spawn(
      socket_.get_executor(), [self = shared_from_this()] { return self->reader(); },
      asio::detached);

  json::object hello = make_event("hello");
  hello["version"] = protocol_version;
  hello["client"] = client_name;
  json::object reply = co_await request(std::move(hello));
  if (auto f = reply_failure(reply))
    throw std::runtime_error(f->message);
}

asio::awaitable<json::object> client_connection::request(json::object message) {
  const std::int64_t id = next_id_++;
  message["id"] = id;
  const std::string type(message.at("type").as_string());
  if (!open_)
    co_return make_error(type, id, failure{errc::internal, "Sin conexión con el servidor."});
  auto slot = std::make_shared<pending_reply>(socket_.get_executor());
  pending_.emplace(id, slot);
  const std::string frame = encode_message(message);
  auto [ec, n] = co_await asio::async_write(socket_, asio::buffer(frame), use_nothrow);
  if (!ec && !slot->reply)
    co_await slot->ready.async_wait(use_nothrow);
  pending_.erase(id);
  if (slot->reply)
    co_return std::move(*slot->reply);
  co_return make_error(type, id, failure{errc::internal, "Se perdió la conexión con el servidor."});
}

asio::awaitable<void> client_connection::reader() {
  auto self = shared_from_this();
  std::array<char, 16 * 1024> buffer;
  while (open_) {
    auto [ec, n] = co_await socket_.async_read_some(asio::buffer(buffer), use_nothrow);
    if (ec)
      break;
    decoder_.feed(buffer.data(), n);
    while (auto ev = decoder_.next()) {
      if (ev->error)
        continue;  // the server never sends bad frames; ignore rather than die
      auto msg = parse_message(*ev->payload);
      if (!msg)
        continue;
      if (auto id = request_id(*msg)) {
        auto it = pending_.find(*id);
        if (it != pending_.end()) {
          it->second->reply = std::move(*msg);
          it->second->ready.cancel();
        }
        continue;
      }
      // Answered here so every program built on this class stays alive when idle.
      if (get_string(*msg, "type").value() == "heartbeat") {
        asio::co_spawn(socket_.get_executor(), request(make_event("ping")), asio::detached);
        continue;
      }
      if (on_event_)
        on_event_(*msg);
    }
    if (decoder_.failed())
      break;
  }
  const bool was_open = open_;
  close();
  if (was_open && on_event_)
    on_event_(make_event("connection_lost"));
}

void client_connection::fail_all() {
  for (auto& [id, slot] : pending_)
    slot->ready.cancel();
}

void client_connection::close() {
  open_ = false;
  boost::system::error_code ignored;
  socket_.shutdown(asio::socket_base::shutdown_both, ignored);
  socket_.close(ignored);
  fail_all();
}

}  // namespace tcs
