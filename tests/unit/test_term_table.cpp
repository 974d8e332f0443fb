// Unit tests of the terminals' one table renderer (common/term/table) and of the lists built on
// it: the customer's catalogue and cart (client/render, client/cart), numbered lists.
#include "common/term/chat_text.hpp"
#include "common/term/table.hpp"

// The customer's renderers and cart are not in a library: compile them here.
#include "client/cart.cpp"
#include "client/render.cpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace tcs;
using namespace tcs::term;

TEST_CASE("table aligns columns to their widest cell, header included", "[term][table]") {
  table t({{"N°", align::left}, {"Nombre", align::left}, {"Precio", align::right}});
  t.add({"[1]", "Mew", "$8"}).add({"[10]", "Pikachu ex", "$12.990"});
  const std::vector<std::string> expected = {
      "N°    Nombre       Precio",
      "[1]   Mew              $8",
      "[10]  Pikachu ex  $12.990",
  };
  CHECK(t.lines() == expected);
  CHECK(t.text() ==
        "N°    Nombre       Precio\n[1]   Mew              $8\n[10]  Pikachu ex  $12.990");
}

TEST_CASE("table widths count code points, not bytes", "[term][table]") {
  table t({{"Nombre", align::left}, {"#", align::right}});
  t.add({"Muñoz", "1"}).add({"Munoz", "22"});
  const std::vector<std::string> expected = {"Nombre   #", "Muñoz    1", "Munoz   22"};
  CHECK(t.lines() == expected);
}

TEST_CASE("table lines never end in blanks", "[term][table]") {
  // A last left-aligned cell is not padded; trailing empty cells go with their separators.
  table t({{"A", align::right}, {"B", align::left}, {"", align::none}});
  t.add({"1", "x", ""}).add({"22", "largo", "(nota)"});
  const std::vector<std::string> expected = {" A  B", " 1  x", "22  largo  (nota)"};
  CHECK(t.lines() == expected);
  for (const auto& line : t.lines())
    CHECK(line.back() != ' ');
}

TEST_CASE("table without headers, with indent and separator", "[term][table]") {
  table t({{"", align::none}, {"", align::none}}, " ", "  ");
  t.add({"ana@example.com", "Ana Rojas (en el menú)"}).add({"b@example.com"});
  CHECK(t.text() == "  ana@example.com Ana Rojas (en el menú)\n  b@example.com");
  CHECK(table({{"", align::left}}).text().empty());
  CHECK(table({{"", align::left}}).empty());
}

TEST_CASE("numbered and marked lists", "[term][table]") {
  CHECK(numbered_list({"compra (x)", "venta (y)"}) == "[1] compra (x)\n[2] venta (y)");
  CHECK(numbered_list({}).empty());
  std::vector<std::string> many(10, "e");
  CHECK(numbered_list(many).substr(0, 4) == "[1] ");  // not padded to "[10]"'s width
  CHECK(numbered_list(many).find("\n[10] e") != std::string::npos);
  CHECK(marked_list({"a", "b"}) == "- a\n- b");
}

TEST_CASE("the customer's catalogue table", "[term][table][client]") {
  const auto products = json::parse(R"([
    {"id": 3, "name": "Pikachu ex", "kind": "card", "price": 12990, "stock": 2},
    {"id": 9, "name": "Sobre Ñandú", "kind": "pack", "price": 4990, "stock": 0},
    {"id": 11}])")
                            .as_array();
  std::vector<json::object> list;
  for (const auto& p : products)
    list.push_back(p.as_object());
  const auto lines = client::catalogue_table(list);
  REQUIRE(lines.size() == 4);
  // Each product under its own number, as the executive's :catalogue shows it (issue 18, 7).
  CHECK(lines[0] == "N°    Producto     Tipo    Precio    Stock");
  CHECK(lines[1] == "[3]   Pikachu ex   carta  $12.990        2");
  CHECK(lines[2] == "[9]   Sobre Ñandú  sobre   $4.990  agotado");
  CHECK(lines[3] == "[11]                           $0  agotado");
}

TEST_CASE("the customer's cart", "[client][cart]") {
  client::cart c;
  CHECK(c.summary() == "Su carrito está vacío.");
  c.add(3, "Pikachu ex", 12990, 1);
  c.add(9, "Sobre", 4990, 2);
  c.add(3, "Pikachu ex", 12990, 1);
  CHECK(c.quantity_of(3) == 2);
  CHECK(c.quantity_of(4) == 0);
  CHECK(c.units() == 4);
  CHECK(c.total() == 35960);
  CHECK(c.summary() == "Su carrito: 4 productos, total $35.960.");
  CHECK(
      c.listing() ==
      "* Pikachu ex [x2] $25.980 ($12.990 c/u)\n* Sobre [x2] $9.980 ($4.990 c/u)\nTotal: $35.960");
  const auto req = c.purchase_request();
  CHECK(req.at("type").as_string() == "purchase");
  CHECK(req.at("lines").as_array().size() == 2);
  CHECK(req.at("lines").as_array()[0].as_object().at("quantity").as_int64() == 2);
  c.set_quantity(0, 5);
  CHECK(c.quantity_of(3) == 5);
  c.set_quantity(7, 1);  // no such line: nothing changes
  c.remove(0);
  REQUIRE(c.items().size() == 1);
  CHECK(c.items()[0].name == "Sobre");
  c.remove(3);
  CHECK(c.items().size() == 1);
  c.clear();
  CHECK(c.empty());
}

TEST_CASE("a long chat paste is cut into lines the server takes, losing nothing", "[term][chat]") {
  using tcs::term::split_chat_text;
  CHECK(split_chat_text("").empty());
  CHECK(split_chat_text("hola") == std::vector<std::string>{"hola"});
  CHECK(split_chat_text("uno dos tres", 8) == std::vector<std::string>{"uno dos ", "tres"});
  CHECK(split_chat_text("abcdefghij", 4) == std::vector<std::string>{"abcd", "efgh", "ij"});
  std::string paste;
  for (int i = 0; i < 900; ++i)
    paste += "ñandú " + std::to_string(i) + " ";  // 9,000+ bytes with two-byte characters
  const auto pieces = split_chat_text(paste);
  REQUIRE(pieces.size() >= 5);
  std::string joined;
  for (const auto& p : pieces) {
    CHECK(p.size() <= tcs::term::max_chat_line_bytes);
    CHECK((static_cast<unsigned char>(p.front()) & 0xC0U) != 0x80U);  // starts a character
    joined += p;
  }
  CHECK(joined == paste);
  std::string wide;
  for (int i = 0; i < 1500; ++i)
    wide += "é";  // 3,000 bytes, no spaces: cut between characters
  for (const auto& p : split_chat_text(wide))
    CHECK((static_cast<unsigned char>(p.back()) & 0xC0U) == 0x80U);  // ends a character
}
