# SPDX-License-Identifier: BSD-3-Clause
# Warnings for libvl2's own code (ngtcp2's picky list, trimmed to what gcc
# and clang both know). Third-party headers are included as SYSTEM.
set(VL2_WARNING_FLAGS
    -Wall -Wextra -Wshadow -Wvla -Wstrict-prototypes -Wmissing-prototypes
    -Wpointer-arith -Wformat=2 -Wcast-align -Wwrite-strings
    -Wundef -Wmissing-declarations)
set(VL2_CORE_WARNING_FLAGS ${VL2_WARNING_FLAGS} -Wconversion -Wsign-conversion
    -Wswitch-enum)
if(VL2_WERROR)
  list(APPEND VL2_WARNING_FLAGS -Werror)
  list(APPEND VL2_CORE_WARNING_FLAGS -Werror)
endif()

# vl2_warnings(target [CORE]): apply the project's warning flags.
function(vl2_warnings tgt)
  if("CORE" IN_LIST ARGN)
    target_compile_options(${tgt} PRIVATE ${VL2_CORE_WARNING_FLAGS})
  else()
    target_compile_options(${tgt} PRIVATE ${VL2_WARNING_FLAGS})
  endif()
endfunction()
