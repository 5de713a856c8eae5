/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/* The generic backend wrapper: ops dispatch, argument checks, and error
 * messages kept when opening fails. */
#include <stdio.h>
#include <string.h>

#include <vl2/backend_ops.h>

#include "helpers.h"

static int fake_open(vl2_backend *be, const char *args) {
  if (strcmp(args, "fail") == 0) {
    snprintf(be->errmsg, sizeof(be->errmsg), "fake: no such device");
    return -19;
  }
  be->priv = be; /* anything non-NULL */
  return 0;
}
static void fake_close(vl2_backend *be) { be->priv = NULL; }
static vl2_ssize fake_rx(vl2_backend *be, vl2_frame *f, size_t n,
                         vl2_tstamp now) {
  (void)n;
  f[0].port = be->port;
  f[0].rx_ts = now;
  return 1;
}
static vl2_ssize fake_tx(vl2_backend *be, const vl2_frame *f, size_t n) {
  (void)be;
  (void)f;
  return (vl2_ssize)(n > 2 ? 2 : n);
}

static const vl2_backend_ops fake_ops = {
    .abi_version = VL2_BACKEND_OPS_VERSION,
    .name = "fake",
    .rx_burst = fake_rx,
    .tx_burst = fake_tx,
    .open = fake_open,
    .close = fake_close,
};

START_TEST(open_dispatch_close) {
  vl2t_mem tm;
  vl2t_mem_init(&tm);
  vl2_backend *be = NULL;
  ck_assert_int_eq(vl2_backend_open(&be, &fake_ops, NULL, 7, &tm.mem), 0);
  ck_assert_str_eq(vl2_backend_name(be), "fake");
  ck_assert_uint_eq(vl2_backend_port(be), 7);
  ck_assert_int_eq(vl2_backend_get_fd(be), -1);
  vl2_frame f[4];
  ck_assert_int_eq(vl2_backend_rx_burst(be, f, 4, 99), 1);
  ck_assert_uint_eq(f[0].port, 7);
  ck_assert_uint_eq(f[0].rx_ts, 99);
  ck_assert_int_eq(vl2_backend_tx_burst(be, f, 4), 2);
  ck_assert_int_eq(vl2_backend_rx_burst(be, f, 0, 0), 0);
  ck_assert_int_eq(vl2_backend_rx_burst(be, NULL, 1, 0), VL2_ERR_INVALID);
  vl2_backend_stats st;
  ck_assert_int_eq(vl2_backend_get_stats(be, &st), 0);
  ck_assert_uint_eq(st.rx_frames, 0);
  ck_assert_str_eq(vl2_backend_last_error(be), "");
  vl2_backend_close(be);
  vl2_backend_close(NULL);
  VL2T_ASSERT_NO_LEAKS(&tm);
}
END_TEST

START_TEST(failed_open_keeps_message) {
  vl2t_mem tm;
  vl2t_mem_init(&tm);
  vl2_backend *be = (vl2_backend *)1;
  char msg[16];
  ck_assert_int_eq(vl2_backend_open_err(&be, &fake_ops, "fail", 0, &tm.mem, msg,
                                        sizeof(msg)),
                   -19);
  ck_assert_ptr_null(be);
  ck_assert_str_eq(msg, "fake: no such d"); /* truncated to fit */
  char big[128];
  ck_assert_int_eq(vl2_backend_open_err(&be, &fake_ops, "fail", 0, &tm.mem, big,
                                        sizeof(big)),
                   -19);
  ck_assert_str_eq(big, "fake: no such device");
  ck_assert_int_eq(
      vl2_backend_open_err(&be, &fake_ops, "", 0, &tm.mem, big, sizeof(big)),
      0);
  ck_assert_str_eq(big, "");
  vl2_backend_close(be);
  VL2T_ASSERT_NO_LEAKS(&tm);
  vl2_backend_ops bad = fake_ops;
  bad.abi_version = 99;
  ck_assert_int_eq(vl2_backend_open(&be, &bad, "", 0, NULL), VL2_ERR_VERSION);
  bad = fake_ops;
  bad.rx_burst = NULL;
  ck_assert_int_eq(vl2_backend_open(&be, &bad, "", 0, NULL), VL2_ERR_INVALID);
  ck_assert_int_eq(vl2_backend_open(NULL, &fake_ops, "", 0, NULL),
                   VL2_ERR_INVALID);
  tm.fail_at = tm.total + 1;
  ck_assert_int_eq(vl2_backend_open(&be, &fake_ops, "", 0, &tm.mem),
                   VL2_ERR_NOMEM);
}
END_TEST

Suite *vl2_backend_suite(void) {
  Suite *s = suite_create("backend");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, open_dispatch_close);
  tcase_add_test(tc, failed_open_keeps_message);
  suite_add_tcase(s, tc);
  return s;
}
