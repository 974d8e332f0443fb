// Group commit: the loop's commits are made durable off the loop thread, many at a time, and
// the deferred appends (activity log, chat transcript) are written in batches.
//
// With the database in group-commit mode (store::database::enable_group_commit, done by the
// constructor for a file database), a commit on the loop only writes the WAL: the OS has it,
// so a killed server loses nothing, but a power cut could. Before a request that committed
// something is answered, make_durable() waits for an fdatasync of the WAL file, run on this
// class's sync thread and started after that commit; one sync serves every request waiting
// at the same time (group commit), and the loop never waits for the disk. Deferred appends
// are written deferred_flush_delay after the first of them (one transaction for all those
// made meanwhile; at once by any read of the log) and synced within lazy_sync_delay. A second
// thread checkpoints the WAL into the database file (SQLite's own checkpoint would fsync on the
// loop).
//
// What the syncs need is opened once, at start (the WAL file's descriptor, the checkpoint
// connection), so a process that later runs out of descriptors still syncs. A sync that fails
// is retried (sync_attempts, sync_retry_delay); if it keeps failing, the requests waiting for
// it are answered as done all the same, with an `[ERROR]` line: their operations are
// committed, and every reader sees them (they survive a killed server, only a power cut is not
// known to be survived). Reporting them as failed would make a customer who retries buy twice.
//
// For an in-memory database (unit tests) it is disabled: commits are synchronous as before
// and every function returns at once. Used on the loop thread only.
#pragma once

#include "server/log/histogram.hpp"
#include "server/store/database.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tcs::store {

class group_commit {
 public:
  // Deferred appends wait this long for others to share their transaction: a killed server
  // may lose the activity entries and chat lines of that last moment, never an operation.
  static constexpr auto deferred_flush_delay = std::chrono::milliseconds(10);
  // Deferred appends and commits that need no acknowledgement are synced this long after.
  static constexpr auto lazy_sync_delay = std::chrono::milliseconds(100);
  // The WAL is checkpointed into the database file at most this often (on its own thread):
  // often enough that it stays far below the backstop checkpoint on the loop (40 MB).
  static constexpr auto checkpoint_interval = std::chrono::milliseconds(250);
  // A failed WAL sync is tried this many times in all, this long apart, before the requests
  // waiting for it are answered without a confirmed sync (about a second: a client's patience).
  static constexpr int sync_attempts = 5;
  static constexpr auto sync_retry_delay = std::chrono::milliseconds(200);

  explicit group_commit(store::database& db);
  // Writes the deferred appends, syncs the WAL once more and joins the threads.
  ~group_commit();

  group_commit(const group_commit&) = delete;
  group_commit& operator=(const group_commit&) = delete;

  bool enabled() const noexcept { return enabled_; }

  // The loop's executor, where sync completions and deferred-append flushes run. Needed once
  // before the first make_durable (the dispatcher attaches it).
  bool attached() const noexcept { return ex_.has_value(); }
  void attach(boost::asio::any_io_executor ex);

  // Commits made so far that need an acknowledgement; pass it to must_wait / make_durable.
  std::uint64_t mark() const noexcept { return db_.durable_commits(); }
  // True when something committed since `mark` is not known to be on disk yet.
  bool must_wait(std::uint64_t mark) const noexcept {
    return enabled_ && db_.durable_commits() != mark && synced_ < db_.durable_commits();
  }
  // Returns once every commit made before the call is on disk, or once the sync failed
  // sync_attempts times (logged; the commits are done all the same). Never throws.
  boost::asio::awaitable<void> make_durable();

  // The shutdown: no lazy sync is armed any more (one armed is cancelled), so the loop ends
  // once the sessions are gone. A lazy sync that fails arms the next one, so while the WAL
  // cannot be synced (its file deleted, a failing disk) its timer would keep the loop running
  // for ever. make_durable() still syncs (its retries are bounded); what is left is written
  // and synced once more by the destructor, after the loop.
  void stop();

  // What the syncs did, for the metrics (GET /metrics): one sync is one batch of commits.
  struct sync_stats {
    std::uint64_t syncs = 0;  // finished, failed ones included
    std::uint64_t failed = 0;
    std::uint64_t commits = 0;        // acknowledged commits the good syncs covered
    log::duration_histogram latency;  // from the sync's start to its end, on the loop
  };
  const sync_stats& stats() const noexcept { return stats_; }

 private:
  struct waiter {
    std::uint64_t target = 0;
    boost::asio::steady_timer* timer = nullptr;
    bool done = false;
    int failures = 0;  // syncs covering this target that failed
  };

  void start_sync();
  void sync_finished(std::optional<std::string> error, std::uint64_t durable_target,
                     std::uint64_t all_target);
  void schedule_lazy_sync();
  void schedule_retry();
  // Opens what the syncs need (at start; again only if the WAL file was replaced).
  std::optional<std::string> open_wal();
  void flush_deferred();
  void maybe_checkpoint();
  // On the sync thread: fdatasync of the WAL file. An error text, or nullopt when synced.
  std::optional<std::string> sync_wal();

  store::database& db_;
  bool enabled_ = false;
  std::optional<boost::asio::any_io_executor> ex_;
  std::uint64_t synced_ = 0;      // durable_commits() covered by the last good sync
  std::uint64_t all_synced_ = 0;  // commits() covered by it
  bool syncing_ = false;
  std::chrono::steady_clock::time_point sync_started_;
  sync_stats stats_;
  std::unique_ptr<boost::asio::steady_timer> flush_timer_;
  bool flush_armed_ = false;
  std::vector<waiter*> waiters_;
  std::unique_ptr<boost::asio::steady_timer> lazy_timer_;
  bool lazy_armed_ = false;
  std::unique_ptr<boost::asio::steady_timer> retry_timer_;
  bool retry_armed_ = false;
  bool stopped_ = false;  // stop(): no more lazy syncs
  bool checkpointing_ = false;
  std::chrono::steady_clock::time_point last_checkpoint_{};

  // Touched only on the sync thread (and by the destructor after joining it).
  int wal_fd_ = -1;
  // Touched only on the checkpoint thread (and by the destructor after joining it).
  std::unique_ptr<SQLite::Database> checkpoint_db_;

  // Each started on first use: a database that never syncs (":memory:", a disabled group
  // commit, a short-lived server_state such as the fuzzer's one per input) starts no thread.
  std::optional<boost::asio::thread_pool> sync_thread_;
  std::optional<boost::asio::thread_pool> checkpoint_thread_;
  static boost::asio::thread_pool& started(std::optional<boost::asio::thread_pool>& pool);
};

}  // namespace tcs::store
