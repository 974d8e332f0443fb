// `tcs-server user add|list|passwd|disable|enable|totp-reset`: accounts and TOTP enrolment.
#include "common/protocol/message.hpp"
#include "server/admin/commands.hpp"
#include "server/admin/password_input.hpp"
#include "server/admin/qr_text.hpp"
#include "server/admin/text_checks.hpp"
#include "server/config.hpp"
#include "server/security/passwords.hpp"
#include "server/security/totp.hpp"
#include "server/services/accounts_service.hpp"
#include "server/services/names.hpp"
#include "server/services/password_policy.hpp"
#include "server/store/accounts_repository.hpp"
#include "server/store/admin_repository.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <optional>

namespace tcs::admin {

namespace {

constexpr std::string_view usage_text =
    "Usage: tcs-server user COMMAND [OPTIONS] [--db FILE]\n"
    "\n"
    "Commands:\n"
    "  add --role customer|executive --email E --name N\n"
    "                  create an account; the password is asked twice without echo on a\n"
    "                  terminal, or read as one line from standard input; an executive also\n"
    "                  gets a new TOTP secret, printed as an otpauth:// URI and a QR code\n"
    "  list [--role customer|executive]\n"
    "                  every account with its state\n"
    "  passwd --email E        set a new password (asked as for add)\n"
    "  disable --email E       the account cannot log in; a connected session is logged out\n"
    "  enable --email E        undo disable\n"
    "  totp-reset --email E    a new TOTP secret for an executive (a lost phone): new URI and QR\n"
    "\n"
    "Every command takes --db FILE (default tcs.db) and --help. Exit status: 0 done, 1 failed,\n"
    "2 bad options.\n";

enum class account_role { customer, executive };

std::string_view role_name(account_role r) {
  return r == account_role::customer ? "customer" : "executive";
}

account_role parse_role(std::string_view words, const std::string& text) {
  if (text == "customer") {
    return account_role::customer;
  }
  if (text == "executive") {
    return account_role::executive;
  }
  throw usage_failed(words, "unknown role \"" + text + "\": use customer or executive");
}

std::optional<account_role> optional_role(std::string_view words, const po::variables_map& vm) {
  if (!vm.count("role")) {
    return std::nullopt;
  }
  return parse_role(words, vm["role"].as<std::string>());
}

struct account {
  account_role role = account_role::customer;
  std::int64_t id = 0;
  std::string email, name;
  bool disabled = false;
};

// The account with that email; --role decides when both a customer and an executive have it.
account find_account(store::database& db, std::string_view email_arg,
                     std::optional<account_role> role) {
  const std::string email = store::ascii_lower(trim(email_arg));
  store::accounts_repository repo(db);
  std::optional<account> customer, executive;
  if (role != account_role::executive) {
    if (auto c = repo.find_customer(email)) {
      customer = account{account_role::customer, c->id, c->email, c->name, c->disabled};
    }
  }
  if (role != account_role::customer) {
    if (auto e = repo.find_executive(email)) {
      executive = account{account_role::executive, e->id, e->email, e->name, e->disabled};
    }
  }
  if (customer && executive) {
    throw command_failed(email +
                         " is both a customer and an executive; add --role customer or "
                         "--role executive");
  }
  if (!customer && !executive) {
    const std::string who = role ? std::string(role_name(*role)) : "account";
    throw command_failed("no " + who + " with email " + email + " (see tcs-server user list)");
  }
  return customer ? *customer : *executive;
}

std::string checked_or_throw(checked<std::string> value) {
  if (!value) {
    throw command_failed(value.error().message);
  }
  return std::move(*value);
}

qr_style parse_qr_style(std::string_view words, const std::string& text) {
  if (text == "auto") {
    return default_qr_style(::isatty(STDOUT_FILENO) == 1, std::getenv("NO_COLOR") != nullptr);
  }
  if (text == "color") {
    return qr_style::color;
  }
  if (text == "plain") {
    return qr_style::plain;
  }
  if (text == "inverted") {
    return qr_style::inverted;
  }
  throw usage_failed(words, "unknown --qr-style \"" + text +
                                "\": use auto, color, plain or "
                                "inverted");
}

// The options every command that prints a QR code takes.
void add_qr_option(po::options_description& options, std::string& style) {
  options.add_options()(
      "qr-style", po::value(&style)->default_value("auto"),
      "how to draw the QR code: color (black on white, any terminal), plain (for a light "
      "background or a file), inverted (for a dark terminal without colours), auto (color on a "
      "terminal unless NO_COLOR is set, plain otherwise)");
}

void print_enrolment(std::string_view email, std::string_view secret, qr_style style) {
  const std::string uri = security::otpauth_uri(email, secret);
  std::cout << "\nTOTP enrolment for " << email
            << " (keep this output private).\n"
               "In Google Authenticator choose \"Scan a QR code\" and scan the code below, or\n"
               "\"Enter a setup key\" and type the secret.\n\n"
            << "Secret: " << secret << "\n"
            << "URI:    " << uri << "\n\n"
            << draw_qr(encode_qr(uri), style) << std::flush;
}

std::size_t min_password_length(std::string_view words, const po::variables_map& vm) {
  const auto n = vm["min-password-length"].as<std::size_t>();
  if (n == 0) {
    throw usage_failed(words, "--min-password-length must be at least 1");
  }
  return n;
}

void add_password_option(po::options_description& options) {
  options.add_options()(
      "min-password-length",
      po::value<std::size_t>()->default_value(server_config{}.min_password_length),
      "minimum length of the password (characters)");
}

// ---------------------------------------------------------------------------------------------

int user_add(const std::vector<std::string>& args) {
  const subcommand_spec spec{"user add", "--role customer|executive --email E --name N [OPTIONS]",
                             "Creates an account. The password is asked twice without echo on a "
                             "terminal, or read as one\nline from standard input. An executive "
                             "also gets a new TOTP secret, printed as an otpauth://\nURI and a QR "
                             "code to scan with Google Authenticator."};
  std::string role_text, email_text, name_text, qr_text;
  po::options_description options("Options");
  // clang-format off
  options.add_options()
      ("role", po::value(&role_text)->required(), "customer or executive")
      ("email", po::value(&email_text)->required(), "login email (stored lower-case; must be unused)")
      ("name", po::value(&name_text)->required(), "display name, e.g. \"Ana Rojas\" (the terminals greet by the first word)");
  // clang-format on
  add_password_option(options);
  add_qr_option(options, qr_text);
  auto cmd = parse_command(spec, args, options);
  if (cmd.help_shown) {
    return 0;
  }
  const account_role role = parse_role(spec.words, role_text);
  const qr_style style = parse_qr_style(spec.words, qr_text);
  const std::size_t min_length = min_password_length(spec.words, cmd.vm);
  const std::string email = checked_or_throw(normalize_email(email_text));
  const std::string name = checked_or_throw(normalize_display_name(name_text));

  auto db = open_or_create_database(cmd.db_path);
  store::accounts_repository repo(*db);
  const auto refuse_duplicate = [&] {
    if (auto c = repo.find_customer(email)) {
      throw command_failed("the email " + email + " is already used by customer " + c->name +
                           " (id " + std::to_string(c->id) + ")");
    }
    if (auto e = repo.find_executive(email)) {
      throw command_failed("the email " + email + " is already used by executive " + e->name +
                           " (id " + std::to_string(e->id) + ")");
    }
    // A name that looks like another person's but is not the same (a Cyrillic "а" in "Ana
    // Rojas", "ANA ROJAS") is refused: customers and executives must be told apart by name.
    // The very same name is allowed (two people may share one; the email differs).
    const std::string key = services::confusable_key(name);
    for (const auto& a : store::admin_repository(*db).list_accounts()) {
      if (a.name != name && services::confusable_key(a.name) == key) {
        throw command_failed("the name \"" + echo_value(name) + "\" looks like the name of " +
                             a.role + " " + a.email + " (\"" + echo_value(a.name) +
                             "\"); use exactly that name or one that can be told apart");
      }
    }
  };
  refuse_duplicate();  // before asking for a password that would be thrown away

  const std::string hash = security::hash_password(checked_or_throw(read_new_password(min_length)));
  const std::string secret =
      role == account_role::executive ? security::random_totp_secret() : std::string();
  store::write_transaction tx(*db);
  refuse_duplicate();  // again under the write lock: another admin may have been quicker
  const std::int64_t id = role == account_role::customer
                              ? repo.add_customer(email, name, hash, unix_now())
                              : repo.add_executive(email, name, hash, secret, unix_now());
  tx.commit();

  std::cout << "Added " << role_name(role) << " " << email << " (" << name << ") with id " << id
            << ". The account can log in now.\n";
  if (role == account_role::executive) {
    print_enrolment(email, secret, style);
  }
  return 0;
}

// Columns padded by characters (UTF-8 code points), so accented names line up.
std::string pad(std::string_view text, std::size_t width) {
  std::string out(text);
  const std::size_t length = services::utf8_length(text);
  if (length < width) {
    out.append(width - length, ' ');
  }
  return out;
}

std::string local_datetime(std::int64_t unix_seconds) {
  const auto t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  ::localtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M", &tm);
  return text;
}

int user_list(const std::vector<std::string>& args) {
  const subcommand_spec spec{"user list", "[--role customer|executive]",
                             "Lists the accounts: role, id, email, name, state (active or "
                             "disabled) and creation time\n(local)."};
  po::options_description options("Options");
  options.add_options()("role", po::value<std::string>(), "only this role");
  auto cmd = parse_command(spec, args, options);
  if (cmd.help_shown) {
    return 0;
  }
  const auto role = optional_role(spec.words, cmd.vm);
  auto db = open_existing_database(cmd.db_path);
  auto accounts = store::admin_repository(*db).list_accounts();
  if (role) {
    std::erase_if(accounts, [&](const auto& a) { return a.role != role_name(*role); });
  }
  if (accounts.empty()) {
    std::cout << "No accounts.\n";
    return 0;
  }
  std::size_t email_width = 5, name_width = 4;
  for (const auto& a : accounts) {
    email_width = std::max(email_width, services::utf8_length(a.email));
    name_width = std::max(name_width, services::utf8_length(a.name));
  }
  std::cout << pad("ROLE", 10) << pad("ID", 6) << pad("EMAIL", email_width + 2)
            << pad("NAME", name_width + 2) << pad("STATE", 10) << "CREATED\n";
  std::size_t disabled = 0;
  for (const auto& a : accounts) {
    disabled += a.disabled ? 1 : 0;
    std::cout << pad(a.role, 10) << pad(std::to_string(a.id), 6) << pad(a.email, email_width + 2)
              << pad(a.name, name_width + 2) << pad(a.disabled ? "disabled" : "active", 10)
              << local_datetime(a.created_at) << "\n";
  }
  std::cout << accounts.size() << (accounts.size() == 1 ? " account" : " accounts") << ", "
            << disabled << " disabled.\n";
  return 0;
}

int user_passwd(const std::vector<std::string>& args) {
  const subcommand_spec spec{"user passwd", "--email E [--role customer|executive] [OPTIONS]",
                             "Sets a new password (asked twice without echo on a terminal, or "
                             "read as one line from\nstandard input). An executive's TOTP secret "
                             "does not change."};
  std::string email;
  po::options_description options("Options");
  // clang-format off
  options.add_options()
      ("email", po::value(&email)->required(), "the account's email")
      ("role", po::value<std::string>(), "customer or executive, if the email has both");
  // clang-format on
  add_password_option(options);
  auto cmd = parse_command(spec, args, options);
  if (cmd.help_shown) {
    return 0;
  }
  const auto role = optional_role(spec.words, cmd.vm);
  const std::size_t min_length = min_password_length(spec.words, cmd.vm);
  auto db = open_existing_database(cmd.db_path);
  const account a = find_account(*db, email, role);
  const std::string hash = security::hash_password(checked_or_throw(read_new_password(min_length)));
  store::accounts_repository repo(*db);
  const bool changed = a.role == account_role::customer ? repo.set_customer_password(a.id, hash)
                                                        : repo.set_executive_password(a.id, hash);
  if (!changed) {
    throw command_failed("the " + std::string(role_name(a.role)) + " " + a.email +
                         " was deleted meanwhile");
  }
  std::cout << "Password changed for " << role_name(a.role) << " " << a.email << " (" << a.name
            << ").\n";
  return 0;
}

int user_set_disabled(const std::vector<std::string>& args, bool disable) {
  const subcommand_spec spec{
      disable ? "user disable" : "user enable", "--email E [--role customer|executive]",
      disable ? "Disables an account: it can no longer log in, and a running server logs out its "
                "connected\nsession within a few seconds (with a message on its terminal)."
              : "Enables a disabled account again."};
  std::string email;
  po::options_description options("Options");
  // clang-format off
  options.add_options()
      ("email", po::value(&email)->required(), "the account's email")
      ("role", po::value<std::string>(), "customer or executive, if the email has both");
  // clang-format on
  auto cmd = parse_command(spec, args, options);
  if (cmd.help_shown) {
    return 0;
  }
  const auto role = optional_role(spec.words, cmd.vm);
  auto db = open_existing_database(cmd.db_path);
  const account a = find_account(*db, email, role);
  const std::string who = std::string(role_name(a.role)) + " " + a.email + " (" + a.name + ")";
  if (a.disabled == disable) {
    std::cout << "The " << who << " is already " << (disable ? "disabled" : "enabled") << ".\n";
    return 0;
  }
  store::accounts_repository repo(*db);
  const bool changed = a.role == account_role::customer
                           ? repo.set_customer_disabled(a.id, disable)
                           : repo.set_executive_disabled(a.id, disable);
  if (!changed) {
    throw command_failed("the " + who + " was deleted meanwhile");
  }
  if (disable) {
    std::cout << "Disabled " << who << ". A running server logs out its session within "
              << services::disabled_logout_delay.count() << " s.\n";
  } else {
    std::cout << "Enabled " << who << ". The account can log in again.\n";
  }
  return 0;
}

int user_totp_reset(const std::vector<std::string>& args) {
  const subcommand_spec spec{"user totp-reset", "--email E [OPTIONS]",
                             "Gives an executive a new TOTP secret (a lost or replaced phone) and "
                             "prints it as an\notpauth:// URI and a QR code. Codes from the old "
                             "secret stop working at once."};
  std::string email, qr_text;
  po::options_description options("Options");
  options.add_options()("email", po::value(&email)->required(), "the executive's email");
  add_qr_option(options, qr_text);
  auto cmd = parse_command(spec, args, options);
  if (cmd.help_shown) {
    return 0;
  }
  const qr_style style = parse_qr_style(spec.words, qr_text);
  auto db = open_existing_database(cmd.db_path);
  store::accounts_repository repo(*db);
  const auto executive = repo.find_executive(store::ascii_lower(trim(email)));
  if (!executive) {
    if (auto c = repo.find_customer(store::ascii_lower(trim(email)))) {
      throw command_failed(c->email + " is a customer; only executives have a TOTP secret");
    }
    throw command_failed("no executive with email " + store::ascii_lower(trim(email)) +
                         " (see tcs-server user list --role executive)");
  }
  const std::string secret = security::random_totp_secret();
  if (!repo.set_executive_totp_secret(executive->id, secret)) {
    throw command_failed("the executive " + executive->email + " was deleted meanwhile");
  }
  const account a{account_role::executive, executive->id, executive->email, executive->name,
                  executive->disabled};
  std::cout << "New TOTP secret for executive " << a.email << " (" << a.name
            << "); codes from the old one are refused from now on.\n";
  print_enrolment(a.email, secret, style);
  return 0;
}

}  // namespace

int run_user_command(const std::vector<std::string>& args) {
  const verb verbs[] = {
      {"add", user_add},
      {"list", user_list},
      {"passwd", user_passwd},
      {"disable", [](const auto& rest) { return user_set_disabled(rest, true); }},
      {"enable", [](const auto& rest) { return user_set_disabled(rest, false); }},
      {"totp-reset", user_totp_reset},
  };
  return run_verb("user", usage_text, verbs, args);
}

}  // namespace tcs::admin
