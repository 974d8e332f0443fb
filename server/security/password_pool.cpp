// Thread-pool wrapper around the synchronous password functions.
#include "server/security/password_pool.hpp"

#include "server/security/passwords.hpp"

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <sched.h>

#include <atomic>
#include <exception>
#include <stdexcept>
#include <type_traits>

namespace tcs::security {

password_pool::password_pool(std::size_t threads) : pool_(threads) {}

password_pool::~password_pool() {
  stop();
}

namespace {

namespace asio = boost::asio;

// Set by drop_queued(): jobs that start after it throw instead of hashing.
std::atomic<bool> dropping_queued_jobs = false;

// The hashing threads run at idle priority (SCHED_IDLE): on a busy machine the loop thread
// preempts them at once, so a burst of logins (each Argon2id hash is tens of milliseconds of
// CPU) slows the logins down, never the chats and requests of everyone else. Applied once
// per worker thread, on its first job.
void lower_own_priority() {
  thread_local bool done = false;
  if (done)
    return;
  done = true;
  sched_param param{};
  (void)sched_setscheduler(0, SCHED_IDLE, &param);  // best effort: hashing works either way
}

// Runs fn() on the pool and completes on the awaiting coroutine's own executor (the loop).
template <class Fn>
auto run_on(asio::thread_pool& pool, Fn fn) {
  using R = std::invoke_result_t<Fn&>;
  return asio::async_initiate<const asio::use_awaitable_t<>&, void(std::exception_ptr, R)>(
      [&pool](auto handler, Fn job) {
        auto loop = asio::make_work_guard(asio::get_associated_executor(handler));
        asio::post(pool, [handler = std::move(handler), job = std::move(job),
                          loop = std::move(loop)]() mutable {
          std::exception_ptr error;
          R value{};
          lower_own_priority();
          try {
            if (dropping_queued_jobs)
              throw std::runtime_error("password hashing dropped: the server is stopping");
            value = job();
          } catch (...) {
            error = std::current_exception();
          }
          auto ex = loop.get_executor();
          asio::post(ex, [handler = std::move(handler), error, value = std::move(value)]() mutable {
            std::move(handler)(error, std::move(value));
          });
        });
      },
      asio::use_awaitable, std::move(fn));
}

}  // namespace

// Not coroutines themselves: they return the awaitable of the initiation directly, so no
// temporary lives across a suspension (GCC 12 destroys such temporaries twice).
asio::awaitable<bool> password_pool::verify(std::string hash, std::string password) {
  return run_on(pool_,
                [h = std::move(hash), p = std::move(password)] { return verify_password(h, p); });
}

asio::awaitable<std::string> password_pool::hash(std::string password) {
  return run_on(pool_, [p = std::move(password)] { return hash_password(p); });
}

void password_pool::drop_queued() noexcept {
  dropping_queued_jobs = true;
}

void password_pool::stop() {
  // join() without stop() lets queued hashes finish: their logins still get an answer.
  pool_.join();
}

}  // namespace tcs::security
