// Resume tokens: the secret a terminal keeps to get its session back on a new connection after
// the old one was lost (docs/security.md, "Resume tokens").
//
// Contract:
// - new_resume_token() is 128 bits from libsodium's CSPRNG (randombytes_buf), as 32 lowercase
//   hex characters: what the login and resume replies carry, and what `resume` sends back.
// - resume_token_digest() is the BLAKE2b-256 digest of a token (binary, 32 bytes): the server
//   keeps only digests, so its memory never holds a token that could be replayed, and looking
//   a digest up leaks nothing about the token's bytes. Any string is accepted (a forged token
//   just has a digest nobody issued).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace tcs::security {

inline constexpr std::size_t resume_token_bytes = 16;  // 128 bits
inline constexpr std::size_t resume_token_chars = 2 * resume_token_bytes;

std::string new_resume_token();
std::string resume_token_digest(std::string_view token);

}  // namespace tcs::security
