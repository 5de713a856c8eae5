/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/* pcap backend, live: a veth pair in a private network namespace; the
 * backend captures/injects on one end, a raw socket on the other. Needs
 * root, else exits 77 (skip). */
#define _GNU_SOURCE
#include <vl2/backend.h>
#include <vl2/pcap.h>

#include <check.h>

#include "../tap/netns_util.h"

#define MAXLEN 1514

static char g_a[IF_NAMESIZE], g_b[IF_NAMESIZE];

static void setup_veth(void) {
  vl2t_sh("ip link del %s 2>/dev/null", g_a);
  /* No IPv6 on the pair: the kernel's own router solicitations and MLD
   * reports would arrive among the test's frames at any moment. */
  ck_assert_int_eq(vl2t_sh("ip link add %s type veth peer name %s && "
                           "sysctl -qw net.ipv6.conf.%s.disable_ipv6=1 "
                           "net.ipv6.conf.%s.disable_ipv6=1 && "
                           "ip link set %s up && ip link set %s up",
                           g_a, g_b, g_a, g_b, g_a, g_b),
                   0);
}

static void send_frames(int s, uint32_t first, uint32_t cnt) {
  static uint8_t b[MAXLEN];
  for (uint32_t i = first; i < first + cnt; i++) {
    size_t l = vl2t_len_of(i, MAXLEN);
    vl2t_frame(b, l, i, 0);
    ssize_t r;
    while ((r = send(s, b, l, 0)) < 0 && (errno == EAGAIN || errno == ENOBUFS))
      usleep(100);
    ck_assert_int_eq(r, (ssize_t)l);
  }
}

static size_t be_collect(vl2_backend *be, size_t want, int ms, size_t n,
                         size_t *others) {
  static uint8_t ref[MAXLEN];
  vl2_frame fr[256];
  size_t got = 0;
  uint32_t last = 0;
  *others = 0;
  int fd = vl2_backend_get_fd(be);
  ck_assert_int_ge(fd, 0);
  uint64_t end = vl2t_now_ns() + (uint64_t)ms * 1000000u;
  while (got < want && vl2t_now_ns() < end) {
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    poll(&pfd, 1, 20);
    vl2_ssize k;
    while ((k = vl2_backend_rx_burst(be, fr, n, 1)) > 0) {
      for (vl2_ssize i = 0; i < k; i++) {
        ck_assert_uint_eq(fr[i].port, 2);
        ck_assert_uint_gt(fr[i].rx_ts, 1000000000ull * 1000000000ull);
        if (!vl2t_is_test(fr[i].data, fr[i].len)) {
          (*others)++;
          continue;
        }
        uint32_t seq = vl2t_seq(fr[i].data);
        size_t l = vl2t_len_of(seq, MAXLEN);
        vl2t_frame(ref, l, seq, 0);
        ck_assert_uint_eq(fr[i].len, l);
        ck_assert_mem_eq(fr[i].data, ref, l);
        if (got > 0)
          ck_assert_uint_gt(seq, last);
        last = seq;
        got++;
      }
    }
    ck_assert_int_eq(k, 0);
  }
  return got;
}

START_TEST(test_live_rx_tx) {
  setup_veth();
  char args[256];
  snprintf(args, sizeof(args), "iface=%s,buffer=33554432", g_a);
  vl2_backend *be = NULL;
  int rv = vl2_backend_open(&be, &vl2_pcap_ops, args, 2, NULL);
  ck_assert_msg(rv == 0, "open %d", rv);
  ck_assert_int_eq(vl2_pcap_datalink(be), 1);
  int ps = vl2t_psock((int)if_nametoindex(g_b));
  ck_assert_int_ge(ps, 0);
  /* Namespace -> backend, a burst far larger than one rx_burst. */
  send_frames(ps, 0, 3000);
  size_t others;
  ck_assert_uint_eq(be_collect(be, 3000, 5000, 64, &others), 3000);
  /* Backend -> namespace. */
  ck_assert_int_eq(vl2t_backend_tx_seq(be, 10000, 500, MAXLEN), 500);
  size_t bad, order;
  ck_assert_uint_eq(vl2t_psock_collect(ps, 500, 3000, MAXLEN, &bad, &order),
                    500);
  ck_assert_uint_eq(bad, 0);
  ck_assert_uint_eq(order, 0);
  /* direction=in: our own injected frames are not captured back. */
  vl2_frame fr[64];
  ck_assert_int_eq(vl2_backend_rx_burst(be, fr, 64, 1), 0);
  vl2_backend_stats st;
  ck_assert_int_eq(vl2_backend_get_stats(be, &st), 0);
  ck_assert_uint_eq(st.tx_frames, 500);
  ck_assert_uint_ge(st.rx_frames, 3000);
  close(ps);
  vl2_backend_close(be);
}
END_TEST

START_TEST(test_live_filter) {
  setup_veth();
  char args[256];
  snprintf(args, sizeof(args), "iface=%s,filter=ether proto 0x88b5", g_a);
  vl2_backend *be = NULL;
  ck_assert_int_eq(vl2_backend_open(&be, &vl2_pcap_ops, args, 2, NULL), 0);
  int ps = vl2t_psock((int)if_nametoindex(g_b));
  ck_assert_int_ge(ps, 0);
  /* Frames of another EtherType are filtered out. */
  uint8_t other[60];
  vl2t_frame(other, 60, 7, 0);
  other[12] = 0x88, other[13] = 0xb6;
  for (int i = 0; i < 50; i++) {
    ck_assert_int_eq(send(ps, other, 60, 0), 60);
    send_frames(ps, (uint32_t)i, 1);
  }
  size_t others;
  ck_assert_uint_eq(be_collect(be, 50, 3000, 16, &others), 50);
  ck_assert_uint_eq(others, 0);
  close(ps);
  vl2_backend_close(be);
  snprintf(args, sizeof(args), "iface=%s,filter=bogus filter", g_a);
  ck_assert_int_eq(vl2_backend_open(&be, &vl2_pcap_ops, args, 2, NULL),
                   VL2_ERR_INVALID);
  ck_assert_int_eq(
      vl2_backend_open(&be, &vl2_pcap_ops, "iface=vl2t_nonexist0", 2, NULL),
      -ENODEV);
  snprintf(args, sizeof(args), "iface=%s,file=/x.pcap", g_a);
  ck_assert_int_eq(vl2_backend_open(&be, &vl2_pcap_ops, args, 2, NULL),
                   VL2_ERR_INVALID);
}
END_TEST

START_TEST(test_live_vanish) {
  setup_veth();
  char args[256];
  snprintf(args, sizeof(args), "iface=%s", g_a);
  vl2_backend *be = NULL;
  ck_assert_int_eq(vl2_backend_open(&be, &vl2_pcap_ops, args, 2, NULL), 0);
  ck_assert_int_eq(vl2t_sh("ip link del %s", g_a), 0);
  alarm(20);
  struct pollfd pfd = {.fd = vl2_backend_get_fd(be), .events = POLLIN};
  ck_assert_int_ge(poll(&pfd, 1, 1000), 0);
  vl2_frame fr[8];
  vl2_ssize k = 0;
  /* Frames still queued (the kernel's own IPv6 chatter on the new veth)
   * come first, and the error may take a call or two to surface; it must
   * come, and nothing may hang. */
  for (int i = 0; i < 200 && k >= 0; i++) {
    k = vl2_backend_rx_burst(be, fr, 8, 1);
    if (k == 0)
      usleep(10000);
  }
  ck_assert_int_eq(k, VL2_ERR_CLOSED);
  ck_assert_str_ne(vl2_backend_last_error(be), "");
  uint8_t b[60];
  vl2t_frame(b, 60, 1, 0);
  vl2_frame f = {.data = b, .len = 60};
  ck_assert_int_eq(vl2_backend_tx_burst(be, &f, 1), VL2_ERR_CLOSED);
  vl2_backend_close(be);
  alarm(0);
}
END_TEST

int main(void) {
  int rv = vl2t_enter_netns(false);
  if (rv != 0)
    return rv;
  vl2t_ifname(g_a, "a");
  vl2t_ifname(g_b, "b");
  Suite *s = suite_create("pcap_live");
  TCase *tc = tcase_create("live");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_live_rx_tx);
  tcase_add_test(tc, test_live_filter);
  tcase_add_test(tc, test_live_vanish);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
