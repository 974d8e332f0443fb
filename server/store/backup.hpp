// Online backups of the database and their restore (`tcs-server backup` / `restore`,
// server/admin/backup_commands.cpp).
//
// Contract:
// - backup_database() copies a database that a running server may be writing, with SQLite's
//   online backup API (sqlite3_backup_*): the copy is one consistent snapshot, the state after
//   some commit (every transaction committed before the copy began is in it; none is half in
//   it), and the server's writers are not stopped (in WAL mode a reader does not block them).
//   The copy is written beside `to`, turned into a single self-contained file (journal_mode
//   DELETE), checked (integrity_check, a tcs schema), synced, and only then renamed to `to`
//   (an existing `to` is replaced; a failed backup leaves it as it was).
// - restore_database() puts a backup back in place of `target` after checking the backup the
//   same way. It refuses (database_in_use) while any other connection has the target open,
//   so the server must be stopped; the target's previous content is first saved to
//   `target`.before-restore. The target keeps its owner and mode when it exists.
// - Both return a summary of the result (size, schema version, row counts) and throw
//   std::runtime_error (or SQLite::Exception) saying what failed.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace tcs::store {

struct database_summary {
  std::uintmax_t bytes = 0;
  int schema_version = 0;
  std::vector<std::pair<std::string, std::int64_t>> counts;  // table -> rows

  // "2.3 MiB, schema 2, integrity ok; 8 customers, 3 executives, ..."
  std::string describe() const;
};

// Another connection (a running server) has the database open.
struct database_in_use : std::runtime_error {
  using std::runtime_error::runtime_error;
};

database_summary backup_database(const std::string& from, const std::string& to);
database_summary restore_database(const std::string& backup, const std::string& target);

// Checks a database file (integrity_check, a tcs schema this program knows) and counts its
// rows; throws std::runtime_error naming what is wrong.
database_summary inspect_database(const std::string& path);

}  // namespace tcs::store
