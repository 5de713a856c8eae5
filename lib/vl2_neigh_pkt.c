/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * ARP (RFC 826) and ND (RFC 4861) packets: validation of what arrives,
 * building of what the switch sends.
 *
 * Where it fits: pure functions used by suppression, the resolver and
 * the directory; no state.
 */
#include "vl2_neigh_int.h"

#include <string.h>

#include "vl2_csum.h"
#include "vl2_wire.h"

const uint8_t vl2_neigh_mac_bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
const uint8_t vl2_neigh_mac_zero[6] = {0};
const uint8_t vl2_neigh_ip6_all_nodes[16] = {0xff, 0x02, 0, 0, 0, 0, 0, 0,
                                             0,    0,    0, 0, 0, 0, 0, 1};

size_t vl2_neigh_eth_hdr(uint8_t *b, const uint8_t *dst, const uint8_t *src,
                         uint16_t et) {
  memcpy(b, dst, 6);
  memcpy(b + 6, src, 6);
  vl2_store_be16(b + 12, et);
  return VL2_ETH_HLEN;
}

/* RFC 826 packet: Ethernet hardware (1), IPv4 protocol. */
size_t vl2_neigh_arp_build(uint8_t *b, uint16_t op, const uint8_t *eth_dst,
                           const uint8_t *sha, const uint8_t *spa,
                           const uint8_t *tha, const uint8_t *tpa) {
  size_t o = vl2_neigh_eth_hdr(b, eth_dst, sha, VL2_ETH_P_ARP);
  vl2_store_be16(b + o, 1);
  vl2_store_be16(b + o + 2, VL2_ETH_P_IPV4);
  b[o + 4] = 6;
  b[o + 5] = 4;
  vl2_store_be16(b + o + 6, op);
  memcpy(b + o + 8, sha, 6);
  memcpy(b + o + 14, spa, 4);
  memcpy(b + o + 18, tha, 6);
  memcpy(b + o + 24, tpa, 4);
  return o + ARP_LEN;
}

/* An ND message (RFC 4861 sections 4.3, 4.4): IPv6 header with hop limit
 * 255, ICMPv6 |type| with |flags| (NA) and |target|, and a link-layer
 * address option of |opt_type| carrying |lladdr| when it is non-NULL. */
size_t vl2_neigh_nd_build(uint8_t *b, const uint8_t *eth_dst,
                          const uint8_t *eth_src, const uint8_t *ip_src,
                          const uint8_t *ip_dst, uint8_t type, uint8_t flags,
                          const uint8_t *target, uint8_t opt_type,
                          const uint8_t *lladdr) {
  size_t o = vl2_neigh_eth_hdr(b, eth_dst, eth_src, VL2_ETH_P_IPV6);
  uint16_t plen = (uint16_t)(24 + (lladdr != NULL ? 8 : 0));
  uint8_t *ip = b + o;
  vl2_store_be32(ip, 0x60000000u);
  vl2_store_be16(ip + 4, plen);
  ip[6] = 58;
  ip[7] = 255;
  memcpy(ip + 8, ip_src, 16);
  memcpy(ip + 24, ip_dst, 16);
  uint8_t *ic = ip + IP6_HLEN;
  memset(ic, 0, plen);
  ic[0] = type;
  ic[4] = flags;
  memcpy(ic + 8, target, 16);
  if (lladdr != NULL) {
    ic[24] = opt_type;
    ic[25] = 1;
    memcpy(ic + 26, lladdr, 6);
  }
  vl2_store_be16(ic + 2, vl2_csum_icmp6(ip_src, ip_dst, ic, plen));
  return o + IP6_HLEN + plen;
}

/* RFC 826 validation; 0 when the ARP packet is usable. */
int vl2_neigh_parse_arp(const uint8_t *a, size_t len, nb_pkt *k) {
  if (len < ARP_LEN || vl2_load_be16(a) != 1 ||
      vl2_load_be16(a + 2) != VL2_ETH_P_IPV4 || a[4] != 6 || a[5] != 4)
    return -1;
  uint16_t op = vl2_load_be16(a + 6);
  if (op != 1 && op != 2)
    return -1;
  k->family = VL2_AF_INET;
  k->op = (uint8_t)op;
  k->is_req = (uint8_t)(op == 1);
  k->lla = a + 8;
  memcpy(k->sip, a + 14, 4);
  memcpy(k->tip, a + 24, 4);
  k->sip_zero = (uint8_t)(vl2_load_be32(a + 14) == 0);
  return 0;
}

int vl2_ip6_unspec(const uint8_t *a) {
  static const uint8_t z[16] = {0};
  return memcmp(a, z, 16) == 0;
}

/* RFC 4861 sections 7.1.1 / 7.1.2 validation of an NS or NA; 0 when
 * usable. */
int vl2_neigh_parse_nd(const uint8_t *ip, size_t len, nb_pkt *k) {
  if (len < IP6_HLEN + 24 || (ip[0] >> 4) != 6 || ip[6] != 58 || ip[7] != 255)
    return -1;
  size_t plen = vl2_load_be16(ip + 4);
  if (plen < 24 || IP6_HLEN + plen > len)
    return -1;
  const uint8_t *ic = ip + IP6_HLEN;
  if (ic[1] != 0 || vl2_csum_icmp6(ip + 8, ip + 24, ic, plen) != 0)
    return -1;
  if (ic[8] == 0xff)
    return -1; /* target is multicast */
  k->family = VL2_AF_INET6;
  k->is_nd = 1;
  k->op = ic[0];
  k->lla = NULL;
  uint8_t want = ic[0] == ICMP6_NS ? ND_OPT_SLLA : ND_OPT_TLLA;
  for (size_t o = 24; o + 2 <= plen;) {
    size_t ol = (size_t)ic[o + 1] * 8;
    if (ol == 0 || o + ol > plen)
      return -1;
    if (ic[o] == want && ol >= 8)
      k->lla = ic + o + 2;
    o += ol;
  }
  if (ic[0] == ICMP6_NS) {
    k->is_req = 1;
    memcpy(k->sip, ip + 8, 16);
    memcpy(k->tip, ic + 8, 16);
    k->sip_zero = (uint8_t)vl2_ip6_unspec(ip + 8);
    if (k->sip_zero && k->lla != NULL)
      return -1; /* RFC 4861 section 7.1.1 */
  } else {
    k->na_flags = ic[4];
    memcpy(k->sip, ic + 8, 16);
    memcpy(k->tip, ic + 8, 16);
  }
  return 0;
}
