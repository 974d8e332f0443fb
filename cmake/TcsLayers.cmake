# Layers the build enforces (docs/architecture.md, "Layers").
#
# Every layer is one library built from one directory (globbed), and it sees only its own
# headers and those of the layers it links. Sources include headers by their path from the
# repository root ("server/store/database.hpp"), but the root itself is on no include path:
# each layer publishes its directory through a symlink tree of its own,
#   <build>/layers/<target>/server/store -> <source>/server/store
# so `#include "server/dispatch/dispatcher.hpp"` from server/store/ finds no such file and
# the build stops there. tests/layering/ proves it (ctest -R layering).

# tcs_publish_dir(TARGET DIR [INTERFACE]): puts DIR (relative to the source root) on TARGET's
# include path, and on the path of everything that links TARGET, through a symlink tree.
function(tcs_publish_dir target dir)
  set(root "${PROJECT_BINARY_DIR}/layers/${target}")
  get_filename_component(parent "${root}/${dir}" DIRECTORY)
  file(MAKE_DIRECTORY "${parent}")
  if(NOT EXISTS "${root}/${dir}")
    file(CREATE_LINK "${PROJECT_SOURCE_DIR}/${dir}" "${root}/${dir}" SYMBOLIC)
  endif()
  if(ARGV2 STREQUAL "INTERFACE")
    target_include_directories(${target} INTERFACE "${root}")
  else()
    target_include_directories(${target} PUBLIC "${root}")
  endif()
endfunction()

# tcs_layer(TARGET DIR DEPS...): a static library of DIR/*.cpp that publishes DIR and links
# DEPS publicly (the layers below it and the system libraries its headers use).
function(tcs_layer target dir)
  file(GLOB sources CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/${dir}/*.cpp")
  add_library(${target} STATIC ${sources})
  tcs_publish_dir(${target} ${dir})
  target_compile_options(${target} PRIVATE ${TCS_WARNINGS})
  target_link_libraries(${target} PUBLIC ${ARGN})
  tcs_use_pch(${target})
endfunction()

# tcs_use_pch(TARGET): TARGET compiles with the precompiled Boost.Asio / Boost.JSON / standard
# headers built once for tcs_protocol (cmake/pch.hpp), which most of every translation unit's
# compile time was spent parsing.
# The store layer is left out: its files use little of Boost, and GCC 12 reports its known false
# -Warray-bounds on std::string's operator+ (GCC bug 105651) there once the standard headers
# come from a precompiled header (they are then no longer treated as system headers).
function(tcs_use_pch target)
  if(TCS_PCH AND NOT target STREQUAL "tcs_protocol" AND NOT target STREQUAL "tcs_store")
    target_precompile_headers(${target} REUSE_FROM tcs_protocol)
  endif()
endfunction()
