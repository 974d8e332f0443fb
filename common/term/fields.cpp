// Never-throwing field access for the terminals.
#include "common/term/fields.hpp"

namespace tcs::term {

std::string text_field(const json::object& o, std::string_view key, std::string_view fallback) {
  if (auto v = get_string(o, key))
    return std::string(*v);
  return std::string(fallback);
}

std::int64_t int_field(const json::object& o, std::string_view key, std::int64_t fallback) {
  if (auto v = get_int(o, key))
    return *v;
  return fallback;
}

bool bool_field(const json::object& o, std::string_view key, bool fallback) {
  if (auto v = get_bool(o, key))
    return *v;
  return fallback;
}

const json::object* object_field(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_object() ? &v->get_object() : nullptr;
}

const json::array& array_field(const json::object& o, std::string_view key) {
  static const json::array empty;
  const json::value* v = o.if_contains(key);
  return v && v->is_array() ? v->get_array() : empty;
}

std::vector<json::object> objects(const json::array& array) {
  std::vector<json::object> out;
  for (const auto& v : array) {
    if (v.is_object())
      out.push_back(v.get_object());
  }
  return out;
}

}  // namespace tcs::term
