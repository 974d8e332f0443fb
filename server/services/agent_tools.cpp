// Canned replies and customer notes: checked, then stored.
#include "server/services/agent_tools.hpp"

#include <algorithm>

namespace tcs::services {

namespace {

bool valid_name(std::string_view name) {
  return !name.empty() && name.size() <= max_canned_name_bytes &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_';
         });
}

bool has_bad_controls(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto b = static_cast<unsigned char>(c);
    return (b < 0x20 && c != '\n' && c != '\t') || b == 0x7f;
  });
}

std::string_view trim_spaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

const failure bad_name{
    errc::invalid_field,
    "El nombre de una respuesta predefinida tiene de 1 a 32 letras (sin tildes), "
    "dígitos, '-' o '_'."};

}  // namespace

std::string fill_placeholders(std::string_view text, std::string_view first_name) {
  std::string out;
  for (;;) {
    const auto at = text.find(first_name_placeholder);
    out.append(text.substr(0, at));
    if (at == std::string_view::npos)
      return out;
    out.append(first_name);
    text.remove_prefix(at + first_name_placeholder.size());
  }
}

result<void> agent_tools::add_canned(std::string_view name, std::string_view text,
                                     std::int64_t now) {
  if (!valid_name(name))
    return bad_name;
  text = trim_spaces(text);
  if (text.empty() || text.size() > max_canned_text_bytes || has_bad_controls(text))
    return failure{errc::invalid_field, "El texto debe tener entre 1 y " +
                                            std::to_string(max_canned_text_bytes) +
                                            " bytes, sin caracteres de control."};
  if (!store::canned_repository(db_).add(name, text, now))
    return failure{errc::invalid_state, "Ya existe una respuesta predefinida con ese nombre."};
  return {};
}

std::vector<store::canned_reply_record> agent_tools::canned() {
  return store::canned_repository(db_).list();
}

result<std::string> agent_tools::fill_canned(std::string_view name, std::string_view first_name) {
  std::optional<store::canned_reply_record> found;
  if (valid_name(name))
    found = store::canned_repository(db_).find(name);
  if (!found)
    return failure{errc::not_found, "No hay una respuesta predefinida llamada «" +
                                        std::string(name.substr(0, max_canned_name_bytes)) +
                                        "» (:r las lista)."};
  return fill_placeholders(found->text, first_name);
}

result<void> agent_tools::remove_canned(std::string_view name) {
  if (!valid_name(name) || !store::canned_repository(db_).remove(name))
    return failure{errc::not_found, "No hay una respuesta predefinida con ese nombre."};
  return {};
}

result<store::note_record> agent_tools::add_note(std::int64_t customer_id,
                                                 std::int64_t executive_id, std::string_view text,
                                                 std::int64_t now) {
  text = trim_spaces(text);
  if (text.empty())
    return failure{errc::invalid_field, "La nota está vacía: escriba :nota TEXTO."};
  if (text.size() > max_note_bytes)
    return failure{errc::invalid_field, "La nota es demasiado larga (máximo " +
                                            std::to_string(max_note_bytes) + " bytes; tiene " +
                                            std::to_string(text.size()) + ")."};
  store::note_record note;
  note.id = store::note_repository(db_).add(customer_id, executive_id, text, now);
  note.customer_id = customer_id;
  note.executive_id = executive_id;
  note.text = std::string(text);
  note.at = now;
  return note;
}

std::vector<store::note_record> agent_tools::notes(std::int64_t customer_id,
                                                   std::optional<std::int64_t> after,
                                                   std::int64_t limit) {
  return store::note_repository(db_).for_customer(customer_id, after, limit);
}

std::int64_t agent_tools::count_notes(std::int64_t customer_id) {
  return store::note_repository(db_).count_for_customer(customer_id);
}

bool agent_tools::typing_due(bool customer, std::int64_t account_id, std::int64_t now_ms) {
  auto [it, fresh] = typing_at_ms_.try_emplace(customer ? account_id : -account_id, now_ms);
  if (fresh)
    return true;
  if (now_ms - it->second < typing_interval_ms && now_ms >= it->second)
    return false;
  it->second = now_ms;
  return true;
}

}  // namespace tcs::services
