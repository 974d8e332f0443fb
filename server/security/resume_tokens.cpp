// Resume tokens from libsodium: random bytes and their BLAKE2b digest.
#include "server/security/resume_tokens.hpp"

#include <sodium.h>

#include <array>
#include <stdexcept>

namespace tcs::security {

std::string new_resume_token() {
  if (sodium_init() < 0)
    throw std::runtime_error("libsodium could not be initialised");
  std::array<unsigned char, resume_token_bytes> raw{};
  randombytes_buf(raw.data(), raw.size());
  std::string hex(resume_token_chars + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), raw.data(), raw.size());
  hex.resize(resume_token_chars);
  sodium_memzero(raw.data(), raw.size());
  return hex;
}

std::string resume_token_digest(std::string_view token) {
  std::string digest(crypto_generichash_BYTES, '\0');
  crypto_generichash(reinterpret_cast<unsigned char*>(digest.data()), digest.size(),
                     reinterpret_cast<const unsigned char*>(token.data()), token.size(), nullptr,
                     0);
  return digest;
}

}  // namespace tcs::security
