/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * Suppressed ARP replies generated per second: broadcast ARP requests for
 * IPs in the neighbour table (1 k and 100 k bindings), in bursts of 32,
 * each answered by the switch (VL2_ACT_CONSUMED) and its reply drained
 * with vl2_switch_poll_tx(). Beside it, in the same run: the same frames
 * flooded with suppression off (what the switch would otherwise do), and
 * Neighbor Solicitations answered (checksum both ways).
 *
 *   vl2_bench_neigh            the table
 *   vl2_bench_neigh --smoke    tiny sizes, checks every verdict and reply
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <vl2/vl2.h>

#define BURST 32
#define VNI 100

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void die(const char *what) {
  fprintf(stderr, "bench_neigh: %s\n", what);
  exit(1);
}

static void ip_of(uint32_t i, int v6, vl2_ipaddr *a) {
  memset(a, 0, sizeof(*a));
  if (v6) {
    a->family = VL2_AF_INET6;
    a->addr[0] = 0x20;
    a->addr[1] = 0x01;
    a->addr[12] = (uint8_t)(i >> 24);
    a->addr[13] = (uint8_t)(i >> 16);
    a->addr[14] = (uint8_t)(i >> 8);
    a->addr[15] = (uint8_t)(i + 1);
  } else {
    a->family = VL2_AF_INET;
    a->addr[0] = 10;
    a->addr[1] = (uint8_t)(i >> 16);
    a->addr[2] = (uint8_t)(i >> 8);
    a->addr[3] = (uint8_t)(i + 1);
  }
}

static void mac_of(uint32_t i, uint8_t *m) {
  m[0] = 2;
  m[1] = 0x10;
  m[2] = (uint8_t)(i >> 24);
  m[3] = (uint8_t)(i >> 16);
  m[4] = (uint8_t)(i >> 8);
  m[5] = (uint8_t)i;
}

static uint16_t csum6(const uint8_t *ip, size_t plen) {
  uint32_t sum = 0;
  for (int i = 8; i < 40; i += 2)
    sum += (uint32_t)ip[i] << 8 | ip[i + 1];
  sum += (uint32_t)plen + 58;
  for (size_t i = 0; i < plen; i += 2)
    sum += (uint32_t)ip[40 + i] << 8 | ip[40 + i + 1];
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (uint16_t)~sum;
}

/* A request from host (port 1, MAC 02:..:ff:ff) for binding |t|. */
static size_t request(uint8_t *b, uint32_t t, int v6) {
  static const uint8_t asker[6] = {2, 0, 0, 0, 0xff, 0xff};
  vl2_ipaddr ip;
  ip_of(t, v6, &ip);
  if (!v6) {
    memset(b, 0xff, 6);
    memcpy(b + 6, asker, 6);
    b[12] = 0x08;
    b[13] = 0x06;
    static const uint8_t h[8] = {0, 1, 8, 0, 6, 4, 0, 1};
    memcpy(b + 14, h, 8);
    memcpy(b + 22, asker, 6);
    b[28] = 10;
    b[29] = 255;
    b[30] = 255;
    b[31] = 254;
    memset(b + 32, 0, 6);
    memcpy(b + 38, ip.addr, 4);
    return 42;
  }
  memset(b, 0, 86);
  b[0] = 0x33;
  b[1] = 0x33;
  b[2] = 0xff;
  memcpy(b + 3, ip.addr + 13, 3);
  memcpy(b + 6, asker, 6);
  b[12] = 0x86;
  b[13] = 0xdd;
  uint8_t *p = b + 14;
  p[0] = 0x60;
  p[5] = 32;
  p[6] = 58;
  p[7] = 255;
  p[8] = 0x20;
  p[9] = 0x01;
  p[23] = 0xfe;
  static const uint8_t sn[13] = {0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff};
  memcpy(p + 24, sn, 13);
  memcpy(p + 37, ip.addr + 13, 3);
  uint8_t *ic = p + 40;
  ic[0] = 135;
  memcpy(ic + 8, ip.addr, 16);
  ic[24] = 1;
  ic[25] = 1;
  memcpy(ic + 26, asker, 6);
  uint16_t c = csum6(p, 32);
  ic[2] = (uint8_t)(c >> 8);
  ic[3] = (uint8_t)c;
  return 86;
}

typedef struct bcase {
  const char *name;
  uint32_t entries;
  int v6;
  int suppress;
} bcase;

/* Returns frames per second; checks every verdict (and reply, when
 * |check|). */
static double run(const bcase *bc, uint64_t frames, int check) {
  vl2_switch_config cfg;
  vl2_switch_config_default(&cfg);
  cfg.max_neigh = bc->entries + 16;
  cfg.tx_queue_cap = BURST;
  vl2_switch *sw;
  if (vl2_switch_new(&sw, &cfg, NULL) != 0)
    die("switch_new");
  vl2_segment_config sc;
  memset(&sc, 0, sizeof(sc));
  sc.flags = bc->suppress ? VL2_SEG_F_ARP_SUPPRESS : 0;
  if (vl2_switch_segment_add(sw, VNI, &sc) != 0)
    die("segment_add");
  vl2_port_config pc;
  vl2_port_config_default(&pc, VL2_PORT_ACCESS);
  for (uint32_t p = 1; p <= 8; p++)
    if (vl2_switch_port_add(sw, p, &pc) != 0 ||
        vl2_switch_port_vlan_add(sw, p, 1, VNI) != 0)
      die("port");
  for (uint32_t i = 0; i < bc->entries; i++) {
    vl2_neigh_entry e;
    memset(&e, 0, sizeof(e));
    e.vni = VNI;
    ip_of(i, bc->v6, &e.ip);
    mac_of(i, e.mac.b);
    e.port = VL2_NEIGH_PORT_ANY;
    if (vl2_neigh_add_static(sw, &e) != 0)
      die("add_static");
  }
  enum { NF = 4096 };
  static uint8_t fb[NF][96];
  static vl2_frame fr[NF];
  for (uint32_t i = 0; i < NF; i++) {
    uint32_t t = (uint32_t)(((uint64_t)i * 2654435761u) % bc->entries);
    memset(&fr[i], 0, sizeof(fr[i]));
    fr[i].data = fb[i];
    fr[i].len = (uint32_t)request(fb[i], t, bc->v6);
    fr[i].port = 1;
  }
  vl2_verdict v[BURST];
  static vl2_dest dests[BURST * 16];
  uint8_t out[256];
  vl2_tx_meta m;
  uint64_t t0 = now_ns(), replies = 0;
  vl2_tstamp now = VL2_SEC;
  for (uint64_t done = 0; done < frames; done += BURST) {
    const vl2_frame *in = &fr[done % NF];
    vl2_ssize n = vl2_switch_process(sw, in, BURST, v, dests,
                                     sizeof(dests) / sizeof(dests[0]), now);
    if (n != BURST)
      die("short burst");
    for (int i = 0; i < BURST; i++)
      if (v[i].action != (bc->suppress ? VL2_ACT_CONSUMED : VL2_ACT_FORWARD))
        die("unexpected verdict");
    vl2_ssize len;
    while ((len = vl2_switch_poll_tx(sw, out, sizeof(out), &m, now)) > 0) {
      replies++;
      if (check && (m.dest.port != 1 || len != (bc->v6 ? 86 : 42) ||
                    out[bc->v6 ? 14 + 40 : 21] != (bc->v6 ? 136 : 2)))
        die("bad reply");
    }
  }
  uint64_t dt = now_ns() - t0;
  if (bc->suppress && replies != frames)
    die("missing replies");
  vl2_switch_del(sw);
  return (double)frames * 1e9 / (double)(dt ? dt : 1);
}

int main(int argc, char **argv) {
  int smoke = argc > 1 && strcmp(argv[1], "--smoke") == 0;
  static const bcase cases[] = {
      {"arp-suppress-1k", 1000, 0, 1},
      {"arp-suppress-100k", 100000, 0, 1},
      {"nd-suppress-1k", 1000, 1, 1},
      {"nd-suppress-100k", 100000, 1, 1},
      {"arp-flood-8-ports(baseline)", 1000, 0, 0},
  };
  uint64_t frames = smoke ? 4096 : 4000000;
  printf("%-30s %14s %10s\n", "case", "frames/s", "ns/frame");
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    bcase c = cases[i];
    if (smoke && c.entries > 1000)
      c.entries = 1000;
    run(&c, frames / 8, 1); /* warm-up and checks */
    double fps = run(&c, frames, smoke);
    printf("%-30s %14.0f %10.1f\n", c.name, fps, 1e9 / fps);
  }
  return 0;
}
