/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * libFuzzer harness: IGMP snooping and storm control in the whole switch,
 * checked against a shadow model.
 *
 * Set-up: one segment, access ports 0..7, two remote endpoints in its
 * flood list, snooping on (unregistered policy from the first byte),
 * broadcast storm control on ports 0..6 and a replication budget on the
 * segment (rates from the first byte), the IGMPv3 querier (10.0.0.5) when
 * the first byte's top bit is set.
 *
 * Records (K = next byte, K % 8):
 *   0 IGMP report (v2, or v3 TO_EX) from port p for group g (1 byte)
 *   1 leave (v2 leave, or v3 TO_IN {}) from port p for group g (1 byte)
 *   2 IGMP query from port p, source 0.0.0.0 or not (1 byte)
 *   3 UDP data to group g from port p, or from a remote (1 byte)
 *   4 broadcast from port p (1 byte)
 *   5 time step (1 byte: b * b ms, 255: 300 s)
 *   6 raw frame from port 7: length byte and bytes, its destination MAC
 *     made IP multicast (so the parsers see it)
 *   7 run the timers
 *
 * Shadow model: ports 0..6 change membership only through the records
 * above (raw frames come from port 7, and a report only ever registers its
 * own ingress), so the model knows their memberships and router state
 * exactly (RFC 3376 timers: 260 s, leave 2 s, router 255 s). Invariants:
 *   - a registered group's frame reaches exactly its shadow members and
 *     router ports among 0..6 (never a non-member), and port 7 only when
 *     the switch lists it as member or router; an unregistered group's
 *     frame follows the policy;
 *   - a report goes to router ports only (absorbed when there is none);
 *   - every query the querier sends is a whole IGMPv3 (50 bytes) or,
 *     after an IGMPv2 query from a port, IGMPv2 (46 bytes) query with
 *     valid IP and IGMP checksums (MLD: 90 or 86 bytes);
 *   - storm control never lets more through than the bucket allows: in
 *     any window [t_i, t] a port passes at most burst + rate * (t - t_i)
 *     broadcasts, and the segment at most budget_burst + budget * (t -
 *     t_i) copies; every storm drop says storm_control.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <vl2/vl2.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define VNI 42
#define NPORTS 8
#define NGROUPS 4
#define GMI (260 * VL2_SEC)
#define LMQT (2 * VL2_SEC)
#define RTR (255 * VL2_SEC)
#define WIN 64

typedef struct window {
  vl2_tstamp t[WIN]; /* times of the last passes */
  uint32_t cost[WIN];
  unsigned n, head;
} window;

typedef struct shadow {
  vl2_tstamp member[NGROUPS][NPORTS]; /* expiry, 0: none */
  vl2_tstamp router[NPORTS];
  window bc[NPORTS];
  window seg;
  uint64_t bc_rate, bc_burst, seg_rate, seg_burst;
  int unreg_routers;
} shadow;

static const uint8_t group_ip[NGROUPS][4] = {
    {239, 1, 1, 1}, {239, 1, 1, 2}, {239, 9, 9, 9}, {225, 0, 0, 7}};

static uint16_t csum(const uint8_t *p, size_t n) {
  uint32_t s = 0;
  for (size_t i = 0; i + 1 < n; i += 2)
    s += (uint32_t)p[i] << 8 | p[i + 1];
  if (n & 1)
    s += (uint32_t)p[n - 1] << 8;
  while (s >> 16)
    s = (s & 0xffff) + (s >> 16);
  return (uint16_t)~s;
}

/* An IPv4 frame from port |p|'s host to |dst| with |pl|. */
static size_t ip4(uint8_t *b, unsigned p, const uint8_t *dst, uint8_t proto,
                  const uint8_t *pl, size_t plen, const uint8_t *src_ip) {
  b[0] = 0x01;
  b[1] = 0x00;
  b[2] = 0x5e;
  b[3] = dst[1] & 0x7f;
  b[4] = dst[2];
  b[5] = dst[3];
  static const uint8_t smac[5] = {0x02, 0, 0, 0, 0x42};
  memcpy(b + 6, smac, 5);
  b[11] = (uint8_t)(p + 1);
  b[12] = 0x08;
  b[13] = 0;
  uint8_t *ip = b + 14;
  memset(ip, 0, 20);
  ip[0] = 0x45;
  ip[2] = (uint8_t)((20 + plen) >> 8);
  ip[3] = (uint8_t)(20 + plen);
  ip[8] = 1;
  ip[9] = proto;
  if (src_ip != NULL) {
    memcpy(ip + 12, src_ip, 4);
  } else {
    ip[12] = 10;
    ip[15] = (uint8_t)(p + 1);
  }
  memcpy(ip + 16, dst, 4);
  uint16_t c = csum(ip, 20);
  ip[10] = (uint8_t)(c >> 8);
  ip[11] = (uint8_t)c;
  memcpy(ip + 20, pl, plen);
  return 34 + plen;
}

static size_t igmp(uint8_t *b, unsigned p, uint8_t type, const uint8_t *g,
                   const uint8_t *to, const uint8_t *src_ip) {
  uint8_t m[8] = {type, type == 0x11 ? 100 : 0, 0, 0, 0, 0, 0, 0};
  memcpy(m + 4, g, 4);
  uint16_t c = csum(m, 8);
  m[2] = (uint8_t)(c >> 8);
  m[3] = (uint8_t)c;
  return ip4(b, p, to, 2, m, 8, src_ip);
}

static size_t igmp3(uint8_t *b, unsigned p, uint8_t rtype, const uint8_t *g) {
  static const uint8_t to[4] = {224, 0, 0, 22};
  uint8_t m[16] = {0x22, 0, 0, 0, 0, 0, 0, 1, rtype, 0, 0, 0, 0, 0, 0, 0};
  memcpy(m + 12, g, 4);
  uint16_t c = csum(m, 16);
  m[2] = (uint8_t)(c >> 8);
  m[3] = (uint8_t)c;
  return ip4(b, p, to, 2, m, 16, NULL);
}

static void win_add(window *w, vl2_tstamp t, uint32_t cost) {
  unsigned i = (w->head + w->n) % WIN;
  if (w->n == WIN) {
    w->head = (w->head + 1) % WIN;
    i = (w->head + WIN - 1) % WIN;
  } else {
    w->n++;
  }
  w->t[i] = t;
  w->cost[i] = cost;
}

/* Passed cost in every window ending now stays within the bucket. */
static void win_check(const window *w, uint64_t rate, uint64_t burst) {
  if (rate == 0 || w->n == 0)
    return;
  vl2_tstamp t = w->t[(w->head + w->n - 1) % WIN];
  uint64_t sum = 0;
  for (unsigned k = w->n; k-- > 0;) {
    unsigned i = (w->head + k) % WIN;
    sum += w->cost[i];
    /* burst + rate * dt / 1e9, in exact integers */
    unsigned __int128 allowed = (unsigned __int128)burst * VL2_SEC +
                                (unsigned __int128)rate * (t - w->t[i]);
    FZ_CHECK((unsigned __int128)sum * VL2_SEC <= allowed);
  }
}

/* Does the switch list |port| in |g| (g < 0: as a router port)? */
static int listed(vl2_switch *sw, int g, uint32_t port, vl2_tstamp now) {
  uint64_t cur = 0;
  vl2_mdb_entry e;
  while (vl2_mdb_next(sw, &cur, &e, now) == 1) {
    if (e.port != port)
      continue;
    if (g < 0 ? (e.flags & VL2_MDB_E_ROUTER) != 0
              : e.group.family == VL2_AF_INET &&
                    memcmp(e.group.addr, group_ip[g], 4) == 0)
      return 1;
  }
  return 0;
}

typedef struct fz {
  vl2_switch *sw;
  shadow s;
  vl2_tstamp now;
} fz;

static vl2_dest dests[64];

static void process(fz *c, const uint8_t *b, size_t len, uint32_t port,
                    vl2_verdict *v, int remote) {
  vl2_frame f;
  memset(&f, 0, sizeof(f));
  f.data = b;
  f.len = (uint32_t)len;
  f.port = port;
  if (remote) {
    f.port = VL2_PORT_REMOTE;
    f.vni = VNI;
    f.remote.family = VL2_AF_INET;
    f.remote.addr[0] = 192;
    f.remote.addr[3] = (uint8_t)(remote);
  }
  FZ_CHECK(fz_trace_process(c->sw, &f, v, dests, 64, c->now) == 1);
  if (v->action == VL2_ACT_DROP)
    FZ_CHECK(v->dest_cnt == 0);
  if (v->action == VL2_ACT_FORWARD && (v->flags & VL2_VFLAG_FLOOD))
    win_add(&c->s.seg, c->now, v->dest_cnt);
  win_check(&c->s.seg, c->s.seg_rate, c->s.seg_burst);
}

/* The set of local ports |v| sends to, as a bit mask. */
static unsigned port_mask(const vl2_verdict *v) {
  unsigned m = 0;
  if (v->action != VL2_ACT_FORWARD)
    return 0;
  for (uint32_t i = 0; i < v->dest_cnt; i++) {
    const vl2_dest *d = &dests[v->dest_off + i];
    if (d->type == VL2_DEST_PORT) {
      FZ_CHECK(d->port < NPORTS);
      FZ_CHECK(!(m & (1u << d->port)));
      m |= 1u << d->port;
    }
  }
  return m;
}

static unsigned shadow_routers(const fz *c) {
  unsigned m = 0;
  for (unsigned p = 0; p < 7; p++)
    if (c->s.router[p] > c->now)
      m |= 1u << p;
  return m;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static fz c;
  fz_in in = {data, size};
  memset(&c, 0, sizeof(c));
  uint8_t cfgb = fz_u8(&in);
  FZ_CHECK(vl2_switch_new(&c.sw, NULL, NULL) == 0);
  vl2_switch_segment_add(c.sw, VNI, NULL);
  for (uint32_t p = 0; p < NPORTS; p++) {
    vl2_port_config pc;
    vl2_port_config_default(&pc, VL2_PORT_ACCESS);
    FZ_CHECK(vl2_switch_port_add(c.sw, p, &pc) == 0);
    FZ_CHECK(vl2_switch_port_vlan_add(c.sw, p, 1, VNI) == 0);
  }
  for (uint8_t r = 1; r <= 2; r++) {
    vl2_ipaddr a;
    memset(&a, 0, sizeof(a));
    a.family = VL2_AF_INET;
    a.addr[0] = 192;
    a.addr[3] = r;
    FZ_CHECK(vl2_switch_remote_add(c.sw, VNI, &a) == 0);
  }
  c.s.unreg_routers = cfgb & 1;
  vl2_mdb_segment_config mc;
  memset(&mc, 0, sizeof(mc));
  mc.flags = VL2_MDB_F_SNOOP;
  if (cfgb & 0x80) {
    mc.flags |= VL2_MDB_F_QUERIER;
    mc.querier_mac.b[0] = 0x02;
    mc.querier_mac.b[5] = 0x05;
    mc.querier_ip4.family = VL2_AF_INET;
    mc.querier_ip4.addr[0] = 10;
    mc.querier_ip4.addr[3] = 5;
  }
  mc.unreg_policy =
      c.s.unreg_routers ? VL2_MDB_UNREG_ROUTERS : VL2_MDB_UNREG_FLOOD;
  FZ_CHECK(vl2_mdb_segment_set(c.sw, VNI, &mc, 0) == 0);
  c.s.bc_rate = 1 + ((cfgb >> 1) & 7) * 7;
  c.s.bc_burst = 1 + ((cfgb >> 4) & 3);
  c.s.seg_rate = (cfgb & 0x40) ? 30 : 0;
  c.s.seg_burst = 12;
  vl2_storm_port_config pcfg;
  memset(&pcfg, 0, sizeof(pcfg));
  pcfg.rate[VL2_STORM_BCAST].pps = c.s.bc_rate;
  pcfg.rate[VL2_STORM_BCAST].burst_frames = (uint32_t)c.s.bc_burst;
  for (uint32_t p = 0; p < 7; p++)
    FZ_CHECK(vl2_storm_port_set(c.sw, p, &pcfg, 0) == 0);
  if (c.s.seg_rate) {
    vl2_storm_segment_config sc;
    memset(&sc, 0, sizeof(sc));
    sc.budget.pps = c.s.seg_rate;
    sc.budget.burst_frames = (uint32_t)c.s.seg_burst;
    FZ_CHECK(vl2_storm_segment_set(c.sw, VNI, &sc, 0) == 0);
  }
  uint8_t b[512];
  vl2_verdict v;
  while (fz_left(&in)) {
    uint8_t k = fz_u8(&in);
    uint8_t a = (k % 8 == 5 || k % 8 == 7) ? 0 : fz_u8(&in);
    unsigned p = a % 7, g = (a >> 3) % NGROUPS;
    int v3 = (a >> 5) & 1;
    size_t len;
    switch (k % 8) {
    case 0:
    case 1: {
      int join = k % 8 == 0;
      static const uint8_t all_routers[4] = {224, 0, 0, 2};
      if (v3)
        len = igmp3(b, p, join ? 4 : 3, group_ip[g]);
      else
        len = igmp(b, p, join ? 0x16 : 0x17, group_ip[g],
                   join ? group_ip[g] : all_routers, NULL);
      unsigned rt = shadow_routers(&c) & ~(1u << p);
      int rt7 = listed(c.sw, -1, 7, c.now);
      process(&c, b, len, p, &v, 0);
      if (join) {
        c.s.member[g][p] = c.now + GMI;
      } else if (c.s.member[g][p] > c.now + LMQT) {
        c.s.member[g][p] = c.now + LMQT;
      }
      /* Reports go to router ports only. */
      if (v.action == VL2_ACT_CONSUMED) {
        FZ_CHECK(rt == 0 && !rt7);
      } else if (v.action == VL2_ACT_DROP) {
        FZ_CHECK(v.reason == VL2_DROP_STORM_CONTROL); /* the budget */
      } else {
        FZ_CHECK(v.action == VL2_ACT_FORWARD);
        FZ_CHECK((port_mask(&v) & 0x7f) == rt);
        FZ_CHECK(!(port_mask(&v) & 0x80) || rt7);
      }
      break;
    }
    case 2: {
      static const uint8_t zero[4] = {0, 0, 0, 0},
                           all_hosts[4] = {224, 0, 0, 1};
      static const uint8_t rtr_ip[4] = {10, 0, 0, 254};
      len = igmp(b, p, 0x11, zero, all_hosts, v3 ? zero : rtr_ip);
      process(&c, b, len, p, &v, 0);
      if (!v3)
        c.s.router[p] = c.now + RTR;
      /* Queries are flooded to everyone. */
      FZ_CHECK(v.action == VL2_ACT_FORWARD ||
               v.reason == VL2_DROP_STORM_CONTROL);
      break;
    }
    case 3: {
      uint8_t pl[16] = {0};
      int remote = (a >> 6) & 1;
      len = ip4(b, p, group_ip[g], 17, pl, sizeof(pl), NULL);
      unsigned members = 0;
      for (unsigned q = 0; q < 7; q++)
        if (c.s.member[g][q] > c.now)
          members |= 1u << q;
      int m7 = listed(c.sw, (int)g, 7, c.now);
      int r7 = listed(c.sw, -1, 7, c.now);
      unsigned rt = shadow_routers(&c);
      unsigned from = remote ? 0 : 1u << p;
      process(&c, b, len, p, &v, remote ? 1 : 0);
      if (v.action == VL2_ACT_DROP) {
        FZ_CHECK(v.reason == VL2_DROP_STORM_CONTROL ||
                 v.reason == VL2_DROP_NO_DESTINATION);
        break;
      }
      unsigned got = port_mask(&v);
      if (members != 0 || m7) {
        /* Registered: exactly members and routers (never a non-member). */
        FZ_CHECK((got & 0x7f) == ((members | rt) & ~from & 0x7f));
        FZ_CHECK(!(got & 0x80) || m7 || r7);
      } else if (c.s.unreg_routers) {
        FZ_CHECK((got & 0x7f) == (rt & ~from));
        FZ_CHECK(!(got & 0x80) || r7);
      } else {
        FZ_CHECK(got == (0xffu & ~from));
      }
      break;
    }
    case 4: {
      memset(b, 0xff, 6);
      static const uint8_t smac[5] = {0x02, 0, 0, 0, 0x42};
      memcpy(b + 6, smac, 5);
      b[11] = (uint8_t)(p + 1);
      b[12] = 0x88;
      b[13] = 0xb5;
      memset(b + 14, 0, 46);
      process(&c, b, 60, p, &v, 0);
      if (v.action == VL2_ACT_FORWARD) {
        win_add(&c.s.bc[p], c.now, 1);
        win_check(&c.s.bc[p], c.s.bc_rate, c.s.bc_burst);
      } else {
        FZ_CHECK(v.reason == VL2_DROP_STORM_CONTROL);
      }
      break;
    }
    case 5: {
      uint8_t st = fz_u8(&in);
      c.now += st == 255 ? 300 * VL2_SEC : (vl2_tstamp)st * st * VL2_MS;
      break;
    }
    case 6: {
      size_t n = a;
      const uint8_t *p6;
      n = fz_bytes(&in, n, &p6);
      memset(b, 0, 14);
      memcpy(b, p6, n);
      if (n < 60)
        n = 60;
      if (b[0] & 1) {
        b[0] = 0x33;
        b[1] = 0x33;
        b[12] = 0x86;
        b[13] = 0xdd;
      } else {
        b[0] = 0x01;
        b[1] = 0x00;
        b[2] = 0x5e;
        b[3] &= 0x7f;
        b[12] = 0x08;
        b[13] = 0x00;
      }
      b[6] = 0x02; /* a unicast source */
      process(&c, b, n, 7, &v, 0);
      break;
    }
    default:
      FZ_CHECK(vl2_switch_run_timers(c.sw, c.now) == 0);
      break;
    }
    /* Drain events and originated frames; nothing grows. */
    vl2_event ev;
    while (vl2_switch_poll_event(c.sw, &ev) == 1)
      FZ_CHECK(ev.at <= c.now);
    uint8_t tx[256];
    vl2_tx_meta meta;
    vl2_ssize r;
    while ((r = vl2_switch_poll_tx(c.sw, tx, sizeof(tx), &meta, c.now)) > 0) {
      if (meta.kind != VL2_TX_MCAST_QUERY)
        continue;
      if (tx[12] != 0x08) { /* MLD: MLDv2 (90 bytes) or MLDv1 (86) */
        FZ_CHECK(r == 86 || r == 90);
        continue;
      }
      FZ_CHECK(r == 46 || r == 50);
      FZ_CHECK(csum(tx + 14, 24) == 0 && csum(tx + 38, (size_t)r - 38) == 0);
      FZ_CHECK(tx[38] == 0x11);
    }
  }
  vl2_mdb_stats st;
  FZ_CHECK(vl2_mdb_get_stats(c.sw, UINT32_MAX, &st) == 0);
  FZ_CHECK(st.group_limit_hits == 0);
  vl2_switch_del(c.sw);
  return 0;
}
