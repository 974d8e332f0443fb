// The activity log: every customer request and every executive action, with time, actor and
// outcome (feeds the executive's `:history` and `:details`). Sans-io.
//
// Contract: record() appends one row: part of the caller's write_transaction if one is open,
// otherwise committed on its own (under the server's group commit, a moment later together
// with other rows: see store::database::defer; reads always see it). `detail` is clipped to
// max_activity_detail_bytes on a UTF-8 boundary so echoed user text cannot grow the log without
// bound. Reads are newest first.
#pragma once

#include "server/store/activity_repository.hpp"
#include "server/store/database.hpp"

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace tcs::services {

inline constexpr std::size_t max_activity_detail_bytes = 500;

class activity_log {
 public:
  explicit activity_log(store::database& db) : db_(db) {}

  // actor_role: "customer" | "executive" | "system" | "admin". outcome: "ok" or an error code
  // name (code_name(errc)).
  void record(std::int64_t at, std::string_view actor_role, std::optional<std::int64_t> actor_id,
              std::optional<std::int64_t> customer_id, std::string_view action,
              std::string_view detail, std::string_view outcome);

  std::vector<store::activity_record> for_customer(
      std::int64_t customer_id, std::optional<std::int64_t> limit = std::nullopt);
  std::optional<store::activity_record> last_for_customer(std::int64_t customer_id);
  // A page of for_customer() (keyset, see store::activity_repository::page_for_customer): at
  // most limit + 1 entries after the entry `after`, and how many entries there are in all.
  std::vector<store::activity_record> page_for_customer(std::int64_t customer_id,
                                                        std::optional<std::int64_t> after,
                                                        std::int64_t limit);
  std::int64_t count_for_customer(std::int64_t customer_id);

 private:
  store::database& db_;
};

}  // namespace tcs::services
