// The server's TLS settings: an ssl::context built from --tls-cert and --tls-key, and its
// reload on SIGHUP.
//
// Every context is TLS 1.2 at least (1.3 preferred: OpenSSL offers the highest both sides
// speak), with forward-secret AEAD ciphers only for 1.2 (OpenSSL's default 1.3 suites), no
// compression (CRIME) and no renegotiation (a client could make the server do handshake
// work at will). A reload builds a new context from the files; connections accepted from then
// on use it, the ones already open keep theirs (each transport holds a shared owner of the
// context it was made with). A reload that fails (a file missing or not matching) keeps the
// old context and says why: a certificate renewal gone wrong must not stop the service.
#pragma once

#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <string>

namespace tcs::net {

using tls_context_ptr = std::shared_ptr<boost::asio::ssl::context>;

// A server context from a PEM certificate chain and its private key. Throws
// std::runtime_error naming the file and OpenSSL's reason.
tls_context_ptr make_server_tls_context(const std::string& cert_file, const std::string& key_file);

class tls_contexts {
 public:
  // Loads the files once; throws as make_server_tls_context().
  tls_contexts(std::string cert_file, std::string key_file);

  // The context new connections use.
  const tls_context_ptr& current() const noexcept { return current_; }
  // Loads the files again. Empty on success, else why the old context is kept.
  std::string reload();

 private:
  std::string cert_file_;
  std::string key_file_;
  tls_context_ptr current_;
};

}  // namespace tcs::net
