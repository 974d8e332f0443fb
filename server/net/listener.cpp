// The accept loop.
#include "server/net/listener.hpp"

#include "server/net/session.hpp"

namespace tcs::net {

char* shared_read_buffer() {
  static std::array<char, shared_read_buffer_bytes> buffer;
  return buffer.data();
}

namespace {

std::uint64_t next_peer_id() {
  static std::uint64_t counter = 0;
  return ++counter;
}

// Writes one `busy` error to a connection over the limit and closes it. The frame is tiny and
// the socket fresh, so a single non-blocking write either fits the kernel buffer or is dropped.
void refuse(asio::ip::tcp::socket& socket) {
  static const std::string frame = encode_message(make_error(
      "error", std::nullopt, failure{errc::busy, "El servidor está lleno; intente más tarde."}));
  boost::system::error_code ec;
  socket.non_blocking(true, ec);
  socket.write_some(asio::buffer(frame), ec);
  socket.close(ec);
}

}  // namespace

asio::awaitable<void> accept_loop(asio::ip::tcp::acceptor& acceptor, server_state& state,
                                  const dispatcher& commands) {
  asio::steady_timer backoff(acceptor.get_executor());
  while (acceptor.is_open()) {
    auto [ec, socket] = co_await acceptor.async_accept(use_nothrow);
    if (ec == asio::error::operation_aborted || !acceptor.is_open())
      break;
    if (ec) {
      // Out of descriptors or memory: wait a little instead of spinning on the error.
      log::error(std::string("accept failed: ") + ec.message());
      backoff.expires_after(std::chrono::milliseconds(100));
      co_await backoff.async_wait(use_nothrow);
      continue;
    }
    if (state.shutting_down() || state.connection_count() >= state.config().max_connections) {
      refuse(socket);
      continue;
    }
    boost::system::error_code opt_ec;
    socket.set_option(asio::ip::tcp::no_delay(true), opt_ec);
    auto s = std::make_shared<session<asio::ip::tcp::socket>>(std::move(socket), state, commands);
    s->id = next_peer_id();
    s->start();
  }
}

}  // namespace tcs::net
