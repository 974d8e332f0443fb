// The web port's byte stream. The only translation unit that instantiates the operations of
// beast::tcp_stream and beast::ssl_stream for the web port.
#include "server/net/web_stream.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/teardown.hpp>

namespace tcs::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
using boost::system::error_code;

namespace {

// What the wrapped stream's operations get instead of the type-erased handler. Boost 1.81's
// any_completion_executor, a handler's executor once type-erased, cannot be required to be
// blocking.never, which asio::post(handler) in Asio's and Beast's operations needs; so the
// operations see the stream's executor, and at completion the handler is dispatched to its
// own executor (on the loop's io_context, where it runs inline), keeping it tracked as work
// meanwhile. Its allocator and cancellation slot are passed through.
template <class... Args>
class erased_completion {
 public:
  using handler_type = asio::any_completion_handler<void(Args...)>;
  using executor_type = asio::any_io_executor;
  using allocator_type = typename handler_type::allocator_type;
  using cancellation_slot_type = asio::cancellation_slot;

  erased_completion(handler_type handler, executor_type ex)
      : handler_(std::move(handler)),
        ex_(std::move(ex)),
        work_(asio::prefer(asio::get_associated_executor(handler_, ex_),
                           asio::execution::outstanding_work.tracked)) {}

  executor_type get_executor() const noexcept { return ex_; }
  allocator_type get_allocator() const noexcept { return handler_.get_allocator(); }
  cancellation_slot_type get_cancellation_slot() const noexcept {
    return handler_.get_cancellation_slot();
  }

  void operator()(Args... args) {
    asio::dispatch(beast::bind_front_handler(std::move(handler_), std::move(args)...));
  }

 private:
  handler_type handler_;
  executor_type ex_;
  asio::any_completion_executor work_;
};

}  // namespace

class web_stream::impl {
 public:
  virtual ~impl() = default;
  virtual beast::tcp_stream& tcp() noexcept = 0;
  virtual bool is_tls() const noexcept = 0;
  virtual void read(asio::mutable_buffer buffer, io_handler handler) = 0;
  virtual void write(const write_buffers& buffers, io_handler handler) = 0;
  virtual void handshake(done_handler handler) = 0;
  virtual void shutdown(done_handler handler) = 0;
  virtual void teardown(beast::role_type role, error_code& ec) = 0;
  virtual void async_teardown(beast::role_type role, done_handler handler) = 0;
};

// Stream: beast::tcp_stream or beast::ssl_stream<beast::tcp_stream>.
template <class Stream>
class web_stream::stream_impl final : public impl {
 public:
  static constexpr bool tls = !std::is_same_v<Stream, beast::tcp_stream>;

  template <class... Args>
  explicit stream_impl(Args&&... args) : stream_(std::forward<Args>(args)...) {}

  beast::tcp_stream& tcp() noexcept override { return beast::get_lowest_layer(stream_); }
  bool is_tls() const noexcept override { return tls; }
  void read(asio::mutable_buffer buffer, io_handler handler) override {
    stream_.async_read_some(buffer, complete(std::move(handler)));
  }
  void write(const write_buffers& buffers, io_handler handler) override {
    stream_.async_write_some(buffers, complete(std::move(handler)));
  }
  void handshake(done_handler handler) override {
    if constexpr (tls)
      stream_.async_handshake(asio::ssl::stream_base::server, complete(std::move(handler)));
    else
      succeed(std::move(handler));
  }
  void shutdown(done_handler handler) override {
    if constexpr (tls)
      stream_.async_shutdown(complete(std::move(handler)));
    else
      succeed(std::move(handler));
  }
  // Beast's own: the socket's for tcp_stream, close_notify then the socket's for ssl_stream.
  void teardown(beast::role_type role, error_code& ec) override {
    using beast::websocket::teardown;
    teardown(role, stream_, ec);
  }
  void async_teardown(beast::role_type role, done_handler handler) override {
    using beast::websocket::async_teardown;
    async_teardown(role, stream_, complete(std::move(handler)));
  }

 private:
  template <class... Args>
  erased_completion<Args...> complete(asio::any_completion_handler<void(Args...)> handler) {
    return {std::move(handler), stream_.get_executor()};
  }
  // Completes as an asynchronous operation must: never inside the call that started it.
  void succeed(done_handler handler) {
    asio::post(beast::bind_front_handler(complete(std::move(handler)), error_code{}));
  }

  Stream stream_;
};

web_stream::web_stream(asio::ip::tcp::socket socket)
    : impl_(std::make_unique<stream_impl<beast::tcp_stream>>(std::move(socket))) {}

web_stream::web_stream(asio::ip::tcp::socket socket, asio::ssl::context& tls)
    : impl_(std::make_unique<stream_impl<beast::ssl_stream<beast::tcp_stream>>>(std::move(socket),
                                                                                tls)) {}

web_stream::web_stream(web_stream&&) noexcept = default;
web_stream& web_stream::operator=(web_stream&&) noexcept = default;
web_stream::~web_stream() = default;

web_stream::executor_type web_stream::get_executor() noexcept {
  return impl_->tcp().get_executor();
}
bool web_stream::is_tls() const noexcept {
  return impl_->is_tls();
}
asio::ip::tcp::socket& web_stream::socket() noexcept {
  return impl_->tcp().socket();
}
void web_stream::expires_after(std::chrono::steady_clock::duration timeout) {
  impl_->tcp().expires_after(timeout);
}
void web_stream::expires_never() {
  impl_->tcp().expires_never();
}
void web_stream::close() {
  if (impl_)
    impl_->tcp().close();
}

void web_stream::start_read(asio::mutable_buffer buffer, io_handler handler) {
  impl_->read(buffer, std::move(handler));
}
void web_stream::start_write(const write_buffers& buffers, io_handler handler) {
  impl_->write(buffers, std::move(handler));
}
void web_stream::start_handshake(done_handler handler) {
  impl_->handshake(std::move(handler));
}
void web_stream::start_shutdown(done_handler handler) {
  impl_->shutdown(std::move(handler));
}
void web_stream::start_teardown(beast::role_type role, done_handler handler) {
  impl_->async_teardown(role, std::move(handler));
}

// What beast::close_socket() does to a tcp_stream: the socket only (a WebSocket time-out).
void beast_close_socket(web_stream& stream) {
  error_code ignored;
  stream.socket().close(ignored);
}

void teardown(beast::role_type role, web_stream& stream, error_code& ec) {
  stream.impl_->teardown(role, ec);
}

}  // namespace tcs::net
