/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * libFuzzer harness: Geneve decapsulation (vl2_geneve_decap(),
 * vl2_geneve_decap_frame(), vl2_geneve_opt_next()) and the encap/decap
 * round trip with the options received.
 *
 * Input: 3 bytes, then the packet.
 *   byte 0: layer = b % 4 (UDP, IP, ETH; 3 means an unknown layer, 3..255)
 *   byte 1: config flags (b & VL2_VXLAN_F_ALL); b & 0x40: NULL config
 *   byte 2: b & 0x80: OVN's critical option (0x0102, 0x80) is known;
 *           b & 0x40: the known list also has class 0xffff type 0x80
 *
 * Checks: a reason exactly when refused; on success the inner frame lies
 * behind the Geneve header and its options inside the packet, the
 * version is 0, the O bit clear, the protocol 0x6558, every critical
 * option known and the option walk consistent with the reported counts;
 * the O bit is only ever reported as a refusal; decap_frame agrees and
 * leaves the frame alone when it refuses; re-encapsulating the inner
 * frame with the same options and decapsulating it again gives back the
 * VNI, the options and the inner bytes.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <vl2/geneve.h>
#include <vl2/vl2.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_PKT 65536

static void check_opts(const uint8_t *opts, size_t len, unsigned cnt,
                       unsigned crit) {
  size_t pos = 0;
  vl2_geneve_opt o;
  unsigned n = 0, c = 0;
  int r;
  while ((r = vl2_geneve_opt_next(opts, len, &pos, &o)) == 1) {
    n++;
    c += (o.type & VL2_GENEVE_OPT_CRIT) != 0;
    FZ_CHECK((size_t)o.data_off + o.data_len <= len);
    FZ_CHECK(o.data_len % 4 == 0 && o.data_len <= VL2_GENEVE_OPT_DATA_MAX);
  }
  FZ_CHECK(r == 0);
  FZ_CHECK(pos == len);
  FZ_CHECK(n == cnt && c == crit);
}

static void round_trip(const vl2_geneve_config *cfg, const uint8_t *pkt,
                       unsigned layer, const vl2_geneve_info *info) {
  static uint8_t buf[VL2_GENEVE_HEADROOM_MAX + MAX_PKT];
  const uint8_t *inner = pkt + info->tun.inner_off;
  size_t ilen = info->tun.inner_len;
  vl2_geneve_config tx;
  if (cfg != NULL)
    tx = *cfg;
  else
    FZ_CHECK(vl2_geneve_config_default(&tx) == 0);
  tx.tun.underlay_mtu = 0;
  vl2_geneve_encap_params p;
  memset(&p, 0, sizeof(p));
  p.tun.vni = info->tun.vni;
  p.tun.sport = info->tun.sport;
  p.tun.layer = (uint8_t)layer;
  p.opts = pkt + info->opt_off;
  p.opt_len = info->opt_len;
  if (layer == VL2_VXLAN_LAYER_UDP) {
    memset(&tx.tun.local, 0, sizeof(tx.tun.local));
    p.tun.remote.family = VL2_AF_INET;
    p.tun.remote.addr[0] = 10;
  } else {
    tx.tun.local = info->tun.dst;
    p.tun.remote = info->tun.src;
  }
  FZ_CHECK(vl2_geneve_config_check(&tx) == 0);
  size_t off = VL2_GENEVE_HEADROOM_MAX;
  memcpy(buf + off, inner, ilen);
  vl2_ssize n = vl2_geneve_encap(buf, &off, ilen, &tx, &p);
  if (n == VL2_ERR_LIMIT) {
    FZ_CHECK(ilen + 400 > 65535);
    return;
  }
  FZ_CHECK(n >= 0);
  size_t ovh = vl2_geneve_overhead(p.tun.remote.family, layer, p.opt_len);
  FZ_CHECK((size_t)n == ilen + ovh);
  vl2_geneve_config rx = tx;
  rx.tun.flags |= VL2_VXLAN_F_UDP6_ZERO_CSUM_RX;
  if (layer != VL2_VXLAN_LAYER_UDP)
    rx.tun.local = info->tun.src;
  vl2_geneve_info back;
  FZ_CHECK(vl2_geneve_decap(&rx, buf + off, (size_t)n, layer, &back) == 0);
  FZ_CHECK(back.tun.vni == info->tun.vni);
  FZ_CHECK(back.opt_len == info->opt_len && back.opt_cnt == info->opt_cnt);
  FZ_CHECK(back.crit_cnt == info->crit_cnt);
  FZ_CHECK(memcmp(buf + off + back.opt_off, pkt + info->opt_off,
                  info->opt_len) == 0);
  /* C is set exactly when a critical option is present. */
  FZ_CHECK(((back.tun.vxlan_flags & VL2_GENEVE_FLAG_C) != 0) ==
           (back.crit_cnt != 0));
  FZ_CHECK(back.tun.inner_len == ilen);
  FZ_CHECK(memcmp(buf + off + back.tun.inner_off, inner, ilen) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 3 || size - 3 > MAX_PKT)
    return 0;
  unsigned layer = data[0] % 4 == 3 ? data[0] : data[0] % 4u;
  vl2_geneve_config cfgv;
  FZ_CHECK(vl2_geneve_config_default(&cfgv) == 0);
  cfgv.tun.flags = data[1] & VL2_VXLAN_F_ALL;
  if (data[2] & 0x80) {
    cfgv.known[cfgv.known_cnt].opt_class = 0x0102;
    cfgv.known[cfgv.known_cnt++].type = 0x80;
  }
  if (data[2] & 0x40) {
    cfgv.known[cfgv.known_cnt].opt_class = 0xffff;
    cfgv.known[cfgv.known_cnt++].type = 0x80;
  }
  FZ_CHECK(vl2_geneve_config_check(&cfgv) == 0);
  const vl2_geneve_config *cfg = (data[1] & 0x40) ? NULL : &cfgv;

  size_t len = size - 3;
  uint8_t *pkt = malloc(len ? len : 1);
  FZ_CHECK(pkt != NULL);
  memcpy(pkt, data + 3, len);

  vl2_geneve_info info;
  int rv = vl2_geneve_decap(cfg, pkt, len, layer, &info);
  if (layer > VL2_VXLAN_LAYER_ETH) {
    FZ_CHECK(rv == VL2_ERR_INVALID);
    free(pkt);
    return 0;
  }
  if (rv == 0) {
    FZ_CHECK(info.tun.reason == VL2_VXLAN_R_NONE);
    FZ_CHECK(info.version == 0 && info.proto == VL2_GENEVE_PROTO_ETH);
    FZ_CHECK(!(info.tun.vxlan_flags & VL2_GENEVE_FLAG_O));
    FZ_CHECK(info.tun.inner_len >= VL2_VXLAN_INNER_MIN);
    FZ_CHECK((size_t)info.tun.inner_off + info.tun.inner_len <= len);
    FZ_CHECK((size_t)info.opt_off + info.opt_len == info.tun.inner_off);
    FZ_CHECK(info.opt_off >= VL2_GENEVE_HLEN);
    FZ_CHECK(info.opt_len <= VL2_GENEVE_OPT_MAX && info.opt_len % 4 == 0);
    const uint8_t *g = pkt + info.opt_off - VL2_GENEVE_HLEN;
    FZ_CHECK((size_t)(g[0] & 0x3f) * 4 == info.opt_len);
    FZ_CHECK(info.tun.vni ==
             ((uint32_t)g[4] << 16 | (uint32_t)g[5] << 8 | g[6]));
    check_opts(pkt + info.opt_off, info.opt_len, info.opt_cnt, info.crit_cnt);
    /* Every critical option is known. */
    size_t pos = 0;
    vl2_geneve_opt o;
    while (vl2_geneve_opt_next(pkt + info.opt_off, info.opt_len, &pos, &o) ==
           1) {
      if (!(o.type & VL2_GENEVE_OPT_CRIT))
        continue;
      int known = 0;
      for (uint32_t i = 0; cfg != NULL && i < cfg->known_cnt; i++)
        known |= cfg->known[i].opt_class == o.opt_class &&
                 cfg->known[i].type == o.type;
      FZ_CHECK(known);
    }
  } else {
    FZ_CHECK(rv == VL2_ERR_MALFORMED);
    FZ_CHECK(info.tun.reason > VL2_VXLAN_R_NONE &&
             info.tun.reason < VL2_VXLAN_R_COUNT);
    FZ_CHECK(info.tun.reason != VL2_VXLAN_R_UNKNOWN_VNI &&
             info.tun.reason != VL2_VXLAN_R_TOO_BIG &&
             info.tun.reason != VL2_VXLAN_R_NO_I_FLAG &&
             info.tun.reason != VL2_VXLAN_R_TRUNC_VXLAN &&
             info.tun.reason != VL2_VXLAN_R_NOT_MEMBER);
    if (info.tun.reason == VL2_VXLAN_R_GENEVE_OAM) {
      /* A control message: its options and payload are reported. */
      FZ_CHECK(info.tun.vxlan_flags & VL2_GENEVE_FLAG_O);
      FZ_CHECK((size_t)info.tun.inner_off + info.tun.inner_len <= len);
      check_opts(pkt + info.opt_off, info.opt_len, info.opt_cnt, info.crit_cnt);
    } else {
      FZ_CHECK(info.tun.inner_len == 0);
    }
  }

  vl2_frame f, f0;
  memset(&f, 0, sizeof(f));
  f.data = pkt;
  f.len = (uint32_t)len;
  f.port = 3;
  f.vni = 77;
  f0 = f;
  uint16_t reason = 0xffff;
  int rv2 = vl2_geneve_decap_frame(cfg, &f, layer, &reason);
  FZ_CHECK(rv2 == rv);
  FZ_CHECK(reason == info.tun.reason);
  if (rv2 == 0)
    FZ_CHECK(f.data == pkt + info.tun.inner_off && f.vni == info.tun.vni &&
             f.port == VL2_PORT_REMOTE);
  else
    FZ_CHECK(memcmp(&f, &f0, sizeof(f)) == 0);
  if (rv == 0)
    round_trip(cfg, pkt, layer, &info);
  free(pkt);
  return 0;
}
