/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/* Neighbours: table, snooping, suppression (byte-exact against scapy
 * vectors), moves and dampening, resolver, directory mode, spoof guard,
 * allocation failures. Everything on a synthetic clock. */
#include <string.h>

#include "helpers.h"
#include "neigh_vectors.h"

#define VNI 100
#define T0 (1000 * VL2_SEC)

#define A_MAC 0x02000000000aULL
#define B_MAC 0x02000000000bULL
#define B2_MAC 0x02000000000cULL
#define C_MAC 0x02000000000dULL
#define GW_MAC 0x020000000001ULL

static vl2t_mem tm;

static vl2_ipaddr ip4(uint8_t d) { return vl2t_ip4(10, 0, 0, d); }

static vl2_ipaddr ip6(uint8_t last) {
  vl2_ipaddr a;
  memset(&a, 0, sizeof(a));
  a.family = VL2_AF_INET6;
  a.addr[0] = 0x20;
  a.addr[1] = 0x01;
  a.addr[2] = 0x0d;
  a.addr[3] = 0xb8;
  a.addr[15] = last;
  return a;
}

/* A switch with segment VNI (|seg_flags|), access ports 1 and 2 in VLAN
 * 10 and trunk port 3 carrying it as VLAN 100; |cfg| may tweak limits. */
static vl2_switch *setup(uint32_t seg_flags, const vl2_switch_config *cfg) {
  vl2t_mem_init(&tm);
  vl2_switch *sw = NULL;
  ck_assert_int_eq(vl2_switch_new(&sw, cfg, &tm.mem), 0);
  vl2t_segment(sw, VNI, seg_flags);
  vl2_port_config pc;
  vl2_port_config_default(&pc, VL2_PORT_ACCESS);
  pc.pvid = 10;
  ck_assert_int_eq(vl2_switch_port_add(sw, 1, &pc), 0);
  ck_assert_int_eq(vl2_switch_port_vlan_add(sw, 1, 10, VNI), 0);
  ck_assert_int_eq(vl2_switch_port_add(sw, 2, &pc), 0);
  ck_assert_int_eq(vl2_switch_port_vlan_add(sw, 2, 10, VNI), 0);
  vl2t_trunk(sw, 3, 0);
  ck_assert_int_eq(vl2_switch_port_vlan_add(sw, 3, 100, VNI), 0);
  return sw;
}

static void teardown_sw(vl2_switch *sw) {
  vl2_switch_del(sw);
  VL2T_ASSERT_NO_LEAKS(&tm);
}

static vl2_switch_config cfg_default(void) {
  vl2_switch_config c;
  vl2_switch_config_default(&c);
  return c;
}

static void add_static(vl2_switch *sw, const vl2_ipaddr *ip, uint64_t mac,
                       uint32_t port) {
  vl2_neigh_entry e;
  memset(&e, 0, sizeof(e));
  e.vni = VNI;
  e.ip = *ip;
  e.mac = vl2t_mac(mac);
  e.port = port;
  ck_assert_int_eq(vl2_neigh_add_static(sw, &e), 0);
}

static void put_mac(uint8_t *p, uint64_t v) {
  vl2_mac m = vl2t_mac(v);
  memcpy(p, m.b, 6);
}

/* An ARP frame (RFC 826), untagged. */
static size_t arp(uint8_t *b, uint16_t op, uint64_t dst, uint64_t src,
                  uint64_t sha, uint8_t spa, uint64_t tha, uint8_t tpa) {
  put_mac(b, dst);
  put_mac(b + 6, src);
  b[12] = 0x08;
  b[13] = 0x06;
  static const uint8_t hdr[6] = {0, 1, 8, 0, 6, 4};
  memcpy(b + 14, hdr, 6);
  b[20] = (uint8_t)(op >> 8);
  b[21] = (uint8_t)op;
  put_mac(b + 22, sha);
  vl2_ipaddr s = ip4(spa), t = ip4(tpa);
  memcpy(b + 28, s.addr, 4);
  if (spa == 0)
    memset(b + 28, 0, 4);
  put_mac(b + 32, tha);
  memcpy(b + 38, t.addr, 4);
  return 42;
}

static uint16_t csum6(const uint8_t *ip) {
  uint32_t sum = 0;
  size_t plen = (size_t)ip[4] << 8 | ip[5];
  for (int i = 8; i < 40; i += 2)
    sum += (uint32_t)ip[i] << 8 | ip[i + 1];
  sum += (uint32_t)plen + 58;
  for (size_t i = 0; i < plen; i += 2)
    sum += (uint32_t)ip[40 + i] << 8 | ip[40 + i + 1];
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (uint16_t)~sum;
}

/* A Neighbor Advertisement for ip6(|tgt|) with |flags| and a TLLA option
 * carrying |tlla|, to all-nodes. */
static size_t na(uint8_t *b, uint64_t src, uint8_t tgt, uint8_t flags,
                 uint64_t tlla) {
  memset(b, 0, 86);
  static const uint8_t dst[6] = {0x33, 0x33, 0, 0, 0, 1};
  memcpy(b, dst, 6);
  put_mac(b + 6, src);
  b[12] = 0x86;
  b[13] = 0xdd;
  uint8_t *ip = b + 14;
  ip[0] = 0x60;
  ip[5] = 32;
  ip[6] = 58;
  ip[7] = 255;
  vl2_ipaddr t = ip6(tgt);
  memcpy(ip + 8, t.addr, 16);
  ip[24] = 0xff;
  ip[25] = 0x02;
  ip[39] = 1;
  uint8_t *ic = ip + 40;
  ic[0] = 136;
  ic[4] = flags;
  memcpy(ic + 8, t.addr, 16);
  ic[24] = 2;
  ic[25] = 1;
  put_mac(ic + 26, tlla);
  uint16_t c = csum6(ip);
  ic[2] = (uint8_t)(c >> 8);
  ic[3] = (uint8_t)c;
  return 86;
}

static void one(vl2_switch *sw, const uint8_t *f, size_t len, uint32_t port,
                vl2_verdict *v, vl2_tstamp now) {
  static vl2_dest dests[256];
  vl2t_one(sw, f, len, port, v, dests, now);
}

static vl2_neigh_stats nstats(const vl2_switch *sw) {
  vl2_neigh_stats st;
  ck_assert_int_eq(vl2_neigh_get_stats(sw, VL2_NEIGH_ALL_SEGMENTS, &st), 0);
  return st;
}

/* Poll one frame and compare it with |want|. */
static void expect_tx(vl2_switch *sw, const uint8_t *want, size_t want_len,
                      uint16_t kind, uint32_t port, vl2_tstamp now) {
  uint8_t buf[2048];
  vl2_tx_meta m;
  vl2_ssize n = vl2_switch_poll_tx(sw, buf, sizeof(buf), &m, now);
  ck_assert_int_eq(n, (vl2_ssize)want_len);
  ck_assert_int_eq(m.kind, kind);
  ck_assert_int_eq(m.dest.type, VL2_DEST_PORT);
  ck_assert_uint_eq(m.dest.port, port);
  ck_assert_int_eq(m.dest.edit, VL2_EDIT_KEEP);
  ck_assert_uint_eq(m.vni, VNI);
  ck_assert_msg(memcmp(buf, want, want_len) == 0, "frame bytes differ");
}

static void expect_no_tx(vl2_switch *sw, vl2_tstamp now) {
  uint8_t buf[2048];
  vl2_tx_meta m;
  ck_assert_int_eq(vl2_switch_poll_tx(sw, buf, sizeof(buf), &m, now), 0);
}

/* Drain events; count those of |type|, remember the last in |last|. */
static int events(vl2_switch *sw, uint16_t type, vl2_event *last) {
  vl2_event ev;
  int n = 0;
  while (vl2_switch_poll_event(sw, &ev) == 1) {
    if (ev.type == type) {
      n++;
      if (last != NULL)
        *last = ev;
    }
  }
  return n;
}

/* ---- suppression, byte-exact ------------------------------------------ */

START_TEST(suppress_arp_reply_bytes) {
  vl2_switch *sw = setup(VL2_SEG_F_ARP_SUPPRESS, NULL);
  vl2_ipaddr b = ip4(20);
  add_static(sw, &b, B_MAC, VL2_NEIGH_PORT_ANY);
  vl2_verdict v;
  one(sw, nv_arp_req, sizeof(nv_arp_req), 1, &v, T0);
  ck_assert_int_eq(v.action, VL2_ACT_CONSUMED);
  ck_assert_uint_eq(v.vni, VNI);
  expect_tx(sw, nv_arp_rep, sizeof(nv_arp_rep), VL2_TX_ARP_REPLY, 1, T0);
  expect_no_tx(sw, T0);
  vl2_neigh_stats st = nstats(sw);
  ck_assert_uint_eq(st.req_answered, 1);
  ck_assert_uint_eq(st.req_missed, 0);
  vl2_switch_stats ss;
  vl2_switch_get_stats(sw, &ss);
  ck_assert_uint_eq(ss.consumed, 1);
  /* The requester's MAC was still learned. */
  vl2_fdb_entry fe;
  vl2_mac a = vl2t_mac(A_MAC);
  ck_assert_int_eq(vl2_fdb_lookup(sw, VNI, &a, &fe, T0), 0);
  ck_assert_uint_eq(fe.port, 1);
  /* The requester was snooped: A's binding is in the table. */
  vl2_neigh_entry ne;
  vl2_ipaddr aip = ip4(10);
  ck_assert_int_eq(vl2_neigh_lookup(sw, VNI, &aip, &ne, T0), 0);
  ck_assert(memcmp(ne.mac.b, a.b, 6) == 0);
  teardown_sw(sw);
}
END_TEST

START_TEST(suppress_arp_reply_tagged_on_trunk) {
  vl2_switch *sw = setup(VL2_SEG_F_ARP_SUPPRESS, NULL);
  vl2_ipaddr b = ip4(20);
  add_static(sw, &b, B_MAC, VL2_NEIGH_PORT_ANY);
  vl2_verdict v;
  one(sw, nv_arp_req_vlan, sizeof(nv_arp_req_vlan), 3, &v, T0);
  ck_assert_int_eq(v.action, VL2_ACT_CONSUMED);
  expect_tx(sw, nv_arp_rep_vlan, sizeof(nv_arp_rep_vlan), VL2_TX_ARP_REPLY, 3,
            T0);
  expect_no_tx(sw, T0);
  teardown_sw(sw);
}
END_TEST

START_TEST(suppress_nd_bytes) {
  vl2_switch *sw = setup(VL2_SEG_F_ARP_SUPPRESS, NULL);
  vl2_ipaddr b = ip6(0xb);
  add_static(sw, &b, B_MAC, VL2_NEIGH_PORT_ANY);
  vl2_verdict v;
  one(sw, nv_ns, sizeof(nv_ns), 1, &v, T0);
  ck_assert_int_eq(v.action, VL2_ACT_CONSUMED);
  expect_tx(sw, nv_na, sizeof(nv_na), VL2_TX_NA, 1, T0);
  one(sw, nv_ns_vlan, sizeof(nv_ns_vlan), 3, &v, T0);
  ck_assert_int_eq(v.action, VL2_ACT_CONSUMED);
  expect_tx(sw, nv_na_vlan, sizeof(nv_na_vlan), VL2_TX_NA, 3, T0);
  expect_no_tx(sw, T0);
  /* The solicitation's source was snooped (SLLA option). */
  vl2_neigh_entry ne;
  vl2_ipaddr a = ip6(0xa);
  ck_assert_int_eq(vl2_neigh_lookup(sw, VNI, &a, &ne, T0), 0);
  ck_assert_int_eq(ne.state, VL2_NEIGH_STALE);
  ck_assert_uint_eq(nstats(sw).nd_in, 2);
  teardown_sw(sw);
}
END_TEST

START_TEST(snooped_binding_answers_and_miss_floods) {
  vl2_switch *sw = setup(VL2_SEG_F_ARP_SUPPRESS, NULL);
  uint8_t f[64];
  vl2_verdict v;
  /* A asks for B: a miss, flooded. */
  one(sw, nv_arp_req, sizeof(nv_arp_req), 1, &v, T0);
  ck_assert_int_eq(v.action, VL2_ACT_FORWARD);
  ck_assert(v.flags & VL2_VFLAG_FLOOD);
  ck_assert_uint_eq(v.dest_cnt, 2);
  expect_no_tx(sw, T0);
  /* B answers (unicast reply): learned as REACHABLE, evented. */
  size_t n = arp(f, 2, A_MAC, B_MAC, B_MAC, 20, A_MAC, 10);
  one(sw, f, n, 2, &v, T0 + 1);
  ck_assert_int_eq(v.action, VL2_ACT_FORWARD);
  vl2_event ev;
  ck_assert_int_eq(events(sw, VL2_EV_NEIGH_ADDED, &ev), 2); /* A and B */
  vl2_neigh_entry ne;
  vl2_ipaddr b = ip4(20);
  ck_assert_int_eq(vl2_neigh_lookup(sw, VNI, &b, &ne, T0 + 1), 0);
  ck_assert_int_eq(ne.state, VL2_NEIGH_REACHABLE);
  ck_assert_uint_eq(ne.port, 2);
  /* C asks for B: answered from the snooped binding. */
  n = arp(f, 1, VL2T_BCAST, C_MAC, C_MAC, 30, 0, 20);
  one(sw, f, n, 1, &v, T0 + 2);
  ck_assert_int_eq(v.action, VL2_ACT_CONSUMED);
  uint8_t want[42];
  arp(want, 2, C_MAC, B_MAC, B_MAC, 20, C_MAC, 30);
  expect_tx(sw, want, 42, VL2_TX_ARP_REPLY, 1, T0 + 2);
  /* After reachable_ns it is STALE but still answers. */
  ck_assert_int_eq(vl2_neigh_lookup(sw, VNI, &b, &ne, T0 + 31 * VL2_SEC), 0);
  ck_assert_int_eq(ne.state, VL2_NEIGH_STALE);
  vl2_neigh_stats st = nstats(sw);
  ck_assert_uint_eq(st.req_missed, 1);
  ck_assert_uint_eq(st.req_flooded, 1);
  ck_assert_uint_eq(st.req_answered, 1);
  ck_assert_uint_eq(st.learned, 3);
  teardown_sw(sw);
}
END_TEST

START_TEST(never_swallowed) {
  vl2_switch *sw = setup(VL2_SEG_F_ARP_SUPPRESS, NULL);
  vl2_ipaddr b = ip4(20);
  add_static(sw, &b, B_MAC, VL2_NEIGH_PORT_ANY);
  uint8_t f[128];
  vl2_verdict v;
  /* An ARP probe (RFC 5227: sender IP 0.0.0.0) for a known IP. */
  size_t n = arp(f, 1, VL2T_BCAST, A_MAC, A_MAC, 0, 0, 20);
  one(sw, f, n, 1, &v, T0);
  ck_assert_int_eq(v.action, VL2_ACT_FORWARD);
  ck_assert(v.flags & VL2_VFLAG_FLOOD);
  /* A unicast request. */
  n = arp(f, 1, B_MAC, A_MAC, A_MAC, 10, 0, 20);
  one(sw, f, n, 1, &v, T0);
  ck_assert_int_eq(v.action, VL2_ACT_FORWARD);
  /* A gratuitous ARP for a learned IP. */
  n = arp(f, 1, VL2T_BCAST, C_MAC, C_MAC, 30, 0, 30);
  one(sw, f, n, 2, &v, T0);
  ck_assert_int_eq(v.action, VL2_ACT_FORWARD);
  /* A DAD solicitation (source ::, no SLLA) for a known IPv6. */
  vl2_ipaddr b6 = ip6(0xb);
  add_static(sw, &b6, B_MAC, VL2_NEIGH_PORT_ANY);
  uint8_t dad[86];
  memcpy(dad, nv_ns, 78);
  memset(dad + 14 + 8, 0, 16); /* source :: */
  dad[14 + 5] = 24;            /* no option */
  dad[14 + 40 + 2] = dad[14 + 40 + 3] = 0;
  uint16_t c = csum6(dad + 14);
  dad[14 + 40 + 2] = (uint8_t)(c >> 8);
  dad[14 + 40 + 3] = (uint8_t)c;
  one(sw, dad, 78, 1, &v, T0);
  ck_assert_int_eq(v.action, VL2_ACT_FORWARD);
  /* A request from a remote endpoint. */
  vl2_ipaddr r = vl2t_ip4(192, 0, 2, 1);
  static vl2_dest dests[256];
  vl2t_one_remote(sw, nv_arp_req, sizeof(nv_arp_req), VNI, &r, &v, dests, T0);
  ck_assert_int_eq(v.action, VL2_ACT_FORWARD);
  expect_no_tx(sw, T0);
  vl2_neigh_stats st = nstats(sw);
  ck_assert_uint_eq(st.probes, 2);
  ck_assert_uint_eq(st.garp, 1);
  ck_assert_uint_eq(st.req_answered, 0);
  ck_assert_uint_eq(st.req_passed, 5);
  /* Without the segment flag nothing is suppressed either. */
  vl2_segment_config sc;
  memset(&sc, 0, sizeof(sc));
  ck_assert_int_eq(vl2_switch_segment_set(sw, VNI, &sc), 0);
  one(sw, nv_arp_req, sizeof(nv_arp_req), 1, &v, T0);
  ck_assert_int_eq(v.action, VL2_ACT_FORWARD);
  expect_no_tx(sw, T0);
  teardown_sw(sw);
}
END_TEST

START_TEST(malformed_is_forwarded_untouched) {
  vl2_switch *sw = setup(VL2_SEG_F_ARP_SUPPRESS, NULL);
  vl2_ipaddr b = ip4(20);
  add_static(sw, &b, B_MAC, VL2_NEIGH_PORT_ANY);
  vl2_verdict v;
  one(sw, nv_arp_req, 30, 1, &v, T0); /* truncated */
  ck_assert_int_eq(v.action, VL2_ACT_FORWARD);
  uint8_t bad[86];
  memcpy(bad, nv_ns, 86);
  bad[85] ^= 1; /* checksum now wrong */
  one(sw, bad, 86, 1, &v, T0);
  ck_assert_int_eq(v.action, VL2_ACT_FORWARD);
  bad[85] ^= 1;
  bad[14 + 7] = 64; /* hop limit not 255 */
  one(sw, bad, 86, 1, &v, T0);
  ck_assert_int_eq(v.action, VL2_ACT_FORWARD);
  expect_no_tx(sw, T0);
  ck_assert_uint_eq(nstats(sw).malformed, 3);
  teardown_sw(sw);
}
END_TEST

/* ---- table: ageing, limits, iteration, flush ---------------------------- */

START_TEST(ageing_lazy_and_swept) {
  vl2_switch_config c = cfg_default();
  c.neigh_ageing_ns = 60 * VL2_SEC;
  vl2_switch *sw = setup(VL2_SEG_F_ARP_SUPPRESS, &c);
  uint8_t f[64];
  vl2_verdict v;
  size_t n = arp(f, 1, VL2T_BCAST, B_MAC, B_MAC, 20, 0, 99);
  one(sw, f, n, 2, &v, T0);
  events(sw, 0, NULL);
  vl2_ipaddr b = ip4(20);
  vl2_neigh_entry ne;
  ck_assert_int_eq(vl2_neigh_lookup(sw, VNI, &b, &ne, T0 + 59 * VL2_SEC), 0);
  ck_assert_uint_eq(ne.expires_at, T0 + 60 * VL2_SEC);
  ck_assert_uint_le(vl2_switch_next_deadline(sw), T0 + 60 * VL2_SEC + VL2_SEC);
  /* Expired: gone for lookups before any timer ran. */
  ck_assert_int_eq(vl2_neigh_lookup(sw, VNI, &b, &ne, T0 + 60 * VL2_SEC),
                   VL2_ERR_NOTFOUND);
  /* Suppression does not answer from it: the request floods. */
  n = arp(f, 1, VL2T_BCAST, A_MAC, A_MAC, 10, 0, 20);
  one(sw, f, n, 1, &v, T0 + 61 * VL2_SEC);
  ck_assert_int_eq(v.action, VL2_ACT_FORWARD);
  ck_assert_int_eq(events(sw, VL2_EV_NEIGH_AGED, NULL), 1);
  /* The sweep reclaims A's entry later. */
  ck_assert_uint_eq(vl2_neigh_count(sw), 1);
  ck_assert_int_eq(vl2_switch_run_timers(sw, T0 + 200 * VL2_SEC), 0);
  ck_assert_int_eq(events(sw, VL2_EV_NEIGH_AGED, NULL), 1);
  ck_assert_uint_eq(vl2_neigh_count(sw), 0);
  ck_assert_uint_eq(nstats(sw).aged, 2);
  teardown_sw(sw);
}
END_TEST

START_TEST(limits_total_and_per_segment) {
  vl2_switch_config c = cfg_default();
  c.max_neigh = 3;
  c.max_neigh_per_segment = 2;
  vl2_switch *sw = setup(0, &c);
  vl2t_segment(sw, 200, 0);
  uint8_t f[64];
  vl2_verdict v;
  for (uint8_t i = 1; i <= 3; i++) {
    size_t n = arp(f, 1, VL2T_BCAST, 0x020000000100ULL + i,
                   0x020000000100ULL + i, i, 0, 99);
    one(sw, f, n, 1, &v, T0);
    ck_assert_int_eq(v.action, VL2_ACT_FORWARD); /* still forwarded */
  }
  ck_assert_uint_eq(vl2_neigh_count(sw), 2);
  ck_assert_uint_eq(nstats(sw).limit_hits, 1);
  vl2_neigh_entry e;
  memset(&e, 0, sizeof(e));
  e.vni = 200;
  e.ip = ip4(1);
  e.mac = vl2t_mac(A_MAC);
  e.port = VL2_NEIGH_PORT_ANY;
  ck_assert_int_eq(vl2_neigh_add_static(sw, &e), 0);
  e.ip = ip4(2);
  ck_assert_int_eq(vl2_neigh_add_static(sw, &e), VL2_ERR_LIMIT);
  e.ip = vl2t_ip4(0, 0, 0, 0);
  ck_assert_int_eq(vl2_neigh_add_static(sw, &e), VL2_ERR_INVALID);
  e.ip = ip4(2);
  e.vni = 999;
  ck_assert_int_eq(vl2_neigh_add_static(sw, &e), VL2_ERR_NOTFOUND);
  teardown_sw(sw);
}
END_TEST

START_TEST(iterate_and_flush) {
  vl2_switch *sw = setup(0, NULL);
  vl2_ipaddr s1 = ip4(1), s2 = ip6(2);
  add_static(sw, &s1, A_MAC, VL2_NEIGH_PORT_ANY);
  add_static(sw, &s2, A_MAC, 1);
  uint8_t f[64];
  vl2_verdict v;
  size_t n = arp(f, 2, A_MAC, B_MAC, B_MAC, 20, A_MAC, 1);
  one(sw, f, n, 2, &v, T0);
  uint64_t cur = 0;
  vl2_neigh_entry e;
  int total = 0, stat = 0;
  while (vl2_neigh_next(sw, &cur, &e, T0) == 1) {
    total++;
    ck_assert_uint_eq(e.vni, VNI);
    if (e.flags & VL2_NEIGH_F_STATIC) {
      stat++;
      ck_assert_int_eq(e.state, VL2_NEIGH_REACHABLE);
      ck_assert_uint_eq(e.expires_at, VL2_TSTAMP_NONE);
    }
  }
  ck_assert_int_eq(total, 3);
  ck_assert_int_eq(stat, 2);
  vl2_neigh_stats st;
  ck_assert_int_eq(vl2_neigh_get_stats(sw, VNI, &st), 0);
  ck_assert_uint_eq(st.entries, 3);
  ck_assert_uint_eq(st.entries_static, 2);
  ck_assert_int_eq(vl2_neigh_flush(sw, VNI, VL2_NEIGH_FLUSH_DYNAMIC), 1);
  ck_assert_int_eq(vl2_neigh_flush(sw, 999, VL2_NEIGH_FLUSH_ALL),
                   VL2_ERR_NOTFOUND);
  ck_assert_int_eq(vl2_neigh_del(sw, VNI, &s1), 0);
  ck_assert_int_eq(vl2_neigh_del(sw, VNI, &s1), VL2_ERR_NOTFOUND);
  ck_assert_int_eq(
      vl2_neigh_flush(sw, VL2_NEIGH_ALL_SEGMENTS, VL2_NEIGH_FLUSH_ALL), 1);
  ck_assert_uint_eq(vl2_neigh_count(sw), 0);
  /* Deleting a segment drops its entries. */
  add_static(sw, &s1, A_MAC, VL2_NEIGH_PORT_ANY);
  ck_assert_int_eq(vl2_switch_port_del(sw, 1), 0);
  ck_assert_int_eq(vl2_switch_port_del(sw, 2), 0);
  ck_assert_int_eq(vl2_switch_port_del(sw, 3), 0);
  ck_assert_int_eq(vl2_switch_segment_del(sw, VNI), 0);
  ck_assert_uint_eq(vl2_neigh_count(sw), 0);
  teardown_sw(sw);
}
END_TEST

/* ---- moves and dampening ------------------------------------------------ */

START_TEST(suppress_cp_only_answers_from_control_plane_bindings) {
  vl2_switch *sw =
      setup(VL2_SEG_F_ARP_SUPPRESS | VL2_SEG_F_SUPPRESS_CP_ONLY, NULL);
  uint8_t f[128];
  vl2_verdict v;
  /* B announces 10.0.0.20 (snooped): not enough to be answered for. */
  size_t n = arp(f, 1, VL2T_BCAST, B_MAC, B_MAC, 20, 0, 20);
  one(sw, f, n, 2, &v, T0);
  vl2_neigh_entry ne;
  vl2_ipaddr b = ip4(20);
  ck_assert_int_eq(vl2_neigh_lookup(sw, VNI, &b, &ne, T0), 0);
  one(sw, nv_arp_req, sizeof(nv_arp_req), 1, &v, T0 + VL2_MS);
  ck_assert_int_eq(v.action, VL2_ACT_FORWARD); /* flooded: the owner answers */
  expect_no_tx(sw, T0);
  ck_assert_uint_eq(nstats(sw).req_answered, 0);
  ck_assert_uint_eq(nstats(sw).req_missed, 1);
  /* The control plane binds it: answered from that binding. */
  add_static(sw, &b, B_MAC, VL2_NEIGH_PORT_ANY);
  one(sw, nv_arp_req, sizeof(nv_arp_req), 1, &v, T0 + 2 * VL2_MS);
  ck_assert_int_eq(v.action, VL2_ACT_CONSUMED);
  expect_tx(sw, nv_arp_rep, sizeof(nv_arp_rep), VL2_TX_ARP_REPLY, 1, T0);
  /* An attacker's GARP claiming it changes nothing the switch answers. */
  n = arp(f, 1, VL2T_BCAST, C_MAC, C_MAC, 20, 0, 20);
  one(sw, f, n, 2, &v, T0 + 3 * VL2_MS);
  n = arp(f, 2, VL2T_BCAST, C_MAC, C_MAC, 20, VL2T_BCAST, 20);
  one(sw, f, n, 2, &v, T0 + 4 * VL2_MS);
  ck_assert_int_eq(vl2_neigh_lookup(sw, VNI, &b, &ne, T0), 0);
  vl2_mac bm = vl2t_mac(B_MAC);
  ck_assert(memcmp(ne.mac.b, bm.b, 6) == 0);
  ck_assert_uint_eq(nstats(sw).static_conflicts, 2);
  one(sw, nv_arp_req, sizeof(nv_arp_req), 1, &v, T0 + 5 * VL2_MS);
  ck_assert_int_eq(v.action, VL2_ACT_CONSUMED);
  expect_tx(sw, nv_arp_rep, sizeof(nv_arp_rep), VL2_TX_ARP_REPLY, 1, T0);
  teardown_sw(sw);
}
END_TEST

START_TEST(garp_and_unsolicited_na_move_ip) {
  vl2_switch *sw = setup(VL2_SEG_F_ARP_SUPPRESS, NULL);
  uint8_t f[128];
  vl2_verdict v;
  size_t n = arp(f, 1, VL2T_BCAST, B_MAC, B_MAC, 20, 0, 20); /* GARP */
  one(sw, f, n, 1, &v, T0);
  ck_assert_int_eq(v.action, VL2_ACT_FORWARD);
  events(sw, 0, NULL);
  /* The VM moved: B2 announces 10.0.0.20 from port 2. */
  n = arp(f, 2, VL2T_BCAST, B2_MAC, B2_MAC, 20, VL2T_BCAST, 20);
  one(sw, f, n, 2, &v, T0 + VL2_MS);
  ck_assert_int_eq(v.action, VL2_ACT_FORWARD);
  vl2_event ev;
  ck_assert_int_eq(events(sw, VL2_EV_NEIGH_MOVED, &ev), 1);
  vl2_mac nb2 = vl2t_mac(B2_MAC), nb1 = vl2t_mac(B_MAC);
  ck_assert(memcmp(ev.mac.b, nb2.b, 6) == 0);
  ck_assert(memcmp(ev.old_mac.b, nb1.b, 6) == 0);
  ck_assert_int_eq(ev.ip.family, VL2_AF_INET);
  ck_assert_uint_eq(ev.port, 2);
  /* Suppression answers with the new MAC at once. */
  one(sw, nv_arp_req, sizeof(nv_arp_req), 1, &v, T0 + 2 * VL2_MS);
  ck_assert_int_eq(v.action, VL2_ACT_CONSUMED);
  uint8_t want[42];
  arp(want, 2, A_MAC, B2_MAC, B2_MAC, 20, A_MAC, 10);
  expect_tx(sw, want, 42, VL2_TX_ARP_REPLY, 1, T0);
  /* IPv6: an unsolicited NA with Override rebinds; without it does not. */
  n = na(f, B_MAC, 0xb, 0x20, B_MAC);
  one(sw, f, n, 1, &v, T0);
  n = na(f, B2_MAC, 0xb, 0x00, B2_MAC); /* O clear: ignored */
  one(sw, f, n, 2, &v, T0);
  vl2_neigh_entry ne;
  vl2_ipaddr b6 = ip6(0xb);
  ck_assert_int_eq(vl2_neigh_lookup(sw, VNI, &b6, &ne, T0), 0);
  ck_assert(memcmp(ne.mac.b, nb1.b, 6) == 0);
  n = na(f, B2_MAC, 0xb, 0x20, B2_MAC);
  one(sw, f, n, 2, &v, T0);
  ck_assert_int_eq(vl2_neigh_lookup(sw, VNI, &b6, &ne, T0), 0);
  ck_assert(memcmp(ne.mac.b, nb2.b, 6) == 0);
  ck_assert_uint_eq(nstats(sw).moves, 2);
  /* A static binding is never moved by snooping. */
  vl2_ipaddr s = ip4(50);
  add_static(sw, &s, C_MAC, VL2_NEIGH_PORT_ANY);
  n = arp(f, 1, VL2T_BCAST, A_MAC, A_MAC, 50, 0, 50);
  one(sw, f, n, 1, &v, T0);
  ck_assert_int_eq(vl2_neigh_lookup(sw, VNI, &s, &ne, T0), 0);
  vl2_mac cm = vl2t_mac(C_MAC);
  ck_assert(memcmp(ne.mac.b, cm.b, 6) == 0);
  ck_assert_uint_eq(nstats(sw).static_conflicts, 1);
  teardown_sw(sw);
}
END_TEST

START_TEST(rarp_moves_fdb) {
  vl2_switch *sw = setup(0, NULL);
  uint8_t f[64];
  vl2_verdict v;
  vl2t_frame(f, VL2T_BCAST, B_MAC, -1);
  one(sw, f, 64, 1, &v, T0);
  ck_assert(v.flags & VL2_VFLAG_LEARNED);
  events(sw, 0, NULL);
  /* RFC 903 request announcing B from port 2 (what hypervisors send after
   * a live migration). */
  size_t n = arp(f, 3, VL2T_BCAST, B_MAC, B_MAC, 0, B_MAC, 0);
  f[12] = 0x80;
  f[13] = 0x35;
  one(sw, f, n, 2, &v, T0 + VL2_US);
  ck_assert_int_eq(v.action, VL2_ACT_FORWARD);
  ck_assert(v.flags & VL2_VFLAG_MOVED);
  vl2_fdb_entry fe;
  vl2_mac bm = vl2t_mac(B_MAC);
  ck_assert_int_eq(vl2_fdb_lookup(sw, VNI, &bm, &fe, T0 + VL2_US), 0);
  ck_assert_uint_eq(fe.port, 2);
  ck_assert_int_eq(events(sw, VL2_EV_FDB_MOVED, NULL), 1);
  ck_assert_uint_eq(nstats(sw).rarp_in, 1);
  teardown_sw(sw);
}
END_TEST

START_TEST(mac_dampening_freezes_and_thaws) {
  vl2_switch_config c = cfg_default();
  c.move_threshold = 2;
  c.move_window_ns = 10 * VL2_SEC;
  c.move_holddown_ns = 60 * VL2_SEC;
  vl2_switch *sw = setup(0, &c);
  uint8_t f[64];
  vl2_verdict v;
  vl2t_frame(f, VL2T_BCAST, B_MAC, -1);
  vl2_tstamp t = T0;
  one(sw, f, 64, 1, &v, t);
  one(sw, f, 64, 2, &v, t += VL2_SEC); /* move 1 */
  ck_assert(v.flags & VL2_VFLAG_MOVED);
  one(sw, f, 64, 1, &v, t += VL2_SEC); /* move 2 */
  ck_assert(v.flags & VL2_VFLAG_MOVED);
  one(sw, f, 64, 2, &v, t += VL2_SEC); /* move 3: frozen */
  ck_assert(v.flags & VL2_VFLAG_FROZEN);
  ck_assert(!(v.flags & VL2_VFLAG_MOVED));
  vl2_event ev;
  ck_assert_int_eq(events(sw, VL2_EV_NEIGH_FROZEN, &ev), 1);
  ck_assert_int_eq(ev.ip.family, VL2_AF_NONE);
  vl2_mac bm = vl2t_mac(B_MAC);
  ck_assert(memcmp(ev.mac.b, bm.b, 6) == 0);
  vl2_fdb_entry fe;
  ck_assert_int_eq(vl2_fdb_lookup(sw, VNI, &bm, &fe, t), 0);
  ck_assert_uint_eq(fe.port, 1);
  /* Still frozen: stays on port 1; the frame itself is forwarded. */
  one(sw, f, 64, 2, &v, t += 30 * VL2_SEC);
  ck_assert_int_eq(v.action, VL2_ACT_FORWARD);
  ck_assert(v.flags & VL2_VFLAG_FROZEN);
  ck_assert_int_eq(vl2_fdb_lookup(sw, VNI, &bm, &fe, t), 0);
  ck_assert_uint_eq(fe.port, 1);
  /* Hold-down ends: the timer thaws it (evented), then it may move. */
  vl2_tstamp thaw = T0 + 3 * VL2_SEC + 60 * VL2_SEC;
  ck_assert_uint_le(vl2_switch_next_deadline(sw), thaw);
  vl2_switch_run_timers(sw, thaw);
  ck_assert_int_eq(events(sw, VL2_EV_NEIGH_THAWED, NULL), 1);
  one(sw, f, 64, 2, &v, thaw + 1);
  ck_assert(v.flags & VL2_VFLAG_MOVED);
  vl2_neigh_stats st = nstats(sw);
  ck_assert_uint_eq(st.mac_frozen, 1);
  ck_assert_uint_eq(st.thawed, 1);
  ck_assert_uint_eq(st.frozen_blocked, 2);
  /* Moves spread wider than the window never freeze. */
  for (int i = 0; i < 10; i++) {
    one(sw, f, 64, 1 + (uint32_t)(i & 1), &v,
        t = thaw + 1 + (vl2_tstamp)(i + 1) * 11 * VL2_SEC);
    ck_assert(!(v.flags & VL2_VFLAG_FROZEN));
  }
  teardown_sw(sw);
}
END_TEST

START_TEST(ip_dampening_freezes_and_thaws) {
  vl2_switch_config c = cfg_default();
  c.move_threshold = 1;
  c.move_window_ns = 10 * VL2_SEC;
  c.move_holddown_ns = 20 * VL2_SEC;
  vl2_switch *sw = setup(VL2_SEG_F_ARP_SUPPRESS, &c);
  uint8_t f[64];
  vl2_verdict v;
  vl2_tstamp t = T0;
  size_t n = arp(f, 1, VL2T_BCAST, B_MAC, B_MAC, 20, 0, 20);
  one(sw, f, n, 1, &v, t);
  n = arp(f, 1, VL2T_BCAST, B2_MAC, B2_MAC, 20, 0, 20);
  one(sw, f, n, 2, &v, t += VL2_SEC); /* move 1: allowed */
  n = arp(f, 1, VL2T_BCAST, C_MAC, C_MAC, 20, 0, 20);
  one(sw, f, n, 1, &v, t += VL2_SEC); /* move 2: frozen */
  vl2_ipaddr b = ip4(20);
  vl2_neigh_entry ne;
  ck_assert_int_eq(vl2_neigh_lookup(sw, VNI, &b, &ne, t), 0);
  vl2_mac b2 = vl2t_mac(B2_MAC);
  ck_assert(memcmp(ne.mac.b, b2.b, 6) == 0);
  ck_assert(ne.flags & VL2_NEIGH_F_FROZEN);
  vl2_event ev;
  ck_assert_int_eq(events(sw, VL2_EV_NEIGH_FROZEN, &ev), 1);
  ck_assert_int_eq(ev.ip.family, VL2_AF_INET);
  /* Frozen: no change. */
  one(sw, f, n, 1, &v, t += VL2_SEC);
  ck_assert_int_eq(vl2_neigh_lookup(sw, VNI, &b, &ne, t), 0);
  ck_assert(memcmp(ne.mac.b, b2.b, 6) == 0);
  /* After hold-down it thaws and the next GARP rebinds. */
  vl2_switch_run_timers(sw, T0 + 2 * VL2_SEC + 20 * VL2_SEC);
  ck_assert_int_eq(events(sw, VL2_EV_NEIGH_THAWED, NULL), 1);
  t = T0 + 23 * VL2_SEC;
  one(sw, f, n, 1, &v, t);
  ck_assert_int_eq(vl2_neigh_lookup(sw, VNI, &b, &ne, t), 0);
  vl2_mac cm = vl2t_mac(C_MAC);
  ck_assert(memcmp(ne.mac.b, cm.b, 6) == 0);
  ck_assert(!(ne.flags & VL2_NEIGH_F_FROZEN));
  vl2_neigh_stats st = nstats(sw);
  ck_assert_uint_eq(st.ip_frozen, 1);
  ck_assert_uint_eq(st.moves, 2);
  teardown_sw(sw);
}
END_TEST

/* ---- resolver ----------------------------------------------------------- */

static void set_gw(vl2_switch *sw) {
  vl2_neigh_gateway gw;
  memset(&gw, 0, sizeof(gw));
  gw.mac = vl2t_mac(GW_MAC);
  gw.ip4 = ip4(1);
  gw.ip6.family = VL2_AF_INET6;
  gw.ip6.addr[0] = 0xfe;
  gw.ip6.addr[1] = 0x80;
  gw.ip6.addr[15] = 1;
  ck_assert_int_eq(vl2_neigh_set_gateway(sw, VNI, &gw), 0);
}

/* Poll the copies of a flooded frame; each must equal |want|. Returns the
 * number of copies (ports 1, 2 untagged, 3 tagged VLAN 100). */
static int expect_flood(vl2_switch *sw, const uint8_t *want, size_t len,
                        uint16_t kind) {
  uint8_t buf[2048];
  vl2_tx_meta m;
  int copies = 0;
  for (;;) {
    vl2_ssize n = vl2_switch_poll_tx(sw, buf, sizeof(buf), &m, T0);
    if (n == 0)
      break;
    ck_assert_int_eq(m.kind, kind);
    ck_assert(m.flags & VL2_TX_F_FLOOD);
    if (m.dest.port == 3) {
      ck_assert_int_eq(n, (vl2_ssize)len + 4);
      ck_assert(memcmp(buf, want, 12) == 0);
      ck_assert(buf[12] == 0x81 && buf[13] == 0 && buf[14] == 0 &&
                buf[15] == 100);
      ck_assert(memcmp(buf + 16, want + 12, len - 12) == 0);
    } else {
      ck_assert_int_eq(n, (vl2_ssize)len);
      ck_assert(memcmp(buf, want, len) == 0);
    }
    copies++;
  }
  return copies;
}

static void resolve_and_release(int v6) {
  vl2_switch *sw = setup(0, NULL);
  set_gw(sw);
  vl2_ipaddr b = v6 ? ip6(0xb) : ip4(20);
  const uint8_t *pkt = v6 ? nv_pkt6 : nv_pkt4;
  size_t plen = v6 ? sizeof(nv_pkt6) : sizeof(nv_pkt4);
  const uint8_t *frame = v6 ? nv_pkt6_frame : nv_pkt4_frame;
  uint8_t p[128];
  for (uint8_t i = 0; i < 3; i++) {
    memcpy(p, pkt, plen);
    p[plen - 1] = (uint8_t)(p[plen - 1] + i); /* tells them apart */
    ck_assert_int_eq(vl2_neigh_send(sw, VNI, &b, NULL, p, plen, T0),
                     VL2_NEIGH_QUEUED);
  }
  vl2_neigh_entry ne;
  ck_assert_int_eq(vl2_neigh_lookup(sw, VNI, &b, &ne, T0), 0);
  ck_assert_int_eq(ne.state, VL2_NEIGH_INCOMPLETE);
  ck_assert_uint_eq(ne.queued, 3);
  /* One request, flooded to the three ports. */
  if (v6)
    ck_assert_int_eq(expect_flood(sw, nv_res_ns, sizeof(nv_res_ns), VL2_TX_NS),
                     3);
  else
    ck_assert_int_eq(
        expect_flood(sw, nv_res_arp, sizeof(nv_res_arp), VL2_TX_ARP_REQUEST),
        3);
  ck_assert_uint_eq(vl2_switch_next_deadline(sw), T0 + VL2_SEC);
  /* B answers from port 2. */
  vl2_verdict v;
  if (v6)
    one(sw, nv_res_na, sizeof(nv_res_na), 2, &v, T0 + VL2_MS);
  else
    one(sw, nv_res_arp_rep, sizeof(nv_res_arp_rep), 2, &v, T0 + VL2_MS);
  ck_assert_int_eq(vl2_neigh_lookup(sw, VNI, &b, &ne, T0 + VL2_MS), 0);
  ck_assert_int_eq(ne.state, VL2_NEIGH_REACHABLE);
  ck_assert_uint_eq(ne.queued, 0);
  /* Released in order, to port 2 only (the FDB learned B there). */
  size_t flen = plen + 14;
  for (uint8_t i = 0; i < 3; i++) {
    uint8_t want[160];
    memcpy(want, frame, flen);
    want[flen - 1] = (uint8_t)(want[flen - 1] + i);
    expect_tx(sw, want, flen, VL2_TX_PACKET, 2, T0 + VL2_MS);
  }
  expect_no_tx(sw, T0);
  /* Resolved: the next packet goes straight out. */
  ck_assert_int_eq(vl2_neigh_send(sw, VNI, &b, NULL, pkt, plen, T0 + VL2_MS),
                   VL2_NEIGH_SENT);
  expect_tx(sw, frame, flen, VL2_TX_PACKET, 2, T0 + VL2_MS);
  vl2_neigh_stats st = nstats(sw);
  ck_assert_uint_eq(st.queued, 3);
  ck_assert_uint_eq(st.released, 3);
  ck_assert_uint_eq(st.res_resolved, 1);
  ck_assert_uint_eq(st.res_solicits, 1);
  teardown_sw(sw);
}

START_TEST(resolver_arp_releases_in_order) { resolve_and_release(0); }
END_TEST

START_TEST(resolver_nd_releases_in_order) { resolve_and_release(1); }
END_TEST

START_TEST(resolver_retries_with_backoff_then_fails) {
  vl2_switch *sw = setup(0, NULL);
  set_gw(sw);
  vl2_ipaddr b = ip4(20);
  ck_assert_int_eq(
      vl2_neigh_send(sw, VNI, &b, NULL, nv_pkt4, sizeof(nv_pkt4), T0),
      VL2_NEIGH_QUEUED);
  ck_assert_int_eq(
      vl2_neigh_send(sw, VNI, &b, NULL, nv_pkt4, sizeof(nv_pkt4), T0),
      VL2_NEIGH_QUEUED);
  ck_assert_int_eq(expect_flood(sw, nv_res_arp, 42, VL2_TX_ARP_REQUEST), 3);
  /* Back-off: 1 s, then 2 s, then 4 s. */
  ck_assert_uint_eq(vl2_switch_next_deadline(sw), T0 + VL2_SEC);
  vl2_switch_run_timers(sw, T0 + VL2_SEC - 1); /* early: nothing */
  expect_no_tx(sw, T0);
  vl2_switch_run_timers(sw, T0 + VL2_SEC);
  ck_assert_int_eq(expect_flood(sw, nv_res_arp, 42, VL2_TX_ARP_REQUEST), 3);
  ck_assert_uint_eq(vl2_switch_next_deadline(sw), T0 + 3 * VL2_SEC);
  vl2_switch_run_timers(sw, T0 + 3 * VL2_SEC);
  ck_assert_int_eq(expect_flood(sw, nv_res_arp, 42, VL2_TX_ARP_REQUEST), 3);
  ck_assert_uint_eq(vl2_switch_next_deadline(sw), T0 + 7 * VL2_SEC);
  events(sw, 0, NULL);
  vl2_switch_run_timers(sw, T0 + 7 * VL2_SEC);
  expect_no_tx(sw, T0);
  vl2_event ev;
  ck_assert_int_eq(events(sw, VL2_EV_NEIGH_FAILED, &ev), 1);
  ck_assert_int_eq(ev.reason, 2);
  vl2_neigh_entry ne;
  ck_assert_int_eq(vl2_neigh_lookup(sw, VNI, &b, &ne, T0 + 7 * VL2_SEC), 0);
  ck_assert_int_eq(ne.state, VL2_NEIGH_FAILED);
  vl2_neigh_stats st = nstats(sw);
  ck_assert_uint_eq(st.res_failed, 1);
  ck_assert_uint_eq(st.queue_drops_failed, 2);
  ck_assert_uint_eq(st.res_solicits, 3);
  /* A new packet restarts resolution. */
  ck_assert_int_eq(vl2_neigh_send(sw, VNI, &b, NULL, nv_pkt4, sizeof(nv_pkt4),
                                  T0 + 8 * VL2_SEC),
                   VL2_NEIGH_QUEUED);
  ck_assert_int_eq(vl2_neigh_lookup(sw, VNI, &b, &ne, T0 + 8 * VL2_SEC), 0);
  ck_assert_int_eq(ne.state, VL2_NEIGH_INCOMPLETE);
  teardown_sw(sw);
}
END_TEST

START_TEST(resolver_queue_bounded_oldest_dropped) {
  vl2_switch_config c = cfg_default();
  c.neigh_queue_per_entry = 2;
  c.neigh_queue_max = 3;
  vl2_switch *sw = setup(0, &c);
  set_gw(sw);
  vl2_ipaddr b = ip4(20), d = ip4(21);
  uint8_t p[64];
  memcpy(p, nv_pkt4, sizeof(nv_pkt4));
  for (uint8_t i = 0; i < 3; i++) {
    p[sizeof(nv_pkt4) - 1] = i;
    ck_assert_int_eq(vl2_neigh_send(sw, VNI, &b, NULL, p, sizeof(nv_pkt4), T0),
                     VL2_NEIGH_QUEUED);
  }
  ck_assert_uint_eq(nstats(sw).queue_drops_full, 1);
  /* The pool (3) holds 2 of b's; d gets one, then only by dropping its
   * own oldest; a third destination finds the pool full. */
  ck_assert_int_eq(vl2_neigh_send(sw, VNI, &d, NULL, p, sizeof(nv_pkt4), T0),
                   VL2_NEIGH_QUEUED);
  ck_assert_int_eq(vl2_neigh_send(sw, VNI, &d, NULL, p, sizeof(nv_pkt4), T0),
                   VL2_NEIGH_QUEUED);
  vl2_ipaddr e3 = ip4(22);
  ck_assert_int_eq(vl2_neigh_send(sw, VNI, &e3, NULL, p, sizeof(nv_pkt4), T0),
                   VL2_ERR_AGAIN);
  ck_assert_uint_eq(nstats(sw).queue_drops_full, 3);
  while (vl2_switch_poll_tx(sw, p, sizeof(p), &(vl2_tx_meta){0}, T0) > 0)
    ;
  /* Release b: packets 1 and 2 (0 was dropped). */
  one(sw, nv_res_arp_rep, sizeof(nv_res_arp_rep), 2, &(vl2_verdict){0}, T0);
  for (uint8_t i = 1; i < 3; i++) {
    uint8_t want[64];
    memcpy(want, nv_pkt4_frame, sizeof(nv_pkt4_frame));
    want[sizeof(nv_pkt4_frame) - 1] = i;
    expect_tx(sw, want, sizeof(nv_pkt4_frame), VL2_TX_PACKET, 2, T0);
  }
  expect_no_tx(sw, T0);
  /* Errors. */
  ck_assert_int_eq(vl2_neigh_send(sw, 999, &b, NULL, nv_pkt4, 20, T0),
                   VL2_ERR_NOTFOUND);
  uint8_t big[1600];
  memset(big, 0x45, sizeof(big));
  ck_assert_int_eq(vl2_neigh_send(sw, VNI, &b, NULL, big, 1501, T0),
                   VL2_ERR_NOBUF);
  big[0] = 0x55;
  ck_assert_int_eq(vl2_neigh_send(sw, VNI, &b, NULL, big, 20, T0),
                   VL2_ERR_INVALID);
  vl2_ipaddr mc = vl2t_ip4(224, 0, 0, 1);
  ck_assert_int_eq(vl2_neigh_send(sw, VNI, &mc, NULL, nv_pkt4, 20, T0),
                   VL2_ERR_INVALID);
  ck_assert_int_eq(vl2_neigh_set_gateway(sw, VNI, NULL), 0);
  ck_assert_int_eq(vl2_neigh_send(sw, VNI, &b, NULL, nv_pkt4, 20, T0),
                   VL2_ERR_NOTFOUND);
  teardown_sw(sw);
}
END_TEST

START_TEST(resolver_stale_delay_probe_reachable) {
  vl2_switch *sw = setup(0, NULL);
  set_gw(sw);
  vl2_ipaddr b = ip4(20);
  vl2_verdict v;
  /* B's GARP: a STALE binding (unconfirmed). */
  uint8_t f[64];
  size_t n = arp(f, 1, VL2T_BCAST, B_MAC, B_MAC, 20, 0, 20);
  one(sw, f, n, 2, &v, T0);
  vl2_neigh_entry ne;
  ck_assert_int_eq(vl2_neigh_lookup(sw, VNI, &b, &ne, T0), 0);
  ck_assert_int_eq(ne.state, VL2_NEIGH_STALE);
  /* Use: sent at once with the cached MAC, entry enters DELAY. */
  ck_assert_int_eq(
      vl2_neigh_send(sw, VNI, &b, NULL, nv_pkt4, sizeof(nv_pkt4), T0),
      VL2_NEIGH_SENT);
  expect_tx(sw, nv_pkt4_frame, sizeof(nv_pkt4_frame), VL2_TX_PACKET, 2, T0);
  ck_assert_int_eq(vl2_neigh_lookup(sw, VNI, &b, &ne, T0), 0);
  ck_assert_int_eq(ne.state, VL2_NEIGH_DELAY);
  ck_assert_uint_eq(vl2_switch_next_deadline(sw), T0 + 5 * VL2_SEC);
  /* No confirmation in 5 s: PROBE with a unicast request to B's port. */
  vl2_switch_run_timers(sw, T0 + 5 * VL2_SEC);
  ck_assert_int_eq(vl2_neigh_lookup(sw, VNI, &b, &ne, T0 + 5 * VL2_SEC), 0);
  ck_assert_int_eq(ne.state, VL2_NEIGH_PROBE);
  uint8_t want[42];
  memcpy(want, nv_res_arp, 42);
  put_mac(want, B_MAC);
  expect_tx(sw, want, 42, VL2_TX_ARP_REQUEST, 2, T0);
  /* The reply confirms: REACHABLE. */
  one(sw, nv_res_arp_rep, sizeof(nv_res_arp_rep), 2, &v, T0 + 5 * VL2_SEC + 1);
  ck_assert_int_eq(vl2_neigh_lookup(sw, VNI, &b, &ne, T0 + 5 * VL2_SEC + 1), 0);
  ck_assert_int_eq(ne.state, VL2_NEIGH_REACHABLE);
  /* A probe that is never answered ends in FAILED. */
  vl2_tstamp t = T0 + 100 * VL2_SEC;
  ck_assert_int_eq(
      vl2_neigh_send(sw, VNI, &b, NULL, nv_pkt4, sizeof(nv_pkt4), t),
      VL2_NEIGH_SENT); /* STALE by now -> DELAY */
  for (int i = 0; i < 20; i++)
    vl2_switch_run_timers(sw, t += VL2_SEC);
  ck_assert_int_eq(vl2_neigh_lookup(sw, VNI, &b, &ne, t), 0);
  ck_assert_int_eq(ne.state, VL2_NEIGH_FAILED);
  teardown_sw(sw);
}
END_TEST

START_TEST(poll_tx_nobuf_and_invalid) {
  vl2_switch *sw = setup(VL2_SEG_F_ARP_SUPPRESS, NULL);
  vl2_ipaddr b = ip4(20);
  add_static(sw, &b, B_MAC, VL2_NEIGH_PORT_ANY);
  vl2_verdict v;
  one(sw, nv_arp_req, sizeof(nv_arp_req), 1, &v, T0);
  uint8_t small[20];
  vl2_tx_meta m;
  ck_assert_int_eq(vl2_switch_poll_tx(sw, small, sizeof(small), &m, T0),
                   VL2_ERR_NOBUF);
  ck_assert_uint_eq(m.len, 42);
  ck_assert_int_eq(vl2_switch_poll_tx(NULL, small, 1, &m, T0), VL2_ERR_INVALID);
  expect_tx(sw, nv_arp_rep, 42, VL2_TX_ARP_REPLY, 1, T0);
  teardown_sw(sw);
}
END_TEST

/* The originated-frame queue follows vl2_switch_process()'s rule: a
 * resolver packet too big for the underlay once encapsulated is not sent
 * to a remote endpoint, whether flooded (unknown destination MAC) or
 * unicast (the MAC behind the endpoint); the skip is counted, and the
 * local copies still go out. */
START_TEST(poll_tx_checks_underlay_mtu) {
  vl2_switch *sw = setup(0, NULL);
  set_gw(sw);
  vl2_vxlan_config vx;
  vl2_vxlan_config_default(&vx);
  vx.local = vl2t_ip4(192, 0, 2, 1);
  vx.underlay_mtu = 600; /* inner frames up to 550 bytes */
  ck_assert_int_eq(vl2_switch_set_overlay(sw, &vx), 0);
  vl2_ipaddr vtep = vl2t_ip4(192, 0, 2, 9);
  ck_assert_int_eq(vl2_switch_remote_add(sw, VNI, &vtep), 0);
  vl2_ipaddr b = ip4(20);
  add_static(sw, &b, 0x02000000b0b0, VL2_NEIGH_PORT_ANY);
  uint8_t pkt[1000];
  memset(pkt, 0, sizeof(pkt));
  pkt[0] = 0x45;
  pkt[2] = sizeof(pkt) >> 8;
  pkt[3] = sizeof(pkt) & 0xff;
  vl2_mac src = vl2t_mac(GW_MAC);
  uint8_t buf[2048];
  vl2_tx_meta m;
  vl2_switch_stats st;

  /* Flooded: the MAC is in no FDB entry. */
  ck_assert_int_eq(vl2_neigh_send(sw, VNI, &b, &src, pkt, sizeof(pkt), T0),
                   VL2_NEIGH_SENT);
  int ports = 0, remotes = 0;
  vl2_ssize n;
  while ((n = vl2_switch_poll_tx(sw, buf, sizeof(buf), &m, T0)) > 0) {
    if (m.dest.type == VL2_DEST_REMOTE)
      remotes++;
    else
      ports++;
  }
  ck_assert_int_eq(n, 0);
  ck_assert_int_eq(ports, 3);
  ck_assert_int_eq(remotes, 0);
  ck_assert_int_eq(vl2_switch_get_stats(sw, &st), 0);
  ck_assert_uint_eq(st.overlay_mtu_skips, 1);

  /* A small packet still reaches the endpoint. */
  ck_assert_int_eq(vl2_neigh_send(sw, VNI, &b, &src, pkt, 100, T0),
                   VL2_NEIGH_SENT);
  remotes = 0;
  while ((n = vl2_switch_poll_tx(sw, buf, sizeof(buf), &m, T0)) > 0)
    remotes += m.dest.type == VL2_DEST_REMOTE;
  ck_assert_int_eq(remotes, 1);

  /* Unicast: the MAC is behind the endpoint. */
  vl2_fdb_entry e;
  memset(&e, 0, sizeof(e));
  e.vni = VNI;
  e.mac = vl2t_mac(0x02000000b0b0);
  e.flags = VL2_FDB_F_REMOTE;
  e.remote = vtep;
  ck_assert_int_eq(vl2_fdb_add_static(sw, &e), 0);
  ck_assert_int_eq(vl2_neigh_send(sw, VNI, &b, &src, pkt, sizeof(pkt), T0),
                   VL2_NEIGH_SENT);
  ck_assert_int_eq(vl2_switch_poll_tx(sw, buf, sizeof(buf), &m, T0), 0);
  ck_assert_int_eq(vl2_switch_get_stats(sw, &st), 0);
  ck_assert_uint_eq(st.overlay_mtu_skips, 2);
  ck_assert_uint_eq(nstats(sw).tx_dropped, 1);
  teardown_sw(sw);
}
END_TEST

START_TEST(tx_queue_full_falls_back_to_flood) {
  vl2_switch_config c = cfg_default();
  c.tx_queue_cap = 1;
  vl2_switch *sw = setup(VL2_SEG_F_ARP_SUPPRESS, &c);
  vl2_ipaddr b = ip4(20);
  add_static(sw, &b, B_MAC, VL2_NEIGH_PORT_ANY);
  vl2_verdict v;
  one(sw, nv_arp_req, sizeof(nv_arp_req), 1, &v, T0);
  ck_assert_int_eq(v.action, VL2_ACT_CONSUMED);
  one(sw, nv_arp_req, sizeof(nv_arp_req), 1, &v, T0);
  ck_assert_int_eq(v.action, VL2_ACT_FORWARD); /* not lost: flooded */
  vl2_neigh_stats st = nstats(sw);
  ck_assert_uint_eq(st.tx_overflow, 1);
  ck_assert_uint_eq(st.req_flooded, 1);
  teardown_sw(sw);
}
END_TEST

/* ---- directory mode ----------------------------------------------------- */

START_TEST(directory_lookup_answered_to_every_asker) {
  vl2_switch *sw = setup(VL2_SEG_F_DIRECTORY, NULL);
  vl2_verdict v;
  one(sw, nv_arp_req, sizeof(nv_arp_req), 1, &v, T0);
  ck_assert_int_eq(v.action, VL2_ACT_CONSUMED);
  vl2_event ev;
  ck_assert_int_eq(events(sw, VL2_EV_NEIGH_LOOKUP, &ev), 1);
  ck_assert_uint_eq(ev.vni, VNI);
  ck_assert_uint_eq(ev.port, 1);
  vl2_ipaddr b = ip4(20);
  ck_assert(memcmp(&ev.ip, &b, sizeof(b)) == 0);
  /* The same host again, and another host: joined, no new event. */
  one(sw, nv_arp_req, sizeof(nv_arp_req), 1, &v, T0 + 1);
  ck_assert_int_eq(v.action, VL2_ACT_CONSUMED);
  uint8_t f[64];
  size_t n = arp(f, 1, VL2T_BCAST, C_MAC, C_MAC, 30, 0, 20);
  one(sw, f, n, 2, &v, T0 + 2);
  ck_assert_int_eq(v.action, VL2_ACT_CONSUMED);
  ck_assert_int_eq(events(sw, VL2_EV_NEIGH_LOOKUP, NULL), 0);
  expect_no_tx(sw, T0);
  vl2_mac bm = vl2t_mac(B_MAC);
  ck_assert_int_eq(vl2_neigh_dir_answer(sw, VNI, &b, &bm, T0 + 3), 2);
  expect_tx(sw, nv_arp_rep, 42, VL2_TX_ARP_REPLY, 1, T0);
  uint8_t want[42];
  arp(want, 2, C_MAC, B_MAC, B_MAC, 20, C_MAC, 30);
  expect_tx(sw, want, 42, VL2_TX_ARP_REPLY, 2, T0);
  expect_no_tx(sw, T0);
  /* Cached: the next request is answered directly. */
  vl2_neigh_entry ne;
  ck_assert_int_eq(vl2_neigh_lookup(sw, VNI, &b, &ne, T0 + 3), 0);
  ck_assert(ne.flags & VL2_NEIGH_F_DIRECTORY);
  one(sw, nv_arp_req, sizeof(nv_arp_req), 1, &v, T0 + 4);
  ck_assert_int_eq(v.action, VL2_ACT_CONSUMED);
  expect_tx(sw, nv_arp_rep, 42, VL2_TX_ARP_REPLY, 1, T0);
  vl2_neigh_stats st = nstats(sw);
  ck_assert_uint_eq(st.dir_lookups, 1);
  ck_assert_uint_eq(st.dir_dedup, 2);
  ck_assert_uint_eq(st.dir_answered, 1);
  ck_assert_uint_eq(st.req_flooded, 0);
  /* Answering again: nothing pending. */
  ck_assert_int_eq(vl2_neigh_dir_answer(sw, VNI, &b, &bm, T0 + 5),
                   VL2_ERR_NOTFOUND);
  teardown_sw(sw);
}
END_TEST

START_TEST(directory_refused_never_replies) {
  vl2_switch *sw = setup(VL2_SEG_F_DIRECTORY, NULL);
  vl2_verdict v;
  one(sw, nv_ns, sizeof(nv_ns), 1, &v, T0);
  ck_assert_int_eq(v.action, VL2_ACT_CONSUMED);
  vl2_ipaddr b = ip6(0xb);
  ck_assert_int_eq(vl2_neigh_dir_answer(sw, VNI, &b, NULL, T0 + 1), 0);
  expect_no_tx(sw, T0);
  vl2_neigh_entry ne;
  ck_assert_int_eq(vl2_neigh_lookup(sw, VNI, &b, &ne, T0 + 1),
                   VL2_ERR_NOTFOUND);
  vl2_mac bm = vl2t_mac(B_MAC);
  ck_assert_int_eq(vl2_neigh_dir_answer(sw, VNI, &b, &bm, T0 + 2),
                   VL2_ERR_NOTFOUND);
  expect_no_tx(sw, T0);
  ck_assert_uint_eq(nstats(sw).dir_refused, 1);
  teardown_sw(sw);
}
END_TEST

START_TEST(directory_timeout_and_full) {
  vl2_switch_config c = cfg_default();
  c.dir_max_pending = 1;
  vl2_switch *sw = setup(VL2_SEG_F_DIRECTORY, &c);
  vl2_verdict v;
  one(sw, nv_arp_req, sizeof(nv_arp_req), 1, &v, T0);
  ck_assert_int_eq(v.action, VL2_ACT_CONSUMED);
  uint8_t f[64];
  size_t n = arp(f, 1, VL2T_BCAST, A_MAC, A_MAC, 10, 0, 77);
  one(sw, f, n, 1, &v, T0);
  ck_assert_int_eq(v.action, VL2_ACT_DROP);
  ck_assert_int_eq(v.reason, VL2_DROP_DIR_FULL);
  ck_assert_str_eq(vl2_drop_reason_name(VL2_DROP_DIR_FULL), "dir_full");
  ck_assert_uint_eq(vl2_switch_next_deadline(sw), T0 + VL2_SEC);
  events(sw, 0, NULL);
  vl2_switch_run_timers(sw, T0 + VL2_SEC);
  ck_assert_int_eq(events(sw, VL2_EV_NEIGH_LOOKUP_TIMEOUT, NULL), 1);
  vl2_ipaddr b = ip4(20);
  vl2_mac bm = vl2t_mac(B_MAC);
  ck_assert_int_eq(vl2_neigh_dir_answer(sw, VNI, &b, &bm, T0 + VL2_SEC),
                   VL2_ERR_NOTFOUND);
  expect_no_tx(sw, T0);
  vl2_neigh_stats st = nstats(sw);
  ck_assert_uint_eq(st.dir_timeouts, 1);
  ck_assert_uint_eq(st.dir_full, 1);
  /* Room again. */
  one(sw, f, n, 1, &v, T0 + 2 * VL2_SEC);
  ck_assert_int_eq(v.action, VL2_ACT_CONSUMED);
  teardown_sw(sw);
}
END_TEST

/* ---- spoof guard and inspection ----------------------------------------- */

START_TEST(spoof_guard_drops_mismatched_sender) {
  vl2_switch *sw = setup(VL2_SEG_F_ARP_SUPPRESS, NULL);
  vl2_port_config pc;
  vl2_port_config_default(&pc, VL2_PORT_ACCESS);
  pc.pvid = 10;
  pc.flags |= VL2_PORT_F_SPOOF_GUARD;
  ck_assert_int_eq(vl2_switch_port_set(sw, 1, &pc), 0);
  uint8_t f[128];
  vl2_verdict v;
  /* A claims to be B in the ARP body. */
  size_t n = arp(f, 2, VL2T_BCAST, A_MAC, B_MAC, 20, 0, 20);
  one(sw, f, n, 1, &v, T0);
  ck_assert_int_eq(v.action, VL2_ACT_DROP);
  ck_assert_int_eq(v.reason, VL2_DROP_ARP_SPOOF);
  ck_assert_str_eq(vl2_drop_reason_name(VL2_DROP_ARP_SPOOF), "arp_spoof");
  n = na(f, A_MAC, 0xb, 0x20, B_MAC);
  one(sw, f, n, 1, &v, T0);
  ck_assert_int_eq(v.reason, VL2_DROP_ND_SPOOF);
  /* Nothing was learned from them. */
  ck_assert_uint_eq(vl2_neigh_count(sw), 0);
  ck_assert_uint_eq(vl2_fdb_count(sw), 0);
  /* Honest frames pass; port 2 (unguarded) is not checked. */
  n = arp(f, 2, VL2T_BCAST, A_MAC, A_MAC, 10, 0, 10);
  one(sw, f, n, 1, &v, T0);
  ck_assert_int_eq(v.action, VL2_ACT_FORWARD);
  n = arp(f, 2, VL2T_BCAST, C_MAC, B_MAC, 20, 0, 20);
  one(sw, f, n, 2, &v, T0);
  ck_assert_int_eq(v.action, VL2_ACT_FORWARD);
  ck_assert_uint_eq(nstats(sw).spoof_drops, 2);
  ck_assert_uint_eq(vl2t_drops(sw, VL2_DROP_ARP_SPOOF), 1);
  ck_assert_uint_eq(vl2t_drops(sw, VL2_DROP_ND_SPOOF), 1);
  teardown_sw(sw);
}
END_TEST

START_TEST(inspection_allows_only_static_bindings) {
  vl2_switch *sw = setup(0, NULL);
  vl2_port_config pc;
  vl2_port_config_default(&pc, VL2_PORT_ACCESS);
  pc.pvid = 10;
  pc.flags |= VL2_PORT_F_NEIGH_INSPECT;
  ck_assert_int_eq(vl2_switch_port_set(sw, 1, &pc), 0);
  ck_assert_int_eq(vl2_switch_port_set(sw, 2, &pc), 0);
  vl2_ipaddr a = ip4(10);
  add_static(sw, &a, A_MAC, 1);
  uint8_t f[64];
  vl2_verdict v;
  size_t n = arp(f, 1, VL2T_BCAST, A_MAC, A_MAC, 10, 0, 20);
  one(sw, f, n, 1, &v, T0);
  ck_assert_int_eq(v.action, VL2_ACT_FORWARD);
  n = arp(f, 1, VL2T_BCAST, A_MAC, A_MAC, 99, 0, 20); /* unbound IP */
  one(sw, f, n, 1, &v, T0);
  ck_assert_int_eq(v.reason, VL2_DROP_NEIGH_UNBOUND);
  n = arp(f, 1, VL2T_BCAST, A_MAC, A_MAC, 10, 0, 20); /* wrong port */
  one(sw, f, n, 2, &v, T0);
  ck_assert_int_eq(v.reason, VL2_DROP_NEIGH_UNBOUND);
  n = arp(f, 1, VL2T_BCAST, C_MAC, C_MAC, 10, 0, 20); /* wrong MAC */
  one(sw, f, n, 1, &v, T0);
  ck_assert_int_eq(v.reason, VL2_DROP_NEIGH_UNBOUND);
  n = arp(f, 1, VL2T_BCAST, C_MAC, C_MAC, 0, 0, 20); /* probe: allowed */
  one(sw, f, n, 1, &v, T0);
  ck_assert_int_eq(v.action, VL2_ACT_FORWARD);
  ck_assert_uint_eq(nstats(sw).inspect_drops, 3);
  teardown_sw(sw);
}
END_TEST

/* ---- configuration and allocation --------------------------------------- */

START_TEST(config_defaults_and_invalid) {
  vl2_switch_config c = cfg_default();
  ck_assert_uint_eq(c.max_neigh, 4096);
  ck_assert_uint_eq(c.neigh_retrans_ns, VL2_SEC);
  ck_assert_uint_eq(c.neigh_reachable_ns, 30 * VL2_SEC);
  ck_assert_uint_eq(c.neigh_max_retries, 3);
  vl2_switch *sw = NULL;
  vl2_switch_config bad = c;
  bad.max_neigh = 0;
  ck_assert_int_eq(vl2_switch_new(&sw, &bad, NULL), VL2_ERR_INVALID);
  bad = c;
  bad.neigh_mtu = 10;
  ck_assert_int_eq(vl2_switch_new(&sw, &bad, NULL), VL2_ERR_INVALID);
  bad = c;
  bad.tx_queue_cap = 0;
  ck_assert_int_eq(vl2_switch_new(&sw, &bad, NULL), VL2_ERR_INVALID);
  ck_assert_ptr_null(sw);
}
END_TEST

START_TEST(allocation_failure_in_neigh_setup) {
  /* Walk every allocation of vl2_switch_new() (the neighbour tables are
   * among them): NOMEM and no leak at each, then success. */
  long n;
  for (n = 1;; n++) {
    vl2t_mem m;
    vl2t_mem_init(&m);
    m.fail_at = n;
    vl2_switch *sw = NULL;
    int rv = vl2_switch_new(&sw, NULL, &m.mem);
    if (rv == 0) {
      ck_assert_ptr_nonnull(sw);
      vl2_switch_del(sw);
      ck_assert_int_eq(m.live, 0);
      break;
    }
    ck_assert_int_eq(rv, VL2_ERR_NOMEM);
    ck_assert_ptr_null(sw);
    ck_assert_msg(m.live == 0, "fail_at=%ld leaked %ld", n, m.live);
  }
  ck_assert_int_ge(n, 13); /* the switch's own plus twelve of neigh's */
}
END_TEST

Suite *vl2_neigh_suite(void) {
  Suite *s = suite_create("neigh");
  TCase *tc = tcase_create("suppression");
  tcase_add_test(tc, suppress_arp_reply_bytes);
  tcase_add_test(tc, suppress_arp_reply_tagged_on_trunk);
  tcase_add_test(tc, suppress_nd_bytes);
  tcase_add_test(tc, snooped_binding_answers_and_miss_floods);
  tcase_add_test(tc, never_swallowed);
  tcase_add_test(tc, malformed_is_forwarded_untouched);
  tcase_add_test(tc, poll_tx_nobuf_and_invalid);
  tcase_add_test(tc, tx_queue_full_falls_back_to_flood);
  suite_add_tcase(s, tc);
  tc = tcase_create("table");
  tcase_add_test(tc, ageing_lazy_and_swept);
  tcase_add_test(tc, limits_total_and_per_segment);
  tcase_add_test(tc, iterate_and_flush);
  tcase_add_test(tc, config_defaults_and_invalid);
  tcase_add_test(tc, allocation_failure_in_neigh_setup);
  suite_add_tcase(s, tc);
  tc = tcase_create("moves");
  tcase_add_test(tc, garp_and_unsolicited_na_move_ip);
  tcase_add_test(tc, suppress_cp_only_answers_from_control_plane_bindings);
  tcase_add_test(tc, rarp_moves_fdb);
  tcase_add_test(tc, mac_dampening_freezes_and_thaws);
  tcase_add_test(tc, ip_dampening_freezes_and_thaws);
  suite_add_tcase(s, tc);
  tc = tcase_create("resolver");
  tcase_add_test(tc, resolver_arp_releases_in_order);
  tcase_add_test(tc, resolver_nd_releases_in_order);
  tcase_add_test(tc, resolver_retries_with_backoff_then_fails);
  tcase_add_test(tc, resolver_queue_bounded_oldest_dropped);
  tcase_add_test(tc, resolver_stale_delay_probe_reachable);
  suite_add_tcase(s, tc);
  tc = tcase_create("directory");
  tcase_add_test(tc, directory_lookup_answered_to_every_asker);
  tcase_add_test(tc, directory_refused_never_replies);
  tcase_add_test(tc, directory_timeout_and_full);
  tcase_add_test(tc, poll_tx_checks_underlay_mtu);
  suite_add_tcase(s, tc);
  tc = tcase_create("guard");
  tcase_add_test(tc, spoof_guard_drops_mismatched_sender);
  tcase_add_test(tc, inspection_allows_only_static_bindings);
  suite_add_tcase(s, tc);
  return s;
}
