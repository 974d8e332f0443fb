// Unit tests of the JSON envelope: parse_message, field getters, builders, clip_utf8.
#include "common/protocol/frame.hpp"
#include "common/protocol/limits.hpp"
#include "common/protocol/message.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

using namespace tcs;

namespace {

errc error_of(const result<json::object>& r) {
  REQUIRE_FALSE(r.has_value());
  return r.error().code;
}

template <class T>
failure failure_of(const result<T>& r) {
  REQUIRE_FALSE(r.has_value());
  return r.error();
}

json::object obj(std::string_view text) {
  return json::parse(text).as_object();
}

// True iff `s` is well-formed UTF-8 (checked independently through Boost.JSON's strict parser).
bool valid_utf8(std::string_view s) {
  boost::system::error_code ec;
  json::parse("\"" + std::string(s) + "\"", ec);
  return !ec;
}

}  // namespace

TEST_CASE("parse_message accepts an object with a string type", "[protocol][message]") {
  auto r = parse_message(R"({"type":"login","id":3,"email":"ana@example.com"})");
  REQUIRE(r.has_value());
  CHECK(r->at("type").as_string() == "login");
  CHECK(r->at("id").as_int64() == 3);
  CHECK(r->at("email").as_string() == "ana@example.com");

  // Valid multibyte UTF-8 (2, 3 and 4 bytes) and surrounding whitespace are fine.
  auto u = parse_message(" {\"type\":\"chat\",\"text\":\"ñandú € 😀\"} \n");
  REQUIRE(u.has_value());
  CHECK(u->at("text").as_string() == "ñandú € 😀");
}

TEST_CASE("parse_message reports invalid UTF-8 precisely", "[protocol][message]") {
  const char* cases[] = {
      "{\"type\":\"a\xff\"}",              // a byte that never appears in UTF-8
      "{\"type\":\"a\xc3\"}",              // a truncated two-byte sequence
      "{\"type\":\"\xc0\xaf\"}",           // overlong encoding of '/'
      "{\"type\":\"\xe0\x80\xaf\"}",       // overlong three-byte encoding
      "{\"type\":\"\xf0\x80\x80\xaf\"}",   // overlong four-byte encoding
      "{\"type\":\"\xed\xa0\x80\"}",       // a lone high surrogate as raw bytes
      "{\"type\":\"\xed\xbf\xbf\"}",       // a lone low surrogate as raw bytes
      "{\"type\":\"\xf4\x90\x80\x80\"}",   // above U+10FFFF
      "{\"type\":\"ok\",\"t\":\"\x80\"}",  // a stray continuation byte in another field
      "{\"\xff\":1,\"type\":\"ok\"}",      // in a key
  };
  for (const char* c : cases) {
    INFO(c);
    CHECK(error_of(parse_message(c)) == errc::invalid_utf8);
  }
}

TEST_CASE("parse_message reports invalid JSON", "[protocol][message]") {
  const std::string cases[] = {
      "",
      "   ",
      "{\"type\":\"a\"",
      "{\"type\":",
      "{\"type\":\"a\"} x",
      "{\"type\":\"a\"}{\"type\":\"b\"}",
      "{type:\"a\"}",
      "{'type':'a'}",
      "{\"type\":\"a\",}",
      std::string("{\"type\":\"a\"}\0", 13),
      std::string("{\"type\":\"a\0b\"}", 14),  // raw control character in a string
      "{\"type\":\"a\"} \xff",                 // garbage that is also bad UTF-8
  };
  for (const auto& c : cases) {
    INFO(c);
    CHECK(error_of(parse_message(c)) == errc::invalid_json);
  }
}

TEST_CASE("parse_message rejects absurd nesting as invalid JSON", "[protocol][message]") {
  std::string deep = "{\"type\":\"a\",\"x\":";
  deep += std::string(10000, '[');
  deep += std::string(10000, ']');
  deep += "}";
  CHECK(error_of(parse_message(deep)) == errc::invalid_json);
}

TEST_CASE("parse_message requires an object", "[protocol][message]") {
  for (const char* c : {"[]", "[{\"type\":\"a\"}]", "3", "-1.5", "\"type\"", "null", "true"}) {
    INFO(c);
    CHECK(error_of(parse_message(c)) == errc::not_an_object);
  }
}

TEST_CASE("parse_message requires a non-empty string type", "[protocol][message]") {
  auto missing = parse_message(R"({"id":1})");
  CHECK(error_of(missing) == errc::missing_field);
  CHECK(missing.error().message.find("\"type\"") != std::string::npos);
  CHECK(error_of(parse_message("{}")) == errc::missing_field);

  for (const char* c : {R"({"type":3})", R"({"type":null})", R"({"type":["a"]})",
                        R"({"type":{"a":1}})", R"({"type":true})", R"({"type":""})"}) {
    INFO(c);
    auto r = parse_message(c);
    CHECK(error_of(r) == errc::invalid_field);
    CHECK(r.error().message.find("\"type\"") != std::string::npos);
  }
}

TEST_CASE("get_string, get_bool and the optional getters", "[protocol][message]") {
  const auto m = obj(R"({"s":"hola","n":1,"b":true,"f":false,"z":null,"a":[],"o":{}})");
  REQUIRE(get_string(m, "s").has_value());
  CHECK(*get_string(m, "s") == "hola");
  CHECK(failure_of(get_string(m, "n")).code == errc::invalid_field);
  CHECK(failure_of(get_string(m, "z")).code == errc::invalid_field);
  const auto missing = failure_of(get_string(m, "email"));
  CHECK(missing.code == errc::missing_field);
  CHECK(missing.message == "Falta el campo \"email\".");

  CHECK(get_bool(m, "b").value() == true);
  CHECK(get_bool(m, "f").value() == false);
  CHECK(failure_of(get_bool(m, "n")).code == errc::invalid_field);
  CHECK(failure_of(get_bool(m, "s")).code == errc::invalid_field);
  CHECK(failure_of(get_bool(m, "nope")).code == errc::missing_field);

  CHECK_FALSE(get_optional_string(m, "nope").value().has_value());
  CHECK(get_optional_string(m, "s").value() == std::optional<std::string_view>("hola"));
  CHECK(failure_of(get_optional_string(m, "n")).code == errc::invalid_field);
  CHECK_FALSE(get_optional_int(m, "nope").value().has_value());
  CHECK(get_optional_int(m, "n").value() == std::optional<std::int64_t>(1));
  CHECK(failure_of(get_optional_int(m, "s")).code == errc::invalid_field);
  // A present null is a wrong type, not an absence.
  CHECK(failure_of(get_optional_string(m, "z")).code == errc::invalid_field);
}

TEST_CASE("get_int accepts integers in int64 range only", "[protocol][message]") {
  const auto m = obj(
      R"({"a":-7,"max":9223372036854775807,"min":-9223372036854775808,"big":9223372036854775808,)"
      R"("huge":18446744073709551615,"f":1.5,"g":2.0,"e":1e3,"s":"3","b":true,"z":null})");
  CHECK(get_int(m, "a").value() == -7);
  CHECK(get_int(m, "max").value() == INT64_MAX);
  CHECK(get_int(m, "min").value() == INT64_MIN);
  for (const char* key : {"big", "huge", "f", "g", "e", "s", "b", "z"}) {
    INFO(key);
    const auto f = failure_of(get_int(m, key));
    CHECK(f.code == errc::invalid_field);
    CHECK(f.message.find(std::string("\"") + key + "\"") != std::string::npos);
  }
  CHECK(failure_of(get_int(m, "nope")).code == errc::missing_field);

  // A uint64 value within range (as a program, not the parser, may build it) is accepted.
  json::object u;
  u["n"] = std::uint64_t{42};
  u["edge"] = static_cast<std::uint64_t>(INT64_MAX);
  u["over"] = static_cast<std::uint64_t>(INT64_MAX) + 1;
  REQUIRE(u.at("n").is_uint64());
  CHECK(get_int(u, "n").value() == 42);
  CHECK(get_int(u, "edge").value() == INT64_MAX);
  CHECK(failure_of(get_int(u, "over")).code == errc::invalid_field);
}

TEST_CASE("request_id is the integer id or nothing", "[protocol][message]") {
  CHECK(request_id(obj(R"({"id":12})")) == std::optional<std::int64_t>(12));
  CHECK(request_id(obj(R"({"id":9007199254740993})")) ==
        std::optional<std::int64_t>(9007199254740993));
  CHECK_FALSE(request_id(obj(R"({"id":"12"})")).has_value());
  CHECK_FALSE(request_id(obj(R"({"id":1.5})")).has_value());
  CHECK_FALSE(request_id(obj(R"({})")).has_value());
}

TEST_CASE("envelope builders", "[protocol][message]") {
  const auto req = make_request("ping", 5);
  CHECK(req.at("type").as_string() == "ping");
  CHECK(req.at("id").as_int64() == 5);
  CHECK(req.size() == 2);

  const auto ev = make_event("shutdown");
  CHECK(ev.at("type").as_string() == "shutdown");
  CHECK(ev.size() == 1);

  const auto ok = make_ok("ping", 5);
  CHECK(ok.at("ok").as_bool());
  CHECK(ok.at("id").as_int64() == 5);
  CHECK_FALSE(reply_failure(ok).has_value());
  CHECK(make_ok("ping", std::nullopt).at("id").is_null());

  const auto err = make_error("login", std::nullopt, failure{errc::bad_credentials});
  CHECK(err.at("id").is_null());  // a reply always has an id member; events have none
  CHECK(err.at("ok").as_bool() == false);
  CHECK(err.at("error").at("code").as_string() == "bad_credentials");
  CHECK(err.at("error").at("message").as_string() == default_message(errc::bad_credentials));
}

TEST_CASE("make_error and reply_failure roundtrip every code", "[protocol][message]") {
  for (int i = 0; i <= static_cast<int>(errc::internal); ++i) {
    const auto e = static_cast<errc>(i);
    INFO(code_name(e));
    const failure f{e, "Mensaje «" + std::string(code_name(e)) + "» con ñ y €."};
    const auto reply = make_error("x", 7, f);
    CHECK(reply.at("id").as_int64() == 7);
    // Through the wire and back.
    frame_decoder d;
    d.feed(encode_message(reply));
    auto frame = d.next();
    REQUIRE(frame.has_value());
    REQUIRE(frame->payload.has_value());
    auto parsed = parse_message(*frame->payload);
    REQUIRE(parsed.has_value());
    const auto back = reply_failure(*parsed);
    REQUIRE(back.has_value());
    CHECK(back->code == e);
    CHECK(back->message == f.message);
  }
}

TEST_CASE("code names are distinct and every code has a message", "[protocol][message]") {
  std::set<std::string_view> names;
  for (int i = 0; i <= static_cast<int>(errc::internal); ++i) {
    const auto e = static_cast<errc>(i);
    CHECK(names.insert(code_name(e)).second);
    CHECK_FALSE(default_message(e).empty());
    CHECK(failure{e}.message == default_message(e));
  }
}

TEST_CASE("reply_failure on malformed replies", "[protocol][message]") {
  auto f = reply_failure(obj(R"({"type":"x","ok":false})"));
  REQUIRE(f.has_value());
  CHECK(f->code == errc::internal);
  f = reply_failure(obj(R"({"type":"x"})"));
  REQUIRE(f.has_value());
  CHECK(f->code == errc::internal);
  f = reply_failure(obj(R"({"type":"x","ok":"true"})"));
  REQUIRE(f.has_value());
  f = reply_failure(obj(R"({"ok":false,"error":{"code":"no_such_code","message":"m"}})"));
  REQUIRE(f.has_value());
  CHECK(f->code == errc::internal);
  CHECK(f->message == "m");
}

TEST_CASE("clip_utf8 leaves short text alone", "[protocol][message]") {
  CHECK(clip_utf8("", 0) == "");
  CHECK(clip_utf8("", 5) == "");
  CHECK(clip_utf8("hola", 4) == "hola");
  CHECK(clip_utf8("hola", 100) == "hola");
  CHECK(clip_utf8("ñ€", 5) == "ñ€");
}

TEST_CASE("clip_utf8 never splits a multibyte character", "[protocol][message]") {
  // "ñ" is C3 B1, "€" is E2 82 AC.
  CHECK(clip_utf8("aaañ", 4) == "aaa…");
  CHECK(clip_utf8("aaañb", 4) == "aaa…");
  CHECK(clip_utf8("aaañb", 5) == "aaañ…");
  CHECK(clip_utf8("aa€", 3) == "aa…");
  CHECK(clip_utf8("aa€", 4) == "aa…");
  CHECK(clip_utf8("aa€b", 5) == "aa€…");
  CHECK(clip_utf8("€€", 3) == "€…");
  CHECK(clip_utf8("€€", 4) == "€…");
  CHECK(clip_utf8("€€", 5) == "€…");
  CHECK(clip_utf8("ñ", 1) == "…");
  CHECK(clip_utf8("abc", 0) == "…");

  // Every cut of a mixed string keeps a valid prefix of at most max_bytes.
  const std::string text = "añ€😀b€ñ😀";
  for (std::size_t max = 0; max <= text.size() + 1; ++max) {
    INFO("max " << max);
    const std::string clipped = clip_utf8(text, max);
    REQUIRE(valid_utf8(clipped));
    if (max >= text.size()) {
      CHECK(clipped == text);
      continue;
    }
    const std::string ellipsis = "…";
    REQUIRE(clipped.size() >= ellipsis.size());
    REQUIRE(clipped.compare(clipped.size() - ellipsis.size(), ellipsis.size(), ellipsis) == 0);
    const std::string kept = clipped.substr(0, clipped.size() - ellipsis.size());
    CHECK(kept.size() <= max);
    CHECK(text.compare(0, kept.size(), kept) == 0);
    // It keeps as much as fits: the next character would not.
    const auto lead = static_cast<unsigned char>(text[kept.size()]);
    const std::size_t next_len = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    CHECK(kept.size() + next_len > max);
  }
}

TEST_CASE("encode_message frames the serialised object up to 64 KiB", "[protocol][message]") {
  json::object m = make_event("chat");
  m["text"] = "";
  const std::size_t overhead = json::serialize(m).size();
  m["text"] = std::string(max_frame_bytes - overhead, 'a');
  REQUIRE(json::serialize(m).size() == max_frame_bytes);
  const std::string frame = encode_message(m);
  CHECK(frame.size() == frame_header_bytes + max_frame_bytes);
  frame_decoder d;
  d.feed(frame);
  auto ev = d.next();
  REQUIRE(ev.has_value());
  REQUIRE(ev->payload.has_value());
  auto back = parse_message(*ev->payload);
  REQUIRE(back.has_value());
  CHECK(*back == m);

  m["text"] = std::string(max_frame_bytes - overhead + 1, 'a');
  CHECK_THROWS_AS(encode_message(m), std::length_error);
  // Escaping counts: 40,000 quotes serialise to 80,000 bytes.
  m["text"] = std::string(40000, '"');
  CHECK_THROWS_AS(encode_message(m), std::length_error);
}

TEST_CASE("encoded members are spliced into the framed object", "[protocol][message]") {
  auto decode = [](const std::string& frame) {
    frame_decoder d;
    d.feed(frame);
    auto ev = d.next();
    REQUIRE(ev.has_value());
    REQUIRE(ev->payload.has_value());
    REQUIRE_FALSE(d.next().has_value());  // exactly one frame, its header counts every byte
    auto back = parse_message(*ev->payload);
    REQUIRE(back.has_value());
    return *back;
  };
  json::object reply = make_ok("catalogue", 7);
  json::array list{json::object{{"name", "Pikachu \"ex\""}, {"price", 1200}}, 3, nullptr};
  const std::vector<encoded_member> extra = {
      {"products", std::make_shared<const std::string>(json::serialize(list))},
      {"count", std::make_shared<const std::string>("3")}};
  const json::object back = decode(encode_message(reply, extra));
  CHECK(back.at("type") == "catalogue");
  CHECK(back.at("id") == 7);
  CHECK(back.at("products") == list);
  CHECK(back.at("count") == 3);
  CHECK(back == with_members(reply, extra));
  // An empty object gets no leading comma; no members changes nothing.
  CHECK(decode(encode_message(json::object{{"type", "x"}}, {})) == json::object{{"type", "x"}});
  json::object bare;
  CHECK(encode_message(bare, extra).substr(frame_header_bytes).starts_with("{\"products\":[{"));
  // The spliced members count against the frame limit.
  const std::vector<encoded_member> huge = {
      {"blob",
       std::make_shared<const std::string>("\"" + std::string(max_frame_bytes, 'a') + "\"")}};
  CHECK_THROWS_AS(encode_message(reply, huge), std::length_error);
}

TEST_CASE("control characters are detected and escaped, UTF-8 is left alone", "[message]") {
  CHECK_FALSE(tcs::has_control_chars("Pikachu ex ñandú €"));
  CHECK(tcs::has_control_chars(std::string("Pika\0chu", 8)));
  CHECK(tcs::has_control_chars("a\nb"));
  CHECK_FALSE(tcs::has_control_chars("a\nb", "\n"));
  CHECK(tcs::has_control_chars("\x1b[2J"));
  CHECK(tcs::escape_control_chars("x\n2026 [SERVIDOR] falso") == "x\\x0A2026 [SERVIDOR] falso");
  CHECK(tcs::escape_control_chars(std::string("a\0b", 3)) == "a\\x00b");
  CHECK(tcs::escape_control_chars("\x7f") == "\\x7F");
  CHECK(tcs::escape_control_chars("línea\tuno\nlínea dos", "\n\t") == "línea\tuno\nlínea dos");
}

TEST_CASE("escape_control_chars writes C1, bidi and separators out; echo_value clips",
          "[message][echo]") {
  using tcs::escape_control_chars;
  CHECK(escape_control_chars("a\xE2\x80\xAE"
                             "b") == "a\\u202Eb");  // RLO
  CHECK(escape_control_chars("\xE2\x80\xAA\xE2\x80\xAD") == "\\u202A\\u202D");
  CHECK(escape_control_chars("\xE2\x81\xA6x\xE2\x81\xA9") == "\\u2066x\\u2069");  // isolates
  CHECK(escape_control_chars("\xE2\x80\x8E\xE2\x80\x8F\xD8\x9C") == "\\u200E\\u200F\\u061C");
  CHECK(escape_control_chars("a\xE2\x80\xA8"
                             "b\xE2\x80\xA9") == "a\\u2028b\\u2029");
  CHECK(escape_control_chars("\xC2\x9B"
                             "31m") == "\\u009B31m");       // C1 CSI
  CHECK(escape_control_chars("x\x9By") == "x\\x9By");       // a lone byte, not UTF-8
  CHECK(escape_control_chars("\xE2\x80") == "\\xE2\\x80");  // truncated sequence
  // What is not dangerous is left alone: letters, emoji with a zero-width joiner, NBSP.
  const std::string fine = "Ñandú 👨\xE2\x80\x8D👩 \xC2\xA0€";
  CHECK(escape_control_chars(fine) == fine);

  CHECK(tcs::echo_value("abc") == "abc");
  const std::string huge = "\x1b" + std::string(70000, 'y');
  const std::string echoed = tcs::echo_value(huge);
  CHECK(echoed.rfind("\\x1B", 0) == 0);
  CHECK(echoed.size() <= 6 * tcs::max_echoed_value_bytes + 3);
}
