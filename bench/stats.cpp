// Latency percentiles, /proc readings and the report.
#include "bench/stats.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

namespace tcs::bench {

latency_samples::summary latency_samples::summarize() {
  summary s;
  s.n = ns_.size();
  if (ns_.empty())
    return s;
  std::sort(ns_.begin(), ns_.end());
  auto rank = [&](double p) {
    // Nearest rank: the smallest sample with at least p% of the samples at or below it.
    auto k = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(ns_.size())));
    k = std::clamp<std::size_t>(k, 1, ns_.size());
    return static_cast<double>(ns_[k - 1]) / 1000.0;
  };
  s.p50_us = rank(50);
  s.p90_us = rank(90);
  s.p99_us = rank(99);
  s.max_us = static_cast<double>(ns_.back()) / 1000.0;
  return s;
}

proc_sample read_proc(std::optional<int> pid) {
  proc_sample out;
  if (!pid)
    return out;
  const std::string base = "/proc/" + std::to_string(*pid);
  std::ifstream stat(base + "/stat");
  std::string text;
  if (!std::getline(stat, text))
    return out;
  // The command name (field 2) is in parentheses and may contain spaces: parse after the last
  // ')'. Then field 3 is the state; utime and stime are fields 14 and 15.
  const auto close = text.rfind(')');
  if (close == std::string::npos)
    return out;
  std::istringstream fields(text.substr(close + 2));
  std::string skip;
  for (int field = 3; field <= 13; ++field)
    fields >> skip;
  unsigned long long utime = 0, stime = 0;
  if (!(fields >> utime >> stime))
    return out;
  static const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  out.cpu_s = static_cast<double>(utime + stime) / ticks;

  std::ifstream status(base + "/status");
  while (std::getline(status, text)) {
    if (text.rfind("VmRSS:", 0) == 0) {
      out.rss_kb = std::stoll(text.substr(6));
      break;
    }
  }
  out.ok = true;
  return out;
}

double self_cpu_s() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto secs = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
  };
  return secs(u.ru_utime) + secs(u.ru_stime);
}

void window::begin() {
  s0_ = read_proc(pid_);
  bench0_ = self_cpu_s();
  t0_ = clock::now();
  measuring_ = true;
}

void window::end() {
  if (!measuring_)
    return;
  measuring_ = false;
  t1_ = clock::now();
  s1_ = read_proc(pid_);
  bench1_ = self_cpu_s();
}

double window::seconds() const {
  return std::chrono::duration<double>(t1_ - t0_).count();
}

std::optional<double> window::server_cpu_s() const {
  if (!s0_.ok || !s1_.ok)
    return std::nullopt;
  return s1_.cpu_s - s0_.cpu_s;
}

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

report::report(std::string_view scenario) {
  data_["scenario"] = scenario;
}

void report::add_window(window& w, std::string_view prefix, std::string_view op) {
  const std::string p(prefix.empty() ? "" : std::string(prefix) + "_");
  const auto s = w.samples().summarize();
  const double secs = w.seconds();
  const double rate = secs > 0 ? static_cast<double>(w.ops()) / secs : 0;
  data_[p + "seconds"] = secs;
  data_[p + "ops"] = w.ops();
  data_[p + "ops_per_s"] = rate;
  data_[p + "samples"] = s.n;
  data_[p + "p50_us"] = s.p50_us;
  data_[p + "p90_us"] = s.p90_us;
  data_[p + "p99_us"] = s.p99_us;
  data_[p + "max_us"] = s.max_us;
  const std::string label = prefix.empty() ? "" : std::string(prefix) + ": ";
  lines_.push_back(label + std::to_string(w.ops()) + " " + std::string(op) + " in " +
                   fixed(secs, 2) + " s = " + fixed(rate, 0) + " " + std::string(op) + "/s");
  lines_.push_back(label + "latency us (" + std::to_string(s.n) + " samples): p50 " +
                   fixed(s.p50_us) + "  p90 " + fixed(s.p90_us) + "  p99 " + fixed(s.p99_us) +
                   "  max " + fixed(s.max_us));
  if (auto cpu = w.server_cpu_s()) {
    const double per_op = w.ops() > 0 ? *cpu * 1e6 / static_cast<double>(w.ops()) : 0;
    data_[p + "server_cpu_s"] = *cpu;
    data_[p + "server_cpu_us_per_op"] = per_op;
    data_[p + "server_rss_kb"] = w.server_at_end().rss_kb;
    lines_.push_back(label + "server CPU " + fixed(*cpu, 2) + " s (" +
                     fixed(secs > 0 ? *cpu / secs * 100 : 0, 0) +
                     "% of a core) = " + fixed(per_op, 2) + " us per operation" + "; RSS " +
                     std::to_string(w.server_at_end().rss_kb) + " kB");
  } else {
    lines_.push_back(label + "server CPU and RSS: not measured (no --server-pid)");
  }
  const double bench_per_op =
      w.ops() > 0 ? w.bench_cpu_s() * 1e6 / static_cast<double>(w.ops()) : 0;
  data_[p + "bench_cpu_us_per_op"] = bench_per_op;
  lines_.push_back(label + "bench CPU " + fixed(w.bench_cpu_s(), 2) +
                   " s = " + fixed(bench_per_op, 2) + " us per operation");
}

void report::print() const {
  std::cout << "== " << data_.at("scenario").as_string().c_str() << "\n";
  for (const auto& l : lines_)
    std::cout << "  " << l << "\n";
  std::cout << "RESULT " << boost::json::serialize(data_) << "\n" << std::flush;
}

}  // namespace tcs::bench
