// Unit tests of the catalogue service: listing, `:buy` (record_sale) and `:publish`.
#include "server/services/catalogue_service.hpp"
#include "server/services/orders_service.hpp"
#include "store_fixture.hpp"

#include <catch2/catch.hpp>

using namespace tcs;
using tcs::test::demo_now;

namespace {

struct shop {
  test::demo_db demo;
  services::catalogue_service catalogue{demo.db};
  services::orders_service orders{demo.db};
  std::int64_t ana = demo.customer("ana.rojas@example.com");
  std::int64_t valentina =
      store::accounts_repository(demo.db).find_executive("valentina.reyes@example.com")->id;
};

}  // namespace

TEST_CASE("catalogue: listed by name, found case-insensitively", "[catalogue]") {
  shop s;
  auto all = s.catalogue.list();
  REQUIRE(all.size() == 20);
  for (std::size_t i = 1; i < all.size(); ++i) {
    // NOCASE order: compare ASCII-lower-case names.
    CHECK(store::ascii_lower(all[i - 1].name) <= store::ascii_lower(all[i].name));
  }
  auto p = s.catalogue.find("  pikachu EX ");
  REQUIRE(p);
  CHECK(p->name == "Pikachu ex");
  CHECK(p->kind == "card");
  CHECK(p->price == 12990);
  CHECK_FALSE(s.catalogue.find("Caterpie"));
  CHECK_FALSE(s.catalogue.find("   "));
}

TEST_CASE("record_sale of an unknown card creates it unlisted and held", "[catalogue]") {
  shop s;
  auto sale =
      s.catalogue.record_sale(s.ana, s.valentina, " Caterpie ", 8, demo_now, "Valentina Reyes");
  REQUIRE(sale);
  CHECK(sale->new_product);
  CHECK(sale->product.name == "Caterpie");
  CHECK(sale->product.kind == "card");
  CHECK(sale->product.held == 1);
  CHECK(sale->product.stock == 0);
  CHECK(sale->product.price == 8);  // placeholder
  CHECK_FALSE(sale->product.listed);
  CHECK(s.catalogue.list(services::catalogue_scope::customer).size() == 20);
  CHECK(s.catalogue.list(services::catalogue_scope::executive).size() == 21);

  // The sale is an operation of the customer, paid, with the price paid and its timeline.
  auto d = s.orders.details(s.ana, sale->operation_id);
  REQUIRE(d);
  CHECK(d->operation.kind == "sale");
  CHECK(d->operation.state == "paid");
  CHECK(d->operation.total == 8);
  CHECK(d->executive_name == "Valentina Reyes");
  REQUIRE(d->lines.size() == 1);
  CHECK(d->lines[0].product_name == "Caterpie");
  CHECK(d->lines[0].quantity == 1);
  REQUIRE(d->timeline.size() == 1);
  CHECK(d->timeline[0].actor == "Valentina Reyes");
  CHECK(s.orders.history(s.ana, demo_now).front().id == sale->operation_id);

  // An unlisted card cannot be bought by customers.
  auto buy = s.orders.purchase(s.ana, {{sale->product.id, 1}}, demo_now, "Ana Rojas");
  REQUIRE_FALSE(buy);
  CHECK(buy.error().code == errc::not_found);
}

TEST_CASE("publish an unlisted card needs a price and lists it", "[catalogue]") {
  shop s;
  REQUIRE(s.catalogue.record_sale(s.ana, s.valentina, "Caterpie", 8, demo_now, "Valentina Reyes"));

  auto no_price = s.catalogue.publish("caterpie", std::nullopt);
  REQUIRE_FALSE(no_price);
  CHECK(no_price.error().code == errc::missing_field);
  CHECK(s.catalogue.find("Caterpie")->held == 1);

  auto published = s.catalogue.publish("caterpie", 9);
  REQUIRE(published);
  CHECK(published->newly_listed);
  CHECK_FALSE(published->price_ignored);
  CHECK(published->product.price == 9);
  CHECK(published->product.stock == 1);
  CHECK(published->product.held == 0);
  CHECK(published->product.listed);
  CHECK(s.catalogue.list().size() == 21);

  // Nothing more held.
  auto again = s.catalogue.publish("Caterpie", 9);
  REQUIRE_FALSE(again);
  CHECK(again.error().code == errc::invalid_state);

  // Now customers can buy it.
  CHECK(s.orders.purchase(s.ana, {{published->product.id, 1}}, demo_now, "Ana Rojas"));
}

TEST_CASE("buy and publish a known card keeps its catalogue price", "[catalogue]") {
  shop s;
  const auto before = s.catalogue.find("Pikachu ex").value();
  auto sale =
      s.catalogue.record_sale(s.ana, s.valentina, "PIKACHU EX", 7000, demo_now, "Valentina Reyes");
  REQUIRE(sale);
  CHECK_FALSE(sale->new_product);
  CHECK(sale->product.id == before.id);
  CHECK(sale->product.held == before.held + 1);
  CHECK(sale->product.stock == before.stock);
  CHECK(sale->product.price == before.price);
  CHECK(s.orders.details(s.ana, sale->operation_id)->lines[0].unit_price == 7000);

  auto published = s.catalogue.publish("Pikachu ex", 1);
  REQUIRE(published);
  CHECK(published->price_ignored);
  CHECK_FALSE(published->newly_listed);
  CHECK(published->product.price == before.price);
  CHECK(published->product.stock == before.stock + 1);
  CHECK(published->product.held == before.held);

  // Publishing with the catalogue price or none is not "ignored".
  REQUIRE(s.catalogue.record_sale(s.ana, s.valentina, "Pikachu ex", 7000, demo_now, "V"));
  CHECK_FALSE(s.catalogue.publish("Pikachu ex", std::nullopt)->price_ignored);
}

TEST_CASE("publish and record_sale refuse bad input", "[catalogue]") {
  shop s;
  CHECK(s.catalogue.publish("Caterpie", 9).error().code == errc::not_found);  // never bought
  CHECK(s.catalogue.publish("Mew ex", std::nullopt).error().code == errc::invalid_state);
  CHECK(s.catalogue.publish("", 9).error().code == errc::invalid_field);
  CHECK(s.catalogue.publish("Mew ex", 0).error().code == errc::invalid_field);
  CHECK(s.catalogue.publish(std::string(101, 'x'), 9).error().code == errc::invalid_field);

  auto code = [&](std::int64_t customer, std::int64_t exec, std::string_view card,
                  std::int64_t price) {
    auto r = s.catalogue.record_sale(customer, exec, card, price, demo_now, "V");
    REQUIRE_FALSE(r);
    return r.error().code;
  };
  CHECK(code(s.ana, s.valentina, "Caterpie", 0) == errc::invalid_field);
  CHECK(code(s.ana, s.valentina, "Caterpie", -5) == errc::invalid_field);
  CHECK(code(s.ana, s.valentina, "Caterpie", services::max_price + 1) == errc::invalid_field);
  CHECK(code(s.ana, s.valentina, " \t ", 5) == errc::invalid_field);
  CHECK(code(9999, s.valentina, "Caterpie", 5) == errc::not_found);
  CHECK(code(s.ana, 9999, "Caterpie", 5) == errc::not_found);
  CHECK_FALSE(s.catalogue.find("Caterpie"));
}
