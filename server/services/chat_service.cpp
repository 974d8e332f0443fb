// Chat lines: checked, then kept in the transcript.
#include "server/services/chat_service.hpp"

#include <string>

namespace tcs::services {

result<void> chat_service::send(std::int64_t customer_id, std::int64_t executive_id,
                                bool from_customer, std::string_view text, std::int64_t at) {
  if (text.empty() || text.size() > max_chat_text_bytes)
    return failure{errc::invalid_field, "El mensaje debe tener entre 1 y " +
                                            std::to_string(max_chat_text_bytes) + " bytes."};
  chat_.append(customer_id, executive_id, from_customer ? "customer" : "executive", text, at);
  return {};
}

std::vector<chat_line> chat_service::transcript(std::int64_t customer_id,
                                                std::optional<std::int64_t> limit) {
  return chat_.for_customer(customer_id, limit);
}

}  // namespace tcs::services
