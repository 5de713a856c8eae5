/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/* The unit-test runner: runs every suite (or the one CK_RUN_SUITE names;
 * CTest sets it) and fails when a suite that ran checked nothing.
 *
 * Check itself reports success for a run of zero tests: a CK_RUN_SUITE
 * that matches no suite name, a suite whose suite_create() name differs
 * from its file name, or a suite with no test in it all look green. So
 * each suite runs on its own (srunner_run() with its name) and its count
 * of checked tests must grow; tests/unit/guard/ proves this can fail.
 *
 * The list of suites comes from "suites.inc" (generated from the
 * tests/unit/test_<module>.c file names). With VL2_TAP set, TAP goes to
 * stdout, one plan per suite. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suites.inc"

typedef struct unit_suite {
  const char *name; /* test_<name>.c, and the name given to suite_create() */
  Suite *(*make)(void);
} unit_suite;

static const unit_suite suites[] = {
#define VL2_SUITE(m) {#m, vl2_##m##_suite},
    VL2_ALL_SUITES
#undef VL2_SUITE
};

int main(void) {
  const size_t n = sizeof(suites) / sizeof(suites[0]);
  const char *only = getenv("CK_RUN_SUITE");
  /* Narrowing to test cases or tags may leave a suite legitimately empty;
   * then only the whole run must check something. */
  int narrowed = getenv("CK_RUN_CASE") != NULL ||
                 getenv("CK_INCLUDE_TAGS") != NULL ||
                 getenv("CK_EXCLUDE_TAGS") != NULL;
  int bad = 0;
  size_t selected = 0;

  SRunner *sr = srunner_create(NULL);
  for (size_t i = 0; i < n; i++)
    srunner_add_suite(sr, suites[i].make());
  if (getenv("VL2_TAP") != NULL)
    srunner_set_tap(sr, "-");

  int before = 0;
  for (size_t i = 0; i < n; i++) {
    if (only != NULL && strcmp(only, suites[i].name) != 0)
      continue;
    selected++;
    srunner_run(sr, suites[i].name, NULL, CK_NORMAL);
    int ran = srunner_ntests_run(sr) - before;
    before += ran;
    if (ran == 0 && !narrowed) {
      fprintf(stderr,
              "unit: suite '%s' ran no tests (is it empty, or is the "
              "name given to suite_create() not '%s'?)\n",
              suites[i].name, suites[i].name);
      bad = 1;
    }
  }
  if (selected == 0) {
    fprintf(stderr, "unit: CK_RUN_SUITE=%s names no suite; there are:",
            only != NULL ? only : "");
    for (size_t i = 0; i < n; i++)
      fprintf(stderr, " %s", suites[i].name);
    fprintf(stderr, "\n");
    bad = 1;
  } else if (before == 0) {
    fprintf(stderr, "unit: no test ran\n");
    bad = 1;
  }
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 && !bad ? EXIT_SUCCESS : EXIT_FAILURE;
}
