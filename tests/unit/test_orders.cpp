// Unit tests of the orders service: atomic purchases, returns, confirmations, history window,
// and a randomized stock-conservation property.
#include "server/services/orders_service.hpp"
#include "server/store/accounts_repository.hpp"
#include "server/store/catalogue_repository.hpp"
#include "server/store/operations_repository.hpp"
#include "store_fixture.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <random>
#include <thread>

using namespace tcs;
using services::cart_line;
using tcs::test::demo_now;

namespace {

constexpr std::int64_t day_s = 86400;

std::map<std::int64_t, std::int64_t> stock_by_id(store::database& db) {
  std::map<std::int64_t, std::int64_t> out;
  for (const auto& p : store::catalogue_repository(db).list(true)) {
    out[p.id] = p.stock;
  }
  return out;
}

// A fresh database with one customer and two products, for exact-number tests.
struct small_shop {
  store::database db{":memory:"};
  std::int64_t ana = 0;
  std::int64_t beto = 0;
  std::int64_t pikachu = 0;
  std::int64_t sobre = 0;
  services::orders_service orders{db};
  small_shop() {
    store::accounts_repository accounts(db);
    ana = accounts.add_customer("ana@example.com", "Ana Rojas", "h", 0);
    beto = accounts.add_customer("beto@example.com", "Beto Soto", "h", 0);
    store::catalogue_repository catalogue(db);
    pikachu = catalogue.add_product("Pikachu ex", "card", 12990, 2, 0, true);
    sobre = catalogue.add_product("Sobre Brilliant Stars", "pack", 4990, 10, 0, true);
  }
  std::int64_t stock(std::int64_t id) { return store::catalogue_repository(db).by_id(id)->stock; }
  std::int64_t operation_count() { return store::operations_repository(db).count(); }
};

}  // namespace

TEST_CASE("purchase: lowers stock, captures prices, records the paid event", "[orders]") {
  small_shop shop;
  auto id = shop.orders.purchase(shop.ana, {{shop.pikachu, 1}, {shop.sobre, 3}}, 1000, "Ana Rojas");
  REQUIRE(id);
  CHECK(shop.stock(shop.pikachu) == 1);
  CHECK(shop.stock(shop.sobre) == 7);

  auto d = shop.orders.details(shop.ana, *id);
  REQUIRE(d);
  CHECK(d->operation.kind == "purchase");
  CHECK(d->operation.state == "paid");
  CHECK(d->operation.created_at == 1000);
  CHECK(d->operation.total == 12990 + 3 * 4990);
  REQUIRE(d->lines.size() == 2);
  CHECK(d->lines[0].product_name == "Pikachu ex");
  CHECK(d->lines[0].unit_price == 12990);
  CHECK(d->lines[1].quantity == 3);
  CHECK(d->lines[1].product_kind == "pack");
  REQUIRE(d->timeline.size() == 1);
  CHECK(d->timeline[0].state == "paid");
  CHECK(d->timeline[0].at == 1000);
  CHECK(d->timeline[0].actor == "Ana Rojas");
  CHECK_FALSE(d->executive_name);

  // The price is captured: a later price change does not alter the operation.
  shop.db.sql().exec("UPDATE products SET price = 1 WHERE name = 'Pikachu ex'");
  CHECK(shop.orders.details(shop.ana, *id)->lines[0].unit_price == 12990);
}

TEST_CASE("purchase: a short line changes nothing and the message names it", "[orders]") {
  small_shop shop;
  const auto before = stock_by_id(shop.db);
  auto r = shop.orders.purchase(shop.ana, {{shop.sobre, 2}, {shop.pikachu, 3}}, 1000, "Ana Rojas");
  REQUIRE_FALSE(r);
  CHECK(r.error().code == errc::out_of_stock);
  CHECK(r.error().message == "Stock insuficiente: Pikachu ex (pidió 3, quedan 2).");
  CHECK(stock_by_id(shop.db) == before);
  CHECK(shop.operation_count() == 0);

  // Several short lines are all named.
  r = shop.orders.purchase(shop.ana, {{shop.pikachu, 5}, {shop.sobre, 11}}, 1000, "Ana Rojas");
  REQUIRE_FALSE(r);
  CHECK(r.error().message ==
        "Stock insuficiente: Pikachu ex (pidió 5, quedan 2); Sobre Brilliant Stars (pidió 11, "
        "quedan 10).");
  CHECK(stock_by_id(shop.db) == before);
  CHECK(shop.operation_count() == 0);
}

TEST_CASE("purchase: repeated products are merged, and checked merged", "[orders]") {
  small_shop shop;
  auto id = shop.orders.purchase(shop.ana, {{shop.sobre, 2}, {shop.pikachu, 1}, {shop.sobre, 3}},
                                 1000, "Ana Rojas");
  REQUIRE(id);
  auto d = shop.orders.details(shop.ana, *id);
  REQUIRE(d->lines.size() == 2);
  CHECK(d->lines[1].product_name == "Sobre Brilliant Stars");
  CHECK(d->lines[1].quantity == 5);
  CHECK(shop.stock(shop.sobre) == 5);

  // 1 + 1 of a product with 1 left: short once merged.
  auto r = shop.orders.purchase(shop.ana, {{shop.pikachu, 1}, {shop.pikachu, 1}}, 1000, "Ana");
  REQUIRE_FALSE(r);
  CHECK(r.error().code == errc::out_of_stock);
  CHECK(r.error().message == "Stock insuficiente: Pikachu ex (pidió 2, quedan 1).");
  CHECK(shop.stock(shop.pikachu) == 1);
}

TEST_CASE("purchase: invalid carts are refused before touching anything", "[orders]") {
  small_shop shop;
  const auto before = stock_by_id(shop.db);
  auto code = [&](std::vector<cart_line> lines) {
    auto r = shop.orders.purchase(shop.ana, lines, 1000, "Ana Rojas");
    REQUIRE_FALSE(r);
    return r.error().code;
  };
  CHECK(code({}) == errc::invalid_field);
  CHECK(code({{shop.sobre, 0}}) == errc::invalid_field);
  CHECK(code({{shop.sobre, -1}}) == errc::invalid_field);
  CHECK(code({{shop.sobre, 100}}) == errc::invalid_field);
  CHECK(code({{shop.sobre, 60}, {shop.sobre, 40}}) == errc::invalid_field);  // 100 merged
  CHECK(code({{shop.sobre, 1}, {9999, 1}}) == errc::not_found);
  CHECK(code(std::vector<cart_line>(51, cart_line{shop.sobre, 1})) == errc::invalid_field);
  CHECK(stock_by_id(shop.db) == before);
  CHECK(shop.operation_count() == 0);
  // 99 is allowed (and here short, so out_of_stock rather than invalid_field).
  CHECK(code({{shop.sobre, 99}}) == errc::out_of_stock);
}

TEST_CASE("purchase: the last unit goes to exactly one of two racing buyers", "[orders]") {
  SECTION("one after the other on one connection") {
    small_shop shop;
    REQUIRE(shop.orders.purchase(shop.ana, {{shop.pikachu, 1}}, 1, "Ana"));
    auto first = shop.orders.purchase(shop.ana, {{shop.pikachu, 1}}, 2, "Ana");
    auto second = shop.orders.purchase(shop.beto, {{shop.pikachu, 1}}, 2, "Beto");
    CHECK(first.has_value() != second.has_value());
    CHECK(shop.stock(shop.pikachu) == 0);
  }
  SECTION("two threads, two connections to one database file") {
    test::temp_db_path path;
    std::int64_t ana = 0;
    std::int64_t beto = 0;
    std::int64_t card = 0;
    {
      store::database db(path.str());
      store::accounts_repository accounts(db);
      ana = accounts.add_customer("ana@example.com", "Ana", "h", 0);
      beto = accounts.add_customer("beto@example.com", "Beto", "h", 0);
      card = store::catalogue_repository(db).add_product("Mew ex", "card", 17990, 1, 0, true);
    }
    for (int round = 0; round < 20; ++round) {
      {
        store::database db(path.str());
        db.sql().exec("UPDATE products SET stock = 1");
      }
      bool ok[2] = {false, false};
      auto buyer = [&](int i, std::int64_t customer) {
        store::database db(path.str());
        services::orders_service orders(db);
        ok[i] = orders.purchase(customer, {{card, 1}}, 1000 + round, "x").has_value();
      };
      std::thread t1(buyer, 0, ana);
      std::thread t2(buyer, 1, beto);
      t1.join();
      t2.join();
      CHECK(ok[0] != ok[1]);
      store::database db(path.str());
      CHECK(store::catalogue_repository(db).by_id(card)->stock == 0);
    }
    store::database db(path.str());
    CHECK(store::operations_repository(db).count() == 20);
  }
}

TEST_CASE("return: restores exactly the units bought, once", "[orders]") {
  small_shop shop;
  auto id = shop.orders.purchase(shop.ana, {{shop.pikachu, 2}, {shop.sobre, 4}}, 1000, "Ana Rojas");
  REQUIRE(id);
  CHECK(shop.stock(shop.pikachu) == 0);
  CHECK(shop.stock(shop.sobre) == 6);
  REQUIRE(shop.orders.confirm(shop.ana, *id, 1100, "Ana Rojas"));  // shipped: still returnable

  auto r = shop.orders.request_return(shop.ana, *id, 1200, "Ana Rojas");
  REQUIRE(r);
  CHECK(shop.stock(shop.pikachu) == 2);
  CHECK(shop.stock(shop.sobre) == 10);
  auto d = shop.orders.details(shop.ana, *id);
  CHECK(d->operation.state == "returned");
  REQUIRE(d->timeline.size() == 3);
  CHECK(d->timeline[2].state == "returned");
  CHECK(d->timeline[2].at == 1200);

  auto twice = shop.orders.request_return(shop.ana, *id, 1300, "Ana Rojas");
  REQUIRE_FALSE(twice);
  CHECK(twice.error().code == errc::invalid_state);
  CHECK(shop.stock(shop.pikachu) == 2);
  CHECK(shop.stock(shop.sobre) == 10);
  CHECK(shop.orders.returnable(shop.ana, 1300).empty());
}

TEST_CASE("return and confirm: someone else's or a missing operation is not_found", "[orders]") {
  small_shop shop;
  auto id = shop.orders.purchase(shop.ana, {{shop.sobre, 1}}, 1000, "Ana Rojas");
  REQUIRE(id);
  CHECK(shop.orders.request_return(shop.beto, *id, 1100, "Beto").error().code == errc::not_found);
  CHECK(shop.orders.confirm(shop.beto, *id, 1100, "Beto").error().code == errc::not_found);
  CHECK(shop.orders.details(shop.beto, *id).error().code == errc::not_found);
  CHECK(shop.orders.request_return(shop.ana, 777, 1100, "Ana").error().code == errc::not_found);
  CHECK(shop.stock(shop.sobre) == 9);
  CHECK(shop.orders.details(shop.ana, *id)->operation.state == "paid");
}

TEST_CASE("confirm: paid -> shipped -> received, nothing after", "[orders]") {
  small_shop shop;
  auto id = shop.orders.purchase(shop.ana, {{shop.sobre, 1}}, 1000, "Ana Rojas");
  REQUIRE(id);
  CHECK(shop.orders.pending_confirmations(shop.ana).size() == 1);
  auto s1 = shop.orders.confirm(shop.ana, *id, 1100, "Ana Rojas");
  REQUIRE(s1);
  CHECK(*s1 == "shipped");
  CHECK(shop.orders.pending_confirmations(shop.ana).size() == 1);
  auto s2 = shop.orders.confirm(shop.ana, *id, 1200, "Ana Rojas");
  REQUIRE(s2);
  CHECK(*s2 == "received");
  CHECK(shop.orders.pending_confirmations(shop.ana).empty());

  auto s3 = shop.orders.confirm(shop.ana, *id, 1300, "Ana Rojas");
  REQUIRE_FALSE(s3);
  CHECK(s3.error().code == errc::invalid_state);
  CHECK_FALSE(s3.error().message.empty());

  auto d = shop.orders.details(shop.ana, *id);
  REQUIRE(d->timeline.size() == 3);
  CHECK(d->timeline[1].state == "shipped");
  CHECK(d->timeline[2].state == "received");
  CHECK(d->timeline[2].at == 1200);

  // A received purchase can still be returned; a returned one cannot be confirmed.
  CHECK(shop.orders.returnable(shop.ana, 1400).size() == 1);
  REQUIRE(shop.orders.request_return(shop.ana, *id, 1400, "Ana Rojas"));
  CHECK(shop.orders.confirm(shop.ana, *id, 1500, "Ana Rojas").error().code == errc::invalid_state);
}

TEST_CASE("sales cannot be returned nor confirmed", "[orders]") {
  test::demo_db demo;
  services::orders_service orders(demo.db);
  const auto ana = demo.customer("ana.rojas@example.com");
  std::int64_t sale = 0;
  for (const auto& op : orders.history(ana, demo_now)) {
    if (op.kind == "sale") {
      sale = op.id;
    }
  }
  REQUIRE(sale != 0);
  const auto before = stock_by_id(demo.db);
  auto r = orders.request_return(ana, sale, demo_now, "Ana Rojas");
  REQUIRE_FALSE(r);
  CHECK(r.error().code == errc::invalid_state);
  CHECK(orders.confirm(ana, sale, demo_now, "Ana Rojas").error().code == errc::invalid_state);
  CHECK(stock_by_id(demo.db) == before);
  auto d = orders.details(ana, sale);
  REQUIRE(d);
  CHECK(d->operation.state == "paid");
  CHECK(d->executive_name == "Valentina Reyes");
  for (const auto& op : orders.returnable(ana, demo_now)) {
    CHECK(op.kind == "purchase");
  }
}

TEST_CASE("history: the last 365 days, boundary included, newest first", "[orders]") {
  small_shop shop;
  const std::int64_t now = 1'732'000'000;
  store::operations_repository ops(shop.db);
  const auto edge = ops.add_operation(shop.ana, "purchase", "received", now - 365 * day_s, {});
  const auto older = ops.add_operation(shop.ana, "purchase", "received", now - 365 * day_s - 1, {});
  const auto recent = ops.add_operation(shop.ana, "purchase", "paid", now - day_s, {});
  const auto today = ops.add_operation(shop.ana, "purchase", "paid", now, {});
  ops.add_operation(shop.beto, "purchase", "paid", now, {});  // someone else's

  auto history = shop.orders.history(shop.ana, now);
  REQUIRE(history.size() == 3);
  CHECK(history[0].id == today);
  CHECK(history[1].id == recent);
  CHECK(history[2].id == edge);

  auto all = shop.orders.all_operations(shop.ana);
  REQUIRE(all.size() == 4);
  CHECK(all[3].operation.id == older);

  // Returns follow the same window (issue 18, item 8): the older purchase is neither offered
  // nor returned; the one exactly 365 days old is both.
  auto returnable = shop.orders.returnable(shop.ana, now);
  REQUIRE(returnable.size() == 3);
  CHECK(returnable[2].id == edge);
  const auto page =
      shop.orders.page(services::operation_view::returnable, shop.ana, now, std::nullopt, 10);
  CHECK(page.items.size() == 3);
  CHECK(page.total == 3);
  auto refused = shop.orders.request_return(shop.ana, older, now, "Ana Rojas");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == errc::invalid_state);
  CHECK(refused.error().message.find("más de 12 meses") != std::string::npos);
  CHECK(shop.orders.request_return(shop.ana, edge, now, "Ana Rojas"));
}

TEST_CASE("history and all_operations on the demo data", "[orders][demo]") {
  test::demo_db demo;
  services::orders_service orders(demo.db);
  const auto diego = demo.customer("diego.morales@example.com");
  auto recent = orders.history(diego, demo_now);
  auto all = orders.all_operations(diego);
  CHECK(recent.size() < all.size());
  for (std::size_t i = 1; i < all.size(); ++i) {
    CHECK(all[i - 1].operation.created_at >= all[i].operation.created_at);
  }
  for (const auto& d : all) {
    CHECK_FALSE(d.lines.empty());
    CHECK_FALSE(d.timeline.empty());
  }
}

TEST_CASE("property: random purchases and returns conserve stock", "[orders][property]") {
  test::demo_db demo;
  services::orders_service orders(demo.db);
  std::vector<std::int64_t> customers;
  for (const char* email :
       {"ana.rojas@example.com", "benjamin.soto@example.com", "elena.vargas@example.com",
        "felipe.munoz@example.com", "hugo.pizarro@example.com"}) {
    customers.push_back(demo.customer(email));
  }
  const auto initial = stock_by_id(demo.db);
  std::vector<std::int64_t> product_ids;
  for (const auto& [id, stock] : initial) {
    product_ids.push_back(id);
  }
  std::map<std::int64_t, std::int64_t> bought;
  std::map<std::int64_t, std::int64_t> returned;
  std::map<std::int64_t, std::vector<cart_line>> lines_of;  // operation -> merged lines

  std::mt19937_64 rng(20241119);
  auto pick = [&](std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
  };
  int purchases_ok = 0;
  int purchases_short = 0;
  int returns_ok = 0;
  std::int64_t now = demo_now;
  for (int step = 0; step < 3000; ++step) {
    ++now;
    const auto customer = customers[pick(customers.size())];
    if (pick(3) == 0) {
      auto candidates = orders.returnable(customer, now);
      if (candidates.empty()) {
        continue;
      }
      const auto op = candidates[pick(candidates.size())].id;
      if (pick(4) == 0) {
        (void)orders.confirm(customer, op, now, "x");
      }
      REQUIRE(orders.request_return(customer, op, now, "x"));
      ++returns_ok;
      if (lines_of.count(op) != 0) {
        for (const auto& l : lines_of[op]) {
          returned[l.product_id] += l.quantity;
        }
      } else {  // a demo purchase: read its lines back
        const auto d = orders.details(customer, op);
        for (const auto& l : d->lines) {
          returned[l.product_id] += l.quantity;
        }
      }
      continue;
    }
    std::vector<cart_line> cart;
    const auto n = 1 + pick(4);
    for (std::size_t i = 0; i < n; ++i) {
      cart.push_back(
          {product_ids[pick(product_ids.size())], static_cast<std::int64_t>(1 + pick(6))});
    }
    auto r = orders.purchase(customer, cart, now, "x");
    if (!r) {
      REQUIRE(r.error().code == errc::out_of_stock);
      ++purchases_short;
      continue;
    }
    ++purchases_ok;
    std::vector<cart_line> merged;
    const auto d = orders.details(customer, *r);
    for (const auto& l : d->lines) {
      merged.push_back({l.product_id, l.quantity});
      bought[l.product_id] += l.quantity;
    }
    lines_of[*r] = merged;
  }
  INFO("purchases " << purchases_ok << ", short " << purchases_short << ", returns " << returns_ok);
  CHECK(purchases_ok > 300);
  CHECK(purchases_short > 50);
  CHECK(returns_ok > 100);

  const auto final_stock = stock_by_id(demo.db);
  for (const auto& [id, stock] : final_stock) {
    INFO("product " << id);
    CHECK(stock >= 0);
    CHECK(initial.at(id) - bought[id] + returned[id] == stock);
  }
  CHECK(demo.db.sql().execAndGet("SELECT count(*) FROM products WHERE stock < 0").getInt() == 0);
}
