// `tcs-server catalogue import|export`: the catalogue as CSV (name,kind,price,stock).
#include "common/protocol/message.hpp"
#include "server/admin/catalogue_csv.hpp"
#include "server/admin/commands.hpp"
#include "server/services/catalogue_service.hpp"
#include "server/store/admin_repository.hpp"
#include "server/store/catalogue_repository.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace tcs::admin {

namespace {

// A catalogue file is a few kilobytes; anything this large is the wrong file.
constexpr std::uintmax_t max_import_file_bytes = 16 * 1024 * 1024;

constexpr std::string_view usage_text =
    "Usage: tcs-server catalogue COMMAND [OPTIONS] [--db FILE]\n"
    "\n"
    "Commands:\n"
    "  import FILE.csv   create or update products from a CSV file with the header\n"
    "                    name,kind,price,stock; a bad row is reported with its line number\n"
    "                    and nothing is imported\n"
    "  export            write the catalogue as such a CSV file on standard output\n"
    "\n"
    "Every command takes --db FILE (default tcs.db) and --help. Exit status: 0 done, 1 failed,\n"
    "2 bad options.\n";

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw command_failed("cannot read " + path + ": " + std::strerror(errno));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) {
    throw command_failed("cannot read " + path);
  }
  return std::move(text).str();
}

int catalogue_import(const std::vector<std::string>& args) {
  const subcommand_spec spec{
      "catalogue import", "FILE.csv [--dry-run]",
      "Creates or updates products from a CSV file (RFC 4180: fields with commas or quotes are\n"
      "quoted, a quote inside is doubled). The first line is the header name,kind,price,stock.\n"
      "  name   product name; a product with the same name (ignoring case) is updated\n"
      "  kind   card or pack\n"
      "  price  whole pesos, greater than 0 (digits only: 12990, not 12.990)\n"
      "  stock  units for sale, 0 or more (replaces the current stock)\n"
      "Products missing from the file are left as they are; units bought from customers and not\n"
      "yet published (held) are kept. A bad row is reported with its line number and nothing is\n"
      "imported: the whole file is one transaction."};
  std::string file;
  po::options_description options("Options");
  // clang-format off
  options.add_options()
      ("file", po::value(&file)->required(), "the CSV file (also the first argument)")
      ("dry-run", "check the file and say what would change, without changing anything");
  // clang-format on
  po::positional_options_description positional;
  positional.add("file", 1);
  auto cmd = parse_command(spec, args, options, &positional);
  if (cmd.help_shown) {
    return 0;
  }
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  if (!ec && size > max_import_file_bytes) {
    throw command_failed(file + " is larger than " + std::to_string(max_import_file_bytes) +
                         " bytes; is it the right file?");
  }
  auto rows = parse_catalogue_csv(read_file(file));
  if (!rows) {
    throw command_failed(file + ":" + std::to_string(rows.error().line) + ": " +
                         rows.error().message + "\nNothing was imported.");
  }

  const bool dry_run = cmd.vm.count("dry-run") > 0;
  auto db = dry_run ? open_existing_database(cmd.db_path) : open_or_create_database(cmd.db_path);
  store::admin_repository repo(*db);
  std::size_t created = 0, updated = 0;
  {
    // A new product may not look like an existing one (a Cyrillic "е" in "Pikachu еx").
    // Checked outside the transaction, so the products' confusable keys are computed once.
    services::catalogue_service catalogue(*db);
    for (const auto& row : *rows) {
      if (auto like = catalogue.confusable_with(row.name)) {
        throw command_failed(file + ":" + std::to_string(row.line) + ": the product \"" +
                             echo_value(row.name) + "\" looks like the existing product \"" +
                             echo_value(*like) +
                             "\" (confusable characters); use its spelling or another name" +
                             "\nNothing was imported.");
      }
    }
    store::write_transaction tx(*db);
    for (const auto& row : *rows) {
      const auto outcome = repo.upsert_product(row.name, row.kind, row.price, row.stock);
      (outcome == store::upsert_outcome::created ? created : updated) += 1;
    }
    if (!dry_run) {
      tx.commit();
    }  // a dry run rolls back here
  }
  std::cout << (dry_run ? "Dry run: would import " : "Imported ") << rows->size()
            << (rows->size() == 1 ? " product" : " products") << " from " << file << " (" << created
            << " new, " << updated << " updated).\n";
  return 0;
}

int catalogue_export(const std::vector<std::string>& args) {
  const subcommand_spec spec{"catalogue export", "[--db FILE] > FILE.csv",
                             "Writes the catalogue (the products customers see) as CSV on "
                             "standard output, with the\nheader name,kind,price,stock; "
                             "`catalogue import` reads it back."};
  po::options_description options("Options");
  auto cmd = parse_command(spec, args, options);
  if (cmd.help_shown) {
    return 0;
  }
  auto db = open_existing_database(cmd.db_path);
  std::cout << write_catalogue_csv(store::catalogue_repository(*db).list(false)) << std::flush;
  if (!std::cout) {
    throw command_failed("cannot write to standard output");
  }
  return 0;
}

}  // namespace

int run_catalogue_command(const std::vector<std::string>& args) {
  const verb verbs[] = {{"import", catalogue_import}, {"export", catalogue_export}};
  return run_verb("catalogue", usage_text, verbs, args);
}

}  // namespace tcs::admin
