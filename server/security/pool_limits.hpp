// The bounds of the password-hashing queue (see password_pool.hpp); a header of its own so the
// server's configuration can hold them without pulling in Asio.
#pragma once

#include <cstddef>

namespace tcs::security {

struct pool_limits {
  // Jobs waiting for a worker, all sources together. Each waiting job holds only its texts
  // (the login fields are capped), but each is one more Argon2 run to wait for: 64 jobs are
  // about 3 s of work for 2 threads on an idle machine (0.1 s a hash), so a real login queued
  // behind a full queue of strangers is still answered within seconds.
  std::size_t max_queued = 64;
  // Jobs waiting or running for one source: one address cannot fill the queue, so a flood
  // from it delays others by at most this many hashes.
  std::size_t max_per_source = 4;
};

}  // namespace tcs::security
