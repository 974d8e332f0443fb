// Unit tests of the admin helpers: the CSV reader, the catalogue file, email and name checks,
// the QR drawing, and the queries behind the account watch and the catalogue import.
#include "server/admin/catalogue_csv.hpp"
#include "server/admin/csv.hpp"
#include "server/admin/password_input.hpp"
#include "server/admin/qr_text.hpp"
#include "server/admin/text_checks.hpp"
#include "server/store/admin_repository.hpp"
#include "store_fixture.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

// Lets Catch print a checked<T> (boost's operator<< would need T to be printable).
namespace Catch {
template <class T>
struct StringMaker<boost::system::result<T, tcs::admin::input_error>> {
  static std::string convert(const boost::system::result<T, tcs::admin::input_error>& r) {
    if (r) {
      return "ok";
    }
    return "input_error{line " + std::to_string(r.error().line) + ", \"" + r.error().message +
           "\"}";
  }
};
}  // namespace Catch

using namespace tcs;
using namespace tcs::admin;

namespace {

std::vector<std::vector<std::string>> fields_of(std::string_view text) {
  auto records = read_csv(text);
  REQUIRE(records);
  std::vector<std::vector<std::string>> out;
  for (auto& r : *records) {
    out.push_back(r.fields);
  }
  return out;
}

using rows = std::vector<std::vector<std::string>>;

}  // namespace

TEST_CASE("csv: plain records, LF and CRLF, empty lines and a missing final newline", "[admin]") {
  CHECK(fields_of("a,b,c\n1,2,3\n") == rows{{"a", "b", "c"}, {"1", "2", "3"}});
  CHECK(fields_of("a,b\r\n1,2\r\n") == rows{{"a", "b"}, {"1", "2"}});
  CHECK(fields_of("a,b\n\n\r\n1,2") == rows{{"a", "b"}, {"1", "2"}});
  CHECK(fields_of("a,,c,\n") == rows{{"a", "", "c", ""}});
  CHECK(fields_of("").empty());
}

TEST_CASE("csv: quoted fields keep commas, doubled quotes and line breaks", "[admin]") {
  CHECK(fields_of("\"Pikachu, ex\",card\n") == rows{{"Pikachu, ex", "card"}});
  CHECK(fields_of("\"Say \"\"hi\"\"\",x\n") == rows{{"Say \"hi\"", "x"}});
  CHECK(fields_of("\"\",x\n") == rows{{"", "x"}});
  CHECK(fields_of("\"two\nlines\",x\r\n") == rows{{"two\nlines", "x"}});
  CHECK(fields_of("x,\"end\"") == rows{{"x", "end"}});
}

TEST_CASE("csv: line numbers count the lines inside quoted fields", "[admin]") {
  auto records = read_csv("h\n\"a\nb\"\n\nc\n");
  REQUIRE(records);
  REQUIRE(records->size() == 3);
  CHECK((*records)[0].line == 1);
  CHECK((*records)[1].line == 2);
  CHECK((*records)[2].line == 5);
}

TEST_CASE("csv: a byte-order mark is skipped", "[admin]") {
  CHECK(fields_of("\xEF\xBB\xBFname,kind\n") == rows{{"name", "kind"}});
}

TEST_CASE("csv: malformed quoting is an error with its line", "[admin]") {
  auto unterminated = read_csv("a,b\n1,\"open\n2,3\n");
  REQUIRE_FALSE(unterminated);
  CHECK(unterminated.error().line == 2);
  CHECK_THAT(unterminated.error().message, Catch::Contains("never closed"));

  auto after_quote = read_csv("a\n\"x\"y\n");
  REQUIRE_FALSE(after_quote);
  CHECK(after_quote.error().line == 2);

  auto stray = read_csv("a\nb\nab\"c\n");
  REQUIRE_FALSE(stray);
  CHECK(stray.error().line == 3);
}

TEST_CASE("csv: csv_field quotes only when needed and reads back", "[admin]") {
  CHECK(csv_field("Pikachu") == "Pikachu");
  CHECK(csv_field("a,b") == "\"a,b\"");
  CHECK(csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(csv_field(" padded") == "\" padded\"");
  for (std::string value : {"a,b", "q\"q", "line\nbreak", " x ", "ñandú"}) {
    CHECK(fields_of(csv_field(value) + "\n") == rows{{value}});
  }
}

TEST_CASE("catalogue csv: valid rows, any column order, trimmed, kind lower-cased", "[admin]") {
  auto parsed = parse_catalogue_csv(
      "Price, NAME ,kind,stock\r\n"
      "12990,\"Pikachu ex, full art\",CARD,3\r\n"
      "4500,Sobre \"\"Escarlata\"\",pack,0\r\n");
  REQUIRE_FALSE(parsed);  // a quote in an unquoted field
  CHECK(parsed.error().line == 3);

  parsed = parse_catalogue_csv(
      "Price, NAME ,kind,stock\r\n"
      "12990,\"Pikachu ex, full art\",CARD,3\r\n"
      "4500,\"Sobre \"\"Escarlata\"\"\", pack ,0\r\n");
  REQUIRE(parsed);
  REQUIRE(parsed->size() == 2);
  CHECK((*parsed)[0].name == "Pikachu ex, full art");
  CHECK((*parsed)[0].kind == "card");
  CHECK((*parsed)[0].price == 12990);
  CHECK((*parsed)[0].stock == 3);
  CHECK((*parsed)[0].line == 2);
  CHECK((*parsed)[1].name == "Sobre \"Escarlata\"");
  CHECK((*parsed)[1].kind == "pack");
  CHECK((*parsed)[1].stock == 0);
}

TEST_CASE("catalogue csv: every bad row names its line", "[admin]") {
  const std::string header = "name,kind,price,stock\n";
  const std::string good = "Charizard,card,50000,1\n";
  struct bad_case {
    std::string row;
    std::string says;
  };
  const bad_case cases[] = {
      {"Mew,card,0,1", "price"},
      {"Mew,card,-5,1", "price"},
      {"Mew,card,12.990,1", "price"},
      {"Mew,card,abc,1", "price"},
      {"Mew,card,999999999999,1", "price"},
      {"Mew,card,100,-1", "stock"},
      {"Mew,card,100,", "stock"},
      {"Mew,box,100,1", "neither card nor pack"},
      {",card,100,1", "name is empty"},
      {"Mew,card,100", "expected 4 fields"},
      {"Mew,card,100,1,extra", "expected 4 fields"},
      {"CHARIZARD,card,1,1", "already on line 2"},
      {"Mew\x01,card,100,1", "not valid UTF-8"},
      {"M\xC3,card,100,1", "not valid UTF-8"},
  };
  for (const auto& c : cases) {
    INFO(c.row);
    auto parsed = parse_catalogue_csv(header + good + c.row + "\n");
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().line == 3);
    CHECK_THAT(parsed.error().message, Catch::Contains(c.says));
  }
  const std::string long_name(101, 'x');
  auto too_long = parse_catalogue_csv(header + long_name + ",card,1,1\n");
  REQUIRE_FALSE(too_long);
  CHECK(too_long.error().line == 2);
}

TEST_CASE("catalogue csv: the header is required and checked", "[admin]") {
  CHECK(parse_catalogue_csv("").error().line == 1);
  CHECK_THAT(parse_catalogue_csv("Mew,card,100,1\n").error().message, Catch::Contains("header"));
  CHECK_THAT(parse_catalogue_csv("name,kind,price\n").error().message, Catch::Contains("header"));
  CHECK_THAT(parse_catalogue_csv("name,kind,price,price\n").error().message,
             Catch::Contains("twice"));
  auto header_only = parse_catalogue_csv("name,kind,price,stock\n");
  REQUIRE(header_only);
  CHECK(header_only->empty());
}

TEST_CASE("catalogue csv: export reads back to the same rows", "[admin]") {
  std::vector<store::product_record> products = {
      {1, "Pikachu, \"ex\"", "card", 12990, 3, 0, true},
      {2, "Sobre Escarlata", "pack", 4500, 0, 2, true},
  };
  const std::string text = write_catalogue_csv(products);
  CHECK(text.starts_with("name,kind,price,stock\n"));
  auto parsed = parse_catalogue_csv(text);
  REQUIRE(parsed);
  REQUIRE(parsed->size() == 2);
  CHECK((*parsed)[0].name == "Pikachu, \"ex\"");
  CHECK((*parsed)[1].price == 4500);
}

TEST_CASE("email: valid addresses are trimmed and lower-cased", "[admin]") {
  CHECK(normalize_email("Ana.Rojas@Example.COM").value() == "ana.rojas@example.com");
  CHECK(normalize_email("  x+tag@mail.example.cl ").value() == "x+tag@mail.example.cl");
  CHECK(normalize_email("josé@ejemplo.cl").value() == "josé@ejemplo.cl");
}

TEST_CASE("email: the pragmatic check refuses what cannot be an address", "[admin]") {
  for (std::string bad :
       {"", "   ", "ana", "ana@", "@example.com", "ana@example", "ana@@example.com",
        "ana@b@example.com", "ana rojas@example.com", "ana@exa mple.com", "ana@.example.com",
        "ana@example.com.", "ana@example..com", "ana\t@example.com", "ana\n@example.com",
        "an\xC3@example.com"}) {
    INFO(bad);
    CHECK_FALSE(normalize_email(bad));
  }
  const std::string local(64, 'a');
  const std::string domain_254 = std::string(254 - 64 - 1 - 4, 'b') + ".com";
  CHECK(normalize_email(local + "@" + domain_254));         // exactly 254 bytes
  CHECK_FALSE(normalize_email(local + "@b" + domain_254));  // 255
}

TEST_CASE("display names: trimmed, non-empty, bounded, printable UTF-8", "[admin]") {
  CHECK(normalize_display_name("  Ana Núñez ").value() == "Ana Núñez");
  CHECK_FALSE(normalize_display_name("   "));
  CHECK_FALSE(normalize_display_name("Ana\x1b[31m"));
  CHECK_FALSE(normalize_display_name(std::string(101, 'a')));
  CHECK_FALSE(normalize_display_name("\xFF"));
}

TEST_CASE("utf-8: overlong forms, surrogates and truncated sequences are invalid", "[admin]") {
  CHECK(is_valid_utf8("ñandú €𝄞"));
  CHECK_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
  CHECK_FALSE(is_valid_utf8("\xE0\x80\xAF"));      // overlong
  CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate
  CHECK_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  CHECK_FALSE(is_valid_utf8("\xE2\x82"));          // truncated
  CHECK_FALSE(is_valid_utf8("\x80"));
}

TEST_CASE("admin passwords: length in characters, bounded, printable", "[admin]") {
  CHECK(check_admin_password("ñandúñandú", 10));  // 10 characters, 14 bytes
  CHECK_FALSE(check_admin_password("corta", 8));
  CHECK_FALSE(check_admin_password("", 1));
  CHECK_FALSE(check_admin_password("tab\tinside", 4));
  CHECK_FALSE(check_admin_password(std::string(257, 'a'), 8));
}

TEST_CASE("qr: half blocks, two module rows per line, a quiet zone", "[admin]") {
  // 3x3 checkerboard-ish matrix: easy to draw by hand.
  const qr_modules m = {{true, false, true}, {false, true, false}, {true, true, true}};
  // Padded to 7x7 (2-module quiet zone): 4 lines, the last one half outside.
  const std::string plain = draw_qr(m, qr_style::plain);
  CHECK(plain ==
        "       \n"
        "  ▀▄▀  \n"
        "  ▀▀▀  \n"
        "       \n");
  const std::string inverted = draw_qr(m, qr_style::inverted);
  CHECK(inverted ==
        "███████\n"
        "██▄▀▄██\n"
        "██▄▄▄██\n"
        "▀▀▀▀▀▀▀\n");
  const std::string color = draw_qr(m, qr_style::color);
  CHECK(color.find("\x1b[38;5;16m\x1b[48;5;231m  ▀▄▀  \x1b[0m\n") != std::string::npos);
}

TEST_CASE("qr: an otpauth URI encodes to a square symbol with finder patterns", "[admin]") {
  const auto m =
      encode_qr("otpauth://totp/TC5G:ana@example.com?secret=JBSWY3DPEHPK3PXP&issuer=TC5G");
  REQUIRE(m.size() >= 21);
  CHECK((m.size() - 17) % 4 == 0);  // version v has 17 + 4v modules a side
  for (const auto& row : m) {
    CHECK(row.size() == m.size());
  }
  // The top-left finder: a dark 7x7 ring around a light ring around a dark 3x3 core.
  for (std::size_t i = 0; i < 7; ++i) {
    CHECK(m[0][i]);
    CHECK(m[6][i]);
    CHECK(m[i][0]);
    CHECK(m[i][6]);
  }
  CHECK_FALSE(m[1][1]);
  CHECK(m[3][3]);
  CHECK(default_qr_style(true, false) == qr_style::color);
  CHECK(default_qr_style(true, true) == qr_style::plain);
  CHECK(default_qr_style(false, false) == qr_style::plain);
}

TEST_CASE("admin store: disabled ids among the connected ones, in one query", "[admin]") {
  test::demo_db demo;
  store::accounts_repository accounts(demo.db);
  store::admin_repository admin(demo.db);
  const auto ana = demo.customer("ana.rojas@example.com");
  const auto hugo = demo.customer("hugo.pizarro@example.com");
  const auto valentina = accounts.find_executive("valentina.reyes@example.com")->id;

  const std::vector<std::int64_t> customers = {ana, hugo}, executives = {valentina};
  auto none = admin.disabled_among(customers, executives);
  CHECK(none.customers.empty());
  CHECK(none.executives.empty());

  accounts.set_customer_disabled(hugo, true);
  accounts.set_executive_disabled(valentina, true);
  auto some = admin.disabled_among(customers, executives);
  CHECK(some.customers == std::vector<std::int64_t>{hugo});
  CHECK(some.executives == std::vector<std::int64_t>{valentina});
  // Not connected: not asked about, not reported.
  CHECK(admin.disabled_among(std::vector<std::int64_t>{ana}, {}).customers.empty());
  CHECK(admin.disabled_among({}, {}).executives.empty());
}

TEST_CASE("admin store: list accounts and upsert products by name", "[admin]") {
  test::demo_db demo;
  store::admin_repository admin(demo.db);
  const auto accounts = admin.list_accounts();
  REQUIRE(accounts.size() == 12);  // 8 demo customers + 4 executives
  CHECK(accounts.front().role == "customer");
  CHECK(accounts.back().role == "executive");

  store::catalogue_repository catalogue(demo.db);
  const auto before = catalogue.count();
  const auto existing = catalogue.list(false).front();
  CHECK(admin.upsert_product(store::ascii_lower(existing.name), existing.kind, 777, 9) ==
        store::upsert_outcome::updated);
  const auto updated = catalogue.by_id(existing.id).value();
  CHECK(updated.price == 777);
  CHECK(updated.stock == 9);
  CHECK(updated.held == existing.held);
  CHECK(admin.upsert_product("Carta nueva", "card", 100, 0) == store::upsert_outcome::created);
  CHECK(catalogue.count() == before + 1);
}
