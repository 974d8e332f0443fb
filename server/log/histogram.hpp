// A fixed-bucket histogram of durations, for the server's metrics (GET /metrics renders it in
// Prometheus' format: cumulative buckets, _sum and _count). Not thread-safe: one thread
// observes and reads it (the loop).
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace tcs::log {

// Upper bounds in seconds, from 100 µs to 10 s: a WAL sync, a request, a customer's wait.
inline constexpr std::array<double, 12> duration_buckets_s = {
    0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 60};

struct duration_histogram {
  std::array<std::uint64_t, duration_buckets_s.size()> buckets{};  // not cumulative
  std::uint64_t count = 0;                                         // all, +Inf included
  double sum_s = 0;

  void observe(std::chrono::nanoseconds d) {
    const double s = std::chrono::duration<double>(d).count();
    ++count;
    sum_s += s;
    for (std::size_t i = 0; i < duration_buckets_s.size(); ++i) {
      if (s <= duration_buckets_s[i]) {
        ++buckets[i];
        return;
      }
    }
  }
};

}  // namespace tcs::log
