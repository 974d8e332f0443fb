// QR encoding with libqrencode and drawing with UTF-8 half blocks.
#include "server/admin/qr_text.hpp"

#include <qrencode.h>

#include <memory>
#include <stdexcept>

namespace tcs::admin {
namespace {

constexpr std::string_view black_on_white = "\x1b[38;5;16m\x1b[48;5;231m";
constexpr std::string_view reset = "\x1b[0m";

struct qrcode_deleter {
  void operator()(QRcode* q) const { QRcode_free(q); }
};

}  // namespace

qr_modules encode_qr(std::string_view text) {
  const std::string nul_terminated(text);
  std::unique_ptr<QRcode, qrcode_deleter> code(
      QRcode_encodeString(nul_terminated.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, /*casesensitive=*/1));
  if (!code) {
    throw std::runtime_error("cannot draw the QR code (libqrencode failed)");
  }
  const auto width = static_cast<std::size_t>(code->width);
  qr_modules modules(width, std::vector<bool>(width));
  for (std::size_t y = 0; y < width; ++y) {
    for (std::size_t x = 0; x < width; ++x) {
      modules[y][x] = (code->data[y * width + x] & 1) != 0;  // bit 0: dark module
    }
  }
  return modules;
}

std::string draw_qr(const qr_modules& modules, qr_style style) {
  const std::size_t size = modules.size() + 2 * qr_quiet_zone_modules;
  // Whether the glyph covers the module at (x, y) of the quiet-zone-padded square. Rows past
  // the bottom (the odd last half line) are never covered: they stay terminal background.
  const auto covered = [&](std::size_t x, std::size_t y) {
    if (y >= size) {
      return false;
    }
    bool dark = false;
    if (x >= qr_quiet_zone_modules && y >= qr_quiet_zone_modules &&
        x < qr_quiet_zone_modules + modules.size() && y < qr_quiet_zone_modules + modules.size())
      dark = modules[y - qr_quiet_zone_modules][x - qr_quiet_zone_modules];
    return style == qr_style::inverted ? !dark : dark;
  };
  std::string out;
  for (std::size_t y = 0; y < size; y += 2) {
    if (style == qr_style::color) {
      out += black_on_white;
    }
    for (std::size_t x = 0; x < size; ++x) {
      const bool upper = covered(x, y);
      const bool lower = covered(x, y + 1);
      out += upper ? (lower ? "█" : "▀") : (lower ? "▄" : " ");
    }
    if (style == qr_style::color) {
      out += reset;
    }
    out += '\n';
  }
  return out;
}

qr_style default_qr_style(bool stdout_is_terminal, bool no_color) {
  return stdout_is_terminal && !no_color ? qr_style::color : qr_style::plain;
}

}  // namespace tcs::admin
