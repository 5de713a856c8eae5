/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * Geneve (RFC 8926): the Geneve header and its option TLVs. The outer
 * headers, checksums, source port and MTU rule are VXLAN's
 * (vl2_tunnel.h, implemented in vl2_vxlan.c); this file only builds and
 * checks what sits between the UDP header and the inner frame.
 *
 * Where it fits: called by embedders and the switch's tunnel ingress per
 * packet. Pure: no allocation, no OS calls.
 */
#include <vl2/geneve.h>

#include <string.h>

#include "vl2_tunnel.h"
#include "vl2_wire.h"

/* ---- configuration ----------------------------------------------------- */

int vl2_geneve_config_default_versioned(int version, vl2_geneve_config *cfg) {
  if (cfg == NULL)
    return VL2_ERR_INVALID;
  if (version != VL2_GENEVE_CONFIG_V1)
    return VL2_ERR_VERSION;
  memset(cfg, 0, sizeof(*cfg));
  int rv = vl2_vxlan_config_default(&cfg->tun);
  if (rv != 0)
    return rv;
  cfg->tun.dst_port = VL2_GENEVE_PORT;
  return 0;
}

static int config_ok(const vl2_geneve_config *cfg) {
  if (!vl2_tun_config_ok(&cfg->tun) || cfg->known_cnt > VL2_GENEVE_KNOWN_MAX ||
      (cfg->reserved[0] | cfg->reserved[1] | cfg->reserved[2]) != 0)
    return 0;
  for (uint32_t i = 0; i < cfg->known_cnt; i++)
    if (cfg->known[i].reserved != 0)
      return 0;
  return 1;
}

int vl2_geneve_config_check(const vl2_geneve_config *cfg) {
  return cfg != NULL && config_ok(cfg) ? 0 : VL2_ERR_INVALID;
}

/* ---- sizes ------------------------------------------------------------- */

size_t vl2_geneve_overhead(unsigned family, unsigned layer, size_t opt_len) {
  if (opt_len > VL2_GENEVE_OPT_MAX)
    return 0;
  return vl2_tun_overhead(family, layer, VL2_GENEVE_HLEN + opt_len);
}

size_t vl2_geneve_max_frame(unsigned family, uint32_t underlay_mtu,
                            size_t opt_len) {
  if (opt_len > VL2_GENEVE_OPT_MAX)
    return 0;
  return vl2_tun_max_frame(family, underlay_mtu, VL2_GENEVE_HLEN + opt_len);
}

/* ---- options ----------------------------------------------------------- */

int vl2_geneve_opt_put(uint8_t *opts, size_t cap, size_t *len,
                       uint16_t opt_class, uint8_t type, const void *data,
                       size_t data_len) {
  if (opts == NULL || len == NULL || (*len & 3) != 0 ||
      (data == NULL && data_len > 0) || data_len > VL2_GENEVE_OPT_DATA_MAX)
    return VL2_ERR_INVALID;
  size_t words = (data_len + 3) / 4;
  size_t need = *len + VL2_GENEVE_OPT_HLEN + words * 4;
  if (need > cap || need > VL2_GENEVE_OPT_MAX)
    return VL2_ERR_NOBUF;
  uint8_t *o = opts + *len;
  vl2_store_be16(o, opt_class);
  o[2] = type;
  o[3] = (uint8_t)words;
  if (words != 0) {
    memset(o + VL2_GENEVE_OPT_HLEN, 0, words * 4);
    memcpy(o + VL2_GENEVE_OPT_HLEN, data, data_len);
  }
  *len = need;
  return 0;
}

/* The option at |opts + pos| of |len| bytes into |opt|; 1, 0 at the end,
 * or -1 when it runs past |len|. */
static int opt_at(const uint8_t *opts, size_t len, size_t pos,
                  vl2_geneve_opt *opt) {
  if (pos >= len)
    return 0;
  if (len - pos < VL2_GENEVE_OPT_HLEN)
    return -1;
  const uint8_t *o = opts + pos;
  size_t dlen = (size_t)(o[3] & 0x1f) * 4;
  if (len - pos - VL2_GENEVE_OPT_HLEN < dlen)
    return -1;
  opt->opt_class = vl2_load_be16(o);
  opt->type = o[2];
  opt->flags = (uint8_t)(o[3] & 0xe0);
  opt->data_off = (uint16_t)(pos + VL2_GENEVE_OPT_HLEN);
  opt->data_len = (uint16_t)dlen;
  return 1;
}

int vl2_geneve_opt_next(const uint8_t *opts, size_t len, size_t *pos,
                        vl2_geneve_opt *opt) {
  if (pos == NULL || opt == NULL || (opts == NULL && len > 0))
    return VL2_ERR_INVALID;
  int r = opt_at(opts, len, *pos, opt);
  if (r < 0)
    return VL2_ERR_MALFORMED;
  if (r > 0)
    *pos = (size_t)opt->data_off + opt->data_len;
  return r;
}

/* ---- encapsulation ----------------------------------------------------- */

vl2_ssize vl2_geneve_encap(uint8_t *buf, size_t *off, size_t len,
                           const vl2_geneve_config *cfg,
                           const vl2_geneve_encap_params *p) {
  if (cfg == NULL || p == NULL || !config_ok(cfg) || p->reserved0 != 0 ||
      p->reserved1 != 0 || (p->flags & ~VL2_GENEVE_FLAG_O) != 0 ||
      (p->opt_len & 3) != 0 || p->opt_len > VL2_GENEVE_OPT_MAX ||
      (p->opts == NULL && p->opt_len > 0))
    return VL2_ERR_INVALID;
  /* The options must be whole TLVs; C is set when one is critical. */
  uint8_t flags = p->flags;
  vl2_geneve_opt o;
  size_t pos = 0;
  int r;
  while ((r = opt_at(p->opts, p->opt_len, pos, &o)) > 0) {
    if (o.type & VL2_GENEVE_OPT_CRIT)
      flags |= VL2_GENEVE_FLAG_C;
    pos = (size_t)o.data_off + o.data_len;
  }
  if (r < 0)
    return VL2_ERR_INVALID;

  uint8_t hdr[VL2_GENEVE_HLEN + VL2_GENEVE_OPT_MAX];
  hdr[0] = (uint8_t)(VL2_GENEVE_VERSION << 6 | p->opt_len / 4);
  hdr[1] = flags;
  vl2_store_be16(hdr + 2, VL2_GENEVE_PROTO_ETH);
  vl2_store_be32(hdr + 4, (p->tun.vni & VL2_VNI_MAX) << 8);
  if (p->opt_len != 0)
    memcpy(hdr + VL2_GENEVE_HLEN, p->opts, p->opt_len);
  return vl2_tun_encap(buf, off, len, &cfg->tun, &p->tun, hdr,
                       VL2_GENEVE_HLEN + (size_t)p->opt_len);
}

/* ---- decapsulation ----------------------------------------------------- */

static int refuse(vl2_geneve_info *out, vl2_vxlan_reason r) {
  out->tun.reason = (uint16_t)r;
  return VL2_ERR_MALFORMED;
}

static int known(const vl2_geneve_config *cfg, uint16_t cls, uint8_t type) {
  for (uint32_t i = 0; i < cfg->known_cnt; i++)
    if (cfg->known[i].opt_class == cls && cfg->known[i].type == type)
      return 1;
  return 0;
}

/* Validate the Geneve header at the UDP payload that |out->tun| names and
 * narrow it to the inner frame. */
static int parse_geneve(const vl2_geneve_config *cfg, const uint8_t *pkt,
                        vl2_geneve_info *out) {
  size_t off = out->tun.inner_off, plen = out->tun.inner_len;
  out->tun.inner_off = 0;
  out->tun.inner_len = 0;
  if (plen < VL2_GENEVE_HLEN)
    return refuse(out, VL2_VXLAN_R_TRUNC_GENEVE);
  const uint8_t *g = pkt + off;
  out->version = (uint8_t)(g[0] >> 6);
  out->tun.vxlan_flags = g[1];
  out->proto = vl2_load_be16(g + 2);
  out->tun.vni = vl2_load_be32(g + 4) >> 8;
  /* RFC 8926 section 3.4: an unknown version MUST be dropped. */
  if (out->version != VL2_GENEVE_VERSION)
    return refuse(out, VL2_VXLAN_R_GENEVE_VERSION);
  size_t olen = (size_t)(g[0] & 0x3f) * 4;
  if (olen > plen - VL2_GENEVE_HLEN)
    return refuse(out, VL2_VXLAN_R_GENEVE_OPT_LEN);
  out->opt_off = (uint16_t)(off + VL2_GENEVE_HLEN);
  out->opt_len = (uint16_t)olen;
  /* Section 3.5: walk every option; an unknown critical one drops the
   * packet (3.5.1), whatever the C bit says; others are skipped. */
  const uint8_t *opts = g + VL2_GENEVE_HLEN;
  size_t pos = 0;
  vl2_geneve_opt o;
  int r;
  int unknown_crit = 0;
  while ((r = opt_at(opts, olen, pos, &o)) > 0) {
    out->opt_cnt++;
    if (o.type & VL2_GENEVE_OPT_CRIT) {
      out->crit_cnt++;
      if (!unknown_crit && !known(cfg, o.opt_class, o.type)) {
        unknown_crit = 1;
        out->unknown.opt_class = o.opt_class;
        out->unknown.type = o.type;
      }
    }
    pos = (size_t)o.data_off + o.data_len;
  }
  if (r < 0)
    return refuse(out, VL2_VXLAN_R_GENEVE_OPT_TRUNC);
  if (unknown_crit)
    return refuse(out, VL2_VXLAN_R_GENEVE_CRIT_OPT);
  size_t ioff = off + VL2_GENEVE_HLEN + olen;
  size_t ilen = plen - VL2_GENEVE_HLEN - olen;
  if (g[1] & VL2_GENEVE_FLAG_O) {
    /* A control message: reported (inner bytes included), never data. */
    out->tun.inner_off = (uint32_t)ioff;
    out->tun.inner_len = (uint32_t)ilen;
    return refuse(out, VL2_VXLAN_R_GENEVE_OAM);
  }
  if (out->proto != VL2_GENEVE_PROTO_ETH)
    return refuse(out, VL2_VXLAN_R_GENEVE_PROTO);
  if (ilen < VL2_VXLAN_INNER_MIN)
    return refuse(out, VL2_VXLAN_R_TRUNC_INNER);
  out->tun.inner_off = (uint32_t)ioff;
  out->tun.inner_len = (uint32_t)ilen;
  return 0;
}

int vl2_geneve_decap(const vl2_geneve_config *cfg, const uint8_t *pkt,
                     size_t len, unsigned layer, vl2_geneve_info *out) {
  vl2_geneve_config dflt;
  if (out == NULL || (pkt == NULL && len > 0))
    return VL2_ERR_INVALID;
  if (cfg == NULL) {
    vl2_geneve_config_default(&dflt);
    cfg = &dflt;
  } else if (!config_ok(cfg)) {
    return VL2_ERR_INVALID;
  }
  memset(out, 0, sizeof(*out));
  int rv = vl2_tun_decap(&cfg->tun, pkt, len, layer, &out->tun);
  if (rv != 0)
    return rv;
  return parse_geneve(cfg, pkt, out);
}

int vl2_geneve_decap_frame(const vl2_geneve_config *cfg, vl2_frame *f,
                           unsigned layer, uint16_t *reason) {
  vl2_geneve_info info;
  if (reason != NULL)
    *reason = VL2_VXLAN_R_NONE;
  if (f == NULL)
    return VL2_ERR_INVALID;
  int rv = vl2_geneve_decap(cfg, f->data, f->len, layer, &info);
  if (rv != 0) {
    if (reason != NULL && rv == VL2_ERR_MALFORMED)
      *reason = info.tun.reason;
    return rv;
  }
  f->data += info.tun.inner_off;
  f->len = info.tun.inner_len;
  f->port = VL2_PORT_REMOTE;
  f->vni = info.tun.vni;
  if (layer != VL2_VXLAN_LAYER_UDP)
    f->remote = info.tun.src;
  return 0;
}
