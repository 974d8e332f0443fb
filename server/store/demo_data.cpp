// The demo accounts, catalogue and operation history.
#include "server/store/demo_data.hpp"

#include "common/protocol/actions.hpp"
#include "common/protocol/money.hpp"
#include "server/store/accounts_repository.hpp"
#include "server/store/activity_repository.hpp"
#include "server/store/agent_repository.hpp"
#include "server/store/catalogue_repository.hpp"
#include "server/store/operations_repository.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <vector>

namespace tcs::store {
namespace {

constexpr std::int64_t day_s = 86400;
constexpr std::int64_t hour_s = 3600;

struct demo_account {
  const char* email;
  const char* name;
};

constexpr demo_account demo_customers[] = {
    {"ana.rojas@example.com", "Ana Rojas"},
    {"benjamin.soto@example.com", "Benjamín Soto"},
    {"camila.fuentes@example.com", "Camila Fuentes"},
    {"diego.morales@example.com", "Diego Morales"},
    {"elena.vargas@example.com", "Elena Vargas"},
    {"felipe.munoz@example.com", "Felipe Muñoz"},
    {"gabriela.contreras@example.com", "Gabriela Contreras"},
    {"hugo.pizarro@example.com", "Hugo Pizarro"},
};

constexpr demo_account demo_executives[] = {
    {"valentina.reyes@example.com", "Valentina Reyes"},
    {"tomas.herrera@example.com", "Tomás Herrera"},
    {"isidora.navarro@example.com", "Isidora Navarro"},
    {"martin.lagos@example.com", "Martín Lagos"},
};

struct demo_product {
  const char* name;
  const char* kind;
  std::int64_t price;  // whole pesos
  std::int64_t stock;  // after the demo operations
  std::int64_t held;
};

constexpr demo_product demo_products[] = {
    {"Pikachu ex", "card", 12990, 14, 0},
    {"Charizard VMAX", "card", 89990, 3, 0},
    {"Mewtwo GX", "card", 24990, 6, 0},
    {"Eevee holo", "card", 3990, 25, 0},
    {"Gengar V", "card", 15990, 8, 0},
    {"Lucario ex", "card", 9990, 11, 1},
    {"Snorlax full art", "card", 18990, 5, 0},
    {"Gardevoir ex", "card", 21990, 7, 0},
    {"Umbreon VMAX alt art", "card", 149990, 3, 0},
    {"Bulbasaur reverse holo", "card", 1990, 40, 0},
    {"Squirtle promo", "card", 2490, 32, 0},
    {"Dragonite V", "card", 11990, 9, 0},
    {"Rayquaza VMAX", "card", 39990, 4, 0},
    {"Mew ex", "card", 17990, 10, 0},
    {"Sobre Brilliant Stars", "pack", 4990, 38, 0},
    {"Sobre Evolving Skies", "pack", 6990, 22, 0},
    {"Sobre Scarlet & Violet 151", "pack", 5990, 30, 0},
    {"Sobre Paldea Evolved", "pack", 4490, 35, 0},
    {"Caja Crown Zenith (10 sobres)", "pack", 44990, 6, 0},
    {"Elite Trainer Box Obsidian Flames", "pack", 54990, 5, 0},
};

struct demo_line {
  const char* product;
  std::int64_t quantity;
  std::int64_t unit_price;  // 0: the catalogue price
};

struct demo_step {
  const char* state;
  std::int64_t hours_after_creation;
};

struct demo_operation {
  int customer;           // index into demo_customers
  int executive;          // index into demo_executives for sales, -1 for purchases
  std::int64_t days_ago;  // created this many days before `now`
  const char* kind;       // "purchase" | "sale"
  std::vector<demo_line> lines;
  std::vector<demo_step> timeline;  // the first step is "paid" at creation
};

// Ana (0), Benjamín (1), Camila (2) and Diego (3); some operations are older than 12 months.
// Purchase state changes are made by the customer; a sale is made by the executive.
std::vector<demo_operation> demo_operations() {
  return {
      {0,
       -1,
       700,
       "purchase",
       {{"Charizard VMAX", 1, 0}, {"Sobre Evolving Skies", 3, 0}},
       {{"paid", 0}, {"shipped", 50}, {"received", 146}}},
      {0,
       -1,
       400,
       "purchase",
       {{"Sobre Brilliant Stars", 2, 0}},
       {{"paid", 0}, {"shipped", 26}, {"received", 98}}},
      {0, 0, 200, "sale", {{"Gengar V", 1, 8000}}, {{"paid", 0}}},
      {0,
       -1,
       45,
       "purchase",
       {{"Pikachu ex", 1, 0}, {"Sobre Scarlet & Violet 151", 2, 0}},
       {{"paid", 0}, {"shipped", 27}}},
      {0, -1, 3, "purchase", {{"Pikachu ex", 1, 0}}, {{"paid", 0}}},
      {1,
       -1,
       600,
       "purchase",
       {{"Mewtwo GX", 1, 0}},
       {{"paid", 0}, {"shipped", 22}, {"received", 120}}},
      {1, 1, 380, "sale", {{"Dragonite V", 1, 6000}}, {{"paid", 0}}},
      {1,
       -1,
       90,
       "purchase",
       {{"Sobre Paldea Evolved", 4, 0}, {"Eevee holo", 2, 0}},
       {{"paid", 0}, {"shipped", 30}, {"returned", 75}}},
      {1, -1, 10, "purchase", {{"Elite Trainer Box Obsidian Flames", 1, 0}}, {{"paid", 0}}},
      {2,
       -1,
       500,
       "purchase",
       {{"Gardevoir ex", 1, 0}, {"Sobre Brilliant Stars", 1, 0}},
       {{"paid", 0}, {"shipped", 24}, {"received", 96}}},
      {2, -1, 150, "purchase", {{"Umbreon VMAX alt art", 1, 0}}, {{"paid", 0}, {"returned", 5}}},
      {2,
       -1,
       30,
       "purchase",
       {{"Sobre Evolving Skies", 2, 0}},
       {{"paid", 0}, {"shipped", 20}, {"received", 70}}},
      {3,
       -1,
       720,
       "purchase",
       {{"Rayquaza VMAX", 1, 0}},
       {{"paid", 0}, {"shipped", 28}, {"received", 124}}},
      {3,
       -1,
       250,
       "purchase",
       {{"Snorlax full art", 1, 0}, {"Squirtle promo", 2, 0}},
       {{"paid", 0}, {"shipped", 25}, {"received", 99}}},
      {3, 2, 20, "sale", {{"Lucario ex", 1, 5000}}, {{"paid", 0}}},
      {3, -1, 2, "purchase", {{"Bulbasaur reverse holo", 3, 0}}, {{"paid", 0}, {"shipped", 20}}},
  };
}

// A demo sale went through an offer in a chat, as a live one does: the executive's offer and
// the customer's acceptance are in the activity log (the supervisor's report counts offers
// made from it, and accepted ones from the sales).
void log_demo_offer(activity_repository& activity, const demo_operation& op,
                    const std::vector<std::int64_t>& executive_ids,
                    const std::vector<std::int64_t>& customer_ids, std::int64_t operation_id,
                    std::int64_t created) {
  constexpr std::int64_t offer_to_answer_s = 5 * 60;
  const auto executive = executive_ids.at(static_cast<std::size_t>(op.executive));
  const auto customer = customer_ids.at(static_cast<std::size_t>(op.customer));
  const auto& line = op.lines.front();
  const std::string offer = std::string(line.product) + " por " + pesos(line.unit_price);
  activity.append(created - offer_to_answer_s, "executive", executive, customer, actions::offer,
                  offer, "ok");
  activity.append(created, "customer", customer, customer, actions::offer_answer,
                  "Aceptó vender " + offer + " (operación #" + std::to_string(operation_id) + ")",
                  "ok");
}

}  // namespace

void load_demo_data(database& db,
                    const std::function<std::string(std::string_view password)>& hash_password,
                    std::int64_t now) {
  if (!db.is_empty()) {
    throw std::logic_error("load_demo_data: the database is not empty");
  }
  // Hash first: Argon2id is slow and must not run under the write lock.
  std::vector<std::string> customer_hashes;
  for (std::size_t i = 0; i < std::size(demo_customers); ++i) {
    customer_hashes.push_back(hash_password(demo_customer_password));
  }
  std::vector<std::string> executive_hashes;
  for (std::size_t i = 0; i < std::size(demo_executives); ++i) {
    executive_hashes.push_back(hash_password(demo_executive_password));
  }

  write_transaction tx(db);
  accounts_repository accounts(db);
  catalogue_repository catalogue(db);
  operations_repository operations(db);
  activity_repository activity(db);

  // Accounts "joined" two and a half years ago, a day apart.
  const std::int64_t joined = now - 913 * day_s;
  std::vector<std::int64_t> customer_ids;
  std::vector<std::string> customer_names;
  for (std::size_t i = 0; i < std::size(demo_customers); ++i) {
    const auto& c = demo_customers[i];
    customer_ids.push_back(accounts.add_customer(c.email, c.name, customer_hashes[i],
                                                 joined + static_cast<std::int64_t>(i) * day_s));
    customer_names.emplace_back(c.name);
  }
  std::vector<std::int64_t> executive_ids;
  std::vector<std::string> executive_names;
  for (std::size_t i = 0; i < std::size(demo_executives); ++i) {
    const auto& e = demo_executives[i];
    executive_ids.push_back(
        accounts.add_executive(e.email, e.name, executive_hashes[i], demo_totp_secret, joined));
    executive_names.emplace_back(e.name);
  }

  std::map<std::string, std::pair<std::int64_t, std::int64_t>> products;  // name -> id, price
  for (const auto& p : demo_products) {
    const auto id = catalogue.add_product(p.name, p.kind, p.price, p.stock, p.held, true);
    products.emplace(p.name, std::pair{id, p.price});
  }

  auto ops = demo_operations();
  // Oldest first, so operation ids grow with time as they would in real use.
  std::stable_sort(ops.begin(), ops.end(),
                   [](const auto& a, const auto& b) { return a.days_ago > b.days_ago; });
  int n = 0;
  for (const auto& op : ops) {
    // Vary the time of day (up to nine hours earlier) so the history does not look machine-made.
    const std::int64_t created = now - op.days_ago * day_s - (n++ % 10) * hour_s;
    const bool sale = op.executive >= 0;
    const auto op_id = operations.add_operation(
        customer_ids.at(static_cast<std::size_t>(op.customer)), op.kind, op.timeline.back().state,
        created,
        sale ? std::optional{executive_ids.at(static_cast<std::size_t>(op.executive))}
             : std::nullopt);
    for (const auto& line : op.lines) {
      const auto& [product_id, price] = products.at(line.product);
      operations.add_line(op_id, product_id, line.quantity,
                          line.unit_price > 0 ? line.unit_price : price);
    }
    const std::string& actor = sale ? executive_names.at(static_cast<std::size_t>(op.executive))
                                    : customer_names.at(static_cast<std::size_t>(op.customer));
    for (const auto& step : op.timeline) {
      operations.add_event(op_id, step.state,
                           std::min(now, created + step.hours_after_creation * hour_s), actor);
    }
    if (sale)
      log_demo_offer(activity, op, executive_ids, customer_ids, op_id, created);
  }
  // Canned replies the executives send with :r NOMBRE (issue 17).
  canned_repository canned(db);
  canned.add("saludo", "Hola {nombre}, soy parte del equipo de TC5G. ¿En qué le puedo ayudar?",
             now);
  canned.add("envio", "{nombre}, los envíos salen en 24 horas hábiles y llegan en 2 a 5 días.",
             now);
  canned.add("despedida", "Gracias por escribirnos, {nombre}. ¡Que tenga un buen día!", now);
  tx.commit();
}

}  // namespace tcs::store
