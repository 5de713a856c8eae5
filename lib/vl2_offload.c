/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * Software checksum completion and GSO segmentation (see vl2_offload.h).
 *
 * Checksums are summed in host order over native 16/32-bit words, which
 * gives the same ones' complement result as network order (RFC 1071
 * section 2(B)); every value is read and written with memcpy(), so no
 * alignment is assumed.
 */
#include "vl2_offload.h"

#include <string.h>

/* virtio_net_hdr gso_type values (linux/virtio_net.h), without pulling
 * the kernel header into this pure file. */
#define GSO_TCPV4 1
#define GSO_TCPV6 4
#define GSO_UDP_L4 5

#define TCP_FIN 0x01u
#define TCP_PSH 0x08u
#define TCP_CWR 0x80u

static uint16_t rd16(const uint8_t *p) {
  return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
         p[3];
}

static void wr16(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}

static void wr32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}

/* Ones' complement sum of |n| bytes at |p| in host order, added to |acc|
 * (not folded). */
static uint64_t sum_bytes(const uint8_t *p, size_t n, uint64_t acc) {
  while (n >= 8) {
    uint64_t w;
    memcpy(&w, p, 8);
    acc += (w & 0xffffffffu) + (w >> 32);
    p += 8;
    n -= 8;
  }
  while (n >= 2) {
    uint16_t w;
    memcpy(&w, p, 2);
    acc += w;
    p += 2;
    n -= 2;
  }
  if (n > 0) {
    uint16_t w = 0;
    memcpy(&w, p, 1); /* the odd byte is the first of a zero-padded word */
    acc += w;
  }
  return acc;
}

static uint16_t fold(uint64_t acc) {
  while (acc >> 16)
    acc = (acc & 0xffffu) + (acc >> 16);
  return (uint16_t)acc;
}

/* Store ~sum at |p| (host-order sum, so a native store); 0 becomes 0xffff
 * (UDP's "no checksum" value must not be produced; for TCP both are the
 * same number). */
static void put_csum(uint8_t *p, uint64_t acc) {
  uint16_t c = (uint16_t)~fold(acc);
  if (c == 0)
    c = 0xffff;
  memcpy(p, &c, 2);
}

bool vl2_off_csum_complete(uint8_t *f, uint32_t len, uint32_t start,
                           uint32_t off) {
  if (start >= len || off > len - start || len - start - off < 2)
    return false;
  put_csum(f + start + off, sum_bytes(f + start, len - start, 0));
  return true;
}

/* Walk the Ethernet header and in-data tags, then IPv4/IPv6 (with the
 * common IPv6 extension headers) to the transport header. */
static bool parse_l3l4(const uint8_t *f, uint32_t len, uint32_t *l3,
                       uint32_t *l4, uint8_t *proto, bool *v6) {
  if (len < 14)
    return false;
  uint32_t off = 14;
  uint16_t type = rd16(f + 12);
  while ((type == 0x8100 || type == 0x88a8) && off + 4 <= len) {
    type = rd16(f + off + 2);
    off += 4;
  }
  *l3 = off;
  if (type == 0x0800) {
    if (len < off + 20 || (f[off] >> 4) != 4)
      return false;
    uint32_t ihl = (uint32_t)(f[off] & 0xf) * 4;
    if (ihl < 20 || off + ihl > len)
      return false;
    if ((rd16(f + off + 6) & 0x3fff) != 0) /* a fragment */
      return false;
    *proto = f[off + 9];
    *l4 = off + ihl;
    *v6 = false;
    return true;
  }
  if (type == 0x86dd) {
    if (len < off + 40 || (f[off] >> 4) != 6)
      return false;
    uint8_t nh = f[off + 6];
    uint32_t p = off + 40;
    /* hop-by-hop, routing, destination options */
    while (nh == 0 || nh == 43 || nh == 60) {
      if (p + 8 > len)
        return false;
      uint32_t hl = ((uint32_t)f[p + 1] + 1) * 8;
      nh = f[p];
      p += hl;
      if (p > len)
        return false;
    }
    *proto = nh;
    *l4 = p;
    *v6 = true;
    return true;
  }
  return false;
}

bool vl2_off_csum_locate(const uint8_t *f, uint32_t len, uint32_t *start,
                         uint32_t *off) {
  uint32_t l3, l4;
  uint8_t proto;
  bool v6;
  if (!parse_l3l4(f, len, &l3, &l4, &proto, &v6))
    return false;
  if (proto == 6 && l4 + 20 <= len) {
    *start = l4;
    *off = 16;
    return true;
  }
  if (proto == 17 && l4 + 8 <= len) {
    *start = l4;
    *off = 6;
    return true;
  }
  return false;
}

bool vl2_off_gso_prepare(const uint8_t *f, uint32_t len, uint8_t type,
                         uint16_t gso_size, vl2_off_gso *g) {
  uint8_t proto;
  if (gso_size == 0 ||
      !parse_l3l4(f, len, &g->l3_off, &g->l4_off, &proto, &g->v6))
    return false;
  switch (type) {
  case GSO_TCPV4:
  case GSO_TCPV6:
    if (proto != 6 || g->v6 != (type == GSO_TCPV6) || g->l4_off + 20 > len)
      return false;
    g->hdr_len = g->l4_off + (uint32_t)(f[g->l4_off + 12] >> 4) * 4;
    if (g->hdr_len < g->l4_off + 20)
      return false;
    break;
  case GSO_UDP_L4:
    if (proto != 17)
      return false;
    g->hdr_len = g->l4_off + 8;
    break;
  default:
    return false;
  }
  if (g->hdr_len > len)
    return false;
  g->type = type;
  g->size = gso_size;
  g->payload = len - g->hdr_len;
  g->nseg = g->payload == 0 ? 1 : (g->payload + gso_size - 1) / gso_size;
  return true;
}

uint32_t vl2_off_gso_segment(const uint8_t *f, const vl2_off_gso *g, uint32_t i,
                             uint8_t *dst) {
  uint32_t off = i * g->size;
  uint32_t plen = g->payload - off < g->size ? g->payload - off : g->size;
  uint32_t flen = g->hdr_len + plen;
  memcpy(dst, f, g->hdr_len);
  memcpy(dst + g->hdr_len, f + g->hdr_len + off, plen);

  uint8_t *ip = dst + g->l3_off;
  uint64_t pseudo;
  uint8_t proto = g->type == GSO_UDP_L4 ? 17 : 6;
  uint32_t l4len = flen - g->l4_off;
  if (!g->v6) {
    uint32_t ihl = (uint32_t)(ip[0] & 0xf) * 4;
    wr16(ip + 2, flen - g->l3_off);
    wr16(ip + 4, (uint32_t)rd16(ip + 4) + i);
    ip[10] = ip[11] = 0;
    put_csum(ip + 10, sum_bytes(ip, ihl, 0));
    uint8_t ph[4] = {0, proto, (uint8_t)(l4len >> 8), (uint8_t)l4len};
    pseudo = sum_bytes(ip + 12, 8, sum_bytes(ph, 4, 0));
  } else {
    wr16(ip + 4, flen - g->l3_off - 40);
    uint8_t ph[8] = {(uint8_t)(l4len >> 24),
                     (uint8_t)(l4len >> 16),
                     (uint8_t)(l4len >> 8),
                     (uint8_t)l4len,
                     0,
                     0,
                     0,
                     proto};
    pseudo = sum_bytes(ip + 8, 32, sum_bytes(ph, 8, 0));
  }

  uint8_t *l4 = dst + g->l4_off;
  uint32_t csum_off;
  if (proto == 6) {
    wr32(l4 + 4, rd32(l4 + 4) + off);
    if (i + 1 < g->nseg)
      l4[13] = (uint8_t)(l4[13] & ~(TCP_FIN | TCP_PSH));
    if (i > 0)
      l4[13] = (uint8_t)(l4[13] & ~TCP_CWR);
    csum_off = 16;
  } else {
    wr16(l4 + 4, l4len);
    csum_off = 6;
  }
  l4[csum_off] = l4[csum_off + 1] = 0;
  put_csum(l4 + csum_off, sum_bytes(l4, l4len, pseudo));
  return flen;
}
