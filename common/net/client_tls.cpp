// Client TLS: context, name check, explanations.
#include "common/net/client_tls.hpp"

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <stdexcept>

namespace tcs {

namespace asio = boost::asio;

std::shared_ptr<asio::ssl::context> make_client_tls_context(const std::string& ca_file) {
  auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_compression);
  ctx->set_verify_mode(asio::ssl::verify_peer);
  boost::system::error_code ec;
  if (ca_file.empty())
    ctx->set_default_verify_paths(ec);
  else
    ctx->load_verify_file(ca_file, ec);
  if (ec)
    throw std::runtime_error(ca_file.empty()
                                 ? "No se pudo cargar el almacén de certificados del sistema (" +
                                       ec.message() + ")."
                                 : "No se pudo leer el certificado de autoridad --ca " + ca_file +
                                       " (" + ec.message() + ").");
  return ctx;
}

void expect_server_name(tls_stream& stream, const std::string& host) {
  SSL* ssl = stream.native_handle();
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  if (!ec) {
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str());
    return;
  }
  SSL_set1_host(ssl, host.c_str());
  SSL_set_tlsext_host_name(ssl, host.c_str());
}

std::string describe_tls_failure(tls_stream& stream, const boost::system::error_code& ec) {
  const long result = SSL_get_verify_result(stream.native_handle());
  switch (result) {
    case X509_V_OK:
      break;
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return "el certificado del servidor está vencido";
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return "el certificado del servidor todavía no es válido";
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
      return "el certificado del servidor es para otro nombre; no es el servidor pedido";
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
      return "el certificado del servidor no está firmado por una autoridad de confianza "
             "(indique la correcta con --ca)";
    default:
      return std::string("el certificado del servidor no es válido (") +
             X509_verify_cert_error_string(result) + ")";
  }
  return "el servidor no completó el saludo TLS (¿escucha con TLS en ese puerto?): " + ec.message();
}

}  // namespace tcs
