// Argon2id hashing off the event loop: a small thread pool whose results resume the caller's
// coroutine back on the caller's executor (the loop), so a login never stalls other users. The
// workers run at a lower priority than the loop (hashing_niceness): the loop preempts them.
//
// The queue in front of the workers is bounded, globally and per source (the client's address),
// and lives on the loop: a job is handed to a worker only when one is free, and just before
// that its `still_wanted` test runs (on the loop), so the verification of a login whose
// connection is already gone is dropped instead of costing 64 MiB and tens of milliseconds.
//
// Threading: verify(), hash(), drop_queued() and the counters are for the loop thread only
// (every caller must await on one single-threaded executor); the workers touch no member.
#pragma once

#include "server/security/pool_limits.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

namespace tcs::security {

// How much nicer than the loop the hashing threads are (setpriority): +5 gives them about a
// third of the CPU weight of a normal thread when the machine is busy (all of it when idle),
// so the loop comes first and logins still progress beside a busy neighbour (+10 left logins
// ten times slower there: logins of the e2e tests ran into their timeouts on a loaded host).
inline constexpr int hashing_niceness = 5;
inline constexpr int max_niceness = 19;  // the kernel's lowest priority

class password_pool {
 public:
  explicit password_pool(std::size_t threads, pool_limits limits = {});
  ~password_pool();

  password_pool(const password_pool&) = delete;
  password_pool& operator=(const password_pool&) = delete;

  // Who asks, for the bounds, and whether the job is still worth running.
  struct job_options {
    std::string source;                  // e.g. the client's address; "" counts as one source
    std::function<bool()> still_wanted;  // run on the loop just before the job starts
  };

  enum class status : std::uint8_t {
    done,     // the job ran
    busy,     // refused at once: the queue (or this source's share) is full
    dropped,  // not run: still_wanted() said no, or drop_queued() (shutdown)
  };

  struct verify_result {
    status state = status::done;
    bool match = false;  // when done: the password matches (constant-time comparison)
  };
  // Constant-time verification (libsodium) on a worker thread.
  //
  // GCC 12: never write the job_options as a braced list (or rely on a default argument)
  // inside a co_await expression; that temporary is miscompiled (its strings end up pointing
  // into the caller's frame). Pass a named variable or a function's result; the overloads
  // without options build theirs here, outside any coroutine.
  boost::asio::awaitable<verify_result> verify(std::string hash, std::string password,
                                               job_options options);
  boost::asio::awaitable<verify_result> verify(std::string hash, std::string password);

  struct hash_result {
    status state = status::done;
    std::string hash;  // when done: a fresh Argon2id hash
  };
  // A fresh Argon2id hash on a worker thread. Throws if libsodium runs out of memory.
  boost::asio::awaitable<hash_result> hash(std::string password, job_options options);
  boost::asio::awaitable<hash_result> hash(std::string password);

  // Whether a job of `source` would be queued now (not refused as busy).
  bool has_room(const std::string& source) const;

  // Completes every queued job that has not started with status::dropped (their coroutines
  // resume on their executors); running ones finish normally. For a shutdown: call it from
  // the loop (e.g. the SIGTERM handler) so nobody waits for hashes whose answers nobody needs.
  // Later jobs are still accepted. Returns how many were dropped.
  std::size_t drop_queued();

  // drop_queued(), then waits for running jobs and joins the workers. Idempotent. After the
  // loop has stopped (or from the loop before it ends).
  void stop();

  // Totals since start, for logs and tests.
  std::uint64_t started() const noexcept { return started_; }
  std::uint64_t dropped() const noexcept { return dropped_; }
  std::uint64_t refused() const noexcept { return refused_; }
  std::size_t queued() const noexcept { return queue_.size(); }

  // A job waiting for a worker (implementation detail, public for the implementation file).
  struct job {
    virtual ~job() = default;
    virtual void start(boost::asio::thread_pool& workers, password_pool& pool) = 0;
    // Completes the awaiting coroutine without running (busy or dropped), through a post.
    virtual void abandon(status why) = 0;
    std::string source;
    std::function<bool()> still_wanted;
  };

  // Internal: queues a job, or refuses it (it completes as busy). On the loop.
  void submit(std::unique_ptr<job> j);
  // Internal: a running job of `source` finished (posted back to the loop by the worker).
  void finished(const std::string& source);

 private:
  void start_next();
  void release(const std::string& source);

  std::size_t threads_;
  pool_limits limits_;
  boost::asio::thread_pool workers_;
  std::deque<std::unique_ptr<job>> queue_;
  std::unordered_map<std::string, std::size_t> per_source_;  // waiting or running
  std::size_t running_ = 0;
  std::uint64_t started_ = 0;
  std::uint64_t dropped_ = 0;
  std::uint64_t refused_ = 0;
};

}  // namespace tcs::security
