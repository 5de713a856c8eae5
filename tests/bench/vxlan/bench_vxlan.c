/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * VXLAN encapsulations and decapsulations per second (lib/vl2_vxlan.c),
 * one core, over 1024 distinct TCP flows cycled through, for 64-byte and
 * 1400-byte inner frames:
 *   - the flow hash / source port alone;
 *   - encap: UDP layer (the 8-byte header a UDP-socket underlay needs),
 *     IPv4 with outer Ethernet (UDP checksum 0, RFC 7348), IPv6 with outer
 *     Ethernet (UDP checksum computed over the whole packet, RFC 6935),
 *     each computing the source port from the inner frame;
 *   - decap: the same three, with full validation (IPv4 header checksum,
 *     IPv6 UDP checksum verified).
 *
 *   vl2_bench_vxlan                 the table
 *   vl2_bench_vxlan --smoke         tiny run; checks decap(encap(x)) == x
 *   vl2_bench_vxlan --case NAME --ops N    one case (for perf/callgrind)
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <vl2/vxlan.h>

#define NFLOWS 1024
#define HEADROOM 128
#define SLOT 1600

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

static void die(const char *what) {
  fprintf(stderr, "bench_vxlan: %s\n", what);
  exit(1);
}

static void wr16(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}

enum kind { K_SPORT, K_ENCAP, K_DECAP };

typedef struct bench_case {
  const char *name;
  enum kind kind;
  unsigned layer;
  unsigned family;
  size_t inner_len;
} bench_case;

static const bench_case cases[] = {
    {"sport-64", K_SPORT, 0, VL2_AF_INET, 64},
    {"encap-udp-64", K_ENCAP, VL2_VXLAN_LAYER_UDP, VL2_AF_INET, 64},
    {"encap-eth4-64", K_ENCAP, VL2_VXLAN_LAYER_ETH, VL2_AF_INET, 64},
    {"encap-eth4-1400", K_ENCAP, VL2_VXLAN_LAYER_ETH, VL2_AF_INET, 1400},
    {"encap-eth6-64", K_ENCAP, VL2_VXLAN_LAYER_ETH, VL2_AF_INET6, 64},
    {"encap-eth6-1400", K_ENCAP, VL2_VXLAN_LAYER_ETH, VL2_AF_INET6, 1400},
    {"decap-udp-64", K_DECAP, VL2_VXLAN_LAYER_UDP, VL2_AF_INET, 64},
    {"decap-eth4-64", K_DECAP, VL2_VXLAN_LAYER_ETH, VL2_AF_INET, 64},
    {"decap-eth4-1400", K_DECAP, VL2_VXLAN_LAYER_ETH, VL2_AF_INET, 1400},
    {"decap-eth6-64", K_DECAP, VL2_VXLAN_LAYER_ETH, VL2_AF_INET6, 64},
    {"decap-eth6-1400", K_DECAP, VL2_VXLAN_LAYER_ETH, VL2_AF_INET6, 1400},
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

static uint8_t (*slots)[SLOT]; /* NFLOWS buffers: headroom + frame */
static size_t pkt_off[NFLOWS], pkt_len[NFLOWS];
static vl2_vxlan_config cfg;
static vl2_vxlan_encap_params params;

/* NFLOWS distinct Ethernet/IPv4/TCP inner frames of |len| bytes. */
static void make_frames(size_t len) {
  for (size_t i = 0; i < NFLOWS; i++) {
    uint8_t *f = slots[i] + HEADROOM;
    memset(f, 0, len);
    f[0] = 0x02, f[5] = (uint8_t)i;
    f[6] = 0x02, f[11] = (uint8_t)(i >> 8);
    wr16(f + 12, 0x0800);
    uint8_t *ip = f + 14;
    ip[0] = 0x45;
    wr16(ip + 2, (uint32_t)(len - 14));
    ip[8] = 64;
    ip[9] = 6;
    uint64_t r = rnd();
    memcpy(ip + 12, &r, 8);
    wr16(ip + 20, (uint32_t)(r >> 16));
    wr16(ip + 22, 443);
    for (size_t k = 54; k < len; k++)
      f[k] = (uint8_t)(k * 7 + i);
  }
}

static void setup(const bench_case *c) {
  vl2_vxlan_config_default(&cfg);
  cfg.underlay_mtu = 9000;
  cfg.flags = VL2_VXLAN_F_UDP6_ZERO_CSUM_RX;
  memset(&params, 0, sizeof(params));
  params.vni = 5001;
  params.layer = (uint8_t)c->layer;
  params.remote.family = (uint8_t)c->family;
  cfg.local.family = (uint8_t)c->family;
  if (c->family == VL2_AF_INET) {
    memcpy(cfg.local.addr, "\xc0\x00\x02\x01", 4);
    memcpy(params.remote.addr, "\xc6\x33\x64\x07", 4);
  } else {
    memcpy(cfg.local.addr, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
    memcpy(params.remote.addr, "\x20\x01\x0d\xb8\0\x01\0\0\0\0\0\0\0\0\0\x07",
           16);
  }
  make_frames(c->inner_len);
  /* Decap cases: encapsulate every frame once, decapsulate as the
   * receiving end (local = the packets' destination). */
  if (c->kind == K_DECAP) {
    for (size_t i = 0; i < NFLOWS; i++) {
      size_t off = HEADROOM;
      vl2_ssize n =
          vl2_vxlan_encap(slots[i], &off, c->inner_len, &cfg, &params);
      if (n < 0)
        die("encap failed in setup");
      pkt_off[i] = off;
      pkt_len[i] = (size_t)n;
    }
    cfg.local = params.remote;
  }
}

static volatile uint64_t sink;

/* Run |ops| operations of case |c|; returns elapsed ns. */
static uint64_t run(const bench_case *c, uint64_t ops, int check) {
  uint64_t acc = 0;
  uint64_t t0 = now_ns();
  switch (c->kind) {
  case K_SPORT:
    for (uint64_t i = 0; i < ops; i++)
      acc += vl2_vxlan_sport(slots[i % NFLOWS] + HEADROOM, c->inner_len, 0,
                             49152, 65535);
    break;
  case K_ENCAP:
    for (uint64_t i = 0; i < ops; i++) {
      size_t off = HEADROOM;
      vl2_ssize n =
          vl2_vxlan_encap(slots[i % NFLOWS], &off, c->inner_len, &cfg, &params);
      acc += (uint64_t)n;
      if (check) {
        vl2_vxlan_config rx = cfg;
        rx.local = params.remote;
        vl2_vxlan_info info;
        if (n < 0 ||
            vl2_vxlan_decap(&rx, slots[i % NFLOWS] + off, (size_t)n, c->layer,
                            &info) != 0 ||
            info.inner_len != c->inner_len || info.vni != params.vni)
          die("encap round trip failed");
      }
    }
    break;
  case K_DECAP:
    for (uint64_t i = 0; i < ops; i++) {
      size_t k = i % NFLOWS;
      vl2_vxlan_info info;
      int rv = vl2_vxlan_decap(&cfg, slots[k] + pkt_off[k], pkt_len[k],
                               c->layer, &info);
      if (check && (rv != 0 || info.inner_len != c->inner_len ||
                    memcmp(slots[k] + pkt_off[k] + info.inner_off,
                           slots[k] + HEADROOM, c->inner_len) != 0))
        die("decap failed");
      acc += info.inner_off + (uint64_t)rv;
    }
    break;
  }
  uint64_t dt = now_ns() - t0;
  sink += acc;
  return dt;
}

int main(int argc, char **argv) {
  int smoke = 0;
  const char *only = NULL;
  uint64_t ops_arg = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--smoke") == 0)
      smoke = 1;
    else if (strcmp(argv[i], "--case") == 0 && i + 1 < argc)
      only = argv[++i];
    else if (strcmp(argv[i], "--ops") == 0 && i + 1 < argc)
      ops_arg = strtoull(argv[++i], NULL, 10);
    else {
      fprintf(stderr, "usage: %s [--smoke] [--case NAME] [--ops N]\n", argv[0]);
      return 2;
    }
  }
  slots = calloc(NFLOWS, SLOT);
  if (slots == NULL)
    die("out of memory");
  printf("%-16s %10s %9s %10s\n", "case", "Mops/s", "ns/op", "Gbit/s");
  int ran = 0;
  for (size_t c = 0; c < NCASES; c++) {
    if (only != NULL && strcmp(only, cases[c].name) != 0)
      continue;
    ran++;
    setup(&cases[c]);
    uint64_t ops;
    if (smoke) {
      ops = 4 * NFLOWS;
      run(&cases[c], ops, 1);
      printf("%-16s %10s\n", cases[c].name, "ok");
      continue;
    }
    run(&cases[c], NFLOWS * 16, 0); /* warm up */
    if (ops_arg != 0) {
      ops = ops_arg;
    } else { /* calibrate to ~0.4 s */
      ops = NFLOWS * 64;
      uint64_t dt = run(&cases[c], ops, 0);
      ops = (uint64_t)((double)ops * 4e8 / (double)(dt ? dt : 1));
      if (ops < NFLOWS)
        ops = NFLOWS;
    }
    /* Best of three. */
    uint64_t best = UINT64_MAX;
    for (int r = 0; r < (ops_arg ? 1 : 3); r++) {
      uint64_t dt = run(&cases[c], ops, 0);
      if (dt < best)
        best = dt;
    }
    double ns = (double)best / (double)ops;
    printf("%-16s %10.2f %9.1f %10.1f\n", cases[c].name, 1e3 / ns, ns,
           (double)cases[c].inner_len * 8.0 / ns);
  }
  if (ran == 0)
    die("no such case");
  free(slots);
  return 0;
}
