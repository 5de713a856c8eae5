/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/* The UDP underlay backend between two network namespaces joined by a
 * veth pair (10.77.0.1/24 + fd00:77::1/64 in A, .2 / ::2 in B): bursts of
 * VXLAN payloads each way over IPv4 and IPv6, the outer source address
 * reported with every frame, dual-stack sockets, truncation and
 * unreachable-family counters, argument errors.
 *
 * Needs root (exits 77 otherwise). Both namespaces are anonymous: A is the
 * process's own (unshare), B is held by a file descriptor, so everything
 * (the veth pair "vl2x_<pid>a/b" included) vanishes when the process
 * exits, however it exits.
 *
 * gso: runs of equal-size frames leave in one UDP_SEGMENT send, every
 * datagram arrives intact and in order from the source port its frame
 * asked for (a pool bound across a range), GRO on the receiving backend
 * splits what the kernel coalesced, and with checksum offload off on the
 * egress veth the kernel's EIO makes the socket fall back, counted once.
 * drops: a flood into a socket nobody reads is counted as socket drops
 * (SO_MEMINFO), without SO_RXQ_OVFL.
 *
 * Usage: test_be_udp v4|v6|dual|errors|gso|drops */
#define _GNU_SOURCE
#include <vl2/udp.h>
#include <vl2/vxlan.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int failures;

#define CHECK(cond, ...)                                                       \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: CHECK(%s) failed: ", __FILE__, __LINE__, #cond); \
      fprintf(stderr, __VA_ARGS__);                                            \
      fputc('\n', stderr);                                                     \
      failures++;                                                              \
    }                                                                          \
  } while (0)

/* Evaluates |cond| once (it may have side effects). */
#define REQUIRE(cond, ...)                                                     \
  do {                                                                         \
    int ok_ = (cond) ? 1 : 0;                                                  \
    CHECK(ok_, __VA_ARGS__);                                                   \
    if (!ok_)                                                                  \
      exit(1);                                                                 \
  } while (0)

/* The counter size rule, reported through CHECK. */
#define VL2T_RULE_CHECK CHECK
#include "../../unit/stats_rule.h"

static int ns_a = -1, ns_b = -1;
static char if_a[32], if_b[32];

__attribute__((format(printf, 1, 2))) static void sh(const char *fmt, ...) {
  char cmd[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(cmd, sizeof(cmd), fmt, ap);
  va_end(ap);
  int rc = system(cmd);
  REQUIRE(rc == 0, "'%s' exited %d", cmd, rc);
}

static void enter(int ns) {
  REQUIRE(setns(ns, CLONE_NEWNET) == 0, "setns: %s", strerror(errno));
}

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Two namespaces and the veth pair between them; returns 77 to skip. */
static int setup(void) {
  if (geteuid() != 0) {
    printf("SKIP: needs root\n");
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
  ns_a = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  REQUIRE(ns_a >= 0, "open ns A: %s", strerror(errno));
  /* A child enters a new namespace B and waits; we move the veth end to
   * it by PID and keep B alive with a descriptor. */
  int up[2], hold[2];
  REQUIRE(pipe(up) == 0 && pipe(hold) == 0, "pipe");
  pid_t child = fork();
  REQUIRE(child >= 0, "fork");
  if (child == 0) {
    close(up[0]);
    close(hold[1]);
    char c = unshare(CLONE_NEWNET) == 0 ? 'k' : 'e';
    if (write(up[1], &c, 1) != 1)
      _exit(1);
    (void)read(hold[0], &c, 1); /* until the parent closes it */
    _exit(0);
  }
  close(up[1]);
  close(hold[0]);
  char c = 0;
  REQUIRE(read(up[0], &c, 1) == 1 && c == 'k', "child unshare failed");
  int pid = (int)getpid() % 100000;
  snprintf(if_a, sizeof(if_a), "vl2x_%da", pid);
  snprintf(if_b, sizeof(if_b), "vl2x_%db", pid);
  sh("ip link add %s type veth peer name %s", if_a, if_b);
  sh("ip link set %s netns %d", if_b, (int)child);
  char path[64];
  snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)child);
  ns_b = open(path, O_RDONLY | O_CLOEXEC);
  REQUIRE(ns_b >= 0, "open ns B: %s", strerror(errno));
  close(hold[1]);
  waitpid(child, NULL, 0);
  close(up[0]);

  sh("ip addr add 10.77.0.1/24 dev %s", if_a);
  sh("ip addr add fd00:77::1/64 dev %s nodad", if_a);
  sh("ip link set %s up", if_a);
  enter(ns_b);
  sh("ip link set lo up");
  sh("ip addr add 10.77.0.2/24 dev %s", if_b);
  sh("ip addr add fd00:77::2/64 dev %s nodad", if_b);
  sh("ip link set %s up", if_b);
  enter(ns_a);
  /* Wait for the link (and IPv6) to come up: ping B from A. */
  sh("ping -c 1 -W 5 10.77.0.2 >/dev/null 2>&1 || true");
  sh("ping -6 -c 1 -W 5 fd00:77::2 >/dev/null 2>&1 || true");
  return 0;
}

/* Open a UDP backend with |args| inside namespace |ns|. */
static vl2_backend *open_in(int ns, const char *args, uint32_t port) {
  vl2_backend *be = NULL;
  enter(ns);
  int rv = vl2_backend_open(&be, &vl2_udp_ops, args, port, NULL);
  enter(ns_a);
  REQUIRE(rv == 0, "open '%s': %d %s", args, rv, be ? "" : "(no backend)");
  return be;
}

static void ip_of(const char *s, vl2_ipaddr *a) {
  memset(a, 0, sizeof(*a));
  if (inet_pton(AF_INET, s, a->addr) == 1)
    a->family = VL2_AF_INET;
  else if (inet_pton(AF_INET6, s, a->addr) == 1)
    a->family = VL2_AF_INET6;
  else
    REQUIRE(0, "bad address %s", s);
}

#define HEADROOM 64
#define FRAME_MAX 1400

/* Build the VXLAN payload of frame |seq| into |buf|; returns its offset,
 * and its length in |*len|. */
static size_t build(uint8_t *buf, uint32_t seq, size_t *len) {
  size_t n = 60 + (seq * 37) % (FRAME_MAX - 60);
  uint8_t *f = buf + HEADROOM;
  static const uint8_t hdr[14] = {0x02, 0, 0, 0, 0,    0xbb, 0x02,
                                  0,    0, 0, 0, 0xaa, 0x88, 0xb5};
  memcpy(f, hdr, 14);
  for (int i = 0; i < 4; i++)
    f[14 + i] = (uint8_t)(seq >> (24 - 8 * i));
  for (size_t i = 18; i < n; i++)
    f[i] = (uint8_t)(seq * 31 + i);
  vl2_vxlan_config cfg;
  vl2_vxlan_config_default(&cfg);
  vl2_vxlan_encap_params p;
  memset(&p, 0, sizeof(p));
  p.vni = 1000 + seq % 7;
  p.layer = VL2_VXLAN_LAYER_UDP;
  p.remote.family = VL2_AF_INET;
  size_t off = HEADROOM;
  vl2_ssize r = vl2_vxlan_encap(buf, &off, n, &cfg, &p);
  REQUIRE(r == (vl2_ssize)(n + 8), "encap %td", r);
  *len = (size_t)r;
  return off;
}

/* Send |cnt| frames from |tx| to |dst| in bursts of 32, then receive them
 * on |rx|: every one arrives once, intact, from |src|. */
static void burst(vl2_backend *tx, vl2_backend *rx, const char *src,
                  const char *dst, uint32_t cnt, uint32_t rx_port) {
  vl2_ipaddr src_a, dst_a;
  ip_of(src, &src_a);
  ip_of(dst, &dst_a);
  static uint8_t bufs[1024][HEADROOM + FRAME_MAX + 8];
  static vl2_frame fr[1024];
  REQUIRE(cnt <= 1024, "too many");
  for (uint32_t i = 0; i < cnt; i++) {
    size_t len;
    size_t off = build(bufs[i], i, &len);
    memset(&fr[i], 0, sizeof(fr[i]));
    fr[i].data = bufs[i] + off;
    fr[i].len = (uint32_t)len;
    fr[i].remote = dst_a;
  }
  uint8_t *seen = calloc(cnt, 1);
  uint32_t sent = 0, got = 0;
  uint64_t deadline = now_ns() + 5 * VL2_SEC;
  vl2_backend_stats st0;
  vl2_backend_get_stats(rx, &st0);
  while ((sent < cnt || got < cnt) && now_ns() < deadline) {
    if (sent < cnt) {
      size_t want = cnt - sent < 32 ? cnt - sent : 32;
      vl2_ssize r = vl2_backend_tx_burst(tx, fr + sent, want);
      REQUIRE(r >= 0, "tx_burst: %td %s", r, vl2_backend_last_error(tx));
      sent += (uint32_t)r;
    }
    struct pollfd pfd = {.fd = vl2_backend_get_fd(rx), .events = POLLIN};
    poll(&pfd, 1, sent < cnt ? 0 : 100);
    vl2_frame in[64];
    vl2_ssize r = vl2_backend_rx_burst(rx, in, 64, now_ns());
    REQUIRE(r >= 0, "rx_burst: %td %s", r, vl2_backend_last_error(rx));
    for (vl2_ssize k = 0; k < r; k++) {
      vl2_frame f = in[k];
      CHECK(f.port == rx_port, "port %u", f.port);
      CHECK(memcmp(&f.remote, &src_a, sizeof(src_a)) == 0,
            "remote family %u differs from %s", f.remote.family, src);
      CHECK(f.rx_ts != 0, "rx_ts");
      uint16_t reason;
      int rv = vl2_vxlan_decap_frame(NULL, &f, VL2_VXLAN_LAYER_UDP, &reason);
      REQUIRE(rv == 0, "decap: %s", vl2_vxlan_reason_name(reason));
      CHECK(f.port == VL2_PORT_REMOTE, "decap port");
      CHECK(memcmp(&f.remote, &src_a, sizeof(src_a)) == 0, "decap remote");
      uint32_t seq = (uint32_t)f.data[14] << 24 | (uint32_t)f.data[15] << 16 |
                     (uint32_t)f.data[16] << 8 | f.data[17];
      REQUIRE(seq < cnt, "seq %u", seq);
      CHECK(!seen[seq], "seq %u twice", seq);
      seen[seq] = 1;
      got++;
      CHECK(f.vni == 1000 + seq % 7, "vni %u for seq %u", f.vni, seq);
      size_t len;
      size_t off = build(bufs[seq], seq, &len);
      CHECK(f.len + 8 == len && memcmp(f.data, bufs[seq] + off + 8, f.len) == 0,
            "payload of seq %u differs", seq);
    }
  }
  CHECK(sent == cnt, "sent %u of %u", sent, cnt);
  CHECK(got == cnt, "received %u of %u (%s -> %s)", got, cnt, src, dst);
  vl2_backend_stats st;
  vl2_backend_get_stats(rx, &st);
  CHECK(st.rx_frames - st0.rx_frames == got, "rx_frames %llu",
        (unsigned long long)(st.rx_frames - st0.rx_frames));
  free(seen);
}

static void test_family(const char *a, const char *b) {
  char args[128];
  snprintf(args, sizeof(args), "local=%s,port=4789,batch=16,sndbuf=4194304", a);
  vl2_backend *ba = open_in(ns_a, args, 3);
  snprintf(args, sizeof(args), "local=%s,rcvbuf=8388608,batch=64", b);
  vl2_backend *bb = open_in(ns_b, args, 7);
  CHECK(strcmp(vl2_backend_name(ba), "udp") == 0, "name");
  CHECK(vl2_backend_get_fd(ba) >= 0, "fd");
  burst(ba, bb, a, b, 1000, 7); /* A -> B, many bursts */
  burst(bb, ba, b, a, 100, 3);  /* and back */
  vl2_backend_stats st;
  vl2_backend_get_stats(ba, &st);
  CHECK(st.tx_frames == 1000 && st.rx_frames == 100 && st.tx_errors == 0,
        "A stats tx %llu rx %llu err %llu", (unsigned long long)st.tx_frames,
        (unsigned long long)st.rx_frames, (unsigned long long)st.tx_errors);
  vl2_ipaddr la;
  uint16_t lp = 0;
  CHECK(vl2_udp_get_local(ba, &la, &lp) == 0 && lp == 4789, "get_local");
  vl2_ipaddr want;
  ip_of(a, &want);
  CHECK(memcmp(&la, &want, sizeof(want)) == 0, "bound address");
  vl2_backend_close(ba);
  vl2_backend_close(bb);
}

static void test_dual(void) {
  /* B listens on :: dual-stack; A sends over IPv4 and IPv6; B answers
   * to an IPv4 remote through its IPv6 socket. */
  vl2_backend *a4 = open_in(ns_a, "local=10.77.0.1,port=4790", 1);
  vl2_backend *a6 = open_in(ns_a, "local=fd00:77::1,port=4790", 2);
  vl2_backend *b = open_in(ns_b, "local=::,port=4790,v6only=0", 9);
  burst(a4, b, "10.77.0.1", "10.77.0.2", 50, 9);
  burst(a6, b, "fd00:77::1", "fd00:77::2", 50, 9);
  burst(b, a4, "10.77.0.2", "10.77.0.1", 50, 1);
  burst(b, a6, "fd00:77::2", "fd00:77::1", 50, 2);
  vl2_ipaddr la;
  uint16_t lp;
  CHECK(vl2_udp_get_local(b, &la, &lp) == 0 && la.family == VL2_AF_INET6 &&
            lp == 4790,
        "dual get_local");
  vl2_backend_close(a4);
  vl2_backend_close(a6);
  vl2_backend_close(b);
}

static void test_errors(void) {
  vl2_backend *be = NULL;
  int rv =
      vl2_backend_open(&be, &vl2_udp_ops, "local=10.77.0.1,bogus=1", 0, NULL);
  CHECK(rv == VL2_ERR_INVALID && be == NULL, "unknown key: %d", rv);
  rv = vl2_backend_open(&be, &vl2_udp_ops, "local=10.77.0.300", 0, NULL);
  CHECK(rv == VL2_ERR_INVALID, "bad address: %d", rv);
  rv = vl2_backend_open(&be, &vl2_udp_ops, "port=70000", 0, NULL);
  CHECK(rv == VL2_ERR_INVALID, "bad port: %d", rv);
  rv = vl2_backend_open(&be, &vl2_udp_ops, "batch=0", 0, NULL);
  CHECK(rv == VL2_ERR_INVALID, "bad batch: %d", rv);
  rv = vl2_backend_open(&be, &vl2_udp_ops, "local=10.99.0.1", 0, NULL);
  CHECK(rv == -EADDRNOTAVAIL, "absent address: %d", rv);
  vl2_backend *x = open_in(ns_a, "local=10.77.0.1,port=5000", 0);
  rv =
      vl2_backend_open(&be, &vl2_udp_ops, "local=10.77.0.1,port=5000", 0, NULL);
  CHECK(rv == -EADDRINUSE, "port in use: %d", rv);
  vl2_backend_close(x);

  /* port=0: the kernel picks; get_local reports it. */
  vl2_backend *a = open_in(ns_a, "local=10.77.0.1,port=0,dport=4791", 0);
  vl2_ipaddr la;
  uint16_t lp = 0;
  CHECK(vl2_udp_get_local(a, &la, &lp) == 0 && lp != 0, "ephemeral port");
  /* Truncation: B's 64-byte buffers drop a 200-byte datagram, counted. */
  vl2_backend *b = open_in(ns_b, "local=10.77.0.2,port=4791,bufsize=64", 0);
  uint8_t payload[200];
  memset(payload, 0, sizeof(payload));
  payload[0] = VL2_VXLAN_FLAG_I;
  vl2_frame f[3];
  memset(f, 0, sizeof(f));
  f[0].data = payload;
  f[0].len = sizeof(payload);
  ip_of("10.77.0.2", &f[0].remote);
  f[1] = f[0];
  f[1].len = 40; /* fits */
  /* An IPv6 remote on an IPv4 socket: consumed, counted as an error. */
  f[2] = f[0];
  ip_of("fd00:77::2", &f[2].remote);
  vl2_ssize r = vl2_backend_tx_burst(a, f, 3);
  CHECK(r == 3, "tx with a bad remote: %td", r);
  vl2_backend_stats st;
  vl2_backend_get_stats(a, &st);
  CHECK(st.tx_frames == 2 && st.tx_errors == 1, "tx %llu err %llu",
        (unsigned long long)st.tx_frames, (unsigned long long)st.tx_errors);
  CHECK(strstr(vl2_backend_last_error(a), "family") != NULL, "errmsg '%s'",
        vl2_backend_last_error(a));
  /* Unreachable destination (no route): consumed, counted. */
  ip_of("192.0.2.99", &f[0].remote);
  r = vl2_backend_tx_burst(a, f, 1);
  CHECK(r == 1, "tx without route: %td", r);
  vl2_backend_get_stats(a, &st);
  CHECK(st.tx_errors == 2, "no-route error counted: %llu",
        (unsigned long long)st.tx_errors);

  struct pollfd pfd = {.fd = vl2_backend_get_fd(b), .events = POLLIN};
  vl2_frame in[8];
  vl2_ssize got = 0;
  uint64_t deadline = now_ns() + 2 * VL2_SEC;
  vl2_backend_stats sb = {0};
  while (now_ns() < deadline) {
    poll(&pfd, 1, 50);
    r = vl2_backend_rx_burst(b, in, 8, now_ns());
    CHECK(r >= 0, "rx");
    got += r;
    vl2_backend_get_stats(b, &sb);
    if (got >= 1 && sb.rx_dropped >= 1)
      break;
  }
  CHECK(got == 1 && in[0].len == 40, "received %td", got);
  CHECK(sb.rx_dropped == 1, "truncated datagram counted: %llu",
        (unsigned long long)sb.rx_dropped);
  /* Nothing waiting: 0, not an error. */
  CHECK(vl2_backend_rx_burst(b, in, 8, now_ns()) == 0, "empty rx");
  CHECK(vl2_udp_get_local(NULL, NULL, NULL) == VL2_ERR_INVALID, "get_local");
  vl2_backend_close(a);
  vl2_backend_close(b);
}

/* A plain socket in namespace |ns| bound to |addr|:|port|. */
static int plain_socket(int ns, const char *addr, uint16_t port) {
  enter(ns);
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0, "socket");
  int big = 8 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
  inet_pton(AF_INET, addr, &sa.sin_addr);
  REQUIRE(bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0, "bind: %s",
          strerror(errno));
  enter(ns_a);
  return fd;
}

/* Frame |i| of a GSO test: |len| bytes, a VXLAN header, then |i| and a
 * pattern. */
static void gso_frame(uint8_t *buf, uint32_t i, uint32_t len) {
  memset(buf, 0, 8);
  buf[0] = VL2_VXLAN_FLAG_I;
  buf[6] = 0x10;
  for (uint32_t k = 8; k < len; k++)
    buf[k] = (uint8_t)(i * 7 + k);
  buf[8] = (uint8_t)(i >> 8);
  buf[9] = (uint8_t)i;
}

/* Receive |cnt| datagrams on plain socket |fd|: frame i of |lens| (in
 * order per source port), from source port |sports[i]|. */
static void expect_plain(int fd, uint32_t cnt, const uint32_t *lens,
                         const uint16_t *sports) {
  uint8_t buf[70000], want[70000];
  uint32_t got = 0;
  int32_t last_seen[65536];
  for (int k = 0; k < 65536; k++)
    last_seen[k] = -1;
  while (got < cnt) {
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    if (poll(&pfd, 1, 2000) <= 0)
      break;
    struct sockaddr_in from;
    socklen_t fl = sizeof(from);
    ssize_t r =
        recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
    REQUIRE(r >= 10, "recvfrom %zd", r);
    uint32_t i = (uint32_t)buf[8] << 8 | buf[9];
    REQUIRE(i < cnt, "index %u", i);
    uint16_t sp = ntohs(from.sin_port);
    CHECK(sp == sports[i], "frame %u from port %u, wanted %u", i, sp,
          sports[i]);
    CHECK((int32_t)i > last_seen[sp], "frame %u after %d on port %u", i,
          last_seen[sp], sp);
    last_seen[sp] = (int32_t)i;
    gso_frame(want, i, lens[i]);
    CHECK((uint32_t)r == lens[i] && memcmp(buf, want, lens[i]) == 0,
          "frame %u: %zd bytes, wanted %u", i, r, lens[i]);
    got++;
  }
  CHECK(got == cnt, "received %u of %u datagrams", got, cnt);
}

static void test_gso(void) {
  enum { N = 200 };
  static uint8_t bufs[N][1500];
  static uint32_t lens[N];
  static uint16_t sports[N];
  vl2_frame f[N];
  vl2_ipaddr dst;
  ip_of("10.77.0.2", &dst);
  /* Runs: 40 x 1400 on port 40003, 1 x 700 (ends the run), 30 x 1000
   * alternating between two flows, then 16 flows of 8 x 1200 one after
   * the other, then single frames of varied sizes. */
  for (uint32_t i = 0; i < N; i++) {
    uint32_t len;
    uint16_t sp;
    if (i < 40)
      len = 1400, sp = 40003;
    else if (i == 40)
      len = 700, sp = 40003;
    else if (i < 71)
      len = 1000, sp = (uint16_t)(i % 2 ? 40001 : 40002);
    else if (i < 71 + 128)
      len = 1200, sp = (uint16_t)(40000 + (i - 71) / 8);
    else
      len = 100 + i, sp = 50000; /* outside the range: a pool socket */
    lens[i] = len;
    sports[i] = sp;
    gso_frame(bufs[i], i, len);
    memset(&f[i], 0, sizeof(f[i]));
    f[i].data = bufs[i];
    f[i].len = len;
    f[i].port = sp;
    f[i].remote = dst;
  }
  /* Port 50000 maps into the pool: learn which port by sending. */
  vl2_backend *a = open_in(
      ns_a, "local=10.77.0.1,port=4789,sport_lo=40000,sport_hi=40015", 0);
  vl2_udp_stats us;
  REQUIRE(vl2_udp_get_stats(a, &us) == 0, "udp stats");
  CHECK(us.gso == 1 && us.gro == 1 && us.drops_known == 1, "features %u %u %u",
        us.gso, us.gro, us.drops_known);
  /* vl2_udp_get_stats_versioned() follows the size rule of the
   * `_versioned` getters: an older (shorter) struct gets its prefix (the
   * feature flags and the source-port range here), a newer (longer) one
   * zeros after the library's fields, size 0 is refused. */
  VL2T_STATS_SIZE_RULE(vl2_udp_stats, offsetof(vl2_udp_stats, tx_sockets),
                       vl2_udp_get_stats_versioned(a, vl2t_sz, vl2t_st));
  CHECK(us.tx_sockets == 16 && us.sport_lo == 40000 && us.sport_hi == 40015,
        "pool %u %u..%u", us.tx_sockets, us.sport_lo, us.sport_hi);
  sports[N - 1] = (uint16_t)(40000 + 50000 % 16);
  for (uint32_t i = 71 + 128; i < N; i++)
    sports[i] = sports[N - 1];
  int pfd = plain_socket(ns_b, "10.77.0.2", 4789);
  vl2_ssize r = vl2_backend_tx_burst(a, f, N);
  CHECK(r == N, "tx_burst %td: %s", r, vl2_backend_last_error(a));
  expect_plain(pfd, N, lens, sports);
  REQUIRE(vl2_udp_get_stats(a, &us) == 0, "udp stats");
  /* 40-run, the 700 joins it (shorter last), 30 single alternating, 16
   * runs of 8. */
  CHECK(us.gso_sends == 17 && us.gso_segments == 41 + 128,
        "gso sends %llu segments %llu", (unsigned long long)us.gso_sends,
        (unsigned long long)us.gso_segments);
  CHECK(us.gso_fallbacks == 0, "fallbacks %llu",
        (unsigned long long)us.gso_fallbacks);
  vl2_backend_stats st;
  vl2_backend_get_stats(a, &st);
  CHECK(st.tx_frames == N && st.tx_errors == 0, "tx %llu err %llu",
        (unsigned long long)st.tx_frames, (unsigned long long)st.tx_errors);
  close(pfd);

  /* GRO: a backend receives the runs; every datagram comes out alone. */
  vl2_backend *b = open_in(ns_b, "local=10.77.0.2,port=4789,rcvbuf=8388608", 5);
  r = vl2_backend_tx_burst(a, f, N);
  CHECK(r == N, "tx_burst %td", r);
  uint32_t got = 0;
  uint64_t deadline = now_ns() + 3 * VL2_SEC;
  int32_t last[65536];
  for (int k = 0; k < 65536; k++)
    last[k] = -1;
  while (got < N && now_ns() < deadline) {
    struct pollfd p = {.fd = vl2_backend_get_fd(b), .events = POLLIN};
    poll(&p, 1, 100);
    vl2_frame in[16]; /* fewer than a run: pieces wait for the next call */
    vl2_ssize k = vl2_backend_rx_burst(b, in, 16, now_ns());
    REQUIRE(k >= 0, "rx %td", k);
    for (vl2_ssize j = 0; j < k; j++) {
      uint32_t i = (uint32_t)in[j].data[8] << 8 | in[j].data[9];
      REQUIRE(i < N, "index %u", i);
      uint8_t want[1500];
      gso_frame(want, i, lens[i]);
      CHECK(in[j].len == lens[i] && memcmp(in[j].data, want, lens[i]) == 0,
            "frame %u: %u bytes", i, in[j].len);
      CHECK((int32_t)i > last[sports[i]], "frame %u reordered", i);
      last[sports[i]] = (int32_t)i;
      CHECK(in[j].port == 5 && in[j].remote.family == VL2_AF_INET,
            "frame meta");
      got++;
    }
  }
  CHECK(got == N, "backend received %u of %u", got, N);
  REQUIRE(vl2_udp_get_stats(b, &us) == 0, "udp stats");
  CHECK(us.gro_batches > 0 && us.gro_segments > us.gro_batches,
        "GRO on the veth: batches %llu segments %llu",
        (unsigned long long)us.gro_batches,
        (unsigned long long)us.gro_segments);
  printf("gro: %llu buffers held %llu datagrams\n",
         (unsigned long long)us.gro_batches,
         (unsigned long long)us.gro_segments);
  vl2_backend_close(b);

  /* Without checksum offload on the egress device older kernels refuse
   * UDP_SEGMENT (EIO) and the socket falls back once; newer ones (5.19+)
   * finish the checksums in software. Either way nothing is lost, and a
   * socket falls back at most once. */
  sh("ethtool -K %s tx off >/dev/null 2>&1", if_a);
  pfd = plain_socket(ns_b, "10.77.0.2", 4789);
  r = vl2_backend_tx_burst(a, f, N);
  CHECK(r == N, "tx_burst without offload %td: %s", r,
        vl2_backend_last_error(a));
  expect_plain(pfd, N, lens, sports);
  r = vl2_backend_tx_burst(a, f, N);
  CHECK(r == N, "tx_burst again %td", r);
  expect_plain(pfd, N, lens, sports);
  REQUIRE(vl2_udp_get_stats(a, &us) == 0, "udp stats");
  printf("gso without checksum offload: fallbacks %llu, sends %llu\n",
         (unsigned long long)us.gso_fallbacks,
         (unsigned long long)us.gso_sends);
  CHECK((us.gso_fallbacks == 16 && us.gso_off_sockets == 16 &&
         us.gso_sends == 2 * 17) ||
            (us.gso_fallbacks == 0 && us.gso_sends == 4 * 17),
        "fallbacks %llu off %u sends %llu",
        (unsigned long long)us.gso_fallbacks, us.gso_off_sockets,
        (unsigned long long)us.gso_sends);
  close(pfd);
  sh("ethtool -K %s tx on >/dev/null 2>&1", if_a);
  vl2_backend_close(a);

  /* gso=0: never asked for. */
  a = open_in(ns_a, "local=10.77.0.1,port=4789,gso=0,gro=0", 0);
  REQUIRE(vl2_udp_get_stats(a, &us) == 0, "udp stats");
  CHECK(us.gso == 0 && us.gro == 0 && us.tx_sockets == 0, "off");
  vl2_backend_close(a);
  vl2_backend *x = NULL;
  CHECK(vl2_backend_open(&x, &vl2_udp_ops, "sport_lo=5", 0, NULL) ==
            VL2_ERR_INVALID,
        "sport_lo alone");
  CHECK(vl2_backend_open(&x, &vl2_udp_ops, "sport_lo=9,sport_hi=5", 0, NULL) ==
            VL2_ERR_INVALID,
        "sport range reversed");
  CHECK(vl2_udp_get_stats(NULL, &us) == VL2_ERR_INVALID, "NULL be");
}

static void test_drops(void) {
  /* B's receive socket gets a small buffer and nobody reads it while A
   * floods it: the kernel drops, and the backend counts what it dropped
   * (without SO_RXQ_OVFL, which this kernel crashes on under load). */
  /* One datagram per skb on the sender (gso=0) and none merged on the
   * receiver (gro=0): the kernel counts dropped skbs. */
  vl2_backend *a = open_in(ns_a, "local=10.77.0.1,port=4789,gso=0", 0);
  vl2_backend *b =
      open_in(ns_b, "local=10.77.0.2,port=4789,rcvbuf=4096,gro=0", 0);
  static uint8_t buf[1400];
  gso_frame(buf, 1, sizeof(buf));
  vl2_frame f[64];
  for (int i = 0; i < 64; i++) {
    memset(&f[i], 0, sizeof(f[i]));
    f[i].data = buf;
    f[i].len = sizeof(buf);
    ip_of("10.77.0.2", &f[i].remote);
  }
  uint64_t sent = 0;
  for (int round = 0; round < 200; round++) {
    vl2_ssize r = vl2_backend_tx_burst(a, f, 64);
    REQUIRE(r >= 0, "tx %td", r);
    sent += (uint64_t)r;
  }
  usleep(100000);
  uint64_t got = 0;
  for (;;) {
    vl2_frame in[64];
    vl2_ssize r = vl2_backend_rx_burst(b, in, 64, now_ns());
    REQUIRE(r >= 0, "rx %td", r);
    if (r == 0)
      break;
    got += (uint64_t)r;
  }
  vl2_udp_stats us;
  vl2_backend_stats st;
  REQUIRE(vl2_udp_get_stats(b, &us) == 0, "udp stats");
  vl2_backend_get_stats(b, &st);
  printf("drops: sent %llu received %llu socket drops %llu\n",
         (unsigned long long)sent, (unsigned long long)got,
         (unsigned long long)us.socket_drops);
  CHECK(us.socket_drops > 0, "no drops counted");
  /* The rest was dropped before the socket (the veth's backlog). */
  CHECK(got + us.socket_drops <= sent && got < sent,
        "sent %llu, received %llu + dropped %llu", (unsigned long long)sent,
        (unsigned long long)got, (unsigned long long)us.socket_drops);
  CHECK(st.rx_dropped == us.socket_drops, "rx_dropped %llu",
        (unsigned long long)st.rx_dropped);
  vl2_backend_close(a);
  vl2_backend_close(b);
}

/* RFC 6935/6936 over IPv6: A sends zero UDP checksums
 * (zero_csum6_tx=1, as a Linux vxlan/geneve device with udp6zerocsumtx);
 * B drops them (the kernel's default) unless opened with zero_csum6_rx=1.
 * Captured by a raw receiver in B to prove the checksum really is 0. */
static void test_zero_csum6(void) {
  vl2_backend *a =
      open_in(ns_a, "local=fd00:77::1,port=6081,zero_csum6_tx=1,gso=0", 0);
  vl2_backend *strict = open_in(ns_b, "local=fd00:77::2,port=6081,gro=0", 0);
  enter(ns_b);
  int raw = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_UDP);
  REQUIRE(raw >= 0, "raw socket: %s", strerror(errno));
  enter(ns_a);
  static uint8_t buf[200];
  gso_frame(buf, 7, sizeof(buf));
  vl2_frame f;
  memset(&f, 0, sizeof(f));
  f.data = buf;
  f.len = sizeof(buf);
  ip_of("fd00:77::2", &f.remote);
  REQUIRE(vl2_backend_tx_burst(a, &f, 1) == 1, "tx");
  uint8_t pkt[2048];
  ssize_t r = -1;
  for (int tries = 0; tries < 50; tries++) {
    struct pollfd pfd = {.fd = raw, .events = POLLIN};
    if (poll(&pfd, 1, 200) <= 0)
      break;
    r = recv(raw, pkt, sizeof(pkt), 0);
    if (r >= 8 && ((pkt[2] << 8) | pkt[3]) == 6081)
      break;
  }
  CHECK(r >= 8 && pkt[6] == 0 && pkt[7] == 0,
        "the datagram on the wire has checksum 0x%02x%02x", pkt[6], pkt[7]);
  close(raw);
  usleep(50000);
  vl2_frame in[8];
  CHECK(vl2_backend_rx_burst(strict, in, 8, now_ns()) == 0,
        "a zero-checksum datagram reached a socket not opened for it");
  vl2_backend_close(strict);
  vl2_backend *lax =
      open_in(ns_b, "local=fd00:77::2,port=6081,zero_csum6_rx=1,gro=0", 0);
  REQUIRE(vl2_backend_tx_burst(a, &f, 1) == 1, "tx");
  vl2_ssize got = 0;
  for (int tries = 0; tries < 50 && got == 0; tries++) {
    usleep(10000);
    got = vl2_backend_rx_burst(lax, in, 8, now_ns());
  }
  CHECK(got == 1 && in[0].len == sizeof(buf) &&
            memcmp(in[0].data, buf, sizeof(buf)) == 0,
        "zero_csum6_rx=1: received %td", got);
  vl2_backend_close(lax);
  vl2_backend_close(a);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s v4|v6|dual|errors|gso|drops|zero_csum6\n",
            argv[0]);
    return 2;
  }
  int rc = setup();
  if (rc != 0)
    return rc;
  if (strcmp(argv[1], "v4") == 0)
    test_family("10.77.0.1", "10.77.0.2");
  else if (strcmp(argv[1], "v6") == 0)
    test_family("fd00:77::1", "fd00:77::2");
  else if (strcmp(argv[1], "dual") == 0)
    test_dual();
  else if (strcmp(argv[1], "errors") == 0)
    test_errors();
  else if (strcmp(argv[1], "gso") == 0)
    test_gso();
  else if (strcmp(argv[1], "drops") == 0)
    test_drops();
  else if (strcmp(argv[1], "zero_csum6") == 0)
    test_zero_csum6();
  else
    return 2;
  if (failures == 0)
    printf("PASS %s\n", argv[1]);
  return failures == 0 ? 0 : 1;
}
