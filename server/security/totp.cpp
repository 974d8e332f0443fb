// TOTP verification and generation on top of liboath, and the otpauth:// URI.
#include "server/security/totp.hpp"

#include <liboath/oath.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <memory>
#include <stdexcept>

namespace tcs::security {

namespace {

constexpr std::string_view issuer = "TC5G";

// oath_init() must run before any other liboath call; the static runs it once, thread-safely.
bool ensure_oath() {
  static const bool ok = oath_init() == OATH_OK;
  return ok;
}

// The raw key bytes of a base32 secret (RFC 4648; liboath also tolerates lowercase and
// spaces), wiped from memory when destroyed. An empty key is invalid: HMAC would accept it,
// but it certainly means a broken account.
class secret_key {
 public:
  explicit secret_key(std::string_view base32_secret) {
    if (!ensure_oath()) {
      return;
    }
    const int rc = oath_base32_decode(base32_secret.data(), base32_secret.size(), &data_, &size_);
    valid_ = rc == OATH_OK && data_ != nullptr && size_ > 0;
  }
  secret_key(const secret_key&) = delete;
  secret_key& operator=(const secret_key&) = delete;
  ~secret_key() {
    if (data_ != nullptr) {
      sodium_memzero(data_, size_);
      std::free(data_);
    }
  }
  bool valid() const { return valid_; }
  const char* data() const { return data_; }
  std::size_t size() const { return size_; }

 private:
  char* data_ = nullptr;
  std::size_t size_ = 0;
  bool valid_ = false;
};

bool is_six_digits(std::string_view code) {
  return code.size() == static_cast<std::size_t>(totp_digits) &&
         std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// RFC 3986 unreserved characters, plus '@' which authenticator apps show as typed.
bool keep_in_label(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~' || c == '@';
}

void append_percent_encoded(std::string& out, std::string_view text) {
  static constexpr std::string_view hex = "0123456789ABCDEF";
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (keep_in_label(c)) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 0x0F]);
    }
  }
}

}  // namespace

tcs::result<std::int64_t> verify_totp(std::string_view base32_secret, std::string_view code,
                                      std::int64_t now_unix, std::int64_t last_accepted_step) {
  if (!is_six_digits(code)) {
    return failure{errc::bad_credentials};
  }
  const secret_key secret(base32_secret);
  if (!secret.valid()) {
    return failure{errc::internal, "invalid TOTP secret (not base32)"};
  }
  const std::string otp(code);  // liboath wants a NUL-terminated string
  int offset = 0;
  std::uint64_t counter = 0;
  const int rc = oath_totp_validate3(secret.data(), secret.size(), static_cast<time_t>(now_unix),
                                     totp_step_seconds, OATH_TOTP_DEFAULT_START_TIME,
                                     totp_window_steps, &offset, &counter, otp.c_str());
  if (rc == OATH_INVALID_OTP) {
    return failure{errc::bad_credentials};
  }
  if (rc < 0) {
    return failure{errc::internal, std::string("oath_totp_validate3: ") + oath_strerror(rc)};
  }
  // liboath reports the matched counter (the step); it equals floor(now/30) + offset.
  const auto step = static_cast<std::int64_t>(counter);
  if (step <= last_accepted_step) {
    return failure{errc::totp_used};  // replay of a code already accepted (or an older one)
  }
  return step;
}

std::string totp_code(std::string_view base32_secret, std::int64_t unix_time) {
  const secret_key secret(base32_secret);
  if (!secret.valid()) {
    throw std::invalid_argument("invalid TOTP secret (not base32)");
  }
  std::array<char, totp_digits + 1> out{};
  const int rc =
      oath_totp_generate(secret.data(), secret.size(), static_cast<time_t>(unix_time),
                         totp_step_seconds, OATH_TOTP_DEFAULT_START_TIME, totp_digits, out.data());
  if (rc != OATH_OK) {
    throw std::runtime_error(std::string("oath_totp_generate: ") + oath_strerror(rc));
  }
  return std::string(out.data(), totp_digits);
}

std::string otpauth_uri(std::string_view email, std::string_view base32_secret) {
  std::string uri = "otpauth://totp/";
  append_percent_encoded(uri, issuer);
  uri += ':';
  append_percent_encoded(uri, email);
  uri += "?secret=";
  append_percent_encoded(uri, base32_secret);
  uri += "&issuer=";
  append_percent_encoded(uri, issuer);
  return uri;
}

}  // namespace tcs::security
