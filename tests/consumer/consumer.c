/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/* A program outside the project that uses an installed libvl2: built
 * through pkg-config, through CMake's find_package(vl2), and statically,
 * by tests/consumer. It prints what it found and exits 0 when the linked
 * library matches the installed headers.
 *
 * Built against a backend (pkg-config --libs libvl2-<name> alone, or
 * find_package(vl2 COMPONENTS <name>) with only vl2::<name>), it also
 * includes the backend's header (VL2_CONSUMER_BACKEND_HEADER) and reads
 * its ops table (VL2_CONSUMER_BACKEND_OPS), so both the backend library and
 * the core (vl2_version() below) must come with the backend's metadata. */
#include <stdio.h>
#include <string.h>

#include <vl2/vl2.h>
#ifdef VL2_CONSUMER_BACKEND_HEADER
#include <vl2/backend_ops.h>
#include VL2_CONSUMER_BACKEND_HEADER
#endif

int main(void) {
  const vl2_info *info = vl2_version(0);
  const char *msg = vl2_strerror(VL2_ERR_NOMEM);

  if (info == NULL || info->version == NULL) {
    printf("vl2_version(0) returned NULL\n");
    return 1;
  }
  printf("headers %s (0x%06x), library %s (0x%06x)\n", VL2_VERSION,
         (unsigned)VL2_VERSION_NUM, info->version, (unsigned)info->version_num);
  if (strcmp(info->version, VL2_VERSION) != 0 ||
      info->version_num != VL2_VERSION_NUM) {
    printf("the linked library is not the one the headers came with\n");
    return 1;
  }
  if (vl2_version(VL2_VERSION_NUM + 1) != NULL) {
    printf("vl2_version() accepted a newer minimum version\n");
    return 1;
  }
  printf("vl2_strerror(VL2_ERR_NOMEM) = \"%s\"\n", msg ? msg : "(null)");
  if (msg == NULL || strcmp(msg, vl2_strerror(VL2_ERR_INVALID)) == 0) {
    printf("vl2_strerror() does not name the error codes\n");
    return 1;
  }
#ifdef VL2_CONSUMER_BACKEND_OPS
  {
    const vl2_backend_ops *ops = &VL2_CONSUMER_BACKEND_OPS;
    if (ops->name == NULL || ops->open == NULL) {
      printf("the backend's ops table is incomplete\n");
      return 1;
    }
    printf("backend \"%s\" linked\n", ops->name);
  }
#endif
#ifdef VL2_CONSUMER_ADAPTER_CHECK
  /* A library without an ops table: an unknown config version must be
   * refused by its code (proves it is linked and working). */
  if (VL2_CONSUMER_ADAPTER_CHECK(-1, NULL) == 0) {
    printf("the library accepted a NULL config\n");
    return 1;
  }
  printf("adapter linked\n");
#endif
  printf("libvl2 consumer OK\n");
  return 0;
}
