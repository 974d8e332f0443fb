// Everything the server can be told on its command line or in its configuration file, with the
// defaults --help shows (server/config_options.hpp reads both).
#pragma once

#include "common/protocol/limits.hpp"
#include "server/security/pool_limits.hpp"
#include "server/services/login_throttle.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tcs {

struct server_config {
  std::string host = "127.0.0.1";
  std::uint16_t port = default_port;
  std::string db_path = "tcs.db";
  bool demo = false;  // load demo data into an empty database

  // TLS on every port when both are given (server/net/tls_context.hpp): a PEM certificate
  // chain and its private key, read again on SIGHUP.
  std::string tls_cert;
  std::string tls_key;
  // Without TLS the server listens on a loopback --host only, unless this is set (a TLS proxy
  // or a private network in front of it protects the traffic instead).
  bool allow_plaintext = false;

  // The web port (HTTP static files, /healthz, WebSocket sessions on /ws) on the same host;
  // 0 = none (server/net/web_server.hpp).
  std::uint16_t web_port = 8080;
  // The static files served (set by main: the source tree's or the installed web/ folder).
  std::string web_root;
  // Origins whose pages may open a WebSocket (exact "https://shop.example" strings); empty:
  // only the server's own origin.
  std::vector<std::string> web_origins;
  // Origins allowed to embed the pages in a frame (CSP frame-ancestors, beside 'self').
  std::vector<std::string> web_embed_origins;
  // Addresses or prefixes ("10.0.0.5", "10.0.0.0/24") allowed to read GET /metrics besides
  // loopback (server/net/metrics.hpp).
  std::vector<std::string> metrics_allow;

  std::size_t min_password_length = 8;  // OWASP ASVS 5: at least 8 characters
  std::size_t hash_threads = 2;         // Argon2id workers; each uses 64 MiB while hashing

  // Connections beyond this are refused with a `busy` error instead of hanging. Lowered at
  // start to what the process may open (RLIMIT_NOFILE) minus reserved_descriptors.
  std::size_t max_connections = 20000;
  // Memory that unfinished requests (frames still arriving) may hold across all connections;
  // beyond it the connections holding the most are closed (server/net/input_budget.hpp).
  // 512 frames of the maximum size: legitimate requests are small and complete at once.
  std::size_t max_input_bytes = 32 << 20;
  // A peer that stops reading is disconnected once this much is queued for it, so one slow
  // reader cannot grow the server's memory without bound.
  std::size_t max_outbound_bytes = 1 << 20;
  // A connection must log in within this time (seconds), or it is closed.
  std::int64_t login_timeout_s = 30;
  // A logged-in peer silent for this long gets a `heartbeat` event; silent as long again
  // after it, it is taken for a half-open connection (peer gone without a FIN) and closed.
  // Any input after the heartbeat answers it.
  std::int64_t idle_timeout_s = 60;
  // Malformed or out-of-order messages one connection may send before it is closed: a
  // buggy client gets many clear answers, a fuzzer or an attacker not unlimited ones.
  std::size_t max_protocol_errors = 50;
  // Failed-login growing delays, never a lock-out (see services/login_throttle.hpp).
  services::throttle_policy throttle;
  // `--assignment auto`: waiting customers are given to free available executives at once
  // (services/support_desk.hpp, assign_next); manual: executives take them with :connect.
  bool auto_assign = false;
  // `--max-chats-per-executive`: how many chats an executive may have open at once
  // (1..services::max_chats_limit; services/support_desk.hpp).
  std::size_t max_chats_per_executive = 1;
  // Support time limits in seconds, 0 = off (dispatch/support_timers.hpp): a customer queued
  // this long is returned to the menu; a chat without a line this long is closed.
  std::int64_t max_queue_wait_s = 0;
  std::int64_t chat_idle_close_s = 900;
  // Seconds a customer's or executive's place (queue, chat) is kept after its connection is
  // lost without a logout, for a `resume` with its token (dispatch/session_holds.hpp); 0 = off.
  std::int64_t resume_grace_s = 60;
  // `--satisfaction-survey`: customers are asked to rate a chat that ended (chat.rate).
  bool satisfaction_survey = true;
  // The password-hashing queue: waiting jobs in all and per client address (pool_limits.hpp).
  security::pool_limits hash_queue;
};

}  // namespace tcs
