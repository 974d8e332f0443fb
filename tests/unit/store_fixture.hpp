// Shared helpers for the store and service unit tests: demo databases and temporary files.
#pragma once

#include "common/protocol/errc.hpp"
#include "server/store/accounts_repository.hpp"
#include "server/store/catalogue_repository.hpp"
#include "server/store/database.hpp"
#include "server/store/demo_data.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace tcs::test {

inline constexpr std::int64_t demo_now = 1'732'000'000;  // 19/11/2024, a fixed "now"

inline std::string cheap_hash(std::string_view password) {
  return "hash:" + std::string(password);
}

// An in-memory database with the demo data loaded at demo_now.
struct demo_db {
  store::database db{":memory:"};
  demo_db() { store::load_demo_data(db, cheap_hash, demo_now); }

  std::int64_t customer(std::string_view email) {
    return store::accounts_repository(db).find_customer(email).value().id;
  }
  store::product_record product(std::string_view name) {
    return store::catalogue_repository(db).by_name(name).value();
  }
};

// A database file path in the temp directory, removed (with its WAL files) on destruction.
class temp_db_path {
 public:
  temp_db_path() {
    static std::atomic<int> counter{0};
    path_ = (std::filesystem::temp_directory_path() /
             ("tcs-unit-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".db"))
                .string();
    remove_all();
  }
  ~temp_db_path() { remove_all(); }
  temp_db_path(const temp_db_path&) = delete;
  temp_db_path& operator=(const temp_db_path&) = delete;

  const std::string& str() const { return path_; }

 private:
  void remove_all() {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
      std::filesystem::remove(path_ + suffix, ec);
    }
  }
  std::string path_;
};

}  // namespace tcs::test

// Lets Catch print a result<T> (its own operator<< needs T and failure to be printable).
namespace Catch {
template <class T>
struct StringMaker<boost::system::result<T, tcs::failure>> {
  static std::string convert(const boost::system::result<T, tcs::failure>& r) {
    if (r) {
      return "ok";
    }
    return "failure{" + std::string(tcs::code_name(r.error().code)) + ", \"" + r.error().message +
           "\"}";
  }
};
}  // namespace Catch
