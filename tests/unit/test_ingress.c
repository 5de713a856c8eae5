/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/* The tunnel ingress against a hostile underlay: the per-remote MAC limit
 * (one VTEP cannot fill the FDB while local VMs keep being learned), a
 * strict segment that accepts only its flood list and the endpoints the
 * control plane names, and the switch config's version 1 layout. */
#include <stddef.h>
#include <string.h>

#include <vl2/fdb.h>

#include "helpers.h"

static vl2_verdict v;
static vl2_dest d[256];
static uint8_t buf[2048];

static vl2_switch *limited(uint32_t per_remote) {
  vl2_switch_config cfg;
  ck_assert_int_eq(vl2_switch_config_default(&cfg), 0);
  ck_assert_uint_eq(cfg.max_macs_per_remote, 0); /* off by default */
  cfg.max_fdb = 4096;
  cfg.max_macs_per_remote = per_remote;
  vl2_switch *sw = NULL;
  ck_assert_int_eq(vl2_switch_new(&sw, &cfg, NULL), 0);
  vl2t_access(sw, 1, 10, 100);
  vl2t_access(sw, 2, 10, 100);
  vl2t_access(sw, 3, 20, 200);
  return sw;
}

START_TEST(one_remote_cannot_fill_the_table) {
  vl2_switch *sw = limited(100);
  vl2_ipaddr r1 = vl2t_ip4(192, 0, 2, 1), r2 = vl2t_ip4(192, 0, 2, 2);
  ck_assert_int_eq(vl2_switch_remote_add(sw, 100, &r1), 0);
  ck_assert_int_eq(vl2_switch_remote_add(sw, 100, &r2), 0);
  /* r1 floods 3000 source MACs (RFC 7432 15.1's "one VTEP" attack). */
  int limited_cnt = 0;
  for (uint64_t i = 0; i < 3000; i++) {
    size_t len = vl2t_frame(buf, VL2T_BCAST, VL2T_MAC(0x100000 + i), -1);
    vl2t_one_remote(sw, buf, len, 100, &r1, &v, d, 0);
    ck_assert_uint_eq(v.action, VL2_ACT_FORWARD); /* still delivered */
    limited_cnt += (v.flags & VL2_VFLAG_LIMIT) != 0;
  }
  ck_assert_int_eq(limited_cnt, 2900);
  vl2_segment_stats ss;
  ck_assert_int_eq(vl2_switch_segment_get_stats(sw, 100, &ss), 0);
  ck_assert_uint_eq(ss.macs, 100);
  /* The limit events name the remote kind and the endpoint. */
  vl2_event ev;
  int remote_limit = 0;
  while (vl2_switch_poll_event(sw, &ev) == 1)
    if (ev.type == VL2_EV_FDB_LIMIT) {
      ck_assert_uint_eq(ev.reason, VL2_LIMIT_REMOTE);
      ck_assert_mem_eq(&ev.remote, &r1, sizeof(r1));
      remote_limit++;
    }
  ck_assert_int_gt(remote_limit, 0);
  /* Local VMs are still learned and reach each other by known unicast. */
  size_t len = vl2t_frame(buf, VL2T_BCAST, VL2T_MAC(0xa1), -1);
  vl2t_one(sw, buf, len, 1, &v, d, 0);
  ck_assert(v.flags & VL2_VFLAG_LEARNED);
  len = vl2t_frame(buf, VL2T_MAC(0xa1), VL2T_MAC(0xa2), -1);
  vl2t_one(sw, buf, len, 2, &v, d, 0);
  ck_assert(v.flags & VL2_VFLAG_LEARNED);
  ck_assert(!(v.flags & VL2_VFLAG_FLOOD));
  ck_assert_uint_eq(v.dest_cnt, 1);
  ck_assert_uint_eq(d[v.dest_off].port, 1);
  /* Another VTEP has its own budget. */
  len = vl2t_frame(buf, VL2T_BCAST, VL2T_MAC(0x200000), -1);
  vl2t_one_remote(sw, buf, len, 100, &r2, &v, d, 0);
  ck_assert(v.flags & VL2_VFLAG_LEARNED);
  /* A MAC cannot move onto the full endpoint either. */
  len = vl2t_frame(buf, VL2T_BCAST, VL2T_MAC(0xa1), -1);
  vl2t_one_remote(sw, buf, len, 100, &r1, &v, d, 0);
  ck_assert(v.flags & VL2_VFLAG_LIMIT);
  /* Removing the endpoint flushes its MACs and frees its budget. */
  ck_assert_int_eq(vl2_switch_remote_del(sw, 100, &r1), 0);
  ck_assert_int_eq(vl2_switch_remote_add(sw, 100, &r1), 0);
  len = vl2t_frame(buf, VL2T_BCAST, VL2T_MAC(0x300000), -1);
  vl2t_one_remote(sw, buf, len, 100, &r1, &v, d, 0);
  ck_assert(v.flags & VL2_VFLAG_LEARNED);
  vl2_switch_del(sw);
}
END_TEST

START_TEST(remote_budget_follows_ageing_and_control_plane_entries) {
  vl2_switch_config cfg;
  vl2_switch_config_default(&cfg);
  cfg.max_macs_per_remote = 2;
  cfg.ageing_ns = 10 * VL2_SEC;
  vl2_switch *sw = NULL;
  ck_assert_int_eq(vl2_switch_new(&sw, &cfg, NULL), 0);
  vl2t_access(sw, 1, 10, 100);
  vl2_ipaddr r1 = vl2t_ip4(192, 0, 2, 1);
  ck_assert_int_eq(vl2_switch_remote_add(sw, 100, &r1), 0);
  /* Static entries behind r1 do not use its budget. */
  for (uint64_t i = 0; i < 5; i++) {
    vl2_fdb_entry e;
    memset(&e, 0, sizeof(e));
    e.mac = vl2t_mac(0xc0 + i);
    e.vni = 100;
    e.flags = VL2_FDB_F_STATIC | VL2_FDB_F_REMOTE;
    e.port = VL2_PORT_REMOTE;
    e.remote = r1;
    ck_assert_int_eq(vl2_fdb_add_static(sw, &e), 0);
  }
  for (uint64_t i = 0; i < 2; i++) {
    size_t len = vl2t_frame(buf, VL2T_BCAST, VL2T_MAC(0x500 + i), -1);
    vl2t_one_remote(sw, buf, len, 100, &r1, &v, d, VL2_SEC);
    ck_assert(v.flags & VL2_VFLAG_LEARNED);
  }
  size_t len = vl2t_frame(buf, VL2T_BCAST, VL2T_MAC(0x502), -1);
  vl2t_one_remote(sw, buf, len, 100, &r1, &v, d, VL2_SEC);
  ck_assert(v.flags & VL2_VFLAG_LIMIT);
  /* After ageing the budget is back. */
  ck_assert_int_eq(vl2_switch_run_timers(sw, 20 * VL2_SEC), 0);
  vl2t_one_remote(sw, buf, len, 100, &r1, &v, d, 20 * VL2_SEC);
  ck_assert(v.flags & VL2_VFLAG_LEARNED);
  vl2_switch_del(sw);
}
END_TEST

START_TEST(strict_segment_accepts_members_and_control_plane_names) {
  vl2_switch *sw = vl2t_switch(NULL, 1024, 0);
  vl2t_segment(sw, 100, VL2_SEG_F_LEARN_REMOTE | VL2_SEG_F_STRICT_REMOTES);
  vl2t_access(sw, 1, 10, 100);
  vl2_ipaddr member = vl2t_ip4(192, 0, 2, 1);
  vl2_ipaddr named = vl2t_ip4(192, 0, 2, 2);
  vl2_ipaddr stranger = vl2t_ip4(198, 51, 100, 66);
  ck_assert_int_eq(vl2_switch_remote_add(sw, 100, &member), 0);
  /* The control plane names MAC 0xb2 behind |named| (not a member). */
  vl2_fdb_entry e;
  memset(&e, 0, sizeof(e));
  e.mac = vl2t_mac(VL2T_MAC(0xb2));
  e.vni = 100;
  e.flags = VL2_FDB_F_STATIC | VL2_FDB_F_REMOTE;
  e.port = VL2_PORT_REMOTE;
  e.remote = named;
  ck_assert_int_eq(vl2_fdb_add_static(sw, &e), 0);
  size_t len = vl2t_frame(buf, VL2T_BCAST, VL2T_MAC(0xb1), -1);
  vl2t_one_remote(sw, buf, len, 100, &member, &v, d, 0);
  ck_assert_uint_eq(v.action, VL2_ACT_FORWARD);
  len = vl2t_frame(buf, VL2T_BCAST, VL2T_MAC(0xb2), -1);
  vl2t_one_remote(sw, buf, len, 100, &named, &v, d, 0);
  ck_assert_uint_eq(v.action, VL2_ACT_FORWARD);
  /* |named| with another source MAC, and |stranger| claiming 0xb2 or a
   * local VM's MAC, are not. */
  len = vl2t_frame(buf, VL2T_BCAST, VL2T_MAC(0xb3), -1);
  vl2t_one_remote(sw, buf, len, 100, &named, &v, d, 0);
  ck_assert_uint_eq(v.action, VL2_ACT_DROP);
  ck_assert_uint_eq(v.reason, VL2_DROP_REMOTE_NOT_MEMBER);
  len = vl2t_frame(buf, VL2T_BCAST, VL2T_MAC(0xb2), -1);
  vl2t_one_remote(sw, buf, len, 100, &stranger, &v, d, 0);
  ck_assert_uint_eq(v.reason, VL2_DROP_REMOTE_NOT_MEMBER);
  len = vl2t_frame(buf, VL2T_BCAST, VL2T_MAC(0xa1), -1);
  vl2t_one(sw, buf, len, 1, &v, d, 0);
  vl2t_one_remote(sw, buf, len, 100, &stranger, &v, d, 0);
  ck_assert_uint_eq(v.reason, VL2_DROP_REMOTE_NOT_MEMBER);
  ck_assert_uint_eq(vl2t_drops(sw, VL2_DROP_REMOTE_NOT_MEMBER), 3);
  /* The local VM's MAC did not move to the stranger. */
  len = vl2t_frame(buf, VL2T_MAC(0xa1), VL2T_MAC(0xb1), -1);
  vl2t_one_remote(sw, buf, len, 100, &member, &v, d, 0);
  ck_assert_uint_eq(v.dest_cnt, 1);
  ck_assert_uint_eq(d[v.dest_off].type, VL2_DEST_PORT);
  vl2_switch_del(sw);
}
END_TEST

START_TEST(config_version_1_still_works) {
  /* A program built against version 1 passes the shorter struct. */
  unsigned char v1[offsetof(vl2_switch_config, max_macs_per_remote)];
  unsigned char guard[16];
  memset(guard, 0x5a, sizeof(guard));
  ck_assert_int_eq(vl2_switch_config_default_versioned(
                       VL2_SWITCH_CONFIG_V1, (vl2_switch_config *)(void *)v1),
                   0);
  vl2_switch_config full;
  vl2_switch_config_default(&full);
  ck_assert_mem_eq(v1, &full, sizeof(v1));
  vl2_switch *sw = NULL;
  ck_assert_int_eq(vl2_switch_new_versioned(&sw, VL2_SWITCH_CONFIG_V1,
                                            (vl2_switch_config *)(void *)v1,
                                            NULL),
                   0);
  vl2_switch_del(sw);
  ck_assert_int_eq(vl2_switch_new_versioned(&sw, 3, NULL, NULL),
                   VL2_ERR_VERSION);
  full.reserved_v2 = 1;
  ck_assert_int_eq(vl2_switch_new(&sw, &full, NULL), VL2_ERR_INVALID);
  (void)guard;
}
END_TEST

Suite *vl2_ingress_suite(void) {
  Suite *s = suite_create("ingress");
  TCase *tc = tcase_create("remote_limit");
  tcase_add_test(tc, one_remote_cannot_fill_the_table);
  tcase_add_test(tc, remote_budget_follows_ageing_and_control_plane_entries);
  suite_add_tcase(s, tc);
  tc = tcase_create("strict");
  tcase_add_test(tc, strict_segment_accepts_members_and_control_plane_names);
  tcase_add_test(tc, config_version_1_still_works);
  suite_add_tcase(s, tc);
  return s;
}
