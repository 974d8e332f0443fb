// The static files of the web port (--web-root): which file a request target names, if any,
// its content type and its ETag.
//
// A target is percent-decoded once, then split on '/'; a segment that is empty, ".", "..",
// starts with a dot (.git, .env) or holds a NUL or a backslash refuses the request, so no
// spelling of "../" (encoded, doubled, mixed) can leave the root. The file found is then
// resolved with std::filesystem::canonical (every symlink followed) and must still be under
// the root's canonical path and be a regular file: a symlink pointing out of the root is
// refused too. A directory serves its index.html; there is no listing.
//
// Files are read once and kept in memory (the web root holds a page's few small files), and
// read again when their size or modification time changes, so the loop does not read the
// disk for every request. Used on the loop thread only.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace tcs::net {

// A file larger than this is not served: the web root holds pages, scripts and images.
inline constexpr std::size_t max_static_file_bytes = 4 << 20;
// Files kept in memory at most, in bytes; beyond it the cache starts again empty.
inline constexpr std::size_t max_static_cache_bytes = 32 << 20;

struct static_file {
  std::shared_ptr<const std::string> body;
  std::string content_type;
  std::string etag;  // a quoted strong validator from the size and modification time
};

// The path under `root` that `target` names, or nullopt when the target is refused. The
// query (?...) is ignored. `root` must be canonical.
std::optional<std::filesystem::path> resolve_target(const std::filesystem::path& root,
                                                    std::string_view target);

// The content type for a file name's extension (text types with charset=utf-8).
std::string content_type_for(const std::filesystem::path& file);

// Whether an If-None-Match header value matches `etag` ("*", or one of a list, weak or not).
bool etag_matches(std::string_view if_none_match, std::string_view etag);

class static_files {
 public:
  // `root` must exist; it is made canonical here. Throws std::filesystem::filesystem_error.
  explicit static_files(const std::filesystem::path& root);

  const std::filesystem::path& root() const noexcept { return root_; }
  // The file `target` names, or nullopt (not found, refused, too large, unreadable).
  std::optional<static_file> find(std::string_view target);

 private:
  struct entry {
    std::filesystem::file_time_type modified;
    std::uintmax_t size = 0;
    static_file file;
  };
  std::filesystem::path root_;
  std::unordered_map<std::string, entry> cache_;
  std::size_t cached_bytes_ = 0;
};

}  // namespace tcs::net
