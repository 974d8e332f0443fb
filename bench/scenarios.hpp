// The bench scenarios. Each runs on the caller's loop, prints its report (readable lines and
// one `RESULT {...}` line) and returns false if anything failed.
//
// Against tcs-server (accounts from `tcs-bench accounts`, see docs/performance.md):
//   sessions N     N customers (and N/100 executives) log in and stay idle: set-up rate and
//                  latency, server RSS per session, idle CPU.
//   relay P        P customer-executive pairs in chat; closed-loop ping-pong of chat lines,
//                  one operation = customer -> executive -> customer.
//   requests N     N customers asking for the catalogue and their history in turn, closed loop.
//   purchases N    N customers buying one unit of the bench product in a loop; the stock is
//                  checked against the acknowledged purchases at the end.
//   login-storm R  `relay --pairs` calm, then the same with R logins/s (real Argon2id hashes):
//                  relay p99 with and without the storm.
// Against the peers of bench/compare, with the same client loop:
//   irc-relay P    P pairs of IRC clients, PRIVMSG ping-pong (a -> b -> a).
//   irc-sessions N N registered, idle IRC clients.
//   redis-ping N   N connections sending PING, closed loop.
//   redis-sessions N  N idle Redis connections (one PING each).
#pragma once

#include "bench/run.hpp"

#include <cstdint>
#include <string_view>

namespace tcs::bench {

// The chat line relayed by `relay`, and the IRC text of irc-relay: the same bytes.
inline constexpr std::string_view relay_text = "hola, queda stock del sobre 151?";
// How long the closed loops may take to finish their last operation after the window.
inline constexpr double finish_timeout_s = 15;

awaitable<bool> run_sessions(bench_run& run, std::size_t n);
awaitable<bool> run_relay(bench_run& run, std::size_t pairs);
awaitable<bool> run_requests(bench_run& run, std::size_t n);
awaitable<bool> run_purchases(bench_run& run, std::size_t n);
awaitable<bool> run_login_storm(bench_run& run, std::size_t logins_per_s);

awaitable<bool> run_irc_relay(bench_run& run, std::size_t pairs);
awaitable<bool> run_irc_sessions(bench_run& run, std::size_t n);
awaitable<bool> run_redis_ping(bench_run& run, std::size_t n);
awaitable<bool> run_redis_sessions(bench_run& run, std::size_t n);

}  // namespace tcs::bench
