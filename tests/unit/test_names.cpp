// Unit tests of the name checks (server/services/names.hpp) and of where names are taken in:
// :buy (offer.create / record_sale), the catalogue CSV and display names of the admin CLI.
#include "server/admin/catalogue_csv.hpp"
#include "server/admin/text_checks.hpp"
#include "server/services/catalogue_service.hpp"
#include "server/services/names.hpp"
#include "server/store/catalogue_repository.hpp"
#include "tests/unit/store_fixture.hpp"

#include "server/store/accounts_repository.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace tcs;
using services::clean_name;
using services::confusable_key;
using services::name_problem;
using test::demo_now;

namespace {

name_problem problem_of(std::string_view raw) {
  auto r = clean_name(raw, 100);
  REQUIRE_FALSE(r.has_value());
  return r.error().problem;
}

}  // namespace

TEST_CASE("clean_name keeps ordinary names, trimmed and in NFC", "[names]") {
  CHECK(clean_name("Pikachu ex", 100).value() == "Pikachu ex");
  CHECK(clean_name("  Sobre Scarlet & Violet 151\t", 100).value() == "Sobre Scarlet & Violet 151");
  CHECK(clean_name("Benjamín Soto", 100).value() == "Benjamín Soto");
  // "e" + COMBINING ACUTE ACCENT becomes the precomposed "é".
  CHECK(clean_name("Poke\xCC\x81mon", 100).value() == "Pok\xC3\xA9mon");
  // Unicode spaces at the ends are trimmed, inside they become U+0020.
  CHECK(clean_name("\xC2\xA0"
                   "Mew\xC2\xA0"
                   "ex\xE3\x80\x80",
                   100)
            .value() == "Mew ex");
  // Japanese names (Han + Katakana + Latin) and a Latin + Han mix are fine.
  CHECK(clean_name("ピカチュウ ex", 100).has_value());
  CHECK(clean_name("皮卡丘 ピカチュウ", 100).has_value());
  CHECK(clean_name("Пикачу", 100).has_value());  // one script, Cyrillic alone, is fine
}

TEST_CASE("clean_name refuses empty, invisible and format-only names", "[names]") {
  CHECK(problem_of("") == name_problem::empty);
  CHECK(problem_of("   ") == name_problem::empty);
  CHECK(problem_of("\xC2\xA0\xC2\xA0") == name_problem::empty);              // NBSP only
  CHECK(problem_of("\xE3\x80\x80") == name_problem::empty);                  // ideographic space
  CHECK(problem_of("\xE2\x80\x8B\xE2\x80\x8B") == name_problem::invisible);  // ZWSP only
  CHECK(problem_of("Pika\xE2\x80\x8B"
                   "chu") == name_problem::invisible);                  // ZWSP inside
  CHECK(problem_of("\xE2\x80\xAEgnp.exe") == name_problem::invisible);  // U+202E RLO
  CHECK(problem_of("Mew\xE2\x81\xA6x") == name_problem::invisible);     // U+2066 LRI
  CHECK(problem_of("Mew\xE2\x80\xA8"
                   "ex") == name_problem::invisible);  // U+2028 (Zl)
  CHECK(problem_of("Mew\xE2\x80\xA9"
                   "ex") == name_problem::invisible);  // U+2029 (Zp)
  CHECK(problem_of("Mew\xC2\xAD"
                   "ex") == name_problem::invisible);               // soft hyphen
  CHECK(problem_of("\xEF\xBB\xBFMew") == name_problem::invisible);  // BOM
  CHECK(problem_of("\xE3\x85\xA4") == name_problem::invisible);     // Hangul filler
  CHECK(problem_of("\xE2\xA0\x80") == name_problem::invisible);     // Braille blank
  CHECK(problem_of("Mew\xEE\x80\x80") == name_problem::invisible);  // private use
  CHECK(problem_of("Mew\x1b[31m") == name_problem::control);
  CHECK(problem_of("Mew\nex") == name_problem::control);
  CHECK(problem_of("Mew\xC2\x85") == name_problem::control);        // NEL (C1), even at the end
  CHECK(problem_of("Mew\xE2\x80\xA8") == name_problem::invisible);  // U+2028 at the end
  CHECK(problem_of("Mew\n") == name_problem::control);
  CHECK(problem_of("Mew\xFF") == name_problem::invalid_utf8);
  CHECK(problem_of("Mew\xED\xA0\x80") == name_problem::invalid_utf8);  // a surrogate
  CHECK(problem_of(std::string(101, 'a')) == name_problem::too_long);
  CHECK(problem_of(std::string(100000, 'a')) == name_problem::too_long);
  auto r = clean_name("\xE2\x80\xAEgnp", 100);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code_point == 0x202E);
}

TEST_CASE("clean_name refuses Latin mixed with Cyrillic or Greek letters", "[names]") {
  CHECK(problem_of("Pikachu \xD0\xB5x") == name_problem::mixed_scripts);  // Cyrillic е
  CHECK(problem_of("Pik\xCE\xB1"
                   "chu") == name_problem::mixed_scripts);  // Greek α
}

TEST_CASE("confusable_key matches look-alikes and case, not different names", "[names]") {
  const std::string ex = confusable_key("Pikachu ex");
  CHECK(confusable_key("PIKACHU EX") == ex);
  CHECK(confusable_key("Pikachu \xD0\xB5x") == ex);  // Cyrillic е
  CHECK(confusable_key("Pikachu e\xD1\x85") == ex);  // Cyrillic х
  CHECK(confusable_key("\xD0\xA0ikachu ex") == ex);  // Cyrillic Р
  CHECK(confusable_key("Pikachu ex") != confusable_key("Pikachu gx"));
  CHECK(confusable_key("Mew") != confusable_key("Mewtwo"));
  CHECK(confusable_key("rn") == confusable_key("m"));  // UTS #39: "rn" looks like "m"
}

TEST_CASE("spanish and english messages name the problem and the character", "[names]") {
  const services::name_refusal rlo{name_problem::invisible, 0x202E};
  CHECK_THAT(services::spanish_message(rlo, "El nombre de la carta", 100),
             Catch::Contains("invisibles") && Catch::Contains("U+202E"));
  CHECK_THAT(services::english_message(rlo, "the name", 100), Catch::Contains("U+202E"));
}

TEST_CASE(":buy cannot create a card confusable with a product", "[names][catalogue]") {
  test::demo_db demo;  // has "Mew ex" and "Pikachu ex"
  services::catalogue_service catalogue(demo.db);
  const auto ana = demo.customer("ana.rojas@example.com");
  const auto valentina =
      store::accounts_repository(demo.db).find_executive("valentina.reyes@example.com")->id;
  const auto count = [&] { return catalogue.list(services::catalogue_scope::executive).size(); };
  const std::size_t before = count();

  // "rnew ex" looks like "Mew ex" (UTS #39: "rn" ~ "m"): refused, nothing created.
  CHECK(catalogue.confusable_with("rnew ex").value_or("") == "Mew ex");
  auto refused = catalogue.record_sale(ana, valentina, "rnew ex", 100, demo_now, "Valentina");
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == errc::invalid_field);
  CHECK_THAT(refused.error().message, Catch::Contains("Mew ex") && Catch::Contains("confunde"));
  // A Cyrillic "е" in a Latin name: refused as a mix of scripts.
  auto cyrillic = catalogue.record_sale(ana, valentina, "Pikachu \xD0\xB5x", 100, demo_now, "V");
  REQUIRE_FALSE(cyrillic.has_value());
  CHECK(cyrillic.error().code == errc::invalid_field);
  for (const char* bad : {"\xE2\x80\x8B", "\xC2\xA0", "Mew\xE2\x80\xAE", "Mew\xE2\x80\xA8"}) {
    INFO(bad);
    auto r = catalogue.record_sale(ana, valentina, bad, 100, demo_now, "Valentina");
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == errc::invalid_field);
  }
  CHECK(count() == before);
  // The product itself under another case is not "confusable": held + 1, nothing new.
  CHECK_FALSE(catalogue.confusable_with("MEW EX"));
  auto same = catalogue.record_sale(ana, valentina, "MEW EX", 100, demo_now, "Valentina");
  REQUIRE(same.has_value());
  CHECK_FALSE(same->new_product);
  // A really new card is still created.
  auto fresh = catalogue.record_sale(ana, valentina, "Caterpie", 100, demo_now, "Valentina");
  REQUIRE(fresh.has_value());
  CHECK(fresh->new_product);
  CHECK(count() == before + 1);
}

TEST_CASE("the catalogue CSV refuses invisible names and look-alike rows", "[names][admin]") {
  const std::string header = "name,kind,price,stock\n";
  auto zw = admin::parse_catalogue_csv(header + "\xE2\x80\x8B,card,1,1\n");
  REQUIRE_FALSE(zw.has_value());
  CHECK_THAT(zw.error().message, Catch::Contains("U+200B"));
  auto nbsp = admin::parse_catalogue_csv(header + "\xC2\xA0,card,1,1\n");
  REQUIRE_FALSE(nbsp.has_value());
  CHECK_THAT(nbsp.error().message, Catch::Contains("empty"));
  auto twins =
      admin::parse_catalogue_csv(header + "Pikachu ex,card,1,1\nPIKACHU \xD0\x95X,card,1,1\n");
  REQUIRE_FALSE(twins.has_value());
  auto look = admin::parse_catalogue_csv(header + "Mew,card,1,1\nrnew,card,1,1\n");
  REQUIRE_FALSE(look.has_value());
  CHECK(look.error().line == 3);
  CHECK_THAT(look.error().message, Catch::Contains("looks like the one on line 2"));
}

TEST_CASE("display names of the admin CLI are cleaned like card names", "[names][admin]") {
  CHECK(admin::normalize_display_name("Ana\xC2\xA0Rojas").value() == "Ana Rojas");
  for (const char* bad : {"\xE2\x80\x8B", "\xC2\xA0\xC2\xA0", "Ana \xE2\x80\xAERojas",
                          "Ana\xE2\x80\xA8Rojas", "\xD0\x90na Rojas"}) {
    INFO(bad);
    CHECK_FALSE(admin::normalize_display_name(bad).has_value());
  }
}

TEST_CASE("the admin CLI quotes a bad email escaped and clipped", "[names][admin][echo]") {
  auto bad = admin::normalize_email("a\x1b[2J\xE2\x80\xAE@x.com" + std::string(300, 'y'));
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().message.find('\x1b') == std::string::npos);
  CHECK(bad.error().message.find("\xE2\x80\xAE") == std::string::npos);
  CHECK_THAT(bad.error().message, Catch::Contains("a\\x1B[2J\\u202E@x.com"));
  CHECK(bad.error().message.size() < 200);
}
