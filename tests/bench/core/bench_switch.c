/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * Switch decisions per second: known unicast with 1 k, 100 k and 1 M learned
 * MACs, and broadcast to 8 and 64 members, in bursts of 32; broadcast and
 * multicast to 64 ports with storm control (rates never reached, so every
 * frame pays the buckets and passes) and IGMP snooping (a registered group
 * with 8 members) on and off, in the same run.
 *
 * Each case is reported beside a baseline measured in the same run: a loop
 * that touches the same frames the way the cheapest possible switch would
 * (reads both MACs and writes a one-destination verdict) with no table.
 * The ratio is what switching costs over just looking at the frames.
 *
 *   vl2_bench_switch            the table
 *   vl2_bench_switch --smoke    tiny sizes, checks verdicts (a CTest)
 *   vl2_bench_switch --case unicast-100k --frames N
 *                               one case, for callgrind/perf:
 *   valgrind --tool=callgrind --toggle-collect=vl2_switch_process \
 *       vl2_bench_switch --case unicast-100k --frames 1000000
 *   (instructions per frame = Ir / N)
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <vl2/vl2.h>

#define BURST 32
#define NFRAMES 8192 /* distinct frames cycled through */

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t rng = 88172645463325252ULL;
static uint64_t rnd(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

static void put_mac(uint8_t *p, uint64_t m) {
  for (int i = 5; i >= 0; i--) {
    p[i] = (uint8_t)m;
    m >>= 8;
  }
}

/* The Internet checksum of |n| bytes at |p|, stored at |p + at|. */
static void put_csum(uint8_t *p, size_t n, size_t at) {
  uint32_t sum = 0;
  p[at] = p[at + 1] = 0;
  for (size_t i = 0; i + 1 < n; i += 2)
    sum += (uint32_t)p[i] << 8 | p[i + 1];
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  p[at] = (uint8_t)(~sum >> 8);
  p[at + 1] = (uint8_t)~sum;
}

static uint64_t mac_of(uint64_t i) {
  return 0x020000000000ULL | (i * 2654435761ULL & 0xffffffffffULL);
}

typedef struct bench_case {
  const char *name;
  uint32_t macs;    /* learned MACs (unicast cases) */
  uint32_t members; /* segment members (broadcast cases) */
  uint32_t train;   /* frames of one flow in a row (unicast), 0 or 1: none */
  uint8_t mcast;    /* frames to 239.1.1.1 instead of broadcast */
  uint8_t storm;    /* storm control on every port and the segment */
  uint8_t snoop;    /* IGMP snooping on; ports 1..8 joined 239.1.1.1 */
  uint8_t reserved;
} bench_case;

typedef struct result {
  double mpps, base_mpps;
  double ns, base_ns;
} result;

static uint8_t frames[NFRAMES][64];
static vl2_frame in[NFRAMES];

static int fail(const char *what) {
  fprintf(stderr, "bench_switch: %s\n", what);
  exit(1);
}

/* Build the switch and the frames for |bc|. Ports 0..members-1 are access
 * ports of segment 1; for unicast, |macs| MACs are learned spread over 8
 * ports and frames go between random pairs of them. */
static vl2_switch *setup(const bench_case *bc) {
  vl2_switch_config cfg;
  vl2_switch_config_default(&cfg);
  uint32_t ports = bc->members != 0 ? bc->members : 8;
  cfg.max_ports = ports;
  cfg.max_fdb = bc->macs > 1024 ? bc->macs : 1024;
  cfg.event_queue_cap = 16;
  vl2_switch *sw = NULL;
  if (vl2_switch_new(&sw, &cfg, NULL) != 0)
    fail("vl2_switch_new");
  vl2_switch_segment_add(sw, 1, NULL);
  vl2_port_config pc;
  vl2_port_config_default(&pc, VL2_PORT_ACCESS);
  for (uint32_t p = 0; p < ports; p++) {
    if (vl2_switch_port_add(sw, p, &pc) != 0 ||
        vl2_switch_port_vlan_add(sw, p, 1, 1) != 0)
      fail("port");
  }
  /* Learn the MACs: MAC i lives on port i % 8. */
  vl2_verdict v[BURST];
  static vl2_dest dests[BURST * 64];
  for (uint32_t i = 0; i < bc->macs; i++) {
    uint8_t f[64] = {0};
    memset(f, 0xff, 6);
    put_mac(f + 6, mac_of(i));
    f[12] = 0x08;
    vl2_frame fr = {f, 60, i % ports, 0, 0, 0, {0, {0}, {0}}, 0};
    if (vl2_switch_process(sw, &fr, 1, v, dests, BURST * 64, 0) != 1)
      fail("learn");
    vl2_event ev;
    while (vl2_switch_poll_event(sw, &ev))
      ;
  }
  if (bc->storm) {
    vl2_storm_port_config sc;
    memset(&sc, 0, sizeof(sc));
    for (int k = 0; k < VL2_STORM_CLASS_COUNT; k++)
      sc.rate[k].pps = VL2_STORM_RATE_MAX;
    for (uint32_t p = 0; p < ports; p++)
      if (vl2_storm_port_set(sw, p, &sc, 0) != 0)
        fail("storm port");
    vl2_storm_segment_config gc;
    memset(&gc, 0, sizeof(gc));
    gc.budget.pps = VL2_STORM_RATE_MAX;
    gc.budget.burst_frames = UINT32_MAX;
    if (vl2_storm_segment_set(sw, 1, &gc, 0) != 0)
      fail("storm segment");
  }
  if (bc->snoop) {
    vl2_mdb_segment_config mc;
    memset(&mc, 0, sizeof(mc));
    mc.flags = VL2_MDB_F_SNOOP;
    if (vl2_mdb_segment_set(sw, 1, &mc, 0) != 0)
      fail("snooping");
    /* Ports 1..8 join 239.1.1.1 (IGMPv2 reports). */
    for (uint32_t p = 1; p <= 8 && p < ports; p++) {
      uint8_t f[64] = {0x01, 0x00, 0x5e, 0x01, 0x01, 0x01};
      put_mac(f + 6, mac_of(2000000 + p));
      f[12] = 0x08;
      uint8_t *ip = f + 14;
      ip[0] = 0x45;
      ip[3] = 28;
      ip[8] = 1;
      ip[9] = 2;
      ip[12] = 10;
      ip[15] = (uint8_t)p;
      ip[16] = 239;
      ip[17] = 1;
      ip[18] = 1;
      ip[19] = 1;
      uint8_t *ig = ip + 20;
      ig[0] = 0x16;
      memcpy(ig + 4, ip + 16, 4);
      put_csum(ip, 20, 10);
      put_csum(ig, 8, 2);
      vl2_frame fr = {f, 60, p, 0, 0, 0, {0, {0}, {0}}, 0};
      if (vl2_switch_process(sw, &fr, 1, v, dests, BURST * 64, 0) != 1 ||
          v[0].action != VL2_ACT_CONSUMED)
        fail("join");
    }
  }
  for (uint32_t i = 0; i < NFRAMES; i++) {
    uint8_t *f = frames[i];
    memset(f, 0, 64);
    uint32_t src, port;
    if (bc->macs != 0 && bc->train > 1 && i % bc->train != 0) {
      /* The next frame of the same flow: same header, same port. */
      memcpy(f, frames[i - 1], 64);
      in[i] = in[i - 1];
      in[i].data = f;
      continue;
    }
    if (bc->macs != 0) {
      uint32_t dst = (uint32_t)(rnd() % bc->macs);
      do
        src = (uint32_t)(rnd() % bc->macs);
      while (src % ports == dst % ports);
      put_mac(f, mac_of(dst));
      port = src % ports;
    } else if (bc->mcast) {
      /* UDP to 239.1.1.1 (01:00:5e:01:01:01). */
      static const uint8_t d[6] = {0x01, 0x00, 0x5e, 0x01, 0x01, 0x01};
      memcpy(f, d, 6);
      uint8_t *ip = f + 14;
      ip[0] = 0x45;
      ip[3] = 46;
      ip[8] = 1;
      ip[9] = 17;
      ip[12] = 10;
      ip[15] = 1;
      ip[16] = 239;
      ip[17] = 1;
      ip[18] = 1;
      ip[19] = 1;
      src = (uint32_t)i;
      port = 0;
    } else {
      memset(f, 0xff, 6);
      src = (uint32_t)i;
      port = 0;
    }
    put_mac(f + 6, bc->macs != 0 ? mac_of(src) : mac_of(1000000 + src % 64));
    f[12] = 0x08;
    in[i] = (vl2_frame){f, 60, port, 0, 0, 0, {0, {0}, {0}}, 0};
  }
  return sw;
}

/* The baseline: read both MACs and the EtherType of every frame and write
 * a one-destination verdict, with no table. */
static uint64_t baseline(const vl2_frame *fr, size_t n, vl2_verdict *v,
                         vl2_dest *d) {
  uint64_t acc = 0;
  for (size_t i = 0; i < n; i++) {
    const uint8_t *p = fr[i].data;
    uint64_t dst, src;
    memcpy(&dst, p, 8);
    memcpy(&src, p + 4, 8);
    acc += (dst ^ src) + p[12];
    v[i].action = VL2_ACT_FORWARD;
    v[i].dest_off = (uint32_t)i;
    v[i].dest_cnt = 1;
    d[i].port = (uint32_t)(dst & 7);
  }
  return acc;
}

static void check(const bench_case *bc, const vl2_verdict *v, size_t n,
                  const vl2_dest *d) {
  for (size_t i = 0; i < n; i++) {
    if (v[i].action != VL2_ACT_FORWARD)
      fail("unexpected drop");
    if (bc->macs != 0 && (v[i].dest_cnt != 1 || (v[i].flags & VL2_VFLAG_FLOOD)))
      fail("known unicast was not forwarded to one port");
    if (bc->members != 0 && !bc->snoop && v[i].dest_cnt != bc->members - 1)
      fail("broadcast fan-out is wrong");
    if (bc->snoop && v[i].dest_cnt != 8)
      fail("registered multicast did not go to its 8 members");
    (void)d;
  }
}

static result run_case(const bench_case *bc, uint64_t total, int verify) {
  vl2_switch *sw = setup(bc);
  static vl2_verdict v[BURST];
  static vl2_dest d[BURST * 64];
  result r;
  /* Baseline. */
  volatile uint64_t sink = 0;
  uint64_t t0 = now_ns();
  for (uint64_t k = 0; k < total; k += BURST)
    sink += baseline(&in[k % NFRAMES], BURST, v, d);
  uint64_t t1 = now_ns();
  (void)sink;
  r.base_ns = (double)(t1 - t0) / (double)total;
  /* The switch. The clock advances 1 us per burst. */
  vl2_tstamp now = 1;
  t0 = now_ns();
  for (uint64_t k = 0; k < total; k += BURST) {
    vl2_ssize got =
        vl2_switch_process(sw, &in[k % NFRAMES], BURST, v, d, BURST * 64, now);
    if (got != BURST)
      fail("short burst");
    if (verify)
      check(bc, v, BURST, d);
    now += 1000;
  }
  t1 = now_ns();
  r.ns = (double)(t1 - t0) / (double)total;
  r.mpps = 1e3 / r.ns;
  r.base_mpps = 1e3 / r.base_ns;
  vl2_switch_del(sw);
  return r;
}

int main(int argc, char **argv) {
  static const bench_case cases[] = {
      {"unicast-1k", 1000, 0, 0, 0, 0, 0, 0},
      {"unicast-100k", 100000, 0, 0, 0, 0, 0, 0},
      {"unicast-1M", 1000000, 0, 0, 0, 0, 0, 0},
      {"unicast-100k-train8", 100000, 0, 8, 0, 0, 0, 0},
      {"unicast-100k-storm", 100000, 0, 0, 0, 1, 0, 0},
      {"broadcast-8", 0, 8, 0, 0, 0, 0, 0},
      {"broadcast-64", 0, 64, 0, 0, 0, 0, 0},
      {"broadcast-64-storm", 0, 64, 0, 0, 1, 0, 0},
      {"mcast-64", 0, 64, 0, 1, 0, 0, 0},
      {"mcast-64-storm", 0, 64, 0, 1, 1, 0, 0},
      {"mcast-64-snoop", 0, 64, 0, 1, 0, 1, 0},
      {"mcast-64-snoop-storm", 0, 64, 0, 1, 1, 1, 0},
  };
  size_t ncases = sizeof(cases) / sizeof(cases[0]);
  int smoke = 0;
  const char *only = NULL;
  uint64_t frames_n = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--smoke") == 0)
      smoke = 1;
    else if (strcmp(argv[i], "--case") == 0 && i + 1 < argc)
      only = argv[++i];
    else if (strcmp(argv[i], "--frames") == 0 && i + 1 < argc)
      frames_n = strtoull(argv[++i], NULL, 10);
    else {
      fprintf(stderr, "usage: %s [--smoke] [--case NAME] [--frames N]\n",
              argv[0]);
      return 2;
    }
  }
  printf("%-20s %12s %10s %14s %12s\n", "case", "Mdecisions/s", "ns/frame",
         "baseline ns", "ratio");
  for (size_t c = 0; c < ncases; c++) {
    if (only != NULL && strcmp(only, cases[c].name) != 0)
      continue;
    bench_case bc = cases[c];
    if (smoke && bc.macs > 1000)
      bc.macs = 1000;
    uint64_t total = frames_n != 0 ? frames_n
                     : smoke       ? 4096
                     : bc.members  ? 4000000
                                   : 32000000;
    total -= total % BURST;
    result r = run_case(&bc, total, smoke);
    printf("%-20s %12.2f %10.1f %14.1f %11.1fx\n", cases[c].name, r.mpps, r.ns,
           r.base_ns, r.ns / r.base_ns);
  }
  return 0;
}
