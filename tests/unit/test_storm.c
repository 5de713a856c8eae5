/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/* Storm control on a synthetic clock: the exact token bucket (rate,
 * burst, refill), per-port classes, fan-out charging of the segment
 * budget (also for traffic from remote endpoints), edge-triggered events,
 * err-disable hold-down, argument checks. */
#include <string.h>

#include "helpers.h"
#include "vl2_storm.h"

#define VNI 100
#define T0 (1000 * VL2_SEC)

static vl2t_mem tm;

static vl2_switch *setup(void) {
  vl2t_mem_init(&tm);
  vl2_switch *sw = NULL;
  ck_assert_int_eq(vl2_switch_new(&sw, NULL, &tm.mem), 0);
  for (uint32_t p = 1; p <= 3; p++)
    vl2t_access(sw, p, 10, VNI);
  return sw;
}

static void teardown_sw(vl2_switch *sw) {
  vl2_switch_del(sw);
  VL2T_ASSERT_NO_LEAKS(&tm);
}

/* Drain events; count those of |type| with |reason| (-1: any). */
static int drain(vl2_switch *sw, uint16_t type, int reason) {
  vl2_event ev;
  int n = 0;
  while (vl2_switch_poll_event(sw, &ev))
    if (ev.type == type && (reason < 0 || ev.reason == reason))
      n++;
  return n;
}

START_TEST(bucket_exact) {
  vl2_tb b;
  vl2_tb_init(&b, 1000, 10, T0); /* 1000/s, burst 10 */
  for (int i = 0; i < 10; i++) {
    vl2_tb_refill(&b, T0);
    ck_assert(vl2_tb_conforms(&b, 1));
    vl2_tb_take(&b, 1);
  }
  ck_assert(!vl2_tb_conforms(&b, 1));
  vl2_tb_refill(&b, T0 + VL2_MS - 1); /* one token takes exactly 1 ms */
  ck_assert(!vl2_tb_conforms(&b, 1));
  vl2_tb_refill(&b, T0 + VL2_MS);
  ck_assert(vl2_tb_conforms(&b, 1));
  ck_assert(!vl2_tb_conforms(&b, 2));
  /* Never above the burst, however long idle; a cost above it never
   * conforms. */
  vl2_tb_refill(&b, T0 + 1000 * VL2_SEC);
  ck_assert_uint_eq(b.level, 10 * VL2_TB_SCALE);
  ck_assert(!vl2_tb_conforms(&b, 11));
  /* Time running backwards adds nothing. */
  vl2_tb_take(&b, 10);
  vl2_tb_refill(&b, T0);
  ck_assert_uint_eq(b.level, 0);
  /* Huge rate and gap: no overflow. */
  vl2_tb_init(&b, VL2_STORM_RATE_MAX, UINT32_MAX, 0);
  vl2_tb_take(&b, UINT32_MAX);
  vl2_tb_refill(&b, VL2_TSTAMP_NONE - 1);
  ck_assert_uint_eq(b.level, b.cap);
}
END_TEST

/* Over any run, passed <= burst + rate * t, and a steady offer above the
 * rate gets exactly that. */
START_TEST(bucket_long_run) {
  vl2_tb b;
  vl2_tb_init(&b, 333, 7, T0);
  uint64_t passed = 0;
  vl2_tstamp t = T0;
  for (int i = 0; i < 100000; i++) { /* 10 s in 100 us steps */
    t += 100 * VL2_US;
    vl2_tb_refill(&b, t);
    if (vl2_tb_conforms(&b, 1)) {
      vl2_tb_take(&b, 1);
      passed++;
    }
    uint64_t allowed = 7 + 333 * (t - T0) / VL2_SEC;
    ck_assert_uint_le(passed, allowed);
  }
  ck_assert_uint_ge(passed, 7 + 3330 - 1);
}
END_TEST

START_TEST(port_class_rate_and_events) {
  vl2_switch *sw = setup();
  const vl2_segment *seg = vl2_switch_find_segment(sw, VNI);
  vl2_storm_port_config pc;
  memset(&pc, 0, sizeof(pc));
  pc.rate[VL2_STORM_BCAST].pps = 100;
  pc.rate[VL2_STORM_BCAST].burst_frames = 5;
  ck_assert_int_eq(vl2_storm_port_set(sw, 1, &pc, T0), 0);
  vl2_storm_port_config got;
  ck_assert_int_eq(vl2_storm_port_get(sw, 1, &got), 0);
  ck_assert_uint_eq(got.rate[VL2_STORM_BCAST].pps, 100);
  ck_assert_uint_eq(got.quiet_ns, VL2_SEC);

  /* 1000 broadcasts over one second: the burst of 5, then 100/s, less
   * the 0.1 token that could not be added in the first millisecond
   * (the bucket was full): 104. */
  int passed = 0;
  for (int i = 1; i <= 1000; i++)
    passed += vl2_storm_admit(sw, 1, seg, VL2_STORM_BCAST, 0, 64, 2,
                              T0 + (vl2_tstamp)i * VL2_MS, NULL);
  ck_assert_int_eq(passed, 104);
  /* Unknown unicast and other ports are not limited. */
  for (int i = 0; i < 50; i++) {
    ck_assert(vl2_storm_admit(sw, 1, seg, VL2_STORM_UNKNOWN, 0, 64, 2,
                              T0 + VL2_SEC, NULL));
    ck_assert(vl2_storm_admit(sw, 2, seg, VL2_STORM_BCAST, 0, 64, 2,
                              T0 + VL2_SEC, NULL));
  }
  vl2_storm_port_stats st;
  ck_assert_int_eq(vl2_storm_port_get_stats(sw, 1, &st), 0);
  ck_assert_uint_eq(st.dropped[VL2_STORM_BCAST], 896);
  ck_assert_uint_eq(st.dropped_bytes[VL2_STORM_BCAST], 896 * 64);
  ck_assert_uint_eq(st.episodes[VL2_STORM_BCAST], 1);
  ck_assert_uint_eq(st.limited, 1u << VL2_STORM_BCAST);
  /* One START for 896 drops; no END while still dropping. */
  ck_assert_int_eq(drain(sw, VL2_EV_STORM_START, VL2_STORM_BCAST), 1);
  /* Quiet for 1 s: END once, via the timers. */
  vl2_tstamp last_drop = T0 + 1000 * VL2_MS;
  ck_assert_uint_le(vl2_switch_next_deadline(sw), last_drop + VL2_SEC);
  ck_assert_int_eq(vl2_switch_run_timers(sw, last_drop + VL2_SEC - 1), 0);
  ck_assert_int_eq(drain(sw, VL2_EV_STORM_END, -1), 0);
  ck_assert_int_eq(vl2_switch_run_timers(sw, last_drop + VL2_SEC), 0);
  ck_assert_int_eq(drain(sw, VL2_EV_STORM_END, VL2_STORM_BCAST), 1);
  ck_assert_int_eq(vl2_switch_run_timers(sw, last_drop + 5 * VL2_SEC), 0);
  ck_assert_int_eq(drain(sw, -1, -1), 0);
  ck_assert_int_eq(vl2_storm_port_get_stats(sw, 1, &st), 0);
  ck_assert_uint_eq(st.limited, 0);
  /* A second storm: a second episode. */
  for (int i = 0; i < 20; i++)
    vl2_storm_admit(sw, 1, seg, VL2_STORM_BCAST, 0, 64, 2, T0 + 10 * VL2_SEC,
                    NULL);
  ck_assert_int_eq(drain(sw, VL2_EV_STORM_START, VL2_STORM_BCAST), 1);
  teardown_sw(sw);
}
END_TEST

START_TEST(port_bytes) {
  vl2_switch *sw = setup();
  const vl2_segment *seg = vl2_switch_find_segment(sw, VNI);
  vl2_storm_port_config pc;
  memset(&pc, 0, sizeof(pc));
  pc.rate[VL2_STORM_UNKNOWN].bps = 1000; /* burst defaults to 1518 */
  ck_assert_int_eq(vl2_storm_port_set(sw, 1, &pc, T0), 0);
  ck_assert(
      vl2_storm_admit(sw, 1, seg, VL2_STORM_UNKNOWN, 0, 1500, 1, T0, NULL));
  ck_assert(
      !vl2_storm_admit(sw, 1, seg, VL2_STORM_UNKNOWN, 0, 1500, 1, T0, NULL));
  ck_assert(vl2_storm_admit(sw, 1, seg, VL2_STORM_UNKNOWN, 0, 18, 1, T0, NULL));
  ck_assert(!vl2_storm_admit(sw, 1, seg, VL2_STORM_UNKNOWN, 0, 1500, 1,
                             T0 + 1500 * VL2_MS - 1, NULL));
  ck_assert(vl2_storm_admit(sw, 1, seg, VL2_STORM_UNKNOWN, 0, 1500, 1,
                            T0 + 1500 * VL2_MS, NULL));
  teardown_sw(sw);
}
END_TEST

START_TEST(mcast_classes) {
  vl2_switch *sw = setup();
  const vl2_segment *seg = vl2_switch_find_segment(sw, VNI);
  vl2_storm_port_config pc;
  memset(&pc, 0, sizeof(pc));
  pc.rate[VL2_STORM_MCAST_UNREG].pps = 1;
  pc.rate[VL2_STORM_MCAST_UNREG].burst_frames = 2;
  pc.rate[VL2_STORM_MCAST].pps = 1;
  pc.rate[VL2_STORM_MCAST].burst_frames = 4;
  ck_assert_int_eq(vl2_storm_port_set(sw, 1, &pc, T0), 0);
  /* Unregistered: both buckets charged; the unregistered one runs out
   * first. */
  ck_assert(vl2_storm_admit(sw, 1, seg, VL2_STORM_MCAST, 1, 100, 2, T0, NULL));
  ck_assert(vl2_storm_admit(sw, 1, seg, VL2_STORM_MCAST, 1, 100, 2, T0, NULL));
  ck_assert(!vl2_storm_admit(sw, 1, seg, VL2_STORM_MCAST, 1, 100, 2, T0, NULL));
  /* Registered: only the all-multicast bucket (2 left). */
  ck_assert(vl2_storm_admit(sw, 1, seg, VL2_STORM_MCAST, 0, 100, 2, T0, NULL));
  ck_assert(vl2_storm_admit(sw, 1, seg, VL2_STORM_MCAST, 0, 100, 2, T0, NULL));
  ck_assert(!vl2_storm_admit(sw, 1, seg, VL2_STORM_MCAST, 0, 100, 2, T0, NULL));
  vl2_storm_port_stats st;
  ck_assert_int_eq(vl2_storm_port_get_stats(sw, 1, &st), 0);
  ck_assert_uint_eq(st.dropped[VL2_STORM_MCAST_UNREG], 1);
  ck_assert_uint_eq(st.dropped[VL2_STORM_MCAST], 1);
  ck_assert_uint_eq(st.passed, 4);
  /* A second later each has one token; a registered frame takes the
   * all-multicast one, so an unregistered frame is refused by it. */
  ck_assert(vl2_storm_admit(sw, 1, seg, VL2_STORM_MCAST, 0, 100, 2,
                            T0 + VL2_SEC, NULL));
  ck_assert(!vl2_storm_admit(sw, 1, seg, VL2_STORM_MCAST, 1, 100, 2,
                             T0 + VL2_SEC, NULL));
  ck_assert_int_eq(vl2_storm_port_get_stats(sw, 1, &st), 0);
  ck_assert_uint_eq(st.dropped[VL2_STORM_MCAST], 2);
  teardown_sw(sw);
}
END_TEST

START_TEST(segment_fanout) {
  vl2_switch *sw = setup();
  vl2_ipaddr r = vl2t_ip4(192, 0, 2, 1);
  ck_assert_int_eq(vl2_switch_remote_add(sw, VNI, &r), 0);
  const vl2_segment *seg = vl2_switch_find_segment(sw, VNI);
  vl2_storm_segment_config sc;
  memset(&sc, 0, sizeof(sc));
  sc.budget.pps = 100; /* copies per second */
  sc.budget.burst_frames = 40;
  ck_assert_int_eq(vl2_storm_segment_set(sw, VNI, &sc, T0), 0);
  /* A broadcast to 40 members costs 40. */
  ck_assert(vl2_storm_admit(sw, 1, seg, VL2_STORM_BCAST, 0, 64, 40, T0, NULL));
  ck_assert(!vl2_storm_admit(sw, 1, seg, VL2_STORM_BCAST, 0, 64, 1, T0, NULL));
  /* 400 ms later 40 copies are back; from a remote endpoint too. */
  ck_assert(!vl2_storm_admit(sw, VL2_PORT_REMOTE, seg, VL2_STORM_BCAST, 0, 64,
                             40, T0 + 400 * VL2_MS - 1, NULL));
  ck_assert(vl2_storm_admit(sw, VL2_PORT_REMOTE, seg, VL2_STORM_BCAST, 0, 64,
                            40, T0 + 400 * VL2_MS, NULL));
  /* 10 copies per 100 ms: one frame of fan-out 10 each 100 ms passes,
   * one of 11 never does within that. */
  ck_assert(!vl2_storm_admit(sw, 2, seg, VL2_STORM_MCAST, 1, 64, 11,
                             T0 + 500 * VL2_MS, NULL));
  ck_assert(vl2_storm_admit(sw, 2, seg, VL2_STORM_MCAST, 1, 64, 10,
                            T0 + 500 * VL2_MS, NULL));
  /* More than the burst never passes. */
  ck_assert(!vl2_storm_admit(sw, 2, seg, VL2_STORM_MCAST, 1, 64, 41,
                             T0 + 100 * VL2_SEC, NULL));
  vl2_storm_segment_stats st;
  ck_assert_int_eq(vl2_storm_segment_get_stats(sw, VNI, &st), 0);
  ck_assert_uint_eq(st.dropped, 4);
  ck_assert_uint_eq(st.dropped_copies, 1 + 40 + 11 + 41);
  ck_assert_uint_eq(st.dropped_remote, 1);
  ck_assert_uint_eq(st.passed, 3);
  ck_assert_uint_eq(st.passed_copies, 90);
  /* Edges: the drop at T0 started an episode; the next drop came
   * 400 ms later (still limited); after 1 s quiet it ended, and the
   * drop at T0 + 100 s started another. */
  vl2_event ev;
  int starts = 0, ends = 0;
  while (vl2_switch_poll_event(sw, &ev)) {
    if (ev.type == VL2_EV_STORM_START) {
      ck_assert_uint_eq(ev.reason, VL2_STORM_SEGMENT);
      ck_assert_uint_eq(ev.vni, VNI);
      starts++;
    }
    ends += ev.type == VL2_EV_STORM_END;
  }
  ck_assert_int_eq(starts, 2);
  ck_assert_int_eq(ends, 1);
  teardown_sw(sw);
}
END_TEST

START_TEST(holddown) {
  vl2_switch *sw = setup();
  const vl2_segment *seg = vl2_switch_find_segment(sw, VNI);
  vl2_storm_port_config pc;
  memset(&pc, 0, sizeof(pc));
  pc.rate[VL2_STORM_BCAST].pps = 10;
  pc.rate[VL2_STORM_BCAST].burst_frames = 1;
  pc.holddown_ns = 5 * VL2_SEC;
  ck_assert_int_eq(vl2_storm_port_set(sw, 1, &pc, T0), 0);
  ck_assert(vl2_storm_admit(sw, 1, seg, VL2_STORM_BCAST, 0, 64, 2, T0, NULL));
  ck_assert(!vl2_storm_admit(sw, 1, seg, VL2_STORM_BCAST, 0, 64, 2, T0, NULL));
  ck_assert_int_eq(drain(sw, VL2_EV_STORM_BLOCKED, VL2_STORM_BCAST), 1);
  /* Every class is shut for 5 s. */
  ck_assert(!vl2_storm_admit(sw, 1, seg, VL2_STORM_UNKNOWN, 0, 64, 2,
                             T0 + 4 * VL2_SEC, NULL));
  ck_assert(!vl2_storm_admit(sw, 1, seg, VL2_STORM_BCAST, 0, 64, 2,
                             T0 + 5 * VL2_SEC - 1, NULL));
  vl2_storm_port_stats st;
  ck_assert_int_eq(vl2_storm_port_get_stats(sw, 1, &st), 0);
  ck_assert_uint_eq(st.blocked, 1);
  ck_assert_uint_eq(st.blocked_drops, 2);
  ck_assert_uint_eq(st.holddowns, 1);
  ck_assert_uint_eq(vl2_switch_next_deadline(sw), T0 + VL2_SEC);
  ck_assert_int_eq(vl2_switch_run_timers(sw, T0 + 5 * VL2_SEC), 0);
  ck_assert_int_eq(drain(sw, VL2_EV_STORM_UNBLOCKED, VL2_STORM_BCAST), 1);
  ck_assert(vl2_storm_admit(sw, 1, seg, VL2_STORM_UNKNOWN, 0, 64, 2,
                            T0 + 5 * VL2_SEC, NULL));
  /* Manual recovery. */
  ck_assert(vl2_storm_admit(sw, 1, seg, VL2_STORM_BCAST, 0, 64, 2,
                            T0 + 10 * VL2_SEC, NULL));
  ck_assert(!vl2_storm_admit(sw, 1, seg, VL2_STORM_BCAST, 0, 64, 2,
                             T0 + 10 * VL2_SEC, NULL));
  ck_assert_int_eq(drain(sw, VL2_EV_STORM_BLOCKED, -1), 1);
  ck_assert_int_eq(vl2_storm_port_recover(sw, 1, T0 + 11 * VL2_SEC), 0);
  ck_assert_int_eq(drain(sw, VL2_EV_STORM_UNBLOCKED, -1), 1);
  ck_assert(vl2_storm_admit(sw, 1, seg, VL2_STORM_BCAST, 0, 64, 2,
                            T0 + 11 * VL2_SEC, NULL));
  teardown_sw(sw);
}
END_TEST

START_TEST(args_and_off) {
  vl2_switch *sw = setup();
  vl2_storm_port_config pc;
  memset(&pc, 0, sizeof(pc));
  ck_assert_int_eq(vl2_storm_port_set(NULL, 1, &pc, T0), VL2_ERR_INVALID);
  ck_assert_int_eq(vl2_storm_port_set(sw, 9, &pc, T0), VL2_ERR_NOTFOUND);
  ck_assert_int_eq(vl2_storm_port_set(sw, 9999, &pc, T0), VL2_ERR_NOTFOUND);
  /* Off: no state is allocated. */
  long before = tm.total;
  ck_assert_int_eq(vl2_storm_port_set(sw, 1, &pc, T0), 0);
  ck_assert_int_eq(vl2_storm_segment_set(sw, VNI, NULL, T0), 0);
  ck_assert_int_eq(tm.total, before);
  pc.rate[0].pps = VL2_STORM_RATE_MAX + 1;
  ck_assert_int_eq(vl2_storm_port_set(sw, 1, &pc, T0), VL2_ERR_INVALID);
  vl2_storm_segment_config sc;
  memset(&sc, 0, sizeof(sc));
  sc.budget.bps = VL2_STORM_RATE_MAX + 1;
  ck_assert_int_eq(vl2_storm_segment_set(sw, VNI, &sc, T0), VL2_ERR_INVALID);
  ck_assert_int_eq(vl2_storm_segment_set(sw, 77, &sc, T0), VL2_ERR_NOTFOUND);
  vl2_storm_port_stats st;
  ck_assert_int_eq(vl2_storm_port_get_stats(sw, 1, &st), 0);
  ck_assert_uint_eq(st.passed, 0);
  ck_assert_int_eq(vl2_storm_port_get_stats(sw, 1, NULL), VL2_ERR_INVALID);
  ck_assert_str_eq(vl2_storm_class_name(VL2_STORM_SEGMENT), "segment");
  ck_assert_str_eq(vl2_storm_class_name(99), "unknown");
  ck_assert_str_eq(vl2_drop_reason_name(VL2_DROP_STORM_CONTROL),
                   "storm_control");
  /* Allocation failure leaves nothing behind. */
  pc.rate[0].pps = 10;
  tm.fail_at = tm.total + 2;
  ck_assert_int_eq(vl2_storm_port_set(sw, 1, &pc, T0), VL2_ERR_NOMEM);
  tm.fail_at = 0;
  ck_assert_int_eq(vl2_storm_port_set(sw, 1, &pc, T0), 0);
  /* The port's config goes with the port. */
  ck_assert_int_eq(vl2_switch_port_del(sw, 1), 0);
  vl2t_access(sw, 1, 10, VNI);
  vl2_storm_port_config got;
  ck_assert_int_eq(vl2_storm_port_get(sw, 1, &got), 0);
  ck_assert_uint_eq(got.rate[0].pps, 0);
  teardown_sw(sw);
}
END_TEST

/* The counter getters follow the size rule of the `_versioned` scheme:
 * an older (shorter) caller struct gets its prefix, a newer (longer) one
 * zeros after the library's counters, a size of 0 is refused. */
START_TEST(stats_size_rule) {
  vl2_switch *sw = setup();
  vl2_ipaddr r = vl2t_ip4(192, 0, 2, 1);
  ck_assert_int_eq(vl2_switch_remote_add(sw, VNI, &r), 0);
  const vl2_segment *seg = vl2_switch_find_segment(sw, VNI);
  vl2_storm_port_config pc;
  memset(&pc, 0, sizeof(pc));
  pc.rate[VL2_STORM_BCAST].pps = 1;
  pc.rate[VL2_STORM_BCAST].burst_frames = 1;
  ck_assert_int_eq(vl2_storm_port_set(sw, 1, &pc, T0), 0);
  vl2_storm_segment_config sc;
  memset(&sc, 0, sizeof(sc));
  sc.budget.pps = 1;
  sc.budget.burst_frames = 2;
  ck_assert_int_eq(vl2_storm_segment_set(sw, VNI, &sc, T0), 0);
  /* Port 1: one passes, two drop. Port 2 then spends the segment's
   * budget: one frame of 2 copies passes, the next drops. */
  for (int i = 0; i < 3; i++)
    vl2_storm_admit(sw, 1, seg, VL2_STORM_BCAST, 0, 64, 1, T0, NULL);
  ck_assert(vl2_storm_admit(sw, 2, seg, VL2_STORM_BCAST, 0, 64, 1, T0, NULL));
  ck_assert(!vl2_storm_admit(sw, 2, seg, VL2_STORM_BCAST, 0, 64, 1, T0, NULL));
  vl2_storm_port_stats ps;
  ck_assert_int_eq(vl2_storm_port_get_stats(sw, 1, &ps), 0);
  ck_assert_uint_eq(ps.dropped[VL2_STORM_BCAST], 2);
  VL2T_STATS_SIZE_RULE(
      vl2_storm_port_stats, offsetof(vl2_storm_port_stats, dropped_bytes),
      vl2_storm_port_get_stats_versioned(sw, 1, vl2t_sz, vl2t_st));
  vl2_storm_segment_stats ss;
  ck_assert_int_eq(vl2_storm_segment_get_stats(sw, VNI, &ss), 0);
  ck_assert_uint_eq(ss.dropped, 1);
  VL2T_STATS_SIZE_RULE(
      vl2_storm_segment_stats, offsetof(vl2_storm_segment_stats, episodes),
      vl2_storm_segment_get_stats_versioned(sw, VNI, vl2t_sz, vl2t_st));
  /* A size of 0 is refused before the port is looked up. */
  ck_assert_int_eq(vl2_storm_port_get_stats_versioned(sw, 9, 0, &ps),
                   VL2_ERR_INVALID);
  ck_assert_int_eq(vl2_storm_port_get_stats_versioned(sw, 9, sizeof(ps), &ps),
                   VL2_ERR_NOTFOUND);
  ck_assert_int_eq(
      vl2_storm_segment_get_stats_versioned(sw, 77, sizeof(ss), &ss),
      VL2_ERR_NOTFOUND);
  ck_assert_int_eq(
      vl2_storm_segment_get_stats_versioned(NULL, VNI, sizeof(ss), &ss),
      VL2_ERR_INVALID);
  teardown_sw(sw);
}
END_TEST

/* The config setters and getters take the caller's config version: an
 * unknown one is refused and nothing is read or written; the macros pass
 * this header's version. */
START_TEST(config_versions) {
  vl2_switch *sw = setup();
  vl2_storm_port_config pc, got;
  memset(&pc, 0, sizeof(pc));
  pc.rate[VL2_STORM_BCAST].pps = 100;
  ck_assert_int_eq(vl2_storm_port_set_versioned(sw, 1, 99, &pc, T0),
                   VL2_ERR_VERSION);
  ck_assert_int_eq(vl2_storm_port_set_versioned(sw, 1, 0, &pc, T0),
                   VL2_ERR_VERSION);
  ck_assert_int_eq(vl2_storm_port_get(sw, 1, &got), 0);
  ck_assert_uint_eq(got.rate[VL2_STORM_BCAST].pps, 0); /* not set */
  ck_assert_int_eq(
      vl2_storm_port_set_versioned(sw, 1, VL2_STORM_CONFIG_V1, &pc, T0), 0);
  memset(&got, 0xa5, sizeof(got));
  ck_assert_int_eq(vl2_storm_port_get_versioned(sw, 1, 99, &got),
                   VL2_ERR_VERSION);
  ck_assert_uint_eq(got.rate[VL2_STORM_BCAST].pps, 0xa5a5a5a5a5a5a5a5ULL);
  ck_assert_int_eq(
      vl2_storm_port_get_versioned(sw, 1, VL2_STORM_CONFIG_V1, &got), 0);
  ck_assert_uint_eq(got.rate[VL2_STORM_BCAST].pps, 100);
  ck_assert_int_eq(vl2_storm_port_get_versioned(sw, 9, 99, &got),
                   VL2_ERR_NOTFOUND);

  vl2_storm_segment_config sc, sgot;
  memset(&sc, 0, sizeof(sc));
  sc.budget.pps = 50;
  ck_assert_int_eq(vl2_storm_segment_set_versioned(sw, VNI, 99, &sc, T0),
                   VL2_ERR_VERSION);
  ck_assert_int_eq(vl2_storm_segment_get(sw, VNI, &sgot), 0);
  ck_assert_uint_eq(sgot.budget.pps, 0);
  ck_assert_int_eq(vl2_storm_segment_set(sw, VNI, &sc, T0), 0);
  memset(&sgot, 0xa5, sizeof(sgot));
  ck_assert_int_eq(vl2_storm_segment_get_versioned(sw, VNI, 99, &sgot),
                   VL2_ERR_VERSION);
  ck_assert_uint_eq(sgot.budget.pps, 0xa5a5a5a5a5a5a5a5ULL);
  ck_assert_int_eq(
      vl2_storm_segment_get_versioned(sw, VNI, VL2_STORM_CONFIG_V1, &sgot), 0);
  ck_assert_uint_eq(sgot.budget.pps, 50);
  ck_assert_int_eq(vl2_storm_segment_set_versioned(sw, 77, 99, &sc, T0),
                   VL2_ERR_NOTFOUND);
  teardown_sw(sw);
}
END_TEST

/* Through vl2_switch_process(): the flood path drops with storm_control
 * and counts nothing sent; known unicast never meets a bucket. */
START_TEST(flood_path) {
  vl2_switch *sw = setup();
  vl2_storm_port_config pc;
  memset(&pc, 0, sizeof(pc));
  pc.rate[VL2_STORM_BCAST].pps = 1;
  pc.rate[VL2_STORM_BCAST].burst_frames = 2;
  pc.rate[VL2_STORM_UNKNOWN].pps = 1;
  pc.rate[VL2_STORM_UNKNOWN].burst_frames = 1;
  ck_assert_int_eq(vl2_storm_port_set(sw, 1, &pc, T0), 0);
  uint8_t b[128];
  vl2_verdict v;
  vl2_dest d[256];
  size_t n = vl2t_frame(b, VL2T_BCAST, VL2T_MAC(1), -1);
  for (int i = 0; i < 2; i++) {
    vl2t_one(sw, b, n, 1, &v, d, T0);
    ck_assert_uint_eq(v.action, VL2_ACT_FORWARD);
    ck_assert_uint_eq(v.dest_cnt, 2);
  }
  vl2_port_stats ps2;
  ck_assert_int_eq(vl2_switch_port_get_stats(sw, 2, &ps2), 0);
  vl2t_one(sw, b, n, 1, &v, d, T0);
  ck_assert_uint_eq(v.action, VL2_ACT_DROP);
  ck_assert_uint_eq(v.reason, VL2_DROP_STORM_CONTROL);
  ck_assert(v.flags & VL2_VFLAG_FLOOD);
  vl2_port_stats after;
  ck_assert_int_eq(vl2_switch_port_get_stats(sw, 2, &after), 0);
  ck_assert_uint_eq(after.tx_frames, ps2.tx_frames); /* nothing sent */
  ck_assert_uint_eq(vl2t_drops(sw, VL2_DROP_STORM_CONTROL), 1);
  /* Known unicast from port 1 to port 2 (learned above): never limited. */
  n = vl2t_frame(b, VL2T_MAC(2), VL2T_MAC(3), -1);
  vl2t_one(sw, b, n, 2, &v, d, T0); /* learns MAC 3 on port 2 (unknown
                                        unicast from port 2: not limited) */
  n = vl2t_frame(b, VL2T_MAC(3), VL2T_MAC(1), -1);
  for (int i = 0; i < 100; i++) {
    vl2t_one(sw, b, n, 1, &v, d, T0);
    ck_assert_uint_eq(v.action, VL2_ACT_FORWARD);
    ck_assert_uint_eq(v.dest_cnt, 1);
  }
  /* Unknown unicast from port 1: its own bucket (burst 1). */
  n = vl2t_frame(b, VL2T_MAC(77), VL2T_MAC(1), -1);
  vl2t_one(sw, b, n, 1, &v, d, T0);
  ck_assert_uint_eq(v.action, VL2_ACT_FORWARD);
  vl2t_one(sw, b, n, 1, &v, d, T0);
  ck_assert_uint_eq(v.reason, VL2_DROP_STORM_CONTROL);
  vl2_storm_port_stats st;
  ck_assert_int_eq(vl2_storm_port_get_stats(sw, 1, &st), 0);
  ck_assert_uint_eq(st.dropped[VL2_STORM_BCAST], 1);
  ck_assert_uint_eq(st.dropped[VL2_STORM_UNKNOWN], 1);
  /* A segment budget applies to a broadcast from a remote endpoint. */
  vl2_ipaddr r = vl2t_ip4(192, 0, 2, 1);
  ck_assert_int_eq(vl2_switch_remote_add(sw, VNI, &r), 0);
  vl2_storm_segment_config sc;
  memset(&sc, 0, sizeof(sc));
  sc.budget.pps = 3;
  sc.budget.burst_frames = 3;
  ck_assert_int_eq(vl2_storm_segment_set(sw, VNI, &sc, T0), 0);
  n = vl2t_frame(b, VL2T_BCAST, VL2T_MAC(50), -1);
  vl2t_one_remote(sw, b, n, VNI, &r, &v, d, T0);
  ck_assert_uint_eq(v.action, VL2_ACT_FORWARD);
  ck_assert_uint_eq(v.dest_cnt, 3); /* ports 1..3 */
  vl2t_one_remote(sw, b, n, VNI, &r, &v, d, T0);
  ck_assert_uint_eq(v.reason, VL2_DROP_STORM_CONTROL);
  vl2_storm_segment_stats ss;
  ck_assert_int_eq(vl2_storm_segment_get_stats(sw, VNI, &ss), 0);
  ck_assert_uint_eq(ss.dropped_remote, 1);
  teardown_sw(sw);
}
END_TEST

Suite *vl2_storm_suite(void) {
  Suite *s = suite_create("storm");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, bucket_exact);
  tcase_add_test(tc, bucket_long_run);
  tcase_add_test(tc, port_class_rate_and_events);
  tcase_add_test(tc, port_bytes);
  tcase_add_test(tc, mcast_classes);
  tcase_add_test(tc, segment_fanout);
  tcase_add_test(tc, holddown);
  tcase_add_test(tc, args_and_off);
  tcase_add_test(tc, flood_path);
  tcase_add_test(tc, stats_size_rule);
  tcase_add_test(tc, config_versions);
  suite_add_tcase(s, tc);
  return s;
}
