// Measurements of a bench run: latency samples and their percentiles, the server's CPU time
// and memory read from /proc, the bench's own CPU time, and the report printed at the end.
#pragma once

#include <boost/json.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tcs::bench {

using clock = std::chrono::steady_clock;

// Every sample is kept (8 bytes each) so the percentiles are exact, not estimated.
class latency_samples {
 public:
  void add(clock::duration d) { ns_.push_back(d.count()); }
  std::size_t count() const noexcept { return ns_.size(); }

  struct summary {
    std::size_t n = 0;
    double p50_us = 0, p90_us = 0, p99_us = 0, max_us = 0;
  };
  // Nearest-rank percentiles over every sample (sorts them).
  summary summarize();

 private:
  std::vector<std::int64_t> ns_;
};

// One reading of a process: CPU time (utime + stime of every thread, /proc/PID/stat), resident
// memory (VmRSS, /proc/PID/status).
struct proc_sample {
  bool ok = false;
  double cpu_s = 0;
  std::int64_t rss_kb = 0;
};

// Reads /proc for `pid`; ok = false without a pid or when the process is gone.
proc_sample read_proc(std::optional<int> pid);

// This process's CPU time (user + system), seconds.
double self_cpu_s();

// A measurement window: time, server CPU and bench CPU at its start and end, and the
// operations completed inside it.
class window {
 public:
  explicit window(std::optional<int> server_pid) : pid_(server_pid) {}

  void begin();
  void end();
  bool measuring() const noexcept { return measuring_; }

  // Counts an operation finished now that started at `started`; ignored outside the window.
  void record(clock::time_point started) {
    if (!measuring_)
      return;
    ++ops_;
    samples_.add(clock::now() - started);
  }
  void count_only() {
    if (measuring_)
      ++ops_;
  }

  double seconds() const;
  std::uint64_t ops() const noexcept { return ops_; }
  latency_samples& samples() noexcept { return samples_; }
  // Server CPU seconds spent in the window; nullopt without a readable server.
  std::optional<double> server_cpu_s() const;
  double bench_cpu_s() const { return bench1_ - bench0_; }
  const proc_sample& server_at_end() const noexcept { return s1_; }

 private:
  std::optional<int> pid_;
  bool measuring_ = false;
  clock::time_point t0_{}, t1_{};
  proc_sample s0_, s1_;
  double bench0_ = 0, bench1_ = 0;
  std::uint64_t ops_ = 0;
  latency_samples samples_;
};

// The printed result: readable lines, then one machine-readable line
// `RESULT {"scenario": ..., ...}` (what bench/compare and the smoke test parse).
class report {
 public:
  explicit report(std::string_view scenario);

  void field(std::string_view key, boost::json::value v) { data_[key] = std::move(v); }
  // A window's throughput, latency (prefix_p50_us, ...), server CPU per op and RSS, under
  // `prefix` ("" for the main one). `op` names the operation in the readable text.
  void add_window(window& w, std::string_view prefix, std::string_view op);
  void line(std::string text) { lines_.push_back(std::move(text)); }

  // Prints to stdout.
  void print() const;
  const boost::json::object& data() const noexcept { return data_; }

 private:
  boost::json::object data_;
  std::vector<std::string> lines_;
};

// "12.3" with `decimals` digits.
std::string fixed(double v, int decimals = 1);

}  // namespace tcs::bench
