/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/* Control-plane (EVPN) FDB entries: moved by local learning, never
 * overridden by remote learning, never aged; the guarded delete; EVPN
 * segments (no remote learning, flood-list-only ingress, default move
 * dampening); EVPN neighbour entries keep their origin. */
#include <string.h>

#include <vl2/fdb.h>
#include <vl2/neigh.h>

#include "helpers.h"

#define A VL2T_MAC(0xa)
#define B VL2T_MAC(0xb)

static vl2_verdict v;
static vl2_dest d[256];
static uint8_t buf[256];

static vl2_switch *two_ports(vl2t_mem *tm, uint32_t seg_flags) {
  vl2_switch *sw = vl2t_switch(tm, 1024, 300 * VL2_SEC);
  vl2t_segment(sw, 100, seg_flags);
  vl2t_access(sw, 1, 10, 100);
  vl2t_access(sw, 2, 10, 100);
  return sw;
}

static void send(vl2_switch *sw, uint64_t dst, uint64_t src, uint32_t port,
                 vl2_tstamp now) {
  size_t len = vl2t_frame(buf, dst, src, -1);
  vl2t_one(sw, buf, len, port, &v, d, now);
}

static void send_remote(vl2_switch *sw, uint64_t dst, uint64_t src,
                        const vl2_ipaddr *r, vl2_tstamp now) {
  size_t len = vl2t_frame(buf, dst, src, -1);
  vl2t_one_remote(sw, buf, len, 100, r, &v, d, now);
}

static vl2_fdb_entry evpn_entry(uint64_t mac, vl2_ipaddr r) {
  vl2_fdb_entry e;
  memset(&e, 0, sizeof(e));
  e.vni = 100;
  e.mac = vl2t_mac(mac);
  e.flags = VL2_FDB_F_REMOTE | VL2_FDB_F_EVPN;
  e.remote = r;
  return e;
}

static int lookup(vl2_switch *sw, uint64_t mac, vl2_fdb_entry *e,
                  vl2_tstamp now) {
  vl2_mac m = vl2t_mac(mac);
  return vl2_fdb_lookup(sw, 100, &m, e, now);
}

START_TEST(evpn_entry_is_moved_by_local_learning) {
  vl2t_mem tm;
  vl2t_mem_init(&tm);
  vl2_switch *sw = two_ports(&tm, VL2_SEG_F_EVPN);
  vl2_ipaddr r1 = vl2t_ip4(192, 0, 2, 1);
  ck_assert_int_eq(vl2_switch_remote_add(sw, 100, &r1), 0);
  vl2_fdb_entry e = evpn_entry(A, r1);
  ck_assert_int_eq(vl2_fdb_add_static(sw, &e), 0);
  vl2_fdb_entry got;
  ck_assert_int_eq(lookup(sw, A, &got, 0), 0);
  ck_assert_uint_eq(got.flags,
                    VL2_FDB_F_STATIC | VL2_FDB_F_REMOTE | VL2_FDB_F_EVPN);
  vl2_switch_stats st;
  vl2_switch_get_stats(sw, &st);
  ck_assert_uint_eq(st.fdb_static, 1);
  /* The VM migrated here: its first frame moves the entry at once. */
  send(sw, VL2T_BCAST, A, 1, 1 * VL2_SEC);
  ck_assert(v.flags & VL2_VFLAG_MOVED);
  ck_assert_int_eq(lookup(sw, A, &got, 1 * VL2_SEC), 0);
  ck_assert_uint_eq(got.port, 1);
  ck_assert_uint_eq(got.flags, 0); /* a learned entry now */
  ck_assert_uint_ne(got.expires_at, VL2_TSTAMP_NONE);
  vl2_event ev;
  ck_assert_int_eq(vl2_switch_poll_event(sw, &ev), 1);
  ck_assert_uint_eq(ev.type, VL2_EV_FDB_MOVED);
  ck_assert_uint_eq(ev.port, 1);
  ck_assert_uint_eq(ev.old_port, VL2_PORT_REMOTE);
  ck_assert(memcmp(&ev.old_remote, &r1, sizeof(r1)) == 0);
  vl2_switch_get_stats(sw, &st);
  ck_assert_uint_eq(st.fdb_static, 0);
  ck_assert_uint_eq(st.moved, 1);
  vl2_segment_stats ss;
  vl2_switch_segment_get_stats(sw, 100, &ss);
  ck_assert_uint_eq(ss.macs, 1);
  vl2_port_stats ps;
  vl2_switch_port_get_stats(sw, 1, &ps);
  ck_assert_uint_eq(ps.macs, 1);
  /* Traffic to A now goes to port 1. */
  send(sw, A, B, 2, 2 * VL2_SEC);
  ck_assert_uint_eq(v.dest_cnt, 1);
  ck_assert_uint_eq(d[v.dest_off].type, VL2_DEST_PORT);
  ck_assert_uint_eq(d[v.dest_off].port, 1);
  /* Once learned it ages like any learned entry. */
  vl2_switch_run_timers(sw, 400 * VL2_SEC);
  ck_assert_int_eq(lookup(sw, A, &got, 400 * VL2_SEC), VL2_ERR_NOTFOUND);
  vl2_switch_del(sw);
  VL2T_ASSERT_NO_LEAKS(&tm);
}
END_TEST

START_TEST(remote_learning_never_overrides_evpn_entry) {
  /* Even in a segment that learns from remotes. */
  vl2_switch *sw = two_ports(NULL, VL2_SEG_F_LEARN_REMOTE);
  vl2_ipaddr r1 = vl2t_ip4(192, 0, 2, 1);
  vl2_ipaddr r2 = vl2t_ip4(192, 0, 2, 2);
  vl2_fdb_entry e = evpn_entry(A, r1);
  ck_assert_int_eq(vl2_fdb_add_static(sw, &e), 0);
  send_remote(sw, VL2T_BCAST, A, &r2, 1);
  vl2_fdb_entry got;
  ck_assert_int_eq(lookup(sw, A, &got, 1), 0);
  ck_assert(memcmp(&got.remote, &r1, sizeof(r1)) == 0);
  ck_assert(got.flags & VL2_FDB_F_EVPN);
  vl2_switch_stats st;
  vl2_switch_get_stats(sw, &st);
  ck_assert_uint_eq(st.static_conflicts, 1);
  ck_assert_uint_eq(st.moved, 0);
  vl2_switch_del(sw);
}
END_TEST

START_TEST(evpn_entry_never_ages) {
  vl2_switch *sw = two_ports(NULL, VL2_SEG_F_EVPN);
  vl2_ipaddr r1 = vl2t_ip4(192, 0, 2, 1);
  vl2_fdb_entry e = evpn_entry(A, r1);
  ck_assert_int_eq(vl2_fdb_add_static(sw, &e), 0);
  send(sw, VL2T_BCAST, B, 1, 0); /* a learned entry arms the sweep */
  vl2_switch_run_timers(sw, 10000 * VL2_SEC);
  vl2_fdb_entry got;
  ck_assert_int_eq(lookup(sw, A, &got, 10000 * VL2_SEC), 0);
  ck_assert_int_eq(lookup(sw, B, &got, 10000 * VL2_SEC), VL2_ERR_NOTFOUND);
  vl2_switch_del(sw);
}
END_TEST

START_TEST(guarded_delete) {
  vl2t_mem tm;
  vl2t_mem_init(&tm);
  vl2_switch *sw = two_ports(&tm, VL2_SEG_F_EVPN);
  vl2_ipaddr r1 = vl2t_ip4(192, 0, 2, 1);
  vl2_ipaddr r2 = vl2t_ip4(192, 0, 2, 2);
  vl2_fdb_entry e = evpn_entry(A, r1);
  ck_assert_int_eq(vl2_fdb_add_static(sw, &e), 0);
  /* A withdrawal naming another endpoint keeps the entry. */
  vl2_fdb_entry w = evpn_entry(A, r2);
  ck_assert_int_eq(vl2_fdb_del_if(sw, &w), VL2_FDB_KEPT);
  /* The MAC moves here; the late withdrawal of r1 keeps it. */
  send(sw, VL2T_BCAST, A, 1, 1);
  ck_assert_int_eq(vl2_fdb_del_if(sw, &e), VL2_FDB_KEPT);
  vl2_fdb_entry got;
  ck_assert_int_eq(lookup(sw, A, &got, 1), 0);
  ck_assert_uint_eq(got.port, 1);
  /* A port-guarded delete for another port keeps it too. */
  vl2_fdb_entry lp;
  memset(&lp, 0, sizeof(lp));
  lp.vni = 100;
  lp.mac = vl2t_mac(A);
  lp.port = 2;
  ck_assert_int_eq(vl2_fdb_del_if(sw, &lp), VL2_FDB_KEPT);
  lp.port = 1;
  ck_assert_int_eq(vl2_fdb_del_if(sw, &lp), 0);
  ck_assert_int_eq(vl2_fdb_del_if(sw, &lp), VL2_ERR_NOTFOUND);
  /* The right withdrawal removes an EVPN entry and its endpoint
   * reference. */
  e = evpn_entry(B, r2);
  ck_assert_int_eq(vl2_fdb_add_static(sw, &e), 0);
  ck_assert_int_eq(vl2_fdb_del_if(sw, &e), 0);
  ck_assert_int_eq(lookup(sw, B, &got, 1), VL2_ERR_NOTFOUND);
  /* EVPN-guarded: a plain static entry at the same endpoint is kept. */
  e.flags = VL2_FDB_F_REMOTE;
  ck_assert_int_eq(vl2_fdb_add_static(sw, &e), 0);
  e.flags = VL2_FDB_F_REMOTE | VL2_FDB_F_EVPN;
  ck_assert_int_eq(vl2_fdb_del_if(sw, &e), VL2_FDB_KEPT);
  ck_assert_int_eq(vl2_fdb_del_if(NULL, &e), VL2_ERR_INVALID);
  ck_assert_int_eq(vl2_fdb_del_if(sw, NULL), VL2_ERR_INVALID);
  e.vni = 999;
  ck_assert_int_eq(vl2_fdb_del_if(sw, &e), VL2_ERR_NOTFOUND);
  vl2_switch_del(sw);
  VL2T_ASSERT_NO_LEAKS(&tm);
}
END_TEST

START_TEST(add_is_idempotent) {
  vl2t_mem tm;
  vl2t_mem_init(&tm);
  vl2_switch *sw = two_ports(&tm, VL2_SEG_F_EVPN);
  vl2_ipaddr r1 = vl2t_ip4(192, 0, 2, 1);
  vl2_fdb_entry e = evpn_entry(A, r1);
  for (int i = 0; i < 3; i++)
    ck_assert_int_eq(vl2_fdb_add_static(sw, &e), 0);
  vl2_switch_stats st;
  vl2_switch_get_stats(sw, &st);
  ck_assert_uint_eq(st.fdb_static, 1);
  ck_assert_uint_eq(vl2_fdb_count(sw), 1);
  /* Removing it once releases the endpoint (no reference left over):
   * the endpoint can be added to and removed from the flood list. */
  ck_assert_int_eq(vl2_fdb_del_if(sw, &e), 0);
  ck_assert_int_eq(vl2_switch_remote_add(sw, 100, &r1), 0);
  ck_assert_int_eq(vl2_switch_remote_del(sw, 100, &r1), 0);
  vl2_switch_del(sw);
  VL2T_ASSERT_NO_LEAKS(&tm);
}
END_TEST

START_TEST(evpn_segment_no_remote_learning_strict_ingress) {
  vl2_switch *sw = two_ports(NULL, VL2_SEG_F_EVPN | VL2_SEG_F_LEARN_REMOTE);
  vl2_ipaddr r1 = vl2t_ip4(192, 0, 2, 1);
  vl2_ipaddr r2 = vl2t_ip4(192, 0, 2, 2);
  ck_assert_int_eq(vl2_switch_remote_add(sw, 100, &r1), 0);
  /* From a flood-list member: delivered, not learned. */
  send_remote(sw, VL2T_BCAST, A, &r1, 1);
  ck_assert_uint_eq(v.action, VL2_ACT_FORWARD);
  vl2_fdb_entry got;
  ck_assert_int_eq(lookup(sw, A, &got, 1), VL2_ERR_NOTFOUND);
  /* From an endpoint outside it: dropped and counted. */
  send_remote(sw, VL2T_BCAST, B, &r2, 2);
  ck_assert_uint_eq(v.action, VL2_ACT_DROP);
  ck_assert_uint_eq(v.reason, VL2_DROP_REMOTE_NOT_MEMBER);
  ck_assert_uint_eq(vl2t_drops(sw, VL2_DROP_REMOTE_NOT_MEMBER), 1);
  vl2_switch_del(sw);
}
END_TEST

START_TEST(evpn_segment_dampens_moves_by_default) {
  vl2_switch *sw = two_ports(NULL, VL2_SEG_F_EVPN);
  vl2_tstamp t = VL2_SEC;
  send(sw, VL2T_BCAST, A, 1, t);
  /* RFC 7432 section 15.1: 5 moves within 180 s are allowed; the 6th
   * freezes the MAC where it is. */
  for (int i = 0; i < 5; i++) {
    t += VL2_SEC;
    send(sw, VL2T_BCAST, A, (uint32_t)(i % 2 == 0 ? 2 : 1), t);
    ck_assert(v.flags & VL2_VFLAG_MOVED);
  }
  t += VL2_SEC;
  send(sw, VL2T_BCAST, A, 1, t);
  ck_assert(v.flags & VL2_VFLAG_FROZEN);
  ck_assert_int_eq(vl2t_count_events(sw, VL2_EV_NEIGH_FROZEN), 1);
  /* A segment without the flag keeps plain 802.1Q moves. */
  vl2_switch *plain = two_ports(NULL, VL2_SEG_F_LEARN_REMOTE);
  for (int i = 0; i < 10; i++) {
    send(plain, VL2T_BCAST, A, (uint32_t)(1 + i % 2), (vl2_tstamp)i);
    ck_assert(!(v.flags & VL2_VFLAG_FROZEN));
  }
  vl2_switch_del(plain);
  vl2_switch_del(sw);
}
END_TEST

START_TEST(evpn_neighbour_keeps_origin) {
  vl2_switch *sw = two_ports(NULL, VL2_SEG_F_EVPN | VL2_SEG_F_ARP_SUPPRESS);
  vl2_neigh_entry n;
  memset(&n, 0, sizeof(n));
  n.vni = 100;
  n.ip = vl2t_ip4(10, 0, 0, 7);
  n.mac = vl2t_mac(A);
  n.port = VL2_PORT_REMOTE;
  n.flags = VL2_NEIGH_F_EVPN;
  ck_assert_int_eq(vl2_neigh_add_static(sw, &n), 0);
  vl2_neigh_entry got;
  ck_assert_int_eq(vl2_neigh_lookup(sw, 100, &n.ip, &got, 0), 0);
  ck_assert_uint_eq(got.flags, VL2_NEIGH_F_STATIC | VL2_NEIGH_F_EVPN);
  ck_assert_uint_eq(got.port, VL2_PORT_REMOTE);
  ck_assert_int_eq(vl2_neigh_del(sw, 100, &n.ip), 0);
  ck_assert_int_eq(vl2_neigh_lookup(sw, 100, &n.ip, &got, 0), VL2_ERR_NOTFOUND);
  vl2_switch_del(sw);
}
END_TEST

START_TEST(flood_list_is_readable) {
  vl2_switch *sw = two_ports(NULL, VL2_SEG_F_EVPN);
  vl2_ipaddr r1 = vl2t_ip4(192, 0, 2, 1), r2 = vl2t_ip4(192, 0, 2, 2), got;
  ck_assert_int_eq(vl2_switch_remote_get(sw, 100, 0, &got), 0);
  ck_assert_int_eq(vl2_switch_remote_add(sw, 100, &r1), 0);
  ck_assert_int_eq(vl2_switch_remote_add(sw, 100, &r2), 0);
  int seen1 = 0, seen2 = 0;
  for (uint32_t i = 0; vl2_switch_remote_get(sw, 100, i, &got) == 1; i++) {
    seen1 += memcmp(&got, &r1, sizeof got) == 0;
    seen2 += memcmp(&got, &r2, sizeof got) == 0;
  }
  ck_assert_int_eq(seen1, 1);
  ck_assert_int_eq(seen2, 1);
  ck_assert_int_eq(vl2_switch_remote_get(sw, 7, 0, &got), VL2_ERR_NOTFOUND);
  ck_assert_int_eq(vl2_switch_remote_get(sw, 100, 0, NULL), VL2_ERR_INVALID);
  ck_assert_int_eq(vl2_switch_remote_get(NULL, 100, 0, &got), VL2_ERR_INVALID);
  vl2_switch_del(sw);
}
END_TEST

Suite *vl2_fdb_cp_suite(void) {
  Suite *s = suite_create("fdb_cp");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, evpn_entry_is_moved_by_local_learning);
  tcase_add_test(tc, remote_learning_never_overrides_evpn_entry);
  tcase_add_test(tc, evpn_entry_never_ages);
  tcase_add_test(tc, guarded_delete);
  tcase_add_test(tc, add_is_idempotent);
  tcase_add_test(tc, evpn_segment_no_remote_learning_strict_ingress);
  tcase_add_test(tc, evpn_segment_dampens_moves_by_default);
  tcase_add_test(tc, evpn_neighbour_keeps_origin);
  tcase_add_test(tc, flood_list_is_readable);
  suite_add_tcase(s, tc);
  return s;
}
