// Chat lines: checked, then kept in the transcript.
#include "server/services/chat_service.hpp"

#include <string>

namespace tcs::services {

result<void> chat_service::send(std::int64_t customer_id, std::int64_t executive_id,
                                bool from_customer, std::string_view text, std::int64_t at) {
  if (text.empty() || text.size() > max_chat_text_bytes)
    return failure{errc::invalid_field, "El mensaje debe tener entre 1 y " +
                                            std::to_string(max_chat_text_bytes) + " bytes."};
  auto open = open_.find(customer_id);
  std::optional<std::int64_t> chat_id;
  if (open != open_.end()) {
    chat_id = open->second.id;
    ++open->second.lines;
  }
  chat_.append(customer_id, executive_id, from_customer ? "customer" : "executive", text, at,
               chat_id);
  return {};
}

std::vector<chat_line> chat_service::transcript(std::int64_t customer_id,
                                                std::optional<std::int64_t> limit) {
  return chat_.for_customer(customer_id, limit);
}

void chat_service::chat_started(std::int64_t customer_id, std::int64_t executive_id,
                                std::int64_t queued_at, std::int64_t now) {
  to_rate_.erase(customer_id);  // a new chat: the last one can no longer be rated
  const std::int64_t id = new_chat_id();
  chats_.start(id, customer_id, executive_id, queued_at, now, std::nullopt);
  open_[customer_id] = {id, 0};
}

std::int64_t chat_service::new_chat_id() {
  if (next_chat_id_ == 0)
    next_chat_id_ = chats_.next_id();
  return next_chat_id_++;
}

void chat_service::chat_ended(std::int64_t customer_id, std::int64_t now, std::string_view outcome,
                              bool survey) {
  auto it = open_.find(customer_id);
  if (it == open_.end())
    return;
  chats_.end(it->second.id, now, outcome, it->second.lines);
  if (survey)
    to_rate_[customer_id] = it->second.id;
  open_.erase(it);
}

void chat_service::chat_transferred(std::int64_t customer_id, std::int64_t to_executive,
                                    std::int64_t now) {
  auto it = open_.find(customer_id);
  if (it == open_.end())
    return;
  const std::int64_t before = it->second.id;
  chats_.end(before, now, "transferred", it->second.lines);
  // The next part keeps its customer's queue time: the record says when it was first asked.
  const auto first = chats_.find(before);
  const std::int64_t id = new_chat_id();
  chats_.start(id, customer_id, to_executive, first ? first->queued_at : now, now, before);
  it->second = {id, 0};
}

std::optional<std::int64_t> chat_service::open_chat(std::int64_t customer_id) const {
  auto it = open_.find(customer_id);
  if (it == open_.end())
    return std::nullopt;
  return it->second.id;
}

result<std::int64_t> chat_service::rate(std::int64_t customer_id, std::int64_t rating,
                                        std::string_view comment) {
  if (rating < 0 || rating > 5)
    return failure{errc::invalid_field, "La evaluación es un número del 1 al 5 (0 = omitir)."};
  if (comment.size() > max_rating_comment_bytes)
    return failure{errc::invalid_field, "El comentario es demasiado largo (máximo " +
                                            std::to_string(max_rating_comment_bytes) + " bytes)."};
  auto it = to_rate_.find(customer_id);
  if (it == to_rate_.end())
    return failure{errc::invalid_state, "No hay una conversación por evaluar."};
  const std::int64_t chat_id = it->second;
  to_rate_.erase(it);
  if (rating > 0)
    chats_.rate(chat_id, rating, comment);
  return chat_id;
}

std::vector<store::chat_record> chat_service::chats(std::int64_t customer_id,
                                                    std::optional<std::int64_t> after,
                                                    std::int64_t limit) {
  return chats_.for_customer(customer_id, after, limit);
}

std::int64_t chat_service::count_chats(std::int64_t customer_id) {
  return chats_.count_for_customer(customer_id);
}

result<store::chat_record> chat_service::chat(std::int64_t customer_id, std::int64_t chat_id) {
  auto found = chats_.find(chat_id);
  if (!found || found->customer_id != customer_id)
    return failure{errc::not_found, "La conversación #" + std::to_string(chat_id) +
                                        " no es de este cliente (:conversaciones las lista)."};
  return std::move(*found);
}

std::vector<chat_line> chat_service::lines(const store::chat_record& chat,
                                           std::optional<std::int64_t> after, std::int64_t limit) {
  return chats_.lines(chat, after, limit);
}

std::int64_t chat_service::count_lines(const store::chat_record& chat) {
  return chats_.count_lines(chat);
}

}  // namespace tcs::services
