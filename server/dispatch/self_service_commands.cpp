// Self-service commands of the customer's menu (options 1-5): password change, history and
// details, catalogue, purchase, returns and shipment/reception confirmations.
//
// Every customer request a handler serves, except the two lookups that start a return or a
// confirmation (returnable, pending), records one activity entry (outcome "ok" or the error
// code) and prints one console line naming the customer by display name: the table says
// which action (audit_all / audit_done), the handler fills ctx.audit, the dispatcher writes
// them (command.hpp, "Audit contract"). Refusals by the dispatcher (missing fields, wrong
// role) are answered before any handler and are not logged. Writes are committed by the
// services before the handler returns, so an ok reply always describes a durable change.
#include "common/protocol/actions.hpp"
#include "server/dispatch/areas.hpp"
#include "server/dispatch/credential_checks.hpp"
#include "server/dispatch/pages.hpp"
#include "server/dispatch/support_common.hpp"
#include "server/dispatch/views.hpp"
#include "server/services/password_policy.hpp"
#include "server/services/service_set.hpp"

#include <boost/asio/use_awaitable.hpp>

#include <optional>
#include <string>
#include <vector>

namespace tcs {

namespace {

using boost::asio::awaitable;

std::string operation_ref(std::int64_t id) {
  return "#" + std::to_string(id);
}

// A page of operation summaries (history, returnable, pending) as the reply's "operations":
// `ops` holds up to limit + 1 operations (one more when more follow).
json::object summaries_page(request_context& ctx, const page_request& page,
                            const services::list_page<store::operation_record>& ops) {
  page_writer out(page.limit);
  std::optional<std::int64_t> last;
  bool more = false;
  for (const auto& op : ops.items) {
    if (!out.add(views::operation_summary(op))) {
      more = true;
      break;
    }
    last = op.id;
  }
  ctx.encoded.push_back({"operations", out.finish()});
  json::object body;
  add_page_fields(body, ops.total, more ? last : std::nullopt);
  return body;
}

awaitable<result<json::object>> operations_list(request_context& ctx,
                                                services::operation_view view) {
  auto page = read_page_request(ctx.request);
  if (!page)
    co_return page.error();
  auto& services = ctx.services;
  co_return summaries_page(ctx, *page,
                           services.orders().page(view, ctx.caller->account_id, services.now(),
                                                  page->after, page->limit));
}

// ---------------------------------------------------------------------------------------------
// password.change

// The request is not worth a row: the hashing did not run, or the peer is gone.
failure unrecorded(request_context& ctx, failure f) {
  ctx.audit.record = false;
  return f;
}

// Checks `current` against the caller's stored hash. Guessing the current password is a login
// attempt: capped, counted and slowed the same way (same keys: the account's email and the
// address), before any hash.
awaitable<result<void>> verify_current(request_context& ctx, const std::string& current) {
  auto& services = ctx.services;
  if (auto ok = credentials::check_sizes(ctx.caller->email, current); !ok)
    co_return ok.error();
  const std::string key = services::login_key(ctx.caller->email);
  const std::string address = credentials::host_of(ctx.caller->remote_address);
  if (auto admitted = co_await credentials::admit(ctx, key, address); !admitted)
    co_return admitted.error();  // `internal` (the peer is gone) is never recorded

  auto stored = services.accounts().customer_password_hash(ctx.caller->account_id);
  if (!stored)
    co_return failure{errc::not_found, "La cuenta ya no existe."};
  auto job = credentials::hash_job(ctx, address);
  const auto checked = co_await services.passwords().verify(std::move(*stored), current, job);
  if (auto not_run = credentials::not_run(*ctx.caller, checked.state))
    co_return unrecorded(ctx, *not_run);
  if (!checked.match)
    co_return failure{errc::bad_credentials, "La contraseña actual no es correcta."};
  services.throttle().record_success(key, address);
  co_return result<void>{};
}

// password.check: the current password alone, before the terminal asks for a new one. A wrong
// one is recorded as a refused password change; a right one is not recorded (the change that
// follows is).
awaitable<result<json::object>> check_password(request_context& ctx) {
  const std::string current(get_string(ctx.request, "current").value());
  if (auto ok = co_await verify_current(ctx, current); !ok)
    co_return ok.error();
  ctx.audit.record = false;
  json::object body;
  body["min_length"] = static_cast<std::int64_t>(ctx.services.options().min_password_length);
  co_return body;
}

awaitable<result<json::object>> change_password(request_context& ctx) {
  auto& services = ctx.services;
  const std::string current(get_string(ctx.request, "current").value());
  const std::string new1(get_string(ctx.request, "new").value());
  const std::string new2(get_string(ctx.request, "confirm").value());

  // The policy is checked on the texts first: a bad request never costs two hashes.
  if (auto ok =
          services::check_new_password(current, new1, new2, services.options().min_password_length);
      !ok)
    co_return ok.error();
  if (auto ok = co_await verify_current(ctx, current); !ok)
    co_return ok.error();

  const std::string address = credentials::host_of(ctx.caller->remote_address);
  auto new_job = credentials::hash_job(ctx, address);
  const auto made = co_await services.passwords().hash(new1, new_job);
  if (auto not_run = credentials::not_run(*ctx.caller, made.state))
    co_return unrecorded(ctx, *not_run);
  if (!services.accounts().set_customer_password(ctx.caller->account_id, made.hash))
    co_return failure{errc::not_found, "La cuenta ya no existe."};
  ctx.audit.line = "Cambio Clave Cliente " + ctx.caller->name + ".";
  co_return json::object{};
}

// ---------------------------------------------------------------------------------------------
// history, history.detail

awaitable<result<json::object>> history(request_context& ctx) {
  auto page = read_page_request(ctx.request);
  if (!page)
    co_return page.error();
  auto& services = ctx.services;
  const auto ops = services.orders().page(services::operation_view::history, ctx.caller->account_id,
                                          services.now(), page->after, page->limit);
  // One consultation is its first page; the pages after it are not logged again.
  ctx.audit.record = !page->after;
  ctx.audit.detail = std::to_string(ops.total) + " operaciones";
  ctx.audit.line =
      "Cliente " + ctx.caller->name + " consultó su historial (" + ctx.audit.detail + ").";
  co_return summaries_page(ctx, *page, ops);
}

awaitable<result<json::object>> history_detail(request_context& ctx) {
  const auto id = get_int(ctx.request, "operation_id").value();
  ctx.audit.detail = operation_ref(id);
  auto details = ctx.services.orders().details(ctx.caller->account_id, id);
  if (!details)
    co_return details.error();
  ctx.audit.line = "Cliente " + ctx.caller->name + " consultó el detalle de la operación " +
                   operation_ref(id) + ".";
  json::object body;
  body["operation"] = views::operation_details(*details);
  co_return body;
}

// ---------------------------------------------------------------------------------------------
// catalogue

// A page of the catalogue spliced from the products' cached JSON, from index `start`.
struct catalogue_page {
  std::shared_ptr<const std::string> json;
  std::optional<std::int64_t> next;
};

catalogue_page splice_page(const encoded_products& cache, std::size_t start, std::int64_t limit) {
  page_writer out(limit);
  std::optional<std::int64_t> last;
  bool more = false;
  for (std::size_t i = start; i < cache.items.size(); ++i) {
    if (!out.add(cache.items[i])) {
      more = true;
      break;
    }
    last = (*cache.source)[i].id;
  }
  return {out.finish(), more ? last : std::nullopt};
}

awaitable<result<json::object>> catalogue(request_context& ctx) {
  auto page = read_page_request(ctx.request);
  if (!page)
    co_return page.error();
  const bool executive = ctx.caller->who == role::executive;
  const auto products = ctx.services.catalogue().snapshot(
      executive ? services::catalogue_scope::executive : services::catalogue_scope::customer);
  std::size_t start = 0;
  if (page->after) {
    auto position = ctx.services.catalogue().position_after(*products, *page->after);
    if (!position)
      co_return failure{errc::invalid_field,
                        "El campo \"after\" no corresponde a ningún producto: pida el catálogo "
                        "desde el principio."};
    start = *position;
  }
  // The executive's `:catalogue` is logged by the support area, not here; one consultation is
  // its first page.
  ctx.audit.record = !executive && !page->after;
  ctx.audit.line = "Cliente " + ctx.caller->name + " consultó el catálogo.";
  // Each product is serialised once per snapshot and shared by every page until it changes;
  // the first page at the default limit (the menu's request) is kept whole.
  auto& cache = ctx.caches.catalogue_for(executive);
  if (cache.source != products) {
    cache.source = products;
    cache.items.clear();
    cache.items.reserve(products->size());
    for (const auto& p : *products)
      cache.items.push_back(json::serialize(views::product(p, executive)));
    auto first = splice_page(cache, 0, max_page_items);
    cache.first_page = std::move(first.json);
    cache.first_page_next = first.next;
  }
  catalogue_page out = start == 0 && page->limit == max_page_items
                           ? catalogue_page{cache.first_page, cache.first_page_next}
                           : splice_page(cache, start, page->limit);
  ctx.encoded.push_back({"products", std::move(out.json)});
  json::object body;
  add_page_fields(body, static_cast<std::int64_t>(products->size()), out.next);
  co_return body;
}

// ---------------------------------------------------------------------------------------------
// purchase

// The request's "lines" as cart lines; invalid_field names the first bad line (1-based).
// Quantities and product ids are checked by the orders service.
result<std::vector<services::cart_line>> parse_cart(const json::array& lines) {
  if (lines.empty())
    return failure{errc::invalid_field, "El carrito está vacío: \"lines\" no tiene productos."};
  if (lines.size() > services::max_cart_lines)
    return failure{errc::invalid_field, "El carrito tiene demasiadas líneas (máximo " +
                                            std::to_string(services::max_cart_lines) + ")."};
  std::vector<services::cart_line> cart;
  cart.reserve(lines.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string where = "La línea " + std::to_string(i + 1) + " de \"lines\"";
    if (!lines[i].is_object())
      return failure{errc::invalid_field,
                     where + " debe ser un objeto {\"product_id\", \"quantity\"}."};
    const json::object& line = lines[i].as_object();
    auto product_id = get_int(line, "product_id");
    if (!product_id)
      return failure{errc::invalid_field, where + ": \"product_id\" debe ser un número entero."};
    auto quantity = get_int(line, "quantity");
    if (!quantity)
      return failure{errc::invalid_field, where + ": \"quantity\" debe ser un número entero."};
    cart.push_back({*product_id, *quantity});
  }
  return cart;
}

std::string units_text(std::int64_t units) {
  return std::to_string(units) + (units == 1 ? " producto" : " productos");
}

awaitable<result<json::object>> purchase(request_context& ctx) {
  auto& services = ctx.services;
  const peer& caller = *ctx.caller;
  auto cart = parse_cart(ctx.request.at("lines").as_array());
  if (!cart) {
    ctx.audit.detail = cart.error().message;
    co_return cart.error();
  }
  std::int64_t units = 0;
  for (const auto& line : *cart)
    units += line.quantity;

  auto id = services.orders().purchase(caller.account_id, *cart, services.now(), caller.name);
  if (!id) {
    ctx.audit.detail = id.error().message;
    co_return id.error();
  }
  // Committed: from here on the purchase exists whatever happens to this connection.
  auto details = services.orders().details(caller.account_id, *id);
  const std::int64_t total = details ? details->operation.total : 0;
  ctx.audit.detail = "operación " + operation_ref(*id) + ": " + units_text(units) + ", total " +
                     support::pesos(total);
  ctx.audit.line = "Cliente " + caller.name + " compró " + units_text(units) + " (operación " +
                   operation_ref(*id) + ").";
  json::object body;
  body["operation_id"] = *id;
  body["total"] = total;
  co_return body;
}

// ---------------------------------------------------------------------------------------------
// return, returnable

awaitable<result<json::object>> request_return(request_context& ctx) {
  auto& services = ctx.services;
  const peer& caller = *ctx.caller;
  const auto id = get_int(ctx.request, "operation_id").value();
  ctx.audit.detail = operation_ref(id);
  auto done = services.orders().request_return(caller.account_id, id, services.now(), caller.name);
  if (!done)
    co_return done.error();
  ctx.audit.line = "Cliente " + caller.name + " solicitó la devolución de la operación " +
                   operation_ref(id) + ".";
  co_return json::object{};
}

awaitable<result<json::object>> returnable(request_context& ctx) {
  return operations_list(ctx, services::operation_view::returnable);
}

// ---------------------------------------------------------------------------------------------
// confirm, pending

awaitable<result<json::object>> confirm(request_context& ctx) {
  auto& services = ctx.services;
  const peer& caller = *ctx.caller;
  const auto id = get_int(ctx.request, "operation_id").value();
  ctx.audit.detail = operation_ref(id);
  auto state = services.orders().confirm(caller.account_id, id, services.now(), caller.name);
  if (!state)
    co_return state.error();
  const bool received = *state == "received";
  ctx.audit.detail += received ? " recibido" : " enviado";
  ctx.audit.line = "Cliente " + caller.name + " confirmó " +
                   (received ? "la recepción" : "el envío") + " de la operación " +
                   operation_ref(id) + ".";
  json::object body;
  body["state"] = *state;
  co_return body;
}

awaitable<result<json::object>> pending(request_context& ctx) {
  return operations_list(ctx, services::operation_view::pending);
}

constexpr field_spec password_fields[] = {
    {"current", field_kind::string}, {"new", field_kind::string}, {"confirm", field_kind::string}};
constexpr field_spec current_password_fields[] = {{"current", field_kind::string}};
constexpr field_spec operation_fields[] = {{"operation_id", field_kind::integer}};
constexpr field_spec purchase_fields[] = {{"lines", field_kind::array}};

const command self_service_table[] = {
    {"password.change", access::customer, password_fields, change_password,
     "change the customer's password (current, new, confirm)", audit_all(actions::password_change)},
    {"password.check", access::customer, current_password_fields, check_password,
     "check the customer's current password before asking for a new one",
     audit_all(actions::password_change)},
    {"history", access::customer, page_fields, history,
     "the customer's operations of the last 12 months (paged)", audit_done(actions::history_view)},
    {"history.detail", access::customer, operation_fields, history_detail,
     "one of the customer's operations with lines and timeline", audit_all(actions::detail_view)},
    {"catalogue", access::authenticated, page_fields, catalogue,
     "the catalogue, paged (executives also see unlisted products and held units)",
     audit_done(actions::catalogue_view)},
    {"purchase", access::customer, purchase_fields, purchase,
     "buy a cart of products, all lines or none", audit_all(actions::purchase)},
    {"return", access::customer, operation_fields, request_return,
     "return a purchase; its units go back to stock", audit_all(actions::return_request)},
    {"returnable", access::customer, page_fields, returnable,
     "the customer's purchases not yet returned (paged)"},
    {"confirm", access::customer, operation_fields, confirm,
     "confirm the shipment (paid) or the reception (shipped) of a purchase",
     audit_all(actions::shipment_confirm)},
    {"pending", access::customer, page_fields, pending,
     "purchases waiting for a confirmation (paged)"},
};

}  // namespace

std::span<const command> self_service_commands() {
  return self_service_table;
}

}  // namespace tcs
