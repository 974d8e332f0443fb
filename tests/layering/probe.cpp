// Compiled only by ctest -R layering (tests/layering/CMakeLists.txt), as part of the store
// layer: the store may include its own headers and those below it, never one above it.
// With TCS_PROBE_UPWARD defined it includes the dispatcher (two layers up), and the build
// must fail with "No such file"; without it, it must build. Together the two prove that the
// failure comes from the layering and not from something else.
#include "server/log/console.hpp"
#include "server/store/database.hpp"

#ifdef TCS_PROBE_UPWARD
#include "server/dispatch/dispatcher.hpp"
#endif

int tcs_layering_probe() {
  return 0;
}
