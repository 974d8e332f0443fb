// The state every handler shares: configuration, the database and its repositories, the
// password pool, and a non-owning registry of connected peers. Touched only on the loop thread.
#pragma once

#include "common/protocol/message.hpp"
#include "server/config.hpp"
#include "server/store/group_commit.hpp"
#include "server/dispatch/peer.hpp"
#include "server/security/password_pool.hpp"
#include "server/services/activity_log.hpp"
#include "server/services/catalogue_service.hpp"
#include "server/services/orders_service.hpp"
#include "server/services/support_desk.hpp"
#include "server/store/accounts_repository.hpp"
#include "server/store/database.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

namespace tcs {

class server_state {
 public:
  server_state(server_config config, store::database& db, security::password_pool& passwords);

  const server_config& config() const noexcept { return config_; }
  store::database& db() noexcept { return db_; }
  // Durable acknowledgements and batched log writes (see group_commit.hpp).
  store::group_commit& commits() noexcept { return commits_; }
  store::accounts_repository& accounts() noexcept { return accounts_; }
  security::password_pool& passwords() noexcept { return passwords_; }
  services::catalogue_service& catalogue() noexcept { return catalogue_; }
  services::orders_service& orders() noexcept { return orders_; }
  services::activity_log& activity() noexcept { return activity_; }
  services::login_throttle& throttle() noexcept { return throttle_; }

  // The catalogue's products as serialised in replies, with the snapshot they were made from
  // (catalogue_service::snapshot): re-serialised only when the snapshot changes. Pages are
  // spliced from `items`; the first page at the default limit is kept whole.
  struct encoded_products {
    std::shared_ptr<const std::vector<store::product_record>> source;
    std::vector<std::string> items;  // each product's JSON, in the snapshot's order
    std::shared_ptr<const std::string> first_page;
    std::optional<std::int64_t> first_page_next;
  };
  encoded_products& encoded_catalogue(bool executive) noexcept {
    return encoded_catalogue_[executive ? 1 : 0];
  }
  // The support queue and the chats (who waits, who talks to whom); see support_commands.cpp.
  services::support_desk& support() noexcept { return support_; }

  // Appends to the activity log on behalf of a logged-in peer: actor = the peer; the customer
  // concerned = the peer itself for customers, `customer_id` for executives. outcome is "ok" or
  // an error code name.
  void record(const peer& actor, std::string_view action, std::string_view detail,
              std::string_view outcome = "ok",
              std::optional<std::int64_t> customer_id = std::nullopt);

  // Unix seconds. Replaceable so tests can move time.
  std::int64_t now() const { return clock_(); }
  void set_clock(std::function<std::int64_t()> clock) { clock_ = std::move(clock); }

  // Connection registry. joined on accept, left exactly once from the peer's teardown.
  void join(const std::shared_ptr<peer>& p);
  void leave(peer& p);
  std::size_t connection_count() const noexcept { return peers_.size(); }

  // Marks `p` as logged in as (role, account). False if that account already has a session.
  bool log_in(peer& p, role r, std::int64_t account_id, std::string name, std::string email);
  std::size_t customers_online() const noexcept { return customers_.size(); }
  std::size_t executives_online() const noexcept { return executives_.size(); }
  std::shared_ptr<peer> customer_peer(std::int64_t customer_id) const;
  std::shared_ptr<peer> executive_peer(std::int64_t executive_id) const;

  // A snapshot of the live peers, in connection order; safe to iterate while delivering.
  std::vector<std::shared_ptr<peer>> snapshot() const;

  // Encodes once and queues to one peer.
  static void send(peer& p, const json::object& message,
                   std::span<const encoded_member> extra = {});

  // Stop accepting is the listener's job; this tells every peer to read no more requests,
  // answer the one it is running, send the `shutdown` event and close after its queue drains.
  void shut_down(std::string_view reason);
  bool shutting_down() const noexcept { return shutting_down_; }
  // Runs `done` once no peer is left (at once if none is). For the end of a shutdown.
  void when_all_gone(std::function<void()> done);

 private:
  server_config config_;
  store::database& db_;
  store::group_commit commits_;
  store::accounts_repository accounts_;
  security::password_pool& passwords_;
  services::catalogue_service catalogue_;
  services::orders_service orders_;
  services::activity_log activity_;
  services::login_throttle throttle_;
  services::support_desk support_;
  encoded_products encoded_catalogue_[2];  // customer, executive
  std::function<std::int64_t()> clock_;
  bool shutting_down_ = false;
  std::function<void()> all_gone_;

  std::map<std::uint64_t, std::weak_ptr<peer>> peers_;                // by peer id
  std::unordered_map<std::int64_t, std::weak_ptr<peer>> customers_;   // by customers.id
  std::unordered_map<std::int64_t, std::weak_ptr<peer>> executives_;  // by executives.id
};

}  // namespace tcs
