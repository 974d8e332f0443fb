// `tcs-server report`: the supervisor's report (services/supervisor_report.hpp) as a text
// table, CSV or JSON, read through a read-only connection (also while the server runs).
#include "server/admin/commands.hpp"
#include "server/services/supervisor_report.hpp"
#include "server/store/report_reader.hpp"

#include <boost/json.hpp>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <limits>
#include <sstream>

namespace tcs::admin {

namespace {

namespace json = boost::json;
using services::report_figures;

// Local midnight of YYYY-MM-DD, or nullopt for anything else.
std::optional<std::int64_t> local_midnight(const std::string& date) {
  int y = 0, m = 0, d = 0;
  char extra = 0;
  if (date.size() != 10 || std::sscanf(date.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &extra) != 3)
    return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = m - 1;
  tm.tm_mday = d;
  tm.tm_isdst = -1;
  const std::tm asked = tm;
  const std::time_t t = std::mktime(&tm);
  if (t == -1 || tm.tm_mday != asked.tm_mday || tm.tm_mon != asked.tm_mon)
    return std::nullopt;  // 2026-02-30 and the like
  return static_cast<std::int64_t>(t);
}

// Columns line up in characters, not bytes ("Tomás").
std::size_t code_points(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    n += (c & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

std::string duration_text(const std::optional<std::int64_t>& s) {
  if (!s)
    return "-";
  if (*s < 60)
    return std::to_string(*s) + " s";
  if (*s < 3600)
    return std::to_string(*s / 60) + " min " + std::to_string(*s % 60) + " s";
  return std::to_string(*s / 3600) + " h " + std::to_string(*s % 3600 / 60) + " min";
}

std::string average_text(const std::optional<double>& v) {
  if (!v)
    return "-";
  std::ostringstream out;
  out << std::fixed << std::setprecision(2) << *v;
  return out.str();
}

std::string number_or_empty(const std::optional<std::int64_t>& v) {
  return v ? std::to_string(*v) : "";
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos)
    return s;
  std::string out = "\"";
  for (char c : s) {
    out += c;
    if (c == '"')
      out += '"';
  }
  return out + "\"";
}

std::vector<std::string> text_cells(const std::string& name, const report_figures& f) {
  return {name,
          std::to_string(f.chats),
          duration_text(f.wait_median_s),
          duration_text(f.wait_p90_s),
          duration_text(f.duration_median_s),
          duration_text(f.duration_p90_s),
          std::to_string(f.offers),
          std::to_string(f.accepted),
          average_text(f.csat_average),
          std::to_string(f.csat_count),
          std::to_string(f.transfers)};
}

void print_text(const services::supervisor_report& r, const std::string& range) {
  std::vector<std::vector<std::string>> rows = {{"executive", "chats", "wait median", "wait p90",
                                                 "length median", "length p90", "offers",
                                                 "accepted", "CSAT avg", "ratings", "transfers"}};
  for (const auto& e : r.executives)
    rows.push_back(text_cells(e.name, e.figures));
  rows.push_back(text_cells("TOTAL", r.total));
  std::vector<std::size_t> width(rows.front().size(), 0);
  for (const auto& row : rows)
    for (std::size_t i = 0; i < row.size(); ++i)
      width[i] = std::max(width[i], code_points(row[i]));
  std::cout << "Support report, " << range << "\n\n";
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      const std::string pad(width[i] - code_points(row[i]), ' ');
      std::cout << (i == 0 ? row[i] + pad : pad + row[i]) << (i + 1 < row.size() ? "  " : "\n");
    }
  }
  std::cout << "\nCustomers who gave up waiting, per day:";
  if (r.gave_up.empty())
    std::cout << " none";
  std::cout << "\n";
  for (const auto& d : r.gave_up)
    std::cout << "  " << d.date << "  " << d.customers << "\n";
}

void print_csv(const services::supervisor_report& r) {
  std::cout << "row,executive,email,chats,wait_median_s,wait_p90_s,duration_median_s,"
               "duration_p90_s,offers,offers_accepted,csat_average,csat_count,transfers,date,"
               "gave_up\n";
  auto line = [](const std::string& kind, const std::string& name, const std::string& email,
                 const report_figures& f) {
    std::cout << kind << "," << csv_field(name) << "," << csv_field(email) << "," << f.chats << ","
              << number_or_empty(f.wait_median_s) << "," << number_or_empty(f.wait_p90_s) << ","
              << number_or_empty(f.duration_median_s) << "," << number_or_empty(f.duration_p90_s)
              << "," << f.offers << "," << f.accepted << ","
              << (f.csat_average ? average_text(f.csat_average) : "") << "," << f.csat_count << ","
              << f.transfers << ",,\n";
  };
  for (const auto& e : r.executives)
    line("executive", e.name, e.email, e.figures);
  line("total", "", "", r.total);
  for (const auto& d : r.gave_up)
    std::cout << "day,,,,,,,,,,,,," << d.date << "," << d.customers << "\n";
}

json::object json_figures(const report_figures& f) {
  json::object o;
  o["chats"] = f.chats;
  auto opt = [&o](const char* key, const std::optional<std::int64_t>& v) {
    o[key] = v ? json::value(*v) : json::value(nullptr);
  };
  opt("wait_median_s", f.wait_median_s);
  opt("wait_p90_s", f.wait_p90_s);
  opt("duration_median_s", f.duration_median_s);
  opt("duration_p90_s", f.duration_p90_s);
  o["offers"] = f.offers;
  o["offers_accepted"] = f.accepted;
  o["csat_average"] = f.csat_average ? json::value(*f.csat_average) : json::value(nullptr);
  o["csat_count"] = f.csat_count;
  o["transfers"] = f.transfers;
  return o;
}

void print_json(const services::supervisor_report& r, const std::string& since,
                const std::string& until) {
  json::object out;
  out["since"] = since.empty() ? json::value(nullptr) : json::value(since);
  out["until"] = until.empty() ? json::value(nullptr) : json::value(until);
  json::array executives;
  for (const auto& e : r.executives) {
    json::object o = json_figures(e.figures);
    o["name"] = e.name;
    o["email"] = e.email;
    executives.push_back(std::move(o));
  }
  out["executives"] = std::move(executives);
  out["total"] = json_figures(r.total);
  json::array days;
  for (const auto& d : r.gave_up)
    days.push_back(json::object{{"date", d.date}, {"customers", d.customers}});
  out["gave_up_per_day"] = std::move(days);
  std::cout << json::serialize(out) << "\n";
}

}  // namespace

int run_report_command(const std::vector<std::string>& args) {
  const subcommand_spec spec{
      "report", "[--since DATE] [--until DATE] [--format text|csv|json] [--db FILE]",
      "The supervisor's report: per executive and in total, chats handled, median and 90th\n"
      "percentile of the waiting time and of the chat's length, offers made and accepted, the\n"
      "satisfaction survey's average and count, transfers; per day, customers who gave up\n"
      "waiting. DATE is YYYY-MM-DD in local time; both ends are whole days and included.\n"
      "Reads the database read-only: it can run while the server runs."};
  std::string since, until, format = "text";
  po::options_description options("Options");
  // clang-format off
  options.add_options()
      ("since", po::value(&since), "first day (default: the first there is)")
      ("until", po::value(&until), "last day (default: today)")
      ("format", po::value(&format)->default_value("text"), "text, csv or json");
  // clang-format on
  auto cmd = parse_command(spec, args, options);
  if (cmd.help_shown)
    return 0;
  if (format != "text" && format != "csv" && format != "json")
    throw usage_failed("report", "unknown --format \"" + format + "\": use text, csv or json");
  std::int64_t from = std::numeric_limits<std::int64_t>::min() / 2;
  std::int64_t to = std::numeric_limits<std::int64_t>::max() / 2;
  if (!since.empty()) {
    auto t = local_midnight(since);
    if (!t)
      throw usage_failed("report", "--since \"" + since + "\" is not a date YYYY-MM-DD");
    from = *t;
  }
  if (!until.empty()) {
    auto t = local_midnight(until);
    if (!t)
      throw usage_failed("report", "--until \"" + until + "\" is not a date YYYY-MM-DD");
    to = *t + 86400;  // the whole last day (a DST day is off by an hour at most)
  }
  if (!since.empty() && !until.empty() && from >= to)
    throw usage_failed(
        "report", "--since " + since + " is after --until " + until + ": the range is inverted");
  std::error_code ec;
  if (!std::filesystem::is_regular_file(cmd.db_path, ec))  // never created by a report
    throw command_failed("no database at " + cmd.db_path + " (use --db FILE)");
  const auto report = services::build_report(store::read_report_data(cmd.db_path, from, to));
  if (format == "csv")
    print_csv(report);
  else if (format == "json")
    print_json(report, since, until);
  else
    print_text(report, since.empty() && until.empty()
                           ? std::string("all dates")
                           : (since.empty() ? "the start" : since) + " to " +
                                 (until.empty() ? "today" : until));
  return 0;
}

}  // namespace tcs::admin
