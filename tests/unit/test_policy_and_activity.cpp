// Unit tests of the password policy and the activity log.
#include "server/services/activity_log.hpp"
#include "server/services/password_policy.hpp"
#include "store_fixture.hpp"

#include <catch2/catch.hpp>

using namespace tcs;
using services::check_new_password;

TEST_CASE("password policy", "[password]") {
  CHECK(check_new_password("cliente123", "nueva-clave", "nueva-clave", 8));

  auto mismatch = check_new_password("cliente123", "nueva-clave", "nueva-clavE", 8);
  REQUIRE_FALSE(mismatch);
  CHECK(mismatch.error().code == errc::invalid_field);
  CHECK(mismatch.error().message == "Las contraseñas nuevas no coinciden.");

  auto short_one = check_new_password("cliente123", "corta", "corta", 8);
  REQUIRE_FALSE(short_one);
  CHECK(short_one.error().code == errc::weak_password);
  CHECK(short_one.error().message == "La nueva contraseña debe tener al menos 8 caracteres.");

  // The seed's 6-character example passes with --min-password-length 6.
  CHECK(check_new_password("123456", "abcdef", "abcdef", 6));
  CHECK_FALSE(check_new_password("123456", "abcde", "abcde", 6));

  auto same = check_new_password("cliente123", "cliente123", "cliente123", 8);
  REQUIRE_FALSE(same);
  CHECK(same.error().code == errc::weak_password);
  CHECK(same.error().message == "La nueva contraseña debe ser distinta de la actual.");

  // Length is counted in characters, not bytes: "ñandú" is 5 characters, 7 bytes.
  CHECK(services::utf8_length("ñandú") == 5);
  CHECK_FALSE(check_new_password("x", "ñandúñ", "ñandúñ", 7));  // 6 chars, 9 bytes
  CHECK(check_new_password("x", "ñandúñá", "ñandúñá", 7));

  CHECK(check_new_password("x", std::string(256, 'a'), std::string(256, 'a'), 8));
  auto too_long = check_new_password("x", std::string(257, 'a'), std::string(257, 'a'), 8);
  REQUIRE_FALSE(too_long);
  CHECK(too_long.error().code == errc::invalid_field);
  CHECK(check_new_password("x", "", "", 8).error().code == errc::weak_password);
}

TEST_CASE("activity log: record, list newest first, last action", "[activity]") {
  test::demo_db demo;
  services::activity_log log(demo.db);
  // Customers with nothing in the demo's activity log (Ana's and Benjamín's demo sales are).
  const auto cam = demo.customer("camila.fuentes@example.com");
  const auto elena = demo.customer("elena.vargas@example.com");
  CHECK_FALSE(log.last_for_customer(cam));

  log.record(100, "customer", cam, cam, "login", "", "ok");
  log.record(110, "customer", cam, cam, "password_change", "", "weak_password");
  log.record(120, "executive", 1, cam, "operations", "Valentina Reyes", "ok");
  log.record(105, "customer", elena, elena, "catalogue_view", "", "ok");
  log.record(130, "system", std::nullopt, std::nullopt, "startup", "", "ok");

  auto entries = log.for_customer(cam);
  REQUIRE(entries.size() == 3);
  CHECK(entries[0].action == "operations");
  CHECK(entries[0].actor_role == "executive");
  CHECK(entries[0].actor_id == 1);
  CHECK(entries[1].outcome == "weak_password");
  CHECK(entries[2].action == "login");
  CHECK(log.for_customer(cam, 2).size() == 2);

  auto last = log.last_for_customer(elena);
  REQUIRE(last);
  CHECK(last->action == "catalogue_view");
  CHECK(last->at == 105);

  // Echoed user text is clipped on a character boundary.
  std::string long_detail;
  for (int i = 0; i < 400; ++i) {
    long_detail += "ñ";  // 2 bytes each
  }
  log.record(140, "customer", cam, cam, "chat", long_detail, "ok");
  auto clipped = log.last_for_customer(cam)->detail;
  CHECK(clipped.size() <= services::max_activity_detail_bytes);
  CHECK(clipped.size() >= services::max_activity_detail_bytes - 4);
  CHECK(clipped.substr(clipped.size() - 3) == "…");
  CHECK(clipped.substr(0, 2) == "ñ");
}
