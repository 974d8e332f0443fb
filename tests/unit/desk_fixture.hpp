// Ids and times shared by the support desk's unit tests (test_support_desk.cpp,
// test_support_handover.cpp): the desk is sans-io, so customers and executives are plain ids
// and time is a number of seconds the test passes in.
#pragma once

#include <cstdint>

namespace tcs::test::desk_ids {

inline constexpr std::int64_t t0 = 1'732'000'000;  // the tests' "now"

// Customer ids 101.., executive ids 1..
inline constexpr std::int64_t ana = 101, ben = 102, cam = 103, dan = 104;
inline constexpr std::int64_t eva = 1, tom = 2, ugo = 3;

}  // namespace tcs::test::desk_ids
