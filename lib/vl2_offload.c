/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * Software offloads: completing a partial (CHECKSUM_PARTIAL) checksum and
 * segmenting a GSO super-frame described by a virtio-net header, the way
 * a NIC without those offloads needs its frames (see <vl2/egress.h>).
 *
 * Where it fits: the egress stage (vl2_egress.c) finishes frames with it
 * for destinations that cannot take offloads; the AF_PACKET backend
 * finishes received frames with it. Checksums go through vl2_csum.h.
 */
#include <vl2/egress.h>

#include <string.h>

#include "vl2_csum.h"
#include "vl2_wire.h"

#define TCP_FIN 0x01u
#define TCP_PSH 0x08u
#define TCP_CWR 0x80u

int vl2_csum_complete(uint8_t *f, size_t len, size_t start, size_t off) {
  if (f == NULL)
    return VL2_ERR_INVALID;
  if (start >= len || off > len - start || len - start - off < 2)
    return VL2_ERR_MALFORMED;
  vl2_csum_store(f + start + off, vl2_csum_partial(f + start, len - start, 0));
  return 0;
}

/* Walk the Ethernet header and in-data tags, then IPv4/IPv6 (with the
 * common IPv6 extension headers) to the transport header. */
static int parse_l3l4(const uint8_t *f, size_t len, uint32_t *l3, uint32_t *l4,
                      uint8_t *proto, uint8_t *v6) {
  if (len < 14)
    return 0;
  uint32_t off = 14;
  uint16_t type = vl2_load_be16(f + 12);
  while (vl2_is_tpid(type) && off + 4 <= len) {
    type = vl2_load_be16(f + off + 2);
    off += 4;
  }
  *l3 = off;
  if (type == 0x0800) {
    if (len < off + 20 || (f[off] >> 4) != 4)
      return 0;
    uint32_t ihl = (uint32_t)(f[off] & 0xf) * 4;
    if (ihl < 20 || off + ihl > len)
      return 0;
    if ((vl2_load_be16(f + off + 6) & 0x3fff) != 0) /* a fragment */
      return 0;
    *proto = f[off + 9];
    *l4 = off + ihl;
    *v6 = 0;
    return 1;
  }
  if (type == 0x86dd) {
    if (len < off + 40 || (f[off] >> 4) != 6)
      return 0;
    uint8_t nh = f[off + 6];
    uint32_t p = off + 40;
    /* hop-by-hop, routing, destination options */
    while (nh == 0 || nh == 43 || nh == 60) {
      if (p + 8 > len)
        return 0;
      uint32_t hl = ((uint32_t)f[p + 1] + 1) * 8;
      nh = f[p];
      p += hl;
      if (p > len)
        return 0;
    }
    *proto = nh;
    *l4 = p;
    *v6 = 1;
    return 1;
  }
  return 0;
}

int vl2_csum_locate(const uint8_t *f, size_t len, uint32_t *start,
                    uint32_t *off) {
  uint32_t l3, l4;
  uint8_t proto, v6;
  if (f == NULL || start == NULL || off == NULL)
    return VL2_ERR_INVALID;
  if (!parse_l3l4(f, len, &l3, &l4, &proto, &v6))
    return VL2_ERR_UNSUPPORTED;
  if (proto == 6 && l4 + 20 <= len) {
    *start = l4;
    *off = 16;
    return 0;
  }
  if (proto == 17 && l4 + 8 <= len) {
    *start = l4;
    *off = 6;
    return 0;
  }
  return VL2_ERR_UNSUPPORTED;
}

int vl2_gso_prepare(const uint8_t *f, size_t len, uint8_t type,
                    uint16_t gso_size, vl2_gso *g) {
  uint8_t proto;
  if (f == NULL || g == NULL)
    return VL2_ERR_INVALID;
  type = (uint8_t)(type & ~VL2_VNET_GSO_ECN);
  if (gso_size == 0 || len > UINT32_MAX)
    return VL2_ERR_MALFORMED;
  if (!parse_l3l4(f, len, &g->l3_off, &g->l4_off, &proto, &g->v6))
    return VL2_ERR_UNSUPPORTED;
  switch (type) {
  case VL2_VNET_GSO_TCPV4:
  case VL2_VNET_GSO_TCPV6:
    if (proto != 6 || g->v6 != (type == VL2_VNET_GSO_TCPV6))
      return VL2_ERR_UNSUPPORTED;
    if (g->l4_off + 20 > len)
      return VL2_ERR_MALFORMED;
    g->hdr_len = g->l4_off + (uint32_t)(f[g->l4_off + 12] >> 4) * 4;
    if (g->hdr_len < g->l4_off + 20)
      return VL2_ERR_MALFORMED;
    break;
  case VL2_VNET_GSO_UDP_L4:
    if (proto != 17)
      return VL2_ERR_UNSUPPORTED;
    g->hdr_len = g->l4_off + 8;
    break;
  default:
    return VL2_ERR_UNSUPPORTED;
  }
  if (g->hdr_len > len)
    return VL2_ERR_MALFORMED;
  g->type = type;
  g->size = gso_size;
  g->payload = (uint32_t)len - g->hdr_len;
  g->nseg = g->payload == 0 ? 1 : (g->payload + gso_size - 1) / gso_size;
  return 0;
}

uint32_t vl2_gso_segment(const uint8_t *f, const vl2_gso *g, uint32_t i,
                         uint8_t *dst) {
  uint32_t off = i * g->size;
  uint32_t plen = g->payload - off < g->size ? g->payload - off : g->size;
  uint32_t flen = g->hdr_len + plen;
  memcpy(dst, f, g->hdr_len);
  memcpy(dst + g->hdr_len, f + g->hdr_len + off, plen);

  uint8_t *ip = dst + g->l3_off;
  uint64_t pseudo;
  uint8_t proto = g->type == VL2_VNET_GSO_UDP_L4 ? 17 : 6;
  uint32_t l4len = flen - g->l4_off;
  if (!g->v6) {
    uint32_t ihl = (uint32_t)(ip[0] & 0xf) * 4;
    vl2_store_be16(ip + 2, (uint16_t)(flen - g->l3_off));
    vl2_store_be16(ip + 4, (uint16_t)(vl2_load_be16(ip + 4) + i));
    ip[10] = ip[11] = 0;
    vl2_csum_store(ip + 10, vl2_csum_partial(ip, ihl, 0));
    uint8_t ph[4] = {0, proto, (uint8_t)(l4len >> 8), (uint8_t)l4len};
    pseudo = vl2_csum_partial(ip + 12, 8, vl2_csum_partial(ph, 4, 0));
  } else {
    vl2_store_be16(ip + 4, (uint16_t)(flen - g->l3_off - 40));
    uint8_t ph[8] = {(uint8_t)(l4len >> 24),
                     (uint8_t)(l4len >> 16),
                     (uint8_t)(l4len >> 8),
                     (uint8_t)l4len,
                     0,
                     0,
                     0,
                     proto};
    pseudo = vl2_csum_partial(ip + 8, 32, vl2_csum_partial(ph, 8, 0));
  }

  uint8_t *l4 = dst + g->l4_off;
  uint32_t csum_off;
  if (proto == 6) {
    vl2_store_be32(l4 + 4, vl2_load_be32(l4 + 4) + off);
    if (i + 1 < g->nseg)
      l4[13] = (uint8_t)(l4[13] & ~(TCP_FIN | TCP_PSH));
    if (i > 0)
      l4[13] = (uint8_t)(l4[13] & ~TCP_CWR);
    csum_off = 16;
  } else {
    vl2_store_be16(l4 + 4, (uint16_t)l4len);
    csum_off = 6;
  }
  l4[csum_off] = l4[csum_off + 1] = 0;
  vl2_csum_store(l4 + csum_off, vl2_csum_partial(l4, l4len, pseudo));
  return flen;
}
