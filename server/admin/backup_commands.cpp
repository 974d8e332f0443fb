// `tcs-server backup` and `tcs-server restore`: online copies of the database and putting one
// back (server/store/backup.hpp does the work).
#include "server/admin/commands.hpp"
#include "server/store/backup.hpp"

#include <chrono>
#include <iostream>

namespace tcs::admin {

int run_backup_command(const std::vector<std::string>& args) {
  const subcommand_spec spec{
      "backup", "--to BACKUP.db [--db FILE]",
      "Copies the database to BACKUP.db while the server runs (SQLite's online backup API:\n"
      "one consistent snapshot; the server goes on serving). The copy is one self-contained\n"
      "file, checked with integrity_check before it replaces an existing BACKUP.db. Prints\n"
      "its size and row counts. Run it as the user the server runs as (tcs)."};
  std::string to;
  po::options_description options("Options");
  // clang-format off
  options.add_options()
      ("to", po::value(&to)->required(), "the backup file to write (replaced if it exists)");
  // clang-format on
  auto cmd = parse_command(spec, args, options);
  if (cmd.help_shown)
    return 0;
  const auto started = std::chrono::steady_clock::now();
  const auto summary = store::backup_database(cmd.db_path, to);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - started)
                      .count();
  std::cout << "Backed up " << cmd.db_path << " to " << to << " in " << ms
            << " ms: " << summary.describe() << ".\n";
  return 0;
}

int run_restore_command(const std::vector<std::string>& args) {
  const subcommand_spec spec{
      "restore", "--from BACKUP.db [--db FILE]",
      "Puts a backup back as the database, with the server stopped: checks the backup\n"
      "(integrity_check, a tcs schema), saves the current database as FILE.before-restore,\n"
      "copies the backup in place (the file keeps its owner and mode) and checks the result.\n"
      "Refuses while a server (or any program) has the database open."};
  std::string from;
  po::options_description options("Options");
  // clang-format off
  options.add_options()
      ("from", po::value(&from)->required(), "the backup file to restore");
  // clang-format on
  auto cmd = parse_command(spec, args, options);
  if (cmd.help_shown)
    return 0;
  try {
    const auto summary = store::restore_database(from, cmd.db_path);
    std::cout << "Restored " << cmd.db_path << " from " << from << ": " << summary.describe()
              << ".\n";
  } catch (const store::database_in_use& e) {
    throw command_failed(e.what());
  }
  return 0;
}

}  // namespace tcs::admin
