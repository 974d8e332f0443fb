// Routing of the admin subcommands, their shared option parsing and the exit statuses.
#include "server/admin/admin.hpp"

#include "server/admin/commands.hpp"
#include "server/config.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include <chrono>
#include <filesystem>
#include <iostream>

namespace tcs::admin {

namespace {

constexpr std::string_view summary =
    "Administration (run while the server runs or not; each takes --db FILE and --help):\n"
    "  tcs-server user add --role customer|executive --email E --name N\n"
    "  tcs-server user list [--role customer|executive]\n"
    "  tcs-server user passwd --email E\n"
    "  tcs-server user disable --email E\n"
    "  tcs-server user enable --email E\n"
    "  tcs-server user totp-reset --email E\n"
    "  tcs-server catalogue import FILE.csv\n"
    "  tcs-server catalogue export > FILE.csv\n"
    "  tcs-server backup --to BACKUP.db\n"
    "  tcs-server restore --from BACKUP.db   (with the server stopped)\n"
    "  tcs-server canned add NAME TEXT | canned list | canned remove NAME\n"
    "  tcs-server report [--since DATE] [--until DATE] [--format text|csv|json]\n";

std::string default_db_path = server_config{}.db_path;

}  // namespace

bool is_admin_command(std::string_view word) {
  return word == "user" || word == "catalogue" || word == "backup" || word == "restore" ||
         word == "canned" || word == "report";
}

std::string_view usage_summary() {
  return summary;
}

int run(const std::vector<std::string>& args, const std::string& default_db) {
  if (args.empty() || !is_admin_command(args.front())) {
    std::cerr << "tcs-server: expected a command: user, catalogue, backup, restore, canned or "
                 "report\n\n"
              << summary;
    return 2;
  }
  default_db_path = default_db;
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  // "user add": what the messages are prefixed with.
  std::string words = args.front();
  if (rest.size() > 0 && !rest.front().starts_with('-') && args.size() > 0 &&
      (args.front() == "user" || args.front() == "catalogue" || args.front() == "canned")) {
    words += " " + rest.front();
  }
  try {
    if (args.front() == "backup")
      return run_backup_command(rest);
    if (args.front() == "restore")
      return run_restore_command(rest);
    if (args.front() == "canned")
      return run_canned_command(rest);
    if (args.front() == "report")
      return run_report_command(rest);
    return args.front() == "user" ? run_user_command(rest) : run_catalogue_command(rest);
  } catch (const usage_failed& e) {
    std::cerr << "tcs-server " << e.words << ": " << e.what() << "\n(see tcs-server " << e.words
              << " --help)\n";
    return 2;
  } catch (const command_failed& e) {
    std::cerr << "tcs-server " << words << ": " << e.what() << "\n";
    return 1;
  } catch (const SQLite::Exception& e) {
    std::cerr << "tcs-server " << words << ": database error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "tcs-server " << words << ": " << e.what() << "\n";
    return 1;
  }
}

int run_verb(std::string_view group, std::string_view usage, std::span<const verb> verbs,
             const std::vector<std::string>& args) {
  if (args.empty()) {
    std::cerr << usage;
    return 2;
  }
  const std::string& name = args.front();
  if (name == "--help" || name == "-h" || name == "help") {
    std::cout << usage;
    return 0;
  }
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  for (const verb& v : verbs) {
    if (v.name == name)
      return v.run(rest);
  }
  // "use add, list or passwd"
  std::string known;
  for (std::size_t i = 0; i < verbs.size(); ++i) {
    known += i == 0 ? "" : i + 1 == verbs.size() ? " or " : ", ";
    known += verbs[i].name;
  }
  throw usage_failed(group, "unknown command \"" + name + "\": use " + known);
}

parsed_command parse_command(const subcommand_spec& spec, const std::vector<std::string>& args,
                             po::options_description options,
                             const po::positional_options_description* positional) {
  parsed_command out;
  out.db_path = default_db_path;
  // clang-format off
  options.add_options()
      ("db", po::value(&out.db_path)->default_value(out.db_path), "SQLite database file (the server's --db)")
      ("help,h", "show this help");
  // clang-format on
  try {
    po::command_line_parser parser(args);
    parser.options(options);
    po::positional_options_description none;
    parser.positional(positional ? *positional : none);
    po::store(parser.run(), out.vm);
    if (out.vm.count("help")) {
      std::cout << "Usage: tcs-server " << spec.words << " " << spec.usage << "\n\n"
                << spec.description << "\n\n"
                << options << "\n";
      out.help_shown = true;
      return out;
    }
    po::notify(out.vm);
  } catch (const po::error& e) {
    throw usage_failed(spec.words, e.what());
  }
  return out;
}

std::unique_ptr<store::database> open_existing_database(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw command_failed("no database at " + path +
                         " (use --db FILE; the server creates it on its first start)");
  }
  return std::make_unique<store::database>(path);
}

std::unique_ptr<store::database> open_or_create_database(const std::string& path) {
  std::error_code ec;
  const bool existed = std::filesystem::exists(path, ec);
  auto db = std::make_unique<store::database>(path);
  if (!existed) {
    std::cout << "Created the database " << path << ".\n";
  }
  return db;
}

std::int64_t unix_now() {
  using namespace std::chrono;
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace tcs::admin
