// Catalogue listing, `:buy` (record_sale) and `:publish`.
#include "server/services/catalogue_service.hpp"

#include "common/protocol/message.hpp"

#include "server/services/names.hpp"
#include "server/store/accounts_repository.hpp"
#include "server/store/operations_repository.hpp"

#include <string>

namespace tcs::services {
namespace {

std::string in_guillemets(std::string_view name) {
  return "«" + std::string(name) + "»";
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
                 in_guillemets(echo_value(name)) + " se confunde con " +
                     in_guillemets(echo_value(existing)) +
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
    return failure{errc::not_found, "No hay registros de " + in_guillemets(*name) +
                                        ": la tienda no tiene unidades que publicar."};
  }
  if (product->held == 0) {
    return failure{errc::invalid_state, "No hay unidades retenidas de " +
                                            in_guillemets(product->name) + " para publicar."};
  }
  publish_outcome out;
  if (!product->listed) {
    if (!price) {
      return failure{errc::missing_field,
                     in_guillemets(product->name) + " no está en el catálogo: indique un precio."};
    }
    catalogue.list_at_price(product->id, *price);
    out.newly_listed = true;
  } else {
    out.price_ignored = price.has_value() && *price != product->price;
  }
  if (!catalogue.publish_one_held(product->id)) {
    return failure{errc::invalid_state, "No hay unidades retenidas de " +
                                            in_guillemets(product->name) + " para publicar."};
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
