/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/* The egress stage (<vl2/egress.h>): tag edits, VXLAN, software checksum
 * and segmentation, the output layout, and refusals of bad input. */
#include <stdlib.h>
#include <string.h>

#include <vl2/egress.h>

#include "helpers.h"

#define MSS 100
#define HDRS (14 + 20 + 20)

/* Big-endian RFC 1071 sum, independent of the library's. */
static uint32_t ref_sum(const uint8_t *p, size_t n, uint32_t s) {
  for (size_t i = 0; i + 1 < n; i += 2)
    s += (uint32_t)p[i] << 8 | p[i + 1];
  if (n & 1)
    s += (uint32_t)p[n - 1] << 8;
  return s;
}
static uint16_t ref_fold(uint32_t s) {
  while (s >> 16)
    s = (s & 0xffff) + (s >> 16);
  return (uint16_t)s;
}

/* Does the TCP checksum of the IPv4 frame |f| (untagged) verify? */
static int tcp4_ok(const uint8_t *f, size_t len) {
  const uint8_t *ip = f + 14;
  size_t ihl = (size_t)(ip[0] & 0xf) * 4;
  if (ref_fold(ref_sum(ip, ihl, 0)) != 0xffff)
    return 0;
  size_t l4 = len - 14 - ihl;
  uint32_t s = ref_sum(ip + 12, 8, 0) + 6 + (uint32_t)l4;
  return ref_fold(ref_sum(ip + ihl, l4, s)) == 0xffff;
}

/* A TCP/IPv4 frame with |payload| bytes behind a virtio-net header at
 * |buf| (the frame starts at buf + VL2_VNET_HDR_LEN): a super-frame when
 * |gso|, else a frame asking for its checksum. With |tag|, an 802.1Q tag
 * (VID 7) sits after the MACs. Returns the frame. */
static vl2_frame tcp_frame(uint8_t *buf, uint32_t payload, int gso, int tag) {
  uint8_t *f = buf + VL2_VNET_HDR_LEN;
  size_t o = 12;
  memcpy(f, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01", 12);
  if (tag) {
    memcpy(f + 12, "\x81\x00\x00\x07", 4);
    o = 16;
  }
  f[o] = 0x08;
  f[o + 1] = 0x00;
  uint8_t *ip = f + o + 2;
  memset(ip, 0, 40);
  ip[0] = 0x45;
  uint32_t tot = 40 + payload;
  ip[2] = (uint8_t)(tot >> 8);
  ip[3] = (uint8_t)tot;
  ip[4] = 0x12;
  ip[5] = 0x34;
  ip[6] = 0x40;
  ip[8] = 64;
  ip[9] = 6;
  memcpy(ip + 12, "\x0a\x00\x00\x01\x0a\x00\x00\x02", 8);
  uint16_t c = (uint16_t)~ref_fold(ref_sum(ip, 20, 0));
  ip[10] = (uint8_t)(c >> 8);
  ip[11] = (uint8_t)c;
  uint8_t *th = ip + 20;
  th[0] = 0x30;
  th[1] = 0x39;
  th[2] = 0x00;
  th[3] = 0x50;
  th[4] = 0x01; /* seq 0x01000000 */
  th[12] = 0x50;
  th[13] = 0x18; /* ACK | PSH */
  th[14] = 0xff;
  th[15] = 0xff;
  for (uint32_t i = 0; i < payload; i++)
    th[20 + i] = (uint8_t)(i * 7 + 1);
  /* CHECKSUM_PARTIAL: the field holds the pseudo-header sum. */
  uint16_t ps = ref_fold(ref_sum(ip + 12, 8, 0) + 6 + 20 + payload);
  th[16] = (uint8_t)(ps >> 8);
  th[17] = (uint8_t)ps;
  vl2_vnet_hdr vh;
  memset(&vh, 0, sizeof(vh));
  vh.flags = VL2_VNET_F_NEEDS_CSUM;
  vh.gso_type = gso ? VL2_VNET_GSO_TCPV4 : VL2_VNET_GSO_NONE;
  vh.hdr_len = (uint16_t)(o + 2 + 40);
  vh.gso_size = gso ? MSS : 0;
  vh.csum_start = (uint16_t)(o + 2 + 20);
  vh.csum_offset = 16;
  memcpy(buf, &vh, sizeof(vh));
  vl2_frame fr;
  memset(&fr, 0, sizeof(fr));
  fr.data = f;
  fr.len = (uint32_t)(o + 2 + 40 + payload);
  fr.flags = VL2_FRAME_F_VNET_HDR;
  return fr;
}

static vl2_dest port_dest(uint16_t edit) {
  vl2_dest d;
  memset(&d, 0, sizeof(d));
  d.type = VL2_DEST_PORT;
  d.port = 3;
  d.edit = edit;
  if (edit == VL2_EDIT_PUSH || edit == VL2_EDIT_REWRITE) {
    d.vid = 10;
    d.tpid = VL2_TPID_8021Q;
  }
  return d;
}

static vl2_dest remote_dest(void) {
  vl2_dest d;
  memset(&d, 0, sizeof(d));
  d.type = VL2_DEST_REMOTE;
  d.port = VL2_PORT_REMOTE;
  d.edit = VL2_EDIT_KEEP;
  d.vni = 5001;
  d.udp_sport = 50000;
  d.remote = vl2t_ip4(192, 0, 2, 9);
  return d;
}

static uint8_t in[4096], out[65536];

START_TEST(plain_and_push) {
  vl2_egress_params p;
  ck_assert_int_eq(vl2_egress_params_default(&p), 0);
  size_t n = vl2t_frame(in, 0x020000000002, 0x020000000001, 0);
  vl2_frame f;
  memset(&f, 0, sizeof(f));
  f.data = in;
  f.len = (uint32_t)n;
  vl2_egress_pkt pk[2];
  vl2_dest d = port_dest(VL2_EDIT_KEEP);
  ck_assert_int_eq(vl2_egress_is_noop(&p, &f, &d), 1);
  ck_assert_int_eq(vl2_egress_build(&p, &f, &d, out, sizeof(out), pk, 2), 1);
  ck_assert_uint_eq(pk[0].len, n);
  ck_assert_mem_eq(out + pk[0].off, in, n);
  ck_assert_uint_eq(pk[0].flags, 0);
  d = port_dest(VL2_EDIT_PUSH);
  ck_assert_int_eq(vl2_egress_is_noop(&p, &f, &d), 0);
  ck_assert_int_eq(vl2_egress_build(&p, &f, &d, out, sizeof(out), pk, 2), 1);
  ck_assert_uint_eq(pk[0].len, n + 4);
  ck_assert_mem_eq(out + pk[0].off + 12, "\x81\x00\x00\x0a", 4);
  ck_assert_mem_eq(out + pk[0].off + 16, in + 12, n - 12);
}
END_TEST

START_TEST(vxlan_to_remote) {
  vl2_vxlan_config vx;
  vl2_vxlan_config_default(&vx);
  vx.local = vl2t_ip4(192, 0, 2, 1);
  vl2_egress_params p;
  vl2_egress_params_default(&p);
  p.vxlan = &vx;
  size_t n = vl2t_frame(in, 0x020000000002, 0x020000000001, 0);
  vl2_frame f;
  memset(&f, 0, sizeof(f));
  f.data = in;
  f.len = (uint32_t)n;
  vl2_dest d = remote_dest();
  ck_assert_int_eq(vl2_egress_is_noop(&p, &f, &d), 0);
  vl2_egress_pkt pk[1];
  ck_assert_int_eq(vl2_egress_build(&p, &f, &d, out, sizeof(out), pk, 1), 1);
  ck_assert_uint_eq(pk[0].len, n + 8);
  const uint8_t *v = out + pk[0].off;
  ck_assert_uint_eq(v[0], 0x08); /* I flag */
  ck_assert_uint_eq((uint32_t)v[4] << 16 | (uint32_t)v[5] << 8 | v[6], 5001);
  ck_assert_mem_eq(v + 8, in, n);
  /* The IP layer carries the destination's source port. */
  p.layer = VL2_VXLAN_LAYER_IP;
  ck_assert_int_eq(vl2_egress_build(&p, &f, &d, out, sizeof(out), pk, 1), 1);
  ck_assert_uint_eq(pk[0].len, n + 8 + 8 + 20);
  ck_assert_uint_eq(out[pk[0].off + 20] << 8 | out[pk[0].off + 21], 50000);
  /* Geneve (RFC 8926): protocol type 0x6558, the VNI, and options. */
  vl2_geneve_config gc;
  vl2_geneve_config_default(&gc);
  gc.tun.local = vx.local;
  p.layer = VL2_VXLAN_LAYER_UDP;
  p.tunnel = VL2_EGRESS_TUNNEL_GENEVE;
  p.geneve = &gc;
  ck_assert_int_eq(vl2_egress_build(&p, &f, &d, out, sizeof(out), pk, 1), 1);
  ck_assert_uint_eq(pk[0].len, n + 8);
  v = out + pk[0].off;
  ck_assert_uint_eq(v[2] << 8 | v[3], 0x6558);
  ck_assert_uint_eq((uint32_t)v[4] << 16 | (uint32_t)v[5] << 8 | v[6], 5001);
  ck_assert_mem_eq(v + 8, in, n);
  static const uint8_t opt[8] = {0x01, 0x02, 0x03, 0x01,
                                 0xde, 0xad, 0xbe, 0xef};
  p.geneve_opts = opt;
  p.geneve_opt_len = 8;
  ck_assert_int_eq(vl2_egress_build(&p, &f, &d, out, sizeof(out), pk, 1), 1);
  ck_assert_uint_eq(pk[0].len, n + 16);
  ck_assert_mem_eq(out + pk[0].off + 8, opt, 8);
  p.geneve_opt_len = 6; /* not a multiple of 4 */
  ck_assert_int_eq(vl2_egress_build(&p, &f, &d, out, sizeof(out), pk, 1),
                   VL2_ERR_INVALID);
  p.tunnel = VL2_EGRESS_TUNNEL_VXLAN;
  p.vxlan = &vx;
  /* Without a tunnel config, the inner frame only. */
  p.vxlan = NULL;
  ck_assert_int_eq(vl2_egress_build(&p, &f, &d, out, sizeof(out), pk, 1), 1);
  ck_assert_uint_eq(pk[0].len, n);
}
END_TEST

/* A tagged super-frame to a port that pops the tag: the packets lie back
 * to back, each a correct segment, the tag gone. */
START_TEST(gso_pop_to_port) {
  vl2_egress_params p;
  vl2_egress_params_default(&p);
  vl2_frame f = tcp_frame(in, 250, 1, 1);
  vl2_dest d = port_dest(VL2_EDIT_POP);
  ck_assert_int_eq(vl2_egress_is_noop(&p, &f, &d), 0);
  vl2_egress_pkt pk[8];
  ck_assert_int_eq(vl2_egress_build(&p, &f, &d, out, sizeof(out), pk, 8), 3);
  uint32_t want[3] = {HDRS + MSS, HDRS + MSS, HDRS + 50};
  uint32_t seq = 0x01000000;
  for (int i = 0; i < 3; i++) {
    ck_assert_uint_eq(pk[i].len, want[i]);
    ck_assert_uint_eq(pk[i].flags, VL2_EGRESS_PKT_F_GSO);
    if (i > 0)
      ck_assert_uint_eq(pk[i].off, pk[i - 1].off + pk[i - 1].len);
    const uint8_t *s = out + pk[i].off;
    ck_assert_uint_eq(s[12] << 8 | s[13], 0x0800); /* untagged */
    ck_assert(tcp4_ok(s, pk[i].len));
    ck_assert_uint_eq(s[16] << 8 | s[17], pk[i].len - 14); /* IP length */
    ck_assert_uint_eq(s[19], (0x34 + i) & 0xff);           /* IP id */
    uint32_t sq = (uint32_t)s[38] << 24 | (uint32_t)s[39] << 16 |
                  (uint32_t)s[40] << 8 | s[41];
    ck_assert_uint_eq(sq, seq + (uint32_t)i * MSS);
    ck_assert_uint_eq(s[47] & 0x08, i == 2 ? 0x08 : 0); /* PSH on the last */
    ck_assert_mem_eq(s + HDRS, f.data + 18 + 40 + (size_t)i * MSS,
                     want[i] - HDRS);
  }
}
END_TEST

/* A super-frame to a remote endpoint: segments, each encapsulated, of one
 * length but the last (one UDP GSO run). */
START_TEST(gso_to_remote) {
  vl2_vxlan_config vx;
  vl2_vxlan_config_default(&vx);
  vx.local = vl2t_ip4(192, 0, 2, 1);
  vl2_egress_params p;
  vl2_egress_params_default(&p);
  p.vxlan = &vx;
  vl2_frame f = tcp_frame(in, 1000, 1, 0);
  vl2_dest d = remote_dest();
  vl2_egress_pkt pk[16];
  vl2_ssize n = vl2_egress_build(&p, &f, &d, out, sizeof(out), pk, 16);
  ck_assert_int_eq(n, 10);
  for (int i = 0; i < n; i++) {
    ck_assert_uint_eq(pk[i].len, 8 + HDRS + MSS);
    if (i > 0)
      ck_assert_uint_eq(pk[i].off, pk[i - 1].off + pk[i - 1].len);
    ck_assert(tcp4_ok(out + pk[i].off + 8, pk[i].len - 8));
  }
  /* Too little room: refused, not half done. */
  ck_assert_int_eq(vl2_egress_build(&p, &f, &d, out, sizeof(out), pk, 9),
                   VL2_ERR_NOBUF);
  ck_assert_int_eq(vl2_egress_build(&p, &f, &d, out, 1000, pk, 16),
                   VL2_ERR_NOBUF);
  /* An MTU the segments do not fit. */
  vx.underlay_mtu = 100;
  ck_assert_int_eq(vl2_egress_build(&p, &f, &d, out, sizeof(out), pk, 16),
                   VL2_ERR_LIMIT);
}
END_TEST

START_TEST(csum_completed) {
  vl2_egress_params p;
  vl2_egress_params_default(&p);
  vl2_frame f = tcp_frame(in, 333, 0, 0);
  vl2_dest d = port_dest(VL2_EDIT_PUSH);
  vl2_egress_pkt pk[1];
  ck_assert_int_eq(vl2_egress_build(&p, &f, &d, out, sizeof(out), pk, 1), 1);
  ck_assert_uint_eq(pk[0].flags, VL2_EGRESS_PKT_F_CSUM);
  ck_assert_uint_eq(pk[0].len, f.len + 4);
  /* Verify with the tag taken out again. */
  uint8_t u[2048];
  memcpy(u, out + pk[0].off, 12);
  memcpy(u + 12, out + pk[0].off + 16, pk[0].len - 16);
  ck_assert(tcp4_ok(u, pk[0].len - 4));
  /* The input is borrowed, never changed. */
  ck_assert_uint_eq(f.data[14 + 20 + 16] << 8 | f.data[14 + 20 + 17],
                    ref_fold(ref_sum(f.data + 26, 8, 0) + 6 + 20 + 333));
}
END_TEST

/* A destination that takes offloads keeps the header, offsets moved. */
START_TEST(vnet_kept) {
  vl2_egress_params p;
  vl2_egress_params_default(&p);
  p.caps = VL2_EGRESS_CAP_VNET_HDR;
  vl2_frame f = tcp_frame(in, 500, 1, 0);
  vl2_dest d = port_dest(VL2_EDIT_KEEP);
  ck_assert_int_eq(vl2_egress_is_noop(&p, &f, &d), 1);
  d = port_dest(VL2_EDIT_PUSH);
  vl2_egress_pkt pk[1];
  ck_assert_int_eq(vl2_egress_build(&p, &f, &d, out, sizeof(out), pk, 1), 1);
  ck_assert_uint_eq(pk[0].flags, VL2_EGRESS_PKT_F_VNET_HDR);
  ck_assert_uint_eq(pk[0].len, f.len + 4);
  ck_assert_uint_ge(pk[0].off, VL2_VNET_HDR_LEN);
  vl2_vnet_hdr vh;
  memcpy(&vh, out + pk[0].off - VL2_VNET_HDR_LEN, sizeof(vh));
  ck_assert_uint_eq(vh.csum_start, 14 + 20 + 4);
  ck_assert_uint_eq(vh.hdr_len, HDRS + 4);
  ck_assert_uint_eq(vh.gso_size, MSS);
  ck_assert_uint_eq(vh.gso_type, VL2_VNET_GSO_TCPV4);
}
END_TEST

/* Forged virtio-net headers and misuse get an error, never a write past
 * the buffer (ASan runs this suite). */
START_TEST(hostile) {
  vl2_egress_params p;
  vl2_egress_params_default(&p);
  vl2_egress_pkt pk[4];
  vl2_dest d = port_dest(VL2_EDIT_KEEP);
  vl2_frame f = tcp_frame(in, 100, 0, 0);
  vl2_vnet_hdr vh;
  memcpy(&vh, in, sizeof(vh));
  vh.csum_start = 4000;
  memcpy(in, &vh, sizeof(vh));
  ck_assert_int_eq(vl2_egress_build(&p, &f, &d, out, sizeof(out), pk, 4),
                   VL2_ERR_MALFORMED);
  f = tcp_frame(in, 100, 1, 0);
  memcpy(&vh, in, sizeof(vh));
  vh.gso_type = VL2_VNET_GSO_UDP; /* UFO */
  memcpy(in, &vh, sizeof(vh));
  ck_assert_int_eq(vl2_egress_build(&p, &f, &d, out, sizeof(out), pk, 4),
                   VL2_ERR_UNSUPPORTED);
  f = tcp_frame(in, 100, 1, 0);
  memcpy(&vh, in, sizeof(vh));
  vh.gso_size = 0;
  memcpy(in, &vh, sizeof(vh));
  ck_assert_int_eq(vl2_egress_build(&p, &f, &d, out, sizeof(out), pk, 4),
                   VL2_ERR_MALFORMED);
  f = tcp_frame(in, 100, 1, 0);
  f.len = 30; /* the headers cut off */
  ck_assert_int_lt(vl2_egress_build(&p, &f, &d, out, sizeof(out), pk, 4), 0);
  f = tcp_frame(in, 100, 0, 0);
  f.flags = 0;
  ck_assert_int_eq(vl2_egress_build(&p, &f, &d, out, 10, pk, 4), VL2_ERR_NOBUF);
  ck_assert_int_eq(vl2_egress_build(&p, &f, &d, out, sizeof(out), pk, 0),
                   VL2_ERR_NOBUF);
  ck_assert_int_eq(vl2_egress_build(NULL, &f, &d, out, sizeof(out), pk, 4),
                   VL2_ERR_INVALID);
  p.tunnel = 7;
  ck_assert_int_eq(vl2_egress_build(&p, &f, &d, out, sizeof(out), pk, 4),
                   VL2_ERR_INVALID);
  ck_assert_int_eq(vl2_egress_params_default_versioned(99, &p),
                   VL2_ERR_VERSION);
  ck_assert_int_eq(vl2_csum_complete(NULL, 10, 0, 0), VL2_ERR_INVALID);
  uint32_t s, o;
  ck_assert_int_eq(vl2_csum_locate(in, 10, &s, &o), VL2_ERR_UNSUPPORTED);
}
END_TEST

Suite *vl2_egress_suite(void) {
  Suite *s = suite_create("egress");
  TCase *tc = tcase_create("egress");
  tcase_add_test(tc, plain_and_push);
  tcase_add_test(tc, vxlan_to_remote);
  tcase_add_test(tc, gso_pop_to_port);
  tcase_add_test(tc, gso_to_remote);
  tcase_add_test(tc, csum_completed);
  tcase_add_test(tc, vnet_kept);
  tcase_add_test(tc, hostile);
  suite_add_tcase(s, tc);
  return s;
}
