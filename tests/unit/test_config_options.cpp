// Unit tests of the server's options: the configuration file (values, precedence, errors with
// file and line), the command-line split around the subcommands, the shipped tcs.conf, and
// the /metrics access rule.
#include "server/config_options.hpp"
#include "server/net/metrics.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace tcs;

namespace {

// A configuration file with `text`, removed at the end of the test.
struct temp_config {
  explicit temp_config(const std::string& text) {
    path =
        (std::filesystem::temp_directory_path() / ("tcs-config-test-" + std::to_string(::getpid()) +
                                                   "-" + std::to_string(++counter) + ".conf"))
            .string();
    std::ofstream(path) << text;
  }
  ~temp_config() { std::filesystem::remove(path); }
  std::string path;
  static inline int counter = 0;
};

std::string error_of(const std::vector<std::string>& args) {
  server_config config;
  server_options options(config);
  try {
    options.parse(args);
  } catch (const config_error& e) {
    return e.what();
  }
  return "no error";
}

bool is_command(std::string_view w) {
  return w == "user" || w == "catalogue" || w == "backup" || w == "restore" || w == "canned" ||
         w == "report";
}

}  // namespace

TEST_CASE("config file: values are read, the command line wins") {
  temp_config file(
      "# a comment\n"
      "\n"
      "port = 6001   # trailing comment\n"
      "  db=/tmp/x.db\n"
      "demo = true\n"
      "web-origin = https://a.example\n"
      "web-origin = https://b.example\n"
      "assignment = auto\n"
      "login-max-delay = 7\n");
  server_config config;
  server_options options(config);
  REQUIRE(options.parse({"--config", file.path, "--port", "6002"}));
  CHECK(options.config_file() == file.path);
  CHECK(config.port == 6002);
  CHECK(config.db_path == "/tmp/x.db");
  CHECK(config.demo);
  CHECK(config.web_origins == std::vector<std::string>{"https://a.example", "https://b.example"});
  CHECK(config.auto_assign);
  CHECK(config.throttle.max_delay_ms == 7000);
  CHECK(config.host == "127.0.0.1");  // not in the file: the default
}

TEST_CASE("config file: errors name the file, the line and the reason") {
  {
    temp_config file("port = 6001\nbogus = 1\n");
    CHECK(error_of({"--config", file.path}) == file.path + ":2: unknown option \"bogus\"");
  }
  {
    temp_config file("\n\nport = many\n");
    const auto e = error_of({"--config", file.path});
    CHECK(e.starts_with(file.path + ":3: "));
    CHECK(e.find("port") != std::string::npos);
    CHECK(e.find("invalid") != std::string::npos);
  }
  {
    // A bad value is reported even when the command line overrides the key.
    temp_config file("port = 99999999\n");
    CHECK(error_of({"--config", file.path, "--port", "6000"}).starts_with(file.path + ":1: "));
  }
  {
    temp_config file("assignment = sometimes\n");
    CHECK(error_of({"--config", file.path}) ==
          file.path + ":1: --assignment must be manual or auto");
  }
  {
    temp_config file("port 6001\n");
    CHECK(error_of({"--config", file.path}) ==
          file.path + ":1: expected \"key = value\", found \"port 6001\"");
  }
  {
    temp_config file("[server]\nport = 1\n");
    CHECK(error_of({"--config", file.path}).starts_with(file.path + ":1: expected"));
  }
  {
    temp_config file("port = 1\nport = 2\n");
    CHECK(error_of({"--config", file.path}) == file.path + ":2: \"port\" is already set on line 1");
  }
  {
    temp_config file("config = /etc/other.conf\n");
    CHECK(error_of({"--config", file.path}) ==
          file.path + ":1: \"config\" cannot be set in a configuration file");
  }
  {
    temp_config file("db =\n");
    CHECK(error_of({"--config", file.path}) == file.path + ":1: no value for \"db\"");
  }
  CHECK(error_of({"--config", "/nonexistent/tcs.conf"}) ==
        "/nonexistent/tcs.conf: cannot read: No such file or directory");
  CHECK(error_of({"--config", "/"}) == "/: cannot read: it is a directory");
  {
    temp_config file("hash-threads = 0\n");
    CHECK(error_of({"--config", file.path}) == "--hash-threads must be at least 1");
  }
}

TEST_CASE("command line: stray words and unknown options are errors") {
  CHECK(error_of({"informe"}) == "unexpected word \"informe\"");
  CHECK(error_of({"--nope"}).find("nope") != std::string::npos);
  server_config config;
  server_options options(config);
  CHECK_THROWS_WITH(split_command_line({"respuestas", "list"}, options.description(), is_command),
                    Catch::StartsWith("unexpected word \"respuestas\""));
  CHECK_THROWS_WITH(
      split_command_line({"--port", "5555", "informe"}, options.description(), is_command),
      Catch::StartsWith("unexpected word \"informe\""));
}

TEST_CASE("command line: --db and --config on either side of a subcommand") {
  server_config config;
  server_options options(config);
  const auto& d = options.description();
  auto split = split_command_line({"--db", "var/tcs.db", "user", "list"}, d, is_command);
  CHECK(split.server_args.empty());
  CHECK(split.command_args == std::vector<std::string>{"user", "list", "--db", "var/tcs.db"});
  CHECK(!split.config);

  split = split_command_line({"user", "list", "--config", "/x.conf", "--role", "customer"}, d,
                             is_command);
  CHECK(split.command_args == std::vector<std::string>{"user", "list", "--role", "customer"});
  CHECK(split.config == "/x.conf");

  split = split_command_line({"--config=/y.conf", "--db=a.db", "backup", "--to", "b.db"}, d,
                             is_command);
  CHECK(split.command_args == std::vector<std::string>{"backup", "--to", "b.db", "--db=a.db"});
  CHECK(split.config == "/y.conf");

  // A server option's value is not taken for a subcommand.
  split = split_command_line({"--db", "user", "--port", "6000"}, d, is_command);
  CHECK(split.command_args.empty());
  CHECK(split.server_args == std::vector<std::string>{"--db", "user", "--port", "6000"});

  CHECK_THROWS_WITH(split_command_line({"--port", "6000", "user", "list"}, d, is_command),
                    Catch::Contains("only --db and --config go before a subcommand"));
}

TEST_CASE("the shipped tcs.conf lists every option and is valid") {
  const std::string path = std::string(TCS_SOURCE_DIR) + "/packaging/tcs.conf";
  std::ifstream in(path);
  REQUIRE(in);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  server_config config;
  server_options options(config);
  for (const auto& option : options.description().options()) {
    const std::string& key = option->long_name();
    if (key == "help" || key == "config")
      continue;
    INFO(key);
    CHECK((text.find("\n#" + key + " = ") != std::string::npos ||
           text.find("\n" + key + " = ") != std::string::npos));
  }
  // Every line uncommented (the first of repeated keys) still parses.
  std::string uncommented;
  std::istringstream lines(text);
  std::set<std::string> seen;
  for (std::string line; std::getline(lines, line);) {
    const auto eq = line.find(" = ");
    if (line.size() > 1 && line[0] == '#' && line[1] != ' ' && eq != std::string::npos &&
        seen.insert(line.substr(1, eq - 1)).second)
      uncommented += line.substr(1) + "\n";
  }
  temp_config all(uncommented);
  server_config parsed;
  server_options check(parsed);
  CHECK_NOTHROW(check.parse({"--config", all.path}));
  CHECK(parsed.port == 5555);
  CHECK(parsed.metrics_allow == std::vector<std::string>{"10.0.0.5"});
}

TEST_CASE("metrics: loopback and --metrics-allow only") {
  namespace ip = boost::asio::ip;
  const std::vector<std::string> allow{"10.0.0.5", "192.168.1.0/24", "fd00::/8"};
  CHECK(net::metrics_allowed(ip::make_address("127.0.0.1"), {}));
  CHECK(net::metrics_allowed(ip::make_address("::1"), {}));
  CHECK(net::metrics_allowed(ip::make_address("::ffff:127.0.0.1"), {}));
  CHECK_FALSE(net::metrics_allowed(ip::make_address("10.0.0.5"), {}));
  CHECK(net::metrics_allowed(ip::make_address("10.0.0.5"), allow));
  CHECK(net::metrics_allowed(ip::make_address("::ffff:10.0.0.5"), allow));
  CHECK_FALSE(net::metrics_allowed(ip::make_address("10.0.0.6"), allow));
  CHECK(net::metrics_allowed(ip::make_address("192.168.1.77"), allow));
  CHECK_FALSE(net::metrics_allowed(ip::make_address("192.168.2.1"), allow));
  CHECK(net::metrics_allowed(ip::make_address("fd12::1"), allow));
  CHECK(net::metrics_allow_error(allow).empty());
  CHECK(net::metrics_allow_error({"10.0.0.0/33"}) ==
        "--metrics-allow 10.0.0.0/33: not an address or a prefix (10.0.0.5, 10.0.0.0/24)");
  CHECK_FALSE(net::metrics_allow_error({"example.com"}).empty());
}
