// Demo data for an empty database: fictional accounts, a catalogue and past operations.
//
// Documented demo credentials (see also the README):
//   customers  ana.rojas, benjamin.soto, camila.fuentes, diego.morales, elena.vargas,
//              felipe.munoz, gabriela.contreras, hugo.pizarro  @example.com  password "cliente123"
//   executives valentina.reyes, tomas.herrera, isidora.navarro, martin.lagos  @example.com
//              password "ejecutivo123", TOTP secret (base32) "JBSWY3DPEHPK3PXP"
#pragma once

#include "server/store/database.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace tcs::store {

inline constexpr std::string_view demo_customer_password = "cliente123";
inline constexpr std::string_view demo_executive_password = "ejecutivo123";
inline constexpr std::string_view demo_totp_secret = "JBSWY3DPEHPK3PXP";

// Loads the demo data in one transaction. Precondition: db.is_empty() (throws
// std::logic_error otherwise). `hash_password` is called once per account, before the
// transaction starts, so a slow hash (Argon2id) does not hold the write lock. Past operations
// are placed relative to `now` (Unix seconds) over the last two years; the stock loaded is the
// stock after them, and one card is left held (bought from a customer, ready to `:publish`).
void load_demo_data(database& db,
                    const std::function<std::string(std::string_view password)>& hash_password,
                    std::int64_t now);

}  // namespace tcs::store
