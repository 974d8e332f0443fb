// Protocol-wide constants shared by the server and every client.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tcs {

// Version spoken in the hello exchange; bump on any incompatible change.
inline constexpr std::int64_t protocol_version = 1;

// Size of the big-endian length prefix in front of every frame.
inline constexpr std::size_t frame_header_bytes = 4;

// Largest JSON payload a peer may send. A chat line, a catalogue page or a full history
// fits comfortably; anything larger is a bug or an attack, and the connection is closed.
inline constexpr std::size_t max_frame_bytes = 65536;

inline constexpr std::uint16_t default_port = 5555;

// --- Lists in pages (docs/protocol.md, "Lists in pages") ------------------------------------
// Every list the server sends travels in pages, so no reply can outgrow a frame whatever the
// database holds: a request may carry `after` (the `next` of the page before) and `limit`; the
// reply carries `total` and, while more items follow, `next`.

// Items on one page at most, and the default `limit`: a menu's usual list fits in one page.
inline constexpr std::int64_t max_page_items = 100;

// Bytes of JSON of a page's items at most: a page ends before an item that would pass this
// (a page always holds at least one item). The rest of a reply (envelope, `total`, `next`,
// counts) takes well under 1 KiB, so a page always fits in max_frame_bytes; the longest single
// item of every list, with every field at its maximum length and worst-case JSON escaping, is
// below this too (tests/unit/test_bounded_replies.cpp builds both and measures them).
inline constexpr std::size_t max_page_bytes = 56 * 1024;

}  // namespace tcs
