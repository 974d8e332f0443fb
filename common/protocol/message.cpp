// JSON envelope parsing, validation and building.
#include "common/protocol/message.hpp"

#include "common/protocol/frame.hpp"
#include "common/protocol/limits.hpp"

#include <stdexcept>

namespace tcs {

namespace {

json::value parse_json(std::string_view payload, bool allow_invalid_utf8,
                       boost::system::error_code& ec) {
  json::parse_options opts;
  opts.allow_invalid_utf8 = allow_invalid_utf8;
  // Payloads are at most 64 KiB, so the default depth limit (32) is the only other guard.
  return json::parse(payload, ec, json::storage_ptr(), opts);
}

std::string quoted(std::string_view key) {
  return "\"" + clip_utf8(key, 64) + "\"";
}

failure missing(std::string_view key) {
  return {errc::missing_field, "Falta el campo " + quoted(key) + "."};
}

failure wrong_type(std::string_view key, std::string_view expected) {
  return {errc::invalid_field,
          "El campo " + quoted(key) + " debe ser " + std::string(expected) + "."};
}

}  // namespace

result<json::object> parse_message(std::string_view payload) {
  boost::system::error_code ec;
  json::value v = parse_json(payload, false, ec);
  if (ec) {
    // Boost.JSON rejects bad UTF-8 as a syntax error; a second, lenient parse (only on the
    // error path) tells the two apart so the peer gets the precise code.
    boost::system::error_code lenient_ec;
    parse_json(payload, true, lenient_ec);
    if (!lenient_ec)
      return failure{errc::invalid_utf8};
    return failure{errc::invalid_json};
  }
  if (!v.is_object())
    return failure{errc::not_an_object};
  json::object& obj = v.as_object();
  auto type = get_string(obj, "type");
  if (!type)
    return type.error();
  if (type->empty())
    return wrong_type("type", "un texto no vacío");
  return std::move(obj);
}

std::string encode_message(const json::object& message, std::span<const encoded_member> extra) {
  // Serialised straight after room for the header: one buffer, no copy of the payload.
  std::size_t extra_bytes = 0;
  for (const auto& m : extra)
    extra_bytes += m.key.size() + m.value->size() + 4;  // ,"key":value
  json::serializer sr;
  sr.reset(&message);
  std::string frame(frame_header_bytes + 256 + extra_bytes, '\0');
  std::size_t used = frame_header_bytes;
  while (!sr.done()) {
    if (used == frame.size()) {
      if (used - frame_header_bytes > max_frame_bytes)
        throw std::length_error("message exceeds max_frame_bytes");
      frame.resize(2 * frame.size());
    }
    used += sr.read(frame.data() + used, frame.size() - used).size();
  }
  frame.resize(used);
  if (!extra.empty()) {
    frame.pop_back();  // the object's closing brace
    for (const auto& m : extra) {
      if (frame.back() != '{')
        frame.push_back(',');
      frame.push_back('"');
      frame.append(m.key);
      frame.append("\":");
      frame.append(*m.value);
    }
    frame.push_back('}');
  }
  const std::size_t n = frame.size() - frame_header_bytes;
  if (n > max_frame_bytes)
    throw std::length_error("message exceeds max_frame_bytes");
  write_frame_header(frame.data(), static_cast<std::uint32_t>(n));
  return frame;
}

json::object with_members(json::object message, std::span<const encoded_member> extra) {
  for (const auto& m : extra)
    message[m.key] = json::parse(*m.value);
  return message;
}

result<std::string_view> get_string(const json::object& msg, std::string_view key) {
  const json::value* v = msg.if_contains(key);
  if (!v)
    return missing(key);
  if (!v->is_string())
    return wrong_type(key, "un texto");
  const json::string& s = v->get_string();
  return std::string_view(s.data(), s.size());
}

result<std::int64_t> get_int(const json::object& msg, std::string_view key) {
  const json::value* v = msg.if_contains(key);
  if (!v)
    return missing(key);
  if (v->is_int64())
    return v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
    return static_cast<std::int64_t>(v->get_uint64());
  return wrong_type(key, "un número entero");
}

result<bool> get_bool(const json::object& msg, std::string_view key) {
  const json::value* v = msg.if_contains(key);
  if (!v)
    return missing(key);
  if (!v->is_bool())
    return wrong_type(key, "true o false");
  return v->get_bool();
}

result<std::optional<std::string_view>> get_optional_string(const json::object& msg,
                                                            std::string_view key) {
  if (!msg.contains(key))
    return std::optional<std::string_view>{};
  auto s = get_string(msg, key);
  if (!s)
    return s.error();
  return std::optional<std::string_view>{*s};
}

result<std::optional<std::int64_t>> get_optional_int(const json::object& msg,
                                                     std::string_view key) {
  if (!msg.contains(key))
    return std::optional<std::int64_t>{};
  auto i = get_int(msg, key);
  if (!i)
    return i.error();
  return std::optional<std::int64_t>{*i};
}

std::optional<std::int64_t> request_id(const json::object& msg) {
  auto id = get_int(msg, "id");
  if (!id)
    return std::nullopt;
  return *id;
}

json::object make_request(std::string_view type, std::int64_t id) {
  json::object o;
  o["type"] = type;
  o["id"] = id;
  return o;
}

json::object make_event(std::string_view type) {
  json::object o;
  o["type"] = type;
  return o;
}

json::object make_ok(std::string_view type, std::optional<std::int64_t> id) {
  json::object o;
  o["type"] = type;
  if (id)
    o["id"] = *id;
  else
    o["id"] = nullptr;
  o["ok"] = true;
  return o;
}

json::object make_error(std::string_view type, std::optional<std::int64_t> id, const failure& f) {
  json::object o;
  o["type"] = type;
  if (id)
    o["id"] = *id;
  else
    o["id"] = nullptr;
  o["ok"] = false;
  json::object err;
  err["code"] = code_name(f.code);
  err["message"] = f.message;
  o["error"] = std::move(err);
  return o;
}

std::optional<failure> reply_failure(const json::object& reply) {
  const json::value* ok = reply.if_contains("ok");
  if (ok && ok->is_bool() && ok->get_bool())
    return std::nullopt;
  failure f{errc::internal, "Respuesta inválida del servidor."};
  const json::value* err = reply.if_contains("error");
  if (err && err->is_object()) {
    const auto& e = err->get_object();
    if (auto m = get_string(e, "message"))
      f.message = std::string(*m);
    if (auto c = get_string(e, "code")) {
      for (int i = 0; i <= static_cast<int>(errc::internal); ++i) {
        if (code_name(static_cast<errc>(i)) == *c)
          f.code = static_cast<errc>(i);
      }
    }
  }
  return f;
}

std::string clip_utf8(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes)
    return std::string(text);
  std::size_t end = max_bytes;
  // Step back over continuation bytes (10xxxxxx) so no character is cut in half.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
    --end;
  return std::string(text.substr(0, end)) + "…";
}

namespace {

bool is_control(unsigned char c, std::string_view allowed) {
  return (c < 0x20 || c == 0x7F) && allowed.find(static_cast<char>(c)) == std::string_view::npos;
}

}  // namespace

bool has_control_chars(std::string_view text, std::string_view allowed) {
  for (char c : text) {
    if (is_control(static_cast<unsigned char>(c), allowed))
      return true;
  }
  return false;
}

std::size_t utf8_sequence(std::string_view text, std::size_t i, char32_t& cp) {
  const auto c = static_cast<unsigned char>(text[i]);
  std::size_t extra = 0;
  if (c < 0x80) {
    cp = c;
    return 1;
  }
  if (c >= 0xC2 && c <= 0xDF) {
    extra = 1;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    extra = 2;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    extra = 3;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (text.size() - i <= extra)
    return 0;
  for (std::size_t k = 1; k <= extra; ++k) {
    const auto cc = static_cast<unsigned char>(text[i + k]);
    if ((cc & 0xC0) != 0x80)
      return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  if ((extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000) || cp > 0x10FFFF ||
      (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return extra + 1;
}

namespace {

// The non-ASCII code points escape_control_chars writes out (see message.hpp).
bool is_unsafe_code_point(char32_t cp) {
  return (cp >= 0x80 && cp <= 0x9F) || cp == 0x061C || cp == 0x200E || cp == 0x200F ||
         (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

}  // namespace

std::string escape_control_chars(std::string_view text, std::string_view allowed) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if (is_control(c, allowed)) {
        out += "\\x";
        out.push_back(hex[c >> 4]);
        out.push_back(hex[c & 0xF]);
      } else {
        out.push_back(static_cast<char>(c));
      }
      ++i;
      continue;
    }
    char32_t cp = 0;
    const std::size_t n = utf8_sequence(text, i, cp);
    if (n == 0) {  // not UTF-8: this byte alone, visibly
      out += "\\x";
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 0xF]);
      ++i;
      continue;
    }
    if (is_unsafe_code_point(cp)) {
      out += "\\u";
      for (int shift = 12; shift >= 0; shift -= 4)
        out.push_back(hex[(cp >> shift) & 0xF]);
    } else {
      out.append(text.substr(i, n));
    }
    i += n;
  }
  return out;
}

std::string echo_value(std::string_view text, std::size_t max_bytes) {
  return escape_control_chars(clip_utf8(text, max_bytes));
}

}  // namespace tcs
