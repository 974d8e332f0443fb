// The bench's tcs and line-protocol clients.
#include "bench/net.hpp"

#include <boost/asio/as_tuple.hpp>

#include <array>

namespace tcs::bench {

namespace {

// One read chunk for every connection: the loop runs one coroutine at a time and each read
// is consumed before its reader suspends again.
constexpr std::size_t read_chunk_bytes = 64 * 1024;
char* read_chunk() {
  static std::array<char, read_chunk_bytes> chunk;
  return chunk.data();
}

bool would_block(const boost::system::error_code& ec) {
  return ec == asio::error::would_block || ec == asio::error::try_again;
}

}  // namespace

awaitable<void> socket_io::connect(const tcp::endpoint& endpoint) {
  auto [ec] = co_await socket_.async_connect(endpoint, use_nothrow);
  if (ec)
    throw std::runtime_error("connect to " + endpoint.address().to_string() + ":" +
                             std::to_string(endpoint.port()) + ": " + ec.message());
  boost::system::error_code ignored;
  socket_.set_option(tcp::no_delay(true), ignored);
  socket_.non_blocking(true, ignored);
}

awaitable<void> socket_io::write(std::string_view bytes) {
  while (!bytes.empty()) {
    boost::system::error_code ec;
    const std::size_t n = socket_.write_some(asio::buffer(bytes.data(), bytes.size()), ec);
    if (would_block(ec)) {
      auto [wait_ec] = co_await socket_.async_wait(tcp::socket::wait_write, use_nothrow);
      if (wait_ec)
        throw connection_closed("write: " + wait_ec.message());
      continue;
    }
    if (ec)
      throw connection_closed("write: " + ec.message());
    bytes.remove_prefix(n);
  }
}

awaitable<std::string_view> socket_io::read_some() {
  for (;;) {
    auto [wait_ec] = co_await socket_.async_wait(tcp::socket::wait_read, use_nothrow);
    if (wait_ec)
      throw connection_closed("read: " + wait_ec.message());
    boost::system::error_code ec;
    const std::size_t n = socket_.read_some(asio::buffer(read_chunk(), read_chunk_bytes), ec);
    if (would_block(ec))
      continue;
    if (ec)
      throw connection_closed(ec == asio::error::eof ? "end of stream" : "read: " + ec.message());
    co_return std::string_view(read_chunk(), n);
  }
}

void socket_io::close() {
  boost::system::error_code ignored;
  socket_.close(ignored);
}

namespace {

// Reads `"key":` at `pos` and moves past it; false if the text is something else.
bool skip_key(std::string_view text, std::size_t& pos, std::string_view key) {
  if (text.substr(pos, key.size() + 3) != "\"" + std::string(key) + "\":")
    return false;
  pos += key.size() + 3;
  return true;
}

// The head of a payload the way tcs-server writes it: {"type":"T","id":N,"ok":B, ... or
// {"type":"T", ... for events. False if it does not start so (the caller parses it all).
bool read_head(std::string_view text, raw_message& m) {
  std::size_t pos = 1;
  if (text.empty() || text[0] != '{' || !skip_key(text, pos, "type") || pos >= text.size() ||
      text[pos] != '"')
    return false;
  const auto end = text.find('"', pos + 1);
  if (end == std::string_view::npos ||
      text.substr(pos + 1, end - pos - 1).find('\\') != std::string_view::npos)
    return false;
  m.type = std::string(text.substr(pos + 1, end - pos - 1));
  pos = end + 1;
  if (pos < text.size() && text[pos] == ',' && text.substr(pos + 1, 5) == "\"id\":") {
    ++pos;
    skip_key(text, pos, "id");
    std::int64_t id = 0;
    bool digits = false;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      id = id * 10 + (text[pos++] - '0');
      digits = true;
    }
    if (!digits)
      return false;
    m.id = id;
    if (text.substr(pos, 11) == ",\"ok\":true")
      m.ok = true;
    else if (text.substr(pos, 12) == ",\"ok\":false")
      m.ok = false;
    else
      return false;
  }
  return true;
}

}  // namespace

json::object raw_message::parse() const {
  auto msg = parse_message(payload);
  if (!msg)
    throw std::runtime_error("bad message from the server");
  return std::move(*msg);
}

std::string raw_message::error_code() const {
  json::object msg = parse();
  const auto* err = msg.if_contains("error");
  if (err && err->is_object() && err->as_object().contains("code") &&
      err->as_object().at("code").is_string())
    return std::string(err->as_object().at("code").as_string());
  return "?";
}

awaitable<raw_message> tcs_connection::read_message() {
  for (;;) {
    while (auto ev = decoder_.next()) {
      if (ev->error)
        throw std::runtime_error("bad frame from the server");
      raw_message m;
      m.payload = std::move(*ev->payload);
      if (!read_head(m.payload, m)) {
        // Not in the server's usual order: read it the slow way.
        json::object full = m.parse();
        m.type = std::string(full.at("type").as_string());
        m.id = request_id(full);
        m.ok = !m.id || !reply_failure(full);
      }
      if (!m.id && m.type == "heartbeat") {
        const std::string ping = encode_message(make_request("ping", next_id_++));
        co_await send(ping);
        continue;
      }
      co_return m;
    }
    if (decoder_.failed())
      throw std::runtime_error("bad frame from the server");
    co_await receive();
  }
}

awaitable<raw_message> tcs_connection::await_reply(std::int64_t id) {
  for (;;) {
    raw_message m = co_await read_message();
    if (!m.id) {
      events_.push_back(std::move(m));
      continue;
    }
    if (*m.id == id)
      co_return m;
    // A reply to an earlier fire-and-forget ping: nothing waits for it.
  }
}

awaitable<json::object> tcs_connection::request(json::object msg) {
  const std::int64_t id = next_id_++;
  msg["id"] = id;
  const std::string frame = encode_message(msg);
  co_await send(frame);
  raw_message reply = co_await await_reply(id);
  co_return reply.parse();
}

awaitable<json::object> tcs_connection::request_ok(json::object msg) {
  std::string type(msg.at("type").as_string());
  json::object reply = co_await request(std::move(msg));
  if (reply_failure(reply)) {
    const auto* err = reply.if_contains("error");
    std::string code = "?";
    if (err && err->is_object() && err->as_object().contains("code"))
      code = std::string(err->as_object().at("code").as_string());
    throw request_failed(type, code);
  }
  co_return reply;
}

awaitable<raw_message> tcs_connection::call(std::string_view type, std::string_view fields) {
  const std::int64_t id = next_id_++;
  std::string json;
  json.reserve(32 + type.size() + fields.size());
  json.append("{\"type\":\"").append(type).append("\",\"id\":").append(std::to_string(id));
  if (!fields.empty())
    json.append(",").append(fields);
  json.append("}");
  const std::string frame = encode_frame(json);
  co_await send(frame);
  raw_message reply = co_await await_reply(id);
  if (!reply.ok)
    throw request_failed(std::string(type), reply.error_code());
  co_return reply;
}

awaitable<raw_message> tcs_connection::wait_event(std::string_view type) {
  while (!events_.empty()) {
    raw_message ev = std::move(events_.front());
    events_.pop_front();
    if (ev.type == type)
      co_return ev;
  }
  for (;;) {
    raw_message m = co_await read_message();
    if (!m.id && m.type == type)
      co_return m;
  }
}

awaitable<void> tcs_connection::drain() {
  try {
    for (;;)
      (void)co_await read_message();
  } catch (const connection_closed&) {
  }
}

awaitable<std::string> line_connection::read_line() {
  for (;;) {
    const auto nl = buffer_.find('\n', start_);
    if (nl != std::string::npos) {
      std::size_t end = nl;
      if (end > start_ && buffer_[end - 1] == '\r')
        --end;
      std::string line = buffer_.substr(start_, end - start_);
      start_ = nl + 1;
      if (start_ == buffer_.size()) {
        buffer_.clear();
        start_ = 0;
      }
      co_return line;
    }
    if (start_ > 0) {
      buffer_.erase(0, start_);
      start_ = 0;
    }
    std::string_view bytes = co_await read_some();
    buffer_.append(bytes);
  }
}

}  // namespace tcs::bench
