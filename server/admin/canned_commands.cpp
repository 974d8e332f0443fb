// `tcs-server canned add|list|remove`: the canned replies executives send with `:r NOMBRE`
// (services/agent_tools.hpp checks them).
#include "server/admin/commands.hpp"
#include "server/services/agent_tools.hpp"

#include <iostream>

namespace tcs::admin {

namespace {

constexpr std::string_view canned_usage_text =
    "Usage: tcs-server canned COMMAND [OPTIONS] [--db FILE]\n"
    "\n"
    "Commands:\n"
    "  add NAME TEXT   a new canned reply; {nombre} in TEXT becomes the customer's first name\n"
    "  list            every canned reply, by name\n"
    "  remove NAME     delete one\n"
    "\n"
    "Every command takes --db FILE (default tcs.db) and --help. Exit status: 0 done, 1 failed,\n"
    "2 bad options.\n";

int canned_add(const std::vector<std::string>& args) {
  const subcommand_spec spec{
      "canned add", "NAME TEXT",
      "Adds a canned reply. NAME: 1 to 32 ASCII letters, digits, '-' or '_' (an executive types\n"
      ":r NAME; case does not matter). TEXT: up to 1000 bytes; {nombre} is replaced by the\n"
      "customer's first name when it is sent. Quote TEXT for the shell."};
  std::string name, text;
  po::options_description options("Options");
  // clang-format off
  options.add_options()
      ("name", po::value(&name)->required(), "the reply's name")
      ("text", po::value(&text)->required(), "the reply's text");
  // clang-format on
  po::positional_options_description positional;
  positional.add("name", 1).add("text", 1);
  auto cmd = parse_command(spec, args, options, &positional);
  if (cmd.help_shown)
    return 0;
  auto db = open_existing_database(cmd.db_path);
  services::agent_tools tools(*db);
  if (auto added = tools.add_canned(name, text, unix_now()); !added) {
    if (added.error().code == errc::invalid_state)
      throw command_failed("a canned reply named \"" + name + "\" exists (remove it first)");
    throw command_failed(added.error().message);
  }
  std::cout << "Added the canned reply \"" << name << "\".\n";
  return 0;
}

int canned_list(const std::vector<std::string>& args) {
  const subcommand_spec spec{"canned list", "", "Lists the canned replies, by name."};
  po::options_description options("Options");
  auto cmd = parse_command(spec, args, options);
  if (cmd.help_shown)
    return 0;
  auto db = open_existing_database(cmd.db_path);
  services::agent_tools tools(*db);
  const auto replies = tools.canned();
  if (replies.empty())
    std::cout << "No canned replies (add one with tcs-server canned add NAME TEXT).\n";
  for (const auto& r : replies)
    std::cout << r.name << "\t" << r.text << "\n";
  return 0;
}

int canned_remove(const std::vector<std::string>& args) {
  const subcommand_spec spec{"canned remove", "NAME", "Deletes the canned reply NAME."};
  std::string name;
  po::options_description options("Options");
  options.add_options()("name", po::value(&name)->required(), "the reply's name");
  po::positional_options_description positional;
  positional.add("name", 1);
  auto cmd = parse_command(spec, args, options, &positional);
  if (cmd.help_shown)
    return 0;
  auto db = open_existing_database(cmd.db_path);
  services::agent_tools tools(*db);
  if (!tools.remove_canned(name))
    throw command_failed("no canned reply named \"" + name + "\" (see tcs-server canned list)");
  std::cout << "Removed the canned reply \"" << name << "\".\n";
  return 0;
}

const verb verbs[] = {{"add", canned_add}, {"list", canned_list}, {"remove", canned_remove}};

}  // namespace

int run_canned_command(const std::vector<std::string>& args) {
  return run_verb("canned", canned_usage_text, verbs, args);
}

}  // namespace tcs::admin
