// Purchases, returns, confirmations and the operation history.
#include "server/services/orders_service.hpp"

#include "server/store/accounts_repository.hpp"
#include "server/store/catalogue_repository.hpp"

#include <algorithm>

namespace tcs::services {
namespace {

std::string operation_label(std::int64_t id) {
  return "La operación " + std::to_string(id);
}

failure operation_not_found(std::int64_t id) {
  return failure{errc::not_found, "No existe la operación " + std::to_string(id) + "."};
}

}  // namespace

result<std::int64_t> orders_service::purchase(std::int64_t customer_id,
                                              const std::vector<cart_line>& lines, std::int64_t now,
                                              std::string_view actor) {
  if (lines.empty()) {
    return failure{errc::invalid_field, "El carrito está vacío."};
  }
  if (lines.size() > max_cart_lines) {
    return failure{errc::invalid_field, "El carrito tiene demasiadas líneas (máximo " +
                                            std::to_string(max_cart_lines) + ")."};
  }
  const std::string bad_quantity = "La cantidad de cada producto debe estar entre 1 y " +
                                   std::to_string(max_line_quantity) + ".";
  // Merge repeated products, keeping the order of first appearance.
  std::vector<cart_line> merged;
  for (const auto& line : lines) {
    if (line.quantity < 1 || line.quantity > max_line_quantity) {
      return failure{errc::invalid_field, bad_quantity};
    }
    auto same = std::find_if(merged.begin(), merged.end(),
                             [&](const cart_line& m) { return m.product_id == line.product_id; });
    if (same == merged.end()) {
      merged.push_back(line);
    } else {
      same->quantity += line.quantity;
    }
  }

  store::write_transaction tx(db_);
  store::catalogue_repository catalogue(db_);
  std::vector<store::product_record> products;
  std::string shortages;
  for (const auto& line : merged) {
    auto product = catalogue.by_id(line.product_id);
    if (!product || !product->listed) {
      return failure{errc::not_found,
                     "El producto " + std::to_string(line.product_id) + " no existe."};
    }
    if (line.quantity > max_line_quantity) {
      return failure{errc::invalid_field, "La cantidad total de " + product->name + " supera " +
                                              std::to_string(max_line_quantity) + "."};
    }
    if (product->stock < line.quantity) {
      shortages += (shortages.empty() ? "" : "; ") + product->name + " (pidió " +
                   std::to_string(line.quantity) + ", quedan " + std::to_string(product->stock) +
                   ")";
    }
    products.push_back(std::move(*product));
  }
  if (!shortages.empty()) {
    return failure{errc::out_of_stock, "Stock insuficiente: " + shortages + "."};
  }

  store::operations_repository operations(db_);
  const auto id = operations.add_operation(customer_id, "purchase", "paid", now, std::nullopt);
  for (std::size_t i = 0; i < merged.size(); ++i) {
    // The write lock is ours since BEGIN IMMEDIATE, so this cannot fail after the check
    // above; it stays conditional so that stock can never go negative whatever happens.
    if (!catalogue.take_stock(products[i].id, merged[i].quantity)) {
      return failure{errc::out_of_stock, "Stock insuficiente: " + products[i].name + "."};
    }
    operations.add_line(id, products[i].id, merged[i].quantity, products[i].price);
  }
  operations.add_event(id, "paid", now, actor);
  tx.commit();
  return id;
}

result<void> orders_service::request_return(std::int64_t customer_id, std::int64_t operation_id,
                                            std::int64_t now, std::string_view actor) {
  store::write_transaction tx(db_);
  store::operations_repository operations(db_);
  auto op = operations.find(customer_id, operation_id);
  if (!op) {
    return operation_not_found(operation_id);
  }
  if (op->kind != "purchase") {
    return failure{errc::invalid_state, operation_label(operation_id) +
                                            " es una venta a la tienda: no se puede devolver."};
  }
  if (op->created_at < now - history_window_s) {
    return failure{errc::invalid_state,
                   operation_label(operation_id) +
                       " tiene más de 12 meses: solo se devuelven compras de los últimos 12 "
                       "meses."};
  }
  if (op->state == "returned" || !operations.change_state(operation_id, op->state, "returned")) {
    return failure{errc::invalid_state,
                   operation_label(operation_id) + " ya tiene la devolución tramitada."};
  }
  store::catalogue_repository catalogue(db_);
  for (const auto& line : operations.lines(operation_id)) {
    catalogue.add_stock(line.product_id, line.quantity);
  }
  operations.add_event(operation_id, "returned", now, actor);
  tx.commit();
  return {};
}

result<std::string> orders_service::confirm(std::int64_t customer_id, std::int64_t operation_id,
                                            std::int64_t now, std::string_view actor) {
  store::write_transaction tx(db_);
  store::operations_repository operations(db_);
  auto op = operations.find(customer_id, operation_id);
  if (!op) {
    return operation_not_found(operation_id);
  }
  if (op->kind != "purchase") {
    return failure{errc::invalid_state, operation_label(operation_id) +
                                            " es una venta a la tienda: no requiere confirmación."};
  }
  std::string next;
  if (op->state == "paid") {
    next = "shipped";
  } else if (op->state == "shipped") {
    next = "received";
  } else if (op->state == "received") {
    return failure{errc::invalid_state,
                   operation_label(operation_id) + " ya fue recibida: no hay nada que confirmar."};
  } else {
    return failure{errc::invalid_state, operation_label(operation_id) +
                                            " tiene la devolución tramitada: no se puede "
                                            "confirmar."};
  }
  if (!operations.change_state(operation_id, op->state, next)) {
    return failure{errc::invalid_state,
                   operation_label(operation_id) + " cambió de estado; vuelva a intentarlo."};
  }
  operations.add_event(operation_id, next, now, actor);
  tx.commit();
  return next;
}

std::vector<store::operation_record> orders_service::history(std::int64_t customer_id,
                                                             std::int64_t now) {
  return store::operations_repository(db_).for_customer(customer_id, now - history_window_s);
}

std::vector<operation_details> orders_service::all_operations(std::int64_t customer_id) {
  std::vector<operation_details> out;
  for (const auto& op : store::operations_repository(db_).for_customer(customer_id)) {
    out.push_back(load_details(op));
  }
  return out;
}

result<operation_details> orders_service::details(std::int64_t customer_id,
                                                  std::int64_t operation_id) {
  auto op = store::operations_repository(db_).find(customer_id, operation_id);
  if (!op) {
    return operation_not_found(operation_id);
  }
  return load_details(*op);
}

std::vector<store::operation_record> orders_service::pending_confirmations(
    std::int64_t customer_id) {
  return store::operations_repository(db_).pending_confirmations(customer_id);
}

std::vector<store::operation_record> orders_service::returnable(std::int64_t customer_id,
                                                                std::int64_t now) {
  auto all = store::operations_repository(db_).returnable(customer_id);
  std::erase_if(all, [&](const auto& op) { return op.created_at < now - history_window_s; });
  return all;
}

list_page<store::operation_record> orders_service::page(operation_view view,
                                                        std::int64_t customer_id, std::int64_t now,
                                                        std::optional<std::int64_t> after,
                                                        std::int64_t limit) {
  store::operation_list list;
  list.customer_id = customer_id;
  switch (view) {
    case operation_view::history:
      list.since = now - history_window_s;
      break;
    case operation_view::returnable:  // the history's window: one rule for both menus
      list.which = store::operation_list::filter::returnable;
      list.since = now - history_window_s;
      break;
    case operation_view::pending:
      list.which = store::operation_list::filter::pending;
      break;
  }
  store::operations_repository operations(db_);
  list_page<store::operation_record> out;
  out.items = operations.page(list, after, limit + 1);
  // A first page that holds the whole list is its own count (the menu's usual case).
  out.total = !after && out.items.size() <= static_cast<std::size_t>(limit)
                  ? static_cast<std::int64_t>(out.items.size())
                  : operations.count(list);
  return out;
}

list_page<operation_details> orders_service::details_page(std::int64_t customer_id,
                                                          std::optional<std::int64_t> after,
                                                          std::int64_t limit) {
  store::operations_repository operations(db_);
  store::operation_list list;
  list.customer_id = customer_id;
  list_page<operation_details> out;
  out.total = operations.count(list);
  for (const auto& op : operations.page(list, after, limit + 1)) {
    out.items.push_back(load_details(op));
  }
  return out;
}

operation_details orders_service::load_details(const store::operation_record& op) {
  store::operations_repository operations(db_);
  operation_details d{op, operations.lines(op.id), operations.events(op.id), std::nullopt};
  if (op.executive_id) {
    if (auto exec = store::accounts_repository(db_).executive_by_id(*op.executive_id)) {
      d.executive_name = exec->name;
    }
  }
  return d;
}

}  // namespace tcs::services
