// The headers nearly every translation unit of tcs includes and that cost the most to parse:
// compiled once (CMake target_precompile_headers on tcs_protocol, reused by every target; see
// cmake/TcsLayers.cmake). Only third-party and standard headers: nothing of ours, so a change
// to our code never rebuilds it.
#pragma once

#include <boost/asio.hpp>
#include <boost/json.hpp>
#include <boost/system/result.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>
