// The JSON envelope shared by every message.
//
//   request  {"type": T, "id": <int>, ...fields}
//   reply    {"type": T, "id": <same int>, "ok": true, ...fields}
//            {"type": T, "id": <same int>, "ok": false, "error": {"code": C, "message": M}}
//   event    {"type": T, ...fields}            (server-initiated, no "id" and no "ok")
//
// A reply to a request whose id could not be read (absent, not an integer, or a payload that
// did not parse) carries "id": null, so every reply has an "id" member and no event has one.
//
// parse_message() validates a payload down to "it is an object with a string type"; the
// field getters report missing_field / invalid_field with the field's name in the message.
#pragma once

#include "common/protocol/errc.hpp"

#include <boost/json.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace tcs {

namespace json = boost::json;

// Decodes one frame's payload: UTF-8, JSON, object, string "type".
result<json::object> parse_message(std::string_view payload);

// A member whose value is already serialised JSON, added to a message when it is encoded: a
// large value that rarely changes (the catalogue's product list) is serialised once and
// shared by every reply that carries it. `key` is plain ASCII (no quote, backslash or control
// character) and outlives the call, e.g. a literal.
struct encoded_member {
  std::string_view key;
  std::shared_ptr<const std::string> value;
};

// Serialises a message (plus `extra` members, after its own) and frames it. Throws
// std::length_error if it exceeds max_frame_bytes.
std::string encode_message(const json::object& message, std::span<const encoded_member> extra = {});

// The message with `extra` parsed back into it: what a peer decodes from encode_message()'s
// frame (for tests and tools, not the hot path).
json::object with_members(json::object message, std::span<const encoded_member> extra);

// Field access with precise errors ("Falta el campo \"email\".").
result<std::string_view> get_string(const json::object& msg, std::string_view key);
result<std::int64_t> get_int(const json::object& msg, std::string_view key);
result<bool> get_bool(const json::object& msg, std::string_view key);
// Absent is fine (nullopt); present with the wrong type is invalid_field.
result<std::optional<std::string_view>> get_optional_string(const json::object& msg,
                                                            std::string_view key);
result<std::optional<std::int64_t>> get_optional_int(const json::object& msg, std::string_view key);

// The request id, if the message carries an integer one.
std::optional<std::int64_t> request_id(const json::object& msg);

// Envelope builders. A reply built with a nullopt id carries "id": null.
json::object make_request(std::string_view type, std::int64_t id);
json::object make_event(std::string_view type);
json::object make_ok(std::string_view type, std::optional<std::int64_t> id);
json::object make_error(std::string_view type, std::optional<std::int64_t> id, const failure& f);

// Reads {"ok":false,"error":{...}} back into a failure (for clients). nullopt when ok.
std::optional<failure> reply_failure(const json::object& reply);

// At most `max_bytes` of `text`, cut on a UTF-8 character boundary, for echoing user input.
std::string clip_utf8(std::string_view text, std::size_t max_bytes);

// The length of the well-formed UTF-8 sequence at text[i] (1 to 4) with its code point in
// `cp`; 0 if the bytes there are not one (a stray continuation byte, an overlong form, a
// surrogate, beyond U+10FFFF or cut short). The one decoder of the protocol, its terminals
// and the server's checks.
std::size_t utf8_sequence(std::string_view text, std::size_t i, char32_t& cp);

// True if `text` has an ASCII control character (below 0x20, or 0x7F) other than those in
// `allowed`: peer-supplied names must not carry newlines or terminal escape sequences.
bool has_control_chars(std::string_view text, std::string_view allowed = {});

// `text` with everything that could split, forge or reorder a line written out visibly:
// - ASCII control characters (below 0x20, and 0x7F) other than those in `allowed`, and any
//   byte that is not part of valid UTF-8 (a lone 0x9B is a CSI to some terminals), as `\xNN`;
// - the C1 controls U+0080..U+009F, the bidirectional marks, embeddings, overrides and
//   isolates (U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069) and the line and
//   paragraph separators U+2028, U+2029, as `\uXXXX`.
// For every line that quotes peer input: console lines, terminal lines, error messages.
std::string escape_control_chars(std::string_view text, std::string_view allowed = {});

// Longest peer-supplied value (before escaping) an error message or a reply's echoed `type`
// quotes: enough to recognise a name or a mistyped request type, far from the frame limit.
inline constexpr std::size_t max_echoed_value_bytes = 64;

// `text` as an error message or a reply may quote it: clipped to `max_bytes` (clip_utf8),
// then escaped (escape_control_chars). At most 6 * max_bytes + 3 bytes.
std::string echo_value(std::string_view text, std::size_t max_bytes = max_echoed_value_bytes);

}  // namespace tcs
