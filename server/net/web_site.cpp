// HTTP answers of the web port.
#include "server/net/web_site.hpp"

#include "server/net/metrics.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>

#include <algorithm>

namespace tcs::net {

namespace http = boost::beast::http;

namespace {

// Browsers keep the HSTS promise this long: a year, the usual value (and preload's minimum).
constexpr const char* hsts_value = "max-age=31536000";

}  // namespace

web_site::web_site(web_options options) : options_(std::move(options)), files_(options_.root) {
  csp_ =
      "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
      "frame-ancestors 'self'";
  for (const auto& origin : options_.embed_origins)
    csp_ += " " + origin;
}

void web_site::decorate(http_response& res) const {
  res.set(http::field::server, "tcs");
  res.set("Content-Security-Policy", csp_);
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "no-referrer");
  res.set("Cross-Origin-Opener-Policy", "same-origin");
  if (options_.tls)
    res.set(http::field::strict_transport_security, hsts_value);
}

http_response web_site::refusal(http::status status, unsigned version, bool close) const {
  http_response res{status, version};
  decorate(res);
  res.set(http::field::content_type, "text/plain; charset=utf-8");
  res.body() = std::string(http::obsolete_reason(status)) + "\n";
  res.prepare_payload();
  res.keep_alive(!close);
  return res;
}

bool web_site::allowed_origin(const http_request& req) const {
  const auto it = req.find(http::field::origin);
  if (it == req.end())
    return true;
  const std::string origin(it->value());
  if (!options_.origins.empty())
    return std::find(options_.origins.begin(), options_.origins.end(), origin) !=
           options_.origins.end();
  return origin ==
         std::string(options_.tls ? "https://" : "http://") + std::string(req[http::field::host]);
}

http_response web_site::answer(const http_request& req, const boost::asio::ip::address& peer) {
  if (req.method() != http::verb::get && req.method() != http::verb::head) {
    auto res = refusal(http::status::method_not_allowed, req.version(), !req.keep_alive());
    res.set(http::field::allow, "GET, HEAD");
    return res;
  }
  const std::string_view target = req.target();
  const std::string_view path = target.substr(0, target.find('?'));
  if (path == "/healthz")
    return healthz(req);
  if (path == "/metrics" && options_.metrics)
    return metrics(req, peer);
  if (path == websocket_path) {
    auto res = refusal(http::status::upgrade_required, req.version(), !req.keep_alive());
    res.set(http::field::upgrade, "websocket");
    res.set(http::field::connection, "Upgrade");
    return res;
  }
  return file(req);
}

http_response web_site::healthz(const http_request& req) const {
  const std::string problem = options_.health ? options_.health() : std::string();
  http_response res{problem.empty() ? http::status::ok : http::status::service_unavailable,
                    req.version()};
  decorate(res);
  res.set(http::field::content_type, "text/plain; charset=utf-8");
  res.set(http::field::cache_control, "no-store");
  res.body() = problem.empty() ? "ok\n" : problem + "\n";
  res.prepare_payload();
  res.keep_alive(req.keep_alive());
  return res;
}

http_response web_site::metrics(const http_request& req,
                                const boost::asio::ip::address& peer) const {
  if (!metrics_allowed(peer, options_.metrics_allow))
    return refusal(http::status::forbidden, req.version(), !req.keep_alive());
  http_response res{http::status::ok, req.version()};
  decorate(res);
  res.set(http::field::content_type, metrics_content_type);
  res.set(http::field::cache_control, "no-store");
  res.body() = options_.metrics();
  res.prepare_payload();
  if (req.method() == http::verb::head)
    res.body().clear();
  res.keep_alive(req.keep_alive());
  return res;
}

http_response web_site::file(const http_request& req) {
  auto found = files_.find(req.target());
  if (!found)
    return refusal(http::status::not_found, req.version(), !req.keep_alive());
  const auto if_none_match = req.find(http::field::if_none_match);
  const bool unchanged =
      if_none_match != req.end() && etag_matches(if_none_match->value(), found->etag);
  http_response res{unchanged ? http::status::not_modified : http::status::ok, req.version()};
  decorate(res);
  res.set(http::field::etag, found->etag);
  // Cached, but checked with the server each time (a 304 when unchanged).
  res.set(http::field::cache_control, "no-cache");
  res.keep_alive(req.keep_alive());
  if (unchanged)
    return res;
  res.set(http::field::content_type, found->content_type);
  if (req.method() == http::verb::head) {
    res.content_length(found->body->size());
    return res;
  }
  res.body() = *found->body;
  res.prepare_payload();
  return res;
}

}  // namespace tcs::net
