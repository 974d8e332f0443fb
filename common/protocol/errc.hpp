// Stable error codes of the wire protocol and the one place that names them.
//
// A failure travels as {"code": code_name(e), "message": ...}. The code is the contract
// (tests and third-party clients match on it); the message is Spanish text meant for the
// person at the terminal and may change.
#pragma once

#include <boost/system/result.hpp>

#include <string>
#include <string_view>

namespace tcs {

enum class errc {
  // Framing and envelope.
  empty_frame,      // a frame of length 0
  frame_too_large,  // length prefix above max_frame_bytes (connection is closed)
  invalid_utf8,     // payload is not valid UTF-8
  invalid_json,     // payload is not JSON
  not_an_object,    // payload is JSON but not an object
  missing_field,    // a required field is absent
  invalid_field,    // a field has the wrong JSON type or an unacceptable value
  unknown_type,     // no handler for this message type
  // Session state and permissions.
  hello_required,       // the first request must be "hello"
  unsupported_version,  // hello with a protocol version the server does not speak
  not_authenticated,    // the request needs a logged-in user
  forbidden,            // the logged-in user's role may not make this request
  already_authenticated,
  // Authentication.
  bad_credentials,    // wrong email, password or TOTP code (never says which)
  already_logged_in,  // the account already has a live session
  account_disabled,
  too_many_attempts,  // login throttled
  bad_totp,           // an executive's right password with a wrong TOTP code
  totp_used,          // an executive's right password with a code already used (or older)
  resume_refused,     // a resume token that is unknown, used, revoked or past the grace
  // Domain.
  not_found,
  out_of_stock,
  invalid_state,
  weak_password,
  not_in_chat,
  busy,
  reply_too_large,  // a reply would not fit in a frame (a server bug; the connection stays)
  // Everything unexpected; details go to the server log, never to the peer.
  internal,
};

// The stable snake_case name sent as error.code.
std::string_view code_name(errc e) noexcept;

// True for the codes that mean the peer does not speak the protocol correctly (malformed
// frames, messages or fields, unknown types, requests out of order), as opposed to ordinary
// domain refusals. The server caps how many of these one connection may send.
bool is_protocol_error(errc e) noexcept;

// A default Spanish message for when the handler has nothing more specific to say.
std::string_view default_message(errc e) noexcept;

// An expected failure: a code plus the message the user will read.
struct failure {
  errc code = errc::internal;
  std::string message;

  failure() = default;
  failure(errc c) : code(c), message(default_message(c)) {}  // NOLINT: implicit on purpose
  failure(errc c, std::string msg) : code(c), message(std::move(msg)) {}
};

// Expected failures are values; unexpected ones are exceptions caught once per session.
template <class T>
using result = boost::system::result<T, failure>;

// Lets result<T>::value() throw when it holds a failure.
[[noreturn]] void throw_exception_from_error(const failure& f, const boost::source_location& loc);

}  // namespace tcs
