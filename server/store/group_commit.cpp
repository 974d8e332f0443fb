// Group commit: WAL syncs on a thread of their own, shared by the requests waiting for them.
#include "server/store/group_commit.hpp"

#include "server/log/console.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace tcs::store {

namespace asio = boost::asio;

namespace {
// The checkpoint connection waits this long for a lock (a passive checkpoint rarely needs it).
constexpr int checkpoint_busy_timeout_ms = 1000;
}  // namespace

group_commit::group_commit(store::database& db) : db_(db) {
  enabled_ = db_.enable_group_commit();
  if (!enabled_)
    return;
  // The threads too, so that a server short of resources later still has them.
  started(sync_thread_);
  started(checkpoint_thread_);
  // Opened now, while descriptors are sure to be available (and kept for the process's life).
  if (auto error = open_wal())
    log::error("opening the WAL for syncs failed (tried again at the first sync): " + *error);
  try {
    checkpoint_db_ = std::make_unique<SQLite::Database>(db_.path(), SQLite::OPEN_READWRITE,
                                                        checkpoint_busy_timeout_ms);
    // A first read opens the connection's WAL and shared-memory files too.
    (void)checkpoint_db_->execAndGet("SELECT count(*) FROM sqlite_master").getInt();
  } catch (const std::exception& e) {
    checkpoint_db_.reset();
    log::error(std::string("opening the checkpoint connection failed (tried again later): ") +
               e.what());
  }
  synced_ = db_.durable_commits();
  all_synced_ = db_.commits();
  db_.on_first_deferred([this] {
    if (!ex_ || flush_armed_)
      return;
    if (!flush_timer_)
      flush_timer_ = std::make_unique<asio::steady_timer>(*ex_);
    flush_armed_ = true;
    // Every append made meanwhile joins the same transaction.
    flush_timer_->expires_after(deferred_flush_delay);
    flush_timer_->async_wait([this](const boost::system::error_code&) {
      flush_armed_ = false;
      flush_deferred();
      schedule_lazy_sync();
    });
  });
}

boost::asio::thread_pool& group_commit::started(std::optional<boost::asio::thread_pool>& pool) {
  if (!pool)
    pool.emplace(1);
  return *pool;
}

group_commit::~group_commit() {
  if (flush_timer_)
    flush_timer_->cancel();
  if (retry_timer_)
    retry_timer_->cancel();
  if (sync_thread_)
    sync_thread_->join();
  if (checkpoint_thread_)
    checkpoint_thread_->join();
  if (enabled_) {
    db_.on_first_deferred(nullptr);
    try {
      db_.flush_deferred();
    } catch (...) {  // NOLINT(bugprone-empty-catch): the log loses those rows, nothing else
    }
    (void)sync_wal();
  }
  if (wal_fd_ >= 0)
    ::close(wal_fd_);
}

void group_commit::attach(asio::any_io_executor ex) {
  ex_ = std::move(ex);
}

void group_commit::stop() {
  stopped_ = true;
  if (lazy_timer_)
    lazy_timer_->cancel();
}

asio::awaitable<void> group_commit::make_durable() {
  const std::uint64_t target = db_.durable_commits();
  if (!enabled_ || synced_ >= target)
    co_return;
  if (!ex_)
    ex_ = co_await asio::this_coro::executor;
  asio::steady_timer timer(*ex_, std::chrono::steady_clock::time_point::max());
  waiter w{target, &timer};
  waiters_.push_back(&w);
  // However this coroutine ends, the waiter list must not keep a pointer to its frame.
  struct unregister {
    std::vector<waiter*>& list;
    waiter* w;
    ~unregister() { std::erase(list, w); }
  } guard{waiters_, &w};
  start_sync();
  while (!w.done)
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
}

void group_commit::flush_deferred() {
  try {
    db_.flush_deferred();
  } catch (const std::exception& e) {
    log::error(std::string("writing the activity log and chat transcript failed: ") + e.what());
  }
}

void group_commit::start_sync() {
  if (syncing_ || !ex_)
    return;          // a running sync starts the next one when it ends
  flush_deferred();  // into the WAL, so this sync covers them too
  syncing_ = true;
  sync_started_ = std::chrono::steady_clock::now();
  const std::uint64_t durable_target = db_.durable_commits();
  const std::uint64_t all_target = db_.commits();
  auto work = asio::make_work_guard(*ex_);
  asio::post(started(sync_thread_),
             [this, work = std::move(work), durable_target, all_target]() mutable {
               auto error = sync_wal();
               auto loop = work.get_executor();
               asio::post(loop, [this, work = std::move(work), error = std::move(error),
                                 durable_target, all_target]() mutable {
                 sync_finished(std::move(error), durable_target, all_target);
               });
             });
}

void group_commit::sync_finished(std::optional<std::string> error, std::uint64_t durable_target,
                                 std::uint64_t all_target) {
  syncing_ = false;
  ++stats_.syncs;
  stats_.latency.observe(std::chrono::steady_clock::now() - sync_started_);
  if (error) {
    ++stats_.failed;
    log::error("syncing the database to disk failed: " + *error);
  } else {
    stats_.commits += durable_target - std::min(durable_target, synced_);
    synced_ = std::max(synced_, durable_target);
    all_synced_ = std::max(all_synced_, all_target);
  }
  std::size_t unconfirmed = 0;
  for (waiter* w : waiters_) {
    if (w->target <= synced_) {
      w->done = true;
    } else if (error && w->target <= durable_target && ++w->failures >= sync_attempts) {
      // Committed all the same: answered as done, never as failed (see the header).
      w->done = true;
      ++unconfirmed;
    }
    if (w->done)
      w->timer->cancel();
  }
  if (unconfirmed > 0)
    log::error(std::to_string(unconfirmed) +
               " committed requests answered without a confirmed "
               "sync to disk after " +
               std::to_string(sync_attempts) + " failed attempts");
  std::erase_if(waiters_, [](const waiter* w) { return w->done; });
  if (!waiters_.empty() && error)
    schedule_retry();
  else if (!waiters_.empty())
    start_sync();
  else if (db_.commits() > all_synced_ || db_.has_deferred())
    schedule_lazy_sync();
  maybe_checkpoint();
}

void group_commit::schedule_lazy_sync() {
  if (lazy_armed_ || stopped_ || !ex_)
    return;
  if (!lazy_timer_)
    lazy_timer_ = std::make_unique<asio::steady_timer>(*ex_);
  lazy_armed_ = true;
  lazy_timer_->expires_after(lazy_sync_delay);
  lazy_timer_->async_wait([this](const boost::system::error_code& ec) {
    lazy_armed_ = false;
    if (!ec && !stopped_ && (db_.commits() > all_synced_ || db_.has_deferred()))
      start_sync();
  });
}

void group_commit::schedule_retry() {
  if (retry_armed_ || !ex_)
    return;
  if (!retry_timer_)
    retry_timer_ = std::make_unique<asio::steady_timer>(*ex_);
  retry_armed_ = true;
  retry_timer_->expires_after(sync_retry_delay);
  retry_timer_->async_wait([this](const boost::system::error_code& ec) {
    retry_armed_ = false;
    if (!ec && !waiters_.empty())
      start_sync();
  });
}

void group_commit::maybe_checkpoint() {
  const auto now = std::chrono::steady_clock::now();
  if (checkpointing_ || now - last_checkpoint_ < checkpoint_interval || !ex_)
    return;
  checkpointing_ = true;
  last_checkpoint_ = now;
  auto work = asio::make_work_guard(*ex_);
  asio::post(started(checkpoint_thread_), [this, work = std::move(work)]() mutable {
    std::optional<std::string> error;
    try {
      if (!checkpoint_db_)
        checkpoint_db_ = std::make_unique<SQLite::Database>(db_.path(), SQLite::OPEN_READWRITE,
                                                            checkpoint_busy_timeout_ms);
      // PASSIVE: copies what no reader needs and never blocks the loop's writes.
      checkpoint_db_->exec("PRAGMA wal_checkpoint(PASSIVE)");
    } catch (const std::exception& e) {
      error = e.what();
    }
    auto loop = work.get_executor();
    asio::post(loop, [this, work = std::move(work), error = std::move(error)] {
      checkpointing_ = false;
      if (error)
        log::error("checkpointing the database failed: " + *error);
    });
  });
}

std::optional<std::string> group_commit::open_wal() {
  const std::string path = db_.wal_path();
  struct stat by_path {};
  if (::stat(path.c_str(), &by_path) != 0)
    return "stat " + path + ": " + std::strerror(errno);
  struct stat by_fd {};
  if (wal_fd_ >= 0 && (::fstat(wal_fd_, &by_fd) != 0 || by_fd.st_ino != by_path.st_ino ||
                       by_fd.st_dev != by_path.st_dev)) {
    // The WAL was replaced (SQLite does that only when every connection closed, so hardly
    // ever here): open the new one first, and keep the old descriptor if that fails.
    const int fresh = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fresh < 0)
      return "open " + path + ": " + std::strerror(errno);
    ::close(wal_fd_);
    wal_fd_ = fresh;
  }
  if (wal_fd_ < 0) {
    wal_fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (wal_fd_ < 0)
      return "open " + path + ": " + std::strerror(errno);
  }
  return std::nullopt;
}

std::optional<std::string> group_commit::sync_wal() {
  const std::string path = db_.wal_path();
  if (auto error = open_wal())
    return error;
  // On Linux an fdatasync through any descriptor flushes every dirty page of the file,
  // including those SQLite wrote through its own descriptor.
  if (::fdatasync(wal_fd_) != 0)
    return "fdatasync " + path + ": " + std::strerror(errno);
  return std::nullopt;
}

}  // namespace tcs::store
