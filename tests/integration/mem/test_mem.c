/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/* The mem backend and the faulty middleware (no privileges needed). */
#include <vl2/backend.h>
#include <vl2/backend_ops.h>
#include <vl2/mem_backend.h>

#include <check.h>
#include <stdlib.h>
#include <string.h>

static void mkframe(uint8_t *b, size_t len, uint32_t seq) {
  memset(b, 0, len);
  memcpy(b, "\xff\xff\xff\xff\xff\xff\x02\x00\x00\x00\x00\x01\x88\xb5", 14);
  b[14] = (uint8_t)(seq >> 24);
  b[15] = (uint8_t)(seq >> 16);
  b[16] = (uint8_t)(seq >> 8);
  b[17] = (uint8_t)seq;
  for (size_t i = 18; i < len; i++)
    b[i] = (uint8_t)(seq + i);
}

static uint32_t seqof(const uint8_t *b) {
  return (uint32_t)b[14] << 24 | (uint32_t)b[15] << 16 | (uint32_t)b[16] << 8 |
         b[17];
}

START_TEST(test_args) {
  vl2_backend *be = NULL;
  ck_assert_int_eq(
      vl2_backend_open(&be, &vl2_mem_backend_ops, "bogus=1", 0, NULL),
      VL2_ERR_INVALID);
  ck_assert_ptr_null(be);
  ck_assert_int_eq(
      vl2_backend_open(&be, &vl2_mem_backend_ops, "rx_cap=0", 0, NULL),
      VL2_ERR_INVALID);
  ck_assert_int_eq(vl2_backend_open(&be, &vl2_mem_backend_ops,
                                    "rx_cap=4,tx_cap=8,frame_max=100", 7, NULL),
                   0);
  ck_assert_str_eq(vl2_backend_name(be), "mem");
  ck_assert_uint_eq(vl2_backend_port(be), 7);
  ck_assert_int_eq(vl2_backend_get_fd(be), -1);
  uint8_t big[101] = {0};
  ck_assert_int_eq(vl2_mem_backend_inject(be, big, sizeof(big), 0),
                   VL2_ERR_NOBUF);
  vl2_backend_close(be);
}
END_TEST

START_TEST(test_roundtrip) {
  vl2_backend *be = NULL;
  ck_assert_int_eq(vl2_backend_open(&be, &vl2_mem_backend_ops,
                                    "rx_cap=16,tx_cap=16", 3, NULL),
                   0);
  uint8_t f[64];
  for (uint32_t i = 0; i < 10; i++) {
    mkframe(f, 60, i);
    ck_assert_int_eq(
        vl2_mem_backend_inject(be, f, 60, i == 0 ? 1234 : VL2_TSTAMP_NONE), 0);
  }
  vl2_frame fr[4];
  vl2_ssize k = vl2_backend_rx_burst(be, fr, 4, 99);
  ck_assert_int_eq(k, 4);
  ck_assert_uint_eq(fr[0].rx_ts, 1234);
  ck_assert_uint_eq(fr[1].rx_ts, 99);
  /* Lent frames survive injects until the next rx_burst. */
  for (uint32_t i = 10; i < 16; i++) {
    mkframe(f, 60, i);
    ck_assert_int_eq(vl2_mem_backend_inject(be, f, 60, 0), 0);
  }
  mkframe(f, 60, 99);
  ck_assert_int_eq(vl2_mem_backend_inject(be, f, 60, 0), VL2_ERR_LIMIT);
  for (uint32_t i = 0; i < 4; i++) {
    mkframe(f, 60, i);
    ck_assert_uint_eq(fr[i].len, 60);
    ck_assert_uint_eq(fr[i].port, 3);
    ck_assert_mem_eq(fr[i].data, f, 60);
  }
  ck_assert_uint_eq(vl2_mem_backend_rx_pending(be), 12);
  uint32_t next = 4;
  while ((k = vl2_backend_rx_burst(be, fr, 4, 0)) > 0) {
    for (vl2_ssize i = 0; i < k; i++)
      ck_assert_uint_eq(seqof(fr[i].data), next++);
  }
  ck_assert_int_eq(k, 0);
  ck_assert_uint_eq(next, 16);

  /* tx: a burst larger than the queue is accepted partially. */
  static uint8_t bufs[20][64];
  vl2_frame tx[20];
  for (uint32_t i = 0; i < 20; i++) {
    mkframe(bufs[i], 64, 100 + i);
    tx[i] = (vl2_frame){.data = bufs[i], .len = 64};
  }
  ck_assert_int_eq(vl2_backend_tx_burst(be, tx, 20), 16);
  ck_assert_int_eq(vl2_backend_tx_burst(be, tx + 16, 4), 0);
  ck_assert_uint_eq(vl2_mem_backend_tx_pending(be), 16);
  uint8_t out[64];
  ck_assert_int_eq(vl2_mem_backend_take(be, out, 10), VL2_ERR_NOBUF);
  for (uint32_t i = 0; i < 16; i++) {
    ck_assert_int_eq(vl2_mem_backend_take(be, out, sizeof(out)), 64);
    ck_assert_mem_eq(out, bufs[i], 64);
  }
  ck_assert_int_eq(vl2_mem_backend_take(be, out, sizeof(out)), 0);
  ck_assert_int_eq(vl2_backend_tx_burst(be, tx + 16, 4), 4);

  vl2_backend_stats st;
  ck_assert_int_eq(vl2_backend_get_stats(be, &st), 0);
  ck_assert_uint_eq(st.rx_frames, 16);
  ck_assert_uint_eq(st.tx_frames, 20);
  ck_assert_uint_eq(st.rx_dropped, 1);

  ck_assert_int_eq(vl2_mem_backend_set_closed(be, true), 0);
  ck_assert_int_eq(vl2_backend_rx_burst(be, fr, 4, 0), VL2_ERR_CLOSED);
  ck_assert_int_eq(vl2_backend_tx_burst(be, tx, 1), VL2_ERR_CLOSED);
  ck_assert_str_ne(vl2_backend_last_error(be), "");
  vl2_backend_close(be);
  vl2_backend_close(NULL);
}
END_TEST

/* Push |n| sequenced frames through faulty(mem) with retries, drain the
 * output, and return the sequence numbers received in order. */
static size_t run_faulty(const vl2_faulty_config *cfg, uint32_t n,
                         uint32_t *seen, vl2_backend_stats *st,
                         uint32_t *again_cnt) {
  vl2_backend *mem = NULL, *be = NULL;
  ck_assert_int_eq(vl2_backend_open(&mem, &vl2_mem_backend_ops,
                                    "tx_cap=4096,rx_cap=4096", 1, NULL),
                   0);
  ck_assert_int_eq(vl2_faulty_open(&be, mem, cfg, NULL), 0);
  ck_assert_str_eq(vl2_backend_name(be), "faulty");
  static uint8_t bufs[1000][60];
  static vl2_frame tx[1000];
  ck_assert_uint_le(n, 1000);
  for (uint32_t i = 0; i < n; i++) {
    mkframe(bufs[i], 60, i);
    tx[i] = (vl2_frame){.data = bufs[i], .len = 60};
  }
  uint32_t off = 0, tries = 0;
  *again_cnt = 0;
  while (off < n) {
    uint32_t burst = n - off < 32 ? n - off : 32;
    vl2_ssize k = vl2_backend_tx_burst(be, tx + off, burst);
    if (k == VL2_ERR_AGAIN) {
      (*again_cnt)++;
      continue;
    }
    ck_assert_int_ge(k, 0);
    ck_assert_int_le(k, burst);
    off += (uint32_t)k;
    ck_assert_uint_lt(++tries, 100000);
  }
  size_t got = 0;
  uint8_t out[64];
  vl2_ssize len;
  while ((len = vl2_mem_backend_take(mem, out, sizeof(out))) > 0)
    seen[got++] = seqof(out);
  ck_assert_int_eq(len, 0);
  /* Loop the frames back through rx as well. */
  for (size_t i = 0; i < got; i++) {
    mkframe(out, 60, seen[i]);
    ck_assert_int_eq(vl2_mem_backend_inject(mem, out, 60, 0), 0);
  }
  size_t rgot = 0;
  vl2_frame fr[16];
  for (int spins = 0; spins < 100000 && vl2_mem_backend_rx_pending(mem) > 0;
       spins++) {
    vl2_ssize k = vl2_backend_rx_burst(be, fr, 16, 0);
    ck_assert_int_ge(k, 0);
    for (vl2_ssize i = 0; i < k; i++)
      seen[got + rgot++] = seqof(fr[i].data);
  }
  ck_assert_int_eq(vl2_backend_get_stats(be, st), 0);
  vl2_backend_close(be); /* closes mem too */
  return got + rgot;
}

START_TEST(test_faulty_transparent) {
  static uint32_t seen[2000];
  vl2_backend_stats st;
  uint32_t again;
  size_t got = run_faulty(NULL, 500, seen, &st, &again);
  ck_assert_uint_eq(got, 1000);
  for (uint32_t i = 0; i < 500; i++) {
    ck_assert_uint_eq(seen[i], i);
    ck_assert_uint_eq(seen[500 + i], i);
  }
  ck_assert_uint_eq(again, 0);
}
END_TEST

START_TEST(test_faulty_faults) {
  vl2_faulty_config cfg = {.seed = 42,
                           .tx_partial = 0.5,
                           .tx_again = 0.2,
                           .tx_drop = 0.1,
                           .tx_reorder = 0.3,
                           .rx_again = 0.2,
                           .rx_drop = 0.1,
                           .rx_reorder = 0.3};
  static uint32_t a[2000], b[2000];
  vl2_backend_stats sa, sb;
  uint32_t again_a, again_b;
  size_t na = run_faulty(&cfg, 1000, a, &sa, &again_a);
  size_t nb = run_faulty(&cfg, 1000, b, &sb, &again_b);
  /* Deterministic: same seed, same calls, same result. */
  ck_assert_uint_eq(na, nb);
  ck_assert_mem_eq(a, b, na * sizeof(a[0]));
  ck_assert_uint_eq(again_a, again_b);
  /* The faults did happen. */
  ck_assert_uint_gt(again_a, 0);
  ck_assert_uint_gt(sa.tx_dropped, 50);
  ck_assert_uint_gt(sa.rx_dropped, 30);
  ck_assert_uint_lt(na, 2000);
  bool reordered = false;
  for (size_t i = 1; i < na; i++)
    if (a[i] < a[i - 1] && a[i - 1] - a[i] < 900)
      reordered = true;
  ck_assert(reordered);
  /* No frame is invented, and (without short accepts by mem) none is
   * duplicated on tx. */
  static uint8_t once[1000];
  memset(once, 0, sizeof(once));
  size_t tx_n = 1000 - (size_t)sa.tx_dropped;
  for (size_t i = 0; i < tx_n; i++) {
    ck_assert_uint_lt(a[i], 1000);
    ck_assert_uint_eq(once[a[i]], 0);
    once[a[i]] = 1;
  }
  /* Another seed gives another result. */
  cfg.seed = 43;
  static uint32_t c[2000];
  vl2_backend_stats sc;
  uint32_t again_c;
  size_t nc = run_faulty(&cfg, 1000, c, &sc, &again_c);
  ck_assert(nc != na || memcmp(a, c, na * sizeof(a[0])) != 0);
}
END_TEST

START_TEST(test_faulty_args) {
  vl2_backend *mem = NULL, *be = NULL;
  ck_assert_int_eq(vl2_backend_open(&mem, &vl2_mem_backend_ops, "", 1, NULL),
                   0);
  vl2_faulty_config bad = {.tx_drop = 1.5};
  ck_assert_int_eq(vl2_faulty_open(&be, mem, &bad, NULL), VL2_ERR_INVALID);
  ck_assert_int_eq(vl2_faulty_open_versioned(&be, mem, 99, NULL, NULL),
                   VL2_ERR_VERSION);
  ck_assert_ptr_null(be);
  vl2_backend_close(mem);
}
END_TEST

int main(void) {
  Suite *s = suite_create("mem");
  TCase *tc = tcase_create("mem");
  tcase_add_test(tc, test_args);
  tcase_add_test(tc, test_roundtrip);
  tcase_add_test(tc, test_faulty_transparent);
  tcase_add_test(tc, test_faulty_faults);
  tcase_add_test(tc, test_faulty_args);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
