// The supervisor's report (`tcs-server report`, issue 17): per executive and in total, chats
// handled, median and 90th percentile of the waiting time and of the chat's length, offers made
// and accepted, the satisfaction survey's average and count, transfers; per day, customers
// who gave up waiting. Pure: computed from store::report_data (report_reader.hpp).
//
// Contract:
// - Percentiles by the nearest-rank method: the p-th percentile of n sorted values is the
//   value of rank ceil(p/100 * n) (the median of 1, 2, 3, 4 is 2; its p90 is 4); none for no
//   values.
// - A chat counts for the executive that held it; a transferred chat is two chats (one per
//   executive; the first counts a transfer). Waiting time: from joining the queue to being
//   taken (a customer put back at the head keeps its first join), only for chats taken from
//   the queue. Length: start to end, only for ended chats.
// - Executives with no chat and no offer in the range are left out of the rows (not of the
//   total).
#pragma once

#include "server/store/report_reader.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tcs::services {

struct report_figures {
  std::int64_t chats = 0;
  std::optional<std::int64_t> wait_median_s, wait_p90_s;
  std::optional<std::int64_t> duration_median_s, duration_p90_s;
  std::int64_t offers = 0, accepted = 0;
  std::optional<double> csat_average;
  std::int64_t csat_count = 0;
  std::int64_t transfers = 0;
};

struct report_row {
  std::string name, email;
  report_figures figures;
};

struct supervisor_report {
  std::vector<report_row> executives;
  report_figures total;
  std::vector<store::gave_up_fact> gave_up;
};

std::optional<std::int64_t> percentile(std::vector<std::int64_t> values, int p);

supervisor_report build_report(const store::report_data& data);

}  // namespace tcs::services
