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

}  // namespace tcs
