// The SQLite database: connection settings, versioned schema migrations, write transactions.
//
// Contract:
// - `database` owns one SQLite connection. Opening it creates the file if needed, applies the
//   connection settings and every pending migration (PRAGMA user_version), all in one
//   transaction. Opening a database whose user_version is newer than this program knows
//   throws std::runtime_error; any SQLite error throws SQLite::Exception.
// - A file database runs with journal_mode=WAL, synchronous=FULL (a committed transaction
//   survives a crash or power loss), busy_timeout=5000 ms and foreign_keys=ON. ":memory:"
//   works (unit tests) with the same settings except WAL.
// - Not thread-safe: one `database` per thread. Several connections (threads or processes)
//   to one file are fine: writers serialise on BEGIN IMMEDIATE and wait up to busy_timeout.
// - Only prepared statements with bound parameters are used with user data; SQL text lives
//   only in server/store/. prepare() keeps each statement prepared for the life of the
//   connection (repositories are cheap objects made per call; their statements are not).
// - Group commit (the server only, enable_group_commit()): a commit writes the WAL without
//   waiting for the disk (synchronous=NORMAL) and the server syncs the WAL file on another
//   thread, once for many commits, before it acknowledges them (server/dispatch/
//   group_commit.hpp). Append-only logs (activity, chat transcript) are then deferred: kept
//   in memory for a moment and written many rows per transaction (flush_deferred()).
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace tcs::store {

// A column that may be NULL, as an optional.
inline std::optional<std::int64_t> optional_int(const SQLite::Column& c) {
  if (c.isNull())
    return std::nullopt;
  return c.getInt64();
}

class database {
 public:
  explicit database(const std::string& path);
  // Writes the deferred appends, if any (errors are swallowed: a destructor must not throw).
  ~database();

  database(const database&) = delete;
  database& operator=(const database&) = delete;

  SQLite::Database& sql() { return db_; }
  const std::string& path() const noexcept { return path_; }

  // A prepared statement borrowed from the connection's cache; reset and unbound when the
  // handle goes away, so it never keeps a read transaction open. If the same SQL is already
  // borrowed (a nested use), a fresh statement is prepared for this handle. Same calls as
  // SQLite::Statement for what the repositories use.
  class statement {
   public:
    statement(statement&& other) noexcept;
    statement& operator=(statement&&) = delete;
    ~statement();

    template <class... Args>
    void bind(Args&&... args) {
      stmt_->bind(std::forward<Args>(args)...);
    }
    bool executeStep() { return stmt_->executeStep(); }
    int exec() { return stmt_->exec(); }
    SQLite::Column getColumn(int index) { return stmt_->getColumn(index); }
    SQLite::Statement& get() noexcept { return *stmt_; }

   private:
    friend class database;
    statement(SQLite::Statement* shared, bool* in_use, std::unique_ptr<SQLite::Statement> own);

    SQLite::Statement* stmt_;
    bool* in_use_;  // the cache entry's flag, or nullptr for a statement of its own
    std::unique_ptr<SQLite::Statement> own_;
  };
  statement prepare(const std::string& sql);

  // --- Group commit (see the header comment) ---

  // Switches a file database in WAL mode to group commit: synchronous=NORMAL, automatic
  // checkpoints only as a backstop (the server checkpoints on its sync thread), deferred
  // appends. Returns false (and changes nothing) for ":memory:" or a database not in WAL.
  bool enable_group_commit();
  bool group_commit() const noexcept { return group_commit_; }
  // The WAL file of a file database.
  std::string wal_path() const { return path_ + "-wal"; }

  // Commits so far, counted by SQLite's commit hook: every one, and those that must be on
  // disk before they are acknowledged (every commit but the deferred appends' batches).
  std::uint64_t commits() const noexcept { return commits_; }
  std::uint64_t durable_commits() const noexcept { return durable_commits_; }
  // PRAGMA data_version: changes when another connection (another process) commits.
  // Together with commits(), tells a cache whether the database may have changed.
  std::int64_t data_version();
  bool in_transaction() const noexcept { return transaction_depth_ > 0; }

  // Runs `append` (a single INSERT into an append-only log) later, in one transaction with
  // every other pending one, when group commit is on and no write_transaction is open;
  // otherwise at once. Reads of those logs call flush_deferred() first, so a reader always
  // sees every append made before.
  void defer(std::function<void(database&)> append);
  bool has_deferred() const noexcept { return !deferred_.empty(); }
  // Writes the deferred appends now, in one transaction. Throws SQLite::Exception (the
  // appends are then dropped: the log loses them, nothing else is affected).
  void flush_deferred();
  // Called (once) each time the first append is deferred after a flush: the server uses it
  // to schedule the flush on its loop.
  void on_first_deferred(std::function<void()> hook) { on_first_deferred_ = std::move(hook); }

  // PRAGMA user_version: the number of migration steps applied.
  int schema_version();
  // The schema version this program creates and expects (the number of migration steps).
  static int latest_schema_version();
  // For tests of a migration: creates the file `path` at schema `version` (steps 1..version
  // only), as an older program left it.
  static void create_at_version(const std::string& path, int version);

  // True when there are no customers, executives nor products (demo data may be loaded).
  bool is_empty();

 private:
  friend class write_transaction;

  void migrate();
  static int count_commit(void* self) noexcept;

  std::string path_;
  SQLite::Database db_;
  int transaction_depth_ = 0;
  bool group_commit_ = false;
  bool flushing_deferred_ = false;
  std::uint64_t commits_ = 0;
  std::uint64_t durable_commits_ = 0;
  std::vector<std::function<void(database&)>> deferred_;
  std::function<void()> on_first_deferred_;
  struct cached {
    std::unique_ptr<SQLite::Statement> stmt;
    bool in_use = false;
  };
  // Declared after db_: destroyed (finalised) before the connection closes.
  std::unordered_map<std::string, cached> statements_;
};

// A write transaction: BEGIN IMMEDIATE when it is the outermost one (so it takes the write
// lock up front and never fails half-way on a lock upgrade), a SAVEPOINT when nested inside
// another write_transaction on the same database. Nothing is kept unless commit() is called:
// the destructor rolls back (the outermost) or rolls back to the savepoint (a nested one).
// commit() of a nested transaction only releases its savepoint; the outermost commit makes
// everything durable.
class write_transaction {
 public:
  explicit write_transaction(database& db);
  ~write_transaction();

  write_transaction(const write_transaction&) = delete;
  write_transaction& operator=(const write_transaction&) = delete;

  void commit();

 private:
  database& db_;
  bool nested_;
  bool done_ = false;
};

}  // namespace tcs::store
