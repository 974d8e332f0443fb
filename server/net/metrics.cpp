// The /metrics page (see metrics.hpp).
#include "server/net/metrics.hpp"

#include "server/net/net_counters.hpp"

#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>

namespace tcs::net {

namespace ip = boost::asio::ip;

namespace {

// A v4 peer on a dual-stack socket arrives as ::ffff:a.b.c.d.
ip::address plain(const ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped())
    return ip::make_address_v4(ip::v4_mapped, a.to_v6());
  return a;
}

// Whether `a` is `entry` (an address or a prefix); nullopt when `entry` is neither.
std::optional<bool> matches(const ip::address& a, const std::string& entry) {
  boost::system::error_code ec;
  if (entry.find('/') == std::string::npos) {
    const auto one = ip::make_address(entry, ec);
    if (ec)
      return std::nullopt;
    return plain(one) == a;
  }
  const auto v4 = ip::make_network_v4(entry, ec);
  if (!ec)
    return a.is_v4() && ip::network_v4(a.to_v4(), v4.prefix_length()).canonical() == v4.canonical();
  const auto v6 = ip::make_network_v6(entry, ec);
  if (!ec)
    return a.is_v6() && ip::network_v6(a.to_v6(), v6.prefix_length()).canonical() == v6.canonical();
  return std::nullopt;
}

// One metric family: HELP and TYPE lines, then its samples.
class page {
 public:
  void family(const char* name, const char* type, const char* help) {
    name_ = name;
    out_ += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
  }
  // `labels`: already formatted (`type="login",outcome="ok"`), or empty.
  void sample(const std::string& labels, double value, const char* suffix = "") {
    out_ += name_ + suffix;
    if (!labels.empty())
      out_ += "{" + labels + "}";
    char number[40];
    std::snprintf(number, sizeof number, " %.17g\n", value);
    out_ += number;
  }
  void histogram(const std::string& labels, const log::duration_histogram& h) {
    const std::string sep = labels.empty() ? "" : ",";
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < h.buckets.size(); ++i) {
      cumulative += h.buckets[i];
      char le[32];
      std::snprintf(le, sizeof le, "%g", log::duration_buckets_s[i]);
      sample(labels + sep + "le=\"" + le + "\"", static_cast<double>(cumulative), "_bucket");
    }
    sample(labels + sep + "le=\"+Inf\"", static_cast<double>(h.count), "_bucket");
    sample(labels, h.sum_s, "_sum");
    sample(labels, static_cast<double>(h.count), "_count");
  }
  std::string take() { return std::move(out_); }

 private:
  std::string name_;
  std::string out_;
};

std::string label(const char* key, std::string_view value) {
  std::string out = std::string(key) + "=\"";
  for (char c : value) {
    if (c == '\\' || c == '"')
      out += '\\';
    out += c == '\n' ? std::string("\\n") : std::string(1, c);
  }
  return out + "\"";
}

std::uint64_t ok_count(const dispatcher& d, std::string_view type) {
  const auto* c = d.counters(type);
  return c ? c->calls - c->errors : 0;
}

void connections(page& p, const metrics_sources& s) {
  std::size_t by_role[3] = {0, 0, 0};
  for (const auto& peer : s.state.snapshot())
    ++by_role[static_cast<std::size_t>(peer->who)];
  p.family("tcs_connections", "gauge", "Open sessions by role (guest: not logged in yet).");
  p.sample(label("role", "guest"), static_cast<double>(by_role[0]));
  p.sample(label("role", "customer"), static_cast<double>(by_role[1]));
  p.sample(label("role", "executive"), static_cast<double>(by_role[2]));
  p.family("tcs_connections_accepted_total", "counter", "Sessions started, by transport.");
  p.sample(label("transport", "tcp"), static_cast<double>(counters.accepted_tcp));
  p.sample(label("transport", "tls"), static_cast<double>(counters.accepted_tls));
  p.sample(label("transport", "ws"), static_cast<double>(counters.accepted_ws));
  p.family("tcs_connections_refused_total", "counter",
           "Connections refused over --max-connections.");
  p.sample("", static_cast<double>(counters.refused_busy));
  p.family("tcs_slow_reader_closes_total", "counter",
           "Peers closed because their outbound queue passed --max-outbound-bytes.");
  p.sample("", static_cast<double>(counters.slow_reader_closes));
}

void business(page& p, const metrics_sources& s) {
  const auto* login = s.commands.counters("login");
  p.family("tcs_logins_total", "counter", "Login requests, by outcome.");
  p.sample(label("outcome", "ok"), login ? static_cast<double>(login->calls - login->errors) : 0);
  p.sample(label("outcome", "error"), login ? static_cast<double>(login->errors) : 0);
  p.family("tcs_login_throttled_total", "counter",
           "Logins refused as too_many_attempts (an account or address slowed down).");
  p.sample("", login ? static_cast<double>(login->errors_of(errc::too_many_attempts)) : 0);
  struct derived {
    const char* name;
    const char* type;
    const char* help;
  };
  for (const auto& d : {derived{"tcs_chat_lines_total", "chat.send", "Chat lines relayed."},
                        derived{"tcs_offers_total", "offer.create", "Offers made by executives."},
                        derived{"tcs_purchases_total", "purchase", "Purchases made."},
                        derived{"tcs_returns_total", "return", "Purchases returned."}}) {
    p.family(d.name, "counter", d.help);
    p.sample("", static_cast<double>(ok_count(s.commands, d.type)));
  }
  p.family("tcs_support_queue_length", "gauge", "Customers waiting for an executive.");
  p.sample("", static_cast<double>(s.desk.waiting()));
  p.family("tcs_support_open_chats", "gauge", "Chats between a customer and an executive.");
  p.sample("", static_cast<double>(s.desk.chats()));
  p.family("tcs_support_available_executives", "gauge", "Executives available to take a chat.");
  p.sample("", static_cast<double>(s.desk.available_executives()));
  using namespace std::chrono;
  const auto now = duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
  p.family("tcs_support_average_wait_seconds", "gauge",
           "Average wait of the customers served in the last hour (0 when none).");
  p.sample("", static_cast<double>(s.desk.average_wait_s(now).value_or(0)));
}

void requests(page& p, const metrics_sources& s) {
  p.family("tcs_requests_total", "counter", "Requests by type and outcome.");
  for (const auto& cmd : s.commands.commands()) {
    const auto* c = s.commands.counters(cmd.type);
    p.sample(label("type", cmd.type) + "," + label("outcome", "ok"),
             static_cast<double>(c->calls - c->errors));
    p.sample(label("type", cmd.type) + "," + label("outcome", "error"),
             static_cast<double>(c->errors));
  }
  p.family("tcs_request_errors_total", "counter", "Refused requests by type and error code.");
  for (const auto& cmd : s.commands.commands()) {
    const auto* c = s.commands.counters(cmd.type);
    for (std::size_t e = 0; e < c->errors_by_code.size(); ++e) {
      if (c->errors_by_code[e] != 0)
        p.sample(label("type", cmd.type) + "," + label("code", code_name(static_cast<errc>(e))),
                 static_cast<double>(c->errors_by_code[e]));
    }
  }
  p.family("tcs_request_duration_seconds", "summary",
           "Time from a request's arrival at the dispatcher to its reply, by type.");
  for (const auto& cmd : s.commands.commands()) {
    const auto* c = s.commands.counters(cmd.type);
    p.sample(label("type", cmd.type), std::chrono::duration<double>(c->total_time).count(), "_sum");
    p.sample(label("type", cmd.type), static_cast<double>(c->calls), "_count");
  }
  p.family("tcs_request_latency_seconds", "histogram",
           "Time from a request's hand-off to the dispatcher to its reply, all types.");
  p.histogram("", counters.request_latency);
  p.family("tcs_request_duration_max_seconds", "gauge", "The longest request of each type.");
  for (const auto& cmd : s.commands.commands()) {
    const auto* c = s.commands.counters(cmd.type);
    p.sample(label("type", cmd.type), std::chrono::duration<double>(c->max_time).count());
  }
}

void storage(page& p, const metrics_sources& s) {
  const auto& st = s.commits.stats();
  p.family("tcs_wal_syncs_total", "counter",
           "Group-commit batches: WAL syncs, failed ones included.");
  p.sample("", static_cast<double>(st.syncs));
  p.family("tcs_wal_sync_failures_total", "counter", "WAL syncs that failed.");
  p.sample("", static_cast<double>(st.failed));
  p.family("tcs_wal_synced_commits_total", "counter",
           "Acknowledged commits the WAL syncs covered.");
  p.sample("", static_cast<double>(st.commits));
  p.family("tcs_wal_sync_duration_seconds", "histogram",
           "WAL sync latency (fdatasync and handoff).");
  p.histogram("", st.latency);
  p.family("tcs_password_hashes_started_total", "counter",
           "Argon2id hashes and verifications started.");
  p.sample("", static_cast<double>(s.passwords.started()));
  p.family("tcs_password_queue_refused_total", "counter",
           "Logins refused busy: hashing queue full.");
  p.sample("", static_cast<double>(s.passwords.refused()));
  p.family("tcs_password_queue_length", "gauge", "Logins waiting for a hashing thread.");
  p.sample("", static_cast<double>(s.passwords.queued()));
}

void process(page& p) {
  long pages = 0, resident = 0;
  if (std::ifstream statm("/proc/self/statm"); statm >> pages >> resident) {
    p.family("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
    p.sample("", static_cast<double>(resident) * static_cast<double>(::sysconf(_SC_PAGESIZE)));
  }
}

}  // namespace

std::string metrics_allow_error(const std::vector<std::string>& allow) {
  for (const auto& entry : allow) {
    if (!matches(ip::address_v4::loopback(), entry))
      return "--metrics-allow " + entry + ": not an address or a prefix (10.0.0.5, 10.0.0.0/24)";
  }
  return {};
}

bool metrics_allowed(const ip::address& peer, const std::vector<std::string>& allow) {
  const auto a = plain(peer);
  if (a.is_loopback())
    return true;
  for (const auto& entry : allow) {
    if (matches(a, entry).value_or(false))
      return true;
  }
  return false;
}

std::string render_metrics(const metrics_sources& sources) {
  page p;
  connections(p, sources);
  business(p, sources);
  requests(p, sources);
  storage(p, sources);
  process(p);
  return p.take();
}

}  // namespace tcs::net
