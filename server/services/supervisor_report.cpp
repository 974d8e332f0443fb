// The report's figures (supervisor_report.hpp).
#include "server/services/supervisor_report.hpp"

#include <algorithm>
#include <unordered_map>

namespace tcs::services {

namespace {

struct samples {
  std::vector<std::int64_t> waits, durations;
  std::int64_t chats = 0, rating_sum = 0, ratings = 0, transfers = 0;

  void add(const store::chat_fact& c) {
    ++chats;
    if (c.wait_s >= 0)
      waits.push_back(c.wait_s);
    if (c.duration_s >= 0)
      durations.push_back(c.duration_s);
    if (c.rating > 0) {
      rating_sum += c.rating;
      ++ratings;
    }
    if (c.transferred)
      ++transfers;
  }

  report_figures figures(std::int64_t offers, std::int64_t accepted) const {
    report_figures f;
    f.chats = chats;
    f.wait_median_s = percentile(waits, 50);
    f.wait_p90_s = percentile(waits, 90);
    f.duration_median_s = percentile(durations, 50);
    f.duration_p90_s = percentile(durations, 90);
    f.offers = offers;
    f.accepted = accepted;
    if (ratings > 0)
      f.csat_average = static_cast<double>(rating_sum) / static_cast<double>(ratings);
    f.csat_count = ratings;
    f.transfers = transfers;
    return f;
  }
};

}  // namespace

std::optional<std::int64_t> percentile(std::vector<std::int64_t> values, int p) {
  if (values.empty())
    return std::nullopt;
  std::sort(values.begin(), values.end());
  const auto n = static_cast<std::int64_t>(values.size());
  const std::int64_t rank = std::max<std::int64_t>(1, (p * n + 99) / 100);  // ceil(p/100 * n)
  return values[static_cast<std::size_t>(std::min(rank, n) - 1)];
}

supervisor_report build_report(const store::report_data& data) {
  std::unordered_map<std::int64_t, samples> by_executive;
  samples all;
  for (const auto& c : data.chats) {
    by_executive[c.executive_id].add(c);
    all.add(c);
  }
  supervisor_report out;
  std::int64_t offers = 0, accepted = 0;
  for (const auto& e : data.executives) {
    offers += e.offers;
    accepted += e.accepted;
    auto it = by_executive.find(e.id);
    if (it == by_executive.end() && e.offers == 0 && e.accepted == 0)
      continue;
    const samples none;
    out.executives.push_back(
        {e.name, e.email,
         (it == by_executive.end() ? none : it->second).figures(e.offers, e.accepted)});
  }
  out.total = all.figures(offers, accepted);
  out.gave_up = data.gave_up;
  return out;
}

}  // namespace tcs::services
