/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/* The FDB: learning, ageing on a synthetic clock, static versus dynamic,
 * moves, limits, flushes, iteration, events, and the hash table itself. */
#include <string.h>

#include "helpers.h"
#include "vl2_fdb.h"

#define A VL2T_MAC(0xa)
#define B VL2T_MAC(0xb)

static vl2_verdict v;
static vl2_dest d[256];
static uint8_t buf[256];

static vl2_switch *three_ports(vl2t_mem *tm, vl2_duration ageing) {
  vl2_switch *sw = vl2t_switch(tm, 1024, ageing);
  vl2t_access(sw, 1, 10, 100);
  vl2t_access(sw, 2, 10, 100);
  vl2t_access(sw, 3, 10, 100);
  return sw;
}

static void send(vl2_switch *sw, uint64_t dst, uint64_t src, uint32_t port,
                 vl2_tstamp now) {
  size_t len = vl2t_frame(buf, dst, src, -1);
  vl2t_one(sw, buf, len, port, &v, d, now);
}

static int where(vl2_switch *sw, uint64_t mac, vl2_tstamp now) {
  vl2_fdb_entry e;
  vl2_mac m = vl2t_mac(mac);
  if (vl2_fdb_lookup(sw, 100, &m, &e, now) != 0)
    return -1;
  return (int)e.port;
}

START_TEST(learns_source_and_emits_event) {
  vl2t_mem tm;
  vl2t_mem_init(&tm);
  vl2_switch *sw = three_ports(&tm, 300 * VL2_SEC);
  send(sw, VL2T_BCAST, A, 2, 5 * VL2_SEC);
  ck_assert_int_eq(where(sw, A, 5 * VL2_SEC), 2);
  vl2_event ev;
  ck_assert_int_eq(vl2_switch_poll_event(sw, &ev), 1);
  ck_assert_uint_eq(ev.type, VL2_EV_FDB_LEARNED);
  ck_assert_uint_eq(ev.vni, 100);
  ck_assert_uint_eq(ev.port, 2);
  ck_assert_uint_eq(ev.at, 5 * VL2_SEC);
  ck_assert(memcmp(ev.mac.b, vl2t_mac(A).b, 6) == 0);
  ck_assert_int_eq(vl2_switch_poll_event(sw, &ev), 0);
  /* The same MAC again refreshes, with no second event. */
  send(sw, VL2T_BCAST, A, 2, 6 * VL2_SEC);
  ck_assert_int_eq(vl2_switch_poll_event(sw, &ev), 0);
  vl2_port_stats ps;
  vl2_switch_port_get_stats(sw, 2, &ps);
  ck_assert_uint_eq(ps.learned, 1);
  ck_assert_uint_eq(ps.macs, 1);
  vl2_switch_del(sw);
  VL2T_ASSERT_NO_LEAKS(&tm);
}
END_TEST

START_TEST(ageing_on_synthetic_clock) {
  vl2_switch *sw = three_ports(NULL, 10 * VL2_SEC);
  ck_assert_uint_eq(vl2_switch_next_deadline(sw), VL2_TSTAMP_NONE);
  send(sw, VL2T_BCAST, A, 1, 0);
  ck_assert_uint_eq(vl2_switch_next_deadline(sw), 10 * VL2_SEC);
  send(sw, VL2T_BCAST, B, 2, 4 * VL2_SEC);
  send(sw, VL2T_BCAST, A, 1, 5 * VL2_SEC); /* refresh A: expires at 15 s */
  vl2t_count_events(sw, 0);
  /* Early timers are harmless. */
  ck_assert_int_eq(vl2_switch_run_timers(sw, 9 * VL2_SEC), 0);
  ck_assert_uint_eq(vl2_fdb_count(sw), 2);
  /* At 14.5 s B (learned at 4 s) is dead: lookups never return it, even
   * though the timer has not run yet (the timers run late). */
  ck_assert_int_eq(where(sw, B, 14 * VL2_SEC + VL2_SEC / 2), -1);
  ck_assert_int_eq(where(sw, A, 14 * VL2_SEC + VL2_SEC / 2), 1);
  /* And forwarding floods to B instead of using the stale entry. */
  send(sw, B, VL2T_MAC(0xc), 3, 14 * VL2_SEC + VL2_SEC / 2);
  ck_assert(v.flags & VL2_VFLAG_FLOOD);
  ck_assert_uint_eq(v.dest_cnt, 2);
  /* The sweep reclaims B and says so. */
  vl2_switch_run_timers(sw, 14 * VL2_SEC + VL2_SEC / 2);
  ck_assert_int_eq(vl2t_count_events(sw, VL2_EV_FDB_AGED), 1);
  ck_assert_uint_eq(vl2_fdb_count(sw), 2); /* A and C */
  ck_assert_uint_ne(vl2_switch_next_deadline(sw), VL2_TSTAMP_NONE);
  /* A time that goes backwards is treated as the newest seen. */
  ck_assert_int_eq(where(sw, A, 0), 1); /* still 14.5 s: A alive */
  vl2_switch_run_timers(sw, 100 * VL2_SEC);
  ck_assert_uint_eq(vl2_fdb_count(sw), 0);
  ck_assert_uint_eq(vl2_switch_next_deadline(sw), VL2_TSTAMP_NONE);
  vl2_switch_stats st;
  vl2_switch_get_stats(sw, &st);
  ck_assert_uint_eq(st.aged, 3);
  vl2_port_stats ps;
  vl2_switch_port_get_stats(sw, 1, &ps);
  ck_assert_uint_eq(ps.macs, 0);
  vl2_switch_del(sw);
}
END_TEST

START_TEST(ageing_off_keeps_entries) {
  vl2_switch *sw = three_ports(NULL, 0);
  send(sw, VL2T_BCAST, A, 1, 0);
  ck_assert_uint_eq(vl2_switch_next_deadline(sw), VL2_TSTAMP_NONE);
  vl2_switch_run_timers(sw, 1000000 * VL2_SEC);
  ck_assert_int_eq(where(sw, A, 1000000 * VL2_SEC), 1);
  vl2_switch_del(sw);
}
END_TEST

START_TEST(static_entries_are_never_learned_over) {
  vl2_switch *sw = three_ports(NULL, 10 * VL2_SEC);
  vl2_fdb_entry e;
  memset(&e, 0, sizeof(e));
  e.vni = 100;
  e.mac = vl2t_mac(A);
  e.port = 3;
  ck_assert_int_eq(vl2_fdb_add_static(sw, &e), 0);
  send(sw, VL2T_BCAST, A, 1, 0); /* A claims port 1 */
  ck_assert_int_eq(where(sw, A, 0), 3);
  ck_assert(!(v.flags & (VL2_VFLAG_MOVED | VL2_VFLAG_LEARNED)));
  ck_assert_uint_eq(v.action, VL2_ACT_FORWARD); /* still forwarded */
  vl2_switch_stats st;
  vl2_switch_get_stats(sw, &st);
  ck_assert_uint_eq(st.static_conflicts, 1);
  ck_assert_uint_eq(st.fdb_static, 1);
  /* Static entries never age, and unicast uses them. */
  vl2_switch_run_timers(sw, 1000 * VL2_SEC);
  ck_assert_int_eq(where(sw, A, 1000 * VL2_SEC), 3);
  send(sw, A, B, 2, 1000 * VL2_SEC);
  ck_assert_uint_eq(v.dest_cnt, 1);
  ck_assert_uint_eq(d[v.dest_off].port, 3);
  /* A static entry replaces a dynamic one. */
  e.mac = vl2t_mac(B);
  e.port = 1;
  ck_assert_int_eq(where(sw, B, 1000 * VL2_SEC), 2);
  ck_assert_int_eq(vl2_fdb_add_static(sw, &e), 0);
  ck_assert_int_eq(where(sw, B, 1000 * VL2_SEC), 1);
  vl2_port_stats ps;
  vl2_switch_port_get_stats(sw, 2, &ps);
  ck_assert_uint_eq(ps.macs, 0);
  /* Errors. */
  e.mac = vl2t_mac(VL2T_BCAST);
  ck_assert_int_eq(vl2_fdb_add_static(sw, &e), VL2_ERR_INVALID);
  e.mac = vl2t_mac(A);
  e.vni = 555;
  ck_assert_int_eq(vl2_fdb_add_static(sw, &e), VL2_ERR_NOTFOUND);
  e.vni = 100;
  e.port = 40; /* no such port */
  ck_assert_int_eq(vl2_fdb_add_static(sw, &e), VL2_ERR_NOTFOUND);
  /* Delete. */
  vl2_mac ma = vl2t_mac(A);
  ck_assert_int_eq(vl2_fdb_del(sw, 100, &ma), 0);
  ck_assert_int_eq(vl2_fdb_del(sw, 100, &ma), VL2_ERR_NOTFOUND);
  vl2_switch_del(sw);
}
END_TEST

START_TEST(static_remote_entries) {
  vl2_switch *sw = three_ports(NULL, 10 * VL2_SEC);
  vl2_fdb_entry e;
  memset(&e, 0, sizeof(e));
  e.vni = 100;
  e.mac = vl2t_mac(A);
  e.flags = VL2_FDB_F_REMOTE;
  e.remote = vl2t_ip4(198, 51, 100, 7);
  ck_assert_int_eq(vl2_fdb_add_static(sw, &e), 0);
  send(sw, A, B, 1, 0);
  ck_assert_uint_eq(v.dest_cnt, 1);
  ck_assert_uint_eq(d[v.dest_off].type, VL2_DEST_REMOTE);
  ck_assert(memcmp(&d[v.dest_off].remote, &e.remote, sizeof(e.remote)) == 0);
  /* Learning from another remote does not override it. */
  vl2_ipaddr other = vl2t_ip4(198, 51, 100, 8);
  size_t len = vl2t_frame(buf, VL2T_BCAST, A, -1);
  vl2t_one_remote(sw, buf, len, 100, &other, &v, d, 1);
  vl2_fdb_entry got;
  ck_assert_int_eq(vl2_fdb_lookup(sw, 100, &e.mac, &got, 1), 0);
  ck_assert(memcmp(&got.remote, &e.remote, sizeof(e.remote)) == 0);
  ck_assert(got.flags & VL2_FDB_F_STATIC);
  e.remote.family = 9;
  ck_assert_int_eq(vl2_fdb_add_static(sw, &e), VL2_ERR_INVALID);
  vl2_switch_del(sw);
}
END_TEST

START_TEST(moves_are_applied_counted_and_evented) {
  vl2_switch *sw = three_ports(NULL, 300 * VL2_SEC);
  vl2_ipaddr r = vl2t_ip4(192, 0, 2, 9);
  ck_assert_int_eq(vl2_switch_remote_add(sw, 100, &r), 0);
  send(sw, VL2T_BCAST, A, 1, 0);
  vl2t_count_events(sw, 0);
  send(sw, VL2T_BCAST, A, 2, 1); /* A moves 1 -> 2 */
  ck_assert(v.flags & VL2_VFLAG_MOVED);
  ck_assert_int_eq(where(sw, A, 1), 2);
  vl2_event ev;
  ck_assert_int_eq(vl2_switch_poll_event(sw, &ev), 1);
  ck_assert_uint_eq(ev.type, VL2_EV_FDB_MOVED);
  ck_assert_uint_eq(ev.port, 2);
  ck_assert_uint_eq(ev.old_port, 1);
  /* Traffic follows at once. */
  send(sw, A, B, 3, 2);
  ck_assert_uint_eq(v.dest_cnt, 1);
  ck_assert_uint_eq(d[v.dest_off].port, 2);
  vl2t_count_events(sw, 0); /* B's LEARNED */
  /* A moves behind a remote endpoint (a VM migrated to another host). */
  size_t len = vl2t_frame(buf, VL2T_BCAST, A, -1);
  vl2t_one_remote(sw, buf, len, 100, &r, &v, d, 3);
  ck_assert(v.flags & VL2_VFLAG_MOVED);
  ck_assert_int_eq(vl2_switch_poll_event(sw, &ev), 1);
  ck_assert_uint_eq(ev.port, VL2_PORT_REMOTE);
  ck_assert(memcmp(&ev.remote, &r, sizeof(r)) == 0);
  ck_assert_uint_eq(ev.old_port, 2);
  send(sw, A, B, 3, 4);
  ck_assert_uint_eq(d[v.dest_off].type, VL2_DEST_REMOTE);
  vl2_switch_stats st;
  vl2_switch_get_stats(sw, &st);
  ck_assert_uint_eq(st.moved, 2);
  vl2_port_stats ps;
  vl2_switch_port_get_stats(sw, 1, &ps);
  ck_assert_uint_eq(ps.macs, 0);
  vl2_switch_port_get_stats(sw, 2, &ps);
  ck_assert_uint_eq(ps.macs, 0);
  ck_assert_uint_eq(ps.moved_in, 1);
  vl2_segment_stats ss;
  vl2_switch_segment_get_stats(sw, 100, &ss);
  ck_assert_uint_eq(ss.moved, 2);
  ck_assert_uint_eq(ss.macs, 2); /* A (remote) and B */
  vl2_switch_del(sw);
}
END_TEST

START_TEST(port_limit_holds_and_frames_still_flow) {
  vl2_switch *sw = three_ports(NULL, 300 * VL2_SEC);
  vl2_port_config pc;
  vl2_port_config_default(&pc, VL2_PORT_ACCESS);
  pc.pvid = 10;
  pc.max_macs = 3;
  ck_assert_int_eq(vl2_switch_port_set(sw, 1, &pc), 0);
  for (int i = 0; i < 10; i++) {
    send(sw, VL2T_BCAST, VL2T_MAC(0x100 + i), 1, 0);
    ck_assert_uint_eq(v.action, VL2_ACT_FORWARD); /* still forwarded */
    ck_assert(i < 3 ? (v.flags & VL2_VFLAG_LEARNED) != 0
                    : (v.flags & VL2_VFLAG_LIMIT) != 0);
  }
  vl2_port_stats ps;
  vl2_switch_port_get_stats(sw, 1, &ps);
  ck_assert_uint_eq(ps.macs, 3);
  ck_assert_uint_eq(ps.limit_hits, 7);
  ck_assert_uint_eq(vl2_fdb_count(sw), 3);
  vl2_event ev;
  int limits = 0;
  while (vl2_switch_poll_event(sw, &ev))
    if (ev.type == VL2_EV_FDB_LIMIT) {
      ck_assert_uint_eq(ev.reason, VL2_LIMIT_PORT);
      limits++;
    }
  ck_assert_int_eq(limits, 7);
  /* Other ports still learn. */
  send(sw, VL2T_BCAST, B, 2, 0);
  ck_assert(v.flags & VL2_VFLAG_LEARNED);
  vl2_switch_del(sw);
}
END_TEST

START_TEST(segment_and_table_limits) {
  vl2_switch_config cfg;
  vl2_switch_config_default(&cfg);
  cfg.max_fdb = 8;
  cfg.max_macs_per_segment = 5;
  vl2_switch *sw = NULL;
  ck_assert_int_eq(vl2_switch_new(&sw, &cfg, NULL), 0);
  vl2t_access(sw, 1, 10, 100);
  vl2t_access(sw, 2, 20, 200);
  for (int i = 0; i < 9; i++)
    send(sw, VL2T_BCAST, VL2T_MAC(0x100 + i), 1, 0);
  vl2_segment_stats ss;
  vl2_switch_segment_get_stats(sw, 100, &ss);
  ck_assert_uint_eq(ss.macs, 5);
  ck_assert_uint_eq(ss.limit_hits, 4);
  /* Segment 200 learns up to the table limit (8 in all). */
  for (int i = 0; i < 9; i++) {
    size_t len = vl2t_frame(buf, VL2T_BCAST, VL2T_MAC(0x200 + i), -1);
    vl2t_one(sw, buf, len, 2, &v, d, 0);
  }
  ck_assert_uint_eq(vl2_fdb_count(sw), 8);
  vl2_switch_segment_get_stats(sw, 200, &ss);
  ck_assert_uint_eq(ss.macs, 3);
  vl2_event ev;
  int table = 0;
  while (vl2_switch_poll_event(sw, &ev))
    table += ev.type == VL2_EV_FDB_LIMIT && ev.reason == VL2_LIMIT_TABLE;
  ck_assert_int_eq(table, 6);
  /* A static add also hits the table limit. */
  vl2_fdb_entry e;
  memset(&e, 0, sizeof(e));
  e.vni = 200;
  e.mac = vl2t_mac(0x999);
  e.port = 2;
  ck_assert_int_eq(vl2_fdb_add_static(sw, &e), VL2_ERR_LIMIT);
  vl2_switch_del(sw);
}
END_TEST

START_TEST(flush_by_port_segment_all) {
  vl2_switch *sw = three_ports(NULL, 300 * VL2_SEC);
  vl2t_access(sw, 4, 20, 200);
  send(sw, VL2T_BCAST, VL2T_MAC(1), 1, 0);
  send(sw, VL2T_BCAST, VL2T_MAC(2), 1, 0);
  send(sw, VL2T_BCAST, VL2T_MAC(3), 2, 0);
  send(sw, VL2T_BCAST, VL2T_MAC(4), 4, 0);
  vl2_fdb_entry e;
  memset(&e, 0, sizeof(e));
  e.vni = 100;
  e.mac = vl2t_mac(5);
  e.port = 1;
  ck_assert_int_eq(vl2_fdb_add_static(sw, &e), 0);
  ck_assert_int_eq(vl2_fdb_flush_port(sw, 1, VL2_FDB_FLUSH_DYNAMIC), 2);
  ck_assert_int_eq(where(sw, 5, 0), 1); /* static kept */
  ck_assert_int_eq(vl2_fdb_flush_port(sw, 1, VL2_FDB_FLUSH_STATIC), 1);
  ck_assert_int_eq(vl2_fdb_flush_segment(sw, 100, VL2_FDB_FLUSH_ALL), 1);
  ck_assert_int_eq(vl2_fdb_flush_segment(sw, 9, VL2_FDB_FLUSH_ALL),
                   VL2_ERR_NOTFOUND);
  ck_assert_uint_eq(vl2_fdb_count(sw), 1);
  ck_assert_int_eq(vl2_fdb_flush_all(sw, VL2_FDB_FLUSH_ALL), 1);
  ck_assert_uint_eq(vl2_fdb_count(sw), 0);
  vl2_port_stats ps;
  vl2_switch_port_get_stats(sw, 1, &ps);
  ck_assert_uint_eq(ps.macs, 0);
  ck_assert_int_eq(vl2_fdb_flush_all(NULL, VL2_FDB_FLUSH_ALL), VL2_ERR_INVALID);
  vl2_switch_del(sw);
}
END_TEST

START_TEST(iteration_sees_every_live_entry_once) {
  vl2_switch *sw = three_ports(NULL, 10 * VL2_SEC);
  for (int i = 0; i < 200; i++)
    send(sw, VL2T_BCAST, VL2T_MAC(0x1000 + i), 1 + (uint32_t)(i % 3),
         i < 100 ? 0 : 5 * VL2_SEC);
  uint8_t seen[200] = {0};
  uint64_t cur = 0;
  vl2_fdb_entry e;
  int n = 0;
  /* At 12 s the first 100 (learned at 0 s) have expired. */
  while (vl2_fdb_next(sw, &cur, &e, 12 * VL2_SEC)) {
    uint64_t mac = 0;
    for (int k = 0; k < 6; k++)
      mac = mac << 8 | e.mac.b[k];
    int idx = (int)(mac - VL2T_MAC(0x1000));
    ck_assert(idx >= 100 && idx < 200);
    ck_assert_uint_eq(seen[idx], 0);
    seen[idx] = 1;
    ck_assert_uint_eq(e.port, 1 + (uint32_t)(idx % 3));
    ck_assert_uint_eq(e.vni, 100);
    ck_assert_uint_eq(e.expires_at, 15 * VL2_SEC);
    n++;
  }
  ck_assert_int_eq(n, 100);
  ck_assert_int_eq(vl2_fdb_next(sw, &cur, &e, 12 * VL2_SEC), 0);
  vl2_switch_del(sw);
}
END_TEST

START_TEST(event_queue_is_bounded) {
  vl2_switch_config cfg;
  vl2_switch_config_default(&cfg);
  cfg.event_queue_cap = 4;
  vl2_switch *sw = NULL;
  ck_assert_int_eq(vl2_switch_new(&sw, &cfg, NULL), 0);
  vl2t_access(sw, 1, 10, 100);
  for (int i = 0; i < 10; i++)
    send(sw, VL2T_BCAST, VL2T_MAC(0x100 + i), 1, 0);
  vl2_switch_stats st;
  vl2_switch_get_stats(sw, &st);
  ck_assert_uint_eq(st.events_dropped, 6);
  ck_assert_int_eq(vl2t_count_events(sw, VL2_EV_FDB_LEARNED), 4);
  vl2_switch_del(sw);
}
END_TEST

START_TEST(random_source_flood_keeps_known_macs_working) {
  /* 100 000 random source MACs against a port with a MAC limit: the limit
   * holds, memory stays bounded, and known MACs keep working. */
  vl2t_mem tm;
  vl2t_mem_init(&tm);
  vl2_switch_config cfg;
  vl2_switch_config_default(&cfg);
  cfg.max_fdb = 4096;
  cfg.max_macs_per_port = 1000;
  vl2_switch *sw = NULL;
  ck_assert_int_eq(vl2_switch_new(&sw, &cfg, &tm.mem), 0);
  vl2t_access(sw, 1, 10, 100);
  vl2t_access(sw, 2, 10, 100);
  long live = tm.live;
  send(sw, VL2T_BCAST, B, 2, 0);
  uint64_t x = 12345;
  for (int i = 0; i < 100000; i++) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    send(sw, VL2T_BCAST, (x >> 16) & 0xfeffffffffffULL, 1, (vl2_tstamp)i);
  }
  ck_assert_int_eq(tm.live, live); /* no allocation on the data path */
  vl2_port_stats ps;
  vl2_switch_port_get_stats(sw, 1, &ps);
  ck_assert_uint_eq(ps.macs, 1000);
  send(sw, B, A, 1, 100000);
  ck_assert_uint_eq(v.dest_cnt, 1);
  ck_assert_uint_eq(d[v.dest_off].port, 2);
  vl2_switch_del(sw);
  VL2T_ASSERT_NO_LEAKS(&tm);
}
END_TEST

START_TEST(table_backward_shift_deletion) {
  /* White-box: a small table full of colliding chains; removing entries
   * must keep every other key findable. */
  vl2_fdb_table t;
  ck_assert_int_eq(vl2_fdb_table_init(&t, vl2_mem_default(), 64, 7), 0);
  uint64_t keys[64];
  for (int i = 0; i < 64; i++) {
    keys[i] = vl2_fdb_key((uint32_t)(i % 3), VL2T_MAC((uint64_t)i * 977));
    ck_assert_ptr_nonnull(vl2_fdb_insert(&t, keys[i]));
  }
  ck_assert_ptr_null(vl2_fdb_insert(&t, 0x1234)); /* full at max */
  for (int i = 0; i < 64; i += 2) {
    vl2_fdb_slot *s = vl2_fdb_find(&t, keys[i]);
    ck_assert_ptr_nonnull(s);
    vl2_fdb_remove_at(&t, vl2_fdb_index(&t, s));
    for (int j = 0; j < 64; j++) {
      int gone = (j % 2 == 0 && j <= i);
      ck_assert((vl2_fdb_find(&t, keys[j]) == NULL) == gone);
    }
  }
  ck_assert_uint_eq(t.count, 32);
  vl2_fdb_table_fini(&t, vl2_mem_default());
  ck_assert_int_eq(vl2_fdb_table_init(&t, vl2_mem_default(), 0, 0),
                   VL2_ERR_INVALID);
}
END_TEST

START_TEST(remote_table_full_limit_event_names_the_endpoint) {
  vl2_switch_config cfg;
  vl2_switch_config_default(&cfg);
  cfg.max_remotes = 1;
  vl2_switch *sw = NULL;
  ck_assert_int_eq(vl2_switch_new(&sw, &cfg, NULL), 0);
  vl2t_access(sw, 1, 10, 100);
  vl2_ipaddr r1 = vl2t_ip4(192, 0, 2, 1), r2 = vl2t_ip4(192, 0, 2, 2);
  ck_assert_int_eq(vl2_switch_remote_add(sw, 100, &r1), 0);
  size_t len = vl2t_frame(buf, VL2T_BCAST, A, -1);
  vl2t_one_remote(sw, buf, len, 100, &r2, &v, d, 0);
  ck_assert_uint_eq(v.action, VL2_ACT_FORWARD); /* still delivered */
  ck_assert(v.flags & VL2_VFLAG_LIMIT);
  vl2_event ev;
  ck_assert_int_eq(vl2_switch_poll_event(sw, &ev), 1);
  ck_assert_uint_eq(ev.type, VL2_EV_FDB_LIMIT);
  ck_assert_uint_eq(ev.reason, VL2_LIMIT_TABLE);
  ck_assert_uint_eq(ev.port, VL2_PORT_REMOTE);
  ck_assert(memcmp(&ev.remote, &r2, sizeof(r2)) == 0);
  vl2_switch_del(sw);
}
END_TEST

START_TEST(flush_port_checks_its_argument) {
  vl2_switch *sw = three_ports(NULL, 0);
  vl2_fdb_entry e;
  memset(&e, 0, sizeof(e));
  e.vni = 100;
  e.mac = vl2t_mac(A);
  e.flags = VL2_FDB_F_REMOTE;
  e.remote = vl2t_ip4(192, 0, 2, 1);
  ck_assert_int_eq(vl2_fdb_add_static(sw, &e), 0);
  /* 0x80000000 is not a port (it was once read as remote handle 0). */
  ck_assert_int_eq(vl2_fdb_flush_port(sw, 0x80000000u, VL2_FDB_FLUSH_ALL),
                   VL2_ERR_INVALID);
  ck_assert_int_eq(vl2_fdb_flush_port(sw, 64, VL2_FDB_FLUSH_ALL),
                   VL2_ERR_INVALID);
  ck_assert_uint_eq(vl2_fdb_count(sw), 1);
  vl2_switch_del(sw);
}
END_TEST

START_TEST(ageing_near_the_end_of_time_does_not_wrap) {
  vl2_switch *sw = three_ports(NULL, 300 * VL2_SEC);
  vl2_tstamp late = VL2_TSTAMP_NONE - 10 * VL2_SEC;
  send(sw, VL2T_BCAST, A, 1, late);
  ck_assert_int_eq(where(sw, A, late + 5 * VL2_SEC), 1); /* not expired */
  vl2_fdb_entry e;
  vl2_mac m = vl2t_mac(A);
  ck_assert_int_eq(vl2_fdb_lookup(sw, 100, &m, &e, late), 0);
  ck_assert_uint_eq(e.expires_at, VL2_TSTAMP_NONE - 1);
  vl2_switch_del(sw);
}
END_TEST

Suite *vl2_fdb_suite(void) {
  Suite *s = suite_create("fdb");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, learns_source_and_emits_event);
  tcase_add_test(tc, ageing_on_synthetic_clock);
  tcase_add_test(tc, ageing_off_keeps_entries);
  tcase_add_test(tc, static_entries_are_never_learned_over);
  tcase_add_test(tc, static_remote_entries);
  tcase_add_test(tc, moves_are_applied_counted_and_evented);
  tcase_add_test(tc, port_limit_holds_and_frames_still_flow);
  tcase_add_test(tc, segment_and_table_limits);
  tcase_add_test(tc, flush_by_port_segment_all);
  tcase_add_test(tc, iteration_sees_every_live_entry_once);
  tcase_add_test(tc, event_queue_is_bounded);
  tcase_add_test(tc, random_source_flood_keeps_known_macs_working);
  tcase_add_test(tc, table_backward_shift_deletion);
  tcase_add_test(tc, remote_table_full_limit_event_names_the_endpoint);
  tcase_add_test(tc, flush_port_checks_its_argument);
  tcase_add_test(tc, ageing_near_the_end_of_time_does_not_wrap);
  suite_add_tcase(s, tc);
  return s;
}
