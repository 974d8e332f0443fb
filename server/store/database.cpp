// The SQLite connection, its settings, the schema migrations and write transactions.
#include "server/store/database.hpp"

#include <sqlite3.h>

#include <array>
#include <stdexcept>

namespace tcs::store {
namespace {

constexpr int busy_timeout_ms = 5000;  // a writer waits this long for another writer's lock
// Group commit checkpoints on the server's sync thread; this automatic checkpoint on the
// loop (40 MB of WAL) only bounds the WAL should that thread fall behind.
constexpr int backstop_checkpoint_pages = 10000;
// Deferred appends written at once when this many are pending, to bound the memory they use.
constexpr std::size_t max_deferred_appends = 4096;

// Migration steps, applied in order; step N leaves the schema at user_version N. Never edit a
// step that has shipped: append a new one.
//
// Notes on the schema:
// - Emails are stored ASCII-lower-case and compared with COLLATE NOCASE.
// - products.listed = 0 marks a card the store bought from a customer (`:buy`) but never
//   published: it has held units and a placeholder price, and is not in the customers'
//   catalogue until `:publish` gives it a price.
// - operation_events is the timeline of an operation: every state it reached, when, and the
//   display name of who made the change.
constexpr std::array migrations = {
    // 1: everything.
    R"sql(
CREATE TABLE customers (
  id            INTEGER PRIMARY KEY,
  email         TEXT    NOT NULL UNIQUE COLLATE NOCASE,
  name          TEXT    NOT NULL,
  password_hash TEXT    NOT NULL,
  disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  created_at    INTEGER NOT NULL
);

CREATE TABLE executives (
  id             INTEGER PRIMARY KEY,
  email          TEXT    NOT NULL UNIQUE COLLATE NOCASE,
  name           TEXT    NOT NULL,
  password_hash  TEXT    NOT NULL,
  totp_secret    TEXT    NOT NULL,
  last_totp_step INTEGER NOT NULL DEFAULT -1,
  disabled       INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  created_at     INTEGER NOT NULL
);

CREATE TABLE products (
  id     INTEGER PRIMARY KEY,
  name   TEXT    NOT NULL UNIQUE COLLATE NOCASE,
  kind   TEXT    NOT NULL CHECK (kind IN ('card', 'pack')),
  price  INTEGER NOT NULL CHECK (price > 0),
  stock  INTEGER NOT NULL DEFAULT 0 CHECK (stock >= 0),
  held   INTEGER NOT NULL DEFAULT 0 CHECK (held >= 0),
  listed INTEGER NOT NULL DEFAULT 1 CHECK (listed IN (0, 1))
);

CREATE TABLE operations (
  id           INTEGER PRIMARY KEY,
  customer_id  INTEGER NOT NULL REFERENCES customers (id),
  kind         TEXT    NOT NULL CHECK (kind IN ('purchase', 'sale')),
  state        TEXT    NOT NULL CHECK (state IN ('paid', 'shipped', 'received', 'returned')),
  created_at   INTEGER NOT NULL,
  executive_id INTEGER NULL REFERENCES executives (id)
);
CREATE INDEX operations_by_customer ON operations (customer_id, created_at);

CREATE TABLE operation_lines (
  operation_id INTEGER NOT NULL REFERENCES operations (id),
  product_id   INTEGER NOT NULL REFERENCES products (id),
  quantity     INTEGER NOT NULL CHECK (quantity > 0),
  unit_price   INTEGER NOT NULL CHECK (unit_price >= 0),
  PRIMARY KEY (operation_id, product_id)
) WITHOUT ROWID;

CREATE TABLE operation_events (
  id           INTEGER PRIMARY KEY,
  operation_id INTEGER NOT NULL REFERENCES operations (id),
  state        TEXT    NOT NULL CHECK (state IN ('paid', 'shipped', 'received', 'returned')),
  at           INTEGER NOT NULL,
  actor        TEXT    NOT NULL
);
CREATE INDEX operation_events_by_operation ON operation_events (operation_id, at);

CREATE TABLE activity (
  id          INTEGER PRIMARY KEY,
  at          INTEGER NOT NULL,
  actor_role  TEXT    NOT NULL CHECK (actor_role IN ('customer', 'executive', 'system', 'admin')),
  actor_id    INTEGER NULL,
  customer_id INTEGER NULL REFERENCES customers (id),
  action      TEXT    NOT NULL,
  detail      TEXT    NOT NULL DEFAULT '',
  outcome     TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX activity_by_customer ON activity (customer_id, at);

CREATE TABLE chat_messages (
  id           INTEGER PRIMARY KEY,
  customer_id  INTEGER NOT NULL REFERENCES customers (id),
  executive_id INTEGER NOT NULL REFERENCES executives (id),
  sender_role  TEXT    NOT NULL CHECK (sender_role IN ('customer', 'executive')),
  text         TEXT    NOT NULL,
  at           INTEGER NOT NULL
);
CREATE INDEX chat_messages_by_customer ON chat_messages (customer_id, at);
)sql",
    // 2: the transcript keeps no per-customer index. Lines arrive interleaved from every open
    // chat, so each batch of them rewrote one index page per chat (write amplification of
    // ~100x with 1,000 chats); nothing on the request path reads the transcript, and reading
    // one customer's lines (an administrative task) scans the table instead.
    R"sql(
DROP INDEX chat_messages_by_customer;
)sql",
    // 3: agent tools (issue 17). A chat is a row of `chats` (one per executive that held it: a
    // transfer ends one row, `transferred`, and starts the next with transferred_from); its
    // lines carry chat_id. The lines keep no index (see 2): a chat's lines are found between
    // first_line_id (the newest line id when it started, a lower bound) and last_line_id (the
    // newest when it ended), a range of the primary key. `lines`: counted by chat_service as
    // they are sent, stored when the chat ends.
    // rating: the customer's satisfaction survey (1-5; NULL: not answered or skipped).
    R"sql(
CREATE TABLE chats (
  id               INTEGER PRIMARY KEY,
  customer_id      INTEGER NOT NULL REFERENCES customers (id),
  executive_id     INTEGER NOT NULL REFERENCES executives (id),
  queued_at        INTEGER NOT NULL,
  started_at       INTEGER NOT NULL,
  ended_at         INTEGER NULL,
  outcome          TEXT    NULL,
  transferred_from INTEGER NULL REFERENCES chats (id),
  first_line_id    INTEGER NOT NULL DEFAULT 0,
  last_line_id     INTEGER NULL,
  lines            INTEGER NOT NULL DEFAULT 0,
  rating           INTEGER NULL CHECK (rating BETWEEN 1 AND 5),
  rating_comment   TEXT    NULL
);
CREATE INDEX chats_by_customer ON chats (customer_id, started_at);
CREATE INDEX chats_by_start ON chats (started_at);

ALTER TABLE chat_messages ADD COLUMN chat_id INTEGER NULL;

CREATE TABLE canned_replies (
  name       TEXT    PRIMARY KEY COLLATE NOCASE,
  text       TEXT    NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE customer_notes (
  id           INTEGER PRIMARY KEY,
  customer_id  INTEGER NOT NULL REFERENCES customers (id),
  executive_id INTEGER NOT NULL REFERENCES executives (id),
  text         TEXT    NOT NULL,
  at           INTEGER NOT NULL
);
CREATE INDEX customer_notes_by_customer ON customer_notes (customer_id, at);
)sql",
};

int read_user_version(SQLite::Database& db) {
  return db.execAndGet("PRAGMA user_version").getInt();
}

}  // namespace

database::database(const std::string& path)
    : path_(path), db_(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, busy_timeout_ms) {
  db_.exec("PRAGMA foreign_keys = ON");
  // WAL is persistent in the file; an in-memory database answers "memory" and stays so.
  (void)db_.execAndGet("PRAGMA journal_mode = WAL").getString();
  db_.exec("PRAGMA synchronous = FULL");
  sqlite3_commit_hook(db_.getHandle(), &database::count_commit, this);
  migrate();
}

database::~database() {
  try {
    flush_deferred();
  } catch (...) {  // NOLINT(bugprone-empty-catch): nothing to do about it at this point
  }
  sqlite3_commit_hook(db_.getHandle(), nullptr, nullptr);
}

int database::count_commit(void* self) noexcept {
  auto* db = static_cast<database*>(self);
  ++db->commits_;
  if (!db->flushing_deferred_)
    ++db->durable_commits_;
  return 0;  // let the commit proceed
}

database::statement::statement(SQLite::Statement* shared, bool* in_use,
                               std::unique_ptr<SQLite::Statement> own)
    : stmt_(shared ? shared : own.get()), in_use_(in_use), own_(std::move(own)) {}

database::statement::statement(statement&& other) noexcept
    : stmt_(other.stmt_), in_use_(other.in_use_), own_(std::move(other.own_)) {
  other.stmt_ = nullptr;
  other.in_use_ = nullptr;
}

database::statement::~statement() {
  if (!stmt_ || !in_use_)
    return;
  try {
    stmt_->reset();
    stmt_->clearBindings();
  } catch (...) {  // NOLINT(bugprone-empty-catch): reset only reports the last step's error
  }
  *in_use_ = false;
}

database::statement database::prepare(const std::string& sql) {
  auto [it, inserted] = statements_.try_emplace(sql);
  cached& c = it->second;
  if (inserted) {
    try {
      c.stmt = std::make_unique<SQLite::Statement>(db_, sql);
    } catch (...) {
      statements_.erase(it);
      throw;
    }
  }
  if (c.in_use)
    return statement(nullptr, nullptr, std::make_unique<SQLite::Statement>(db_, sql));
  c.in_use = true;
  return statement(c.stmt.get(), &c.in_use, nullptr);
}

std::int64_t database::data_version() {
  auto q = prepare("PRAGMA data_version");
  q.executeStep();
  return q.getColumn(0).getInt64();
}

bool database::enable_group_commit() {
  if (group_commit_)
    return true;
  if (db_.execAndGet("PRAGMA journal_mode").getString() != "wal")
    return false;
  db_.exec("PRAGMA synchronous = NORMAL");
  db_.exec("PRAGMA wal_autocheckpoint = " + std::to_string(backstop_checkpoint_pages));
  group_commit_ = true;
  return true;
}

void database::defer(std::function<void(database&)> append) {
  if (!group_commit_ || transaction_depth_ > 0) {
    append(*this);
    return;
  }
  deferred_.push_back(std::move(append));
  if (deferred_.size() == 1 && on_first_deferred_)
    on_first_deferred_();
  if (deferred_.size() >= max_deferred_appends)
    flush_deferred();
}

void database::flush_deferred() {
  if (deferred_.empty() || flushing_deferred_)
    return;
  auto pending = std::move(deferred_);
  deferred_.clear();
  flushing_deferred_ = true;
  try {
    write_transaction tx(*this);
    for (auto& append : pending)
      append(*this);
    tx.commit();
  } catch (...) {
    flushing_deferred_ = false;
    throw;
  }
  flushing_deferred_ = false;
}

void database::create_at_version(const std::string& path, int version) {
  if (version < 0 || version > latest_schema_version())
    throw std::invalid_argument("no such schema version");
  SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, busy_timeout_ms);
  (void)db.execAndGet("PRAGMA journal_mode = WAL").getString();
  SQLite::Transaction tx(db);
  for (int step = 0; step < version; ++step)
    db.exec(migrations[static_cast<std::size_t>(step)]);
  db.exec("PRAGMA user_version = " + std::to_string(version));
  tx.commit();
}

int database::latest_schema_version() {
  return static_cast<int>(migrations.size());
}

int database::schema_version() {
  return read_user_version(db_);
}

bool database::is_empty() {
  return db_.execAndGet(
                "SELECT (SELECT count(*) FROM customers) + (SELECT count(*) FROM "
                "executives) + (SELECT count(*) FROM products)")
             .getInt64() == 0;
}

void database::migrate() {
  const int latest = latest_schema_version();
  if (read_user_version(db_) == latest) {
    return;
  }
  write_transaction tx(*this);
  // Re-read under the write lock: another process may have migrated meanwhile.
  const int current = read_user_version(db_);
  if (current > latest) {
    throw std::runtime_error("database schema version " + std::to_string(current) +
                             " is newer than this program's (" + std::to_string(latest) + ")");
  }
  for (int step = current; step < latest; ++step) {
    db_.exec(migrations[static_cast<std::size_t>(step)]);
  }
  // PRAGMA takes no bound parameters; the value is our own integer, not user data.
  db_.exec("PRAGMA user_version = " + std::to_string(latest));
  tx.commit();
}

write_transaction::write_transaction(database& db) : db_(db), nested_(db.transaction_depth_ > 0) {
  db_.db_.exec(nested_ ? "SAVEPOINT tcs_nested" : "BEGIN IMMEDIATE");
  ++db_.transaction_depth_;
}

write_transaction::~write_transaction() {
  if (done_) {
    return;
  }
  --db_.transaction_depth_;
  try {
    if (nested_) {
      db_.db_.exec("ROLLBACK TO tcs_nested");
      db_.db_.exec("RELEASE tcs_nested");
    } else {
      db_.db_.exec("ROLLBACK");
    }
  } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor must not throw; SQLite has
                   // already rolled back if the statement itself failed.
  }
}

void write_transaction::commit() {
  if (done_) {
    throw std::logic_error("write_transaction committed twice");
  }
  db_.db_.exec(nested_ ? "RELEASE tcs_nested" : "COMMIT");
  done_ = true;
  --db_.transaction_depth_;
}

}  // namespace tcs::store
