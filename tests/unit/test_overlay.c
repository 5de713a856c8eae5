/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/* The switch with overlay settings: outer UDP source ports for remote
 * destinations (RFC 7348 section 5) and the underlay MTU (never fragment:
 * drop and count). */
#include <string.h>

#include "helpers.h"

#define A VL2T_MAC(0xa)
#define R VL2T_MAC(0x77)

static vl2_verdict v;
static vl2_dest d[256];
static uint8_t buf[2048];

static vl2_switch *setup(vl2_ipaddr *r4, vl2_ipaddr *r6) {
  vl2_switch *sw = vl2t_switch(NULL, 1024, 0);
  vl2t_access(sw, 1, 10, 100);
  vl2t_access(sw, 2, 10, 100);
  vl2t_trunk(sw, 3, 0);
  ck_assert_int_eq(vl2_switch_port_vlan_add(sw, 3, 10, 100), 0);
  *r4 = vl2t_ip4(192, 0, 2, 1);
  memset(r6, 0, sizeof(*r6));
  r6->family = VL2_AF_INET6;
  r6->addr[0] = 0x20;
  r6->addr[1] = 0x01;
  r6->addr[2] = 0x0d;
  r6->addr[3] = 0xb8;
  r6->addr[15] = 1;
  ck_assert_int_eq(vl2_switch_remote_add(sw, 100, r4), 0);
  ck_assert_int_eq(vl2_switch_remote_add(sw, 100, r6), 0);
  vl2_vxlan_config vc;
  ck_assert_int_eq(vl2_vxlan_config_default(&vc), 0);
  vc.underlay_mtu = 1500;
  vc.sport_lo = 40000;
  vc.sport_hi = 40999;
  ck_assert_int_eq(vl2_switch_set_overlay(sw, &vc), 0);
  return sw;
}

static size_t big_frame(uint64_t dst, uint64_t src, int vid, size_t len) {
  uint16_t tpid = VL2_TPID_8021Q, tci = (uint16_t)(vid < 0 ? 0 : vid);
  size_t hdr = vid < 0 ? 14 : 18;
  return vl2t_frame_tags(buf, dst, src, &tpid, &tci, vid < 0 ? 0 : 1, 0x0800,
                         len - hdr);
}

static const vl2_dest *remote_of(const vl2_verdict *vv, unsigned family) {
  for (uint32_t i = 0; i < vv->dest_cnt; i++) {
    const vl2_dest *x = &d[vv->dest_off + i];
    if (x->type == VL2_DEST_REMOTE && x->remote.family == family)
      return x;
  }
  return NULL;
}

START_TEST(flood_leaves_out_copies_that_would_not_fit) {
  vl2_ipaddr r4, r6;
  vl2_switch *sw = setup(&r4, &r6);
  ck_assert_uint_eq(vl2_vxlan_max_frame(VL2_AF_INET, 1500), 1464);
  ck_assert_uint_eq(vl2_vxlan_max_frame(VL2_AF_INET6, 1500), 1444);
  /* 1444 bytes: fits both. */
  size_t len = big_frame(VL2T_BCAST, A, -1, 1444);
  vl2t_one(sw, buf, len, 1, &v, d, 0);
  ck_assert_uint_eq(v.dest_cnt, 4);
  /* 1445: too big for the IPv6 underlay only. */
  len = big_frame(VL2T_BCAST, A, -1, 1445);
  vl2t_one(sw, buf, len, 1, &v, d, 0);
  ck_assert_uint_eq(v.dest_cnt, 3);
  ck_assert_ptr_nonnull(remote_of(&v, VL2_AF_INET));
  ck_assert_ptr_null(remote_of(&v, VL2_AF_INET6));
  /* 1465: too big for both; the local ports still get it. */
  len = big_frame(VL2T_BCAST, A, -1, 1465);
  vl2t_one(sw, buf, len, 1, &v, d, 0);
  ck_assert_uint_eq(v.dest_cnt, 2);
  ck_assert_ptr_nonnull(vl2t_find_port(&v, d, 2));
  /* A tagged 1468-byte frame from the trunk is 1464 once popped: fits v4. */
  len = big_frame(VL2T_BCAST, A + 1, 10, 1468);
  vl2t_one(sw, buf, len, 3, &v, d, 0);
  ck_assert_ptr_nonnull(remote_of(&v, VL2_AF_INET));
  ck_assert_uint_eq(remote_of(&v, VL2_AF_INET)->edit, VL2_EDIT_POP);
  vl2_switch_stats st;
  vl2_switch_get_stats(sw, &st);
  ck_assert_uint_eq(st.overlay_mtu_skips, 1 + 2 + 1);
  ck_assert_uint_eq(st.dropped, 0);
  vl2_switch_del(sw);
}
END_TEST

START_TEST(unicast_that_would_not_fit_is_dropped_with_reason) {
  vl2_ipaddr r4, r6;
  vl2_switch *sw = setup(&r4, &r6);
  size_t len = vl2t_frame(buf, VL2T_BCAST, R, -1);
  vl2t_one_remote(sw, buf, len, 100, &r4, &v, d, 0); /* R behind r4 */
  len = big_frame(R, A, -1, 1465);
  vl2t_one(sw, buf, len, 1, &v, d, 0);
  ck_assert_uint_eq(v.action, VL2_ACT_DROP);
  ck_assert_uint_eq(v.reason, VL2_DROP_OVERLAY_MTU);
  ck_assert_uint_eq(vl2t_drops(sw, VL2_DROP_OVERLAY_MTU), 1);
  ck_assert_str_eq(vl2_drop_reason_name(VL2_DROP_OVERLAY_MTU), "overlay_mtu");
  len = big_frame(R, A, -1, 1464);
  vl2t_one(sw, buf, len, 1, &v, d, 0);
  ck_assert_uint_eq(v.action, VL2_ACT_FORWARD);
  ck_assert_uint_eq(d[v.dest_off].type, VL2_DEST_REMOTE);
  /* Without overlay settings there is no check. */
  ck_assert_int_eq(vl2_switch_set_overlay(sw, NULL), 0);
  len = big_frame(R, A, -1, 1600);
  vl2t_one(sw, buf, len, 1, &v, d, 0);
  ck_assert_uint_eq(v.action, VL2_ACT_FORWARD);
  ck_assert_uint_eq(d[v.dest_off].udp_sport, 0);
  vl2_vxlan_config bad;
  vl2_vxlan_config_default(&bad);
  bad.sport_lo = 5;
  bad.sport_hi = 4;
  ck_assert_int_eq(vl2_switch_set_overlay(sw, &bad), VL2_ERR_INVALID);
  vl2_switch_del(sw);
}
END_TEST

START_TEST(source_ports_follow_the_flow) {
  vl2_ipaddr r4, r6;
  vl2_switch *sw = setup(&r4, &r6);
  /* One flow: the same port for every copy and every frame. Flows with
   * other MACs spread over the range. */
  uint16_t first = 0;
  int distinct = 0;
  uint8_t seen[1000] = {0};
  for (int i = 0; i < 200; i++) {
    size_t len = vl2t_frame(buf, VL2T_BCAST, A + (uint64_t)i, -1);
    vl2t_one(sw, buf, len, 1, &v, d, 0);
    const vl2_dest *x4 = remote_of(&v, VL2_AF_INET);
    const vl2_dest *x6 = remote_of(&v, VL2_AF_INET6);
    ck_assert_uint_eq(x4->udp_sport, x6->udp_sport);
    ck_assert(x4->udp_sport >= 40000 && x4->udp_sport <= 40999);
    ck_assert_uint_eq(x4->udp_sport,
                      vl2_vxlan_sport(buf, len, 0, 40000, 40999));
    if (!seen[x4->udp_sport - 40000]++)
      distinct++;
    if (i == 0)
      first = x4->udp_sport;
  }
  ck_assert_int_gt(distinct, 150); /* 200 flows into 1000 ports */
  size_t len = vl2t_frame(buf, VL2T_BCAST, A, -1);
  vl2t_one(sw, buf, len, 1, &v, d, 1);
  ck_assert_uint_eq(remote_of(&v, VL2_AF_INET)->udp_sport, first);
  vl2_switch_del(sw);
}
END_TEST

START_TEST(frames_the_core_originates_carry_source_ports_too) {
  vl2_ipaddr r4, r6;
  vl2_switch *sw = setup(&r4, &r6);
  vl2_neigh_gateway gw;
  memset(&gw, 0, sizeof(gw));
  gw.mac = vl2t_mac(0x99);
  gw.ip4 = vl2t_ip4(10, 0, 0, 1);
  ck_assert_int_eq(vl2_neigh_set_gateway(sw, 100, &gw), 0);
  vl2_ipaddr nh = vl2t_ip4(10, 0, 0, 7);
  uint8_t pkt[40] = {0x45, 0, 0, 40};
  /* A miss: the packet waits and an ARP request is flooded, to the
   * remote endpoints as well. */
  ck_assert_int_ge(vl2_neigh_send(sw, 100, &nh, NULL, pkt, sizeof(pkt), 0), 0);
  vl2_tx_meta meta;
  int remotes = 0;
  vl2_ssize n;
  while ((n = vl2_switch_poll_tx(sw, buf, sizeof(buf), &meta, 0)) > 0) {
    if (meta.dest.type != VL2_DEST_REMOTE)
      continue;
    remotes++;
    ck_assert(meta.dest.udp_sport >= 40000 && meta.dest.udp_sport <= 40999);
    ck_assert_uint_eq(meta.dest.udp_sport,
                      vl2_vxlan_sport(buf, (size_t)n, 0, 40000, 40999));
  }
  ck_assert_int_eq(remotes, 2);
  vl2_switch_del(sw);
}
END_TEST

START_TEST(gso_super_frames_are_checked_by_segment_size) {
  /* A 30000-byte super-frame with a virtio-net header in front leaves as
   * segments of hdr_len + gso_size bytes: that is what must fit. */
  vl2_ipaddr r4, r6;
  vl2_switch *sw = setup(&r4, &r6);
  ck_assert_int_eq(vl2_switch_remote_del(sw, 100, &r6), 0);
  static uint8_t big[VL2_VNET_HDR_LEN + 30000];
  uint8_t *fr = big + VL2_VNET_HDR_LEN;
  size_t len =
      vl2t_frame_tags(fr, VL2T_BCAST, A, NULL, NULL, 0, 0x0800, 30000 - 14);
  vl2_frame f;
  memset(&f, 0, sizeof(f));
  f.data = fr;
  f.len = (uint32_t)len;
  f.port = 1;
  f.flags = VL2_FRAME_F_VNET_HDR;
  uint16_t hdr_len = 54, gso_size = 1400;
  big[0] = 1; /* NEEDS_CSUM */
  big[1] = 1; /* GSO TCPv4 */
  memcpy(big + 2, &hdr_len, 2);
  memcpy(big + 4, &gso_size, 2);
  ck_assert_int_eq(vl2_switch_process(sw, &f, 1, &v, d, 256, 0), 1);
  ck_assert_ptr_nonnull(remote_of(&v, VL2_AF_INET)); /* 1454 fits 1464 */
  gso_size = 1448; /* 1502: segments too big for the underlay */
  memcpy(big + 4, &gso_size, 2);
  ck_assert_int_eq(vl2_switch_process(sw, &f, 1, &v, d, 256, 0), 1);
  ck_assert_ptr_null(remote_of(&v, VL2_AF_INET));
  big[1] = 0; /* no GSO: the whole frame must fit */
  gso_size = 1400;
  memcpy(big + 4, &gso_size, 2);
  ck_assert_int_eq(vl2_switch_process(sw, &f, 1, &v, d, 256, 0), 1);
  ck_assert_ptr_null(remote_of(&v, VL2_AF_INET));
  vl2_switch_stats st;
  vl2_switch_get_stats(sw, &st);
  ck_assert_uint_eq(st.overlay_mtu_skips, 2);
  vl2_switch_del(sw);
}
END_TEST

Suite *vl2_overlay_suite(void) {
  Suite *s = suite_create("overlay");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, flood_leaves_out_copies_that_would_not_fit);
  tcase_add_test(tc, unicast_that_would_not_fit_is_dropped_with_reason);
  tcase_add_test(tc, source_ports_follow_the_flow);
  tcase_add_test(tc, gso_super_frames_are_checked_by_segment_size);
  tcase_add_test(tc, frames_the_core_originates_carry_source_ports_too);
  suite_add_tcase(s, tc);
  return s;
}
