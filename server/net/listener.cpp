// The accept loop.
#include "server/net/listener.hpp"

#include "server/log/console.hpp"
#include "server/net/session.hpp"
#include "server/net/use_nothrow.hpp"

#include <boost/asio/steady_timer.hpp>

#include <fcntl.h>
#include <malloc.h>
#include <unistd.h>

namespace tcs::net {

namespace {

namespace asio = boost::asio;
using steady = std::chrono::steady_clock;

// After an accept error other than running out of descriptors (out of memory, buffers), the
// loop waits before trying again, doubling the wait from the first to the last value.
constexpr auto accept_retry_first = std::chrono::milliseconds(10);
constexpr auto accept_retry_last = std::chrono::seconds(1);
// Accept problems are logged at most this often; the ones in between are counted in the
// next line, so a flood cannot fill the console.
constexpr auto accept_log_interval = std::chrono::seconds(10);
// Input memory given back (or sessions evicted) is dealt with this long after the first of a
// burst, once for the whole burst: malloc_trim walks the heap, so not once per connection.
constexpr auto housekeeping_delay = std::chrono::milliseconds(500);

std::uint64_t next_peer_id() {
  static std::uint64_t counter = 0;
  return ++counter;
}

// One descriptor held in reserve: when the process has no descriptor left, the loop gives it
// up for a moment to accept the waiting connection and refuse it with `busy`, instead of
// leaving every new client hanging (and the listener ready again at once, in a spin).
class spare_descriptor {
 public:
  spare_descriptor() { take(); }
  ~spare_descriptor() { give_up(); }
  spare_descriptor(const spare_descriptor&) = delete;
  spare_descriptor& operator=(const spare_descriptor&) = delete;

  bool held() const noexcept { return fd_ >= 0; }
  void give_up() {
    if (fd_ >= 0)
      ::close(fd_);
    fd_ = -1;
  }
  void take() {
    if (fd_ < 0)
      fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  }

 private:
  int fd_ = -1;
};

// Logs a line at most once per accept_log_interval, with the count of those held back.
class throttled_log {
 public:
  void operator()(const std::string& text) {
    const auto now = steady::now();
    if (logged_ && now - last_ < accept_log_interval) {
      ++held_back_;
      return;
    }
    std::string line = text;
    if (held_back_ > 0)
      line += " (and " + std::to_string(held_back_) + " more since the last such line)";
    log::error(line);
    logged_ = true;
    last_ = now;
    held_back_ = 0;
  }

 private:
  bool logged_ = false;
  steady::time_point last_{};
  std::size_t held_back_ = 0;
};

bool out_of_descriptors(const boost::system::error_code& ec) {
  return ec == asio::error::no_descriptors || ec == boost::system::errc::too_many_files_open ||
         ec == boost::system::errc::too_many_files_open_in_system;
}

}  // namespace

// The frame is tiny and the socket fresh, so a single non-blocking write either fits the
// kernel buffer or is dropped.
void refuse(asio::ip::tcp::socket& socket) {
  static const std::string frame = encode_message(make_error(
      "error", std::nullopt, failure{errc::busy, "El servidor está lleno; intente más tarde."}));
  boost::system::error_code ec;
  socket.non_blocking(true, ec);
  socket.write_some(asio::buffer(frame), ec);
  socket.close(ec);
}

bool over_connection_limit(const connection_env& env) {
  return env.state.shutting_down() ||
         env.state.connection_count() + env.pending.size() >= env.state.config().max_connections;
}

void start_session(std::unique_ptr<message_transport> transport, const connection_env& env) {
  if (env.state.shutting_down()) {
    transport->close();  // a handshake that completed as the server began to stop
    return;
  }
  auto s = std::make_shared<session>(std::move(transport), env.state, env.commands, env.budget);
  s->id = next_peer_id();
  s->start();
}

budget_housekeeping::budget_housekeeping(asio::any_io_executor ex, input_budget& budget)
    : budget_(budget), timer_(std::move(ex)) {
  budget_.on_housekeeping([this] {
    timer_.expires_after(housekeeping_delay);
    timer_.async_wait([this](const boost::system::error_code& ec) {
      if (ec)
        return;
      const auto done = budget_.housekeeping_done();
      if (done.evicted > 1)
        log::error("closed " + std::to_string(done.evicted) +
                   " connections holding unfinished requests over the input budget");
      // glibc keeps freed heap pages; give them back so RSS falls after a burst of large
      // requests or of closed connections.
      ::malloc_trim(0);
    });
  });
}

budget_housekeeping::~budget_housekeeping() {
  budget_.on_housekeeping(nullptr);
}

asio::awaitable<void> accept_loop(asio::ip::tcp::acceptor& acceptor,
                                  std::function<void(asio::ip::tcp::socket)> on_connection) {
  auto ex = co_await asio::this_coro::executor;
  asio::steady_timer retry(ex);
  auto retry_wait = accept_retry_first;
  throttled_log accept_errors;
  throttled_log refusals;
  spare_descriptor spare;
  boost::system::error_code setup_ec;
  acceptor.non_blocking(true, setup_ec);  // the rescue accept below must not block

  while (acceptor.is_open()) {
    auto [ec, socket] = co_await acceptor.async_accept(use_nothrow);
    if (ec == asio::error::operation_aborted || !acceptor.is_open())
      break;
    if (ec && out_of_descriptors(ec) && spare.held()) {
      // Give the spare descriptor up, take the waiting connection with it, refuse it politely.
      spare.give_up();
      boost::system::error_code rescue_ec;
      asio::ip::tcp::socket rescued = acceptor.accept(rescue_ec);
      if (!rescue_ec)
        refuse(rescued);
      spare.take();
      refusals("out of file descriptors: a new connection was refused with busy");
      if (!rescue_ec || rescue_ec == asio::error::would_block)
        continue;
    }
    if (ec) {
      // Out of memory or buffers, or out of descriptors without a spare: wait, longer each
      // time, instead of spinning on the error; log it at most every accept_log_interval.
      accept_errors(std::string("accept failed: ") + ec.message());
      retry.expires_after(retry_wait);
      retry_wait = std::min<std::chrono::milliseconds>(retry_wait * 2, accept_retry_last);
      co_await retry.async_wait(use_nothrow);
      spare.take();
      continue;
    }
    retry_wait = accept_retry_first;
    boost::system::error_code opt_ec;
    socket.set_option(asio::ip::tcp::no_delay(true), opt_ec);
    on_connection(std::move(socket));
  }
}

}  // namespace tcs::net
