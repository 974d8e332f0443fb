// Unit tests of the support desk (sans-io): the FIFO queue and its positions, pairing, the end
// of a chat, departures of either side, and the offers of a chat.
#include "server/services/support_desk.hpp"
#include "tests/unit/desk_fixture.hpp"
#include "tests/unit/store_fixture.hpp"  // lets Catch print result<T>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <set>
#include <vector>

using namespace tcs;
using namespace tcs::test::desk_ids;
using services::position_change;
using services::support_desk;
using services::support_state;

namespace {

std::vector<std::int64_t> queued_ids(const support_desk& desk) {
  std::vector<std::int64_t> ids;
  for (const auto& e : desk.queue())
    ids.push_back(e.customer_id);
  return ids;
}

// (customer, position) pairs, for comparing decisions.
std::vector<std::pair<std::int64_t, std::size_t>> as_pairs(
    const std::vector<position_change>& changes) {
  std::vector<std::pair<std::int64_t, std::size_t>> out;
  for (const auto& c : changes)
    out.emplace_back(c.customer_id, c.position);
  return out;
}

using pairs = std::vector<std::pair<std::int64_t, std::size_t>>;

}  // namespace

TEST_CASE("the queue is FIFO with 1-based positions", "[support][desk]") {
  support_desk desk;
  CHECK(desk.waiting() == 0);
  auto a = desk.join(ana, t0);
  REQUIRE(a);
  CHECK(a->position == 1);
  CHECK(a->waiting == 1);
  auto b = desk.join(ben, t0 + 1);
  REQUIRE(b);
  CHECK(b->position == 2);
  CHECK(b->waiting == 2);
  REQUIRE(desk.join(cam, t0 + 2));
  CHECK(queued_ids(desk) == std::vector<std::int64_t>{ana, ben, cam});
  CHECK(desk.position_of(ana) == 1u);
  CHECK(desk.position_of(cam) == 3u);
  CHECK_FALSE(desk.position_of(dan));
  CHECK(desk.state_of(ben) == support_state::queue);
  CHECK(desk.state_of(dan) == support_state::menu);

  // The longest-waiting customer is served first, whoever connects.
  auto p1 = desk.connect(tom, t0 + 10);
  REQUIRE(p1);
  CHECK(p1->customer_id == ana);
  CHECK(p1->executive_id == tom);
  CHECK(p1->waited_s == 10);
  CHECK(as_pairs(p1->moved) == pairs{{ben, 1}, {cam, 2}});
  auto p2 = desk.connect(eva, t0 + 11);
  REQUIRE(p2);
  CHECK(p2->customer_id == ben);
  CHECK(as_pairs(p2->moved) == pairs{{cam, 1}});
  CHECK(desk.invariants_hold());
}

TEST_CASE("joining twice, or while chatting, is invalid_state", "[support][desk]") {
  support_desk desk;
  REQUIRE(desk.join(ana, t0));
  auto again = desk.join(ana, t0 + 1);
  REQUIRE_FALSE(again);
  CHECK(again.error().code == errc::invalid_state);
  CHECK(desk.waiting() == 1);

  REQUIRE(desk.connect(eva, t0 + 2));
  auto chatting = desk.join(ana, t0 + 3);
  REQUIRE_FALSE(chatting);
  CHECK(chatting.error().code == errc::invalid_state);
  CHECK(desk.waiting() == 0);
  CHECK(desk.state_of(ana) == support_state::chat);
  CHECK(desk.invariants_hold());
}

TEST_CASE("leaving the queue moves up only those behind", "[support][desk]") {
  support_desk desk;
  for (auto c : {ana, ben, cam, dan})
    REQUIRE(desk.join(c, t0));

  auto moved = desk.leave(ben);
  REQUIRE(moved);
  CHECK(as_pairs(*moved) == pairs{{cam, 2}, {dan, 3}});
  CHECK(queued_ids(desk) == std::vector<std::int64_t>{ana, cam, dan});
  CHECK(desk.state_of(ben) == support_state::menu);

  moved = desk.leave(dan);  // the last one: nobody moves
  REQUIRE(moved);
  CHECK(moved->empty());

  auto not_queued = desk.leave(ben);
  REQUIRE_FALSE(not_queued);
  CHECK(not_queued.error().code == errc::invalid_state);
  CHECK(queued_ids(desk) == std::vector<std::int64_t>{ana, cam});

  // A customer may queue again after leaving, at the back.
  REQUIRE(desk.join(ben, t0 + 5));
  CHECK(desk.position_of(ben) == 3u);
  CHECK(desk.invariants_hold());
}

TEST_CASE("connect: empty queue and busy executive are invalid_state", "[support][desk]") {
  support_desk desk;
  auto empty = desk.connect(eva, t0);
  REQUIRE_FALSE(empty);
  CHECK(empty.error().code == errc::invalid_state);
  CHECK(desk.is_free(eva));

  REQUIRE(desk.join(ana, t0));
  REQUIRE(desk.join(ben, t0));
  REQUIRE(desk.connect(eva, t0));
  // No executive is given two customers: the second connect changes nothing.
  auto busy = desk.connect(eva, t0 + 1);
  REQUIRE_FALSE(busy);
  CHECK(busy.error().code == errc::invalid_state);
  CHECK(desk.customer_of(eva) == ana);
  CHECK(queued_ids(desk) == std::vector<std::int64_t>{ben});
  CHECK(desk.chats() == 1);
  CHECK(desk.invariants_hold());
}

TEST_CASE("no customer is paired twice", "[support][desk]") {
  support_desk desk;
  REQUIRE(desk.join(ana, t0));
  REQUIRE(desk.connect(eva, t0));
  // Ana is in a chat, not in the queue: another executive finds the queue empty.
  auto other = desk.connect(tom, t0);
  REQUIRE_FALSE(other);
  CHECK(other.error().code == errc::invalid_state);
  CHECK(desk.executive_of(ana) == eva);
  CHECK_FALSE(desk.customer_of(tom));

  // Many customers and executives: every customer served exactly once.
  support_desk big;
  std::vector<std::int64_t> customers;
  for (std::int64_t c = 200; c < 207; ++c) {
    customers.push_back(c);
    REQUIRE(big.join(c, t0));
  }
  std::set<std::int64_t> served;
  for (int round = 0; round < 3; ++round) {
    for (std::int64_t e = 10; e < 13; ++e) {
      auto p = big.connect(e, t0);
      if (!p)
        continue;
      CHECK(served.insert(p->customer_id).second);
      REQUIRE(big.invariants_hold());
      REQUIRE(big.end_chat_by_executive(e, t0 + 50));
    }
  }
  CHECK(served == std::set<std::int64_t>(customers.begin(), customers.end()));
  CHECK(big.waiting() == 0);
  CHECK(big.chats() == 0);
}

TEST_CASE("ending a chat: either side, the customer goes back to the menu", "[support][desk]") {
  support_desk desk;
  REQUIRE(desk.join(ana, t0));
  REQUIRE(desk.join(ben, t0));
  REQUIRE(desk.connect(eva, t0));
  REQUIRE(desk.connect(tom, t0));

  auto by_customer = desk.end_chat_by_customer(ana, t0 + 50);
  REQUIRE(by_customer);
  CHECK(by_customer->customer_id == ana);
  CHECK(by_customer->executive_id == eva);
  CHECK(desk.state_of(ana) == support_state::menu);
  CHECK(desk.is_free(eva));

  auto by_executive = desk.end_chat_by_executive(tom, t0 + 50);
  REQUIRE(by_executive);
  CHECK(by_executive->customer_id == ben);
  CHECK(desk.state_of(ben) == support_state::menu);
  CHECK(desk.waiting() == 0);

  auto none = desk.end_chat_by_executive(tom, t0 + 50);
  REQUIRE_FALSE(none);
  CHECK(none.error().code == errc::not_in_chat);
  auto none_customer = desk.end_chat_by_customer(ana, t0 + 50);
  REQUIRE_FALSE(none_customer);
  CHECK(none_customer.error().code == errc::not_in_chat);
  CHECK(desk.invariants_hold());
}

TEST_CASE("a customer leaving: from the queue or from a chat", "[support][desk]") {
  support_desk desk;
  for (auto c : {ana, ben, cam})
    REQUIRE(desk.join(c, t0));
  REQUIRE(desk.connect(eva, t0));  // ana

  SECTION("queued") {
    auto gone = desk.customer_gone(ben, t0 + 50);
    CHECK(gone.was == support_state::queue);
    CHECK(as_pairs(gone.moved) == pairs{{cam, 1}});
    CHECK_FALSE(gone.chat);
  }
  SECTION("chatting: the executive is free") {
    auto gone = desk.customer_gone(ana, t0 + 50);
    CHECK(gone.was == support_state::chat);
    REQUIRE(gone.chat);
    CHECK(gone.chat->executive_id == eva);
    CHECK(gone.moved.empty());
    CHECK(desk.is_free(eva));
    CHECK(queued_ids(desk) == std::vector<std::int64_t>{ben, cam});
  }
  SECTION("in the menu: nothing") {
    auto gone = desk.customer_gone(dan, t0 + 50);
    CHECK(gone.was == support_state::menu);
    CHECK(gone.moved.empty());
    CHECK_FALSE(gone.chat);
  }
  CHECK(desk.invariants_hold());
}

TEST_CASE("an executive leaving mid-chat requeues its customer at the head", "[support][desk]") {
  support_desk desk;
  for (auto c : {ana, ben, cam})
    REQUIRE(desk.join(c, t0));
  REQUIRE(desk.connect(eva, t0 + 5));  // ana
  REQUIRE(desk.create_offer(eva, "Caterpie", 8, t0 + 6));

  auto all_back = desk.executive_gone(eva, t0 + 7);
  REQUIRE(all_back.size() == 1);
  auto* back = &all_back[0];
  CHECK(back->customer_id == ana);
  CHECK(back->executive_id == eva);
  CHECK(back->position == 1);
  CHECK(as_pairs(back->moved) == pairs{{ben, 2}, {cam, 3}});
  REQUIRE(back->cancelled_offer);
  CHECK(back->cancelled_offer->card == "Caterpie");
  CHECK(queued_ids(desk) == std::vector<std::int64_t>{ana, ben, cam});
  CHECK(desk.state_of(ana) == support_state::queue);
  CHECK(desk.queue().front().joined_at == t0);  // her waiting time goes on (issue 18, item 12)
  CHECK(desk.chats() == 0);

  // The offer is gone for good: answering it is not_found.
  auto late = desk.offer_to_answer(ana, back->cancelled_offer->id);
  REQUIRE_FALSE(late);
  CHECK(late.error().code == errc::not_found);

  // The next executive takes her first.
  auto next = desk.connect(tom, t0 + 8);
  REQUIRE(next);
  CHECK(next->customer_id == ana);

  // A free executive leaving changes nothing.
  CHECK(desk.executive_gone(eva, t0 + 9).empty());
  CHECK(desk.invariants_hold());
}

TEST_CASE("offers: one open per chat, answered only by that chat's customer", "[support][desk]") {
  support_desk desk;
  REQUIRE(desk.join(ana, t0));
  REQUIRE(desk.join(ben, t0));
  REQUIRE(desk.connect(eva, t0));  // ana
  REQUIRE(desk.connect(tom, t0));  // ben

  auto none = desk.create_offer(eva + 100, "Caterpie", 8, t0);  // not in a chat
  REQUIRE_FALSE(none);
  CHECK(none.error().code == errc::not_in_chat);

  auto first = desk.create_offer(eva, "Caterpie", 8, t0);
  REQUIRE(first);
  CHECK(first->customer_id == ana);
  CHECK(first->executive_id == eva);
  CHECK(first->price == 8);
  REQUIRE(desk.open_offer(eva));
  CHECK(desk.open_offer(eva)->id == first->id);

  auto second = desk.create_offer(eva, "Pikachu ex", 100, t0);
  REQUIRE_FALSE(second);
  CHECK(second.error().code == errc::invalid_state);
  CHECK(desk.open_offer(eva)->card == "Caterpie");

  // Another chat has its own offer, with a different id.
  auto other = desk.create_offer(tom, "Mew ex", 50, t0);
  REQUIRE(other);
  CHECK(other->id != first->id);

  // Ben cannot answer Ana's offer, nor can an unknown id be answered.
  auto wrong = desk.offer_to_answer(ben, first->id);
  REQUIRE_FALSE(wrong);
  CHECK(wrong.error().code == errc::not_found);
  auto unknown = desk.offer_to_answer(ana, 9999);
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().code == errc::not_found);
  auto outsider = desk.offer_to_answer(cam, first->id);
  REQUIRE_FALSE(outsider);
  CHECK(outsider.error().code == errc::not_found);

  auto right = desk.offer_to_answer(ana, first->id);
  REQUIRE(right);
  CHECK(right->card == "Caterpie");
  CHECK(desk.open_offer(eva));  // checking changes nothing
  CHECK(desk.close_offer(first->id));
  CHECK_FALSE(desk.open_offer(eva));
  CHECK_FALSE(desk.close_offer(first->id));
  CHECK_FALSE(desk.offer_to_answer(ana, first->id));

  // Once answered, a new offer may be made; ids are never reused.
  auto third = desk.create_offer(eva, "Pikachu ex", 100, t0);
  REQUIRE(third);
  CHECK(third->id != first->id);
  CHECK(third->id != other->id);
  CHECK(desk.invariants_hold());
}

TEST_CASE("offers die with their chat", "[support][desk]") {
  support_desk desk;
  REQUIRE(desk.join(ana, t0));
  REQUIRE(desk.connect(eva, t0));
  auto o = desk.create_offer(eva, "Caterpie", 8, t0);
  REQUIRE(o);

  SECTION("the executive ends the chat") {
    auto closed = desk.end_chat_by_executive(eva, t0 + 50);
    REQUIRE(closed);
    REQUIRE(closed->cancelled_offer);
    CHECK(closed->cancelled_offer->id == o->id);
  }
  SECTION("the customer ends the chat") {
    auto closed = desk.end_chat_by_customer(ana, t0 + 50);
    REQUIRE(closed);
    REQUIRE(closed->cancelled_offer);
  }
  SECTION("the customer leaves") {
    auto gone = desk.customer_gone(ana, t0 + 50);
    REQUIRE(gone.chat);
    REQUIRE(gone.chat->cancelled_offer);
  }
  CHECK_FALSE(desk.offer_to_answer(ana, o->id));
  CHECK_FALSE(desk.open_offer(eva));
  // A new chat between the same two starts without an offer.
  REQUIRE(desk.join(ana, t0));
  REQUIRE(desk.connect(eva, t0));
  CHECK_FALSE(desk.open_offer(eva));
  CHECK(desk.invariants_hold());
}

// --- Availability and the wait estimate (issue 16) ---------------------------------------------

TEST_CASE("an away executive is not offered customers and cannot connect", "[support][desk]") {
  support_desk desk;
  desk.executive_arrived(eva, t0);
  desk.executive_arrived(tom, t0);
  CHECK(desk.available_executives() == 2);
  CHECK(desk.offered(eva));
  CHECK(desk.set_available(eva, false, t0 + 1));
  CHECK_FALSE(desk.set_available(eva, false, t0 + 2));  // already away: no change
  CHECK_FALSE(desk.is_available(eva));
  CHECK_FALSE(desk.offered(eva));
  CHECK(desk.available_executives() == 1);
  REQUIRE(desk.join(ana, t0 + 3));
  auto refused = desk.connect(eva, t0 + 4);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == errc::invalid_state);
  CHECK(desk.position_of(ana) == 1u);  // nothing changed
  CHECK(desk.set_available(eva, true, t0 + 5));
  CHECK(desk.connect(eva, t0 + 6));
  // Away mid-chat: the chat goes on, but the executive is not offered the next customer.
  CHECK(desk.set_available(eva, false, t0 + 7));
  CHECK(desk.customer_of(eva) == ana);
  desk.executive_gone(tom, t0 + 8);
  CHECK(desk.available_executives() == 0);
  CHECK(desk.invariants_hold());
}

TEST_CASE("the wait estimate follows Comm100's formula on recent chat lengths", "[support][desk]") {
  support_desk desk;
  REQUIRE(desk.join(ana, t0));
  CHECK_FALSE(desk.eta_s(ana));  // no executive: no estimate
  CHECK_FALSE(desk.eta_s(ben));  // not queued
  desk.executive_arrived(eva, t0);
  CHECK(desk.eta_s(ana) == 0);  // a free available executive: served at once
  REQUIRE(desk.connect(eva, t0 + 30));
  REQUIRE(desk.end_chat_by_executive(eva, t0 + 30 + 600));  // one chat of 10 min
  REQUIRE(desk.join(ana, t0 + 700));
  REQUIRE(desk.connect(eva, t0 + 700));
  REQUIRE(desk.end_chat_by_customer(ana, t0 + 700 + 200));  // and one of 200 s: average 400
  desk.executive_arrived(tom, t0 + 900);
  REQUIRE(desk.join(ana, t0 + 900));
  REQUIRE(desk.join(ben, t0 + 901));
  REQUIRE(desk.join(cam, t0 + 902));
  REQUIRE(desk.join(dan, t0 + 903));
  REQUIRE(desk.connect(eva, t0 + 910));  // ana; tom is still free
  // ben is served by tom at once; cam and dan wait for one of two chats to end.
  CHECK(desk.eta_s(ben) == 0);
  CHECK(desk.eta_s(cam) == 400);
  CHECK(desk.eta_s(dan) == 400);
  REQUIRE(desk.set_available(tom, false, t0 + 911));  // one slot left, and it is busy
  CHECK(desk.eta_s(ben) == 400);
  CHECK(desk.eta_s(cam) == 800);
  CHECK(desk.eta_s(dan) == 1200);
}

TEST_CASE("the average wait covers the customers served in the last hour", "[support][desk]") {
  support_desk desk;
  desk.executive_arrived(eva, t0);
  CHECK_FALSE(desk.average_wait_s(t0));
  REQUIRE(desk.join(ana, t0));
  REQUIRE(desk.connect(eva, t0 + 100));  // waited 100 s
  REQUIRE(desk.end_chat_by_executive(eva, t0 + 200));
  REQUIRE(desk.join(ben, t0 + 1000));
  REQUIRE(desk.connect(eva, t0 + 1300));  // waited 300 s
  CHECK(desk.average_wait_s(t0 + 1300) == 200);
  CHECK(desk.average_wait_s(t0 + 100 + 3600) == 300);  // ana's wait is over an hour old
  CHECK_FALSE(desk.average_wait_s(t0 + 1300 + 3600));
}

TEST_CASE("wait_stats keeps the last chats and starts from a default length", "[support][desk]") {
  services::wait_stats stats;
  CHECK(stats.average_chat_s() == services::wait_stats::default_chat_s);
  for (int i = 0; i < 30; ++i)
    stats.chat_ended(i < 10 ? 1000 : 100);  // the 10 long ones fall out of the last 20
  CHECK(stats.average_chat_s() == 100);
  CHECK_FALSE(stats.estimate_s(1, 0, 0));
  CHECK(stats.estimate_s(1, 1, 1) == 0);
  CHECK(stats.estimate_s(1, 0, 3) == 100);
  CHECK(stats.estimate_s(3, 0, 3) == 100);
  CHECK(stats.estimate_s(4, 0, 3) == 200);
  CHECK(stats.estimate_s(5, 1, 3) == 200);
}

TEST_CASE("auto-assignment: oldest customer to the executive idle longest", "[support][desk]") {
  support_desk desk;
  CHECK_FALSE(desk.assign_next(t0));  // empty queue
  REQUIRE(desk.join(ana, t0));
  CHECK_FALSE(desk.assign_next(t0));  // no executive
  desk.executive_arrived(tom, t0 + 1);
  desk.executive_arrived(eva, t0 + 2);
  REQUIRE(desk.join(ben, t0 + 3));
  REQUIRE(desk.join(cam, t0 + 4));
  auto first = desk.assign_next(t0 + 5);
  REQUIRE(first);
  CHECK(first->customer_id == ana);
  CHECK(first->executive_id == tom);  // idle since t0 + 1
  CHECK(first->waited_s == 5);
  auto second = desk.assign_next(t0 + 5);
  REQUIRE(second);
  CHECK(second->customer_id == ben);
  CHECK(second->executive_id == eva);
  CHECK_FALSE(desk.assign_next(t0 + 6));  // nobody free
  REQUIRE(desk.end_chat_by_executive(eva, t0 + 10));
  REQUIRE(desk.end_chat_by_executive(tom, t0 + 11));
  REQUIRE(desk.set_available(eva, false, t0 + 12));
  auto third = desk.assign_next(t0 + 13);  // eva is away: tom, although idle for less
  REQUIRE(third);
  CHECK(third->customer_id == cam);
  CHECK(third->executive_id == tom);
  CHECK(desk.invariants_hold());
}
