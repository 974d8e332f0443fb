// GET /metrics on the web port: the server's counters in Prometheus' text exposition format,
// version 0.0.4 (`# HELP`, `# TYPE`, one `name{labels} value` line per sample; histograms as
// cumulative `_bucket{le=...}` lines with `_sum` and `_count`). Read from the loop thread when
// a scrape comes: nothing is counted for it that is not counted anyway.
//
// Who may read it: loopback peers, and those --metrics-allow names (addresses or prefixes
// such as 10.0.0.0/24); others get 403. The page says how busy the store is and which requests
// fail, which is nobody else's business.
#pragma once

#include "server/dispatch/dispatcher.hpp"
#include "server/dispatch/server_state.hpp"
#include "server/security/password_pool.hpp"
#include "server/services/support_desk.hpp"
#include "server/store/group_commit.hpp"

#include <boost/asio/ip/address.hpp>

#include <string>
#include <vector>

namespace tcs::net {

inline constexpr const char* metrics_content_type = "text/plain; version=0.0.4; charset=utf-8";

// Why an entry of --metrics-allow is not an address or a prefix, or empty when all are.
std::string metrics_allow_error(const std::vector<std::string>& allow);

// Whether `peer` may read /metrics: loopback, or in one of `allow`'s addresses or prefixes.
bool metrics_allowed(const boost::asio::ip::address& peer, const std::vector<std::string>& allow);

// What the page is made of; all outlive the server's loop.
struct metrics_sources {
  const server_state& state;
  const dispatcher& commands;
  const services::support_desk& desk;
  const store::group_commit& commits;
  const security::password_pool& passwords;
};

// The page's text.
std::string render_metrics(const metrics_sources& sources);

}  // namespace tcs::net
