// What the network layer counts for the metrics (GET /metrics, metrics.hpp): connections
// accepted by transport, the peers closed for not reading, the requests' latency. The loop thread
// only.
#pragma once

#include "server/log/histogram.hpp"

#include <cstdint>

namespace tcs::net {

struct net_counters {
  std::uint64_t accepted_tcp = 0;        // sessions started on the TCP port, plaintext
  std::uint64_t accepted_tls = 0;        // sessions on the TCP port under TLS (handshake done)
  std::uint64_t accepted_ws = 0;         // WebSocket sessions on the web port
  std::uint64_t slow_reader_closes = 0;  // peers closed past --max-outbound-bytes
  std::uint64_t refused_busy = 0;        // connections refused over --max-connections
  // Every request's time from its hand-off to the dispatcher to its reply, all types together
  // (the dispatcher keeps the sum, count and maximum per type).
  log::duration_histogram request_latency;
};

// The process's counters.
inline net_counters counters;

}  // namespace tcs::net
