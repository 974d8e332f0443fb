// Scenario plumbing: spawning, waiting, sleeping, the measured window and error counts.
#include "bench/run.hpp"

#include <boost/asio/as_tuple.hpp>

#include <algorithm>
#include <vector>

namespace tcs::bench {

namespace {
// Distinct error messages listed in the report.
constexpr std::size_t max_listed_errors = 5;
}  // namespace

void error_counter::describe(report& r) const {
  r.field("errors", total_);
  if (total_ == 0)
    return;
  std::vector<std::pair<std::size_t, std::string>> by_count;
  for (const auto& [what, n] : counts_)
    by_count.emplace_back(n, what);
  std::sort(by_count.rbegin(), by_count.rend());
  r.line("ERRORS: " + std::to_string(total_));
  for (std::size_t i = 0; i < by_count.size() && i < max_listed_errors; ++i)
    r.line("  " + std::to_string(by_count[i].first) + " x " + by_count[i].second);
}

awaitable<void> wait_group::wait() {
  while (count_ > 0)
    co_await timer_.async_wait(use_nothrow);
}

bench_run::bench_run(asio::io_context& io, const options& o)
    : ex(io.get_executor()), opt(o), endpoint(asio::ip::make_address(o.host), o.port) {}

awaitable<void> bench_run::sleep(double seconds) {
  asio::steady_timer t(ex);
  t.expires_after(std::chrono::duration_cast<clock::duration>(clock_seconds(seconds)));
  co_await t.async_wait(use_nothrow);
}

awaitable<void> bench_run::sleep_until(clock::time_point when) {
  asio::steady_timer t(ex);
  t.expires_at(when);
  co_await t.async_wait(use_nothrow);
}

void bench_run::spawn(wait_group& group, awaitable<void> work, std::string what) {
  group.add();
  asio::co_spawn(ex, std::move(work), [this, &group, what = std::move(what)](std::exception_ptr e) {
    if (e && !stopping) {
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        errors.add(what + ": " + ex.what());
      }
    }
    group.done();
  });
}

awaitable<void> bench_run::for_each(std::size_t n, std::size_t limit,
                                    const std::function<awaitable<void>(std::size_t)>& job,
                                    std::string what) {
  std::size_t next = 0;
  wait_group group(ex);
  auto worker = [&]() -> awaitable<void> {
    while (next < n) {
      const std::size_t i = next++;
      co_await job(i);
    }
  };
  const std::size_t workers = std::max<std::size_t>(1, std::min(limit, n));
  for (std::size_t k = 0; k < workers && k < n; ++k)
    spawn(group, worker(), what);
  co_await group.wait();
}

awaitable<void> bench_run::measure(window& w) {
  co_await sleep(opt.warmup_s);
  w.begin();
  co_await sleep(opt.duration_s);
  w.end();
  stopping = true;
}

awaitable<void> bench_run::wait_or_give_up(wait_group& group, double timeout_s,
                                           const std::function<void()>& give_up, std::string what) {
  const auto deadline =
      clock::now() + std::chrono::duration_cast<clock::duration>(clock_seconds(timeout_s));
  while (group.running() > 0) {
    if (clock::now() >= deadline) {
      errors.add(what + ": " + std::to_string(group.running()) + " still running after " +
                 fixed(timeout_s, 0) + " s; closing their connections");
      give_up();
      co_await group.wait();
      co_return;
    }
    co_await sleep(0.05);
  }
}

awaitable<void> bench_run::hold_sessions(std::size_t count, const open_fn& open,
                                         const idle_fn& idle, report& r) {
  std::vector<std::shared_ptr<socket_io>> conns(count);
  wait_group readers(ex);
  const proc_sample before = read_proc(opt.server_pid);
  window setup(opt.server_pid);
  setup.begin();
  std::size_t established = 0;
  const std::function<awaitable<void>(std::size_t)> job = [&](std::size_t i) -> awaitable<void> {
    const auto started = clock::now();
    auto c = co_await open(i);
    conns[i] = c;
    ++established;
    setup.record(started);
    spawn(readers, idle(c), "idle connection");
  };
  co_await for_each(count, opt.concurrency, job, "set-up");
  setup.end();
  const proc_sample loaded = read_proc(opt.server_pid);

  window quiet(opt.server_pid);
  quiet.begin();
  co_await sleep(opt.duration_s);
  quiet.end();
  const proc_sample after = read_proc(opt.server_pid);
  stopping = true;
  for (auto& c : conns) {
    if (c)
      c->close();
  }
  co_await readers.wait();

  r.field("connections", count);
  r.field("established", established);
  r.line(std::to_string(established) + " of " + std::to_string(count) +
         " connections established and idle");
  r.add_window(setup, "setup", "set-ups");
  if (before.ok && after.ok) {
    const double per_conn_before_idle = established
                                            ? static_cast<double>(loaded.rss_kb - before.rss_kb) *
                                                  1024.0 / static_cast<double>(established)
                                            : 0;
    const double per_conn = established ? static_cast<double>(after.rss_kb - before.rss_kb) *
                                              1024.0 / static_cast<double>(established)
                                        : 0;
    const double idle_cpu = after.cpu_s - loaded.cpu_s;
    r.field("rss_before_kb", before.rss_kb);
    r.field("rss_after_kb", after.rss_kb);
    r.field("rss_per_connection_bytes", per_conn);
    r.field("idle_cpu_percent", quiet.seconds() > 0 ? idle_cpu / quiet.seconds() * 100 : 0);
    r.line("server RSS " + std::to_string(before.rss_kb) + " kB before, " +
           std::to_string(loaded.rss_kb) + " kB when all were set up, " +
           std::to_string(after.rss_kb) + " kB after " + fixed(quiet.seconds(), 1) +
           " s idle: " + fixed(per_conn, 0) + " bytes per connection (" +
           fixed(per_conn_before_idle, 0) + " right after set-up)");
    r.line("server CPU while idle: " + fixed(idle_cpu, 2) + " s (" +
           fixed(quiet.seconds() > 0 ? idle_cpu / quiet.seconds() * 100 : 0, 1) + "% of a core)");
  }
}

}  // namespace tcs::bench
