// The raw figures of the supervisor's report (`tcs-server report`), read from the database
// through a read-only connection of its own: the report runs beside a live server (WAL lets a
// reader see the last committed state without blocking the server's writers).
//
// Contract: read_report_data() opens `path` read-only (SQLite::Exception when it cannot) and
// throws std::runtime_error for a database older than the agent tools' schema (version 3:
// start the server once to migrate it). Times are Unix seconds; the range is [since, until).
// A chat belongs to the range by its start, an offer, an accepted sale or a customer who gave
// up waiting by its own time. Days are the server's local dates (SQLite 'localtime').
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tcs::store {

struct chat_fact {
  std::int64_t executive_id = 0;
  std::int64_t wait_s = -1;      // -1: not taken from the queue (the later part of a transfer)
  std::int64_t duration_s = -1;  // -1: still open
  std::int64_t rating = 0;       // 0: not rated
  bool transferred = false;      // this executive handed it on
};

struct executive_fact {
  std::int64_t id = 0;
  std::string name, email;
  std::int64_t offers = 0;    // `:buy` offers made
  std::int64_t accepted = 0;  // offers the customer accepted (sales)
};

struct gave_up_fact {
  std::string date;  // YYYY-MM-DD
  std::int64_t customers = 0;
};

struct report_data {
  std::vector<executive_fact> executives;  // every executive, by name
  std::vector<chat_fact> chats;
  std::vector<gave_up_fact> gave_up;  // days with at least one, oldest first
};

report_data read_report_data(const std::string& path, std::int64_t since, std::int64_t until);

}  // namespace tcs::store
