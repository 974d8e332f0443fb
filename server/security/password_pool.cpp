// The bounded queue in front of the hashing threads, and the thread-pool wrapper around the
// synchronous password functions.
#include "server/security/password_pool.hpp"

#include "server/security/passwords.hpp"

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include <exception>
#include <type_traits>
#include <utility>

namespace tcs::security {

namespace asio = boost::asio;

password_pool::password_pool(std::size_t threads, pool_limits limits)
    : threads_(threads), limits_(limits), workers_(threads) {}

password_pool::~password_pool() {
  stop();
}

namespace {

// The hashing threads run at a lower priority than the loop (hashing_niceness): on a busy machine
// the loop thread preempts them, so a burst of logins (each Argon2id hash is tens of milliseconds
// of CPU) slows the logins down, not the chats and requests of everyone else. Not SCHED_IDLE: under
// it, any other busy process on the host (a build, a backup) starved the logins completely. Applied
// once per worker thread, on its first job; best effort, hashing works either way.
void lower_own_priority() {
  thread_local bool done = false;
  if (done)
    return;
  done = true;
  const pid_t self = gettid();
  errno = 0;
  const int current = getpriority(PRIO_PROCESS, static_cast<id_t>(self));
  if (errno != 0)
    return;
  (void)setpriority(PRIO_PROCESS, static_cast<id_t>(self),
                    std::min(current + hashing_niceness, max_niceness));
}

// One queued job: `fn` runs on a worker and its value, turned into R by `finish`, completes
// the awaiting coroutine on that coroutine's own executor (the loop).
template <class R, class Handler, class Fn, class Finish>
class job_impl final : public password_pool::job {
 public:
  job_impl(Handler handler, Fn fn, Finish finish)
      : handler_(std::move(handler)),
        fn_(std::move(fn)),
        finish_(std::move(finish)),
        loop_(asio::make_work_guard(asio::get_associated_executor(handler_))) {}

  void start(asio::thread_pool& workers, password_pool& pool) override {
    asio::post(workers,
               [handler = std::move(handler_), fn = std::move(fn_), finish = std::move(finish_),
                loop = std::move(loop_), &pool, source = source]() mutable {
                 std::exception_ptr error;
                 R value{};
                 lower_own_priority();
                 try {
                   value = finish(fn());
                 } catch (...) {
                   error = std::current_exception();
                 }
                 auto ex = loop.get_executor();
                 asio::post(ex, [handler = std::move(handler), error, value = std::move(value),
                                 &pool, source = std::move(source)]() mutable {
                   pool.finished(source);
                   std::move(handler)(error, std::move(value));
                 });
               });
  }

  void abandon(password_pool::status why) override {
    auto ex = loop_.get_executor();
    asio::post(ex, [handler = std::move(handler_), why]() mutable {
      R value{};
      value.state = why;
      std::move(handler)(std::exception_ptr{}, std::move(value));
    });
  }

 private:
  Handler handler_;
  Fn fn_;
  Finish finish_;
  asio::executor_work_guard<asio::associated_executor_t<Handler>> loop_;
};

// Queues fn() on the pool; the awaiting coroutine resumes with R on its own executor.
template <class R, class Fn, class Finish>
auto run_job(password_pool& pool, password_pool::job_options options, Fn fn, Finish finish) {
  return asio::async_initiate<const asio::use_awaitable_t<>&, void(std::exception_ptr, R)>(
      [&pool](auto handler, password_pool::job_options opts, Fn job_fn, Finish job_finish) {
        using handler_t = decltype(handler);
        auto j = std::make_unique<job_impl<R, handler_t, Fn, Finish>>(
            std::move(handler), std::move(job_fn), std::move(job_finish));
        j->source = std::move(opts.source);
        j->still_wanted = std::move(opts.still_wanted);
        pool.submit(std::move(j));
      },
      asio::use_awaitable, std::move(options), std::move(fn), std::move(finish));
}

}  // namespace

// Not coroutines themselves: they return the awaitable of the initiation directly, so no
// temporary lives across a suspension (GCC 12 destroys such temporaries twice).
asio::awaitable<password_pool::verify_result> password_pool::verify(std::string hash,
                                                                    std::string password,
                                                                    job_options options) {
  return run_job<verify_result>(
      *this, std::move(options),
      [h = std::move(hash), p = std::move(password)] { return verify_password(h, p); },
      [](bool match) {
        return verify_result{status::done, match};
      });
}

asio::awaitable<password_pool::hash_result> password_pool::hash(std::string password,
                                                                job_options options) {
  return run_job<hash_result>(
      *this, std::move(options), [p = std::move(password)] { return hash_password(p); },
      [](std::string h) {
        return hash_result{status::done, std::move(h)};
      });
}

asio::awaitable<password_pool::verify_result> password_pool::verify(std::string hash,
                                                                    std::string password) {
  return verify(std::move(hash), std::move(password), job_options{});
}

asio::awaitable<password_pool::hash_result> password_pool::hash(std::string password) {
  return hash(std::move(password), job_options{});
}

bool password_pool::has_room(const std::string& source) const {
  if (queue_.size() >= limits_.max_queued && running_ >= threads_)
    return false;
  auto it = per_source_.find(source);
  return it == per_source_.end() || it->second < limits_.max_per_source;
}

void password_pool::submit(std::unique_ptr<job> j) {
  if (!has_room(j->source)) {
    ++refused_;
    j->abandon(status::busy);
    return;
  }
  ++per_source_[j->source];
  queue_.push_back(std::move(j));
  start_next();
}

void password_pool::start_next() {
  while (running_ < threads_ && !queue_.empty()) {
    std::unique_ptr<job> j = std::move(queue_.front());
    queue_.pop_front();
    if (j->still_wanted && !j->still_wanted()) {
      ++dropped_;
      release(j->source);
      j->abandon(status::dropped);
      continue;
    }
    ++running_;
    ++started_;
    j->start(workers_, *this);
  }
}

void password_pool::finished(const std::string& source) {
  --running_;
  release(source);
  start_next();
}

void password_pool::release(const std::string& source) {
  auto it = per_source_.find(source);
  if (it != per_source_.end() && --it->second == 0)
    per_source_.erase(it);
}

std::size_t password_pool::drop_queued() {
  std::deque<std::unique_ptr<job>> queued;
  queued.swap(queue_);
  for (auto& j : queued) {
    ++dropped_;
    release(j->source);
    j->abandon(status::dropped);
  }
  return queued.size();
}

void password_pool::stop() {
  drop_queued();
  // Running hashes finish (they cannot be interrupted); their results are posted to the loop.
  workers_.join();
}

}  // namespace tcs::security
