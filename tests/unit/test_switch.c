/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/* The switch: classification (access/trunk/802.1ad), forwarding, flooding
 * with split horizon and flood flags, egress edits, drop reasons, bursts,
 * counters, isolation under random topologies, allocation failures. */
#include <string.h>

#include "helpers.h"

#define A VL2T_MAC(0xa)
#define B VL2T_MAC(0xb)
#define C VL2T_MAC(0xc)

static vl2_verdict v;
static vl2_dest d[256];
static uint8_t buf[256];

/* Ports 1,2,3 access in VLAN 10 -> VNI 100; port 4 access VLAN 20 -> 200. */
static vl2_switch *two_segments(void) {
  vl2_switch *sw = vl2t_switch(NULL, 1024, 300 * VL2_SEC);
  vl2t_access(sw, 1, 10, 100);
  vl2t_access(sw, 2, 10, 100);
  vl2t_access(sw, 3, 10, 100);
  vl2t_access(sw, 4, 20, 200);
  return sw;
}

START_TEST(broadcast_floods_segment_but_not_ingress) {
  vl2_switch *sw = two_segments();
  size_t len = vl2t_frame(buf, VL2T_BCAST, A, -1);
  vl2t_one(sw, buf, len, 1, &v, d, 0);
  ck_assert_uint_eq(v.action, VL2_ACT_FORWARD);
  ck_assert(v.flags & VL2_VFLAG_FLOOD);
  ck_assert_uint_eq(v.dest_cnt, 2);
  ck_assert_ptr_nonnull(vl2t_find_port(&v, d, 2));
  ck_assert_ptr_nonnull(vl2t_find_port(&v, d, 3));
  ck_assert_ptr_null(vl2t_find_port(&v, d, 1)); /* no reflection */
  ck_assert_ptr_null(vl2t_find_port(&v, d, 4)); /* other segment */
  ck_assert_uint_eq(vl2t_find_port(&v, d, 2)->edit, VL2_EDIT_KEEP);
  vl2_segment_stats ss;
  ck_assert_int_eq(vl2_switch_segment_get_stats(sw, 100, &ss), 0);
  ck_assert_uint_eq(ss.bum_frames, 1);
  ck_assert_uint_eq(ss.flood_copies, 2);
  vl2_switch_del(sw);
}
END_TEST

START_TEST(known_unicast_goes_to_one_port) {
  vl2_switch *sw = two_segments();
  size_t len = vl2t_frame(buf, VL2T_BCAST, B, -1);
  vl2t_one(sw, buf, len, 2, &v, d, 0); /* learn B on port 2 */
  len = vl2t_frame(buf, B, A, -1);
  vl2t_one(sw, buf, len, 1, &v, d, 1);
  ck_assert_uint_eq(v.action, VL2_ACT_FORWARD);
  ck_assert_uint_eq(v.dest_cnt, 1);
  ck_assert_uint_eq(d[v.dest_off].type, VL2_DEST_PORT);
  ck_assert_uint_eq(d[v.dest_off].port, 2);
  ck_assert(!(v.flags & VL2_VFLAG_FLOOD));
  ck_assert(v.flags & VL2_VFLAG_LEARNED);
  vl2_port_stats ps;
  ck_assert_int_eq(vl2_switch_port_get_stats(sw, 2, &ps), 0);
  ck_assert_uint_eq(ps.tx_frames, 1);
  ck_assert_uint_eq(ps.rx_frames, 1);
  vl2_switch_del(sw);
}
END_TEST

START_TEST(unknown_unicast_floods_and_respects_flood_flag) {
  vl2_switch *sw = two_segments();
  vl2_port_config pc;
  vl2_port_config_default(&pc, VL2_PORT_ACCESS);
  pc.pvid = 10;
  pc.flags &= ~VL2_PORT_F_FLOOD_UNKNOWN;
  ck_assert_int_eq(vl2_switch_port_set(sw, 3, &pc), 0);
  size_t len = vl2t_frame(buf, C, A, -1);
  vl2t_one(sw, buf, len, 1, &v, d, 0);
  ck_assert_uint_eq(v.action, VL2_ACT_FORWARD);
  ck_assert(v.flags & VL2_VFLAG_FLOOD);
  ck_assert_uint_eq(v.dest_cnt, 1);
  ck_assert_ptr_nonnull(vl2t_find_port(&v, d, 2));
  /* Broadcast still reaches port 3: only unknown unicast is filtered. */
  len = vl2t_frame(buf, VL2T_BCAST, A, -1);
  vl2t_one(sw, buf, len, 1, &v, d, 0);
  ck_assert_ptr_nonnull(vl2t_find_port(&v, d, 3));
  vl2_segment_stats ss;
  vl2_switch_segment_get_stats(sw, 100, &ss);
  ck_assert_uint_eq(ss.unknown_unicast, 1);
  vl2_switch_del(sw);
}
END_TEST

START_TEST(unicast_to_ingress_is_dropped_not_reflected) {
  vl2_switch *sw = two_segments();
  size_t len = vl2t_frame(buf, VL2T_BCAST, B, -1);
  vl2t_one(sw, buf, len, 1, &v, d, 0); /* B on port 1 */
  len = vl2t_frame(buf, B, A, -1);
  vl2t_one(sw, buf, len, 1, &v, d, 0);
  ck_assert_uint_eq(v.action, VL2_ACT_DROP);
  ck_assert_uint_eq(v.reason, VL2_DROP_SAME_PORT);
  ck_assert_uint_eq(vl2t_drops(sw, VL2_DROP_SAME_PORT), 1);
  vl2_switch_del(sw);
}
END_TEST

START_TEST(access_port_drops_tagged_accepts_priority_tagged) {
  vl2_switch *sw = two_segments();
  size_t len = vl2t_frame(buf, VL2T_BCAST, A, 20); /* tagged VID 20 */
  vl2t_one(sw, buf, len, 1, &v, d, 0);
  ck_assert_uint_eq(v.action, VL2_ACT_DROP);
  ck_assert_uint_eq(v.reason, VL2_DROP_TAGGED_ON_ACCESS);
  len = vl2t_frame(buf, VL2T_BCAST, A, 10); /* even its own VID */
  vl2t_one(sw, buf, len, 1, &v, d, 0);
  ck_assert_uint_eq(v.reason, VL2_DROP_TAGGED_ON_ACCESS);
  /* Priority-tagged (VID 0, PCP 5) belongs to the PVID; popped on egress. */
  uint16_t tpid = VL2_TPID_8021Q, tci = 5 << 13;
  len = vl2t_frame_tags(buf, VL2T_BCAST, A, &tpid, &tci, 1, 0x0800, 46);
  vl2t_one(sw, buf, len, 1, &v, d, 0);
  ck_assert_uint_eq(v.action, VL2_ACT_FORWARD);
  ck_assert_uint_eq(v.vni, 100);
  ck_assert_uint_eq(vl2t_find_port(&v, d, 2)->edit, VL2_EDIT_POP);
  vl2_switch_del(sw);
}
END_TEST

START_TEST(double_tagging_cannot_hop_vlans) {
  /* The classic attack: the attacker's access port is in the trunk's
   * native VLAN, and it sends outer tag = native, inner tag = victim. */
  vl2_switch *sw = vl2t_switch(NULL, 1024, 0);
  vl2t_access(sw, 1, 10, 100);
  vl2t_trunk(sw, 2, 10);
  vl2t_segment(sw, 200, 0);
  ck_assert_int_eq(vl2_switch_port_vlan_add(sw, 2, 10, 100), 0);
  ck_assert_int_eq(vl2_switch_port_vlan_add(sw, 2, 20, 200), 0);
  uint16_t tpid[2] = {VL2_TPID_8021Q, VL2_TPID_8021Q}, tci[2] = {10, 20};
  size_t len = vl2t_frame_tags(buf, VL2T_BCAST, A, tpid, tci, 2, 0x0800, 40);
  vl2t_one(sw, buf, len, 1, &v, d, 0);
  ck_assert_uint_eq(v.action, VL2_ACT_DROP);
  ck_assert_uint_eq(v.reason, VL2_DROP_TAGGED_ON_ACCESS);
  /* Priority tag in front of a VLAN tag on the access port. */
  tci[0] = 0;
  len = vl2t_frame_tags(buf, VL2T_BCAST, A, tpid, tci, 2, 0x0800, 40);
  vl2t_one(sw, buf, len, 1, &v, d, 0);
  ck_assert_uint_eq(v.action, VL2_ACT_DROP);
  ck_assert_uint_eq(v.reason, VL2_DROP_STACKED_TAG);
  /* Stacked tags on the trunk would expose the inner tag when the native
   * VLAN's tag is popped. */
  tci[0] = 10;
  len = vl2t_frame_tags(buf, VL2T_BCAST, A, tpid, tci, 2, 0x0800, 40);
  vl2t_one(sw, buf, len, 2, &v, d, 0);
  ck_assert_uint_eq(v.reason, VL2_DROP_STACKED_TAG);
  vl2_switch_del(sw);
}
END_TEST

START_TEST(trunk_tagging_and_native_vlan) {
  vl2_switch *sw = vl2t_switch(NULL, 1024, 0);
  vl2t_access(sw, 1, 10, 100);
  vl2t_access(sw, 3, 20, 200);
  vl2t_trunk(sw, 2, 20); /* native VLAN 20 */
  ck_assert_int_eq(vl2_switch_port_vlan_add(sw, 2, 10, 100), 0);
  ck_assert_int_eq(vl2_switch_port_vlan_add(sw, 2, 20, 200), 0);
  /* access(10) -> trunk: push VID 10 */
  size_t len = vl2t_frame(buf, VL2T_BCAST, A, -1);
  vl2t_one(sw, buf, len, 1, &v, d, 0);
  const vl2_dest *t = vl2t_find_port(&v, d, 2);
  ck_assert_ptr_nonnull(t);
  ck_assert_uint_eq(t->edit, VL2_EDIT_PUSH);
  ck_assert_uint_eq(t->vid, 10);
  ck_assert_uint_eq(t->tpid, VL2_TPID_8021Q);
  ck_assert_ptr_null(vl2t_find_port(&v, d, 3));
  /* access(20) -> trunk native: untagged */
  vl2t_one(sw, buf, len, 3, &v, d, 0);
  ck_assert_uint_eq(vl2t_find_port(&v, d, 2)->edit, VL2_EDIT_KEEP);
  /* trunk tagged 10 -> access 1: pop; not to port 3 */
  len = vl2t_frame(buf, VL2T_BCAST, B, 10);
  vl2t_one(sw, buf, len, 2, &v, d, 0);
  ck_assert_uint_eq(v.vni, 100);
  ck_assert_uint_eq(vl2t_find_port(&v, d, 1)->edit, VL2_EDIT_POP);
  ck_assert_ptr_null(vl2t_find_port(&v, d, 3));
  /* trunk untagged -> native VLAN 20 -> port 3 */
  len = vl2t_frame(buf, VL2T_BCAST, B, -1);
  vl2t_one(sw, buf, len, 2, &v, d, 0);
  ck_assert_uint_eq(v.vni, 200);
  ck_assert_ptr_nonnull(vl2t_find_port(&v, d, 3));
  /* trunk tagged with a VLAN not allowed */
  len = vl2t_frame(buf, VL2T_BCAST, B, 30);
  vl2t_one(sw, buf, len, 2, &v, d, 0);
  ck_assert_uint_eq(v.reason, VL2_DROP_VLAN_NOT_ALLOWED);
  /* VID 4095 is reserved */
  len = vl2t_frame(buf, VL2T_BCAST, B, 4095);
  vl2t_one(sw, buf, len, 2, &v, d, 0);
  ck_assert_uint_eq(v.reason, VL2_DROP_VID_RESERVED);
  vl2_switch_del(sw);
}
END_TEST

START_TEST(trunk_without_native_drops_untagged_and_rewrites_between_vids) {
  vl2_switch *sw = vl2t_switch(NULL, 1024, 0);
  vl2t_segment(sw, 100, 0);
  vl2t_trunk(sw, 1, 0);
  vl2t_trunk(sw, 2, 0);
  ck_assert_int_eq(vl2_switch_port_vlan_add(sw, 1, 10, 100), 0);
  ck_assert_int_eq(vl2_switch_port_vlan_add(sw, 2, 30, 100), 0); /* gateway */
  size_t len = vl2t_frame(buf, VL2T_BCAST, A, -1);
  vl2t_one(sw, buf, len, 1, &v, d, 0);
  ck_assert_uint_eq(v.reason, VL2_DROP_UNTAGGED_ON_TRUNK);
  uint16_t tpid = VL2_TPID_8021Q, tci = (3 << 13) | 10;
  len = vl2t_frame_tags(buf, VL2T_BCAST, A, &tpid, &tci, 1, 0x0800, 46);
  vl2t_one(sw, buf, len, 1, &v, d, 0);
  const vl2_dest *t = vl2t_find_port(&v, d, 2);
  ck_assert_uint_eq(t->edit, VL2_EDIT_REWRITE);
  ck_assert_uint_eq(t->vid, 30);
  /* Apply it: VID changes, PCP stays. */
  size_t off = 0;
  ck_assert_int_eq(vl2_vlan_apply_edit(buf, &off, len, t), (vl2_ssize)len);
  ck_assert_uint_eq(buf[14], (3 << 5) | 0);
  ck_assert_uint_eq(buf[15], 30);
  /* A VLAN mapped to no segment, and duplicate maps. */
  ck_assert_int_eq(vl2_switch_port_vlan_add(sw, 1, 10, 100), VL2_ERR_EXISTS);
  ck_assert_int_eq(vl2_switch_port_vlan_add(sw, 1, 11, 100), VL2_ERR_EXISTS);
  ck_assert_int_eq(vl2_switch_port_vlan_add(sw, 1, 11, 999), VL2_ERR_NOTFOUND);
  vl2_switch_del(sw);
}
END_TEST

START_TEST(qinq_ports) {
  vl2_switch *sw = vl2t_switch(NULL, 1024, 0);
  vl2t_segment(sw, 100, 0);
  vl2_port_config pc;
  vl2_port_config_default(&pc, VL2_PORT_TRUNK);
  pc.flags |= VL2_PORT_F_QINQ;
  ck_assert_int_eq(vl2_switch_port_add(sw, 1, &pc), 0);
  ck_assert_int_eq(vl2_switch_port_vlan_add(sw, 1, 500, 100), 0);
  vl2t_trunk(sw, 2, 0);
  ck_assert_int_eq(vl2_switch_port_vlan_add(sw, 2, 10, 100), 0);
  /* S-tag 500 + C-tag 7 on the 802.1ad port: accepted, S-tag rewritten
   * to a C-tag of VID 10 on the 802.1Q trunk. */
  uint16_t tpid[2] = {VL2_TPID_8021AD, VL2_TPID_8021Q}, tci[2] = {500, 7};
  size_t len = vl2t_frame_tags(buf, VL2T_BCAST, A, tpid, tci, 2, 0x0800, 40);
  vl2t_one(sw, buf, len, 1, &v, d, 0);
  ck_assert_uint_eq(v.action, VL2_ACT_FORWARD);
  const vl2_dest *t = vl2t_find_port(&v, d, 2);
  ck_assert_uint_eq(t->edit, VL2_EDIT_REWRITE);
  ck_assert_uint_eq(t->tpid, VL2_TPID_8021Q);
  /* 802.1ad on the 802.1Q trunk: dropped. */
  tci[0] = 10;
  len = vl2t_frame_tags(buf, VL2T_BCAST, B, tpid, tci, 2, 0x0800, 40);
  vl2t_one(sw, buf, len, 2, &v, d, 0);
  ck_assert_uint_eq(v.reason, VL2_DROP_QINQ);
  /* The reverse direction pushes/rewrites to 0x88a8. */
  len = vl2t_frame(buf, VL2T_BCAST, B, 10);
  vl2t_one(sw, buf, len, 2, &v, d, 0);
  t = vl2t_find_port(&v, d, 1);
  ck_assert_uint_eq(t->edit, VL2_EDIT_REWRITE);
  ck_assert_uint_eq(t->tpid, VL2_TPID_8021AD);
  ck_assert_uint_eq(t->vid, 500);
  vl2_switch_del(sw);
}
END_TEST

START_TEST(invalid_sources_and_reserved_groups) {
  vl2_switch *sw = two_segments();
  size_t len = vl2t_frame(buf, B, VL2T_BCAST, -1);
  vl2t_one(sw, buf, len, 1, &v, d, 0);
  ck_assert_uint_eq(v.reason, VL2_DROP_SRC_MULTICAST);
  len = vl2t_frame(buf, B, 0x010000000001ULL, -1);
  vl2t_one(sw, buf, len, 1, &v, d, 0);
  ck_assert_uint_eq(v.reason, VL2_DROP_SRC_MULTICAST);
  len = vl2t_frame(buf, B, 0, -1);
  vl2t_one(sw, buf, len, 1, &v, d, 0);
  ck_assert_uint_eq(v.reason, VL2_DROP_SRC_ZERO);
  len = vl2t_frame(buf, 0x0180c2000000ULL, A, -1); /* STP BPDU */
  vl2t_one(sw, buf, len, 1, &v, d, 0);
  ck_assert_uint_eq(v.reason, VL2_DROP_RESERVED_GROUP);
  len = vl2t_frame(buf, 0x0180c200000eULL, A, -1); /* LLDP */
  vl2t_one(sw, buf, len, 1, &v, d, 0);
  ck_assert_uint_eq(v.reason, VL2_DROP_RESERVED_GROUP);
  len = vl2t_frame(buf, 0x0180c2000010ULL, A, -1); /* not reserved */
  vl2t_one(sw, buf, len, 1, &v, d, 0);
  ck_assert_uint_eq(v.action, VL2_ACT_FORWARD);
  /* Nothing was learned from the bad sources. */
  ck_assert_uint_eq(vl2_fdb_count(sw), 1);
  vl2_switch_del(sw);
}
END_TEST

START_TEST(runts_and_unknown_ports) {
  vl2_switch *sw = two_segments();
  size_t len = vl2t_frame(buf, B, A, -1);
  for (size_t l = 0; l < 14; l++) {
    vl2t_one(sw, buf, l, 1, &v, d, 0);
    ck_assert_uint_eq(v.reason, VL2_DROP_RUNT);
  }
  len = vl2t_frame(buf, B, A, 10);
  vl2t_one(sw, buf, 16, 2, &v, d, 0); /* tag cut short */
  ck_assert_uint_eq(v.action, VL2_ACT_DROP);
  ck_assert_uint_eq(v.reason, VL2_DROP_RUNT);
  vl2t_one(sw, buf, len, 77, &v, d, 0);
  ck_assert_uint_eq(v.reason, VL2_DROP_PORT_UNKNOWN);
  vl2t_one(sw, buf, len, 1u << 30, &v, d, 0);
  ck_assert_uint_eq(v.reason, VL2_DROP_PORT_UNKNOWN);
  vl2_switch_stats st;
  vl2_switch_get_stats(sw, &st);
  uint64_t sum = 0;
  for (int i = 0; i < VL2_DROP_REASON_MAX; i++)
    sum += st.drops[i];
  ck_assert_uint_eq(sum, st.dropped);
  ck_assert_uint_eq(st.rx_frames, st.dropped + st.forwarded + st.flooded);
  vl2_switch_del(sw);
}
END_TEST

START_TEST(remote_endpoints_flood_and_split_horizon) {
  vl2_switch *sw = two_segments();
  vl2_ipaddr r1 = vl2t_ip4(192, 0, 2, 1), r2 = vl2t_ip4(192, 0, 2, 2);
  ck_assert_int_eq(vl2_switch_remote_add(sw, 100, &r1), 0);
  ck_assert_int_eq(vl2_switch_remote_add(sw, 100, &r2), 0);
  ck_assert_int_eq(vl2_switch_remote_add(sw, 100, &r2), VL2_ERR_EXISTS);
  ck_assert_uint_eq(vl2_switch_max_fanout(sw), 5);
  /* Local broadcast: 2 ports + 2 remotes (head-end replication). */
  size_t len = vl2t_frame(buf, VL2T_BCAST, A, -1);
  vl2t_one(sw, buf, len, 1, &v, d, 0);
  ck_assert_uint_eq(v.dest_cnt, 4);
  int remotes = 0;
  for (uint32_t i = 0; i < v.dest_cnt; i++) {
    const vl2_dest *x = &d[v.dest_off + i];
    if (x->type == VL2_DEST_REMOTE) {
      remotes++;
      ck_assert_uint_eq(x->vni, 100);
      ck_assert(memcmp(&x->remote, &r1, sizeof(r1)) == 0 ||
                memcmp(&x->remote, &r2, sizeof(r2)) == 0);
    }
  }
  ck_assert_int_eq(remotes, 2);
  /* Broadcast from r1: local ports only, never another remote. */
  len = vl2t_frame(buf, VL2T_BCAST, C, -1);
  vl2t_one_remote(sw, buf, len, 100, &r1, &v, d, 1);
  ck_assert_uint_eq(v.dest_cnt, 3);
  for (uint32_t i = 0; i < v.dest_cnt; i++)
    ck_assert_uint_eq(d[v.dest_off + i].type, VL2_DEST_PORT);
  /* C was learned against r1: unicast from port 1 goes to r1. */
  vl2_fdb_entry e;
  vl2_mac mc = vl2t_mac(C);
  ck_assert_int_eq(vl2_fdb_lookup(sw, 100, &mc, &e, 1), 0);
  ck_assert(e.flags & VL2_FDB_F_REMOTE);
  ck_assert(memcmp(&e.remote, &r1, sizeof(r1)) == 0);
  len = vl2t_frame(buf, C, A, -1);
  vl2t_one(sw, buf, len, 1, &v, d, 2);
  ck_assert_uint_eq(v.dest_cnt, 1);
  ck_assert_uint_eq(d[v.dest_off].type, VL2_DEST_REMOTE);
  ck_assert(memcmp(&d[v.dest_off].remote, &r1, sizeof(r1)) == 0);
  /* Unicast from r2 to C (at r1): split horizon. */
  len = vl2t_frame(buf, C, B, -1);
  vl2t_one_remote(sw, buf, len, 100, &r2, &v, d, 3);
  ck_assert_uint_eq(v.reason, VL2_DROP_SPLIT_HORIZON);
  /* Unknown VNI and inner tags from the overlay. */
  vl2t_one_remote(sw, buf, len, 999, &r2, &v, d, 3);
  ck_assert_uint_eq(v.reason, VL2_DROP_NO_SEGMENT);
  len = vl2t_frame(buf, VL2T_BCAST, B, 10);
  vl2t_one_remote(sw, buf, len, 100, &r2, &v, d, 3);
  ck_assert_uint_eq(v.reason, VL2_DROP_REMOTE_TAGGED);
  /* Removing r1 flushes what was learned against it. */
  ck_assert_int_eq(vl2_switch_remote_del(sw, 100, &r1), 0);
  ck_assert_int_eq(vl2_fdb_lookup(sw, 100, &mc, &e, 4), VL2_ERR_NOTFOUND);
  ck_assert_int_eq(vl2_switch_remote_del(sw, 100, &r1), VL2_ERR_NOTFOUND);
  vl2_switch_del(sw);
}
END_TEST

START_TEST(strict_segments_accept_only_members) {
  vl2_switch *sw = vl2t_switch(NULL, 1024, 0);
  vl2t_segment(sw, 7, VL2_SEG_F_STRICT_REMOTES | VL2_SEG_F_LEARN_REMOTE);
  vl2_port_config pc;
  vl2_port_config_default(&pc, VL2_PORT_ACCESS);
  pc.pvid = 1;
  ck_assert_int_eq(vl2_switch_port_add(sw, 0, &pc), 0);
  ck_assert_int_eq(vl2_switch_port_vlan_add(sw, 0, 1, 7), 0);
  vl2_ipaddr r1 = vl2t_ip4(10, 0, 0, 1), r2 = vl2t_ip4(10, 0, 0, 2);
  ck_assert_int_eq(vl2_switch_remote_add(sw, 7, &r1), 0);
  size_t len = vl2t_frame(buf, VL2T_BCAST, A, -1);
  vl2t_one_remote(sw, buf, len, 7, &r2, &v, d, 0);
  ck_assert_uint_eq(v.reason, VL2_DROP_REMOTE_NOT_MEMBER);
  vl2t_one_remote(sw, buf, len, 7, &r1, &v, d, 0);
  ck_assert_uint_eq(v.action, VL2_ACT_FORWARD);
  vl2_switch_del(sw);
}
END_TEST

START_TEST(learning_from_remotes_is_switchable) {
  vl2_switch *sw = vl2t_switch(NULL, 1024, 0);
  vl2t_segment(sw, 7, 0); /* no VL2_SEG_F_LEARN_REMOTE */
  vl2_port_config pc;
  vl2_port_config_default(&pc, VL2_PORT_ACCESS);
  ck_assert_int_eq(vl2_switch_port_add(sw, 0, &pc), 0);
  ck_assert_int_eq(vl2_switch_port_vlan_add(sw, 0, 1, 7), 0);
  vl2_ipaddr r1 = vl2t_ip4(10, 0, 0, 1);
  size_t len = vl2t_frame(buf, VL2T_BCAST, A, -1);
  vl2t_one_remote(sw, buf, len, 7, &r1, &v, d, 0);
  ck_assert_uint_eq(v.action, VL2_ACT_FORWARD);
  ck_assert_uint_eq(vl2_fdb_count(sw), 0);
  vl2_segment_config sc = {VL2_SEG_F_LEARN_REMOTE, 0, {0, 0}};
  ck_assert_int_eq(vl2_switch_segment_set(sw, 7, &sc), 0);
  vl2t_one_remote(sw, buf, len, 7, &r1, &v, d, 0);
  ck_assert_uint_eq(vl2_fdb_count(sw), 1);
  vl2_switch_del(sw);
}
END_TEST

START_TEST(burst_stops_when_dests_fill) {
  vl2_switch *sw = two_segments();
  uint8_t frames[8][64];
  vl2_frame in[8];
  vl2_verdict out[8];
  memset(in, 0, sizeof(in));
  for (int i = 0; i < 8; i++) {
    in[i].len =
        (uint32_t)vl2t_frame(frames[i], VL2T_BCAST, A + (uint64_t)i, -1);
    in[i].data = frames[i];
    in[i].port = 1;
  }
  /* Each broadcast may need 3 dests (segment of 3 ports) and uses 2:
   * after 3 frames 6 of 7 are used and the 4th might not fit. */
  vl2_ssize n = vl2_switch_process(sw, in, 8, out, d, 7, 0);
  ck_assert_int_eq(n, 3);
  ck_assert_uint_eq(out[0].dest_off, 0);
  ck_assert_uint_eq(out[1].dest_off, 2);
  ck_assert_uint_eq(out[2].dest_off, 4);
  ck_assert_int_eq(vl2_switch_process(sw, in + 3, 5, out, d, 2, 0),
                   VL2_ERR_NOBUF);
  n = vl2_switch_process(sw, in + 3, 5, out, d, 256, 0);
  ck_assert_int_eq(n, 5);
  ck_assert_int_eq(vl2_switch_process(sw, in, 0, out, d, 0, 0), 0);
  ck_assert_int_eq(vl2_switch_process(NULL, in, 1, out, d, 9, 0),
                   VL2_ERR_INVALID);
  vl2_switch_stats st;
  vl2_switch_get_stats(sw, &st);
  ck_assert_uint_eq(st.rx_frames, 8);
  vl2_switch_del(sw);
}
END_TEST

START_TEST(port_and_segment_lifecycle) {
  vl2_switch *sw = two_segments();
  ck_assert_int_eq(vl2_switch_segment_del(sw, 100), VL2_ERR_BUSY);
  size_t len = vl2t_frame(buf, VL2T_BCAST, A, -1);
  vl2t_one(sw, buf, len, 1, &v, d, 0);
  ck_assert_uint_eq(vl2_fdb_count(sw), 1);
  ck_assert_int_eq(vl2_switch_port_del(sw, 1), 0);
  ck_assert_uint_eq(vl2_fdb_count(sw), 0); /* flushed with the port */
  ck_assert_int_eq(vl2_switch_port_del(sw, 1), VL2_ERR_NOTFOUND);
  vl2t_one(sw, buf, len, 2, &v, d, 0);
  ck_assert_uint_eq(v.dest_cnt, 1); /* only port 3 left */
  ck_assert_int_eq(vl2_switch_port_vlan_del(sw, 2, 10), 0);
  ck_assert_uint_eq(vl2_fdb_count(sw), 0);
  ck_assert_int_eq(vl2_switch_port_vlan_del(sw, 2, 10), VL2_ERR_NOTFOUND);
  vl2t_one(sw, buf, len, 2, &v, d, 0);
  ck_assert_uint_eq(v.reason, VL2_DROP_NO_SEGMENT);
  ck_assert_int_eq(vl2_switch_port_vlan_del(sw, 3, 10), 0);
  ck_assert_int_eq(vl2_switch_segment_del(sw, 100), 0);
  ck_assert_int_eq(vl2_switch_segment_del(sw, 100), VL2_ERR_NOTFOUND);
  /* Argument checks. */
  vl2_port_config pc;
  vl2_port_config_default(&pc, VL2_PORT_ACCESS);
  pc.pvid = 0;
  ck_assert_int_eq(vl2_switch_port_add(sw, 9, &pc), VL2_ERR_INVALID);
  pc.pvid = 4095;
  ck_assert_int_eq(vl2_switch_port_add(sw, 9, &pc), VL2_ERR_INVALID);
  pc.pvid = 5;
  ck_assert_int_eq(vl2_switch_port_add(sw, 64, &pc), VL2_ERR_INVALID);
  ck_assert_int_eq(vl2_switch_port_add(sw, 4, &pc), VL2_ERR_EXISTS);
  ck_assert_int_eq(vl2_switch_port_add(sw, 9, &pc), 0);
  ck_assert_int_eq(vl2_switch_port_vlan_add(sw, 9, 6, 200), VL2_ERR_INVALID);
  ck_assert_int_eq(vl2_switch_segment_add(sw, 1u << 24, NULL), VL2_ERR_INVALID);
  pc.pvid = 6;
  ck_assert_int_eq(vl2_switch_port_set(sw, 9, &pc), VL2_ERR_INVALID);
  vl2_switch_del(sw);
  vl2_switch_del(NULL);
}
END_TEST

START_TEST(segment_limit_and_config_checks) {
  vl2_switch_config cfg;
  ck_assert_int_eq(vl2_switch_config_default_versioned(99, &cfg),
                   VL2_ERR_VERSION);
  ck_assert_int_eq(vl2_switch_config_default(&cfg), 0);
  ck_assert_uint_eq(cfg.ageing_ns, 300 * VL2_SEC);
  cfg.max_segments = 2;
  vl2_switch *sw = NULL;
  ck_assert_int_eq(vl2_switch_new(&sw, &cfg, NULL), 0);
  ck_assert_int_eq(vl2_switch_segment_add(sw, 1, NULL), 0);
  ck_assert_int_eq(vl2_switch_segment_add(sw, 2, NULL), 0);
  ck_assert_int_eq(vl2_switch_segment_add(sw, 3, NULL), VL2_ERR_LIMIT);
  ck_assert_int_eq(vl2_switch_segment_add(sw, 2, NULL), VL2_ERR_EXISTS);
  ck_assert_int_eq(vl2_switch_segment_del(sw, 1), 0);
  ck_assert_int_eq(vl2_switch_segment_add(sw, 3, NULL), 0);
  vl2_switch_del(sw);
  cfg.max_ports = 0;
  ck_assert_int_eq(vl2_switch_new(&sw, &cfg, NULL), VL2_ERR_INVALID);
  ck_assert_ptr_null(sw);
  ck_assert_int_eq(vl2_switch_new_versioned(&sw, 42, NULL, NULL),
                   VL2_ERR_VERSION);
}
END_TEST

START_TEST(qinq_inner_tag_never_leaves_untagged) {
  /* An S-tagged frame with a C-tag inside may only leave with an outer
   * tag: on an access port, a native VLAN or a VXLAN tunnel its C-tag
   * would become the outer tag. */
  vl2_switch *sw = vl2t_switch(NULL, 1024, 0);
  vl2t_segment(sw, 100, VL2_SEG_F_LEARN_REMOTE);
  vl2_port_config pc;
  vl2_port_config_default(&pc, VL2_PORT_TRUNK);
  pc.flags |= VL2_PORT_F_QINQ;
  ck_assert_int_eq(vl2_switch_port_add(sw, 1, &pc), 0);
  ck_assert_int_eq(vl2_switch_port_vlan_add(sw, 1, 500, 100), 0);
  vl2_port_config_default(&pc, VL2_PORT_ACCESS);
  pc.pvid = 10;
  ck_assert_int_eq(vl2_switch_port_add(sw, 2, &pc), 0);
  ck_assert_int_eq(vl2_switch_port_vlan_add(sw, 2, 10, 100), 0);
  vl2t_trunk(sw, 3, 0);
  ck_assert_int_eq(vl2_switch_port_vlan_add(sw, 3, 10, 100), 0);
  vl2_ipaddr r = vl2t_ip4(192, 0, 2, 1);
  ck_assert_int_eq(vl2_switch_remote_add(sw, 100, &r), 0);
  uint16_t tpid[2] = {VL2_TPID_8021AD, VL2_TPID_8021Q}, tci[2] = {500, 7};
  size_t len = vl2t_frame_tags(buf, VL2T_BCAST, A, tpid, tci, 2, 0x0800, 40);
  vl2t_one(sw, buf, len, 1, &v, d, 0);
  ck_assert_uint_eq(v.action, VL2_ACT_FORWARD);
  ck_assert_uint_eq(v.dest_cnt, 1); /* only the tagged trunk */
  ck_assert_ptr_nonnull(vl2t_find_port(&v, d, 3));
  vl2_switch_stats st;
  vl2_switch_get_stats(sw, &st);
  ck_assert_uint_eq(st.stacked_tag_skips, 2); /* access port and remote */
  /* Known unicast to the access port: dropped with a reason. */
  len = vl2t_frame(buf, VL2T_BCAST, B, -1);
  vl2t_one(sw, buf, len, 2, &v, d, 0); /* learn B on port 2 */
  len = vl2t_frame_tags(buf, B, A, tpid, tci, 2, 0x0800, 40);
  vl2t_one(sw, buf, len, 1, &v, d, 0);
  ck_assert_uint_eq(v.action, VL2_ACT_DROP);
  ck_assert_uint_eq(v.reason, VL2_DROP_STACKED_TAG);
  /* An S-tag alone is popped for the access port and the remote. */
  len = vl2t_frame_tags(buf, VL2T_BCAST, A, tpid, tci, 1, 0x0800, 44);
  vl2t_one(sw, buf, len, 1, &v, d, 0);
  ck_assert_uint_eq(v.dest_cnt, 3);
  ck_assert_uint_eq(vl2t_find_port(&v, d, 2)->edit, VL2_EDIT_POP);
  vl2_switch_del(sw);
}
END_TEST

START_TEST(max_fanout_always_takes_a_frame) {
  /* No segment has members, but a static entry sends known unicast to a
   * remote endpoint: one destination must still fit. */
  vl2_switch *sw = vl2t_switch(NULL, 1024, 0);
  ck_assert_uint_eq(vl2_switch_max_fanout(sw), 1);
  vl2t_segment(sw, 100, 0);
  vl2_port_config pc;
  vl2_port_config_default(&pc, VL2_PORT_ACCESS);
  ck_assert_int_eq(vl2_switch_port_add(sw, 1, &pc), 0);
  ck_assert_int_eq(vl2_switch_port_vlan_add(sw, 1, 1, 100), 0);
  vl2_fdb_entry e;
  memset(&e, 0, sizeof(e));
  e.vni = 100;
  e.mac = vl2t_mac(B);
  e.flags = VL2_FDB_F_REMOTE;
  e.remote = vl2t_ip4(192, 0, 2, 9);
  ck_assert_int_eq(vl2_fdb_add_static(sw, &e), 0);
  ck_assert_uint_eq(vl2_switch_max_fanout(sw), 1);
  size_t len = vl2t_frame(buf, B, A, -1);
  vl2_frame f;
  memset(&f, 0, sizeof(f));
  f.data = buf;
  f.len = (uint32_t)len;
  f.port = 1;
  ck_assert_int_eq(
      vl2_switch_process(sw, &f, 1, &v, d, vl2_switch_max_fanout(sw), 0), 1);
  ck_assert_uint_eq(d[0].type, VL2_DEST_REMOTE);
  vl2_switch_del(sw);
}
END_TEST

START_TEST(bursts_of_one_flow_are_decided_and_counted_exactly) {
  /* Trains of one flow in a burst take the repeat path; the verdicts and
   * every counter must equal what deciding each frame alone gives. */
  vl2_switch *sw = two_segments();
  vl2_fdb_entry e;
  memset(&e, 0, sizeof(e));
  e.vni = 100;
  e.mac = vl2t_mac(C);
  e.port = 3; /* C is static on port 3 */
  ck_assert_int_eq(vl2_fdb_add_static(sw, &e), 0);
  size_t len = vl2t_frame(buf, VL2T_BCAST, B, -1);
  vl2t_one(sw, buf, len, 2, &v, d, 0); /* B learned on port 2 */
  enum { N = 12 };
  uint8_t fr[N][64];
  vl2_frame in[N];
  vl2_verdict out[N];
  memset(in, 0, sizeof(in));
  for (int i = 0; i < N; i++) {
    /* 0-3: A -> B (A learned by frame 0, then repeats); 4-7: C -> B from
     * port 1 while C is static on port 3 (each one a static conflict);
     * 8-9: A -> B with another IP length (the header still matches);
     * 10-11: ARP from A (never repeated: the neighbour code sees each). */
    uint64_t src = (i >= 4 && i < 8) ? C : A;
    uint16_t et = i >= 10 ? 0x0806 : 0x0800;
    in[i].len =
        (uint32_t)vl2t_frame_tags(fr[i], i >= 10 ? VL2T_BCAST : B, src, NULL,
                                  NULL, 0, et, i >= 8 && i < 10 ? 30 : 46);
    if (i >= 8 && i < 10)
      fr[i][16] = 0x44; /* a different IPv4 total length */
    in[i].data = fr[i];
    in[i].port = 1;
  }
  vl2_switch_stats st0;
  vl2_switch_get_stats(sw, &st0);
  ck_assert_int_eq(vl2_switch_process(sw, in, N, out, d, 256, 1), N);
  for (int i = 0; i < 10; i++) {
    ck_assert_uint_eq(out[i].action, VL2_ACT_FORWARD);
    ck_assert_uint_eq(out[i].dest_cnt, 1);
    ck_assert_uint_eq(d[out[i].dest_off].port, 2);
    ck_assert_uint_eq(d[out[i].dest_off].edit, VL2_EDIT_KEEP);
    ck_assert_uint_eq(out[i].vni, 100);
    ck_assert_uint_eq(out[i].flags, i == 0 ? VL2_VFLAG_LEARNED : 0u);
    if (i > 0)
      ck_assert_uint_eq(out[i].dest_off, out[i - 1].dest_off + 1);
  }
  ck_assert(out[10].flags & VL2_VFLAG_FLOOD);
  vl2_switch_stats st;
  vl2_switch_get_stats(sw, &st);
  ck_assert_uint_eq(st.rx_frames - st0.rx_frames, N);
  ck_assert_uint_eq(st.forwarded - st0.forwarded, 10);
  ck_assert_uint_eq(st.flooded - st0.flooded, 2);
  ck_assert_uint_eq(st.static_conflicts - st0.static_conflicts, 4);
  ck_assert_uint_eq(st.learned - st0.learned, 1);
  vl2_port_stats p1, p2;
  vl2_switch_port_get_stats(sw, 1, &p1);
  vl2_switch_port_get_stats(sw, 2, &p2);
  ck_assert_uint_eq(p1.rx_frames, N);
  ck_assert_uint_eq(p2.tx_frames, 10 + 2);
  uint64_t bytes = 0;
  for (int i = 0; i < 10; i++)
    bytes += in[i].len;
  ck_assert_uint_eq(p2.tx_bytes, bytes + in[10].len + in[11].len);
  vl2_segment_stats ss;
  vl2_switch_segment_get_stats(sw, 100, &ss);
  ck_assert_uint_eq(ss.tx_frames, 1 /* B's broadcast */ * 2 + 10 + 2 * 2);
  /* The destination array fills up mid-train: the rest waits. */
  ck_assert_int_eq(vl2_switch_process(sw, in, 4, out, d, 2, 2), 2);
  vl2_switch_del(sw);
}
END_TEST

/* A tiny deterministic PRNG for the property tests (xorshift64*). */
static uint64_t rng_state;
static uint64_t rnd(void) {
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * 0x2545F4914F6CDD1DULL;
}

START_TEST(isolation_under_random_topologies) {
  /* Random ports (access/trunk), random VLAN-to-segment maps, random
   * frames: every destination must be a member of the frame's segment,
   * never the ingress port, and never listed twice. */
  rng_state = 0x9e3779b97f4a7c15ULL + (uint64_t)_i;
  vl2_switch *sw = vl2t_switch(NULL, 4096, 10 * VL2_SEC);
  enum { NP = 12, NS = 4 };
  uint32_t member[NP][NS + 1]; /* VID reaching segment s, 0 = none */
  memset(member, 0, sizeof(member));
  for (uint32_t s = 1; s <= NS; s++)
    vl2t_segment(sw, s, VL2_SEG_F_LEARN_REMOTE);
  for (uint32_t p = 0; p < NP; p++) {
    int trunk = rnd() & 1;
    if (!trunk) {
      uint32_t s = 1 + (uint32_t)(rnd() % NS);
      vl2_vid vid = (vl2_vid)(1 + rnd() % 8);
      vl2t_access(sw, p, vid, s);
      member[p][s] = vid;
    } else {
      vl2t_trunk(sw, p, (vl2_vid)(rnd() % 3 == 0 ? 0 : 1 + rnd() % 8));
      for (uint32_t s = 1; s <= NS; s++) {
        if (rnd() % 2 == 0)
          continue;
        vl2_vid vid = (vl2_vid)(1 + rnd() % 8);
        if (vl2_switch_port_vlan_add(sw, p, vid, s) == 0)
          member[p][s] = vid;
      }
    }
  }
  vl2_tstamp now = 0;
  for (int it = 0; it < 3000; it++) {
    uint32_t p = (uint32_t)(rnd() % NP);
    uint64_t dst = rnd() % 4 == 0 ? VL2T_BCAST : VL2T_MAC(rnd() % 24);
    int vid = rnd() % 3 == 0 ? -1 : (int)(rnd() % 10);
    size_t len = vl2t_frame(buf, dst, VL2T_MAC(rnd() % 24), vid);
    now += rnd() % (2 * VL2_SEC);
    vl2t_one(sw, buf, len, p, &v, d, now);
    if (v.action != VL2_ACT_FORWARD)
      continue;
    uint32_t s = v.vni;
    ck_assert_uint_ne(member[p][s], 0); /* classified into its own segment */
    uint32_t seen = 0;
    for (uint32_t i = 0; i < v.dest_cnt; i++) {
      const vl2_dest *x = &d[v.dest_off + i];
      ck_assert_uint_eq(x->type, VL2_DEST_PORT);
      ck_assert_uint_ne(x->port, p);
      ck_assert_uint_ne(member[x->port][s], 0);
      ck_assert(!(seen & (1u << x->port)));
      seen |= 1u << x->port;
      ck_assert_uint_eq(x->vni, s);
    }
    if (now > vl2_switch_next_deadline(sw))
      vl2_switch_run_timers(sw, now);
  }
  vl2_switch_del(sw);
}
END_TEST

START_TEST(allocation_failure_at_every_site) {
  /* Walk every allocation made by creating a switch and configuring it;
   * each failure must return VL2_ERR_NOMEM (or be absorbed) and leak
   * nothing. */
  for (long n = 1;; n++) {
    vl2t_mem tm;
    vl2t_mem_init(&tm);
    tm.fail_at = n;
    vl2_switch *sw = NULL;
    int rv = vl2_switch_new(&sw, NULL, &tm.mem);
    int failed = rv != 0;
    if (rv == 0) {
      vl2_port_config pc;
      vl2_port_config_default(&pc, VL2_PORT_ACCESS);
      rv = vl2_switch_segment_add(sw, 100, NULL);
      failed |= rv != 0;
      if (rv == 0) {
        rv = vl2_switch_port_add(sw, 1, &pc);
        failed |= rv != 0;
      }
      if (rv == 0) {
        rv = vl2_switch_port_vlan_add(sw, 1, 1, 100);
        failed |= rv != 0;
      }
      vl2_ipaddr r = vl2t_ip4(10, 0, 0, 1);
      if (rv == 0) {
        rv = vl2_switch_remote_add(sw, 100, &r);
        failed |= rv != 0;
      }
      ck_assert(rv == 0 || rv == VL2_ERR_NOMEM);
      vl2_switch_del(sw);
    } else {
      ck_assert_int_eq(rv, VL2_ERR_NOMEM);
      ck_assert_ptr_null(sw);
    }
    VL2T_ASSERT_NO_LEAKS(&tm);
    if (!failed) {
      ck_assert_int_gt(n, 5); /* there are several sites */
      break;
    }
  }
}
END_TEST

/* The counter getters follow the size rule of the `_versioned` scheme
 * (lib/vl2_stats.h): an older (shorter) caller struct gets its prefix, a
 * newer (longer) one zeros after the library's counters, a size of 0 is
 * refused; the exported 0.1 functions give what the macros give. */
START_TEST(counters_follow_the_size_rule) {
  vl2_switch *sw = two_segments();
  size_t len = vl2t_frame(buf, VL2T_BCAST, A, -1);
  vl2t_one(sw, buf, len, 1, &v, d, 0);
  vl2_neigh_entry e;
  memset(&e, 0, sizeof(e));
  e.vni = 100;
  e.ip = vl2t_ip4(10, 0, 0, 1);
  e.mac = vl2t_mac(A);
  e.port = 1;
  ck_assert_int_eq(vl2_neigh_add_static(sw, &e), 0);
  VL2T_STATS_SIZE_RULE(vl2_switch_stats, offsetof(vl2_switch_stats, forwarded),
                       vl2_switch_get_stats_versioned(sw, vl2t_sz, vl2t_st));
  VL2T_STATS_SIZE_RULE(
      vl2_port_stats, offsetof(vl2_port_stats, rx_drops),
      vl2_switch_port_get_stats_versioned(sw, 1, vl2t_sz, vl2t_st));
  VL2T_STATS_SIZE_RULE(
      vl2_segment_stats, offsetof(vl2_segment_stats, tx_frames),
      vl2_switch_segment_get_stats_versioned(sw, 100, vl2t_sz, vl2t_st));
  VL2T_STATS_SIZE_RULE(
      vl2_neigh_stats, offsetof(vl2_neigh_stats, arp_in),
      vl2_neigh_get_stats_versioned(sw, 100, vl2t_sz, vl2t_st));
  /* The 0.1 symbols, called by name as an old binary does. */
  vl2_switch_stats st, st01;
  ck_assert_int_eq(vl2_switch_get_stats(sw, &st), 0);
  ck_assert_int_eq((vl2_switch_get_stats)(sw, &st01), 0);
  ck_assert_mem_eq(&st, &st01, sizeof(st));
  vl2_port_stats ps, ps01;
  ck_assert_int_eq(vl2_switch_port_get_stats(sw, 1, &ps), 0);
  ck_assert_int_eq((vl2_switch_port_get_stats)(sw, 1, &ps01), 0);
  ck_assert_mem_eq(&ps, &ps01, sizeof(ps));
  ck_assert_int_eq((vl2_switch_port_get_stats)(sw, 9, &ps01), VL2_ERR_NOTFOUND);
  vl2_switch_del(sw);
}
END_TEST

START_TEST(strings) {
  ck_assert_str_eq(vl2_drop_reason_name(VL2_DROP_TAGGED_ON_ACCESS),
                   "tagged_on_access");
  ck_assert_str_eq(vl2_drop_reason_name(9999), "unknown");
  for (unsigned r = 0; r < VL2_DROP_REASON_COUNT; r++)
    ck_assert_str_ne(vl2_drop_reason_name(r), "unknown");
  ck_assert_str_eq(vl2_strerror(VL2_ERR_NOMEM), "out of memory");
  ck_assert_str_eq(vl2_strerror(-12345), "unknown error");
  ck_assert_ptr_nonnull(vl2_version(0));
  ck_assert_ptr_null(vl2_version(0x7fffffff));
  ck_assert_str_eq(vl2_version(0)->version, VL2_VERSION);
}
END_TEST

Suite *vl2_switch_suite(void) {
  Suite *s = suite_create("switch");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, broadcast_floods_segment_but_not_ingress);
  tcase_add_test(tc, known_unicast_goes_to_one_port);
  tcase_add_test(tc, unknown_unicast_floods_and_respects_flood_flag);
  tcase_add_test(tc, unicast_to_ingress_is_dropped_not_reflected);
  tcase_add_test(tc, access_port_drops_tagged_accepts_priority_tagged);
  tcase_add_test(tc, double_tagging_cannot_hop_vlans);
  tcase_add_test(tc, trunk_tagging_and_native_vlan);
  tcase_add_test(tc,
                 trunk_without_native_drops_untagged_and_rewrites_between_vids);
  tcase_add_test(tc, qinq_ports);
  tcase_add_test(tc, qinq_inner_tag_never_leaves_untagged);
  tcase_add_test(tc, max_fanout_always_takes_a_frame);
  tcase_add_test(tc, invalid_sources_and_reserved_groups);
  tcase_add_test(tc, runts_and_unknown_ports);
  tcase_add_test(tc, remote_endpoints_flood_and_split_horizon);
  tcase_add_test(tc, strict_segments_accept_only_members);
  tcase_add_test(tc, learning_from_remotes_is_switchable);
  tcase_add_test(tc, burst_stops_when_dests_fill);
  tcase_add_test(tc, bursts_of_one_flow_are_decided_and_counted_exactly);
  tcase_add_test(tc, port_and_segment_lifecycle);
  tcase_add_test(tc, segment_limit_and_config_checks);
  tcase_add_loop_test(tc, isolation_under_random_topologies, 0, 8);
  tcase_add_test(tc, allocation_failure_at_every_site);
  tcase_add_test(tc, strings);
  tcase_add_test(tc, counters_follow_the_size_rule);
  suite_add_tcase(s, tc);
  return s;
}
