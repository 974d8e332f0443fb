// Internal to server/admin: the command groups and what they share (option parsing, the
// database, errors). See admin.hpp for the contract.
#pragma once

#include "server/store/database.hpp"

#include <boost/program_options.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tcs::admin {

namespace po = boost::program_options;

// The command could not do its job: exit status 1, the message on stderr.
struct command_failed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A bad or missing option: exit status 2, the message and a pointer to the subcommand's --help.
struct usage_failed : std::runtime_error {
  usage_failed(std::string_view command_words, const std::string& what)
      : std::runtime_error(what), words(command_words) {}
  std::string words;  // "user add"
};

// One subcommand: its words after the program name ("user add"), a usage line, what it does,
// and its options. parse() adds --db and --help.
struct subcommand_spec {
  std::string_view words;
  std::string_view usage;  // e.g. "--email E [--role customer|executive]"
  std::string_view description;
};

struct parsed_command {
  po::variables_map vm;
  std::string db_path;
  bool help_shown = false;
};

// Parses `args` (the options after the subcommand words) against `options` (plus --db and
// --help, and `positional` when given). Prints the help and sets help_shown on --help. Throws
// usage_failed on a usage error.
parsed_command parse_command(const subcommand_spec& spec, const std::vector<std::string>& args,
                             po::options_description options,
                             const po::positional_options_description* positional = nullptr);

// Opens an existing database file; throws command_failed when there is none (so a mistyped
// --db does not silently create an empty one).
std::unique_ptr<store::database> open_existing_database(const std::string& path);
// Opens the database, creating (and migrating) it if it does not exist yet.
std::unique_ptr<store::database> open_or_create_database(const std::string& path);

std::int64_t unix_now();

// One verb of a command group ("add" in `user add`) and what runs it with the options after it.
struct verb {
  std::string_view name;
  std::function<int(const std::vector<std::string>&)> run;
};

// Runs the verb that `args` starts with. No verb: `usage` on stderr, status 2; --help, -h or
// help: `usage` on stdout, status 0; an unknown verb: usage_failed naming the known ones.
int run_verb(std::string_view group, std::string_view usage, std::span<const verb> verbs,
             const std::vector<std::string>& args);

// Each group: args start after the group word ("add", "--email", ...). Return the exit status
// or throw usage_failed / command_failed / std::exception, which run() turns into one.
int run_user_command(const std::vector<std::string>& args);
int run_catalogue_command(const std::vector<std::string>& args);
// `backup` and `restore`: args start after the command word.
int run_backup_command(const std::vector<std::string>& args);
int run_restore_command(const std::vector<std::string>& args);
// `canned` (args after the group word) and `report` (args after the command word).
int run_canned_command(const std::vector<std::string>& args);
int run_report_command(const std::vector<std::string>& args);

}  // namespace tcs::admin
