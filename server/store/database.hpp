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
//   only in server/store/.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <string>

namespace tcs::store {

class database {
 public:
  explicit database(const std::string& path);

  database(const database&) = delete;
  database& operator=(const database&) = delete;

  SQLite::Database& sql() { return db_; }

  // PRAGMA user_version: the number of migration steps applied.
  int schema_version();
  // The schema version this program creates and expects (the number of migration steps).
  static int latest_schema_version();

  // True when there are no customers, executives nor products (demo data may be loaded).
  bool is_empty();

 private:
  friend class write_transaction;

  void migrate();

  SQLite::Database db_;
  int transaction_depth_ = 0;
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
