// tcs-server's options: the command line, the configuration file, and how the two meet.
//
// Contract:
// - Every option of the server (server_options(config).description()) may be given on the
//   command line (`--port 5556`) or in a configuration file (`port = 5556`), Boost.Program_
//   options' syntax: `key = value` lines, `#` comments, no sections. A switch is written
//   `demo = true`. The command line wins over the file; the file over the defaults.
// - The file is --config FILE when given (it must exist and be readable), else
//   default_config_path() when that file exists, else none.
// - read_config_file() reads a file line by line and throws config_error naming the file, the
//   line and the reason (unknown key, bad value, syntax, unreadable file): a bad file stops
//   the start instead of being half applied.
// - split_command_line() finds the administration subcommand, if any, in the arguments: the
//   first word that is not an option or an option's value. Options common to the server and
//   the subcommands (--db, --config) may stand on either side of it; any other word where the
//   server expects options is an error (`tcs-server report` does not start a server).
#pragma once

#include "server/config.hpp"

#include <boost/program_options.hpp>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace tcs {

// A usage or configuration error: the message says where and why; exit status 2.
struct config_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class server_options {
 public:
  // The options write into `config` when notified; `config` outlives this object.
  explicit server_options(server_config& config);

  const boost::program_options::options_description& description() const { return options_; }

  // Parses the server's command line (the words after the program name) and the
  // configuration file, then stores everything into the config given at construction.
  // Returns false when --help was asked for (the caller prints the help). Throws config_error.
  bool parse(const std::vector<std::string>& args);

  // Reads the configuration file only (explicit path or the default one) into the config;
  // what the subcommands use to find the database. Throws config_error.
  void parse_file_only(const std::optional<std::string>& explicit_path);

  // The file read by the last parse, or empty when none.
  const std::string& config_file() const noexcept { return config_file_; }

 private:
  std::string resolve_file(const std::optional<std::string>& explicit_path) const;
  void finish(boost::program_options::variables_map& vm);

  server_config& config_;
  boost::program_options::options_description options_;
  std::string config_file_;
};

// Reads `path` into `vm` against `options`; throws config_error("FILE:LINE: reason").
void read_config_file(const std::string& path,
                      const boost::program_options::options_description& options,
                      boost::program_options::variables_map& vm);

// /etc/tcs/tcs.conf for a program installed under /usr, PREFIX/etc/tcs/tcs.conf for one
// installed under another PREFIX, or empty for a program run from a build tree (a developer's
// server never picks up the machine's installed configuration by accident).
std::string default_config_path();

// The folder of the static web files: the source tree's web/ when it exists (a build-tree
// program), else PREFIX/share/tcs/web next to the installed program.
std::string default_web_root();

// The command line cut at the administration subcommand (see the contract above).
struct command_split {
  std::vector<std::string> server_args;   // the words before the subcommand (or all of them)
  std::vector<std::string> command_args;  // from the subcommand word on; empty: serve
  std::optional<std::string> config;      // --config FILE, wherever it was
};
// `is_command`: whether a word is an administration subcommand. Throws config_error.
command_split split_command_line(const std::vector<std::string>& args,
                                 const boost::program_options::options_description& options,
                                 bool (*is_command)(std::string_view));

}  // namespace tcs
