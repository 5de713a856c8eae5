/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/* TAP backend against a real TAP interface in a private network
 * namespace. Needs root and /dev/net/tun, else exits 77 (skip). */
#define _GNU_SOURCE
#include <vl2/backend.h>
#include <vl2/tap.h>

#include <check.h>
#include <netinet/in.h>

#include "../../unit/stats_rule.h"
#include "netns_util.h"

#define MAXLEN 1414 /* frames up to MTU 1400 + 14 */

/* Read from the backend until |want| test frames arrived or |ms| passed;
 * check each frame's bytes and order. */
static size_t be_collect(vl2_backend *be, size_t want, int ms, size_t n,
                         size_t maxlen, bool check_order) {
  static uint8_t ref[70000];
  size_t got = 0;
  uint32_t last = 0;
  vl2_frame fr[256];
  ck_assert_uint_le(n, 256);
  int fd = vl2_backend_get_fd(be);
  ck_assert_int_ge(fd, 0);
  uint64_t end = vl2t_now_ns() + (uint64_t)ms * 1000000u;
  while (got < want && vl2t_now_ns() < end) {
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    poll(&pfd, 1, 50);
    vl2_ssize k;
    while ((k = vl2_backend_rx_burst(be, fr, n, vl2t_now_ns())) > 0) {
      for (vl2_ssize i = 0; i < k; i++) {
        ck_assert_uint_eq(fr[i].port, 4);
        if (!vl2t_is_test(fr[i].data, fr[i].len))
          continue;
        uint32_t seq = vl2t_seq(fr[i].data);
        size_t l = vl2t_len_of(seq, maxlen);
        vl2t_frame(ref, l, seq, fr[i].data[11]);
        ck_assert_uint_eq(fr[i].len, l);
        ck_assert_mem_eq(fr[i].data, ref, l);
        if (check_order && got > 0)
          ck_assert_uint_gt(seq, last);
        last = seq;
        got++;
      }
    }
    ck_assert_int_eq(k, 0);
  }
  return got;
}

static void send_frames(int s, uint32_t first, uint32_t cnt, size_t maxlen,
                        int flows) {
  static uint8_t b[70000];
  for (uint32_t i = first; i < first + cnt; i++) {
    size_t l = vl2t_len_of(i, maxlen);
    vl2t_frame(b, l, i, (uint8_t)(flows > 1 ? i % (uint32_t)flows : 0));
    ssize_t r;
    while ((r = send(s, b, l, 0)) < 0 && errno == EAGAIN)
      usleep(100);
    ck_assert_int_eq(r, (ssize_t)l);
  }
}

static int ioctl_sock(void) {
  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ck_assert_int_ge(s, 0);
  return s;
}

START_TEST(test_rx_tx) {
  char name[IF_NAMESIZE], args[256];
  vl2t_ifname(name, "a");
  snprintf(args, sizeof(args),
           "name=%s,mtu=1400,mac=02:00:00:00:aa:01,burst=16", name);
  vl2_backend *be = NULL;
  int rv = vl2_backend_open(&be, &vl2_tap_ops, args, 4, NULL);
  ck_assert_msg(rv == 0, "open: %d %s", rv, be ? "" : "(no be)");
  ck_assert_str_eq(vl2_tap_ifname(be), name);
  int ifindex = vl2_tap_ifindex(be);
  ck_assert_int_eq(ifindex, (int)if_nametoindex(name));
  /* MTU, MAC and up were set through netlink. */
  int s = ioctl_sock();
  struct ifreq ifr;
  memset(&ifr, 0, sizeof(ifr));
  strcpy(ifr.ifr_name, name);
  ck_assert_int_eq(ioctl(s, SIOCGIFMTU, &ifr), 0);
  ck_assert_int_eq(ifr.ifr_mtu, 1400);
  ck_assert_int_eq(ioctl(s, SIOCGIFHWADDR, &ifr), 0);
  ck_assert_mem_eq(ifr.ifr_hwaddr.sa_data, "\x02\x00\x00\x00\xaa\x01", 6);
  ck_assert_int_eq(ioctl(s, SIOCGIFFLAGS, &ifr), 0);
  ck_assert(ifr.ifr_flags & IFF_UP);
  close(s);

  int ps = vl2t_psock(ifindex);
  ck_assert_int_ge(ps, 0);
  /* Namespace -> backend: 300 frames, read with bursts larger than the
   * backend's 16 slots. */
  send_frames(ps, 0, 300, MAXLEN, 1);
  ck_assert_uint_eq(be_collect(be, 300, 5000, 64, MAXLEN, true), 300);
  /* More than the kernel's queue (500 frames): the excess is dropped by
   * the kernel, what arrives is intact and in order, nothing breaks. */
  send_frames(ps, 1000, 2000, MAXLEN, 1);
  size_t got = be_collect(be, 2000, 1500, 256, MAXLEN, true);
  ck_assert_uint_ge(got, 400);
  ck_assert_uint_le(got, 2000);

  /* Backend -> namespace: a tx_burst of 300 frames. */
  ck_assert_int_eq(vl2t_backend_tx_seq(be, 5000, 300, MAXLEN), 300);
  size_t bad, order;
  ck_assert_uint_eq(vl2t_psock_collect(ps, 300, 3000, MAXLEN, &bad, &order),
                    300);
  ck_assert_uint_eq(bad, 0);
  ck_assert_uint_eq(order, 0);

  vl2_backend_stats st;
  ck_assert_int_eq(vl2_backend_get_stats(be, &st), 0);
  ck_assert_uint_ge(st.rx_frames, 300 + got);
  ck_assert_uint_eq(st.tx_frames, 300);
  vl2_tap_offload off;
  ck_assert_int_eq(vl2_tap_rx_offload(be, 1000, &off), VL2_ERR_INVALID);
  close(ps);
  vl2_backend_close(be);
  ck_assert_uint_eq(if_nametoindex(name), 0); /* not persistent: gone */
}
END_TEST

static void vanish(const char *extra) {
  char name[IF_NAMESIZE], args[256];
  vl2t_ifname(name, "v");
  snprintf(args, sizeof(args), "name=%s%s", name, extra);
  vl2_backend *be = NULL;
  ck_assert_int_eq(vl2_backend_open(&be, &vl2_tap_ops, args, 4, NULL), 0);
  int fd = vl2_backend_get_fd(be);
  ck_assert_int_eq(vl2t_sh("ip link del %s", name), 0);
  alarm(20); /* a hang fails the test */
  struct pollfd pfd = {.fd = fd, .events = POLLIN};
  ck_assert_int_ge(poll(&pfd, 1, 2000), 0);
  vl2_frame fr[8];
  ck_assert_int_eq(vl2_backend_rx_burst(be, fr, 8, 0), VL2_ERR_CLOSED);
  ck_assert_str_ne(vl2_backend_last_error(be), "");
  uint8_t b[60];
  vl2t_frame(b, 60, 1, 0);
  vl2_frame f = {.data = b, .len = 60};
  ck_assert_int_eq(vl2_backend_tx_burst(be, &f, 1), VL2_ERR_CLOSED);
  vl2_backend_close(be);
  alarm(0);
}

START_TEST(test_vanish) { vanish(""); }
END_TEST

START_TEST(test_vanish_mq_vnet) { vanish(",queues=3,vnet_hdr=1"); }
END_TEST

START_TEST(test_down_link_drops_counted) {
  /* A TAP whose link is down takes nothing (write: EIO). That is a NIC
   * without carrier, not a vanished device: frames are dropped and counted,
   * and the burst is consumed. */
  char name[IF_NAMESIZE], args[256];
  vl2t_ifname(name, "d");
  snprintf(args, sizeof(args), "name=%s,up=0", name);
  vl2_backend *be = NULL;
  ck_assert_int_eq(vl2_backend_open(&be, &vl2_tap_ops, args, 4, NULL), 0);
  uint8_t b[60];
  vl2t_frame(b, 60, 1, 0);
  vl2_frame f[3] = {
      {.data = b, .len = 60}, {.data = b, .len = 60}, {.data = b, .len = 60}};
  ck_assert_int_eq(vl2_backend_tx_burst(be, f, 3), 3);
  vl2_backend_stats st;
  ck_assert_int_eq(vl2_backend_get_stats(be, &st), 0);
  ck_assert_uint_eq(st.tx_dropped, 3);
  ck_assert_uint_eq(st.tx_errors, 0);
  ck_assert_uint_eq(st.tx_frames, 0);
  vl2_backend_close(be);
}
END_TEST

static uint16_t csum16(uint32_t sum, const uint8_t *p, size_t len) {
  for (; len > 1; p += 2, len -= 2)
    sum += (uint32_t)p[0] << 8 | p[1];
  if (len)
    sum += (uint32_t)p[0] << 8;
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (uint16_t)sum;
}

START_TEST(test_vnet_csum) {
  char name[IF_NAMESIZE], args[256];
  vl2t_ifname(name, "c");
  snprintf(args, sizeof(args), "name=%s,vnet_hdr=1,mac=02:00:00:00:cc:01",
           name);
  vl2_backend *be = NULL;
  ck_assert_int_eq(vl2_backend_open(&be, &vl2_tap_ops, args, 4, NULL), 0);
  ck_assert_int_eq(vl2t_sh("ip addr add 10.201.0.1/24 dev %s && "
                           "ip neigh add 10.201.0.2 lladdr 02:00:00:00:cc:02 "
                           "dev %s nud permanent",
                           name, name),
                   0);
  /* Locally generated UDP leaves with a partial checksum (TUN_F_CSUM). */
  int us = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ck_assert_int_ge(us, 0);
  struct sockaddr_in dst = {.sin_family = AF_INET, .sin_port = htons(7777)};
  inet_pton(AF_INET, "10.201.0.2", &dst.sin_addr);
  uint8_t payload[333];
  for (size_t i = 0; i < sizeof(payload); i++)
    payload[i] = (uint8_t)(i * 13 + 1);
  for (int i = 0; i < 5; i++)
    ck_assert_int_eq(sendto(us, payload, sizeof(payload), 0,
                            (struct sockaddr *)&dst, sizeof(dst)),
                     (ssize_t)sizeof(payload));
  close(us);
  int found = 0, partial = 0;
  uint64_t end = vl2t_now_ns() + 3000000000u;
  vl2_frame fr[32];
  while (found < 5 && vl2t_now_ns() < end) {
    vl2_ssize k = vl2_backend_rx_burst(be, fr, 32, 0);
    ck_assert_int_ge(k, 0);
    if (k == 0)
      usleep(1000);
    for (vl2_ssize i = 0; i < k; i++) {
      const uint8_t *d = fr[i].data;
      if (fr[i].len < 42 || d[12] != 0x08 || d[13] != 0x00 || d[23] != 17)
        continue;
      size_t ihl = (size_t)(d[14] & 0xf) * 4;
      const uint8_t *udp = d + 14 + ihl;
      if (udp[2] != 7777 >> 8 || udp[3] != (7777 & 0xff))
        continue;
      size_t ulen = (size_t)udp[4] << 8 | udp[5];
      ck_assert_uint_eq(ulen, 8 + sizeof(payload));
      ck_assert_mem_eq(udp + 8, payload, sizeof(payload));
      ck_assert_mem_eq(d, "\x02\x00\x00\x00\xcc\x02\x02\x00\x00\x00\xcc\x01",
                       12);
      /* Pseudo-header + UDP sums to 0xffff when the checksum is right. */
      uint32_t sum = 0;
      sum += (uint32_t)csum16(0, d + 26, 8); /* src+dst addresses */
      sum += 17 + (uint32_t)ulen;
      ck_assert_uint_ne((uint32_t)udp[6] << 8 | udp[7], 0);
      ck_assert_uint_eq(csum16(sum, udp, ulen), 0xffff);
      vl2_tap_offload off;
      ck_assert_int_eq(vl2_tap_rx_offload(be, (size_t)i, &off), 0);
      if (off.flags & VL2_TAP_OFFLOAD_NEEDS_CSUM) {
        partial++;
        ck_assert_uint_eq(off.csum_start, 14 + ihl);
        ck_assert_uint_eq(off.csum_offset, 6);
      }
      found++;
    }
  }
  ck_assert_int_eq(found, 5);
  ck_assert_int_gt(partial, 0); /* the completion path was exercised */

  /* tx with the vnet header on: plain frames arrive in the namespace. */
  int ps = vl2t_psock(vl2_tap_ifindex(be));
  ck_assert_int_ge(ps, 0);
  static uint8_t bufs[100][1514];
  vl2_frame tx[100];
  for (uint32_t i = 0; i < 100; i++) {
    size_t l = vl2t_len_of(i, 1514);
    vl2t_frame(bufs[i], l, i, 0);
    tx[i] = (vl2_frame){.data = bufs[i], .len = (uint32_t)l};
  }
  ck_assert_int_eq(vl2_backend_tx_burst(be, tx, 100), 100);
  size_t bad, order;
  ck_assert_uint_eq(vl2t_psock_collect(ps, 100, 3000, 1514, &bad, &order), 100);
  ck_assert_uint_eq(bad, 0);
  /* and frames from the namespace arrive without the header. */
  send_frames(ps, 0, 50, 1514, 1);
  ck_assert_uint_eq(be_collect(be, 50, 3000, 32, 1514, true), 50);
  close(ps);
  vl2_backend_close(be);
}
END_TEST

/* vl2_tap_get_offload_stats_versioned() follows the size rule of the
 * `_versioned` counter getters, and the exported 0.1 function gives what
 * the macro gives. Locally generated UDP reaches an offload=1 TAP with a
 * partial checksum: rx_csum_partial counts it. */
START_TEST(test_offload_stats_size_rule) {
  char name[IF_NAMESIZE], args[256];
  vl2t_ifname(name, "o");
  snprintf(args, sizeof(args), "name=%s,offload=1,mac=02:00:00:00:dd:01", name);
  vl2_backend *be = NULL;
  ck_assert_int_eq(vl2_backend_open(&be, &vl2_tap_ops, args, 5, NULL), 0);
  ck_assert_int_eq(vl2t_sh("ip addr add 10.202.0.1/24 dev %s && "
                           "ip neigh add 10.202.0.2 lladdr 02:00:00:00:dd:02 "
                           "dev %s nud permanent",
                           name, name),
                   0);
  int us = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ck_assert_int_ge(us, 0);
  struct sockaddr_in dst = {.sin_family = AF_INET, .sin_port = htons(7778)};
  inet_pton(AF_INET, "10.202.0.2", &dst.sin_addr);
  uint8_t payload[200] = {1};
  for (int i = 0; i < 5; i++)
    ck_assert_int_eq(sendto(us, payload, sizeof(payload), 0,
                            (struct sockaddr *)&dst, sizeof(dst)),
                     (ssize_t)sizeof(payload));
  close(us);
  vl2_tap_offload_stats st;
  memset(&st, 0, sizeof(st));
  uint64_t end = vl2t_now_ns() + 3000000000u;
  vl2_frame fr[32];
  while (st.rx_csum_partial < 5 && vl2t_now_ns() < end) {
    vl2_ssize k = vl2_backend_rx_burst(be, fr, 32, 0);
    ck_assert_int_ge(k, 0);
    if (k == 0)
      usleep(1000);
    ck_assert_int_eq(vl2_tap_get_offload_stats(be, &st), 0);
  }
  ck_assert_uint_ge(st.rx_csum_partial, 5);
  VL2T_STATS_SIZE_RULE(
      vl2_tap_offload_stats, offsetof(vl2_tap_offload_stats, tx_gso_frames),
      vl2_tap_get_offload_stats_versioned(be, vl2t_sz, vl2t_st));
  vl2_tap_offload_stats st01;
  ck_assert_int_eq((vl2_tap_get_offload_stats)(be, &st01), 0);
  ck_assert_mem_eq(&st, &st01, sizeof(st));
  ck_assert_int_eq((vl2_tap_get_offload_stats)(NULL, &st01), VL2_ERR_INVALID);
  ck_assert_int_eq(vl2_tap_get_offload_stats_versioned(be, sizeof(st), NULL),
                   VL2_ERR_INVALID);
  vl2_backend_close(be);
}
END_TEST

START_TEST(test_multiqueue) {
  char name[IF_NAMESIZE], args[256];
  vl2t_ifname(name, "m");
  snprintf(args, sizeof(args), "name=%s,queues=4,burst=8", name);
  vl2_backend *be = NULL;
  ck_assert_int_eq(vl2_backend_open(&be, &vl2_tap_ops, args, 4, NULL), 0);
  for (uint32_t q = 0; q < 4; q++)
    ck_assert_int_ge(vl2_tap_queue_fd(be, q), 0);
  ck_assert_int_eq(vl2_tap_queue_fd(be, 4), VL2_ERR_INVALID);
  int epfd = vl2_backend_get_fd(be);
  ck_assert_int_ne(epfd, vl2_tap_queue_fd(be, 0));
  int ps = vl2t_psock(vl2_tap_ifindex(be));
  ck_assert_int_ge(ps, 0);
  send_frames(ps, 0, 400, 1514, 16);
  struct pollfd pfd = {.fd = epfd, .events = POLLIN};
  ck_assert_int_eq(poll(&pfd, 1, 2000), 1);
  ck_assert_uint_eq(be_collect(be, 400, 5000, 64, 1514, false), 400);
  /* tx spreads over queues; everything arrives. */
  static uint8_t bufs[400][1514];
  static vl2_frame tx[400];
  for (uint32_t i = 0; i < 400; i++) {
    size_t l = vl2t_len_of(i, 1514);
    vl2t_frame(bufs[i], l, i, (uint8_t)(i % 16));
    tx[i] = (vl2_frame){.data = bufs[i], .len = (uint32_t)l};
  }
  ck_assert_int_eq(vl2_backend_tx_burst(be, tx, 400), 400);
  size_t bad, order;
  ck_assert_uint_eq(vl2t_psock_collect(ps, 400, 3000, 1514, &bad, &order), 400);
  ck_assert_uint_eq(bad, 0);
  close(ps);
  vl2_backend_close(be);
}
END_TEST

START_TEST(test_attach_persist_args) {
  char name[IF_NAMESIZE], args[256];
  vl2t_ifname(name, "p");
  vl2_backend *be = NULL;
  ck_assert_int_eq(vl2_backend_open(&be, &vl2_tap_ops, "colour=blue", 0, NULL),
                   VL2_ERR_INVALID);
  ck_assert_int_eq(vl2_backend_open(&be, &vl2_tap_ops, "mtu=12", 0, NULL),
                   VL2_ERR_INVALID);
  ck_assert_int_eq(vl2_backend_open(&be, &vl2_tap_ops, "mac=zz", 0, NULL),
                   VL2_ERR_INVALID);
  ck_assert_int_eq(vl2_backend_open(&be, &vl2_tap_ops, "csum=1", 0, NULL),
                   VL2_ERR_INVALID);
  snprintf(args, sizeof(args), "name=%s,mode=attach", name);
  ck_assert_int_eq(vl2_backend_open(&be, &vl2_tap_ops, args, 0, NULL), -ENODEV);
  snprintf(args, sizeof(args), "name=%s,persist=1,up=0", name);
  ck_assert_int_eq(vl2_backend_open(&be, &vl2_tap_ops, args, 0, NULL), 0);
  vl2_backend_close(be);
  ck_assert_uint_ne(if_nametoindex(name), 0); /* persistent */
  snprintf(args, sizeof(args), "name=%s,mode=create", name);
  ck_assert_int_eq(vl2_backend_open(&be, &vl2_tap_ops, args, 0, NULL), -EBUSY);
  snprintf(args, sizeof(args), "name=%s,mode=attach,persist=0,mtu=1280", name);
  ck_assert_int_eq(vl2_backend_open(&be, &vl2_tap_ops, args, 0, NULL), 0);
  ck_assert_int_eq(vl2_tap_ifindex(be), (int)if_nametoindex(name));
  vl2_backend_close(be);
  ck_assert_uint_eq(if_nametoindex(name), 0); /* persistence cleared */
  /* Kernel-chosen name. */
  ck_assert_int_eq(vl2_backend_open(&be, &vl2_tap_ops, "", 0, NULL), 0);
  ck_assert_str_ne(vl2_tap_ifname(be), "");
  ck_assert_str_eq(vl2_backend_name(be), "tap");
  vl2_backend_close(be);
}
END_TEST

int main(void) {
  int rv = vl2t_enter_netns(true);
  if (rv != 0)
    return rv;
  Suite *s = suite_create("tap");
  TCase *tc = tcase_create("tap");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_rx_tx);
  tcase_add_test(tc, test_vanish);
  tcase_add_test(tc, test_vanish_mq_vnet);
  tcase_add_test(tc, test_down_link_drops_counted);
  tcase_add_test(tc, test_vnet_csum);
  tcase_add_test(tc, test_multiqueue);
  tcase_add_test(tc, test_offload_stats_size_rule);
  tcase_add_test(tc, test_attach_persist_args);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
