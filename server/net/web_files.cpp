// Static files: target resolution, content types, ETags, the in-memory cache.
#include "server/net/web_files.hpp"

#include <fstream>
#include <iterator>
#include <sstream>

namespace tcs::net {

namespace fs = std::filesystem;

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

// Decodes %XX once; nullopt on a malformed escape.
std::optional<std::string> percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    const int hi = i + 1 < s.size() ? hex_value(s[i + 1]) : -1;
    const int lo = i + 2 < s.size() ? hex_value(s[i + 2]) : -1;
    if (hi < 0 || lo < 0)
      return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

bool acceptable_segment(std::string_view segment) {
  return !segment.empty() && segment.front() != '.' &&
         segment.find_first_of(std::string_view("\0\\", 2)) == std::string_view::npos;
}

bool is_under(const fs::path& root, const fs::path& p) {
  auto [r, q] = std::mismatch(root.begin(), root.end(), p.begin(), p.end());
  return r == root.end();
}

}  // namespace

std::optional<fs::path> resolve_target(const fs::path& root, std::string_view target) {
  target = target.substr(0, target.find_first_of("?#"));
  if (target.empty() || target.front() != '/')
    return std::nullopt;
  auto decoded = percent_decode(target);
  if (!decoded)
    return std::nullopt;
  fs::path p = root;
  std::string_view rest = std::string_view(*decoded).substr(1);
  while (!rest.empty()) {
    const auto slash = rest.find('/');
    const std::string_view segment = rest.substr(0, slash);
    if (!acceptable_segment(segment))
      return std::nullopt;
    p /= std::string(segment);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  }
  std::error_code ec;
  if (fs::is_directory(p, ec))
    p /= "index.html";
  const fs::path real = fs::canonical(p, ec);
  if (ec || !is_under(root, real) || !fs::is_regular_file(real, ec))
    return std::nullopt;
  return real;
}

std::string content_type_for(const fs::path& file) {
  static const std::unordered_map<std::string, std::string> types = {
      {".html", "text/html; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".json", "application/json"},
      {".txt", "text/plain; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".webp", "image/webp"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".woff", "font/woff"},
      {".wasm", "application/wasm"},
      {".map", "application/json"},
  };
  const auto it = types.find(file.extension().string());
  return it == types.end() ? "application/octet-stream" : it->second;
}

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  while (!if_none_match.empty()) {
    const auto comma = if_none_match.find(',');
    std::string_view tag = if_none_match.substr(0, comma);
    while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t'))
      tag.remove_prefix(1);
    while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t'))
      tag.remove_suffix(1);
    if (tag.starts_with("W/"))
      tag.remove_prefix(2);  // If-None-Match compares weakly (RFC 9110, 13.1.2)
    if (tag == "*" || tag == etag)
      return true;
    if (comma == std::string_view::npos)
      break;
    if_none_match.remove_prefix(comma + 1);
  }
  return false;
}

static_files::static_files(const fs::path& root) : root_(fs::canonical(root)) {}

std::optional<static_file> static_files::find(std::string_view target) {
  const auto path = resolve_target(root_, target);
  if (!path)
    return std::nullopt;
  std::error_code ec;
  const auto size = fs::file_size(*path, ec);
  const auto modified = fs::last_write_time(*path, ec);
  if (ec || size > max_static_file_bytes)
    return std::nullopt;
  auto it = cache_.find(path->string());
  if (it != cache_.end() && it->second.size == size && it->second.modified == modified)
    return it->second.file;
  std::ifstream in(*path, std::ios::binary);
  std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof())
    return std::nullopt;
  std::ostringstream tag;
  tag << '"' << std::hex << body.size() << '-' << modified.time_since_epoch().count() << '"';
  static_file file{std::make_shared<const std::string>(std::move(body)), content_type_for(*path),
                   tag.str()};
  if (it != cache_.end()) {
    cached_bytes_ -= it->second.size;
    cache_.erase(it);
  }
  if (cached_bytes_ + size > max_static_cache_bytes) {
    cache_.clear();
    cached_bytes_ = 0;
  }
  cache_.emplace(path->string(), entry{modified, size, file});
  cached_bytes_ += size;
  return file;
}

}  // namespace tcs::net
