# SPDX-License-Identifier: BSD-3-Clause
# vl2_add_backend(NAME <name> SOURCES <src>... [LIBS <lib>...]
#                 [SYSTEM_INCLUDES <dir>...] [HEADER <file>])
#
# One backend library the way every backend is built: libvl2-<name>.so
# (target vl2_be_<name>, alias and export name vl2::<name>), hidden
# visibility with VL2_EXTERN exports, the project's warnings, linked to the
# core and to the private backends/common helpers, installed with its
# header include/vl2/<name>.h (HEADER names another: the mem backend's is
# mem_backend.h, since "mem" alone reads as the allocator) and
# pkgconfig/libvl2-<name>.pc.in.
# LIBS are private (wrap build-only targets in $<BUILD_INTERFACE:...>);
# SYSTEM_INCLUDES keep third-party headers' warnings out of -Werror builds.
function(vl2_add_backend)
  cmake_parse_arguments(B "" "NAME;HEADER" "SOURCES;LIBS;SYSTEM_INCLUDES"
                        ${ARGN})
  if(NOT B_HEADER)
    set(B_HEADER ${B_NAME}.h)
  endif()
  set(t vl2_be_${B_NAME})
  add_library(${t} SHARED ${B_SOURCES})
  add_library(vl2::${B_NAME} ALIAS ${t})
  target_compile_definitions(${t} PRIVATE BUILDING_VL2 _GNU_SOURCE)
  target_include_directories(${t} PUBLIC
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  if(B_SYSTEM_INCLUDES)
    target_include_directories(${t} SYSTEM PRIVATE ${B_SYSTEM_INCLUDES})
  endif()
  target_link_libraries(${t} PUBLIC vl2
                        PRIVATE $<BUILD_INTERFACE:vl2_be_common> ${B_LIBS})
  set_target_properties(${t} PROPERTIES
    OUTPUT_NAME vl2-${B_NAME} EXPORT_NAME ${B_NAME}
    VERSION ${VL2_LIB_VERSION} SOVERSION ${VL2_SOVERSION}
    INSTALL_RPATH "${VL2_LIB_INSTALL_RPATH}")
  vl2_warnings(${t})
  # The installed CMake package lists the backends it has (components).
  set_property(GLOBAL APPEND PROPERTY VL2_BUILT_BACKENDS ${B_NAME})

  install(TARGETS ${t} EXPORT vl2Targets
          LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
          ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
          INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  set(prefix ${VL2_PC_PREFIX})
  configure_file(${PROJECT_SOURCE_DIR}/pkgconfig/libvl2-${B_NAME}.pc.in
                 ${PROJECT_BINARY_DIR}/libvl2-${B_NAME}.pc @ONLY)
  install(FILES ${PROJECT_SOURCE_DIR}/include/vl2/${B_HEADER}
          DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/vl2)
  install(FILES ${PROJECT_BINARY_DIR}/libvl2-${B_NAME}.pc
          DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endfunction()
