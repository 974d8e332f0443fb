// Argon2id hashing off the event loop: a small thread pool whose results resume the caller's
// coroutine back on the caller's executor (the loop), so a login never stalls other users. The
// workers run at idle priority (SCHED_IDLE): they only get the CPU the loop leaves.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>

#include <cstddef>
#include <string>

namespace tcs::security {

class password_pool {
 public:
  explicit password_pool(std::size_t threads);
  ~password_pool();

  password_pool(const password_pool&) = delete;
  password_pool& operator=(const password_pool&) = delete;

  // Constant-time verification (libsodium) on a worker thread.
  boost::asio::awaitable<bool> verify(std::string hash, std::string password);

  // A fresh Argon2id hash on a worker thread. Throws if libsodium runs out of memory.
  boost::asio::awaitable<std::string> hash(std::string password);

  // Waits for running jobs and joins the workers. Idempotent.
  void stop();

  // For a shutdown: jobs not started yet complete at once with an exception instead of
  // hashing, so the server's exit does not wait for a queue of logins; running jobs finish.
  // Process-wide (the server has one pool), so the job wrapper keeps its shape.
  void drop_queued() noexcept;

 private:
  boost::asio::thread_pool pool_;
};

}  // namespace tcs::security
