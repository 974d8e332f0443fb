// QR codes drawn with text, for TOTP enrolment: the executive scans the otpauth:// URI off the
// administrator's terminal with Google Authenticator.
//
// Drawing: UTF-8 half blocks, two module rows per text line (upper module = upper half of the
// character cell): "█" both, "▀" upper only, "▄" lower only, " " neither, with a quiet zone
// of qr_quiet_zone_modules light modules around the symbol. A scanner needs dark modules on a
// light background (many cannot read an inverted code), and a terminal may be dark-on-light
// or light-on-dark, so the style says what the glyphs stand for:
//   color     glyphs are the DARK modules, drawn black on an explicit white background (ANSI
//             256-colour codes 16 and 231, reset at the end of every line): the code looks
//             the same on any terminal theme. The default on a terminal.
//   plain     glyphs are the DARK modules, no escape codes: right on a light background (a
//             light terminal, a printout, a README). The default when stdout is not a
//             terminal or NO_COLOR is set.
//   inverted  glyphs are the LIGHT modules (quiet zone included), no escape codes: right on a
//             dark terminal that shows no colours.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tcs::admin {

enum class qr_style { color, plain, inverted };

// The QR specification asks for 4; 2 is enough for phone scanners and keeps the code compact.
inline constexpr std::size_t qr_quiet_zone_modules = 2;

// A square matrix of modules, true = dark, row by row.
using qr_modules = std::vector<std::vector<bool>>;

// The QR symbol of `text` (byte mode, error correction level M, smallest version).
// Throws std::runtime_error if libqrencode fails (e.g. text too long for any version).
qr_modules encode_qr(std::string_view text);

// The drawing described above, one '\n'-terminated line per two module rows (the quiet zone
// included).
std::string draw_qr(const qr_modules& modules, qr_style style);

// color on a terminal unless NO_COLOR is set; plain otherwise.
qr_style default_qr_style(bool stdout_is_terminal, bool no_color);

}  // namespace tcs::admin
