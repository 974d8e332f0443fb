// What every scenario shares: the command-line options, the loop and the server address, the
// stop flag, error counting, and helpers to run many coroutines and wait for them.
#pragma once

#include "bench/net.hpp"
#include "bench/stats.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace tcs::bench {

struct options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 5555;
  double duration_s = 10;  // the measured window
  double warmup_s = 2;     // load before the window opens (not measured)
  std::optional<int> server_pid;
  std::string prefix = "bench";        // accounts made by `tcs-bench accounts`
  std::string storm_prefix = "storm";  // login-storm: accounts with the real password cost
  std::int64_t offset = 0;             // accounts used start at index offset + 1
  std::size_t concurrency = 64;        // connections being set up at once
  std::size_t executives = 0;          // sessions: executives beside the customers (0: N/100)
  std::size_t pairs = 100;             // login-storm: relay pairs running under the storm
  std::size_t storm_accounts = 100;    // login-storm: storm-c00001.. cycled through
};

// Counts failures by message; the report shows the total and the most frequent.
class error_counter {
 public:
  void add(const std::string& what) {
    ++counts_[what];
    ++total_;
  }
  std::size_t total() const noexcept { return total_; }
  void describe(report& r) const;

 private:
  std::map<std::string, std::size_t> counts_;
  std::size_t total_ = 0;
};

// Counts running coroutines; wait() returns once they have all finished.
class wait_group {
 public:
  explicit wait_group(asio::any_io_executor ex) : timer_(std::move(ex)) {
    timer_.expires_at(clock::time_point::max());
  }
  void add() { ++count_; }
  void done() {
    if (--count_ == 0)
      timer_.cancel();
  }
  std::size_t running() const noexcept { return count_; }
  awaitable<void> wait();

 private:
  asio::steady_timer timer_;
  std::size_t count_ = 0;
};

class bench_run {
 public:
  bench_run(asio::io_context& io, const options& opt);

  asio::any_io_executor ex;
  const options& opt;
  tcp::endpoint endpoint;
  // Set when the measured window is over: closed loops finish their current operation and
  // stop; failures after it (connections closed on purpose) are not errors.
  bool stopping = false;
  error_counter errors;
  // Executives' TOTP codes: the first executive login of the run finds out which code works
  // (see log_in in tcs_scenarios.cpp) while the others wait, so a spent code costs at most
  // one failed login (each counts towards the server's lock-out of the address).
  enum class totp_probe { not_started, running, done } totp_state = totp_probe::not_started;
  std::int64_t totp_not_before = 0;  // Unix seconds: send codes only from then on

  awaitable<void> sleep(double seconds);
  awaitable<void> sleep_until(clock::time_point t);

  // Starts `work` on the loop; counted in `group`; an exception is counted as an error
  // (prefixed with `what`) unless the run is stopping.
  void spawn(wait_group& group, awaitable<void> work, std::string what);

  // Runs job(0) ... job(n - 1), at most `limit` at a time. (The job is taken by reference:
  // name it before the co_await, see docs/architecture.md, section 4.9, on GCC 12 and lambda
  // temporaries.)
  awaitable<void> for_each(std::size_t n, std::size_t limit,
                           const std::function<awaitable<void>(std::size_t)>& job,
                           std::string what);

  // Warm-up, then the measured window `w` (begin/end), then stopping = true.
  awaitable<void> measure(window& w);

  // Waits for `group`; if it is still running after `timeout_s`, counts an error, calls
  // `give_up` (which closes the connections) and waits for the rest.
  awaitable<void> wait_or_give_up(wait_group& group, double timeout_s,
                                  const std::function<void()>& give_up, std::string what);

  // The sessions scenarios' common part: opens `count` connections (open(i) connects and
  // logs in or registers, then returns the connection), keeps each one read by idle(conn)
  // while the window runs, and reports set-up rate and latency, server RSS per connection
  // and idle CPU into `r`.
  using open_fn = std::function<awaitable<std::shared_ptr<socket_io>>(std::size_t)>;
  using idle_fn = std::function<awaitable<void>(std::shared_ptr<socket_io>)>;
  awaitable<void> hold_sessions(std::size_t count, const open_fn& open, const idle_fn& idle,
                                report& r);
};

using clock_seconds = std::chrono::duration<double>;

}  // namespace tcs::bench
