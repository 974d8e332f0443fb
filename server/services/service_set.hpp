// The services of one server, built over one database by the composition root (main, or a
// test fixture) and handed to the dispatcher: accounts, chat, catalogue, orders, the activity
// log, the login throttle, the support desk, the password pool, the store's group commit
// (durable acknowledgements) and the clock. Everything here runs on the loop thread.
//
// Contract: the set holds references to the database, the group commit and the password pool
// it is given (they must outlive it) and owns the services. Nothing in it knows sessions,
// frames or JSON; those are the dispatch layer's.
#pragma once

#include "server/security/password_pool.hpp"
#include "server/services/accounts_service.hpp"
#include "server/services/activity_log.hpp"
#include "server/services/agent_tools.hpp"
#include "server/services/catalogue_service.hpp"
#include "server/services/chat_service.hpp"
#include "server/services/login_throttle.hpp"
#include "server/services/orders_service.hpp"
#include "server/services/support_desk.hpp"
#include "server/store/database.hpp"
#include "server/store/group_commit.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>

namespace tcs::services {

// What the services take from the server's configuration.
struct service_options {
  std::size_t min_password_length = 8;  // a new customer password (see password_policy.hpp)
  throttle_policy throttle = {};
  std::size_t max_chats_per_executive = 1;  // the support desk's slots per executive
  // Customers are asked to rate a chat that ended (chat.rate; issue 17).
  bool satisfaction_survey = true;
};

class service_set {
 public:
  service_set(store::database& db, store::group_commit& commits, security::password_pool& passwords,
              service_options options = {});

  service_set(const service_set&) = delete;
  service_set& operator=(const service_set&) = delete;

  const service_options& options() const noexcept { return options_; }
  accounts_service& accounts() noexcept { return accounts_; }
  chat_service& chat() noexcept { return chat_; }
  catalogue_service& catalogue() noexcept { return catalogue_; }
  orders_service& orders() noexcept { return orders_; }
  activity_log& activity() noexcept { return activity_; }
  login_throttle& throttle() noexcept { return throttle_; }
  // The support queue and the chats (who waits, who talks to whom).
  support_desk& support() noexcept { return support_; }
  // Canned replies and customer notes (issue 17).
  agent_tools& tools() noexcept { return tools_; }
  security::password_pool& passwords() noexcept { return passwords_; }
  // Durable acknowledgements and batched log writes (see store/group_commit.hpp): the
  // dispatcher waits for a sync before it answers a request that committed something.
  store::group_commit& commits() noexcept { return commits_; }

  // Unix seconds. Replaceable so tests can move time.
  std::int64_t now() const { return clock_(); }
  void set_clock(std::function<std::int64_t()> clock) { clock_ = std::move(clock); }

 private:
  service_options options_;
  store::group_commit& commits_;
  security::password_pool& passwords_;
  accounts_service accounts_;
  chat_service chat_;
  catalogue_service catalogue_;
  orders_service orders_;
  activity_log activity_;
  login_throttle throttle_;
  support_desk support_;
  agent_tools tools_;
  std::function<std::int64_t()> clock_;
};

}  // namespace tcs::services
