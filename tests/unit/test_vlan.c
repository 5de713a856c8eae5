/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/* Ethernet/802.1Q decoding and egress edits, byte for byte. */
#include <string.h>

#include "helpers.h"

START_TEST(parse_untagged_tagged_qinq) {
  uint8_t b[128];
  vl2_eth_info ei;
  size_t len = vl2t_frame(b, VL2T_BCAST, VL2T_MAC(1), -1);
  ck_assert_int_eq(vl2_eth_parse(b, len, &ei), 0);
  ck_assert_uint_eq(ei.tag_cnt, 0);
  ck_assert_uint_eq(ei.ethertype, 0x0800);
  ck_assert_uint_eq(ei.l3_off, 14);
  uint16_t tpid[5] = {0x88a8, 0x8100, 0x8100, 0x8100, 0x8100};
  uint16_t tci[5] = {0x2064, 0x00c8, 3, 4, 5};
  len = vl2t_frame_tags(b, VL2T_BCAST, VL2T_MAC(1), tpid, tci, 2, 0x0806, 28);
  ck_assert_int_eq(vl2_eth_parse(b, len, &ei), 0);
  ck_assert_uint_eq(ei.tag_cnt, 2);
  ck_assert_uint_eq(ei.tpid[0], 0x88a8);
  ck_assert_uint_eq(ei.tci[0] & 0xfff, 100);
  ck_assert_uint_eq(ei.tci[0] >> 13, 1);
  ck_assert_uint_eq(ei.tci[1], 200);
  ck_assert_uint_eq(ei.ethertype, 0x0806);
  ck_assert_uint_eq(ei.l3_off, 22);
  /* Truncated inside every tag. */
  for (size_t l = 0; l < 22; l++)
    ck_assert_int_eq(vl2_eth_parse(b, l, &ei), VL2_ERR_MALFORMED);
  len = vl2t_frame_tags(b, VL2T_BCAST, VL2T_MAC(1), tpid, tci, 5, 0x0800, 8);
  ck_assert_int_eq(vl2_eth_parse(b, len, &ei), VL2_ERR_UNSUPPORTED);
  ck_assert_uint_eq(ei.tag_cnt, VL2_ETH_MAX_TAGS);
  ck_assert_int_eq(vl2_eth_parse(NULL, 0, &ei), VL2_ERR_INVALID);
}
END_TEST

START_TEST(edits_byte_exact) {
  uint8_t untagged[128], tagged[128], buf[160];
  size_t ul = vl2t_frame_tags(untagged, VL2T_MAC(2), VL2T_MAC(1), NULL, NULL, 0,
                              0x0800, 20);
  uint16_t tp = 0x8100, tc = 42;
  size_t tl = vl2t_frame_tags(tagged, VL2T_MAC(2), VL2T_MAC(1), &tp, &tc, 1,
                              0x0800, 20);
  vl2_dest d;
  memset(&d, 0, sizeof(d));
  /* push */
  d.edit = VL2_EDIT_PUSH;
  d.vid = 42;
  d.tpid = 0x8100;
  memcpy(buf + 8, untagged, ul);
  size_t off = 8;
  ck_assert_int_eq(vl2_vlan_apply_edit(buf, &off, ul, &d), (vl2_ssize)tl);
  ck_assert_uint_eq(off, 4);
  ck_assert(memcmp(buf + off, tagged, tl) == 0);
  /* pop: back to the untagged bytes */
  d.edit = VL2_EDIT_POP;
  ck_assert_int_eq(vl2_vlan_apply_edit(buf, &off, tl, &d), (vl2_ssize)ul);
  ck_assert_uint_eq(off, 8);
  ck_assert(memcmp(buf + off, untagged, ul) == 0);
  /* errors leave the frame unchanged */
  ck_assert_int_eq(vl2_vlan_apply_edit(buf, &off, ul, &d), VL2_ERR_MALFORMED);
  d.edit = VL2_EDIT_PUSH;
  off = 2;
  ck_assert_int_eq(vl2_vlan_apply_edit(buf, &off, ul, &d), VL2_ERR_NOBUF);
  d.edit = 77;
  ck_assert_int_eq(vl2_vlan_apply_edit(buf, &off, ul, &d), VL2_ERR_INVALID);
  /* keep */
  d.edit = VL2_EDIT_KEEP;
  ck_assert_int_eq(vl2_vlan_apply_edit(buf, &off, ul, &d), (vl2_ssize)ul);
}
END_TEST

Suite *vl2_vlan_suite(void) {
  Suite *s = suite_create("vlan");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, parse_untagged_tagged_qinq);
  tcase_add_test(tc, edits_byte_exact);
  suite_add_tcase(s, tc);
  return s;
}
