// The input budget (server/net/input_budget.hpp) and the decoder's memory (issue 12, item 5).
#include "common/protocol/frame.hpp"
#include "common/protocol/limits.hpp"
#include "server/net/input_budget.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

using tcs::frame_decoder;
using tcs::net::input_budget;

namespace {

struct fake_session final : input_budget::holder {
  explicit fake_session(input_budget& b) : budget(b) {}
  void evict() override {
    evicted = true;
    budget.update(*this, 0);
  }
  input_budget& budget;
  bool evicted = false;
};

std::string frame_header_of(std::uint32_t n) {
  std::string h(tcs::frame_header_bytes, '\0');
  tcs::write_frame_header(h.data(), n);
  return h;
}

}  // namespace

TEST_CASE("a frame arriving in pieces takes about its own size, and is given back") {
  frame_decoder d;
  const std::uint32_t n = tcs::max_frame_bytes;
  d.feed(frame_header_of(n) + std::string(200, 'x'));
  std::size_t sent = 200;
  while (sent < n - 1) {
    const std::size_t chunk = std::min<std::size_t>(256, n - 1 - sent);
    d.feed(std::string(chunk, 'x'));
    sent += chunk;
  }
  CHECK_FALSE(d.next());
  // Grown by doubling it would hold twice the frame.
  CHECK(d.capacity() <= n + 2 * tcs::frame_header_bytes);
  d.feed("x");
  auto ev = d.next();
  REQUIRE(ev);
  REQUIRE(ev->payload);
  CHECK(ev->payload->size() == n);
  CHECK(d.pending_bytes() == 0);
  d.release_memory();
  CHECK(d.capacity() < 64);
  // Still usable afterwards.
  d.feed(frame_header_of(2) + "ok");
  ev = d.next();
  REQUIRE(ev);
  CHECK(*ev->payload == "ok");
}

TEST_CASE("release_memory keeps the bytes of an unfinished frame") {
  frame_decoder d;
  d.feed(frame_header_of(5000) + std::string(5000, 'a') + frame_header_of(3) + "b");
  auto ev = d.next();
  REQUIRE(ev);
  CHECK(ev->payload->size() == 5000);
  d.release_memory();
  CHECK(d.capacity() < 1024);
  CHECK(d.pending_bytes() == tcs::frame_header_bytes + 1);
  d.feed("cd");
  ev = d.next();
  REQUIRE(ev);
  CHECK(*ev->payload == "bcd");
}

TEST_CASE("over the input budget, the sessions holding the most are evicted") {
  input_budget budget(100'000);
  std::vector<std::unique_ptr<fake_session>> sessions;
  for (int i = 0; i < 5; ++i)
    sessions.push_back(std::make_unique<fake_session>(budget));
  CHECK(budget.update(*sessions[0], 10'000));
  CHECK(budget.update(*sessions[1], 60'000));
  CHECK(budget.update(*sessions[2], 20'000));
  CHECK(budget.total() == 90'000);
  std::size_t asked = 0;
  budget.on_housekeeping([&] { ++asked; });
  // 30,000 more: 120,000 > 100,000, and the largest holder (60,000) goes.
  CHECK(budget.update(*sessions[3], 30'000));
  CHECK(sessions[1]->evicted);
  CHECK_FALSE(sessions[0]->evicted);
  CHECK_FALSE(sessions[3]->evicted);
  CHECK(budget.total() == 60'000);
  CHECK(asked == 1);
  // The newcomer itself may be the largest: it is told so.
  CHECK_FALSE(budget.update(*sessions[4], 90'000));
  CHECK(sessions[4]->evicted);
  CHECK(budget.total() == 60'000);
  const auto done = budget.housekeeping_done();
  CHECK(done.evicted == 2);
  CHECK(done.released == 150'000);
  // Giving memory back is counted, and asks for housekeeping past the threshold.
  budget.update(*sessions[0], 0);
  budget.update(*sessions[2], 0);
  budget.update(*sessions[3], 0);
  CHECK(budget.total() == 0);
  CHECK(budget.holders() == 0);
  CHECK(asked == 1);  // 60,000 bytes released: below input_return_after_bytes
  CHECK(budget.housekeeping_done().released == 60'000);
}

TEST_CASE("giving back input_return_after_bytes asks for housekeeping once") {
  input_budget budget(1 << 30);
  fake_session s(budget);
  std::size_t asked = 0;
  budget.on_housekeeping([&] { ++asked; });
  budget.update(s, tcs::net::input_return_after_bytes - 1);
  budget.update(s, 0);
  CHECK(asked == 0);
  budget.update(s, 10);
  budget.update(s, 0);
  CHECK(asked == 1);
  budget.update(s, 2 * tcs::net::input_return_after_bytes);
  budget.update(s, 0);
  CHECK(asked == 1);  // until housekeeping_done()
  CHECK(budget.housekeeping_done().released == 3 * tcs::net::input_return_after_bytes + 9);
  budget.update(s, tcs::net::input_return_after_bytes);
  budget.update(s, 0);
  CHECK(asked == 2);
}
