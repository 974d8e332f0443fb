// Today's transport: frames with a 4-byte length prefix (common/protocol/frame.hpp) over a
// plain TCP socket. What makes an idle connection cheap and a busy one fast lives here, not in
// the session:
//
// - Reads go into a 256-byte inbox of the transport's own: a pending read, unlike a wait for
//   readability, costs Asio no epoll_ctl call to start, and a request or a chat line fits.
//   When the inbox fills, the rest of what has arrived is read at once into a 64 KiB buffer
//   shared by every connection on the loop (one reader runs at a time and the frame decoder
//   copies what it keeps), so no connection holds a large buffer.
// - Writes are immediate: write() gathers up to 64 queued frames into one sendmsg on the
//   non-blocking socket, which is the whole write when the kernel's send buffer has room (the
//   usual case), with no reactor operation; only a full socket waits for writability.
// - Every pending operation is a plain completion handler: nothing here holds a coroutine.
//
// Used on the loop thread only.
#pragma once

#include "server/net/message_transport.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <array>
#include <cstddef>

namespace tcs::net {

// Frames gathered into one write; bounds the writer's per-call work.
inline constexpr std::size_t max_frames_per_write = 64;
// Each connection's own read buffer: enough for a request or a chat line.
inline constexpr std::size_t session_inbox_bytes = 256;
// Where a connection that filled its inbox reads the rest of what is waiting; shared by every
// connection on the loop (only one reader runs at a time).
inline constexpr std::size_t shared_read_buffer_bytes = 64 * 1024;
// That buffer (shared_read_buffer_bytes long): the TCP and the TLS transports read into it;
// what they keep, the frame decoder copies before the reader returns.
char* shared_read_buffer();

class tcp_transport final : public framed_transport {
 public:
  explicit tcp_transport(boost::asio::ip::tcp::socket socket) : socket_(std::move(socket)) {}

  boost::asio::any_io_executor get_executor() override { return socket_.get_executor(); }
  void start(transport_events& events) override;
  std::string remote_address() const override;

  void read() override;

  write_status write(outbox& out) override;
  bool hung_up() override;
  void close() override;

 private:
  void on_read(const boost::system::error_code& ec, std::size_t n);

  boost::asio::ip::tcp::socket socket_;
  transport_events* events_ = nullptr;
  std::array<char, session_inbox_bytes> inbox_;
};

}  // namespace tcs::net
