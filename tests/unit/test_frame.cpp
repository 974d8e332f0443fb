// Unit tests of the length-prefixed frame codec: encoding, every split point, framing errors.
#include "common/protocol/frame.hpp"
#include "common/protocol/limits.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

using tcs::encode_frame;
using tcs::errc;
using tcs::frame_decoder;
using tcs::frame_header_bytes;
using tcs::max_frame_bytes;

namespace {

// Everything the decoder yields right now.
std::vector<frame_decoder::event> drain(frame_decoder& d) {
  std::vector<frame_decoder::event> out;
  while (auto ev = d.next())
    out.push_back(std::move(*ev));
  return out;
}

// The payloads of `events`; fails the test on any error event.
std::vector<std::string> payloads_of(const std::vector<frame_decoder::event>& events) {
  std::vector<std::string> out;
  for (const auto& ev : events) {
    REQUIRE_FALSE(ev.error.has_value());
    REQUIRE(ev.payload.has_value());
    out.push_back(*ev.payload);
  }
  return out;
}

// A raw 4-byte big-endian header announcing `n` bytes (may lie about what follows).
std::string header(std::uint32_t n) {
  std::string h;
  h.push_back(static_cast<char>((n >> 24) & 0xFF));
  h.push_back(static_cast<char>((n >> 16) & 0xFF));
  h.push_back(static_cast<char>((n >> 8) & 0xFF));
  h.push_back(static_cast<char>(n & 0xFF));
  return h;
}

// A payload of `n` bytes whose content depends on `seed` and covers every byte value.
std::string pattern(std::size_t n, unsigned seed) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i)
    s[i] = static_cast<char>((i * 31 + seed * 7) & 0xFF);
  return s;
}

std::string concat_frames(const std::vector<std::string>& payloads) {
  std::string stream;
  for (const auto& p : payloads)
    stream += encode_frame(p);
  return stream;
}

// Feeds [0, i) and [i, n), draining after each feed, for every i in [0, n]: exactly the
// payloads come out, in order, with nothing left over. With `fresh`, each split point gets a
// new decoder; without, one decoder sees the stream again and again, like a long-lived
// connection (and reuses its buffer, which keeps 65,000 rounds of 64 KiB fast).
void check_every_split(const std::vector<std::string>& payloads, bool fresh = true) {
  const std::string stream = concat_frames(payloads);
  frame_decoder shared;
  for (std::size_t i = 0; i <= stream.size(); ++i) {
    frame_decoder own;
    frame_decoder& d = fresh ? own : shared;
    std::size_t next = 0;
    bool ok = true;
    for (auto part : {std::string_view(stream).substr(0, i), std::string_view(stream).substr(i)}) {
      d.feed(part);
      while (auto ev = d.next()) {
        // Plain comparisons (not one assertion each) keep 65,000 iterations fast.
        ok = ok && !ev->error && ev->payload && next < payloads.size() &&
             *ev->payload == payloads[next];
        ++next;
      }
    }
    if (!ok || next != payloads.size() || d.pending_bytes() != 0 || d.failed()) {
      INFO("split at " << i << " of " << stream.size() << ": " << next << " frames");
      FAIL("the frames differ from the ones encoded");
    }
  }
  SUCCEED("every split point of " << stream.size() << " bytes decoded");
}

}  // namespace

TEST_CASE("encode_frame writes a big-endian length prefix", "[protocol][frame]") {
  const std::string f = encode_frame("abc");
  REQUIRE(f.size() == frame_header_bytes + 3);
  CHECK(f == std::string("\0\0\0\3abc", 7));

  const std::string p300(300, 'x');
  const std::string f300 = encode_frame(p300);
  CHECK(f300.substr(0, 4) == std::string("\0\0\x01\x2C", 4));
  CHECK(f300.substr(4) == p300);

  const std::string big = encode_frame(std::string(max_frame_bytes, 'y'));
  CHECK(big.substr(0, 4) == std::string("\0\x01\0\0", 4));
  CHECK(big.size() == frame_header_bytes + max_frame_bytes);
}

TEST_CASE("encode then decode returns the same payload", "[protocol][frame]") {
  for (std::size_t n : {std::size_t{1}, std::size_t{2}, std::size_t{255}, std::size_t{256},
                        std::size_t{65535}, max_frame_bytes}) {
    const std::string payload = pattern(n, static_cast<unsigned>(n));
    frame_decoder d;
    d.feed(encode_frame(payload));
    auto ev = d.next();
    REQUIRE(ev.has_value());
    REQUIRE_FALSE(ev->error.has_value());
    REQUIRE(ev->payload.has_value());
    CHECK(ev->payload->size() == n);
    CHECK(*ev->payload == payload);
    CHECK_FALSE(d.next().has_value());
    CHECK(d.pending_bytes() == 0);
  }
  // Binary content, NUL bytes included, is carried untouched.
  const std::string binary("\0\xff\0{\"", 5);
  frame_decoder d;
  d.feed(encode_frame(binary));
  CHECK(payloads_of(drain(d)) == std::vector<std::string>{binary});
}

TEST_CASE("a stream of small frames decodes the same at every split point", "[protocol][frame]") {
  check_every_split({"a", "{\"type\":\"ping\",\"id\":1}", "z"});
  check_every_split({pattern(1, 1), pattern(300, 2)});
}

TEST_CASE("a stream with a max-size frame decodes the same at every split point",
          "[protocol][frame]") {
  const std::vector<std::string> payloads = {pattern(1, 3), pattern(max_frame_bytes, 4),
                                             pattern(17, 5)};
  check_every_split(payloads, false);
  // Fresh decoders near the frame boundaries, where an off-by-one would show.
  const std::string stream = concat_frames(payloads);
  const std::size_t second_end = frame_header_bytes * 2 + 1 + max_frame_bytes;
  for (std::size_t i = 0; i <= stream.size(); ++i) {
    const bool near_boundary =
        i < 16 || (i + 16 > second_end && i < second_end + 16) || i + 16 > stream.size();
    if (!near_boundary)
      continue;
    INFO("split at " << i);
    frame_decoder d;
    d.feed(std::string_view(stream).substr(0, i));
    std::vector<std::string> got;
    while (auto ev = d.next())
      got.push_back(ev->payload.value());
    d.feed(std::string_view(stream).substr(i));
    while (auto ev = d.next())
      got.push_back(ev->payload.value());
    REQUIRE(got == payloads);
    REQUIRE(d.pending_bytes() == 0);
  }
}

TEST_CASE("a stream of small frames decodes the same with two split points", "[protocol][frame]") {
  const std::vector<std::string> payloads = {"x", pattern(9, 6), "{}"};
  const std::string stream = concat_frames(payloads);
  for (std::size_t i = 0; i <= stream.size(); ++i) {
    for (std::size_t j = i; j <= stream.size(); ++j) {
      frame_decoder d;
      std::vector<frame_decoder::event> events;
      for (auto part :
           {std::string_view(stream).substr(0, i), std::string_view(stream).substr(i, j - i),
            std::string_view(stream).substr(j)}) {
        d.feed(part);
        auto got = drain(d);
        events.insert(events.end(), got.begin(), got.end());
      }
      INFO("splits at " << i << " and " << j);
      REQUIRE(payloads_of(events) == payloads);
      REQUIRE(d.pending_bytes() == 0);
    }
  }
}

TEST_CASE("a stream fed one byte at a time yields every frame in order", "[protocol][frame]") {
  const std::vector<std::string> payloads = {pattern(1, 7), pattern(max_frame_bytes, 8),
                                             pattern(2, 9), pattern(max_frame_bytes, 10),
                                             pattern(1000, 11)};
  const std::string stream = concat_frames(payloads);
  frame_decoder d;
  std::vector<std::string> got;
  std::size_t frames_seen_at_byte = 0;
  for (std::size_t i = 0; i < stream.size(); ++i) {
    d.feed(&stream[i], 1);
    for (auto& p : payloads_of(drain(d))) {
      got.push_back(std::move(p));
      frames_seen_at_byte = i;
    }
  }
  REQUIRE(got.size() == payloads.size());
  for (std::size_t k = 0; k < got.size(); ++k)
    CHECK(got[k] == payloads[k]);
  // The last frame appears exactly when its last byte arrives, not before.
  CHECK(frames_seen_at_byte == stream.size() - 1);
  CHECK(d.pending_bytes() == 0);
}

TEST_CASE("a zero length is empty_frame and the stream stays usable", "[protocol][frame]") {
  frame_decoder d;
  d.feed(header(0) + encode_frame("next") + header(0) + header(0) + encode_frame("last"));
  auto events = drain(d);
  REQUIRE(events.size() == 5);
  CHECK(events[0].error == errc::empty_frame);
  CHECK_FALSE(events[0].payload.has_value());
  CHECK(events[1].payload == std::optional<std::string>("next"));
  CHECK(events[2].error == errc::empty_frame);
  CHECK(events[3].error == errc::empty_frame);
  CHECK(events[4].payload == std::optional<std::string>("last"));
  CHECK_FALSE(d.failed());
  CHECK(d.pending_bytes() == 0);
}

TEST_CASE("a zero-length header split across feeds is one empty_frame", "[protocol][frame]") {
  frame_decoder d;
  const std::string h = header(0);
  d.feed(h.substr(0, 3));
  CHECK_FALSE(d.next().has_value());
  d.feed(h.substr(3) + encode_frame("ok"));
  auto events = drain(d);
  REQUIRE(events.size() == 2);
  CHECK(events[0].error == errc::empty_frame);
  CHECK(events[1].payload == std::optional<std::string>("ok"));
}

TEST_CASE("a length above max_frame_bytes fails the decoder for good", "[protocol][frame]") {
  for (std::uint32_t n : {static_cast<std::uint32_t>(max_frame_bytes + 1), 0xFFFFFFFFu}) {
    INFO("length " << n);
    frame_decoder d;
    d.feed(encode_frame("before") + header(n) + "some bytes");
    auto ev = d.next();
    REQUIRE(ev.has_value());
    CHECK(ev->payload == std::optional<std::string>("before"));
    ev = d.next();
    REQUIRE(ev.has_value());
    CHECK(ev->error == errc::frame_too_large);
    CHECK_FALSE(ev->payload.has_value());
    CHECK(d.failed());
    // Nothing more, not even a well-formed frame fed afterwards.
    CHECK_FALSE(d.next().has_value());
    d.feed(encode_frame("after"));
    d.feed(header(0));
    CHECK_FALSE(d.next().has_value());
    CHECK_FALSE(d.next().has_value());
    CHECK(d.failed());
  }
}

TEST_CASE("frame_too_large is reported from the header alone", "[protocol][frame]") {
  frame_decoder d;
  const std::string h = header(static_cast<std::uint32_t>(max_frame_bytes + 1));
  d.feed(h.substr(0, 2));
  CHECK_FALSE(d.next().has_value());
  CHECK_FALSE(d.failed());
  d.feed(h.substr(2));
  auto ev = d.next();
  REQUIRE(ev.has_value());
  CHECK(ev->error == errc::frame_too_large);
  CHECK(d.failed());
}

TEST_CASE("a truncated frame yields nothing and stays pending", "[protocol][frame]") {
  frame_decoder d;
  d.feed(header(10) + "12345");
  CHECK_FALSE(d.next().has_value());
  CHECK(d.pending_bytes() == 9);
  CHECK_FALSE(d.failed());
  // The rest completes it.
  d.feed("67890");
  auto ev = d.next();
  REQUIRE(ev.has_value());
  CHECK(ev->payload == std::optional<std::string>("1234567890"));
  CHECK(d.pending_bytes() == 0);
}

TEST_CASE("a header split across feeds is reassembled", "[protocol][frame]") {
  const std::string f = encode_frame("hola");
  for (std::size_t cut = 1; cut < frame_header_bytes; ++cut) {
    INFO("cut at " << cut);
    frame_decoder d;
    d.feed(f.substr(0, cut));
    CHECK_FALSE(d.next().has_value());
    CHECK(d.pending_bytes() == cut);
    d.feed(f.substr(cut, frame_header_bytes - cut));
    CHECK_FALSE(d.next().has_value());
    CHECK(d.pending_bytes() == frame_header_bytes);
    d.feed(f.substr(frame_header_bytes));
    auto ev = d.next();
    REQUIRE(ev.has_value());
    CHECK(ev->payload == std::optional<std::string>("hola"));
  }
}

TEST_CASE("pending_bytes counts only bytes not yet returned", "[protocol][frame]") {
  frame_decoder d;
  CHECK(d.pending_bytes() == 0);
  d.feed(encode_frame("abc") + encode_frame("de").substr(0, 5));
  CHECK(d.pending_bytes() == 7 + 5);
  auto ev = d.next();
  REQUIRE(ev.has_value());
  CHECK(d.pending_bytes() == 5);
  CHECK_FALSE(d.next().has_value());
  CHECK(d.pending_bytes() == 5);
  d.feed("e");
  ev = d.next();
  REQUIRE(ev.has_value());
  CHECK(ev->payload == std::optional<std::string>("de"));
  CHECK(d.pending_bytes() == 0);
}
