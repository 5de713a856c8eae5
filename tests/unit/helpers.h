/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/* Unit-test helpers: frame builders, a counting allocator that can fail
 * the N-th allocation (failmalloc.c), and switch set-up shortcuts. */
#ifndef VL2_TEST_HELPERS_H
#define VL2_TEST_HELPERS_H

#include <check.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <vl2/vl2.h>

#include "stats_rule.h"

/* ---- allocator (failmalloc.c) ---- */
typedef struct vl2t_mem {
  vl2_mem mem;  /* pass &tm.mem to the library */
  long live;    /* allocations not yet freed */
  long total;   /* allocations made */
  long fail_at; /* fail the allocation with this 1-based number; 0:
                   never */
} vl2t_mem;

void vl2t_mem_init(vl2t_mem *tm);
/* Assert that nothing allocated through |tm| is still live. */
#define VL2T_ASSERT_NO_LEAKS(tm)                                               \
  ck_assert_msg((tm)->live == 0, "%ld allocations leaked", (tm)->live)

/* ---- frames ---- */
#define VL2T_BCAST 0xffffffffffffULL
/* A locally administered unicast MAC from a small number. */
#define VL2T_MAC(n) (0x020000000000ULL | (uint64_t)(n))

vl2_mac vl2t_mac(uint64_t v);
/* Build an Ethernet frame in |buf| (at least 64 + 8 bytes): dst, src, then
 * |ntags| tags (tpid[i], tci[i]), EtherType |et| and |payload| bytes of a
 * counting pattern. Returns its length. */
size_t vl2t_frame_tags(uint8_t *buf, uint64_t dst, uint64_t src,
                       const uint16_t *tpid, const uint16_t *tci, int ntags,
                       uint16_t et, size_t payload);
/* Untagged (vid < 0) or single 802.1Q-tagged frame of 64 bytes. */
size_t vl2t_frame(uint8_t *buf, uint64_t dst, uint64_t src, int vid);
/* The Internet checksum (RFC 1071) of |n| bytes at |p|, |sum| (a
 * pseudo-header's partial sum) added; written here, not taken from the
 * library, so the tests check the library's against another. */
uint16_t vl2t_csum(const uint8_t *p, size_t n, uint32_t sum);
/* An IPv6 frame from |src| (MAC; IP fe80::a) to multicast |dst| (its
 * 33:33 MAC) carrying ICMPv6 message |ic| (|iclen| bytes, checksum filled
 * in) after a Router Alert hop-by-hop header (|hbh|, RFC 2711) or
 * directly; hop limit 1. Returns its length. */
size_t vl2t_ip6_icmp(uint8_t *b, uint64_t src, const uint8_t *dst,
                     const uint8_t *ic, size_t iclen, int hbh);

/* ---- switch ---- */
/* A switch with the default config but |max_fdb| entries and ageing
 * |ageing_ns|, allocating through |tm| (may be NULL). */
vl2_switch *vl2t_switch(vl2t_mem *tm, uint32_t max_fdb, vl2_duration ageing_ns);
/* Add segment |vni| (flags) if absent and an access port |port| in VLAN
 * |vid| mapped to it. */
void vl2t_access(vl2_switch *sw, uint32_t port, vl2_vid vid, uint32_t vni);
/* Add a trunk port with |native| (0: none) and no VLANs. */
void vl2t_trunk(vl2_switch *sw, uint32_t port, vl2_vid native);
void vl2t_segment(vl2_switch *sw, uint32_t vni, uint32_t flags);
vl2_ipaddr vl2t_ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d);

/* Process one frame; fills |v| and |dests| (capacity 256). */
void vl2t_one(vl2_switch *sw, const uint8_t *data, size_t len, uint32_t port,
              vl2_verdict *v, vl2_dest *dests, vl2_tstamp now);
/* The same for a frame from remote |r| in |vni|. */
void vl2t_one_remote(vl2_switch *sw, const uint8_t *data, size_t len,
                     uint32_t vni, const vl2_ipaddr *r, vl2_verdict *v,
                     vl2_dest *dests, vl2_tstamp now);
/* Does verdict |v| send to port |port|? Returns the dest or NULL. */
const vl2_dest *vl2t_find_port(const vl2_verdict *v, const vl2_dest *dests,
                               uint32_t port);
uint64_t vl2t_drops(const vl2_switch *sw, unsigned reason);
/* Drain the event queue; returns how many events of |type| it held. */
int vl2t_count_events(vl2_switch *sw, uint16_t type);

/* ---- state snapshots (vl2_switch_trace() must change none of it) ---- */
#define VL2T_SNAP_PORTS 16
#define VL2T_SNAP_SEGS 8
/* Everything a program can read back from a switch: every counter
 * (switch, port, segment, neighbour, storm, MDB), the FDB, neighbour and
 * MDB dumps, table sizes, the max fan-out and the next deadline. Ports
 * 0..VL2T_SNAP_PORTS-1 and the |vnis| given are read. */
typedef struct vl2t_snap {
  vl2_switch_stats st;
  int port_rc[VL2T_SNAP_PORTS];
  vl2_port_stats ps[VL2T_SNAP_PORTS];
  vl2_storm_port_stats sps[VL2T_SNAP_PORTS];
  size_t n_vni;
  uint32_t vni[VL2T_SNAP_SEGS];
  int seg_rc[VL2T_SNAP_SEGS];
  vl2_segment_stats ss[VL2T_SNAP_SEGS];
  vl2_neigh_stats ns[VL2T_SNAP_SEGS];
  vl2_storm_segment_stats sss[VL2T_SNAP_SEGS];
  vl2_mdb_stats ms[VL2T_SNAP_SEGS];
  vl2_neigh_stats ns_all;
  vl2_mdb_stats ms_all;
  size_t fdb_count, neigh_count, max_fanout;
  vl2_tstamp deadline;
  size_t n_fdb, n_neigh, n_mdb;
  vl2_fdb_entry *fdb;
  vl2_neigh_entry *neigh;
  vl2_mdb_entry *mdb;
} vl2t_snap;

/* Read |sw| into |s| (dumps at |now|); free with vl2t_snap_free(). */
void vl2t_snap_take(vl2t_snap *s, const vl2_switch *sw, const uint32_t *vnis,
                    size_t n_vni, vl2_tstamp now);
void vl2t_snap_free(vl2t_snap *s);
/* NULL when |a| and |b| are equal, else a description of the first
 * difference (a static buffer). */
const char *vl2t_snap_diff(const vl2t_snap *a, const vl2t_snap *b);

/* Declarations of every suite (generated from the test_*.c names). */
#include "suites.inc"

#endif /* !defined(VL2_TEST_HELPERS_H) */
