// Unit tests of the SQLite store: migrations, settings, accounts and demo data.
#include "server/store/accounts_repository.hpp"
#include "server/store/activity_repository.hpp"
#include "server/store/catalogue_repository.hpp"
#include "server/store/database.hpp"
#include "server/store/demo_data.hpp"
#include "server/store/operations_repository.hpp"
#include "store_fixture.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace tcs;
using tcs::test::cheap_hash;
using tcs::test::demo_now;

namespace {

std::string pragma_text(store::database& db, const char* pragma) {
  return db.sql().execAndGet(std::string("PRAGMA ") + pragma).getString();
}

}  // namespace

TEST_CASE("a new in-memory database is migrated and empty", "[store]") {
  store::database db(":memory:");
  CHECK(db.schema_version() == store::database::latest_schema_version());
  CHECK(db.schema_version() >= 1);
  CHECK(db.is_empty());
  CHECK(pragma_text(db, "foreign_keys") == "1");
  for (const char* table : {"customers", "executives", "products", "operations", "operation_lines",
                            "operation_events", "activity", "chat_messages"}) {
    CHECK(db.sql().tableExists(table));
  }
}

TEST_CASE("a file database is durable, WAL, and its migrations are idempotent", "[store]") {
  test::temp_db_path path;
  std::int64_t ana = 0;
  {
    store::database db(path.str());
    CHECK(db.schema_version() == store::database::latest_schema_version());
    CHECK(pragma_text(db, "journal_mode") == "wal");
    CHECK(pragma_text(db, "synchronous") == "2");  // FULL
    CHECK(pragma_text(db, "busy_timeout") == "5000");
    CHECK(pragma_text(db, "foreign_keys") == "1");
    ana = store::accounts_repository(db).add_customer("ana@example.com", "Ana", "h", demo_now);
  }
  {
    store::database again(path.str());  // opening twice must not re-run step 1
    CHECK(again.schema_version() == store::database::latest_schema_version());
    CHECK_FALSE(again.is_empty());
    auto found = store::accounts_repository(again).find_customer("ANA@example.com");
    REQUIRE(found);
    CHECK(found->id == ana);
  }
}

TEST_CASE("a database newer than the program is refused", "[store]") {
  test::temp_db_path path;
  {
    store::database db(path.str());
    db.sql().exec("PRAGMA user_version = 999");
  }
  CHECK_THROWS_AS(store::database(path.str()), std::runtime_error);
}

TEST_CASE("write_transaction rolls back unless committed, and nests as savepoints", "[store]") {
  store::database db(":memory:");
  store::accounts_repository accounts(db);
  {
    store::write_transaction tx(db);
    accounts.add_customer("a@example.com", "A", "h", demo_now);
  }  // no commit
  CHECK(accounts.count_customers() == 0);
  {
    store::write_transaction outer(db);
    accounts.add_customer("b@example.com", "B", "h", demo_now);
    {
      store::write_transaction inner(db);
      accounts.add_customer("c@example.com", "C", "h", demo_now);
    }  // inner rolled back to its savepoint
    {
      store::write_transaction inner(db);
      accounts.add_customer("d@example.com", "D", "h", demo_now);
      inner.commit();
    }
    outer.commit();
  }
  CHECK(accounts.count_customers() == 2);
  CHECK(accounts.find_customer("b@example.com"));
  CHECK_FALSE(accounts.find_customer("c@example.com"));
  CHECK(accounts.find_customer("d@example.com"));
}

TEST_CASE("accounts: emails are stored lower-case and found case-insensitively", "[store]") {
  store::database db(":memory:");
  store::accounts_repository accounts(db);
  const auto id = accounts.add_customer("Ana.Rojas@Example.COM", "Ana Rojas", "h1", demo_now);
  auto by_email = accounts.find_customer("ana.rojas@example.com");
  REQUIRE(by_email);
  CHECK(by_email->id == id);
  CHECK(by_email->email == "ana.rojas@example.com");
  CHECK(by_email->name == "Ana Rojas");
  CHECK_FALSE(by_email->disabled);
  CHECK(accounts.find_customer("ANA.ROJAS@EXAMPLE.COM"));
  CHECK_FALSE(accounts.find_customer("ana.rojas@example.org"));
  CHECK_FALSE(accounts.find_executive("ana.rojas@example.com"));  // roles do not mix
  CHECK_THROWS_AS(accounts.add_customer("ANA.rojas@example.com", "Otra", "h", demo_now),
                  SQLite::Exception);

  CHECK(accounts.set_customer_password(id, "h2"));
  CHECK(accounts.customer_by_id(id)->password_hash == "h2");
  CHECK_FALSE(accounts.set_customer_password(id + 100, "h3"));
  CHECK(accounts.set_customer_disabled(id, true));
  CHECK(accounts.customer_by_id(id)->disabled);
  CHECK(accounts.count_customers() == 1);
}

TEST_CASE("accounts: advance_totp_step refuses a replayed or older step", "[store]") {
  store::database db(":memory:");
  store::accounts_repository accounts(db);
  const auto id =
      accounts.add_executive("Vale@Example.com", "Valentina", "h", "JBSWY3DPEHPK3PXP", demo_now);
  auto exec = accounts.find_executive("vale@EXAMPLE.com");
  REQUIRE(exec);
  CHECK(exec->last_totp_step == -1);
  CHECK(exec->totp_secret == "JBSWY3DPEHPK3PXP");

  CHECK(accounts.advance_totp_step(id, 57'000'000));
  CHECK_FALSE(accounts.advance_totp_step(id, 57'000'000));  // the same code again: replay
  CHECK_FALSE(accounts.advance_totp_step(id, 56'999'999));  // an older one
  CHECK(accounts.advance_totp_step(id, 57'000'001));
  CHECK(accounts.executive_by_id(id)->last_totp_step == 57'000'001);
  CHECK_FALSE(accounts.advance_totp_step(id + 1, 57'000'002));  // unknown executive

  CHECK(accounts.set_executive_totp_secret(id, "NEWSECRET234567A"));
  CHECK(accounts.executive_by_id(id)->last_totp_step == -1);  // re-enrolment resets
  CHECK(accounts.advance_totp_step(id, 1));
}

TEST_CASE("demo data: the documented accounts, catalogue and history", "[store][demo]") {
  store::database db(":memory:");
  std::set<std::string> hashed;
  int hash_calls = 0;
  store::load_demo_data(
      db,
      [&](std::string_view pw) {
        ++hash_calls;
        hashed.emplace(pw);
        return cheap_hash(pw);
      },
      demo_now);
  CHECK(hash_calls == 12);
  CHECK(hashed == std::set<std::string>{"cliente123", "ejecutivo123"});
  CHECK_FALSE(db.is_empty());

  store::accounts_repository accounts(db);
  CHECK(accounts.count_customers() == 8);
  CHECK(accounts.count_executives() == 4);
  const std::pair<const char*, const char*> customers[] = {
      {"ana.rojas", "Ana Rojas"},
      {"benjamin.soto", "Benjamín Soto"},
      {"camila.fuentes", "Camila Fuentes"},
      {"diego.morales", "Diego Morales"},
      {"elena.vargas", "Elena Vargas"},
      {"felipe.munoz", "Felipe Muñoz"},
      {"gabriela.contreras", "Gabriela Contreras"},
      {"hugo.pizarro", "Hugo Pizarro"}};
  for (const auto& [user, name] : customers) {
    auto c = accounts.find_customer(std::string(user) + "@example.com");
    REQUIRE(c);
    CHECK(c->name == name);
    CHECK(c->password_hash == "hash:cliente123");
  }
  const std::pair<const char*, const char*> executives[] = {{"valentina.reyes", "Valentina Reyes"},
                                                            {"tomas.herrera", "Tomás Herrera"},
                                                            {"isidora.navarro", "Isidora Navarro"},
                                                            {"martin.lagos", "Martín Lagos"}};
  for (const auto& [user, name] : executives) {
    auto e = accounts.find_executive(std::string(user) + "@example.com");
    REQUIRE(e);
    CHECK(e->name == name);
    CHECK(e->password_hash == "hash:ejecutivo123");
    CHECK(e->totp_secret == "JBSWY3DPEHPK3PXP");
    CHECK(e->last_totp_step == -1);
  }

  store::catalogue_repository catalogue(db);
  auto products = catalogue.list(true);
  CHECK(products.size() >= 18);
  CHECK(products.size() <= 24);
  int cards = 0;
  int packs = 0;
  for (const auto& p : products) {
    CHECK(p.stock >= 3);
    CHECK(p.stock <= 40);
    CHECK(p.price > 0);
    CHECK(p.listed);
    (p.kind == "card" ? cards : packs) += 1;
  }
  CHECK(cards >= 8);
  CHECK(packs >= 4);
  CHECK(catalogue.by_name("pikachu EX")->price == 12990);
  CHECK(catalogue.by_name("Sobre Brilliant Stars")->kind == "pack");
  CHECK_FALSE(catalogue.by_name("Caterpie"));  // the e2e test sells it as an unknown card

  // Past operations for the first four customers, some older than a year, with timelines.
  store::operations_repository operations(db);
  std::set<std::string> states;
  for (const char* user : {"ana.rojas", "benjamin.soto", "camila.fuentes", "diego.morales"}) {
    const auto id = accounts.find_customer(std::string(user) + "@example.com")->id;
    auto all = operations.for_customer(id);
    CHECK(all.size() >= 3);
    CHECK(operations.for_customer(id, demo_now - 365 * 86400).size() < all.size());
    for (const auto& op : all) {
      CHECK(op.created_at <= demo_now);
      CHECK(op.created_at >= demo_now - 2 * 366 * 86400);
      CHECK(op.total > 0);
      CHECK_FALSE(operations.lines(op.id).empty());
      auto events = operations.events(op.id);
      REQUIRE_FALSE(events.empty());
      CHECK(events.front().state == "paid");
      CHECK(events.front().at == op.created_at);
      CHECK(events.back().state == op.state);
      CHECK((op.kind == "sale") == op.executive_id.has_value());
      for (const auto& e : events) {
        CHECK_FALSE(e.actor.empty());
        CHECK(e.at <= demo_now);
      }
      states.insert(op.state);
    }
  }
  CHECK(states == std::set<std::string>{"paid", "shipped", "received", "returned"});
  for (const char* user : {"elena.vargas", "hugo.pizarro"}) {
    CHECK(operations.for_customer(accounts.find_customer(std::string(user) + "@example.com")->id)
              .empty());
  }
  // Loading twice is a programming error.
  CHECK_THROWS_AS(store::load_demo_data(db, cheap_hash, demo_now), std::logic_error);
}

TEST_CASE("activity and chat repositories append and read newest first", "[store]") {
  test::demo_db demo;
  // Camila: nothing of hers in the demo's activity log (Ana's demo sale is).
  const auto cam = demo.customer("camila.fuentes@example.com");
  store::activity_repository activity(demo.db);
  activity.append(100, "customer", cam, cam, "catalogue_view", "", "ok");
  activity.append(200, "customer", cam, cam, "purchase", "Pikachu ex x1", "ok");
  activity.append(150, "executive", 1, cam, "operations", "", "ok");
  auto all = activity.for_customer(cam);
  REQUIRE(all.size() == 3);
  CHECK(all[0].action == "purchase");
  CHECK(all[1].action == "operations");
  CHECK(all[2].action == "catalogue_view");
  CHECK(activity.for_customer(cam, 1).size() == 1);

  store::chat_repository chat(demo.db);
  chat.append(cam, 1, "customer", "hola", 10);
  chat.append(cam, 1, "executive", "hola, ¿en qué le ayudo?", 11);
  auto transcript = chat.for_customer(cam);
  REQUIRE(transcript.size() == 2);
  CHECK(transcript[0].text == "hola");  // reading order
  CHECK(transcript[1].sender_role == "executive");
  CHECK(chat.for_customer(cam, 1).at(0).text == "hola, ¿en qué le ayudo?");
}
