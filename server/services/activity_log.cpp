// The activity log service.
#include "server/services/activity_log.hpp"

#include "common/protocol/message.hpp"

namespace tcs::services {

void activity_log::record(std::int64_t at, std::string_view actor_role,
                          std::optional<std::int64_t> actor_id,
                          std::optional<std::int64_t> customer_id, std::string_view action,
                          std::string_view detail, std::string_view outcome) {
  // clip_utf8 appends "…" (3 bytes) when it cuts; keep the total within the limit.
  constexpr std::size_t ellipsis_bytes = 3;
  store::activity_repository(db_).append(
      at, actor_role, actor_id, customer_id, action,
      clip_utf8(detail, max_activity_detail_bytes - ellipsis_bytes), outcome);
}

std::vector<store::activity_record> activity_log::for_customer(std::int64_t customer_id,
                                                               std::optional<std::int64_t> limit) {
  return store::activity_repository(db_).for_customer(customer_id, limit);
}

std::optional<store::activity_record> activity_log::last_for_customer(std::int64_t customer_id) {
  auto last = store::activity_repository(db_).for_customer(customer_id, 1);
  if (last.empty()) {
    return std::nullopt;
  }
  return std::move(last.front());
}

std::vector<store::activity_record> activity_log::page_for_customer(
    std::int64_t customer_id, std::optional<std::int64_t> after, std::int64_t limit) {
  return store::activity_repository(db_).page_for_customer(customer_id, after, limit + 1);
}

std::int64_t activity_log::count_for_customer(std::int64_t customer_id) {
  return store::activity_repository(db_).count_for_customer(customer_id);
}

}  // namespace tcs::services
