// Chat records, the current customer and the notes shown on arrival (agent_support.hpp).
#include "server/dispatch/agent_support.hpp"

#include "server/dispatch/support_common.hpp"

#include <algorithm>

namespace tcs::support {

result<std::int64_t> current_customer(request_context& ctx) {
  if (ctx.caller->who == role::customer)
    return ctx.caller->account_id;
  auto chat = current_chat(ctx.services.support(), *ctx.caller);
  if (!chat)
    return chat.error();
  return chat->customer_id;
}

void chat_began(services::service_set& services, std::int64_t customer_id,
                std::int64_t executive_id, std::int64_t waited_s) {
  const std::int64_t now = services.now();
  services.chat().chat_started(customer_id, executive_id, now - std::max<std::int64_t>(0, waited_s),
                               now);
}

void chat_finished(services::service_set& services, std::int64_t customer_id,
                   std::string_view reason) {
  const bool survey =
      services.options().satisfaction_survey &&
      (reason == "ended_by_executive" || reason == "ended_by_customer" || reason == "idle");
  services.chat().chat_ended(customer_id, services.now(), reason, survey);
}

json::object note_view(const store::note_record& n) {
  json::object o;
  o["id"] = n.id;
  o["author"] = n.executive_name;
  o["at"] = n.at;
  o["text"] = n.text;
  return o;
}

void add_notes(services::service_set& services, json::object& body, std::int64_t customer_id) {
  auto notes = services.tools().notes(customer_id, std::nullopt, notes_on_arrival);
  if (notes.empty())
    return;
  json::array out;
  for (const auto& n : notes)
    out.push_back(note_view(n));
  body["notes"] = std::move(out);
  body["notes_total"] = services.tools().count_notes(customer_id);
}

}  // namespace tcs::support
