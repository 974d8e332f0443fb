// The client side of TLS for the terminals (tcs-client/tcs-exec --tls [--ca FILE]) and the
// bench: a context that trusts --ca or the system's store, verification of the server's
// certificate chain and of its name, and Spanish explanations of a refusal.
//
// Nothing is sent to a server whose certificate fails: the connection is refused with the
// reason (expired, signed by an unknown authority, issued for another name...).
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>

#include <memory>
#include <string>

namespace tcs {

using tls_stream = boost::asio::ssl::stream<boost::asio::ip::tcp::socket>;

// A client context: TLS 1.2 at least, the peer's certificate verified against `ca_file` (PEM,
// one or more certificates) or, when empty, the system's trust store. Throws
// std::runtime_error with a Spanish message when the file cannot be read.
std::shared_ptr<boost::asio::ssl::context> make_client_tls_context(const std::string& ca_file);

// Makes `stream` check that the certificate is for `host` (a DNS name, or an IP address
// against the certificate's IP entries) and sends `host` as SNI when it is a name.
void expect_server_name(tls_stream& stream, const std::string& host);

// Why a handshake failed, in Spanish, from OpenSSL's verification result and `ec`.
std::string describe_tls_failure(tls_stream& stream, const boost::system::error_code& ec);

}  // namespace tcs
