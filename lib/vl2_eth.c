/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * Ethernet/802.1Q decoding and egress tag edits (802.1Q clause 9).
 *
 * Where it fits: public helpers for backends, the replay tool and the
 * bindings; the switch's hot path has its own inlined classifier.
 */
#include <vl2/vlan.h>

#include <string.h>

#include "vl2_wire.h"

int vl2_eth_parse(const uint8_t *data, size_t len, vl2_eth_info *info) {
  if (data == NULL || info == NULL)
    return VL2_ERR_INVALID;
  memset(info, 0, sizeof(*info));
  if (len < VL2_ETH_HLEN)
    return VL2_ERR_MALFORMED;
  memcpy(info->dst.b, data, 6);
  memcpy(info->src.b, data + 6, 6);
  size_t off = 12;
  uint16_t et = vl2_load_be16(data + off);
  while (vl2_is_tpid(et)) {
    if (info->tag_cnt == VL2_ETH_MAX_TAGS) {
      info->ethertype = et;
      info->l3_off = (uint16_t)(off + 2);
      return VL2_ERR_UNSUPPORTED;
    }
    if (len < off + 2 + VL2_VLAN_TAG_LEN)
      return VL2_ERR_MALFORMED;
    info->tpid[info->tag_cnt] = et;
    info->tci[info->tag_cnt] = vl2_load_be16(data + off + 2);
    info->tag_cnt++;
    off += VL2_VLAN_TAG_LEN;
    et = vl2_load_be16(data + off);
  }
  info->ethertype = et;
  info->l3_off = (uint16_t)(off + 2);
  return 0;
}

vl2_ssize vl2_vlan_apply_edit(uint8_t *buf, size_t *off, size_t len,
                              const vl2_dest *d) {
  if (buf == NULL || off == NULL || d == NULL)
    return VL2_ERR_INVALID;
  uint8_t *f = buf + *off;
  switch (d->edit) {
  case VL2_EDIT_KEEP:
    return (vl2_ssize)len;
  case VL2_EDIT_PUSH:
    if (*off < VL2_VLAN_TAG_LEN)
      return VL2_ERR_NOBUF;
    if (len < 12)
      return VL2_ERR_MALFORMED;
    memmove(f - VL2_VLAN_TAG_LEN, f, 12);
    f -= VL2_VLAN_TAG_LEN;
    vl2_store_be16(f + 12, d->tpid != 0 ? d->tpid : VL2_TPID_8021Q);
    vl2_store_be16(f + 14, (uint16_t)(d->vid & 0x0fff));
    *off -= VL2_VLAN_TAG_LEN;
    return (vl2_ssize)(len + VL2_VLAN_TAG_LEN);
  case VL2_EDIT_POP:
    if (len < VL2_ETH_HLEN + VL2_VLAN_TAG_LEN ||
        !vl2_is_tpid(vl2_load_be16(f + 12)))
      return VL2_ERR_MALFORMED;
    memmove(f + VL2_VLAN_TAG_LEN, f, 12);
    *off += VL2_VLAN_TAG_LEN;
    return (vl2_ssize)(len - VL2_VLAN_TAG_LEN);
  case VL2_EDIT_REWRITE: {
    if (len < VL2_ETH_HLEN + VL2_VLAN_TAG_LEN ||
        !vl2_is_tpid(vl2_load_be16(f + 12)))
      return VL2_ERR_MALFORMED;
    uint16_t tci = vl2_load_be16(f + 14);
    tci = (uint16_t)((tci & 0xf000) | (d->vid & 0x0fff));
    vl2_store_be16(f + 12, d->tpid != 0 ? d->tpid : VL2_TPID_8021Q);
    vl2_store_be16(f + 14, tci);
    return (vl2_ssize)len;
  }
  default:
    return VL2_ERR_INVALID;
  }
}
