// The web port's byte stream: a beast::tcp_stream or a beast::ssl_stream<beast::tcp_stream>
// behind one type, so that Beast's HTTP parser and serializer, websocket::stream and
// ws_transport are compiled once instead of once per stream type (they were the heaviest
// translation units of the build: the two instantiations cost three times the one).
//
// It is an AsyncReadStream and AsyncWriteStream: each read or write is one virtual call and
// one type-erased handler (asio::any_completion_handler keeps the caller's executor,
// allocator and cancellation slot); the operations of the wrapped stream are instantiated
// once, in web_stream.cpp. A read fills the first non-empty buffer of the sequence and a write
// takes at most max_write_buffers buffers: both are what async_*_some may do, and the composed
// operations (http::async_read, asio::async_write, the WebSocket frames) loop until done.
//
// Beast reaches the rest through functions found by argument-dependent lookup, all declared
// here and defined beside the wrapped stream's: beast_close_socket (a WebSocket time-out),
// teardown and async_teardown (the end of a WebSocket: TLS close_notify first under TLS). It
// has no next_layer(), so beast::get_lowest_layer() of it, and of a websocket::stream over
// it, is the web_stream itself: socket(), expires_after() and close() act on the TCP stream
// at the bottom. Used on the loop thread only.
#pragma once

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/role.hpp>

#include <array>
#include <chrono>
#include <memory>

namespace boost::asio::ssl {
class context;
}

namespace tcs::net {

class web_stream {
 public:
  using executor_type = boost::asio::any_io_executor;
  using io_handler =
      boost::asio::any_completion_handler<void(boost::system::error_code, std::size_t)>;
  using done_handler = boost::asio::any_completion_handler<void(boost::system::error_code)>;

  // A WebSocket frame is a header and a payload, an HTTP response a few header fields and a
  // body: far fewer buffers than this, so a write rarely needs a second write_some.
  static constexpr std::size_t max_write_buffers = 16;
  // The buffers of one write_some, held by value so the operation owns them.
  struct write_buffers {
    std::array<boost::asio::const_buffer, max_write_buffers> buffers;
    std::size_t count = 0;
    const boost::asio::const_buffer* begin() const noexcept { return buffers.data(); }
    const boost::asio::const_buffer* end() const noexcept { return buffers.data() + count; }
  };

  // Plaintext.
  explicit web_stream(boost::asio::ip::tcp::socket socket);
  // TLS, as the server (the handshake is async_handshake()).
  web_stream(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context& tls);
  web_stream(web_stream&&) noexcept;
  web_stream& operator=(web_stream&&) noexcept;
  ~web_stream();

  executor_type get_executor() noexcept;
  bool is_tls() const noexcept;
  // The TCP stream at the bottom: its socket, its time-out for the next operations, and
  // closing it (which ends every pending operation). close() of a moved-from stream is a no-op.
  boost::asio::ip::tcp::socket& socket() noexcept;
  void expires_after(std::chrono::steady_clock::duration timeout);
  void expires_never();
  void close();

  template <class MutableBufferSequence, class Token>
  auto async_read_some(const MutableBufferSequence& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        [](io_handler handler, web_stream* self, boost::asio::mutable_buffer buffer) {
          self->start_read(buffer, std::move(handler));
        },
        token, this, first_buffer(buffers));
  }

  template <class ConstBufferSequence, class Token>
  auto async_write_some(const ConstBufferSequence& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        [](io_handler handler, web_stream* self, const write_buffers& gathered) {
          self->start_write(gathered, std::move(handler));
        },
        token, this, gather(buffers));
  }

  // The server's TLS handshake, or the TLS close_notify; in plaintext both succeed at once.
  template <class Token>
  auto async_handshake(Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code)>(
        [](done_handler handler, web_stream* self) { self->start_handshake(std::move(handler)); },
        token, this);
  }
  template <class Token>
  auto async_shutdown(Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code)>(
        [](done_handler handler, web_stream* self) { self->start_shutdown(std::move(handler)); },
        token, this);
  }

  friend void beast_close_socket(web_stream& stream);
  friend void teardown(boost::beast::role_type role, web_stream& stream,
                       boost::system::error_code& ec);
  template <class TeardownHandler>
  friend void async_teardown(boost::beast::role_type role, web_stream& stream,
                             TeardownHandler&& handler) {
    stream.start_teardown(role, done_handler(std::forward<TeardownHandler>(handler)));
  }

 private:
  class impl;
  template <class Stream>
  class stream_impl;

  template <class MutableBufferSequence>
  static boost::asio::mutable_buffer first_buffer(const MutableBufferSequence& buffers) {
    auto end = boost::asio::buffer_sequence_end(buffers);
    for (auto it = boost::asio::buffer_sequence_begin(buffers); it != end; ++it)
      if (boost::asio::mutable_buffer b(*it); b.size() > 0)
        return b;
    return {};
  }
  template <class ConstBufferSequence>
  static write_buffers gather(const ConstBufferSequence& buffers) {
    write_buffers out;
    auto end = boost::asio::buffer_sequence_end(buffers);
    for (auto it = boost::asio::buffer_sequence_begin(buffers);
         it != end && out.count < max_write_buffers; ++it)
      if (boost::asio::const_buffer b(*it); b.size() > 0)
        out.buffers[out.count++] = b;
    return out;
  }

  void start_read(boost::asio::mutable_buffer buffer, io_handler handler);
  void start_write(const write_buffers& buffers, io_handler handler);
  void start_handshake(done_handler handler);
  void start_shutdown(done_handler handler);
  void start_teardown(boost::beast::role_type role, done_handler handler);

  std::unique_ptr<impl> impl_;
};

}  // namespace tcs::net
