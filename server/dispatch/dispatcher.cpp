// Request validation and dispatch.
#include "server/dispatch/dispatcher.hpp"

#include "server/dispatch/audit.hpp"
#include "server/dispatch/server_state.hpp"
#include "server/dispatch/support_common.hpp"
#include "server/dispatch/views.hpp"
#include "server/log/console.hpp"
#include "server/services/service_set.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <stdexcept>

namespace tcs {

namespace {

bool has_kind(const json::value& v, field_kind kind) {
  switch (kind) {
    case field_kind::string:
      return v.is_string();
    case field_kind::integer:
      return v.is_int64() ||
             (v.is_uint64() && v.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX));
    case field_kind::boolean:
      return v.is_bool();
    case field_kind::array:
      return v.is_array();
    case field_kind::object:
      return v.is_object();
  }
  return false;
}

std::string_view kind_name(field_kind kind) {
  switch (kind) {
    case field_kind::string:
      return "un texto";
    case field_kind::integer:
      return "un número entero";
    case field_kind::boolean:
      return "true o false";
    case field_kind::array:
      return "una lista";
    case field_kind::object:
      return "un objeto";
  }
  return "";
}

result<void> check_access(const peer& caller, access who) {
  if (who == access::handshake) {
    if (caller.greeted)
      return failure{errc::invalid_state, "El saludo ya se hizo."};
    return {};
  }
  if (!caller.greeted)
    return failure{errc::hello_required};
  switch (who) {
    case access::handshake:
    case access::anyone:
      return {};
    case access::guest:
      if (caller.who != role::guest)
        return failure{errc::already_authenticated};
      return {};
    case access::authenticated:
      if (caller.who == role::guest)
        return failure{errc::not_authenticated};
      return {};
    case access::customer:
      if (caller.who == role::guest)
        return failure{errc::not_authenticated};
      if (caller.who != role::customer)
        return failure{errc::forbidden, "Solo los clientes pueden hacer esta solicitud."};
      return {};
    case access::executive:
      if (caller.who == role::guest)
        return failure{errc::not_authenticated};
      if (caller.who != role::executive)
        return failure{errc::forbidden, "Solo los ejecutivos pueden hacer esta solicitud."};
      return {};
  }
  return failure{errc::internal};
}

}  // namespace

dispatcher::dispatcher(std::vector<command> table)
    : table_(std::move(table)),
      caches_(std::make_unique<reply_caches>()),
      counters_(table_.size()) {
  for (const command& c : table_) {
    if (!by_type_.emplace(c.type, &c).second)
      throw std::logic_error("duplicate command type: " + std::string(c.type));
  }
}

dispatcher::dispatcher(std::vector<command> table, tcs::services::service_set& services)
    : dispatcher(std::move(table)) {
  services_ = &services;
}

dispatcher::dispatcher(dispatcher&&) noexcept = default;
dispatcher& dispatcher::operator=(dispatcher&&) noexcept = default;
dispatcher::~dispatcher() = default;

const command_counters* dispatcher::counters(std::string_view type) const {
  auto it = by_type_.find(type);
  return it == by_type_.end() ? nullptr : &counters_[it->second - table_.data()];
}

void dispatcher::count(const command& cmd, const result<json::object>& body,
                       std::chrono::steady_clock::time_point started) const {
  command_counters& c = counters_[&cmd - table_.data()];
  const auto took = std::chrono::steady_clock::now() - started;
  ++c.calls;
  if (!body) {
    ++c.errors;
    ++c.errors_by_code[static_cast<std::size_t>(body.error().code)];
  }
  c.total_time += took;
  c.max_time = std::max<std::chrono::nanoseconds>(c.max_time, took);
}

result<const command*> dispatcher::check(const peer& caller, const json::object& request) const {
  auto type = get_string(request, "type");
  if (!type)
    return type.error();
  if (!request.contains("id"))
    return failure{errc::missing_field, "Falta el campo \"id\"."};
  if (!request_id(request))
    return failure{errc::invalid_field, "El campo \"id\" debe ser un número entero."};
  auto it = by_type_.find(*type);
  if (it == by_type_.end())
    return failure{errc::unknown_type,
                   "Tipo de mensaje desconocido: \"" + echo_value(*type) + "\"."};
  const command* cmd = it->second;
  if (auto ok = check_access(caller, cmd->who); !ok)
    return ok.error();
  for (const field_spec& f : cmd->fields) {
    const json::value* v = request.if_contains(f.name);
    if (!v) {
      if (f.required)
        return failure{errc::missing_field, "Falta el campo \"" + std::string(f.name) + "\"."};
      continue;
    }
    if (!has_kind(*v, f.kind))
      return failure{errc::invalid_field, "El campo \"" + std::string(f.name) + "\" debe ser " +
                                              std::string(kind_name(f.kind)) + "."};
  }
  return cmd;
}

// The chat the command needs, the handler, its audit, and the wait for durability.
boost::asio::awaitable<result<json::object>> dispatcher::run(const command& cmd,
                                                             request_context& ctx) const {
  if (cmd.precondition == needs::chat) {
    auto chat = current_chat(ctx.services.support(), *ctx.caller);
    if (!chat)
      co_return chat.error();  // a check like the others: not recorded
    ctx.chat = *chat;
  }
  store::group_commit& commits = ctx.services.commits();
  if (!commits.attached())
    commits.attach(co_await boost::asio::this_coro::executor);
  const std::uint64_t commits_before = commits.mark();
  auto body = co_await cmd.handler(ctx);
  audit::record_outcome(cmd, ctx, body);
  // What the handler committed is on disk before the reply says so (group commit: one
  // WAL sync, off the loop, for every request waiting at the same time).
  if (commits.must_wait(commits_before))
    co_await commits.make_durable();
  co_return body;
}

boost::asio::awaitable<dispatcher::outcome> dispatcher::dispatch(server_state& sessions,
                                                                 std::shared_ptr<peer> caller,
                                                                 std::string payload) const {
  const auto started = std::chrono::steady_clock::now();
  auto parsed = parse_message(payload);
  if (!parsed)
    co_return outcome{make_error("error", std::nullopt, parsed.error()), false, true};
  const json::object& request = *parsed;
  const auto id = request_id(request);
  const std::string type(request.at("type").get_string());

  auto cmd = check(*caller, request);
  if (!cmd) {
    if (auto known = by_type_.find(type); known != by_type_.end())
      count(*known->second, cmd.error(), started);
    // The type is the peer's (maybe unknown, 64 KiB long or full of escape codes): the reply
    // quotes it clipped and escaped, like the message does; a known type is unchanged.
    co_return outcome{make_error(echo_value(type), id, cmd.error()), false,
                      is_protocol_error(cmd.error().code)};
  }
  if (!services_)
    throw std::logic_error("dispatcher built without services");

  request_context ctx{sessions, *services_, *caches_, caller, request};
  result<json::object> body = failure{errc::internal};
  try {
    body = co_await run(**cmd, ctx);
  } catch (const std::exception& e) {
    log::error("request \"" + type + "\" from " + caller->remote_address + " failed: " + e.what());
    body = failure{errc::internal};
  }
  count(**cmd, body, started);
  if (!body)
    co_return outcome{make_error(type, id, body.error()), ctx.close_after_reply};
  // Envelope first, so a human reading the wire sees type, id and ok at the start.
  json::object reply = make_ok(type, id);
  reply.reserve(reply.size() + body->size());  // one allocation, not a rehash per field
  for (auto& field : *body)
    reply.emplace(field.key(), std::move(field.value()));
  // The caller queues the reply as soon as this returns (no suspension in between), so what is
  // posted now runs after it.
  if (ctx.after_reply)
    boost::asio::post(co_await boost::asio::this_coro::executor, std::move(ctx.after_reply));
  co_return outcome{std::move(reply), ctx.close_after_reply, false, std::move(ctx.encoded)};
}

}  // namespace tcs
