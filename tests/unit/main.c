/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/* The unit-test runner: every suite in one SRunner, TAP output on stdout
 * when VL2_TAP is set. CK_RUN_SUITE selects one suite (CTest does). */
#include <check.h>
#include <stdlib.h>

#include "suites.inc"

int main(void) {
  SRunner *sr = srunner_create(NULL);
#define VL2_SUITE(m) srunner_add_suite(sr, vl2_##m##_suite());
  VL2_ALL_SUITES
#undef VL2_SUITE
  if (getenv("VL2_TAP") != NULL)
    srunner_set_tap(sr, "-");
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
