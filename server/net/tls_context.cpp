// Server TLS contexts.
#include "server/net/tls_context.hpp"

#include <openssl/ssl.h>

#include <stdexcept>

namespace tcs::net {

namespace ssl = boost::asio::ssl;

namespace {

// TLS 1.2 cipher suites: ECDHE key exchange (forward secrecy) with an AEAD cipher only, as in
// Mozilla's "intermediate" profile without the DHE ones (no DH parameters to manage). TLS 1.3
// suites are OpenSSL's defaults, all of them AEAD with forward secrecy.
constexpr const char* tls12_ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

void check(const boost::system::error_code& ec, const std::string& what) {
  if (ec)
    throw std::runtime_error(what + ": " + ec.message());
}

}  // namespace

tls_context_ptr make_server_tls_context(const std::string& cert_file, const std::string& key_file) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX* native = ctx->native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_compression |
                   SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (SSL_CTX_set_cipher_list(native, tls12_ciphers) != 1)
    throw std::runtime_error("the TLS 1.2 cipher list is not supported by this OpenSSL");
  // OpenSSL frees a connection's record buffers while it is idle: idle sessions cost less.
  SSL_CTX_set_mode(native, SSL_MODE_RELEASE_BUFFERS);
  boost::system::error_code ec;
  ctx->use_certificate_chain_file(cert_file, ec);
  check(ec, "--tls-cert " + cert_file);
  ctx->use_private_key_file(key_file, ssl::context::pem, ec);
  check(ec, "--tls-key " + key_file);
  if (SSL_CTX_check_private_key(native) != 1)
    throw std::runtime_error("--tls-key " + key_file + " does not match --tls-cert " + cert_file);
  return ctx;
}

tls_contexts::tls_contexts(std::string cert_file, std::string key_file)
    : cert_file_(std::move(cert_file)),
      key_file_(std::move(key_file)),
      current_(make_server_tls_context(cert_file_, key_file_)) {}

std::string tls_contexts::reload() {
  try {
    current_ = make_server_tls_context(cert_file_, key_file_);
    return {};
  } catch (const std::exception& e) {
    return e.what();
  }
}

}  // namespace tcs::net
