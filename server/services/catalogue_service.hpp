// The catalogue: listing and lookup, the store buying a card from a customer (`:buy`), and
// publishing a held unit for sale (`:publish`). Sans-io.
//
// Held units and publishing (the seed: ":publish pone una carta a la venta por el precio del
// catálogo; si no se tienen registros de esa carta se debe especificar un precio"):
// - record_sale() is an accepted `:buy`: one operation of kind "sale", state "paid", one line
//   (the card x 1 at the price paid to the customer), a "paid" timeline event, and held + 1.
//   If no product has that name, the card is created: kind "card", stock 0, held 1, *unlisted*
//   (not in the customers' catalogue), with the price paid as a placeholder price.
// - publish() moves one held unit to stock (held - 1, stock + 1):
//   * a listed product keeps its catalogue price; a price given is ignored and the outcome
//     says so (price_ignored);
//   * an unlisted product (the catalogue "has no record" of it) needs a price: it becomes
//     listed at that price; without one: missing_field;
//   * no held unit: invalid_state; no product by that name at all: not_found (the store has
//     nothing to publish; it must `:buy` the card first).
// Every write runs in one write_transaction committed before returning. Card names are
// cleaned as services/names.hpp says (NFC, trimmed of Unicode spaces, no invisible or control
// characters, no spoofing mix of scripts) and matched case-insensitively (ASCII letters). A
// card the store does not know yet may not be created under a name confusable with (same
// UTS #39 skeleton as) another product's: that would be a second "Pikachu ex" in the list.
#pragma once

#include "common/protocol/errc.hpp"
#include "server/store/catalogue_repository.hpp"
#include "server/store/database.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tcs::services {

inline constexpr std::size_t max_product_name_bytes = 100;  // longest real card names ~60
inline constexpr std::int64_t max_price = 100'000'000;      // whole pesos; stops typos like 1e12

enum class catalogue_scope {
  customer,   // listed products only (what customers may buy)
  executive,  // everything, including unlisted cards that only have held units
};

struct publish_outcome {
  store::product_record product;  // after publishing
  bool newly_listed = false;      // it was unlisted and now has a catalogue price
  bool price_ignored = false;     // a price was given for a listed product and not used
};

struct sale_outcome {
  std::int64_t operation_id = 0;
  store::product_record product;  // after held + 1
  bool new_product = false;       // the card was unknown and was created unlisted
};

class catalogue_service {
 public:
  explicit catalogue_service(store::database& db) : db_(db) {}

  // Ordered by name (case-insensitive).
  std::vector<store::product_record> list(catalogue_scope scope = catalogue_scope::customer);
  // The same list, shared and read-only: kept between calls and read again only when the
  // database may have changed (this connection committed, or another one did: PRAGMA
  // data_version), so the menu's most frequent request costs no query.
  std::shared_ptr<const std::vector<store::product_record>> snapshot(
      catalogue_scope scope = catalogue_scope::customer);
  // Case-insensitive exact name; includes unlisted products.
  std::optional<store::product_record> find(std::string_view name);

  // For paging `list` (a list() or snapshot() result): the index of the first product that
  // comes after the product `product_id` in the list's order (name case-insensitively, then
  // id), also when that product is not in the list (its current name places it). nullopt when
  // no product has that id.
  std::optional<std::size_t> position_after(const std::vector<store::product_record>& list,
                                            std::int64_t product_id);

  // The name of another product that `name` (a cleaned name) could be mistaken for, if
  // `name` is not itself a product's name (ignoring case); nullopt otherwise.
  std::optional<std::string> confusable_with(std::string_view name);

  result<publish_outcome> publish(std::string_view card_name, std::optional<std::int64_t> price);

  // `actor` is the display name recorded in the timeline (the executive's name).
  // not_found if the customer or the executive does not exist.
  result<sale_outcome> record_sale(std::int64_t customer_id, std::int64_t executive_id,
                                   std::string_view card_name, std::int64_t price, std::int64_t now,
                                   std::string_view actor);

 private:
  struct cached_list {
    std::uint64_t commits = 0;
    std::int64_t data_version = -1;
    std::shared_ptr<const std::vector<store::product_record>> products;
  };

  // Confusable keys of every product, rebuilt when the executive snapshot changes.
  struct key_index {
    std::shared_ptr<const std::vector<store::product_record>> source;
    std::unordered_map<std::string, std::string> names;  // confusable_key -> product name
  };

  store::database& db_;
  cached_list cache_[2];  // by catalogue_scope
  key_index keys_;
};

// The cleaned name (services/names.hpp: clean_name with max_product_name_bytes);
// invalid_field with a Spanish message saying what is wrong otherwise.
result<std::string> normalize_product_name(std::string_view name);
// invalid_field saying which product `name` would be confused with (Spanish), for a refusal.
failure confusable_failure(std::string_view name, std::string_view existing);
// invalid_field unless 1 <= price <= max_price.
result<void> check_price(std::int64_t price);

}  // namespace tcs::services
