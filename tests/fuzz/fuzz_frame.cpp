// libFuzzer target: the frame decoder (common/protocol/frame) on an arbitrarily split stream.
//
// Input: the first byte chooses how the rest is cut into feed() calls (chunk sizes from a
// small pseudo-random sequence seeded by it); the rest is the byte stream a peer sends.
//
// Invariants (a violation aborts): decoding does not depend on how the stream is split (the
// same events as one feed() of everything); every payload is 1..max_frame_bytes bytes and
// re-encodes (encode_frame) to exactly the bytes it came from; empty_frame is the only error
// after which decoding goes on, frame_too_large leaves the decoder failed and yields nothing
// more; pending_bytes() never exceeds what was fed and is what is left unreturned at the end.
#include "common/protocol/frame.hpp"
#include "common/protocol/limits.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace tcs;

[[noreturn]] void invariant_broken(const char* what) {
  std::fprintf(stderr, "fuzz_frame: invariant broken: %s\n", what);
  std::abort();
}

struct decoded {
  std::vector<frame_decoder::event> events;
  std::size_t pending = 0;
  bool failed = false;
};

void drain(frame_decoder& d, decoded& out) {
  while (auto ev = d.next()) {
    if (out.failed)
      invariant_broken("an event after frame_too_large");
    if (ev->payload.has_value() == ev->error.has_value())
      invariant_broken("an event is neither (or both) a payload and an error");
    if (ev->payload) {
      if (ev->payload->empty() || ev->payload->size() > max_frame_bytes)
        invariant_broken("a payload outside 1..max_frame_bytes");
    } else if (*ev->error == errc::frame_too_large) {
      if (!d.failed())
        invariant_broken("frame_too_large without the decoder failed");
      out.failed = true;
    } else if (*ev->error != errc::empty_frame) {
      invariant_broken("an unexpected framing error");
    }
    out.events.push_back(std::move(*ev));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0)
    return 0;
  std::uint32_t seed = data[0] | 1u;
  const std::string_view stream(reinterpret_cast<const char*>(data) + 1, size - 1);

  decoded whole;
  {
    frame_decoder d;
    d.feed(stream);
    drain(d, whole);
    whole.pending = d.pending_bytes();
    if (whole.pending > stream.size())
      invariant_broken("more bytes pending than fed");
  }

  decoded split;
  frame_decoder d;
  std::size_t pos = 0;
  while (pos < stream.size()) {
    seed = seed * 1103515245u + 12345u;  // a tiny LCG: chunk sizes 1..64
    const std::size_t n = std::min<std::size_t>(1 + (seed >> 16) % 64, stream.size() - pos);
    d.feed(stream.substr(pos, n));
    pos += n;
    drain(d, split);
    if (d.pending_bytes() > pos)
      invariant_broken("more bytes pending than fed");
  }
  split.pending = d.pending_bytes();

  if (split.events.size() != whole.events.size() || split.failed != whole.failed)
    invariant_broken("the events depend on how the stream is split");
  std::string reencoded;
  for (std::size_t i = 0; i < whole.events.size(); ++i) {
    const auto& a = whole.events[i];
    const auto& b = split.events[i];
    if (a.payload != b.payload || a.error != b.error)
      invariant_broken("an event depends on how the stream is split");
    if (a.payload)
      reencoded += encode_frame(*a.payload);
    else if (*a.error == errc::empty_frame)
      reencoded.append(frame_header_bytes, '\0');
  }
  // Without a failure, the events and what is pending account for every byte fed.
  if (!whole.failed) {
    if (whole.pending != split.pending)
      invariant_broken("pending bytes depend on how the stream is split");
    if (reencoded.size() + whole.pending != stream.size() ||
        stream.substr(0, reencoded.size()) != reencoded)
      invariant_broken("the frames do not re-encode to the stream");
  }
  return 0;
}
