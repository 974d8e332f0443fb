// Catalogue listing, `:buy` (record_sale) and `:publish`.
#include "server/services/catalogue_service.hpp"

#include "common/protocol/message.hpp"

#include "server/services/names.hpp"
#include "server/store/accounts_repository.hpp"
#include "server/store/operations_repository.hpp"

#include <algorithm>
#include <string>

namespace tcs::services {
namespace {

// Names are quoted as the terminals quote them: "Caterpie".
std::string in_quotes(std::string_view name) {
  return "\"" + std::string(name) + "\"";
}

}  // namespace

result<std::string> normalize_product_name(std::string_view name) {
  auto cleaned = clean_name(name, max_product_name_bytes);
  if (cleaned)
    return std::move(*cleaned);
  if (cleaned.error().problem == name_problem::empty)
    return failure{errc::invalid_field, "Indique el nombre de la carta."};
  return failure{errc::invalid_field,
                 spanish_message(cleaned.error(), "El nombre de la carta", max_product_name_bytes)};
}

failure confusable_failure(std::string_view name, std::string_view existing) {
  return failure{errc::invalid_field,
                 in_quotes(echo_value(name)) + " se confunde con " +
                     in_quotes(echo_value(existing)) +
                     ", que ya está en el catálogo: use ese nombre u otro que se distinga."};
}

result<void> check_price(std::int64_t price) {
  if (price < 1 || price > max_price) {
    return failure{errc::invalid_field,
                   "El precio debe ser un número entero de pesos entre 1 y 100000000."};
  }
  return {};
}

std::vector<store::product_record> catalogue_service::list(catalogue_scope scope) {
  return store::catalogue_repository(db_).list(scope == catalogue_scope::executive);
}

std::shared_ptr<const std::vector<store::product_record>> catalogue_service::snapshot(
    catalogue_scope scope) {
  if (db_.in_transaction())  // it may hold uncommitted changes: never cache them
    return std::make_shared<const std::vector<store::product_record>>(list(scope));
  cached_list& c = cache_[scope == catalogue_scope::executive ? 1 : 0];
  // Products only change in counted commits (the deferred log appends never touch them).
  const std::uint64_t commits = db_.durable_commits();
  const std::int64_t data_version = db_.data_version();
  if (!c.products || c.commits != commits || c.data_version != data_version) {
    c.products = std::make_shared<const std::vector<store::product_record>>(list(scope));
    c.commits = commits;
    c.data_version = data_version;
  }
  return c.products;
}

namespace {

// SQLite's NOCASE collation: ASCII letters folded, then byte order; a prefix sorts first.
int nocase_compare(std::string_view a, std::string_view b) {
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    auto fold = [](char c) {
      const auto u = static_cast<unsigned char>(c);
      return u >= 'A' && u <= 'Z' ? static_cast<unsigned char>(u - 'A' + 'a') : u;
    };
    const unsigned char x = fold(a[i]);
    const unsigned char y = fold(b[i]);
    if (x != y)
      return x < y ? -1 : 1;
  }
  return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
}

}  // namespace

std::optional<std::size_t> catalogue_service::position_after(
    const std::vector<store::product_record>& list, std::int64_t product_id) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (list[i].id == product_id)
      return i + 1;
  }
  auto product = store::catalogue_repository(db_).by_id(product_id);
  if (!product)
    return std::nullopt;
  // Not in this list (e.g. unlisted, for a customer): after everything that sorts before it.
  auto after =
      std::upper_bound(list.begin(), list.end(), *product,
                       [](const store::product_record& key, const store::product_record& p) {
                         const int c = nocase_compare(key.name, p.name);
                         return c < 0 || (c == 0 && key.id < p.id);
                       });
  return static_cast<std::size_t>(after - list.begin());
}

std::optional<std::string> catalogue_service::confusable_with(std::string_view name) {
  if (store::catalogue_repository(db_).by_name(name))
    return std::nullopt;  // the product itself, under any case
  auto products = snapshot(catalogue_scope::executive);
  if (keys_.source != products) {
    keys_.names.clear();
    for (const auto& p : *products)
      keys_.names.emplace(confusable_key(p.name), p.name);
    keys_.source = products;
  }
  auto it = keys_.names.find(confusable_key(name));
  if (it == keys_.names.end())
    return std::nullopt;
  return it->second;
}

std::optional<store::product_record> catalogue_service::find(std::string_view name) {
  auto normalized = normalize_product_name(name);
  if (!normalized) {
    return std::nullopt;
  }
  return store::catalogue_repository(db_).by_name(*normalized);
}

result<publish_outcome> catalogue_service::publish(std::string_view card_name,
                                                   std::optional<std::int64_t> price) {
  auto name = normalize_product_name(card_name);
  if (!name) {
    return name.error();
  }
  if (price) {
    if (auto ok = check_price(*price); !ok) {
      return ok.error();
    }
  }
  store::write_transaction tx(db_);
  store::catalogue_repository catalogue(db_);
  auto product = catalogue.by_name(*name);
  if (!product) {
    return failure{errc::not_found, "No hay registros de " + in_quotes(*name) +
                                        ": la tienda no tiene unidades que publicar."};
  }
  if (product->held == 0) {
    return failure{errc::invalid_state,
                   "No hay unidades retenidas de " + in_quotes(product->name) + " para publicar."};
  }
  publish_outcome out;
  if (!product->listed) {
    if (!price) {
      return failure{errc::missing_field,
                     in_quotes(product->name) + " no está en el catálogo: indique un precio."};
    }
    catalogue.list_at_price(product->id, *price);
    out.newly_listed = true;
  } else {
    out.price_ignored = price.has_value() && *price != product->price;
  }
  if (!catalogue.publish_one_held(product->id)) {
    return failure{errc::invalid_state,
                   "No hay unidades retenidas de " + in_quotes(product->name) + " para publicar."};
  }
  out.product = *catalogue.by_id(product->id);
  tx.commit();
  return out;
}

result<sale_outcome> catalogue_service::record_sale(std::int64_t customer_id,
                                                    std::int64_t executive_id,
                                                    std::string_view card_name, std::int64_t price,
                                                    std::int64_t now, std::string_view actor) {
  auto name = normalize_product_name(card_name);
  if (!name) {
    return name.error();
  }
  if (auto ok = check_price(price); !ok) {
    return ok.error();
  }
  store::write_transaction tx(db_);
  store::accounts_repository accounts(db_);
  if (!accounts.customer_by_id(customer_id)) {
    return failure{errc::not_found, "El cliente no existe."};
  }
  if (!accounts.executive_by_id(executive_id)) {
    return failure{errc::not_found, "El ejecutivo no existe."};
  }
  store::catalogue_repository catalogue(db_);
  store::operations_repository operations(db_);
  sale_outcome out;
  std::int64_t product_id = 0;
  if (auto product = catalogue.by_name(*name)) {
    product_id = product->id;
    catalogue.add_held(product_id, 1);
  } else {
    if (auto like = confusable_with(*name))
      return confusable_failure(*name, *like);
    product_id = catalogue.add_product(*name, "card", price, 0, 1, false);
    out.new_product = true;
  }
  out.operation_id = operations.add_operation(customer_id, "sale", "paid", now, executive_id);
  operations.add_line(out.operation_id, product_id, 1, price);
  operations.add_event(out.operation_id, "paid", now, actor);
  out.product = *catalogue.by_id(product_id);
  tx.commit();
  return out;
}

}  // namespace tcs::services
