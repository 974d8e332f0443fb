// The server's options, the configuration file reader and the command-line split.
#include "server/config_options.hpp"

#include "server/services/support_desk.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>

namespace tcs {

namespace po = boost::program_options;

namespace {

std::string trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos)
    return {};
  const auto last = s.find_last_not_of(" \t\r");
  return std::string(s.substr(first, last - first + 1));
}

// The installation prefix of the running program (/usr for /usr/bin/tcs-server), or empty
// when it does not run from a bin/ folder (a build tree: build/server/tcs-server).
std::filesystem::path install_prefix() {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec || exe.parent_path().filename() != "bin")
    return {};
  return exe.parent_path().parent_path();
}

void add_server_options(po::options_description& options, server_config& config) {
  // clang-format off
  options.add_options()
      ("help,h", "show this help")
      ("config", po::value<std::string>(), "configuration file (default: /etc/tcs/tcs.conf for the program installed in /usr/bin, when it exists; none for a build tree); the command line wins over it")
      ("host", po::value(&config.host)->default_value(config.host), "address to listen on")
      ("port", po::value(&config.port)->default_value(config.port), "TCP port")
      ("tls-cert", po::value(&config.tls_cert), "PEM certificate chain: TLS on every port (with --tls-key; reloaded on SIGHUP)")
      ("tls-key", po::value(&config.tls_key), "PEM private key of --tls-cert")
      ("allow-plaintext", po::bool_switch(&config.allow_plaintext), "listen on a non-loopback --host without TLS (a TLS proxy or a private network protects the traffic)")
      ("web-port", po::value(&config.web_port)->default_value(config.web_port), "HTTP + WebSocket port on --host (0 = none)")
      ("web-root", po::value(&config.web_root)->default_value(default_web_root()), "folder of the static files the web port serves")
      ("web-origin", po::value(&config.web_origins)->composing(), "origin whose pages may open a WebSocket, e.g. https://shop.example (repeatable; default: the server's own)")
      ("web-embed-origin", po::value(&config.web_embed_origins)->composing(), "origin allowed to embed the pages in a frame (CSP frame-ancestors; repeatable)")
      ("metrics-allow", po::value(&config.metrics_allow)->composing(), "address (or prefix/length) allowed to read GET /metrics besides loopback, e.g. 10.0.0.5 or 10.0.0.0/24 (repeatable)")
      ("db", po::value(&config.db_path)->default_value(config.db_path), "SQLite database file (created if missing)")
      ("demo", po::bool_switch(&config.demo), "load demo customers, executives and catalogue into an empty database")
      ("min-password-length", po::value(&config.min_password_length)->default_value(config.min_password_length), "minimum length of a new customer password")
      ("hash-threads", po::value(&config.hash_threads)->default_value(config.hash_threads), "threads that hash and verify passwords (Argon2id)")
      ("max-connections", po::value(&config.max_connections)->default_value(config.max_connections), "connections beyond this are refused with busy (lowered to the open-files limit minus 64)")
      ("max-input-bytes", po::value(&config.max_input_bytes)->default_value(config.max_input_bytes), "memory unfinished requests may hold across all connections; beyond it the connections holding the most are closed")
      ("max-outbound-bytes", po::value(&config.max_outbound_bytes)->default_value(config.max_outbound_bytes), "bytes queued for a peer before it is disconnected as a slow reader")
      ("login-timeout", po::value(&config.login_timeout_s)->default_value(config.login_timeout_s), "seconds a connection may stay without logging in")
      ("idle-timeout", po::value(&config.idle_timeout_s)->default_value(config.idle_timeout_s), "seconds of silence before a heartbeat; silent as long again after it and the peer is dropped")
      ("max-protocol-errors", po::value(&config.max_protocol_errors)->default_value(config.max_protocol_errors), "malformed messages one connection may send before it is closed")
      ("hash-queue", po::value(&config.hash_queue.max_queued)->default_value(config.hash_queue.max_queued), "logins waiting for a hashing thread, in all; more get busy")
      ("hash-queue-per-address", po::value(&config.hash_queue.max_per_source)->default_value(config.hash_queue.max_per_source), "logins waiting or hashing from one client address; more get busy")
      ("login-slow-after", po::value(&config.throttle.slow_after)->default_value(config.throttle.slow_after), "failed logins of one account before its next attempts are spaced out (1 s, doubling)")
      ("address-slow-after", po::value(&config.throttle.address_slow_after)->default_value(config.throttle.address_slow_after), "failed logins from one address before its next attempts are spaced out")
      ("login-max-delay", po::value<std::int64_t>()->default_value(config.throttle.max_delay_ms / 1000)->notifier([&config](std::int64_t s) { config.throttle.max_delay_ms = s * 1000; }), "seconds: the longest spacing between two attempts of a slowed account or address")
      ("assignment", po::value<std::string>()->default_value("manual")->notifier([&config](const std::string& v) { if (v != "manual" && v != "auto") throw po::error("--assignment must be manual or auto"); config.auto_assign = v == "auto"; }), "manual (executives :connect) or auto (the longest-waiting customer goes at once to the available executive idle longest)")
      ("max-chats-per-executive", po::value(&config.max_chats_per_executive)->default_value(config.max_chats_per_executive), "chats an executive may have open at once (1 to 9): :connect takes another customer while a slot is free, :cambiar N picks the one its lines go to")
      ("max-queue-wait", po::value(&config.max_queue_wait_s)->default_value(config.max_queue_wait_s)->notifier([](std::int64_t s) { if (s < 0) throw po::error("--max-queue-wait must be 0 (off) or more"); }), "seconds a customer may wait in the support queue before being returned to the menu; 0 = no limit")
      ("satisfaction-survey", po::value(&config.satisfaction_survey)->default_value(config.satisfaction_survey), "ask customers to rate a chat when it ends (1 to 5, or skip): true or false")
      ("chat-idle-close", po::value(&config.chat_idle_close_s)->default_value(config.chat_idle_close_s)->notifier([](std::int64_t s) { if (s < 0) throw po::error("--chat-idle-close must be 0 (off) or more"); }), "seconds without a chat line after which a support chat is closed; 0 = never")
      ("resume-grace", po::value(&config.resume_grace_s)->default_value(config.resume_grace_s)->notifier([](std::int64_t s) { if (s < 0) throw po::error("--resume-grace must be 0 (off) or more"); }), "seconds a lost connection's place in the queue or chat is kept for a resume; 0 = off")
      ("login-max-wait", po::value<std::int64_t>()->default_value(config.throttle.max_wait_ms / 1000)->notifier([&config](std::int64_t s) { config.throttle.max_wait_ms = s * 1000; }), "seconds a login may wait for its turn; a later turn is refused with too_many_attempts");
  // clang-format on
}

// Stores one `key = value` line into `vm`, after checking it alone (so a bad value names its
// line even when the command line overrides it).
void store_line(const po::options_description& options, const std::string& key,
                const std::string& value, po::variables_map& vm) {
  po::parsed_options one(&options);
  po::option opt(key, {value});
  opt.original_tokens = {key, value};
  one.options.push_back(opt);
  po::variables_map alone;
  po::store(one, alone);
  po::notify(alone);
  po::store(one, vm);
}

}  // namespace

std::string default_config_path() {
  const auto prefix = install_prefix();
  if (prefix.empty())
    return {};
  return prefix == "/usr" ? "/etc/tcs/tcs.conf" : (prefix / "etc/tcs/tcs.conf").string();
}

std::string default_web_root() {
  const auto prefix = install_prefix();
  if (!prefix.empty())
    return (prefix / "share/tcs/web").string();
  return TCS_SOURCE_WEB_ROOT;
}

void read_config_file(const std::string& path, const po::options_description& options,
                      po::variables_map& vm) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw config_error(path + ": cannot read: it is a directory");
  std::ifstream in(path);
  if (!in)
    throw config_error(path + ": cannot read: " + std::strerror(errno));
  std::map<std::string, int> first_line;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    const std::string where = path + ":" + std::to_string(n) + ": ";
    line = trim(std::string_view(line).substr(0, line.find('#')));
    if (line.empty())
      continue;
    const auto eq = line.find('=');
    if (line.front() == '[' || eq == std::string::npos)
      throw config_error(where + "expected \"key = value\", found \"" + line + "\"");
    const std::string key = trim(std::string_view(line).substr(0, eq));
    const std::string value = trim(std::string_view(line).substr(eq + 1));
    if (key == "config" || key == "help")
      throw config_error(where + "\"" + key + "\" cannot be set in a configuration file");
    const auto* option = options.find_nothrow(key, false);
    if (option == nullptr || key.empty())
      throw config_error(where + "unknown option \"" + key + "\"");
    if (value.empty())
      throw config_error(where + "no value for \"" + key + "\"");
    const auto [previous, inserted] = first_line.emplace(key, n);
    if (!inserted && !option->semantic()->is_composing())
      throw config_error(where + "\"" + key + "\" is already set on line " +
                         std::to_string(previous->second));
    try {
      store_line(options, key, value, vm);
    } catch (const po::error& e) {
      throw config_error(where + e.what());
    }
  }
  if (in.bad())
    throw config_error(path + ": cannot read: " + std::strerror(errno));
}

server_options::server_options(server_config& config)
    : config_(config), options_("tcs-server: TC5G customer-service chat server\n\nOptions") {
  add_server_options(options_, config_);
}

std::string server_options::resolve_file(const std::optional<std::string>& explicit_path) const {
  if (explicit_path) {
    if (explicit_path->empty())
      throw config_error("--config: empty file name");
    return *explicit_path;
  }
  const std::string path = default_config_path();
  std::error_code ec;
  return !path.empty() && std::filesystem::exists(path, ec) ? path : std::string();
}

bool server_options::parse(const std::vector<std::string>& args) {
  po::variables_map vm;
  try {
    auto parsed = po::command_line_parser(args).options(options_).run();
    const auto stray = po::collect_unrecognized(parsed.options, po::include_positional);
    if (!stray.empty())
      throw config_error("unexpected word \"" + stray.front() + "\"");
    po::store(parsed, vm);
  } catch (const po::error& e) {
    throw config_error(e.what());
  }
  if (vm.count("help"))
    return false;
  std::optional<std::string> explicit_path;
  if (vm.count("config"))
    explicit_path = vm["config"].as<std::string>();
  config_file_ = resolve_file(explicit_path);
  if (!config_file_.empty())
    read_config_file(config_file_, options_, vm);
  finish(vm);
  return true;
}

void server_options::parse_file_only(const std::optional<std::string>& explicit_path) {
  po::variables_map vm;
  config_file_ = resolve_file(explicit_path);
  if (!config_file_.empty())
    read_config_file(config_file_, options_, vm);
  po::store(po::parsed_options(&options_), vm);  // the defaults of what the file left out
  finish(vm);
}

void server_options::finish(po::variables_map& vm) {
  try {
    po::notify(vm);
  } catch (const po::error& e) {
    throw config_error(e.what());
  }
  // The checks of values that are well-formed but unusable.
  if (config_.hash_threads == 0)
    throw config_error("--hash-threads must be at least 1");
  if (config_.min_password_length == 0)
    throw config_error("--min-password-length must be at least 1");
  if (config_.max_chats_per_executive < 1 ||
      config_.max_chats_per_executive > services::max_chats_limit)
    throw config_error("--max-chats-per-executive must be from 1 to " +
                       std::to_string(services::max_chats_limit));
  if (config_.hash_queue.max_per_source == 0)
    throw config_error("--hash-queue-per-address must be at least 1");
  if (config_.tls_cert.empty() != config_.tls_key.empty())
    throw config_error("--tls-cert and --tls-key go together");
}

command_split split_command_line(const std::vector<std::string>& args,
                                 const po::options_description& options,
                                 bool (*is_command)(std::string_view)) {
  command_split out;
  std::vector<std::string>* into = &out.server_args;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& word = args[i];
    const bool is_option = word.size() > 1 && word.front() == '-';
    if (!is_option && into == &out.server_args) {
      if (!is_command(word))
        throw config_error("unexpected word \"" + word +
                           "\" (a subcommand is one of user, catalogue, backup, restore)");
      into = &out.command_args;
    }
    const bool long_option = word.starts_with("--");
    const std::string name = long_option ? word.substr(2, word.find('=') - 2) : std::string();
    const bool inline_value = word.find('=') != std::string::npos;
    if (name == "config") {
      if (out.config)
        throw config_error("--config is given twice");
      if (!inline_value && i + 1 >= args.size())
        throw config_error("--config needs a file name");
      out.config = inline_value ? word.substr(word.find('=') + 1) : args[++i];
      continue;
    }
    into->push_back(word);
    // The value of an option of the server's that takes one is not a word of its own.
    if (into == &out.server_args && long_option && !inline_value && i + 1 < args.size()) {
      const auto* option = options.find_nothrow(name, false);
      if (option && option->semantic()->max_tokens() > 0)
        into->push_back(args[++i]);
    }
  }
  if (out.command_args.empty())
    return out;
  // Before the subcommand, only what it shares with the server: --db (and --config above).
  for (std::size_t i = 0; i < out.server_args.size(); ++i) {
    const std::string& word = out.server_args[i];
    if (word != "--db" && !word.starts_with("--db="))
      throw config_error("\"" + word + "\" is an option of the server, not of \"" +
                         out.command_args.front() +
                         "\" (only --db and --config go before a subcommand)");
    if (word == "--db")
      ++i;  // its value
  }
  out.command_args.insert(out.command_args.end(), out.server_args.begin(), out.server_args.end());
  out.server_args.clear();
  return out;
}

}  // namespace tcs
