/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/* Helpers for the backend integration tests that need root: a private
 * network namespace per test process (everything created in it disappears
 * when the process exits, even on failure), interface names "vl2t_<pid>x",
 * raw AF_PACKET sockets and test frames. */
#ifndef VL2T_NETNS_UTIL_H
#define VL2T_NETNS_UTIL_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <vl2/backend.h>

#define VL2T_ETHERTYPE 0x88b5 /* IEEE local experimental */

/* Skip (77) unless root with /dev/net/tun; then enter a private netns. */
static inline int vl2t_enter_netns(bool need_tun) {
  if (geteuid() != 0) {
    printf("SKIP: needs root\n");
    return 77;
  }
  if (need_tun && access("/dev/net/tun", R_OK | W_OK) != 0) {
    printf("SKIP: /dev/net/tun missing\n");
    return 77;
  }
  if (unshare(CLONE_NEWNET) != 0) {
    printf("SKIP: unshare(CLONE_NEWNET): %s\n", strerror(errno));
    return 77;
  }
  if (system("ip link set lo up") != 0) {
    printf("SKIP: ip(8) does not work\n");
    return 77;
  }
  return 0;
}

static inline void vl2t_ifname(char *buf, const char *suffix) {
  snprintf(buf, IF_NAMESIZE, "vl2t_%d%s", (int)getpid() % 10000000, suffix);
}

__attribute__((format(printf, 1, 2))) static inline int vl2t_sh(const char *fmt,
                                                                ...) {
  char cmd[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(cmd, sizeof(cmd), fmt, ap);
  va_end(ap);
  return system(cmd);
}

static inline uint64_t vl2t_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* A raw socket on |ifindex|, non-blocking, with a large receive buffer. */
static inline int vl2t_psock(int ifindex) {
  int s = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
                 htons(ETH_P_ALL));
  if (s < 0)
    return -1;
  int sz = 16 << 20;
  setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz));
  setsockopt(s, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz));
  struct sockaddr_ll sll;
  memset(&sll, 0, sizeof(sll));
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons(ETH_P_ALL);
  sll.sll_ifindex = ifindex;
  if (bind(s, (struct sockaddr *)&sll, sizeof(sll)) != 0) {
    close(s);
    return -1;
  }
  return s;
}

/* Build test frame |seq|: dst, src (last byte varies with |flow|),
 * VL2T_ETHERTYPE, 4-byte seq, pattern. */
static inline void vl2t_frame(uint8_t *b, size_t len, uint32_t seq,
                              uint8_t flow) {
  static const uint8_t hdr[14] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02,
                                  0x00, 0x00, 0x00, 0x77, 0x00, 0x88, 0xb5};
  memcpy(b, hdr, 14);
  b[11] = flow;
  b[14] = (uint8_t)(seq >> 24);
  b[15] = (uint8_t)(seq >> 16);
  b[16] = (uint8_t)(seq >> 8);
  b[17] = (uint8_t)seq;
  for (size_t i = 18; i < len; i++)
    b[i] = (uint8_t)(seq * 31 + i);
}

static inline size_t vl2t_len_of(uint32_t seq, size_t max) {
  return 60 + (seq * 37) % (max - 60 + 1);
}

static inline bool vl2t_is_test(const uint8_t *b, size_t len) {
  return len >= 18 && b[12] == 0x88 && b[13] == 0xb5;
}

static inline uint32_t vl2t_seq(const uint8_t *b) {
  return (uint32_t)b[14] << 24 | (uint32_t)b[15] << 16 | (uint32_t)b[16] << 8 |
         b[17];
}

/* Receive incoming test frames on raw socket |s| until |want| arrived or
 * |ms| passed; each is checked against vl2t_frame(seq). Returns the count;
 * *bad counts frames with wrong bytes, *order frames out of order. */
static inline size_t vl2t_psock_collect(int s, size_t want, int ms,
                                        size_t maxlen, size_t *bad,
                                        size_t *order) {
  static uint8_t buf[70000], ref[70000];
  size_t got = 0;
  uint32_t last = 0;
  *bad = *order = 0;
  uint64_t end = vl2t_now_ns() + (uint64_t)ms * 1000000u;
  while (got < want && vl2t_now_ns() < end) {
    struct pollfd pfd = {.fd = s, .events = POLLIN};
    poll(&pfd, 1, 50);
    for (;;) {
      struct sockaddr_ll from;
      socklen_t fl = sizeof(from);
      ssize_t r =
          recvfrom(s, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
      if (r < 0)
        break;
      if (from.sll_pkttype == PACKET_OUTGOING || !vl2t_is_test(buf, (size_t)r))
        continue;
      uint32_t seq = vl2t_seq(buf);
      size_t l = vl2t_len_of(seq, maxlen);
      vl2t_frame(ref, l, seq, buf[11]);
      if ((size_t)r != l || memcmp(buf, ref, l) != 0)
        (*bad)++;
      if (got > 0 && seq <= last)
        (*order)++;
      last = seq;
      got++;
    }
  }
  return got;
}

/* Send |cnt| test frames (sequence numbers from |first|, lengths from
 * vl2t_len_of()) through backend |be|, retrying what it does not accept for
 * up to 3 s. Returns how many it accepted, or its negative error. */
static inline vl2_ssize vl2t_backend_tx_seq(vl2_backend *be, uint32_t first,
                                            uint32_t cnt, size_t maxlen) {
  uint8_t *bufs = malloc((size_t)cnt * maxlen);
  vl2_frame *tx = calloc(cnt, sizeof(*tx));
  vl2_ssize rv = 0;
  if (bufs == NULL || tx == NULL) {
    rv = -ENOMEM;
    goto out;
  }
  for (uint32_t i = 0; i < cnt; i++) {
    size_t l = vl2t_len_of(first + i, maxlen);
    vl2t_frame(bufs + (size_t)i * maxlen, l, first + i, 0);
    tx[i].data = bufs + (size_t)i * maxlen;
    tx[i].len = (uint32_t)l;
  }
  size_t sent = 0;
  uint64_t end = vl2t_now_ns() + 3000000000u;
  while (sent < cnt && vl2t_now_ns() < end) {
    vl2_ssize k = vl2_backend_tx_burst(be, tx + sent, cnt - sent);
    if (k < 0) {
      rv = k;
      goto out;
    }
    sent += (size_t)k;
  }
  rv = (vl2_ssize)sent;
out:
  free(bufs);
  free(tx);
  return rv;
}

#endif /* !defined(VL2T_NETNS_UTIL_H) */
