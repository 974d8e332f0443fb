// Online backup and restore of the database (see backup.hpp).
#include "server/store/backup.hpp"

#include "server/store/database.hpp"

#include <SQLiteCpp/Backup.h>
#include <SQLiteCpp/SQLiteCpp.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <thread>

namespace tcs::store {

namespace {

namespace fs = std::filesystem;

// The tables counted in a summary (every table of the schema).
constexpr std::array counted_tables = {"customers",  "executives", "products",
                                       "operations", "activity",   "chat_messages"};

// How long one step may wait for a lock, and how often a locked step is tried again: the
// server's write transactions last milliseconds.
constexpr int backup_busy_timeout_ms = 5000;
constexpr int locked_retries = 100;
constexpr auto locked_pause = std::chrono::milliseconds(100);

void fsync_path(const fs::path& path, bool directory) {
  const int fd = ::open(path.c_str(), (directory ? O_DIRECTORY : 0) | O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    throw std::runtime_error("cannot open " + path.string() + ": " + std::strerror(errno));
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0)
    throw std::runtime_error("cannot sync " + path.string() + ": " + std::strerror(err));
}

// Every page of `src` into `dst`, as one snapshot of `src`.
void copy_pages(SQLite::Database& dst, SQLite::Database& src) {
  SQLite::Backup backup(dst, src);
  for (int tries = 0;; ++tries) {
    if (backup.executeStep(-1) == SQLITE_DONE)
      return;
    if (tries == locked_retries)
      throw std::runtime_error("the database stayed locked; try again");
    std::this_thread::sleep_for(locked_pause);
  }
}

// A snapshot of `src` as the self-contained file `to`: written beside it, checked, synced,
// renamed over it.
database_summary write_snapshot(SQLite::Database& src, const fs::path& to) {
  fs::path tmp = to;
  tmp += ".tmp-" + std::to_string(::getpid());
  fs::remove(tmp);
  try {
    {
      SQLite::Database dst(tmp.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE,
                           backup_busy_timeout_ms);
      copy_pages(dst, src);
      // The copied header says WAL; a backup is one file that needs no -wal beside it.
      (void)dst.execAndGet("PRAGMA journal_mode = DELETE").getString();
    }
    auto summary = inspect_database(tmp.string());
    fsync_path(tmp, false);
    fs::rename(tmp, to);
    fsync_path(to.parent_path().empty() ? fs::path(".") : to.parent_path(), true);
    return summary;
  } catch (...) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    throw;
  }
}

bool is_busy(const SQLite::Exception& e) {
  const int code = e.getErrorCode() & 0xff;
  return code == SQLITE_BUSY || code == SQLITE_LOCKED;
}

}  // namespace

std::string database_summary::describe() const {
  char size[32];
  if (bytes >= 1024 * 1024)
    std::snprintf(size, sizeof size, "%.1f MiB", static_cast<double>(bytes) / (1024 * 1024));
  else
    std::snprintf(size, sizeof size, "%.1f KiB", static_cast<double>(bytes) / 1024);
  std::string out =
      std::string(size) + ", schema " + std::to_string(schema_version) + ", integrity ok; ";
  for (std::size_t i = 0; i < counts.size(); ++i)
    out += (i ? ", " : "") + std::to_string(counts[i].second) + " " + counts[i].first;
  return out;
}

database_summary inspect_database(const std::string& path) {
  if (!fs::is_regular_file(path))
    throw std::runtime_error("no database file at " + path);
  SQLite::Database db(path, SQLite::OPEN_READONLY, backup_busy_timeout_ms);
  const std::string integrity = db.execAndGet("PRAGMA integrity_check").getString();
  if (integrity != "ok")
    throw std::runtime_error(path + ": integrity_check failed: " + integrity);
  database_summary out;
  out.schema_version = db.execAndGet("PRAGMA user_version").getInt();
  if (out.schema_version < 1 || out.schema_version > database::latest_schema_version())
    throw std::runtime_error(path + ": not a tcs database this program knows (schema " +
                             std::to_string(out.schema_version) + ")");
  for (const char* table : counted_tables) {
    if (!db.tableExists(table))
      throw std::runtime_error(path + ": not a tcs database (no table " + table + ")");
    out.counts.emplace_back(table,
                            db.execAndGet(std::string("SELECT count(*) FROM ") + table).getInt64());
  }
  out.bytes = fs::file_size(path);
  return out;
}

database_summary backup_database(const std::string& from, const std::string& to) {
  if (!fs::is_regular_file(from))
    throw std::runtime_error("no database at " + from);
  if (fs::exists(to) && fs::equivalent(from, to))
    throw std::runtime_error("the backup would overwrite the database itself");
  // Read-write without create: a read-only connection cannot join a WAL database whose
  // shared-memory file is not there yet (no server running).
  SQLite::Database src(from, SQLite::OPEN_READWRITE, backup_busy_timeout_ms);
  return write_snapshot(src, to);
}

database_summary restore_database(const std::string& backup, const std::string& target) {
  (void)inspect_database(backup);
  if (fs::exists(target) && fs::equivalent(backup, target))
    throw std::runtime_error("the backup and the database are the same file");
  SQLite::Database src(backup, SQLite::OPEN_READONLY, backup_busy_timeout_ms);
  if (!fs::exists(target)) {
    write_snapshot(src, target);
    return inspect_database(target);
  }
  {
    SQLite::Database dst(target, SQLite::OPEN_READWRITE, 200);
    // Leaving WAL mode needs the only connection to the file: fails while a server has it.
    std::string mode;
    try {
      mode = dst.execAndGet("PRAGMA journal_mode = DELETE").getString();
    } catch (const SQLite::Exception& e) {
      if (!is_busy(e))
        throw;
    }
    if (mode != "delete")
      throw database_in_use(target + " is in use (is tcs-server running?); stop the server first");
    write_snapshot(dst, target + ".before-restore");
    copy_pages(dst, src);
  }
  fsync_path(target, false);
  return inspect_database(target);
}

}  // namespace tcs::store
