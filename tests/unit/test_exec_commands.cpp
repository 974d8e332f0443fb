// Unit tests of the terminals' input parsing (`:` lines, card and price, yes/no) and of the
// operation renderer.
#include "common/term/command_parser.hpp"
#include "common/term/operations_view.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace tcs;
using namespace tcs::term;

namespace {

void require_card(std::string_view args, bool price_required, std::string_view card,
                  std::optional<std::int64_t> price) {
  INFO("args: " << args);
  const auto parsed = parse_card_and_price(args, price_required);
  REQUIRE(parsed);
  CHECK(parsed->card == card);
  CHECK(parsed->price == price);
}

void require_usage_error(std::string_view args, bool price_required) {
  INFO("args: " << args);
  CHECK_FALSE(parse_card_and_price(args, price_required));
}

}  // namespace

TEST_CASE("split_command separates the name from trimmed arguments", "[term][commands]") {
  auto c = split_command(":buy  Pikachu ex   12000 ");
  CHECK(c.name == ":buy");
  CHECK(c.args == "Pikachu ex   12000");
  c = split_command("  :status");
  CHECK(c.name == ":status");
  CHECK(c.args.empty());
  c = split_command(":publish\t\"Mew\" 5");
  CHECK(c.name == ":publish");
  CHECK(c.args == "\"Mew\" 5");
  c = split_command(":");
  CHECK(c.name == ":");
  CHECK(c.args.empty());
}

TEST_CASE("parse_price accepts plain and dotted pesos", "[term][commands]") {
  CHECK(parse_price("8") == 8);
  CHECK(parse_price("12000") == 12000);
  CHECK(parse_price("$12000") == 12000);
  CHECK(parse_price("12.000") == 12000);
  CHECK(parse_price("$1.234.567") == 1234567);
  CHECK(parse_price(" 9 ") == 9);
  CHECK_FALSE(parse_price("0"));
  CHECK_FALSE(parse_price("-5"));
  CHECK_FALSE(parse_price(""));
  CHECK_FALSE(parse_price("$"));
  CHECK_FALSE(parse_price("ex"));
  CHECK_FALSE(parse_price("12,5"));
  CHECK_FALSE(parse_price("12.5"));
  CHECK_FALSE(parse_price("1234.567"));
  CHECK_FALSE(parse_price("12..000"));
  CHECK_FALSE(parse_price(".000"));
  CHECK_FALSE(parse_price("12000."));
  CHECK_FALSE(parse_price("99999999999999999999"));  // overflows int64
}

TEST_CASE(":buy card names may contain spaces; the last token is the price", "[term][commands]") {
  require_card("Caterpie 8", true, "Caterpie", 8);
  require_card("Pikachu ex 12000", true, "Pikachu ex", 12000);
  require_card("  Pikachu   ex\t12000 ", true, "Pikachu ex", 12000);
  require_card("\"Pikachu ex\" 12000", true, "Pikachu ex", 12000);
  require_card("\" Pikachu  ex \"   $12.000", true, "Pikachu ex", 12000);
  require_card("Sobre 151 500", true, "Sobre 151", 500);        // only the last token is price
  require_card("\"Pikachu 25\" 700", true, "Pikachu 25", 700);  // quotes keep digits in names
  require_card("Ñandú dorado 3", true, "Ñandú dorado", 3);
}

TEST_CASE(":buy wrong usage", "[term][commands]") {
  require_usage_error("", true);
  require_usage_error("   ", true);
  require_usage_error("Caterpie", true);              // no price
  require_usage_error("8", true);                     // no card
  require_usage_error("Pikachu ex", true);            // last token is not a price
  require_usage_error("Caterpie 0", true);            // price must be positive
  require_usage_error("Caterpie -8", true);           // "-8" is not a price: whole line is the card
  require_usage_error("\"Pikachu ex\"", true);        // quoted card without price
  require_usage_error("\"Pikachu ex 12000", true);    // unclosed quote
  require_usage_error("\"\" 12000", true);            // empty card
  require_usage_error("\"Pikachu\" ex 12000", true);  // junk after the quoted card
}

TEST_CASE(":publish takes an optional price", "[term][commands]") {
  require_card("Caterpie", false, "Caterpie", std::nullopt);
  require_card("Caterpie 9", false, "Caterpie", 9);
  require_card("Pikachu ex", false, "Pikachu ex", std::nullopt);
  require_card("Pikachu ex 12.990", false, "Pikachu ex", 12990);
  require_card("\"Pikachu ex\"", false, "Pikachu ex", std::nullopt);
  require_card("\"Sobre 151\"", false, "Sobre 151", std::nullopt);
  require_card("151", false, "151", std::nullopt);  // one token is a card name
  require_usage_error("", false);
  require_usage_error("\"Pikachu ex\" nueve", false);
  require_usage_error("\"Pikachu", false);
}

TEST_CASE("parse_yes_no", "[term][commands]") {
  for (auto yes : {"s", "S", "si", "Si", "SI", "sí", "Sí", "SÍ", " s ", "y", "yes"})
    CHECK(parse_yes_no(yes) == true);
  for (auto no : {"n", "N", "no", "No", "NO", "\tno "})
    CHECK(parse_yes_no(no) == false);
  for (auto other : {"", "   ", "sip", "nop", "quizás", "1", "0", "s n"})
    CHECK_FALSE(parse_yes_no(other));
}

TEST_CASE("render_operation shows lines, total, state and timeline", "[term][operations]") {
  const auto op = json::parse(R"({
    "id": 17, "kind": "purchase", "state": "shipped", "created_at": 1724786400, "total": 32950,
    "lines": [{"product_id": 1, "name": "Pikachu ex", "kind": "card", "quantity": 1,
               "unit_price": 12990},
              {"product_id": 2, "name": "Sobre \"Brilliant Stars\"", "kind": "pack",
               "quantity": 4, "unit_price": 4990}],
    "timeline": [{"state": "paid", "at": 1724786400, "actor": "Ana Rojas"},
                 {"state": "shipped", "at": 1724872800, "actor": "Ana Rojas"}],
    "unknown_field": true})")
                      .as_object();
  const std::string text = render_operation(op, 1);
  INFO(text);
  CHECK(text.rfind("[1] compra (", 0) == 0);
  CHECK(text.find("\n* Pikachu ex [x1] $12.990\n") != std::string::npos);
  CHECK(text.find("\n* Sobre \"Brilliant Stars\" [x4] $4.990 c/u\n") != std::string::npos);
  CHECK(text.find("\nTotal: $32.950\n") != std::string::npos);
  CHECK(text.find("\nEstado: envío confirmado\n") != std::string::npos);
  CHECK(text.find(" pagado (Ana Rojas)\n- ") != std::string::npos);
  CHECK(text.find(" envío confirmado (Ana Rojas)") != std::string::npos);
  CHECK(text.back() != '\n');
  CHECK(render_operation(op).rfind("[17] compra (", 0) == 0);  // defaults to the id
}

TEST_CASE("render_operation tolerates missing fields", "[term][operations]") {
  const auto op = json::parse(R"({"kind": "sale", "state": "paid", "lines": [1, {}],
                                  "timeline": "x"})")
                      .as_object();
  const std::string text = render_operation(op);
  CHECK(text.rfind("[0] venta", 0) == 0);
  CHECK(text.find("Estado: pagado") != std::string::npos);
}
