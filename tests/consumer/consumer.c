/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/* A program outside the project that uses an installed libvl2: built
 * through pkg-config, through CMake's find_package(vl2), and statically,
 * by tests/consumer. It prints what it found and exits 0 when the linked
 * library matches the installed headers. */
#include <stdio.h>
#include <string.h>

#include <vl2/vl2.h>

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
  printf("libvl2 consumer OK\n");
  return 0;
}
