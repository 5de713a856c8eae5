/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/* Suites for testing the unit runner's zero-test guard (tests/unit/main.c):
 * "one" has a test; "empty" has a test case but no test; "misnamed" has a
 * test but calls itself "other", so selecting it by its file name runs
 * nothing. */
#include <check.h>

#include "suites.inc"

START_TEST(test_trivial) { ck_assert_int_eq(1 + 1, 2); }
END_TEST

Suite *vl2_one_suite(void) {
  Suite *s = suite_create("one");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, test_trivial);
  suite_add_tcase(s, tc);
  return s;
}

Suite *vl2_empty_suite(void) {
  Suite *s = suite_create("empty");
  suite_add_tcase(s, tcase_create("core"));
  return s;
}

Suite *vl2_misnamed_suite(void) {
  Suite *s = suite_create("other");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, test_trivial);
  suite_add_tcase(s, tc);
  return s;
}
