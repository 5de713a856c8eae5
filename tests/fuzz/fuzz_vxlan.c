/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * libFuzzer harness: VXLAN decapsulation (vl2_vxlan_decap(),
 * vl2_vxlan_decap_frame()) and the encap/decap round trip.
 *
 * Input: 3 bytes, then the packet.
 *   byte 0: layer = b % 4 (UDP, IP, ETH; 3 means an unknown layer, 3..255)
 *   byte 1: config flags (b & VL2_VXLAN_F_ALL); b & 0x40: NULL config
 *   byte 2: b & 0x80: UDP port 8472 instead of 4789; b & 7 selects the
 *           local address (0: none; 1, 2: the IPv4 underlay of the tcpdump
 *           captures; 3: 192.168.202.1's neighbour .3; 4: an IPv6 one)
 *
 * Checks: success and refusal are consistent (a reason exactly when
 * refused, never a switch-level or encap-only reason); the inner frame
 * lies inside the packet behind a VXLAN header whose I flag is set and
 * whose VNI is reported; the outer addresses and ports agree with the
 * config; vl2_vxlan_decap_frame() agrees with vl2_vxlan_decap() and leaves
 * the frame alone when it refuses; re-encapsulating the inner frame with
 * vl2_vxlan_encap() at the same layer and decapsulating it again gives
 * back the same VNI, ports, addresses and inner bytes; the flow hash is
 * deterministic and the source port in range.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <vl2/vl2.h>
#include <vl2/vxlan.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_PKT 65536

static vl2_ipaddr local_addr(unsigned sel) {
  vl2_ipaddr a;
  memset(&a, 0, sizeof(a));
  static const uint8_t v4[3][4] = {
      {192, 168, 202, 1}, {192, 168, 203, 1}, {192, 168, 202, 3}};
  if (sel >= 1 && sel <= 3) {
    a.family = VL2_AF_INET;
    memcpy(a.addr, v4[sel - 1], 4);
  } else if (sel == 4) {
    a.family = VL2_AF_INET6;
    a.addr[0] = 0xfe;
    a.addr[1] = 0x80;
    a.addr[15] = 1;
  }
  return a;
}

static void round_trip(const vl2_vxlan_config *cfg, const uint8_t *pkt,
                       unsigned layer, const vl2_vxlan_info *info) {
  static uint8_t buf[VL2_VXLAN_HEADROOM_MAX + MAX_PKT];
  const uint8_t *inner = pkt + info->inner_off;
  size_t ilen = info->inner_len;

  vl2_vxlan_config tx;
  if (cfg != NULL)
    tx = *cfg;
  else
    FZ_CHECK(vl2_vxlan_config_default(&tx) == 0);
  tx.underlay_mtu = 0;
  vl2_vxlan_encap_params p;
  memset(&p, 0, sizeof(p));
  p.vni = info->vni;
  p.sport = info->sport;
  p.layer = (uint8_t)layer;
  if (layer == VL2_VXLAN_LAYER_UDP) {
    memset(&tx.local, 0, sizeof(tx.local));
    p.remote = local_addr(1);
  } else {
    tx.local = info->dst;
    p.remote = info->src;
  }
  if (layer == VL2_VXLAN_LAYER_ETH) {
    memcpy(p.eth_dst.b, pkt + 6, 6);
    memcpy(p.eth_src.b, pkt, 6);
  }
  FZ_CHECK(vl2_vxlan_config_check(&tx) == 0);
  size_t off = VL2_VXLAN_HEADROOM_MAX;
  memcpy(buf + off, inner, ilen);
  vl2_ssize n = vl2_vxlan_encap(buf, &off, ilen, &tx, &p);
  if (n == VL2_ERR_LIMIT) {
    /* Only when the 16-bit length fields cannot hold it. */
    FZ_CHECK(ilen + 100 > 65535);
    return;
  }
  FZ_CHECK(n >= 0);
  size_t ovh = vl2_vxlan_overhead(p.remote.family, layer);
  FZ_CHECK((size_t)n == ilen + ovh);
  FZ_CHECK(off == VL2_VXLAN_HEADROOM_MAX - ovh);
  FZ_CHECK(memcmp(buf + off + ovh, inner, ilen) == 0);

  vl2_vxlan_config rx = tx;
  rx.flags |= VL2_VXLAN_F_UDP6_ZERO_CSUM_RX;
  if (layer != VL2_VXLAN_LAYER_UDP)
    rx.local = info->src; /* we are the remote now */
  vl2_vxlan_info back;
  FZ_CHECK(vl2_vxlan_decap(&rx, buf + off, (size_t)n, layer, &back) == 0);
  FZ_CHECK(back.reason == 0);
  FZ_CHECK(back.vni == info->vni);
  FZ_CHECK(back.vxlan_flags == VL2_VXLAN_FLAG_I);
  FZ_CHECK(back.inner_len == ilen);
  FZ_CHECK(back.inner_off == ovh);
  FZ_CHECK(memcmp(buf + off + back.inner_off, inner, ilen) == 0);
  if (layer != VL2_VXLAN_LAYER_UDP) {
    FZ_CHECK(fz_addr_eq(&back.src, &info->dst));
    FZ_CHECK(fz_addr_eq(&back.dst, &info->src));
    FZ_CHECK(back.dport == tx.dst_port);
    if (info->sport != 0)
      FZ_CHECK(back.sport == info->sport);
    else
      FZ_CHECK(back.sport >= tx.sport_lo && back.sport <= tx.sport_hi);
    FZ_CHECK(back.ttl == tx.ttl);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 3 || size - 3 > MAX_PKT)
    return 0;
  unsigned layer = data[0] % 4 == 3 ? data[0] : data[0] % 4u;
  vl2_vxlan_config cfgv;
  FZ_CHECK(vl2_vxlan_config_default(&cfgv) == 0);
  cfgv.flags = data[1] & VL2_VXLAN_F_ALL;
  if (data[2] & 0x80)
    cfgv.dst_port = 8472;
  cfgv.local = local_addr(data[2] & 7);
  FZ_CHECK(vl2_vxlan_config_check(&cfgv) == 0);
  const vl2_vxlan_config *cfg = (data[1] & 0x40) ? NULL : &cfgv;
  uint16_t dport = cfg != NULL ? cfg->dst_port : VL2_VXLAN_PORT;

  /* An exact-size copy, so reading past the packet is caught. */
  size_t len = size - 3;
  uint8_t *pkt = malloc(len ? len : 1);
  FZ_CHECK(pkt != NULL);
  memcpy(pkt, data + 3, len);

  vl2_vxlan_info info;
  int rv = vl2_vxlan_decap(cfg, pkt, len, layer, &info);
  if (layer > VL2_VXLAN_LAYER_ETH) {
    FZ_CHECK(rv == VL2_ERR_INVALID);
    free(pkt);
    return 0;
  }
  FZ_CHECK(vl2_vxlan_decap(cfg, pkt, len, layer, NULL) == VL2_ERR_INVALID);
  if (rv == 0) {
    FZ_CHECK(info.reason == VL2_VXLAN_R_NONE);
    FZ_CHECK(info.layer == layer);
    FZ_CHECK(info.vni <= VL2_VNI_MAX);
    FZ_CHECK(info.inner_len >= VL2_VXLAN_INNER_MIN);
    FZ_CHECK(info.inner_off >= VL2_VXLAN_HLEN);
    FZ_CHECK((size_t)info.inner_off + info.inner_len <= len);
    const uint8_t *vx = pkt + info.inner_off - VL2_VXLAN_HLEN;
    FZ_CHECK(vx[0] == info.vxlan_flags);
    FZ_CHECK(info.vxlan_flags & VL2_VXLAN_FLAG_I);
    FZ_CHECK(info.vni ==
             ((uint32_t)vx[4] << 16 | (uint32_t)vx[5] << 8 | vx[6]));
    if (layer == VL2_VXLAN_LAYER_UDP) {
      FZ_CHECK(info.inner_off == VL2_VXLAN_HLEN);
      FZ_CHECK(info.src.family == VL2_AF_NONE);
    } else {
      FZ_CHECK(info.src.family == VL2_AF_INET ||
               info.src.family == VL2_AF_INET6);
      FZ_CHECK(info.dst.family == info.src.family);
      FZ_CHECK(info.dport == dport);
      /* The UDP header sits right in front of the VXLAN header. */
      FZ_CHECK(info.inner_off >= VL2_VXLAN_HLEN + 8);
      const uint8_t *udp = vx - 8;
      FZ_CHECK(info.sport == (uint16_t)(udp[0] << 8 | udp[1]));
      FZ_CHECK(info.dport == (uint16_t)(udp[2] << 8 | udp[3]));
      if (cfg != NULL && cfg->local.family != VL2_AF_NONE)
        FZ_CHECK(fz_addr_eq(&info.dst, &cfg->local));
    }
  } else {
    FZ_CHECK(rv == VL2_ERR_MALFORMED);
    FZ_CHECK(info.reason > VL2_VXLAN_R_NONE && info.reason < VL2_VXLAN_R_COUNT);
    FZ_CHECK(info.reason != VL2_VXLAN_R_UNKNOWN_VNI &&
             info.reason != VL2_VXLAN_R_TOO_BIG);
    FZ_CHECK(strcmp(vl2_vxlan_reason_name(info.reason), "unknown") != 0);
  }

  /* The frame form agrees, and changes nothing when it refuses. */
  vl2_frame f, f0;
  memset(&f, 0, sizeof(f));
  f.data = pkt;
  f.len = (uint32_t)len;
  f.port = 3;
  f.vni = 77;
  f.remote = local_addr(4);
  f0 = f;
  uint16_t reason = 0xffff;
  int rv2 = vl2_vxlan_decap_frame(cfg, &f, layer, &reason);
  FZ_CHECK(rv2 == rv);
  FZ_CHECK(reason == info.reason);
  if (rv2 == 0) {
    FZ_CHECK(f.data == pkt + info.inner_off && f.len == info.inner_len);
    FZ_CHECK(f.port == VL2_PORT_REMOTE && f.vni == info.vni);
    if (layer == VL2_VXLAN_LAYER_UDP)
      FZ_CHECK(fz_addr_eq(&f.remote, &f0.remote));
    else
      FZ_CHECK(fz_addr_eq(&f.remote, &info.src));
  } else {
    FZ_CHECK(memcmp(&f, &f0, sizeof(f)) == 0);
  }

  if (rv == 0) {
    const uint8_t *inner = pkt + info.inner_off;
    uint32_t h = vl2_vxlan_flow_hash(inner, info.inner_len, 0);
    FZ_CHECK(h == vl2_vxlan_flow_hash(inner, info.inner_len, 0));
    uint16_t lo = (uint16_t)(1000 + data[1]), hi = (uint16_t)(lo + data[2]);
    uint16_t sp = vl2_vxlan_sport(inner, info.inner_len, 0, lo, hi);
    FZ_CHECK(sp >= lo && sp <= hi);
    FZ_CHECK(sp == vl2_vxlan_sport_from_hash(h, lo, hi));
    round_trip(cfg, pkt, layer, &info);
  } else {
    /* The hash must cope with any bytes, including short ones. */
    (void)vl2_vxlan_flow_hash(pkt, len, 1);
  }
  free(pkt);
  return 0;
}
