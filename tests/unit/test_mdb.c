/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/* IGMP/MLD snooping on a synthetic clock: join, leave (last member
 * time, fast leave), timeout, router ports learned from queries and set,
 * reports to router ports only, the RFC 4541 link-local exceptions,
 * non-IP multicast untouched, IGMPv3/MLDv2 records as any-source,
 * validation, limits, the querier and its election; the querier's
 * IGMPv3/MLDv2 and IGMPv2/MLDv1 queries against scapy's (golden vectors
 * of mdb_query_vectors_gen.py), their exponential codes, the fall-back
 * to an older querier's version, forged queries. */
#include <string.h>

#include "helpers.h"
#include "mdb_query_vectors.h"
#include "vl2_mdb.h"

#define VNI 100
#define T0 (1000 * VL2_SEC)
#define SRC_MAC 0x02000000000aULL

static vl2t_mem tm;

static vl2_switch *setup_mem(vl2t_mem *t, uint32_t flags, uint32_t policy) {
  vl2t_mem_init(t);
  vl2_switch *sw = NULL;
  ck_assert_int_eq(vl2_switch_new(&sw, NULL, &t->mem), 0);
  for (uint32_t p = 1; p <= 4; p++)
    vl2t_access(sw, p, 10, VNI);
  vl2_mdb_segment_config mc;
  memset(&mc, 0, sizeof(mc));
  mc.flags = flags;
  mc.unreg_policy = policy;
  mc.querier_mac = vl2t_mac(0x0200000000f0ULL);
  mc.querier_ip4 = vl2t_ip4(10, 0, 0, 5);
  ck_assert_int_eq(vl2_mdb_segment_set(sw, VNI, &mc, T0), 0);
  return sw;
}

static vl2_switch *setup(uint32_t flags, uint32_t policy) {
  return setup_mem(&tm, flags, policy);
}

static void teardown_sw(vl2_switch *sw) {
  vl2_switch_del(sw);
  VL2T_ASSERT_NO_LEAKS(&tm);
}

/* An IPv4 frame to |dst| with protocol |proto| and |pl| payload bytes;
 * the payload's checksum at |csum_off| (or none when negative). */
static size_t ip4_frame(uint8_t *b, const uint8_t *src, const uint8_t *dst,
                        uint8_t proto, const uint8_t *pl, size_t plen,
                        int csum_off) {
  b[0] = 0x01;
  b[1] = 0x00;
  b[2] = 0x5e;
  b[3] = dst[1] & 0x7f;
  b[4] = dst[2];
  b[5] = dst[3];
  vl2_mac s = vl2t_mac(SRC_MAC);
  memcpy(b + 6, s.b, 6);
  b[12] = 0x08;
  b[13] = 0x00;
  uint8_t *ip = b + 14;
  memset(ip, 0, 20);
  ip[0] = 0x45;
  ip[2] = (uint8_t)((20 + plen) >> 8);
  ip[3] = (uint8_t)(20 + plen);
  ip[8] = 1;
  ip[9] = proto;
  memcpy(ip + 12, src, 4);
  memcpy(ip + 16, dst, 4);
  uint16_t c = vl2t_csum(ip, 20, 0);
  ip[10] = (uint8_t)(c >> 8);
  ip[11] = (uint8_t)c;
  memcpy(ip + 20, pl, plen);
  if (csum_off >= 0) {
    uint8_t *p = ip + 20;
    p[csum_off] = p[csum_off + 1] = 0;
    c = vl2t_csum(p, plen, 0);
    p[csum_off] = (uint8_t)(c >> 8);
    p[csum_off + 1] = (uint8_t)c;
  }
  return 14 + 20 + plen;
}

static const uint8_t H1[4] = {10, 0, 0, 11};
static const uint8_t G1[4] = {239, 1, 1, 1};
static const uint8_t G2[4] = {239, 1, 1, 2};
static const uint8_t G3[4] = {239, 1, 1, 3};
static const uint8_t MDNS[4] = {224, 0, 0, 251};
static const uint8_t ALL_HOSTS[4] = {224, 0, 0, 1};
static const uint8_t ALL_ROUTERS[4] = {224, 0, 0, 2};
static const uint8_t V3_ROUTERS[4] = {224, 0, 0, 22};

/* IGMPv1/v2 message |type| about |group|, sent to |to| (the group when
 * NULL). */
static size_t igmp(uint8_t *b, uint8_t type, const uint8_t *group,
                   const uint8_t *to, const uint8_t *src) {
  uint8_t m[8] = {type, type == 0x11 ? 100 : 0, 0, 0, 0, 0, 0, 0};
  memcpy(m + 4, group, 4);
  return ip4_frame(b, src != NULL ? src : H1, to != NULL ? to : group, 2, m, 8,
                   2);
}

/* IGMPv3 report with one record of |rtype| for |group| and |nsrc|
 * sources. */
static size_t igmp3(uint8_t *b, uint8_t rtype, const uint8_t *group,
                    uint16_t nsrc) {
  uint8_t m[64];
  memset(m, 0, sizeof(m));
  m[0] = 0x22;
  m[7] = 1;
  m[8] = rtype;
  m[11] = (uint8_t)nsrc;
  memcpy(m + 12, group, 4);
  for (uint16_t i = 0; i < nsrc; i++) {
    m[16 + 4 * i] = 192;
    m[16 + 4 * i + 3] = (uint8_t)(i + 1);
  }
  return ip4_frame(b, H1, V3_ROUTERS, 2, m, 16 + 4 * (size_t)nsrc, 2);
}

static size_t udp_to(uint8_t *b, const uint8_t *group) {
  uint8_t pl[32];
  memset(pl, 0xab, sizeof(pl));
  return ip4_frame(b, H1, group, 17, pl, sizeof(pl), -1);
}

/* An IPv6 frame to |dst| carrying ICMPv6 |ic| after a Router Alert
 * hop-by-hop header (|hbh|) or directly. */
static size_t ip6_icmp(uint8_t *b, const uint8_t *dst, const uint8_t *ic,
                       size_t iclen, int hbh) {
  return vl2t_ip6_icmp(b, SRC_MAC, dst, ic, iclen, hbh);
}

static const uint8_t V6G[16] = {0xff, 0x05, 0, 0, 0, 0, 0,    0,
                                0,    0,    0, 0, 0, 0, 0x12, 0x34};
static const uint8_t V6SOL[16] = {0xff, 0x02, 0, 0, 0,    0,    0, 0,
                                  0,    0,    0, 1, 0xff, 0x00, 0, 1};
static const uint8_t V6ALL[16] = {0xff, 0x02, 0, 0, 0, 0, 0, 0,
                                  0,    0,    0, 0, 0, 0, 0, 1};
static const uint8_t V6MLDV2[16] = {0xff, 0x02, 0, 0, 0, 0, 0, 0,
                                    0,    0,    0, 0, 0, 0, 0, 0x16};

static size_t mld2(uint8_t *b, uint8_t rtype, const uint8_t *group) {
  uint8_t ic[28];
  memset(ic, 0, sizeof(ic));
  ic[0] = 143;
  ic[7] = 1;
  ic[8] = rtype;
  memcpy(ic + 12, group, 16);
  return ip6_icmp(b, V6MLDV2, ic, sizeof(ic), 1);
}

static size_t mld1(uint8_t *b, uint8_t type, const uint8_t *group) {
  uint8_t ic[24];
  memset(ic, 0, sizeof(ic));
  ic[0] = type;
  memcpy(ic + 8, group, 16);
  return ip6_icmp(b, group, ic, sizeof(ic), 1);
}

static size_t udp6_to(uint8_t *b, const uint8_t *group) {
  uint8_t pl[16];
  memset(pl, 0, sizeof(pl));
  size_t n = ip6_icmp(b, group, pl, sizeof(pl), 0);
  b[14 + 6] = 17; /* make it UDP: checksums do not matter for data */
  return n;
}

/* Run the snooping decision for |len| bytes at |b| from |src_dest|. */
static int in(vl2_switch *sw, const uint8_t *b, size_t len, uint32_t src_dest,
              vl2_tstamp now, int *unreg) {
  vl2_frame f;
  memset(&f, 0, sizeof(f));
  f.data = b;
  f.len = (uint32_t)len;
  f.port = src_dest;
  int u;
  const vl2_segment *seg = vl2_switch_find_segment(sw, VNI);
  uint16_t et = (uint16_t)(b[12] << 8 | b[13]);
  return vl2_mdb_input(sw, seg, &f, 14, et, src_dest, now,
                       unreg != NULL ? unreg : &u, NULL);
}

static int marked(const vl2_switch *sw, uint32_t port) {
  return vl2_mdb_marked(vl2_mdb_get_marks(sw), port);
}

/* Count MDB rows for |group| (4 or 16 bytes by |family|); the last row's
 * port and expiry in |*port|, |*exp|. */
static int rows(const vl2_switch *sw, uint8_t family, const uint8_t *group,
                uint32_t *port, vl2_tstamp *exp, vl2_tstamp now) {
  uint64_t cur = 0;
  vl2_mdb_entry e;
  int n = 0;
  while (vl2_mdb_next(sw, &cur, &e, now) == 1) {
    if (family == VL2_AF_NONE
            ? (e.flags & VL2_MDB_E_ROUTER) != 0
            : e.group.family == family &&
                  memcmp(e.group.addr, group, family == VL2_AF_INET ? 4 : 16) ==
                      0) {
      n++;
      if (port != NULL)
        *port = e.port;
      if (exp != NULL)
        *exp = e.expires;
    }
  }
  return n;
}

START_TEST(join_leave_timeout) {
  vl2_switch *sw = setup(VL2_MDB_F_SNOOP, VL2_MDB_UNREG_FLOOD);
  uint8_t b[256];
  int unreg;
  /* Unregistered data: flooded, counted unregistered. */
  size_t n = udp_to(b, G1);
  ck_assert_int_eq(in(sw, b, n, 2, T0, &unreg), VL2_MDB_FWD_FLOOD);
  ck_assert_int_eq(unreg, 1);
  /* Port 1 joins (v2 report); no router port: the report is absorbed. */
  n = igmp(b, 0x16, G1, NULL, NULL);
  ck_assert_int_eq(in(sw, b, n, 1, T0, NULL), VL2_MDB_FWD_CONSUME);
  uint32_t port = 0;
  vl2_tstamp exp = 0;
  ck_assert_int_eq(rows(sw, VL2_AF_INET, G1, &port, &exp, T0), 1);
  ck_assert_uint_eq(port, 1);
  ck_assert_uint_eq(exp, T0 + 260 * VL2_SEC);
  ck_assert_int_eq(vl2t_count_events(sw, VL2_EV_MDB_JOIN), 1);
  /* Data from port 2: only port 1. */
  n = udp_to(b, G1);
  ck_assert_int_eq(in(sw, b, n, 2, T0, &unreg), VL2_MDB_FWD_MARKED);
  ck_assert_int_eq(unreg, 0);
  ck_assert(marked(sw, 1));
  ck_assert(!marked(sw, 2) && !marked(sw, 3) && !marked(sw, 4));
  /* Another group stays unregistered. */
  n = udp_to(b, G2);
  ck_assert_int_eq(in(sw, b, n, 2, T0, NULL), VL2_MDB_FWD_FLOOD);
  /* Leave: the membership lasts 2 x 1 s more. */
  n = igmp(b, 0x17, G1, ALL_ROUTERS, NULL);
  ck_assert_int_eq(in(sw, b, n, 1, T0 + VL2_SEC, NULL), VL2_MDB_FWD_CONSUME);
  ck_assert_int_eq(rows(sw, VL2_AF_INET, G1, NULL, &exp, T0 + VL2_SEC), 1);
  ck_assert_uint_eq(exp, T0 + 3 * VL2_SEC);
  n = udp_to(b, G1);
  ck_assert_int_eq(in(sw, b, n, 2, T0 + 3 * VL2_SEC - 1, NULL),
                   VL2_MDB_FWD_MARKED);
  ck_assert_int_eq(in(sw, b, n, 2, T0 + 3 * VL2_SEC, NULL), VL2_MDB_FWD_FLOOD);
  ck_assert_int_eq(vl2_switch_run_timers(sw, T0 + 3 * VL2_SEC), 0);
  ck_assert_int_eq(vl2t_count_events(sw, VL2_EV_MDB_LEAVE), 1);
  vl2_mdb_stats st;
  ck_assert_int_eq(vl2_mdb_get_stats(sw, VNI, &st), 0);
  ck_assert_uint_eq(st.groups, 0);
  ck_assert_uint_eq(st.joins, 1);
  ck_assert_uint_eq(st.expired, 1);
  /* Timeout: 260 s after the last report. */
  n = igmp(b, 0x16, G1, NULL, NULL);
  in(sw, b, n, 1, T0 + 10 * VL2_SEC, NULL);
  in(sw, b, n, 3, T0 + 20 * VL2_SEC, NULL);
  n = udp_to(b, G1);
  ck_assert_int_eq(in(sw, b, n, 2, T0 + 275 * VL2_SEC, NULL),
                   VL2_MDB_FWD_MARKED);
  ck_assert(!marked(sw, 1) && marked(sw, 3));
  ck_assert_int_eq(vl2_switch_run_timers(sw, T0 + 280 * VL2_SEC), 0);
  ck_assert_int_eq(rows(sw, VL2_AF_INET, G1, NULL, NULL, T0), 0);
  ck_assert_int_eq(vl2_mdb_get_stats(sw, UINT32_MAX, &st), 0);
  ck_assert_uint_eq(st.members, 0);
  ck_assert_uint_eq(st.groups, 0);
  teardown_sw(sw);
}
END_TEST

/* vl2_mdb_get_stats_versioned() follows the size rule of the `_versioned`
 * scheme, per segment and switch-wide: an older (shorter) caller struct
 * gets its prefix, a newer (longer) one zeros after the library's
 * counters, a size of 0 is refused. */
START_TEST(stats_size_rule) {
  vl2_switch *sw = setup(VL2_MDB_F_SNOOP, VL2_MDB_UNREG_FLOOD);
  uint8_t b[256];
  size_t n = igmp(b, 0x16, G1, NULL, NULL);
  ck_assert_int_eq(in(sw, b, n, 1, T0, NULL), VL2_MDB_FWD_CONSUME);
  vl2_mdb_stats st;
  ck_assert_int_eq(vl2_mdb_get_stats(sw, VNI, &st), 0);
  ck_assert_uint_eq(st.igmp_reports, 1);
  ck_assert_uint_eq(st.members, 1);
  VL2T_STATS_SIZE_RULE(vl2_mdb_stats, offsetof(vl2_mdb_stats, igmp_leaves),
                       vl2_mdb_get_stats_versioned(sw, VNI, vl2t_sz, vl2t_st));
  VL2T_STATS_SIZE_RULE(
      vl2_mdb_stats, offsetof(vl2_mdb_stats, igmp_leaves),
      vl2_mdb_get_stats_versioned(sw, UINT32_MAX, vl2t_sz, vl2t_st));
  ck_assert_int_eq(vl2_mdb_get_stats_versioned(sw, 555, sizeof(st), &st),
                   VL2_ERR_NOTFOUND);
  ck_assert_int_eq(vl2_mdb_get_stats_versioned(sw, 555, 0, &st),
                   VL2_ERR_INVALID);
  ck_assert_int_eq(vl2_mdb_get_stats_versioned(sw, VNI, sizeof(st), NULL),
                   VL2_ERR_INVALID);
  teardown_sw(sw);
}
END_TEST

START_TEST(fast_leave_and_port_gone) {
  vl2_switch *sw = setup(VL2_MDB_F_SNOOP, VL2_MDB_UNREG_FLOOD);
  uint8_t b[256];
  ck_assert_int_eq(vl2_mdb_port_fast_leave(sw, 1, 1), 0);
  ck_assert_int_eq(vl2_mdb_port_fast_leave(sw, 77, 1), VL2_ERR_NOTFOUND);
  size_t n = igmp(b, 0x16, G1, NULL, NULL);
  in(sw, b, n, 1, T0, NULL);
  n = igmp(b, 0x17, G1, ALL_ROUTERS, NULL);
  in(sw, b, n, 1, T0, NULL);
  ck_assert_int_eq(rows(sw, VL2_AF_INET, G1, NULL, NULL, T0), 0);
  /* A port that leaves the segment takes its memberships along. */
  n = igmp(b, 0x16, G2, NULL, NULL);
  in(sw, b, n, 2, T0, NULL);
  ck_assert_int_eq(rows(sw, VL2_AF_INET, G2, NULL, NULL, T0), 1);
  ck_assert_int_eq(vl2_switch_port_vlan_del(sw, 2, 10), 0);
  ck_assert_int_eq(rows(sw, VL2_AF_INET, G2, NULL, NULL, T0), 0);
  in(sw, b, n, 3, T0, NULL);
  ck_assert_int_eq(vl2_switch_port_del(sw, 3), 0);
  ck_assert_int_eq(rows(sw, VL2_AF_INET, G2, NULL, NULL, T0), 0);
  teardown_sw(sw);
}
END_TEST

START_TEST(router_ports) {
  vl2_switch *sw = setup(VL2_MDB_F_SNOOP, VL2_MDB_UNREG_ROUTERS);
  uint8_t b[256];
  static const uint8_t rtr[4] = {10, 0, 0, 1};
  static const uint8_t zero[4] = {0, 0, 0, 0};
  /* A query from 0.0.0.0 is flooded but makes no router port. */
  size_t n = igmp(b, 0x11, zero, ALL_HOSTS, zero);
  ck_assert_int_eq(in(sw, b, n, 4, T0, NULL), VL2_MDB_FWD_FLOOD);
  ck_assert_int_eq(rows(sw, VL2_AF_NONE, NULL, NULL, NULL, T0), 0);
  /* A query from 10.0.0.1 on port 4: router port for 255 s. */
  n = igmp(b, 0x11, zero, ALL_HOSTS, rtr);
  ck_assert_int_eq(in(sw, b, n, 4, T0, NULL), VL2_MDB_FWD_FLOOD);
  uint32_t port;
  vl2_tstamp exp;
  ck_assert_int_eq(rows(sw, VL2_AF_NONE, NULL, &port, &exp, T0), 1);
  ck_assert_uint_eq(port, 4);
  ck_assert_uint_eq(exp, T0 + 255 * VL2_SEC);
  ck_assert_int_eq(vl2t_count_events(sw, VL2_EV_MDB_ROUTER), 1);
  /* Reports go to the router port only. */
  n = igmp(b, 0x16, G1, NULL, NULL);
  ck_assert_int_eq(in(sw, b, n, 1, T0, NULL), VL2_MDB_FWD_MARKED);
  ck_assert(marked(sw, 4) && !marked(sw, 2) && !marked(sw, 3));
  /* Registered data: members and router ports. */
  n = udp_to(b, G1);
  ck_assert_int_eq(in(sw, b, n, 2, T0, NULL), VL2_MDB_FWD_MARKED);
  ck_assert(marked(sw, 1) && marked(sw, 4) && !marked(sw, 3));
  /* Unregistered data with policy "routers": router ports only. */
  n = udp_to(b, G2);
  ck_assert_int_eq(in(sw, b, n, 2, T0, NULL), VL2_MDB_FWD_MARKED);
  ck_assert(marked(sw, 4) && !marked(sw, 1) && !marked(sw, 3));
  /* From the router port itself: nobody else. */
  ck_assert_int_eq(in(sw, b, n, 4, T0, NULL), VL2_MDB_FWD_MARKED);
  ck_assert(!marked(sw, 4) && !marked(sw, 1));
  /* Expiry. */
  ck_assert_int_eq(vl2_switch_run_timers(sw, T0 + 255 * VL2_SEC), 0);
  ck_assert_int_eq(rows(sw, VL2_AF_NONE, NULL, NULL, NULL, T0), 0);
  /* Set by hand: permanent; OFF blocks learning. */
  ck_assert_int_eq(vl2_mdb_router_set(sw, VNI, 3, NULL, VL2_MDB_ROUTER_ON,
                                      T0 + 300 * VL2_SEC),
                   0);
  ck_assert_int_eq(vl2_mdb_router_set(sw, VNI, 4, NULL, VL2_MDB_ROUTER_OFF,
                                      T0 + 300 * VL2_SEC),
                   0);
  n = igmp(b, 0x11, zero, ALL_HOSTS, rtr);
  in(sw, b, n, 4, T0 + 300 * VL2_SEC, NULL);
  ck_assert_int_eq(
      rows(sw, VL2_AF_NONE, NULL, &port, &exp, T0 + 1000 * VL2_SEC), 1);
  ck_assert_uint_eq(port, 3);
  ck_assert_uint_eq(exp, VL2_TSTAMP_NONE);
  ck_assert_int_eq(vl2_mdb_router_set(sw, VNI, 9, NULL, VL2_MDB_ROUTER_ON, T0),
                   VL2_ERR_NOTFOUND);
  ck_assert_int_eq(vl2_mdb_router_set(sw, VNI, 3, NULL, 7, T0),
                   VL2_ERR_INVALID);
  ck_assert_int_eq(
      vl2_mdb_router_set(sw, VNI, 3, NULL, VL2_MDB_ROUTER_AUTO, T0), 0);
  ck_assert_int_eq(rows(sw, VL2_AF_NONE, NULL, NULL, NULL, T0), 0);
  teardown_sw(sw);
}
END_TEST

START_TEST(link_local_and_non_ip) {
  vl2_switch *sw = setup(VL2_MDB_F_SNOOP, VL2_MDB_UNREG_ROUTERS);
  uint8_t b[256];
  /* A report for 224.0.0.251 is not snooped; data to it is flooded even
   * with policy "routers". */
  size_t n = igmp(b, 0x16, MDNS, NULL, NULL);
  in(sw, b, n, 1, T0, NULL);
  ck_assert_int_eq(rows(sw, VL2_AF_INET, MDNS, NULL, NULL, T0), 0);
  n = udp_to(b, MDNS);
  ck_assert_int_eq(in(sw, b, n, 2, T0, NULL), VL2_MDB_FWD_FLOOD);
  /* ff02::1 flooded; a solicited-node group is snooped (scope 2). */
  n = udp6_to(b, V6ALL);
  ck_assert_int_eq(in(sw, b, n, 2, T0, NULL), VL2_MDB_FWD_FLOOD);
  n = mld1(b, 131, V6ALL);
  in(sw, b, n, 1, T0, NULL);
  ck_assert_int_eq(rows(sw, VL2_AF_INET6, V6ALL, NULL, NULL, T0), 0);
  n = mld1(b, 131, V6SOL);
  in(sw, b, n, 1, T0, NULL);
  ck_assert_int_eq(rows(sw, VL2_AF_INET6, V6SOL, NULL, NULL, T0), 1);
  n = udp6_to(b, V6SOL);
  ck_assert_int_eq(in(sw, b, n, 2, T0, NULL), VL2_MDB_FWD_MARKED);
  ck_assert(marked(sw, 1) && !marked(sw, 3));
  /* Non-IP multicast (CDP-like), and an IP frame whose MAC does not map
   * its group: unchanged. */
  n = vl2t_frame_tags(b, 0x01000ccccccc, SRC_MAC, NULL, NULL, 0, 0x2000, 40);
  ck_assert_int_eq(in(sw, b, n, 2, T0, NULL), VL2_MDB_FWD_FLOOD);
  n = udp_to(b, G1);
  b[5] ^= 1;
  ck_assert_int_eq(in(sw, b, n, 2, T0, NULL), VL2_MDB_FWD_FLOOD);
  /* Snooping off in the segment: flood, and no state. */
  ck_assert_int_eq(vl2_mdb_segment_set(sw, VNI, NULL, T0), 0);
  n = igmp(b, 0x16, G1, NULL, NULL);
  ck_assert_int_eq(in(sw, b, n, 1, T0, NULL), VL2_MDB_FWD_FLOOD);
  ck_assert_int_eq(rows(sw, VL2_AF_INET, G1, NULL, NULL, T0), 0);
  teardown_sw(sw);
}
END_TEST

START_TEST(v3_records_any_source) {
  vl2_switch *sw = setup(VL2_MDB_F_SNOOP, VL2_MDB_UNREG_FLOOD);
  uint8_t b[256];
  size_t n = igmp3(b, 4 /* TO_EX */, G1, 0);
  ck_assert_int_eq(in(sw, b, n, 1, T0, NULL), VL2_MDB_FWD_CONSUME);
  ck_assert_int_eq(rows(sw, VL2_AF_INET, G1, NULL, NULL, T0), 1);
  n = igmp3(b, 1 /* IS_IN */, G2, 2);
  in(sw, b, n, 2, T0, NULL);
  uint64_t cur = 0;
  vl2_mdb_entry e;
  int sources = 0;
  while (vl2_mdb_next(sw, &cur, &e, T0) == 1)
    sources += (e.flags & VL2_MDB_E_SOURCES) != 0;
  ck_assert_int_eq(sources, 1);
  n = igmp3(b, 6 /* BLOCK */, G2, 1);
  in(sw, b, n, 2, T0, NULL);
  ck_assert_int_eq(rows(sw, VL2_AF_INET, G2, NULL, NULL, T0), 1);
  vl2_tstamp exp;
  n = igmp3(b, 3 /* TO_IN {} */, G1, 0);
  in(sw, b, n, 1, T0, NULL);
  ck_assert_int_eq(rows(sw, VL2_AF_INET, G1, NULL, &exp, T0), 1);
  ck_assert_uint_eq(exp, T0 + 2 * VL2_SEC);
  /* MLDv2. */
  n = mld2(b, 4, V6G);
  ck_assert_int_eq(in(sw, b, n, 3, T0, NULL), VL2_MDB_FWD_CONSUME);
  ck_assert_int_eq(rows(sw, VL2_AF_INET6, V6G, NULL, NULL, T0), 1);
  n = udp6_to(b, V6G);
  ck_assert_int_eq(in(sw, b, n, 1, T0, NULL), VL2_MDB_FWD_MARKED);
  ck_assert(marked(sw, 3) && !marked(sw, 2));
  n = mld2(b, 3, V6G);
  in(sw, b, n, 3, T0, NULL);
  ck_assert_int_eq(rows(sw, VL2_AF_INET6, V6G, NULL, &exp, T0), 1);
  ck_assert_uint_eq(exp, T0 + 2 * VL2_SEC);
  teardown_sw(sw);
}
END_TEST

START_TEST(invalid_messages) {
  vl2_switch *sw = setup(VL2_MDB_F_SNOOP, VL2_MDB_UNREG_FLOOD);
  uint8_t b[256];
  size_t n = igmp(b, 0x16, G1, NULL, NULL);
  b[14 + 20 + 2] ^= 0x55; /* IGMP checksum */
  ck_assert_int_eq(in(sw, b, n, 1, T0, NULL), VL2_MDB_FWD_DROP);
  n = igmp(b, 0x16, G1, NULL, NULL);
  b[14 + 10] ^= 0x55; /* IP header checksum */
  ck_assert_int_eq(in(sw, b, n, 1, T0, NULL), VL2_MDB_FWD_DROP);
  /* A report for a unicast group. */
  static const uint8_t uni[4] = {10, 1, 1, 1};
  uint8_t m[8] = {0x16, 0, 0, 0, 10, 1, 1, 1};
  n = ip4_frame(b, H1, G1, 2, m, 8, 2);
  (void)uni;
  ck_assert_int_eq(in(sw, b, n, 1, T0, NULL), VL2_MDB_FWD_DROP);
  /* A v3 report whose record runs past the end. */
  n = igmp3(b, 4, G1, 2);
  b[14 + 20 + 11] = 40; /* 40 sources claimed */
  b[14 + 20 + 2] = b[14 + 20 + 3] = 0;
  uint16_t c = vl2t_csum(b + 34, n - 34, 0);
  b[36] = (uint8_t)(c >> 8);
  b[37] = (uint8_t)c;
  ck_assert_int_eq(in(sw, b, n, 1, T0, NULL), VL2_MDB_FWD_DROP);
  /* MLD with a bad checksum. */
  n = mld2(b, 4, V6G);
  b[n - 1] ^= 1;
  ck_assert_int_eq(in(sw, b, n, 1, T0, NULL), VL2_MDB_FWD_DROP);
  /* IP total length beyond the frame: not parsed as IGMP, flooded. */
  n = igmp(b, 0x16, G1, NULL, NULL);
  ck_assert_int_eq(in(sw, b, n - 1, 1, T0, NULL), VL2_MDB_FWD_FLOOD);
  /* Unknown IGMP type (DVMRP 0x13): flooded. */
  n = igmp(b, 0x13, G1, NULL, NULL);
  ck_assert_int_eq(in(sw, b, n, 1, T0, NULL), VL2_MDB_FWD_FLOOD);
  vl2_mdb_stats st;
  ck_assert_int_eq(vl2_mdb_get_stats(sw, VNI, &st), 0);
  ck_assert_uint_eq(st.invalid, 5);
  ck_assert_uint_eq(st.groups, 0);
  teardown_sw(sw);
}
END_TEST

START_TEST(limits) {
  vl2t_mem_init(&tm);
  vl2_switch *sw = NULL;
  ck_assert_int_eq(vl2_switch_new(&sw, NULL, &tm.mem), 0);
  for (uint32_t p = 1; p <= 3; p++)
    vl2t_access(sw, p, 10, VNI);
  vl2t_access(sw, 4, 20, 200);
  vl2_mdb_config mc;
  ck_assert_int_eq(vl2_mdb_config_default(&mc), 0);
  mc.max_groups = 3;
  mc.max_members = 4;
  mc.max_groups_per_segment = 2;
  ck_assert_int_eq(vl2_mdb_setup(sw, &mc), 0);
  mc.max_groups = 4;
  ck_assert_int_eq(vl2_mdb_setup(sw, &mc), VL2_ERR_INVALID);
  vl2_mdb_segment_config sc;
  memset(&sc, 0, sizeof(sc));
  sc.flags = VL2_MDB_F_SNOOP;
  ck_assert_int_eq(vl2_mdb_segment_set(sw, VNI, &sc, T0), 0);
  ck_assert_int_eq(vl2_mdb_segment_set(sw, 200, &sc, T0), 0);
  uint8_t b[256];
  size_t n = igmp(b, 0x16, G1, NULL, NULL);
  in(sw, b, n, 1, T0, NULL);
  n = igmp(b, 0x16, G2, NULL, NULL);
  in(sw, b, n, 1, T0, NULL);
  n = igmp(b, 0x16, G3, NULL, NULL);
  in(sw, b, n, 1, T0, NULL); /* per-segment limit */
  ck_assert_int_eq(rows(sw, VL2_AF_INET, G3, NULL, NULL, T0), 0);
  ck_assert_int_eq(vl2t_count_events(sw, VL2_EV_MDB_LIMIT), 1);
  n = udp_to(b, G3);
  int unreg;
  ck_assert_int_eq(in(sw, b, n, 2, T0, &unreg), VL2_MDB_FWD_FLOOD);
  ck_assert_int_eq(unreg, 1);
  /* Members: 4 in total. */
  n = igmp(b, 0x16, G1, NULL, NULL);
  in(sw, b, n, 2, T0, NULL);
  in(sw, b, n, 3, T0, NULL); /* the 4th member */
  n = igmp(b, 0x16, G2, NULL, NULL);
  in(sw, b, n, 2, T0, NULL); /* no room: G2 overflows */
  n = udp_to(b, G2);
  ck_assert_int_eq(in(sw, b, n, 3, T0, NULL), VL2_MDB_FWD_FLOOD);
  vl2_mdb_stats st;
  ck_assert_int_eq(vl2_mdb_get_stats(sw, VNI, &st), 0);
  ck_assert_uint_eq(st.group_limit_hits, 1);
  ck_assert_uint_eq(st.member_limit_hits, 1);
  ck_assert_uint_eq(st.members, 4);
  ck_assert_int_eq(vl2_mdb_get_stats(sw, 555, &st), VL2_ERR_NOTFOUND);
  vl2_switch_del(sw);
  VL2T_ASSERT_NO_LEAKS(&tm);
}
END_TEST

/* Take every queued frame; count the IGMP queries and keep the last. */
static int queries(vl2_switch *sw, uint8_t *last, size_t *len, vl2_tstamp now) {
  uint8_t b[2048];
  vl2_tx_meta meta;
  int n = 0;
  vl2_ssize r;
  while ((r = vl2_switch_poll_tx(sw, b, sizeof(b), &meta, now)) > 0) {
    ck_assert_uint_eq(meta.kind, VL2_TX_MCAST_QUERY);
    if (b[12] == 0x08 && meta.dest.port == 1) {
      n++;
      memcpy(last, b, (size_t)r);
      *len = (size_t)r;
    }
  }
  return n;
}

START_TEST(querier_election) {
  vl2_switch *sw =
      setup(VL2_MDB_F_SNOOP | VL2_MDB_F_QUERIER, VL2_MDB_UNREG_FLOOD);
  uint8_t q[256];
  size_t qlen = 0;
  /* Startup: a general query at once, then each 125/4 s. */
  ck_assert_uint_le(vl2_switch_next_deadline(sw), T0);
  ck_assert_int_eq(vl2_switch_run_timers(sw, T0), 0);
  ck_assert_int_eq(queries(sw, q, &qlen, T0), 1);
  /* It is a valid IGMPv2 query from 10.0.0.5 (checked by our own
   * parser: a neighbouring switch learns us as a router port). */
  vl2t_mem tm_peer;
  vl2_switch *peer = setup_mem(&tm_peer, VL2_MDB_F_SNOOP, VL2_MDB_UNREG_FLOOD);
  ck_assert_int_eq(in(peer, q, qlen, 2, T0, NULL), VL2_MDB_FWD_FLOOD);
  ck_assert_int_eq(rows(peer, VL2_AF_NONE, NULL, NULL, NULL, T0), 1);
  vl2_switch_del(peer);
  VL2T_ASSERT_NO_LEAKS(&tm_peer);
  ck_assert_uint_eq(q[14 + 24], 0x11);
  ck_assert_uint_eq(q[14 + 24 + 1], 100); /* 10 s in 1/10 s */
  ck_assert_int_eq(vl2_switch_run_timers(sw, T0 + 31 * VL2_SEC), 0);
  ck_assert_int_eq(queries(sw, q, &qlen, T0), 0);
  ck_assert_int_eq(vl2_switch_run_timers(sw, T0 + 31250 * VL2_MS), 0);
  ck_assert_int_eq(queries(sw, q, &qlen, T0), 1);
  /* A querier with a higher address does not silence us. */
  static const uint8_t hi[4] = {10, 0, 0, 9}, lo[4] = {10, 0, 0, 1};
  static const uint8_t zero[4] = {0};
  uint8_t b[256];
  size_t n = igmp(b, 0x11, zero, ALL_HOSTS, hi);
  in(sw, b, n, 3, T0 + 40 * VL2_SEC, NULL);
  vl2_mdb_stats st;
  ck_assert_int_eq(vl2_mdb_get_stats(sw, VNI, &st), 0);
  ck_assert_uint_eq(st.querier_lost, 0);
  /* A lower one does, for 255 s. */
  n = igmp(b, 0x11, zero, ALL_HOSTS, lo);
  in(sw, b, n, 3, T0 + 50 * VL2_SEC, NULL);
  ck_assert_int_eq(vl2_mdb_get_stats(sw, VNI, &st), 0);
  ck_assert_uint_eq(st.querier_lost, 1);
  for (int s = 60; s < 305; s += 5) {
    ck_assert_int_eq(vl2_switch_run_timers(sw, T0 + (vl2_tstamp)s * VL2_SEC),
                     0);
    ck_assert_int_eq(queries(sw, q, &qlen, T0), 0);
  }
  ck_assert_int_eq(vl2_switch_run_timers(sw, T0 + 305 * VL2_SEC), 0);
  ck_assert_int_eq(queries(sw, q, &qlen, T0), 1);
  /* As querier, a leave triggers a group-specific query. */
  n = igmp(b, 0x16, G1, NULL, NULL);
  in(sw, b, n, 1, T0 + 306 * VL2_SEC, NULL);
  n = igmp(b, 0x17, G1, ALL_ROUTERS, NULL);
  in(sw, b, n, 2, T0 + 306 * VL2_SEC, NULL); /* not a member: nothing */
  in(sw, b, n, 1, T0 + 306 * VL2_SEC, NULL);
  ck_assert_int_eq(queries(sw, q, &qlen, T0), 1);
  ck_assert_int_eq(memcmp(q + 14 + 24 + 4, G1, 4), 0);
  ck_assert_int_eq(memcmp(q + 14 + 16, G1, 4), 0);
  /* Invalid settings. */
  vl2_mdb_segment_config mc;
  memset(&mc, 0, sizeof(mc));
  mc.flags = VL2_MDB_F_QUERIER;
  ck_assert_int_eq(vl2_mdb_segment_set(sw, VNI, &mc, T0), VL2_ERR_INVALID);
  mc.flags = 0x80;
  ck_assert_int_eq(vl2_mdb_segment_set(sw, VNI, &mc, T0), VL2_ERR_INVALID);
  mc.flags = VL2_MDB_F_SNOOP;
  mc.unreg_policy = 5;
  ck_assert_int_eq(vl2_mdb_segment_set(sw, VNI, &mc, T0), VL2_ERR_INVALID);
  mc.unreg_policy = 0;
  mc.querier_ip4.family = VL2_AF_INET6;
  ck_assert_int_eq(vl2_mdb_segment_set(sw, VNI, &mc, T0), VL2_ERR_INVALID);
  ck_assert_int_eq(vl2_mdb_segment_set(sw, 999, NULL, T0), VL2_ERR_NOTFOUND);
  teardown_sw(sw);
}
END_TEST

START_TEST(remote_members) {
  vl2_switch *sw = setup(VL2_MDB_F_SNOOP, VL2_MDB_UNREG_FLOOD);
  vl2_ipaddr r1 = vl2t_ip4(192, 0, 2, 1), r2 = vl2t_ip4(192, 0, 2, 2);
  ck_assert_int_eq(vl2_switch_remote_add(sw, VNI, &r1), 0);
  int32_t i1 = vl2_remote_lookup(&sw->rt, &r1, 0);
  int32_t i2 = vl2_remote_lookup(&sw->rt, &r2, 1); /* not in the list */
  ck_assert_int_ge(i1, 0);
  ck_assert_int_ge(i2, 0);
  uint8_t b[256];
  size_t n = igmp(b, 0x16, G1, NULL, NULL);
  in(sw, b, n, VL2_FDB_DEST_REMOTE | (uint32_t)i1, T0, NULL);
  in(sw, b, n, VL2_FDB_DEST_REMOTE | (uint32_t)i2, T0, NULL);
  uint32_t port;
  ck_assert_int_eq(rows(sw, VL2_AF_INET, G1, &port, NULL, T0), 1);
  ck_assert_uint_eq(port, VL2_PORT_REMOTE);
  n = udp_to(b, G1);
  ck_assert_int_eq(in(sw, b, n, 1, T0, NULL), VL2_MDB_FWD_MARKED);
  const vl2_mdb_marks *mk = vl2_mdb_get_marks(sw);
  ck_assert(vl2_mdb_marked_remote(mk, (uint32_t)i1));
  ck_assert(!vl2_mdb_marked_remote(mk, (uint32_t)i2));
  /* Remote set as router port; removal from the flood list forgets it. */
  ck_assert_int_eq(
      vl2_mdb_router_set(sw, VNI, VL2_PORT_REMOTE, &r1, VL2_MDB_ROUTER_ON, T0),
      0);
  ck_assert_int_eq(
      vl2_mdb_router_set(sw, VNI, VL2_PORT_REMOTE, &r2, VL2_MDB_ROUTER_ON, T0),
      VL2_ERR_NOTFOUND);
  ck_assert_int_eq(vl2_switch_remote_del(sw, VNI, &r1), 0);
  ck_assert_int_eq(rows(sw, VL2_AF_INET, G1, NULL, NULL, T0), 0);
  ck_assert_int_eq(rows(sw, VL2_AF_NONE, NULL, NULL, NULL, T0), 0);
  teardown_sw(sw);
}
END_TEST

START_TEST(alloc_failures) {
  for (long k = 1; k < 20; k++) {
    vl2t_mem_init(&tm);
    vl2_switch *sw = NULL;
    ck_assert_int_eq(vl2_switch_new(&sw, NULL, &tm.mem), 0);
    vl2t_access(sw, 1, 10, VNI);
    tm.fail_at = tm.total + k;
    int rv = vl2_mdb_setup(sw, NULL);
    ck_assert(rv == 0 || rv == VL2_ERR_NOMEM);
    tm.fail_at = 0;
    vl2_switch_del(sw);
    VL2T_ASSERT_NO_LEAKS(&tm);
  }
}
END_TEST

/* Through vl2_switch_process(): verdicts of the flood path. */
START_TEST(flood_path) {
  vl2_switch *sw = setup(VL2_MDB_F_SNOOP, VL2_MDB_UNREG_FLOOD);
  uint8_t b[256];
  vl2_verdict v;
  vl2_dest d[256];
  /* A report with no router port is absorbed. */
  size_t n = igmp(b, 0x16, G1, NULL, NULL);
  vl2t_one(sw, b, n, 1, &v, d, T0);
  ck_assert_uint_eq(v.action, VL2_ACT_CONSUMED);
  /* Registered data: to port 1 only, flagged as replicated. */
  n = udp_to(b, G1);
  b[11] = 0x0b; /* another source MAC than the reporter's */
  vl2t_one(sw, b, n, 2, &v, d, T0);
  ck_assert_uint_eq(v.action, VL2_ACT_FORWARD);
  ck_assert_uint_eq(v.dest_cnt, 1);
  ck_assert_ptr_nonnull(vl2t_find_port(&v, d, 1));
  ck_assert(v.flags & VL2_VFLAG_FLOOD);
  /* A query makes port 4 a router: reports then go there. */
  static const uint8_t rtr[4] = {10, 0, 0, 1}, zero[4] = {0};
  n = igmp(b, 0x11, zero, ALL_HOSTS, rtr);
  b[11] = 0x0c;
  vl2t_one(sw, b, n, 4, &v, d, T0);
  ck_assert_uint_eq(v.dest_cnt, 3); /* queries are flooded */
  n = igmp(b, 0x16, G2, NULL, NULL);
  vl2t_one(sw, b, n, 1, &v, d, T0);
  ck_assert_uint_eq(v.action, VL2_ACT_FORWARD);
  ck_assert_uint_eq(v.dest_cnt, 1);
  ck_assert_ptr_nonnull(vl2t_find_port(&v, d, 4));
  /* Invalid: dropped with its reason. */
  n = igmp(b, 0x16, G1, NULL, NULL);
  b[14 + 20 + 2] ^= 1;
  vl2t_one(sw, b, n, 1, &v, d, T0);
  ck_assert_uint_eq(v.action, VL2_ACT_DROP);
  ck_assert_uint_eq(v.reason, VL2_DROP_MCAST_INVALID);
  ck_assert_str_eq(vl2_drop_reason_name(VL2_DROP_MCAST_INVALID),
                   "mcast_invalid");
  /* Non-IP multicast: flooded unchanged. */
  n = vl2t_frame_tags(b, 0x01000ccccccc, SRC_MAC, NULL, NULL, 0, 0x2000, 40);
  vl2t_one(sw, b, n, 1, &v, d, T0);
  ck_assert_uint_eq(v.dest_cnt, 3);
  /* Remote endpoints: a member endpoint gets the group, another not. */
  vl2_ipaddr r1 = vl2t_ip4(192, 0, 2, 1), r2 = vl2t_ip4(192, 0, 2, 2);
  ck_assert_int_eq(vl2_switch_remote_add(sw, VNI, &r1), 0);
  ck_assert_int_eq(vl2_switch_remote_add(sw, VNI, &r2), 0);
  n = igmp(b, 0x16, G3, NULL, NULL);
  b[11] = 0x0d;
  vl2t_one_remote(sw, b, n, VNI, &r1, &v, d, T0);
  ck_assert_uint_eq(v.action, VL2_ACT_FORWARD); /* to router port 4 */
  n = udp_to(b, G3);
  b[11] = 0x0e;
  vl2t_one(sw, b, n, 2, &v, d, T0);
  ck_assert_uint_eq(v.dest_cnt, 2); /* r1 and router port 4 */
  int remotes = 0;
  for (uint32_t i = 0; i < v.dest_cnt; i++)
    if (d[v.dest_off + i].type == VL2_DEST_REMOTE) {
      remotes++;
      ck_assert_int_eq(memcmp(&d[v.dest_off + i].remote, &r1, sizeof(r1)), 0);
    }
  ck_assert_int_eq(remotes, 1);
  teardown_sw(sw);
}
END_TEST

/* ------------------------------------------------------------------ */
/* The querier's versions                                               */

static const uint8_t Q6[16] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0,
                               0,    0,    0, 0, 0, 0, 0, 5};

/* A switch whose segment is querier with |igmp_v|, |mld_v| and the
 * timers of |vec| (NULL: the defaults). */
static vl2_switch *setup_querier(uint8_t igmp_v, uint8_t mld_v,
                                 const mqv_vector *vec) {
  vl2t_mem_init(&tm);
  vl2_switch *sw = NULL;
  ck_assert_int_eq(vl2_switch_new(&sw, NULL, &tm.mem), 0);
  for (uint32_t p = 1; p <= 4; p++)
    vl2t_access(sw, p, 10, VNI);
  vl2_mdb_config c;
  ck_assert_int_eq(vl2_mdb_config_default(&c), 0);
  if (vec != NULL) {
    c.robustness = vec->robustness;
    c.query_interval_ns = (vl2_duration)vec->interval_s * VL2_SEC;
    c.query_response_ns = (vl2_duration)vec->response_ms * VL2_MS;
    c.last_member_ns = (vl2_duration)vec->last_member_ms * VL2_MS;
  }
  ck_assert_int_eq(vl2_mdb_setup(sw, &c), 0);
  vl2_mdb_segment_config mc;
  memset(&mc, 0, sizeof(mc));
  mc.flags = VL2_MDB_F_SNOOP | VL2_MDB_F_QUERIER;
  mc.igmp_version = igmp_v;
  mc.mld_version = mld_v;
  mc.querier_mac = vl2t_mac(0x0200000000f0ULL);
  mc.querier_ip4 = vl2t_ip4(10, 0, 0, 5);
  mc.querier_ip6.family = VL2_AF_INET6;
  memcpy(mc.querier_ip6.addr, Q6, 16);
  ck_assert_int_eq(vl2_mdb_segment_set(sw, VNI, &mc, T0), 0);
  return sw;
}

/* Take every queued frame; count the queries of |family| (4, 6) to port
 * 1 and keep the last. */
static int queries_of(vl2_switch *sw, int family, uint8_t *last, size_t *len,
                      vl2_tstamp now) {
  uint8_t b[2048];
  vl2_tx_meta meta;
  int n = 0;
  vl2_ssize r;
  while ((r = vl2_switch_poll_tx(sw, b, sizeof(b), &meta, now)) > 0) {
    ck_assert_uint_eq(meta.kind, VL2_TX_MCAST_QUERY);
    if (b[12] == (family == 4 ? 0x08 : 0x86) && meta.dest.port == 1) {
      n++;
      memcpy(last, b, (size_t)r);
      *len = (size_t)r;
    }
  }
  return n;
}

/* Take every queued frame; the last IGMP and MLD query to port 1 in
 * |q4| and |q6|; returns how many there were. */
static int queries2(vl2_switch *sw, uint8_t *q4, size_t *l4, uint8_t *q6,
                    size_t *l6, vl2_tstamp now) {
  uint8_t b[2048];
  vl2_tx_meta meta;
  int n = 0;
  vl2_ssize r;
  while ((r = vl2_switch_poll_tx(sw, b, sizeof(b), &meta, now)) > 0) {
    if (meta.dest.port != 1)
      continue;
    n++;
    memcpy(b[12] == 0x08 ? q4 : q6, b, (size_t)r);
    *(b[12] == 0x08 ? l4 : l6) = (size_t)r;
  }
  return n;
}

static void assert_frame(const uint8_t *got, size_t got_len,
                         const uint8_t *want, size_t want_len,
                         const char *name) {
  ck_assert_msg(got_len == want_len, "%s: %zu bytes, want %zu", name, got_len,
                want_len);
  for (size_t i = 0; i < want_len; i++)
    ck_assert_msg(got[i] == want[i], "%s: byte %zu is 0x%02x, want 0x%02x",
                  name, i, got[i], want[i]);
}

/* Byte for byte what scapy builds (mdb_query_vectors_gen.py). */
START_TEST(query_vectors) {
  for (size_t k = 0; k < sizeof(mqv_vectors) / sizeof(mqv_vectors[0]); k++) {
    const mqv_vector *vec = &mqv_vectors[k];
    int v6 = vec->family == 6;
    vl2_switch *sw =
        setup_querier(v6 ? 0 : vec->version, v6 ? vec->version : 0, vec);
    vl2_mdb_segment_config got;
    ck_assert_int_eq(vl2_mdb_segment_get(sw, VNI, &got), 0);
    ck_assert_uint_eq(v6 ? got.mld_version : got.igmp_version, vec->version);
    uint8_t q[256], b[256];
    size_t qlen = 0, n;
    ck_assert_int_eq(vl2_switch_run_timers(sw, T0), 0);
    ck_assert_int_eq(queries_of(sw, vec->family, q, &qlen, T0), 1);
    if (vec->has_group) {
      /* A member on port 1 leaves: a group-specific query. */
      n = v6 ? mld1(b, 131, vec->group) : igmp(b, 0x16, vec->group, NULL, NULL);
      in(sw, b, n, 1, T0 + VL2_SEC, NULL);
      n = v6 ? mld1(b, 132, vec->group)
             : igmp(b, 0x17, vec->group, ALL_ROUTERS, NULL);
      in(sw, b, n, 1, T0 + VL2_SEC, NULL);
      ck_assert_int_eq(queries_of(sw, vec->family, q, &qlen, T0), 1);
    }
    assert_frame(q, qlen, vec->frame, vec->len, vec->name);
    /* Our own parser takes it as a valid query from a router. */
    ck_assert_int_eq(in(sw, q, qlen, 3, T0 + 2 * VL2_SEC, NULL),
                     VL2_MDB_FWD_FLOOD);
    vl2_mdb_stats st;
    ck_assert_int_eq(vl2_mdb_get_stats(sw, VNI, &st), 0);
    ck_assert_uint_eq(st.invalid, 0);
    ck_assert_uint_eq(v6 ? st.mld_queries : st.igmp_queries, 1);
    teardown_sw(sw);
  }
}
END_TEST

/* RFC 3376 section 4.1.1 / RFC 3810 section 5.1.3 decoding. */
static uint64_t exp_decode(uint16_t code, unsigned mant_bits) {
  uint32_t top = 1u << (mant_bits + 3);
  if (code < top)
    return code;
  unsigned exp = (code >> mant_bits) & 7;
  uint64_t mant = code & ((1u << mant_bits) - 1);
  return (mant | 1ull << mant_bits) << (exp + 3);
}

START_TEST(exp_codes) {
  /* IGMPv3 Max Resp Code and QQIC (8 bits). */
  ck_assert_uint_eq(vl2_mdb_exp_code(0, 4), 0);
  ck_assert_uint_eq(vl2_mdb_exp_code(127, 4), 127);
  ck_assert_uint_eq(vl2_mdb_exp_code(128, 4), 0x80);
  ck_assert_uint_eq(vl2_mdb_exp_code(200, 4), 0x89);
  ck_assert_uint_eq(vl2_mdb_exp_code(31743, 4), 0xfe);
  ck_assert_uint_eq(vl2_mdb_exp_code(31744, 4), 0xff);
  ck_assert_uint_eq(vl2_mdb_exp_code(31745, 4), 0xff);
  ck_assert_uint_eq(vl2_mdb_exp_code(UINT64_MAX, 4), 0xff);
  /* MLDv2 Maximum Response Code (16 bits). */
  ck_assert_uint_eq(vl2_mdb_exp_code(32767, 12), 32767);
  ck_assert_uint_eq(vl2_mdb_exp_code(32768, 12), 0x8000);
  ck_assert_uint_eq(vl2_mdb_exp_code(40000, 12), 0x8388);
  ck_assert_uint_eq(vl2_mdb_exp_code(8387583, 12), 0xfffe);
  ck_assert_uint_eq(vl2_mdb_exp_code(8387584, 12), 0xffff);
  ck_assert_uint_eq(vl2_mdb_exp_code(100000000, 12), 0xffff);
  /* Every code is the largest whose value does not exceed the input. */
  for (unsigned bits = 4; bits <= 12; bits += 8) {
    uint64_t max = exp_decode(bits == 4 ? 0xff : 0xffff, bits);
    for (uint64_t v = 0; v <= max + 5; v += 1 + v / 512) {
      uint16_t c = vl2_mdb_exp_code(v, bits);
      ck_assert_uint_le(exp_decode(c, bits), v);
      if (v < max)
        ck_assert_uint_gt(exp_decode((uint16_t)(c + 1), bits), v);
    }
  }
}
END_TEST

/* An IGMPv3 query (12 bytes plus |nsrc_real| sources, claiming |nsrc|)
 * from |src|. */
static size_t igmp3_query(uint8_t *b, const uint8_t *src, uint16_t nsrc,
                          size_t nsrc_real) {
  uint8_t m[64];
  memset(m, 0, sizeof(m));
  m[0] = 0x11;
  m[1] = 100;
  m[8] = 2;
  m[9] = 125;
  m[10] = (uint8_t)(nsrc >> 8);
  m[11] = (uint8_t)nsrc;
  return ip4_frame(b, src, ALL_HOSTS, 2, m, 12 + 4 * nsrc_real, 2);
}

/* RFC 3376 section 7.3.1: an IGMPv1/v2 querier on the segment makes ours
 * IGMPv2 for the Older Version Querier Present Timeout (260 s); MLDv1
 * likewise for MLD. Newer queries do not; the election is unchanged. */
START_TEST(older_querier) {
  vl2_switch *sw = setup_querier(0, 0, NULL);
  uint8_t q[256], b[256];
  size_t qlen = 0, n;
  ck_assert_int_eq(vl2_switch_run_timers(sw, T0), 0);
  ck_assert_int_eq(queries_of(sw, 4, q, &qlen, T0), 1);
  assert_frame(q, qlen, mqv_igmp3_general, sizeof(mqv_igmp3_general), "v3");
  /* A v3 querier with a higher address: still IGMPv3, still querier. */
  static const uint8_t hi[4] = {10, 0, 0, 9}, lo[4] = {10, 0, 0, 1};
  static const uint8_t zero[4] = {0};
  n = igmp3_query(b, hi, 0, 0);
  ck_assert_int_eq(in(sw, b, n, 3, T0 + VL2_SEC, NULL), VL2_MDB_FWD_FLOOD);
  ck_assert_int_eq(vl2_switch_run_timers(sw, T0 + 31250 * VL2_MS), 0);
  ck_assert_int_eq(queries_of(sw, 4, q, &qlen, T0), 1);
  assert_frame(q, qlen, mqv_igmp3_general, sizeof(mqv_igmp3_general), "v3");
  /* An IGMPv2 querier with a higher address: ours become IGMPv2. */
  n = igmp(b, 0x11, zero, ALL_HOSTS, hi);
  ck_assert_int_eq(in(sw, b, n, 3, T0 + 40 * VL2_SEC, NULL), VL2_MDB_FWD_FLOOD);
  uint8_t q6[256];
  size_t q6len = 0;
  ck_assert_int_eq(vl2_switch_run_timers(sw, T0 + 62500 * VL2_MS), 0);
  ck_assert_int_eq(queries2(sw, q, &qlen, q6, &q6len, T0), 2);
  assert_frame(q, qlen, mqv_igmp2_general, sizeof(mqv_igmp2_general), "v2");
  /* MLD is not affected by IGMP. */
  assert_frame(q6, q6len, mqv_mld2_general, sizeof(mqv_mld2_general), "mld2");
  vl2_mdb_stats st;
  ck_assert_int_eq(vl2_mdb_get_stats(sw, VNI, &st), 0);
  ck_assert_uint_eq(st.querier_lost, 0);
  /* Until 40 s + 2 * 125 s + 10 s = 300 s: IGMPv2 at 187.5 s. */
  ck_assert_int_eq(vl2_switch_run_timers(sw, T0 + 187500 * VL2_MS), 0);
  ck_assert_int_eq(queries2(sw, q, &qlen, q6, &q6len, T0), 2);
  assert_frame(q, qlen, mqv_igmp2_general, sizeof(mqv_igmp2_general), "v2");
  /* Then IGMPv3 again (312.5 s). */
  ck_assert_int_eq(vl2_switch_run_timers(sw, T0 + 312500 * VL2_MS), 0);
  ck_assert_int_eq(queries2(sw, q, &qlen, q6, &q6len, T0), 2);
  assert_frame(q, qlen, mqv_igmp3_general, sizeof(mqv_igmp3_general), "v3");
  /* An MLDv1 query (24 bytes, from fe80::a) turns MLD to MLDv1. */
  uint8_t ic[24];
  memset(ic, 0, sizeof(ic));
  ic[0] = 130;
  ic[4] = 0x27;
  ic[5] = 0x10;
  n = ip6_icmp(b, V6ALL, ic, sizeof(ic), 1);
  ck_assert_int_eq(in(sw, b, n, 3, T0 + 350 * VL2_SEC, NULL),
                   VL2_MDB_FWD_FLOOD);
  ck_assert_int_eq(vl2_switch_run_timers(sw, T0 + 437500 * VL2_MS), 0);
  ck_assert_int_eq(queries2(sw, q, &qlen, q6, &q6len, T0), 2);
  assert_frame(q, qlen, mqv_igmp3_general, sizeof(mqv_igmp3_general), "v3");
  assert_frame(q6, q6len, mqv_mld1_general, sizeof(mqv_mld1_general), "mld1");
  /* (fe80::a is above fe80::5: we stayed the MLD querier.) An IGMPv3
   * query from a lower address wins the election as before. */
  n = igmp3_query(b, lo, 0, 0);
  ck_assert_int_eq(in(sw, b, n, 3, T0 + 470 * VL2_SEC, NULL),
                   VL2_MDB_FWD_FLOOD);
  ck_assert_int_eq(vl2_mdb_get_stats(sw, VNI, &st), 0);
  ck_assert_uint_eq(st.querier_lost, 1);
  /* Configured IGMPv2 / MLDv1 stay so; bad versions are refused. */
  vl2_mdb_segment_config mc;
  ck_assert_int_eq(vl2_mdb_segment_get(sw, VNI, &mc), 0);
  ck_assert_uint_eq(mc.igmp_version, VL2_MDB_IGMP_V3);
  ck_assert_uint_eq(mc.mld_version, VL2_MDB_MLD_V2);
  static const uint8_t bad_igmp[] = {1, 4, 255};
  for (size_t i = 0; i < sizeof(bad_igmp); i++) {
    mc.igmp_version = bad_igmp[i];
    ck_assert_int_eq(vl2_mdb_segment_set(sw, VNI, &mc, T0), VL2_ERR_INVALID);
  }
  mc.igmp_version = VL2_MDB_IGMP_V2;
  mc.mld_version = 3;
  ck_assert_int_eq(vl2_mdb_segment_set(sw, VNI, &mc, T0), VL2_ERR_INVALID);
  mc.mld_version = VL2_MDB_MLD_V1;
  ck_assert_int_eq(vl2_mdb_segment_set(sw, VNI, &mc, T0), 0);
  ck_assert_int_eq(vl2_mdb_segment_get(sw, VNI, &mc), 0);
  ck_assert_uint_eq(mc.igmp_version, VL2_MDB_IGMP_V2);
  ck_assert_uint_eq(mc.mld_version, VL2_MDB_MLD_V1);
  teardown_sw(sw);
}
END_TEST

/* Forged IGMPv3 / MLDv2 queries whose source count does not fit their
 * length: dropped, counted invalid, no effect on the election. */
START_TEST(forged_queries) {
  vl2_switch *sw = setup_querier(0, 0, NULL);
  uint8_t q[256], b[256];
  size_t qlen = 0, n;
  static const uint8_t lo[4] = {10, 0, 0, 1};
  ck_assert_int_eq(vl2_switch_run_timers(sw, T0), 0);
  ck_assert_int_eq(queries_of(sw, 4, q, &qlen, T0), 1);
  /* 65535 sources claimed, none present. */
  n = igmp3_query(b, lo, 0xffff, 0);
  ck_assert_int_eq(in(sw, b, n, 3, T0 + VL2_SEC, NULL), VL2_MDB_FWD_DROP);
  /* Two claimed, one present (truncated). */
  n = igmp3_query(b, lo, 2, 1);
  ck_assert_int_eq(in(sw, b, n, 3, T0 + VL2_SEC, NULL), VL2_MDB_FWD_DROP);
  /* MLDv2: 4096 sources claimed in a 28-byte query from fe80::a. */
  uint8_t ic[28];
  memset(ic, 0, sizeof(ic));
  ic[0] = 130;
  ic[26] = 0x10;
  n = ip6_icmp(b, V6ALL, ic, sizeof(ic), 1);
  ck_assert_int_eq(in(sw, b, n, 3, T0 + VL2_SEC, NULL), VL2_MDB_FWD_DROP);
  /* 25..27 bytes: neither MLDv1 nor MLDv2. */
  n = ip6_icmp(b, V6ALL, ic, 26, 1);
  ck_assert_int_eq(in(sw, b, n, 3, T0 + VL2_SEC, NULL), VL2_MDB_FWD_DROP);
  vl2_mdb_stats st;
  ck_assert_int_eq(vl2_mdb_get_stats(sw, VNI, &st), 0);
  ck_assert_uint_eq(st.invalid, 4);
  ck_assert_uint_eq(st.igmp_queries, 0);
  ck_assert_uint_eq(st.querier_lost, 0);
  ck_assert_int_eq(rows(sw, VL2_AF_NONE, NULL, NULL, NULL, T0), 0);
  /* Still the querier, still IGMPv3 / MLDv2. */
  ck_assert_int_eq(vl2_switch_run_timers(sw, T0 + 31250 * VL2_MS), 0);
  ck_assert_int_eq(queries_of(sw, 4, q, &qlen, T0), 1);
  assert_frame(q, qlen, mqv_igmp3_general, sizeof(mqv_igmp3_general), "v3");
  /* The same query with its source present is valid and wins. */
  n = igmp3_query(b, lo, 1, 1);
  ck_assert_int_eq(in(sw, b, n, 3, T0 + 32 * VL2_SEC, NULL), VL2_MDB_FWD_FLOOD);
  ck_assert_int_eq(vl2_mdb_get_stats(sw, VNI, &st), 0);
  ck_assert_uint_eq(st.querier_lost, 1);
  teardown_sw(sw);
}
END_TEST

Suite *vl2_mdb_suite(void) {
  Suite *s = suite_create("mdb");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, join_leave_timeout);
  tcase_add_test(tc, fast_leave_and_port_gone);
  tcase_add_test(tc, router_ports);
  tcase_add_test(tc, link_local_and_non_ip);
  tcase_add_test(tc, v3_records_any_source);
  tcase_add_test(tc, invalid_messages);
  tcase_add_test(tc, limits);
  tcase_add_test(tc, querier_election);
  tcase_add_test(tc, remote_members);
  tcase_add_test(tc, alloc_failures);
  tcase_add_test(tc, flood_path);
  tcase_add_test(tc, stats_size_rule);
  suite_add_tcase(s, tc);
  tc = tcase_create("querier");
  tcase_add_test(tc, query_vectors);
  tcase_add_test(tc, exp_codes);
  tcase_add_test(tc, older_querier);
  tcase_add_test(tc, forged_queries);
  suite_add_tcase(s, tc);
  return s;
}
