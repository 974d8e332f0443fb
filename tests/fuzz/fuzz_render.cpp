// libFuzzer target: what the terminals make of server messages.
//
// Input: one payload, as a server frame would carry it. If it parses as a JSON object it is
// handed, as a reply or an event, to every renderer the terminals have: the executive's
// :status, :details, :history and :catalogue views and its activity lines (executive/views.cpp,
// compiled in below), the operation views and numbered lists both terminals share
// (common/term/operations_view, common/term/table), the customer's catalogue table and cart
// lines (client/render) and the format helpers (common/term/format). Whatever it is, the raw bytes
// also go through the terminal's own escaping (terminal::print uses escape_control_chars with
// "\n\t" allowed).
//
// Invariants (a violation aborts): no renderer throws (the terminals' field accessors are
// documented never to throw: a mistyped field shows a fallback); and what would reach the
// screen, i.e. the rendered text after the terminal's escaping, is valid UTF-8 with no control
// character but newline and tab, no C1 control, no bidirectional override, embedding, isolate
// or mark and no line or paragraph separator.
#include "client/render.hpp"
#include "common/protocol/message.hpp"
#include "common/term/conversation_view.hpp"
#include "common/term/fields.hpp"
#include "common/term/format.hpp"
#include "common/term/operations_view.hpp"
#include "common/term/table.hpp"

// The executive's renderers (views.cpp) are not in a library: compile them here.
#include "executive/views.cpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>

namespace {

using namespace tcs;

[[noreturn]] void invariant_broken(std::string_view what, std::string_view detail) {
  std::fprintf(stderr, "fuzz_render: invariant broken: %.*s: %.*s\n", static_cast<int>(what.size()),
               what.data(), static_cast<int>(detail.size()), detail.data());
  std::abort();
}

// What terminal::print would write for `raw` must be safe for a terminal.
void check_screen_safe(std::string_view raw) {
  const std::string shown = escape_control_chars(raw, "\n\t");
  std::size_t i = 0;
  while (i < shown.size()) {
    char32_t cp = 0;
    const std::size_t n = utf8_sequence(shown, i, cp);
    if (n == 0)
      invariant_broken("the screen would get bytes that are not UTF-8", shown);
    const bool c0 = cp < 0x20 && cp != '\n' && cp != '\t';
    const bool unsafe = c0 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || cp == 0x061C ||
                        cp == 0x200E || cp == 0x200F || (cp >= 0x2028 && cp <= 0x202E) ||
                        (cp >= 0x2066 && cp <= 0x2069);
    if (unsafe)
      invariant_broken("a control, bidi or separator character would reach the screen", shown);
    i += n;
  }
}

void render_all(const json::object& msg) {
  using namespace tcs::term;
  check_screen_safe(executive::render_status(msg));
  check_screen_safe(executive::render_details(msg));
  check_screen_safe(executive::render_catalogue(msg));
  check_screen_safe(executive::render_chats(msg));
  check_screen_safe(executive::activity_text(msg, true));
  check_screen_safe(executive::activity_text(msg, false));
  check_screen_safe(executive::render_activity(msg, text_field(msg, "name", "?")));
  check_screen_safe(
      render_operations(text_field(msg, "type", "?"), array_field(msg, "operations")));
  check_screen_safe(render_operation(msg));
  check_screen_safe(render_operation(msg, int_field(msg, "id", 0)));
  check_screen_safe(operation_heading(msg));
  check_screen_safe(render_conversations(array_field(msg, "conversations"), "-"));
  check_screen_safe(render_conversation(msg));
  check_screen_safe(operation_summary(msg));
  check_screen_safe(numbered_list({operation_summary(msg), operation_heading(msg)}));
  if (const json::object* op = object_field(msg, "operation"))
    check_screen_safe(render_operation(*op));
  for (const std::string& line : client::catalogue_table(objects(array_field(msg, "products"))))
    check_screen_safe(line);
  check_screen_safe(client::item_line(text_field(msg, "name", "?"), int_field(msg, "quantity", 1),
                                      int_field(msg, "price", 0)));
  check_screen_safe(client::units_text(int_field(msg, "units", 0)));
  check_screen_safe(pesos(int_field(msg, "total", 0)));
  check_screen_safe(local_datetime(int_field(msg, "at", 0)));
  check_screen_safe(assistant(text_field(msg, "message", "")));
  const std::string text = text_field(msg, "text", "");
  check_screen_safe(pad_right(text, static_cast<std::size_t>(int_field(msg, "width", 0) & 0xFF)));
  check_screen_safe(pad_left(text, static_cast<std::size_t>(int_field(msg, "width", 0) & 0xFF)));
  (void)display_width(text);
  (void)parse_choice(text, 1, 9);
  check_screen_safe(state_name(text));
  check_screen_safe(kind_name(text));
  check_screen_safe(activity_label(text));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view payload(reinterpret_cast<const char*>(data), size);
  check_screen_safe(payload);
  boost::system::error_code ec;
  json::value v = json::parse(payload, ec);
  if (ec || !v.is_object())
    return 0;
  try {
    render_all(v.as_object());
  } catch (const std::exception& e) {
    invariant_broken("a renderer threw", e.what());
  }
  return 0;
}
