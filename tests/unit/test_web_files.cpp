// The web port's static files (issue 14): which targets resolve to which files, and every
// spelling of a path escape refused (.., encoded, dot files, symlinks out of the root); ETag
// matching; content types; the pending_set of connections that are not sessions yet.
#include "server/net/pending_set.hpp"
#include "server/net/web_files.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <random>

namespace fs = std::filesystem;
using tcs::net::resolve_target;

namespace {

// A temporary web root with index.html, app.js, img/logo.png, a secret file beside the root,
// a symlink inside the root pointing at it, and a symlink to a file inside the root.
struct web_root {
  fs::path base;
  fs::path root;
  web_root() {
    base = fs::temp_directory_path() / ("tcs-web-" + std::to_string(std::random_device{}()));
    root = base / "web";
    fs::create_directories(root / "img");
    fs::create_directories(root / ".git");
    write(root / "index.html", "<!doctype html>");
    write(root / "app.js", "1");
    write(root / "img" / "logo.png", "png");
    write(root / ".git" / "config", "secret");
    write(base / "secret.txt", "secret");
    fs::create_symlink(base / "secret.txt", root / "escape.txt");
    fs::create_symlink(base, root / "up");
    fs::create_symlink(root / "app.js", root / "alias.js");
    root = fs::canonical(root);
  }
  ~web_root() { fs::remove_all(base); }
  static void write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }
};

}  // namespace

TEST_CASE("static targets resolve inside the root", "[web]") {
  web_root w;
  CHECK(resolve_target(w.root, "/") == w.root / "index.html");
  CHECK(resolve_target(w.root, "/index.html") == w.root / "index.html");
  CHECK(resolve_target(w.root, "/app.js?v=3") == w.root / "app.js");
  CHECK(resolve_target(w.root, "/img/logo.png") == w.root / "img" / "logo.png");
  CHECK(resolve_target(w.root, "/img/") == std::nullopt);  // no index.html, no listing
  CHECK(resolve_target(w.root, "/%61pp.js") == w.root / "app.js");
  CHECK(resolve_target(w.root, "/alias.js") == w.root / "app.js");  // a symlink inside is fine
  CHECK(resolve_target(w.root, "/missing.html") == std::nullopt);
}

TEST_CASE("every spelling of a path escape is refused", "[web]") {
  web_root w;
  for (const char* target : {"/../secret.txt",
                             "/../../etc/passwd",
                             "/img/../../secret.txt",
                             "/%2e%2e/secret.txt",
                             "/%2E%2E/%2E%2E/etc/passwd",
                             "/..%2fsecret.txt",
                             "/..%2Fsecret.txt",
                             "/img/..%5c..%5csecret.txt",
                             "/%252e%252e/secret.txt",
                             "/.git/config",
                             "/%2egit/config",
                             "/escape.txt",
                             "/up/secret.txt",
                             "//etc/passwd",
                             "/img//logo.png",
                             "/./index.html",
                             "/index.html%00.png",
                             "/%zz",
                             "/%2",
                             "relative.html",
                             "",
                             "http://example.com/index.html"}) {
    INFO(target);
    CHECK(resolve_target(w.root, target) == std::nullopt);
  }
}

TEST_CASE("static_files serves contents with a type and an ETag", "[web]") {
  web_root w;
  tcs::net::static_files files(w.base / "web");
  auto index = files.find("/");
  REQUIRE(index);
  CHECK(*index->body == "<!doctype html>");
  CHECK(index->content_type == "text/html; charset=utf-8");
  CHECK(index->etag.front() == '"');
  CHECK(files.find("/app.js")->content_type == "text/javascript; charset=utf-8");
  CHECK(files.find("/img/logo.png")->content_type == "image/png");
  CHECK(!files.find("/../secret.txt"));
  // A changed file is read again, with a new ETag.
  web_root::write(w.root / "index.html", "<!doctype html><p>v2</p>");
  auto again = files.find("/index.html");
  CHECK(*again->body == "<!doctype html><p>v2</p>");
  CHECK(again->etag != index->etag);
}

TEST_CASE("If-None-Match lists, weak tags and *", "[web]") {
  using tcs::net::etag_matches;
  CHECK(etag_matches("\"a-1\"", "\"a-1\""));
  CHECK(etag_matches("W/\"a-1\"", "\"a-1\""));
  CHECK(etag_matches("\"x\", \"a-1\"", "\"a-1\""));
  CHECK(etag_matches("*", "\"a-1\""));
  CHECK_FALSE(etag_matches("\"a-2\"", "\"a-1\""));
  CHECK_FALSE(etag_matches("", "\"a-1\""));
}

TEST_CASE("pending_set counts and closes connections that are not sessions", "[web]") {
  tcs::net::pending_set pending;
  int closed = 0;
  {
    auto a = pending.add([&] { ++closed; });
    auto b = pending.add([&] { ++closed; });
    CHECK(pending.size() == 2);
    b.reset();
    CHECK(pending.size() == 1);
    pending.close_all();
    CHECK(closed == 1);
    auto moved = std::move(a);
    CHECK(pending.size() == 1);
  }
  CHECK(pending.size() == 0);
}
