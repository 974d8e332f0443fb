// Unit tests of the self-service commands (password.change, history, history.detail,
// catalogue, purchase, return, returnable, confirm, pending) driven through the dispatcher on
// an in-memory demo database: every success, every bad input, and that a refused request
// changes nothing (stock, operations, the password hash).
#include "server/security/passwords.hpp"
#include "server/services/activity_log.hpp"
#include "server/store/catalogue_repository.hpp"
#include "server/store/operations_repository.hpp"
#include "tests/unit/server_fixture.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

using namespace tcs;
using test::ana_email;
using test::ben_email;
using test::error_code;
using test::error_message;
using test::require_ok;
using test::valentina_email;

namespace {

constexpr std::int64_t now_s = test::demo_now;  // the demo data is placed relative to this

// The demo server with its clock fixed at now_s, and what this file checks after a request.
struct self_service_env : test::demo_env {
  explicit self_service_env(server_config config = {}) : demo_env(std::move(config)) {
    now = now_s;
  }

  // Everything a refused request must leave untouched.
  struct snapshot {
    std::map<std::int64_t, std::pair<std::int64_t, std::int64_t>> stock_held;
    std::int64_t operations = 0;
    std::map<std::int64_t, std::string> states;
    bool operator==(const snapshot&) const = default;
  };
  snapshot take_snapshot() {
    snapshot s;
    for (const auto& p : store::catalogue_repository(db).list(true))
      s.stock_held[p.id] = {p.stock, p.held};
    store::operations_repository ops(db);
    s.operations = ops.count();
    for (const auto& email : {ana_email, ben_email}) {
      for (const auto& op : ops.for_customer(customer_id(email)))
        s.states[op.id] = op.state;
    }
    return s;
  }

  // The newest activity entry concerning the customer.
  store::activity_record last_activity(std::string_view email) {
    return services::activity_log(db).last_for_customer(customer_id(email)).value();
  }
};

json::object req(std::string_view type) {
  static std::int64_t id = 100;
  return make_request(type, id++);
}

json::object op_req(std::string_view type, std::int64_t operation_id) {
  auto r = req(type);
  r["operation_id"] = operation_id;
  return r;
}

json::object password_req(std::string_view current, std::string_view new1, std::string_view new2) {
  auto r = req("password.change");
  r["current"] = current;
  r["new"] = new1;
  r["confirm"] = new2;
  return r;
}

json::object line(std::int64_t product_id, std::int64_t quantity) {
  json::object l;
  l["product_id"] = product_id;
  l["quantity"] = quantity;
  return l;
}

json::object purchase_req(json::value lines) {
  auto r = req("purchase");
  r["lines"] = std::move(lines);
  return r;
}

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

std::vector<std::int64_t> ids_of(const json::array& ops) {
  std::vector<std::int64_t> out;
  for (const auto& op : ops)
    out.push_back(op.at("id").as_int64());
  return out;
}

// A purchase in state paid for the customer, made through the service.
std::int64_t buy(self_service_env& env, std::string_view email, std::string_view product,
                 std::int64_t quantity) {
  auto id = env.services.orders().purchase(env.customer_id(email),
                                           {{env.product(product).id, quantity}}, now_s, "test");
  REQUIRE(id.has_value());
  return *id;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// The table

TEST_CASE("self-service commands are in the server's table with the right access",
          "[self_service]") {
  const dispatcher d(all_commands());
  std::map<std::string_view, tcs::access> expected = {
      {"password.change", tcs::access::customer}, {"password.check", tcs::access::customer},
      {"history", tcs::access::customer},         {"history.detail", tcs::access::customer},
      {"catalogue", tcs::access::authenticated},  {"purchase", tcs::access::customer},
      {"return", tcs::access::customer},          {"returnable", tcs::access::customer},
      {"confirm", tcs::access::customer},         {"pending", tcs::access::customer},
  };
  for (const auto& c : d.commands()) {
    if (auto it = expected.find(c.type); it != expected.end()) {
      INFO(c.type);
      CHECK(c.who == it->second);
      expected.erase(it);
    }
  }
  CHECK(expected.empty());
}

TEST_CASE("customer-only requests from an executive or a guest change nothing", "[self_service]") {
  self_service_env env;
  auto exec = env.executive(valentina_email);
  auto guest = env.connect();
  const auto before = env.take_snapshot();
  const auto pikachu = env.product("Pikachu ex").id;
  const auto ana_paid = buy(env, ana_email, "Eevee holo", 1);
  const auto after_buy = env.take_snapshot();

  const json::object requests[] = {
      password_req("cliente123", "nueva-clave-1", "nueva-clave-1"),
      req("history"),
      op_req("history.detail", ana_paid),
      purchase_req(json::array{line(pikachu, 1)}),
      op_req("return", ana_paid),
      req("returnable"),
      op_req("confirm", ana_paid),
      req("pending"),
  };
  for (const auto& r : requests) {
    INFO(json::serialize(r));
    CHECK(error_code(env.send(exec, r)) == "forbidden");
    CHECK(error_code(env.send(guest, r)) == "not_authenticated");
  }
  CHECK(error_code(env.send(guest, req("catalogue"))) == "not_authenticated");
  CHECK(env.take_snapshot() == after_buy);
  CHECK(after_buy.operations == before.operations + 1);
  // The password is unchanged: the demo password still verifies.
  CHECK(security::verify_password(
      store::accounts_repository(env.db).find_customer(ana_email)->password_hash, "cliente123"));
}

// ---------------------------------------------------------------------------------------------
// password.change

TEST_CASE("password.change stores a new hash; the old password stops working",
          "[self_service][password]") {
  self_service_env env;
  auto p = env.customer(ana_email);
  const auto reply = env.send(p, password_req("cliente123", "otra-clave-9", "otra-clave-9"));
  require_ok(reply);
  CHECK(reply.at("type").as_string() == "password.change");

  const auto hash = store::accounts_repository(env.db).find_customer(ana_email)->password_hash;
  CHECK(hash.rfind("$argon2id$", 0) == 0);
  CHECK(security::verify_password(hash, "otra-clave-9"));
  CHECK_FALSE(security::verify_password(hash, "cliente123"));

  const auto entry = env.last_activity(ana_email);
  CHECK(entry.action == "password_change");
  CHECK(entry.outcome == "ok");
  CHECK_FALSE(contains(entry.detail, "otra-clave-9"));

  // A fresh login with the new password works, with the old one it does not.
  auto other = env.connect();
  auto login = req("login");
  login["role"] = "customer";
  login["email"] = ben_email;
  login["password"] = "cliente123";
  require_ok(env.send(other, login));  // someone else's account is untouched
  auto again = env.connect();
  login["email"] = ana_email;
  env.state.leave(*p);
  CHECK(error_code(env.send(again, login)) == "bad_credentials");
  login["password"] = "otra-clave-9";
  require_ok(env.send(again, login));
}

TEST_CASE("password.change refusals leave the hash as it was", "[self_service][password]") {
  self_service_env env;
  auto p = env.customer(ana_email);
  const auto hash_before =
      store::accounts_repository(env.db).find_customer(ana_email)->password_hash;

  struct refusal {
    json::object request;
    std::string code;
    std::string message_part;
  };
  auto missing_confirm = password_req("cliente123", "nueva-clave", "nueva-clave");
  missing_confirm.erase("confirm");
  auto int_new = password_req("cliente123", "nueva-clave", "nueva-clave");
  int_new["new"] = 12345678;
  const refusal refusals[] = {
      {password_req("cliente123", "nueva-clave", "nueva-clavE"), "invalid_field", "no coinciden"},
      {password_req("cliente123", "corta7", "corta7"), "weak_password", "al menos 8"},
      {password_req("cliente123", "cliente123", "cliente123"), "weak_password", "distinta"},
      {password_req("cliente124", "nueva-clave", "nueva-clave"), "bad_credentials",
       "La contraseña actual no es correcta."},
      {password_req("cliente123", std::string(300, 'x'), std::string(300, 'x')), "invalid_field",
       "larga"},
      {missing_confirm, "missing_field", "\"confirm\""},
      {int_new, "invalid_field", "\"new\""},
  };
  for (const auto& r : refusals) {
    INFO(json::serialize(r.request));
    const auto reply = env.send(p, r.request);
    CHECK(error_code(reply) == r.code);
    CHECK(contains(error_message(reply), r.message_part));
    CHECK(store::accounts_repository(env.db).find_customer(ana_email)->password_hash ==
          hash_before);
  }
  // Policy and credential refusals are in the activity log with their code.
  const auto entries = env.services.activity().for_customer(env.customer_id(ana_email));
  int refused = 0;
  for (const auto& e : entries) {
    if (e.action == "password_change") {
      CHECK(e.outcome != "ok");
      ++refused;
    }
  }
  CHECK(refused == 5);  // the two field errors are refused before any handler runs
}

TEST_CASE("password.check verifies the current password alone and says the minimum length",
          "[self_service][password]") {
  server_config config;
  config.min_password_length = 9;
  self_service_env env(config);
  auto p = env.customer(ana_email);
  auto check = req("password.check");
  check["current"] = "cliente124";
  const auto wrong = env.send(p, check);
  CHECK(error_code(wrong) == "bad_credentials");
  CHECK(error_message(wrong) == "La contraseña actual no es correcta.");
  // A wrong guess is recorded like a refused change; a right one is not recorded at all.
  CHECK(env.last_activity(ana_email).action == "password_change");
  CHECK(env.last_activity(ana_email).outcome == "bad_credentials");
  const auto before = env.services.activity().for_customer(env.customer_id(ana_email)).size();
  check["current"] = "cliente123";
  const auto right = env.send(p, check);
  require_ok(right);
  CHECK(right.at("min_length").as_int64() == 9);
  CHECK(env.services.activity().for_customer(env.customer_id(ana_email)).size() == before);
  CHECK(security::verify_password(
      store::accounts_repository(env.db).find_customer(ana_email)->password_hash, "cliente123"));
}

TEST_CASE("password.change follows --min-password-length", "[self_service][password]") {
  server_config config;
  config.min_password_length = 6;
  self_service_env env(config);
  auto p = env.customer(ana_email);
  CHECK(error_code(env.send(p, password_req("cliente123", "uwu12", "uwu12"))) == "weak_password");
  require_ok(env.send(p, password_req("cliente123", "uwu123", "uwu123")));  // the seed's example
  CHECK(security::verify_password(
      store::accounts_repository(env.db).find_customer(ana_email)->password_hash, "uwu123"));
}

// ---------------------------------------------------------------------------------------------
// history, history.detail

TEST_CASE("history lists the last 12 months, newest first", "[self_service][history]") {
  self_service_env env;
  auto p = env.customer(ana_email);
  const auto reply = env.send(p, req("history"));
  require_ok(reply);
  const auto& ops = reply.at("operations").as_array();
  // Ana's demo operations: 700 and 400 days old (hidden), 200 (sale), 45 and 3 days old.
  REQUIRE(ops.size() == 3);
  std::int64_t previous = INT64_MAX;
  for (const auto& v : ops) {
    const auto& op = v.as_object();
    CHECK(op.at("created_at").as_int64() <= previous);
    CHECK(op.at("created_at").as_int64() >= now_s - 365 * 86400);
    previous = op.at("created_at").as_int64();
    for (const char* field : {"id", "kind", "state", "created_at", "total"})
      CHECK(op.contains(field));
  }
  CHECK(ops[2].at("kind").as_string() == "sale");
  CHECK(ops[0].at("state").as_string() == "paid");
  CHECK(ops[1].at("state").as_string() == "shipped");
  CHECK(env.last_activity(ana_email).action == "history_view");

  // A new purchase comes first.
  const auto id = buy(env, ana_email, "Mew ex", 1);
  const auto again = env.send(p, req("history"));
  CHECK(again.at("operations").as_array().at(0).at("id").as_int64() == id);
}

TEST_CASE("history.detail shows lines and timeline of the customer's own operations only",
          "[self_service][history]") {
  self_service_env env;
  auto p = env.customer(ana_email);
  const auto mine = env.send(p, req("history")).at("operations").as_array();
  const auto shipped_id = mine[1].at("id").as_int64();

  const auto reply = env.send(p, op_req("history.detail", shipped_id));
  require_ok(reply);
  const auto& op = reply.at("operation").as_object();
  CHECK(op.at("id").as_int64() == shipped_id);
  CHECK(op.at("state").as_string() == "shipped");
  const auto& lines = op.at("lines").as_array();
  REQUIRE(lines.size() == 2);
  std::int64_t total = 0;
  for (const auto& l : lines)
    total += l.at("quantity").as_int64() * l.at("unit_price").as_int64();
  CHECK(op.at("total").as_int64() == total);
  const auto& timeline = op.at("timeline").as_array();
  REQUIRE(timeline.size() == 2);
  CHECK(timeline[0].at("state").as_string() == "paid");
  CHECK(timeline[1].at("state").as_string() == "shipped");
  CHECK(timeline[1].at("actor").as_string() == "Ana Rojas");
  auto entry = env.last_activity(ana_email);
  CHECK(entry.action == "detail_view");
  CHECK(entry.outcome == "ok");

  // The sale names the executive who bought.
  const auto sale = env.send(p, op_req("history.detail", mine[2].at("id").as_int64()));
  CHECK(sale.at("operation").at("executive").as_string() == "Valentina Reyes");

  // Benjamín's operation is not Ana's: not_found, exactly like an id that does not exist.
  auto benjamin_ops = env.services.orders().history(env.customer_id(ben_email), now_s);
  REQUIRE_FALSE(benjamin_ops.empty());
  const auto foreign = env.send(p, op_req("history.detail", benjamin_ops[0].id));
  CHECK(error_code(foreign) == "not_found");
  CHECK(error_code(env.send(p, op_req("history.detail", 999999))) == "not_found");
  entry = env.last_activity(ana_email);
  CHECK(entry.action == "detail_view");
  CHECK(entry.outcome == "not_found");

  CHECK(error_code(env.send(p, req("history.detail"))) == "missing_field");
  auto text_id = req("history.detail");
  text_id["operation_id"] = "1";
  CHECK(error_code(env.send(p, text_id)) == "invalid_field");
}

// ---------------------------------------------------------------------------------------------
// catalogue

TEST_CASE("catalogue: customers see listed products, executives also held and unlisted",
          "[self_service][catalogue]") {
  self_service_env env;
  // A card bought from a customer that the catalogue did not know: unlisted, one held unit.
  auto valentina_id = store::accounts_repository(env.db).find_executive(valentina_email)->id;
  REQUIRE(env.services.catalogue()
              .record_sale(env.customer_id(ana_email), valentina_id, "Caterpie", 8, now_s,
                           "Valentina Reyes")
              .has_value());

  auto c = env.customer(ben_email);
  const auto reply = env.send(c, req("catalogue"));
  require_ok(reply);
  const auto& products = reply.at("products").as_array();
  CHECK(products.size() == 20);
  for (const auto& v : products) {
    const auto& p = v.as_object();
    CHECK(p.at("name").as_string() != "Caterpie");
    CHECK_FALSE(p.contains("held"));
    CHECK_FALSE(p.contains("listed"));
    for (const char* field : {"id", "name", "kind", "price", "stock"})
      CHECK(p.contains(field));
  }
  CHECK(env.last_activity(ben_email).action == "catalogue_view");

  auto e = env.executive(valentina_email);
  const auto full = env.send(e, req("catalogue"));
  require_ok(full);
  const auto& all = full.at("products").as_array();
  CHECK(all.size() == 21);
  bool saw_caterpie = false, saw_lucario_held = false;
  for (const auto& v : all) {
    const auto& p = v.as_object();
    REQUIRE(p.contains("held"));
    REQUIRE(p.contains("listed"));
    if (p.at("name").as_string() == "Caterpie") {
      saw_caterpie = true;
      CHECK_FALSE(p.at("listed").as_bool());
      CHECK(p.at("held").as_int64() == 1);
    }
    if (p.at("name").as_string() == "Lucario ex")
      saw_lucario_held = p.at("held").as_int64() == 1;
  }
  CHECK(saw_caterpie);
  CHECK(saw_lucario_held);
}

// ---------------------------------------------------------------------------------------------
// purchase

TEST_CASE("purchase of a two-line cart lowers the stock and is in the history",
          "[self_service][purchase]") {
  self_service_env env;
  auto p = env.customer(ana_email);
  const auto pikachu = env.product("Pikachu ex");
  const auto packs = env.product("Sobre Brilliant Stars");
  const auto before = env.take_snapshot();

  const auto reply = env.send(p, purchase_req(json::array{line(pikachu.id, 2), line(packs.id, 3)}));
  require_ok(reply);
  const auto id = reply.at("operation_id").as_int64();
  CHECK(reply.at("total").as_int64() == 2 * pikachu.price + 3 * packs.price);
  CHECK(env.product("Pikachu ex").stock == pikachu.stock - 2);
  CHECK(env.product("Sobre Brilliant Stars").stock == packs.stock - 3);
  CHECK(env.take_snapshot().operations == before.operations + 1);

  const auto details = env.send(p, op_req("history.detail", id));
  CHECK(details.at("operation").at("state").as_string() == "paid");
  CHECK(details.at("operation").at("lines").as_array().size() == 2);

  // The purchase entry of the activity log (the detail view above came after it).
  bool found = false;
  for (const auto& e : env.services.activity().for_customer(env.customer_id(ana_email))) {
    if (e.action == "purchase") {
      CHECK(e.outcome == "ok");
      CHECK(contains(e.detail, "#" + std::to_string(id)));
      CHECK(contains(e.detail, "5 productos"));
      found = true;
      break;
    }
  }
  CHECK(found);
}

TEST_CASE("purchase refusals change nothing", "[self_service][purchase]") {
  self_service_env env;
  auto p = env.customer(ana_email);
  const auto pikachu = env.product("Pikachu ex");
  const auto charizard = env.product("Charizard VMAX");  // stock 3
  const auto before = env.take_snapshot();

  auto no_lines = req("purchase");
  json::array many;
  for (int i = 0; i < 51; ++i)
    many.push_back(line(pikachu.id, 1));
  json::object text_product = line(pikachu.id, 1);
  text_product["product_id"] = "1";
  json::object no_quantity;
  no_quantity["product_id"] = pikachu.id;
  json::object float_quantity = line(pikachu.id, 1);
  float_quantity["quantity"] = 1.5;

  struct refusal {
    const char* what;
    json::object request;
    std::string code;
    std::string message_part;
  };
  const refusal refusals[] = {
      {"lines missing", no_lines, "missing_field", "\"lines\""},
      {"lines a string", purchase_req("1x Pikachu"), "invalid_field", "\"lines\""},
      {"lines an object", purchase_req(line(pikachu.id, 1)), "invalid_field", "\"lines\""},
      {"lines empty", purchase_req(json::array{}), "invalid_field", "vacío"},
      {"too many lines", purchase_req(many), "invalid_field", "demasiadas"},
      {"a line not an object", purchase_req(json::array{line(pikachu.id, 1), 7}), "invalid_field",
       "línea 2"},
      {"product_id a string", purchase_req(json::array{text_product}), "invalid_field",
       "\"product_id\""},
      {"quantity missing", purchase_req(json::array{no_quantity}), "invalid_field", "\"quantity\""},
      {"quantity not an integer", purchase_req(json::array{float_quantity}), "invalid_field",
       "\"quantity\""},
      {"quantity 0", purchase_req(json::array{line(pikachu.id, 0)}), "invalid_field", "entre 1"},
      {"quantity -1", purchase_req(json::array{line(pikachu.id, -1)}), "invalid_field", "entre 1"},
      {"quantity 100", purchase_req(json::array{line(pikachu.id, 100)}), "invalid_field",
       "entre 1"},
      {"merged lines above 99",
       purchase_req(json::array{line(pikachu.id, 60), line(pikachu.id, 40)}), "invalid_field",
       "supera"},
      {"unknown product", purchase_req(json::array{line(pikachu.id, 1), line(999999, 1)}),
       "not_found", "999999"},
      {"one line short",
       purchase_req(json::array{line(pikachu.id, 1), line(charizard.id, charizard.stock + 1)}),
       "out_of_stock", "Charizard VMAX"},
  };
  for (const auto& r : refusals) {
    INFO(r.what << ": " << json::serialize(r.request));
    const auto reply = env.send(p, r.request);
    CHECK(error_code(reply) == r.code);
    CHECK(contains(error_message(reply), r.message_part));
    CHECK(env.take_snapshot() == before);
  }
  // Refusals that reached the handler are logged with their code; field errors are not.
  int logged = 0;
  for (const auto& e : env.services.activity().for_customer(env.customer_id(ana_email))) {
    if (e.action == "purchase") {
      CHECK(e.outcome != "ok");
      ++logged;
    }
  }
  CHECK(logged == 12);
  CHECK(env.last_activity(ana_email).outcome == "out_of_stock");
}

TEST_CASE("purchase of an unlisted card is not_found", "[self_service][purchase]") {
  self_service_env env;
  auto valentina_id = store::accounts_repository(env.db).find_executive(valentina_email)->id;
  auto sale = env.services.catalogue().record_sale(env.customer_id(ben_email), valentina_id,
                                                   "Caterpie", 8, now_s, "Valentina Reyes");
  REQUIRE(sale.has_value());
  auto p = env.customer(ana_email);
  const auto before = env.take_snapshot();
  CHECK(error_code(env.send(p, purchase_req(json::array{line(sale->product.id, 1)}))) ==
        "not_found");
  CHECK(env.take_snapshot() == before);
}

// ---------------------------------------------------------------------------------------------
// return, returnable

TEST_CASE("return restores the units bought; returning twice is refused",
          "[self_service][return]") {
  self_service_env env;
  auto p = env.customer(ana_email);
  const auto mewtwo = env.product("Mewtwo GX");
  const auto packs = env.product("Sobre Evolving Skies");
  const auto bought = env.send(p, purchase_req(json::array{line(mewtwo.id, 2), line(packs.id, 4)}));
  require_ok(bought);
  const auto id = bought.at("operation_id").as_int64();

  auto returnable = env.send(p, req("returnable"));
  require_ok(returnable);
  auto ids = ids_of(returnable.at("operations").as_array());
  REQUIRE_FALSE(ids.empty());
  CHECK(ids.front() == id);  // newest first

  require_ok(env.send(p, op_req("return", id)));
  CHECK(env.product("Mewtwo GX").stock == mewtwo.stock);
  CHECK(env.product("Sobre Evolving Skies").stock == packs.stock);
  auto entry = env.last_activity(ana_email);
  CHECK(entry.action == "return_request");
  CHECK(entry.outcome == "ok");
  auto details = env.send(p, op_req("history.detail", id));
  CHECK(details.at("operation").at("state").as_string() == "returned");

  ids = ids_of(env.send(p, req("returnable")).at("operations").as_array());
  CHECK(std::find(ids.begin(), ids.end(), id) == ids.end());

  const auto before = env.take_snapshot();
  const auto twice = env.send(p, op_req("return", id));
  CHECK(error_code(twice) == "invalid_state");
  CHECK(env.take_snapshot() == before);
  CHECK(env.last_activity(ana_email).outcome == "invalid_state");
}

TEST_CASE("return refusals: a sale, someone else's, unknown, bad fields",
          "[self_service][return]") {
  self_service_env env;
  auto p = env.customer(ana_email);
  const auto history = env.send(p, req("history")).at("operations").as_array();
  const auto sale_id = history[2].at("id").as_int64();
  REQUIRE(history[2].at("kind").as_string() == "sale");
  const auto benjamin_purchase = buy(env, ben_email, "Eevee holo", 2);
  const auto before = env.take_snapshot();

  CHECK(error_code(env.send(p, op_req("return", sale_id))) == "invalid_state");
  CHECK(error_code(env.send(p, op_req("return", benjamin_purchase))) == "not_found");
  CHECK(error_code(env.send(p, op_req("return", -5))) == "not_found");
  CHECK(error_code(env.send(p, req("return"))) == "missing_field");
  auto text_id = req("return");
  text_id["operation_id"] = json::array{1};
  CHECK(error_code(env.send(p, text_id)) == "invalid_field");
  CHECK(env.take_snapshot() == before);

  // The sale is not offered for return.
  const auto ids = ids_of(env.send(p, req("returnable")).at("operations").as_array());
  CHECK(std::find(ids.begin(), ids.end(), sale_id) == ids.end());
  const auto returnable = env.send(p, req("returnable"));
  for (const auto& op : returnable.at("operations").as_array()) {
    CHECK(op.at("kind").as_string() == "purchase");
    CHECK(op.at("state").as_string() != "returned");
  }
}

// ---------------------------------------------------------------------------------------------
// confirm, pending

TEST_CASE("confirm: paid -> shipped -> received, then refused", "[self_service][confirm]") {
  self_service_env env;
  auto p = env.customer(ana_email);
  const auto id = buy(env, ana_email, "Gengar V", 1);

  auto pending = env.send(p, req("pending"));
  require_ok(pending);
  for (const auto& op : pending.at("operations").as_array()) {
    const auto state = op.at("state").as_string();
    CHECK((state == "paid" || state == "shipped"));
  }
  auto ids = ids_of(pending.at("operations").as_array());
  CHECK(std::find(ids.begin(), ids.end(), id) != ids.end());

  auto first = env.send(p, op_req("confirm", id));
  require_ok(first);
  CHECK(first.at("state").as_string() == "shipped");
  auto entry = env.last_activity(ana_email);
  CHECK(entry.action == "shipment_confirm");
  CHECK(entry.outcome == "ok");

  auto second = env.send(p, op_req("confirm", id));
  require_ok(second);
  CHECK(second.at("state").as_string() == "received");

  ids = ids_of(env.send(p, req("pending")).at("operations").as_array());
  CHECK(std::find(ids.begin(), ids.end(), id) == ids.end());

  const auto before = env.take_snapshot();
  CHECK(error_code(env.send(p, op_req("confirm", id))) == "invalid_state");
  CHECK(env.last_activity(ana_email).outcome == "invalid_state");

  // The timeline has every step, by the customer.
  const auto details = env.send(p, op_req("history.detail", id));
  const auto& timeline = details.at("operation").at("timeline").as_array();
  REQUIRE(timeline.size() == 3);
  CHECK(timeline[2].at("state").as_string() == "received");
  CHECK(timeline[2].at("actor").as_string() == "Ana Rojas");
  CHECK(env.take_snapshot() == before);
}

TEST_CASE("confirm refusals: returned, a sale, someone else's, bad fields",
          "[self_service][confirm]") {
  self_service_env env;
  auto p = env.customer(ana_email);
  const auto returned = buy(env, ana_email, "Gengar V", 1);
  require_ok(env.send(p, op_req("return", returned)));
  const auto sale_id = env.send(p, req("history")).at("operations").as_array()[3].at("id");
  const auto benjamin_purchase = buy(env, ben_email, "Eevee holo", 1);
  const auto before = env.take_snapshot();

  CHECK(error_code(env.send(p, op_req("confirm", returned))) == "invalid_state");
  CHECK(error_code(env.send(p, op_req("confirm", sale_id.as_int64()))) == "invalid_state");
  CHECK(error_code(env.send(p, op_req("confirm", benjamin_purchase))) == "not_found");
  CHECK(error_code(env.send(p, req("confirm"))) == "missing_field");
  auto text_id = req("confirm");
  text_id["operation_id"] = "x";
  CHECK(error_code(env.send(p, text_id)) == "invalid_field");
  CHECK(env.take_snapshot() == before);

  const auto ids = ids_of(env.send(p, req("pending")).at("operations").as_array());
  CHECK(std::find(ids.begin(), ids.end(), returned) == ids.end());
  CHECK(std::find(ids.begin(), ids.end(), benjamin_purchase) == ids.end());
}
