// The services of one server over one database.
#include "server/services/service_set.hpp"

#include <chrono>

namespace tcs::services {

namespace {

std::int64_t system_now() {
  using namespace std::chrono;
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

service_set::service_set(store::database& db, store::group_commit& commits,
                         security::password_pool& passwords, service_options options)
    : options_(std::move(options)),
      commits_(commits),
      passwords_(passwords),
      accounts_(db),
      chat_(db),
      catalogue_(db),
      orders_(db),
      activity_(db),
      throttle_(options_.throttle),
      support_(options_.max_chats_per_executive),
      tools_(db),
      clock_(system_now) {}

}  // namespace tcs::services
