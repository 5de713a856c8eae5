/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * VXLAN (RFC 7348): encapsulation into caller headroom, validating
 * decapsulation, and the inner-flow hash behind the outer UDP source port.
 *
 * Where it fits: called by embedders (and the switch, for
 * vl2_dest.udp_sport) per frame. Pure: no allocation, no OS calls, no
 * libc beyond memcpy/memset/memcmp; byte order by hand.
 */
#include <vl2/vxlan.h>

#include "vl2_tunnel.h"

#include <stdint.h>
#include <string.h>

#include "vl2_csum.h"
#include "vl2_wire.h"

#define ETH_HLEN 14
#define IP4_HLEN 20
#define IP6_HLEN 40
#define UDP_HLEN 8
#define ET_IPV4 0x0800u
#define ET_IPV6 0x86ddu
#define ET_8021Q 0x8100u
#define ET_8021AD 0x88a8u
#define ET_QINQ_OLD 0x9100u
#define IPPROTO_UDP_ 17u
#define MAX_TAGS 4
#define MAX_IP6_EXT 4

/* ---- Internet checksum (RFC 1071) -------------------------------------- */

/* Add |n| bytes at |p| to the big-endian accumulator |sum| (every chunk
 * but the last of one checksum has an even length). */
static uint64_t csum_add(uint64_t sum, const uint8_t *p, size_t n) {
  return sum + vl2_csum_be(p, n);
}

/* Fold |sum| to 16 bits and complement it. */
static uint16_t csum_fold(uint64_t sum) {
  return (uint16_t)~vl2_csum_fold(sum);
}

/* The pseudo-header sum for UDP over |family| (RFC 768, RFC 8200 8.1). */
static uint64_t pseudo_sum(unsigned family, const uint8_t *src,
                           const uint8_t *dst, uint32_t ulen) {
  size_t alen = family == VL2_AF_INET6 ? 16 : 4;
  uint64_t sum = csum_add(0, src, alen);
  sum = csum_add(sum, dst, alen);
  return sum + IPPROTO_UDP_ + ulen;
}

/* ---- configuration ----------------------------------------------------- */

int vl2_vxlan_config_default_versioned(int version, vl2_vxlan_config *cfg) {
  if (cfg == NULL)
    return VL2_ERR_INVALID;
  if (version != VL2_VXLAN_CONFIG_V1)
    return VL2_ERR_VERSION;
  memset(cfg, 0, sizeof(*cfg));
  cfg->dst_port = VL2_VXLAN_PORT;
  cfg->sport_lo = VL2_VXLAN_SPORT_LO;
  cfg->sport_hi = VL2_VXLAN_SPORT_HI;
  cfg->ttl = 64;
  cfg->tos = 0;
  cfg->flags = 0;
  cfg->underlay_mtu = 1500;
  cfg->hash_seed = 0;
  cfg->local.family = VL2_AF_NONE;
  return 0;
}

/* Whether |a| is a well-formed address record: a known family, zero
 * padding, and zero bytes after an IPv4 address. Word-wide: it runs on
 * every encapsulation. */
int vl2_tun_addr_ok(const vl2_ipaddr *a) {
  uint64_t hi;
  uint32_t mid;
  memcpy(&mid, a->addr + 4, 4);
  memcpy(&hi, a->addr + 8, 8);
  if ((a->pad[0] | a->pad[1] | a->pad[2]) != 0)
    return 0;
  if (a->family == VL2_AF_INET)
    return (mid | hi) == 0;
  return a->family == VL2_AF_NONE || a->family == VL2_AF_INET6;
}

int vl2_tun_config_ok(const vl2_vxlan_config *cfg) {
  return cfg->dst_port != 0 && cfg->sport_lo != 0 &&
         cfg->sport_lo <= cfg->sport_hi && cfg->ttl != 0 &&
         (cfg->flags & ~(uint32_t)VL2_VXLAN_F_ALL) == 0 &&
         (cfg->underlay_mtu == 0 ||
          (cfg->underlay_mtu >= 68 && cfg->underlay_mtu <= 65535)) &&
         (cfg->reserved[0] | cfg->reserved[1] | cfg->reserved[2] |
          cfg->reserved[4] | cfg->reserved[3]) == 0 &&
         vl2_tun_addr_ok(&cfg->local);
}

int vl2_vxlan_config_check(const vl2_vxlan_config *cfg) {
  return cfg != NULL && vl2_tun_config_ok(cfg) ? 0 : VL2_ERR_INVALID;
}

/* ---- sizes ------------------------------------------------------------- */

/* Outer IP + UDP + tunnel-header (|thlen| bytes) for |family|, or 0. */
static size_t ip_overhead(unsigned family, size_t thlen) {
  switch (family) {
  case VL2_AF_INET:
    return IP4_HLEN + UDP_HLEN + thlen;
  case VL2_AF_INET6:
    return IP6_HLEN + UDP_HLEN + thlen;
  default:
    return 0;
  }
}

static inline size_t overhead_of(unsigned family, unsigned layer,
                                 size_t thlen) {
  switch (layer) {
  case VL2_VXLAN_LAYER_UDP:
    return thlen;
  case VL2_VXLAN_LAYER_IP:
    return ip_overhead(family, thlen);
  case VL2_VXLAN_LAYER_ETH: {
    size_t o = ip_overhead(family, thlen);
    return o != 0 ? o + ETH_HLEN : 0;
  }
  default:
    return 0;
  }
}

static inline size_t max_frame_of(unsigned family, uint32_t underlay_mtu,
                                  size_t thlen) {
  size_t hdr = ip_overhead(family, thlen);
  if (hdr == 0)
    return 0;
  /* The 16-bit fields: IPv4 total length covers the IP header; the UDP
   * length (and IPv6 payload length) covers UDP + tunnel header + inner. */
  size_t field_max =
      family == VL2_AF_INET ? 65535u - hdr : 65535u - UDP_HLEN - thlen;
  if (underlay_mtu == 0)
    return field_max;
  if (underlay_mtu <= hdr)
    return 0;
  size_t m = (size_t)underlay_mtu - hdr;
  return m < field_max ? m : field_max;
}

/* ---- flow hash --------------------------------------------------------- */

#define H_K1 0x9e3779b97f4a7c15ULL
#define H_K2 0xc2b2ae3d27d4eb4fULL

static inline uint64_t rotl64(uint64_t x, unsigned r) {
  return (x << r) | (x >> (64u - r));
}

/* One xxhash64-style round: absorb |v| into |h|. */
static inline uint64_t hmix(uint64_t h, uint64_t v) {
  h ^= rotl64(v * H_K2, 31) * H_K1;
  return rotl64(h, 27) * H_K1 + 0x85ebca77c2b2ae63ULL;
}

/* MurmurHash3's 64-bit finalizer: full avalanche. */
static inline uint64_t hfinal(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

/* Whether |proto| carries 16-bit source and destination ports first. */
static inline int has_ports(unsigned proto) {
  return proto == 6 || proto == 17 || proto == 33 || proto == 132 ||
         proto == 136;
}

/* The offset of the L3 header after up to MAX_TAGS tags, and its
 * EtherType in |*et|; 0 when the frame is too short for that. */
static size_t l3_offset(const uint8_t *f, size_t len, uint16_t *et) {
  if (len < ETH_HLEN)
    return 0;
  size_t off = 12;
  uint16_t t = vl2_load_be16(f + off);
  for (int i = 0;
       i < MAX_TAGS && (t == ET_8021Q || t == ET_8021AD || t == ET_QINQ_OLD);
       i++) {
    if (len < off + 4 + 2)
      return 0;
    off += 4;
    t = vl2_load_be16(f + off);
  }
  *et = t;
  return off + 2;
}

static inline uint32_t flow_hash(const uint8_t *f, size_t len, uint64_t seed) {
  uint64_t h = seed ^ 0x27d4eb2f165667c5ULL;
  if (f == NULL || len < ETH_HLEN) {
    /* Hash what there is (byte by byte; short frames only). */
    for (size_t i = 0; f != NULL && i < len; i++)
      h = hmix(h, f[i]);
    h = hmix(h, len);
    h = hfinal(h);
    return (uint32_t)(h ^ (h >> 32));
  }
  h = hmix(h, vl2_mac_to_u64(f));     /* destination MAC */
  h = hmix(h, vl2_mac_to_u64(f + 6)); /* source MAC */
  uint16_t et = 0;
  size_t l3 = l3_offset(f, len, &et);
  if (l3 == 0) {
    h = hmix(h, 0xffff0000u | vl2_load_be16(f + 12));
    h = hfinal(h);
    return (uint32_t)(h ^ (h >> 32));
  }
  uint64_t tail = et; /* EtherType | proto << 16 | ports << 32 */
  if (et == ET_IPV4 && len >= l3 + IP4_HLEN && (f[l3] >> 4) == 4) {
    const uint8_t *ip = f + l3;
    size_t ihl = (size_t)(ip[0] & 0x0f) * 4;
    unsigned proto = ip[9];
    h = hmix(h, vl2_load_be64(ip + 12)); /* source and destination addresses */
    tail |= (uint64_t)proto << 16;
    int frag = (vl2_load_be16(ip + 6) & 0x3fff) != 0;
    if (!frag && ihl >= IP4_HLEN && has_ports(proto) && len >= l3 + ihl + 4)
      tail |= (uint64_t)vl2_load_be32(ip + ihl) << 32;
  } else if (et == ET_IPV6 && len >= l3 + IP6_HLEN && (f[l3] >> 4) == 6) {
    const uint8_t *ip = f + l3;
    h = hmix(h, vl2_load_be64(ip + 8));
    h = hmix(h, vl2_load_be64(ip + 16));
    h = hmix(h, vl2_load_be64(ip + 24));
    h = hmix(h, vl2_load_be64(ip + 32));
    unsigned nh = ip[6];
    size_t off = l3 + IP6_HLEN;
    int frag = 0;
    for (int i = 0; i < MAX_IP6_EXT; i++) {
      if (nh == 0 || nh == 43 || nh == 60) { /* HBH, routing, dst opts */
        if (len < off + 8)
          break;
        nh = f[off];
        off += ((size_t)f[off + 1] + 1) * 8;
      } else if (nh == 44) { /* fragment header */
        if (len < off + 8)
          break;
        nh = f[off];
        off += 8;
        frag = 1;
      } else {
        break;
      }
    }
    tail |= (uint64_t)nh << 16;
    if (!frag && has_ports(nh) && len >= off + 4)
      tail |= (uint64_t)vl2_load_be32(f + off) << 32;
  }
  h = hmix(h, tail);
  h = hfinal(h);
  return (uint32_t)(h ^ (h >> 32));
}

static inline uint16_t sport_map(uint32_t hash, uint16_t lo, uint16_t hi) {
  if (hi < lo) {
    uint16_t t = lo;
    lo = hi;
    hi = t;
  }
  uint64_t n = (uint64_t)hi - lo + 1; /* 1 .. 65536 */
  return (uint16_t)(lo + (uint16_t)(((uint64_t)hash * n) >> 32));
}

/* Public entry points. Internal callers use the static inline versions:
 * with -fPIC the compiler may not inline exported functions. */
size_t vl2_vxlan_overhead(unsigned family, unsigned layer) {
  return overhead_of(family, layer, VL2_VXLAN_HLEN);
}

size_t vl2_vxlan_max_frame(unsigned family, uint32_t underlay_mtu) {
  return max_frame_of(family, underlay_mtu, VL2_VXLAN_HLEN);
}

size_t vl2_tun_overhead(unsigned family, unsigned layer, size_t thlen) {
  return overhead_of(family, layer, thlen);
}

size_t vl2_tun_max_frame(unsigned family, uint32_t underlay_mtu, size_t thlen) {
  return max_frame_of(family, underlay_mtu, thlen);
}

uint32_t vl2_vxlan_flow_hash(const uint8_t *frame, size_t len, uint64_t seed) {
  return flow_hash(frame, len, seed);
}

uint16_t vl2_vxlan_sport_from_hash(uint32_t hash, uint16_t lo, uint16_t hi) {
  return sport_map(hash, lo, hi);
}

uint16_t vl2_vxlan_sport(const uint8_t *frame, size_t len, uint64_t seed,
                         uint16_t lo, uint16_t hi) {
  return sport_map(flow_hash(frame, len, seed), lo, hi);
}

/* ---- reasons ----------------------------------------------------------- */

static const char *const reason_names[VL2_VXLAN_R_COUNT] = {
    [VL2_VXLAN_R_NONE] = "none",
    [VL2_VXLAN_R_TRUNC_ETH] = "trunc_eth",
    [VL2_VXLAN_R_NOT_IP] = "not_ip",
    [VL2_VXLAN_R_TRUNC_IP] = "trunc_ip",
    [VL2_VXLAN_R_IP_VERSION] = "ip_version",
    [VL2_VXLAN_R_IP_IHL] = "ip_ihl",
    [VL2_VXLAN_R_IP_LEN] = "ip_len",
    [VL2_VXLAN_R_IP_CSUM] = "ip_csum",
    [VL2_VXLAN_R_IP_FRAGMENT] = "ip_fragment",
    [VL2_VXLAN_R_NOT_UDP] = "not_udp",
    [VL2_VXLAN_R_WRONG_DST] = "wrong_dst",
    [VL2_VXLAN_R_TRUNC_UDP] = "trunc_udp",
    [VL2_VXLAN_R_UDP_LEN] = "udp_len",
    [VL2_VXLAN_R_UDP_CSUM] = "udp_csum",
    [VL2_VXLAN_R_WRONG_PORT] = "wrong_port",
    [VL2_VXLAN_R_TRUNC_VXLAN] = "trunc_vxlan",
    [VL2_VXLAN_R_NO_I_FLAG] = "no_i_flag",
    [VL2_VXLAN_R_TRUNC_INNER] = "trunc_inner",
    [VL2_VXLAN_R_UNKNOWN_VNI] = "unknown_vni",
    [VL2_VXLAN_R_TOO_BIG] = "too_big",
    [VL2_VXLAN_R_TRUNC_GENEVE] = "trunc_geneve",
    [VL2_VXLAN_R_GENEVE_VERSION] = "bad_version",
    [VL2_VXLAN_R_GENEVE_OPT_LEN] = "opt_len",
    [VL2_VXLAN_R_GENEVE_OPT_TRUNC] = "opt_trunc",
    [VL2_VXLAN_R_GENEVE_CRIT_OPT] = "unknown_crit_opt",
    [VL2_VXLAN_R_GENEVE_OAM] = "oam",
    [VL2_VXLAN_R_GENEVE_PROTO] = "not_eth",
    [VL2_VXLAN_R_NOT_MEMBER] = "not_member",
};

const char *vl2_vxlan_reason_name(unsigned reason) {
  if (reason < VL2_VXLAN_R_COUNT && reason_names[reason] != NULL)
    return reason_names[reason];
  return "unknown";
}

/* ---- encapsulation ----------------------------------------------------- */

/* The inner frame's IP traffic class (TOS), or |dflt| when it is not IP. */
static uint8_t inner_tos(const uint8_t *f, size_t len, uint8_t dflt) {
  uint16_t et = 0;
  size_t l3 = l3_offset(f, len, &et);
  if (l3 == 0)
    return dflt;
  if (et == ET_IPV4 && len >= l3 + 2 && (f[l3] >> 4) == 4)
    return f[l3 + 1];
  if (et == ET_IPV6 && len >= l3 + 2 && (f[l3] >> 4) == 6)
    return (uint8_t)(vl2_load_be16(f + l3) >> 4);
  return dflt;
}

vl2_ssize vl2_tun_encap(uint8_t *buf, size_t *off, size_t len,
                        const vl2_vxlan_config *cfg,
                        const vl2_vxlan_encap_params *p, const uint8_t *thdr,
                        size_t thlen) {
  if (buf == NULL || off == NULL || cfg == NULL || p == NULL ||
      !vl2_tun_config_ok(cfg) || p->vni > VL2_VNI_MAX || p->reserved0 != 0 ||
      p->reserved1 != 0 || !vl2_tun_addr_ok(&p->remote))
    return VL2_ERR_INVALID;
  unsigned family = p->remote.family;
  unsigned layer = p->layer;
  if (family != VL2_AF_INET && family != VL2_AF_INET6)
    return VL2_ERR_INVALID;
  if (layer != VL2_VXLAN_LAYER_UDP && layer != VL2_VXLAN_LAYER_IP &&
      layer != VL2_VXLAN_LAYER_ETH)
    return VL2_ERR_INVALID;
  if (layer != VL2_VXLAN_LAYER_UDP && cfg->local.family != family)
    return VL2_ERR_INVALID;
  size_t hdr = overhead_of(family, layer, thlen);
  if (*off < hdr)
    return VL2_ERR_NOBUF;
  if (len < VL2_VXLAN_INNER_MIN)
    return VL2_ERR_MALFORMED;
  if (len > max_frame_of(family, cfg->underlay_mtu, thlen))
    return VL2_ERR_LIMIT;

  const uint8_t *inner = buf + *off;
  uint8_t *pkt = buf + *off - hdr;
  uint8_t *th = buf + *off - thlen;

  /* The tunnel header (VXLAN, Geneve) right in front of the inner frame;
   * the outer headers in front of it. */
  memcpy(th, thdr, thlen);
  if (layer == VL2_VXLAN_LAYER_UDP) {
    *off -= hdr;
    return (vl2_ssize)(len + hdr);
  }

  uint32_t hash = p->flow_hash;
  int need_hash = p->sport == 0 || (family == VL2_AF_INET6 &&
                                    (cfg->flags & VL2_VXLAN_F_FLOWLABEL));
  if (need_hash && hash == 0)
    hash = flow_hash(inner, len, cfg->hash_seed);
  uint16_t sport =
      p->sport != 0 ? p->sport : sport_map(hash, cfg->sport_lo, cfg->sport_hi);
  uint8_t tos = (cfg->flags & VL2_VXLAN_F_TOS_INHERIT)
                    ? inner_tos(inner, len, cfg->tos)
                    : cfg->tos;
  uint16_t ulen = (uint16_t)(UDP_HLEN + thlen + len);

  uint8_t *ip = layer == VL2_VXLAN_LAYER_ETH ? pkt + ETH_HLEN : pkt;
  uint8_t *udp;
  const uint8_t *src_addr = cfg->local.addr;
  const uint8_t *dst_addr = p->remote.addr;
  int udp_csum;
  if (family == VL2_AF_INET) {
    udp = ip + IP4_HLEN;
    ip[0] = 0x45;
    ip[1] = tos;
    vl2_store_be16(ip + 2, (uint16_t)(IP4_HLEN + ulen));
    vl2_store_be16(ip + 4, 0);      /* ID: atomic datagram, RFC 6864 */
    vl2_store_be16(ip + 6, 0x4000); /* DF, offset 0 */
    ip[8] = cfg->ttl;
    ip[9] = IPPROTO_UDP_;
    vl2_store_be16(ip + 10, 0);
    memcpy(ip + 12, src_addr, 4);
    memcpy(ip + 16, dst_addr, 4);
    vl2_store_be16(ip + 10, csum_fold(csum_add(0, ip, IP4_HLEN)));
    udp_csum = (cfg->flags & VL2_VXLAN_F_UDP4_CSUM) != 0;
  } else {
    udp = ip + IP6_HLEN;
    uint32_t label = (cfg->flags & VL2_VXLAN_F_FLOWLABEL) ? hash & 0xfffffu : 0;
    vl2_store_be32(ip, 6u << 28 | (uint32_t)tos << 20 | label);
    vl2_store_be16(ip + 4, ulen);
    ip[6] = IPPROTO_UDP_;
    ip[7] = cfg->ttl;
    memcpy(ip + 8, src_addr, 16);
    memcpy(ip + 24, dst_addr, 16);
    udp_csum = (cfg->flags & VL2_VXLAN_F_UDP6_ZERO_CSUM_TX) == 0;
  }
  vl2_store_be16(udp, sport);
  vl2_store_be16(udp + 2, cfg->dst_port);
  vl2_store_be16(udp + 4, ulen);
  vl2_store_be16(udp + 6, 0);
  if (udp_csum) {
    uint64_t sum = pseudo_sum(family, src_addr, dst_addr, ulen);
    sum = csum_add(sum, udp, UDP_HLEN); /* even: thlen is a multiple of 4 */
    sum = csum_add(sum, th, thlen);
    sum = csum_add(sum, inner, len);
    uint16_t c = csum_fold(sum);
    vl2_store_be16(udp + 6, c != 0 ? c : 0xffff); /* RFC 768: 0 means "none" */
  }
  if (layer == VL2_VXLAN_LAYER_ETH) {
    memcpy(pkt, p->eth_dst.b, 6);
    memcpy(pkt + 6, p->eth_src.b, 6);
    vl2_store_be16(pkt + 12,
                   (uint16_t)(family == VL2_AF_INET ? ET_IPV4 : ET_IPV6));
  }
  *off -= hdr;
  return (vl2_ssize)(len + hdr);
}

vl2_ssize vl2_vxlan_encap(uint8_t *buf, size_t *off, size_t len,
                          const vl2_vxlan_config *cfg,
                          const vl2_vxlan_encap_params *p) {
  /* VXLAN header (RFC 7348 section 5): I flag, reserved 0, VNI. */
  uint8_t vx[VL2_VXLAN_HLEN] = {VL2_VXLAN_FLAG_I, 0, 0, 0, 0, 0, 0, 0};
  if (p != NULL)
    vl2_store_be32(vx + 4, (p->vni & VL2_VNI_MAX) << 8);
  return vl2_tun_encap(buf, off, len, cfg, p, vx, sizeof(vx));
}

/* ---- decapsulation ----------------------------------------------------- */

static int refuse(vl2_vxlan_info *out, vl2_vxlan_reason r) {
  out->reason = (uint16_t)r;
  return VL2_ERR_MALFORMED;
}

/* Whether |a| (of |family|, |n| bytes at |addr|) is the local address. */
static int dst_ok(const vl2_vxlan_config *cfg, unsigned family,
                  const uint8_t *addr, size_t n) {
  if (cfg->local.family == VL2_AF_NONE)
    return 1;
  return cfg->local.family == family && memcmp(cfg->local.addr, addr, n) == 0;
}

/* Validate the UDP header at |pkt + off|, |avail| bytes of IP payload, and
 * leave the UDP payload's offset and length in |out->inner_off|,
 * |out->inner_len|; |family| 0 means the UDP-payload layer (no UDP
 * header). */
static int parse_udp(const vl2_vxlan_config *cfg, const uint8_t *pkt,
                     size_t off, size_t avail, unsigned family,
                     vl2_vxlan_info *out) {
  size_t vlen = avail;
  if (family != VL2_AF_NONE) {
    const uint8_t *udp = pkt + off;
    if (avail < UDP_HLEN)
      return refuse(out, VL2_VXLAN_R_TRUNC_UDP);
    uint16_t ulen = vl2_load_be16(udp + 4);
    if (ulen < UDP_HLEN || ulen > avail)
      return refuse(out, VL2_VXLAN_R_UDP_LEN);
    out->sport = vl2_load_be16(udp);
    out->dport = vl2_load_be16(udp + 2);
    if (out->dport != cfg->dst_port)
      return refuse(out, VL2_VXLAN_R_WRONG_PORT);
    uint16_t csum = vl2_load_be16(udp + 6);
    if (csum == 0) {
      if (family == VL2_AF_INET6 &&
          (cfg->flags & VL2_VXLAN_F_UDP6_ZERO_CSUM_RX) == 0)
        return refuse(out, VL2_VXLAN_R_UDP_CSUM);
    } else if ((cfg->flags & VL2_VXLAN_F_NO_CSUM_VERIFY) == 0) {
      uint64_t sum = pseudo_sum(family, out->src.addr, out->dst.addr, ulen);
      sum = csum_add(sum, udp, ulen);
      if (csum_fold(sum) != 0)
        return refuse(out, VL2_VXLAN_R_UDP_CSUM);
    }
    off += UDP_HLEN;
    vlen = (size_t)ulen - UDP_HLEN;
  }
  out->inner_off = (uint32_t)off;
  out->inner_len = (uint32_t)vlen;
  return 0;
}

/* Validate the VXLAN header at the UDP payload |out->inner_off|,
 * |out->inner_len|, and narrow those to the inner frame. */
static int parse_vxlan(const uint8_t *pkt, vl2_vxlan_info *out) {
  size_t off = out->inner_off, vlen = out->inner_len;
  const uint8_t *vx = pkt + off;
  if (vlen < VL2_VXLAN_HLEN)
    return refuse(out, VL2_VXLAN_R_TRUNC_VXLAN);
  out->vxlan_flags = vx[0];
  out->vni = vl2_load_be32(vx + 4) >> 8;
  /* RFC 7348 section 5: the I flag MUST be 1; the other flag bits and the
   * reserved fields MUST be ignored on receipt. */
  if ((vx[0] & VL2_VXLAN_FLAG_I) == 0)
    return refuse(out, VL2_VXLAN_R_NO_I_FLAG);
  if (vlen - VL2_VXLAN_HLEN < VL2_VXLAN_INNER_MIN)
    return refuse(out, VL2_VXLAN_R_TRUNC_INNER);
  out->inner_off = (uint32_t)(off + VL2_VXLAN_HLEN);
  out->inner_len = (uint32_t)(vlen - VL2_VXLAN_HLEN);
  return 0;
}

/* Validate the IP header at |pkt + off| (|len| bytes in all); |want| is the
 * version the EtherType named, or 0 to take it from the header. */
static int parse_ip(const vl2_vxlan_config *cfg, const uint8_t *pkt, size_t off,
                    size_t len, unsigned want, vl2_vxlan_info *out) {
  size_t avail = len - off;
  const uint8_t *ip = pkt + off;
  if (avail < 1)
    return refuse(out, VL2_VXLAN_R_TRUNC_IP);
  unsigned ver = ip[0] >> 4;
  if ((want != 0 && ver != want) || (ver != 4 && ver != 6))
    return refuse(out, VL2_VXLAN_R_IP_VERSION);
  if (ver == 4) {
    if (avail < IP4_HLEN)
      return refuse(out, VL2_VXLAN_R_TRUNC_IP);
    size_t ihl = (size_t)(ip[0] & 0x0f) * 4;
    if (ihl < IP4_HLEN || ihl > avail)
      return refuse(out, VL2_VXLAN_R_IP_IHL);
    size_t tot = vl2_load_be16(ip + 2);
    if (tot < ihl || tot > avail)
      return refuse(out, VL2_VXLAN_R_IP_LEN);
    if (csum_fold(csum_add(0, ip, ihl)) != 0)
      return refuse(out, VL2_VXLAN_R_IP_CSUM);
    if ((vl2_load_be16(ip + 6) & 0x3fff) != 0)
      return refuse(out, VL2_VXLAN_R_IP_FRAGMENT);
    out->tos = ip[1];
    out->ttl = ip[8];
    out->src.family = VL2_AF_INET;
    memcpy(out->src.addr, ip + 12, 4);
    out->dst.family = VL2_AF_INET;
    memcpy(out->dst.addr, ip + 16, 4);
    if (ip[9] != IPPROTO_UDP_)
      return refuse(out, VL2_VXLAN_R_NOT_UDP);
    if (!dst_ok(cfg, VL2_AF_INET, ip + 16, 4))
      return refuse(out, VL2_VXLAN_R_WRONG_DST);
    return parse_udp(cfg, pkt, off + ihl, tot - ihl, VL2_AF_INET, out);
  }
  if (avail < IP6_HLEN)
    return refuse(out, VL2_VXLAN_R_TRUNC_IP);
  size_t plen = vl2_load_be16(ip + 4);
  if (plen == 0 || plen > avail - IP6_HLEN) /* 0: jumbogram, unsupported */
    return refuse(out, VL2_VXLAN_R_IP_LEN);
  out->tos = (uint8_t)(vl2_load_be16(ip) >> 4);
  out->ttl = ip[7];
  out->src.family = VL2_AF_INET6;
  memcpy(out->src.addr, ip + 8, 16);
  out->dst.family = VL2_AF_INET6;
  memcpy(out->dst.addr, ip + 24, 16);
  if (ip[6] != IPPROTO_UDP_)
    return refuse(out, VL2_VXLAN_R_NOT_UDP);
  if (!dst_ok(cfg, VL2_AF_INET6, ip + 24, 16))
    return refuse(out, VL2_VXLAN_R_WRONG_DST);
  return parse_udp(cfg, pkt, off + IP6_HLEN, plen, VL2_AF_INET6, out);
}

int vl2_tun_decap(const vl2_vxlan_config *cfg, const uint8_t *pkt, size_t len,
                  unsigned layer, vl2_vxlan_info *out) {
  memset(out, 0, sizeof(*out));
  out->layer = (uint8_t)layer;
  switch (layer) {
  case VL2_VXLAN_LAYER_UDP:
    return parse_udp(cfg, pkt, 0, len, VL2_AF_NONE, out);
  case VL2_VXLAN_LAYER_IP:
    return parse_ip(cfg, pkt, 0, len, 0, out);
  case VL2_VXLAN_LAYER_ETH: {
    if (len < ETH_HLEN)
      return refuse(out, VL2_VXLAN_R_TRUNC_ETH);
    uint16_t et = vl2_load_be16(pkt + 12);
    if (et == ET_IPV4)
      return parse_ip(cfg, pkt, ETH_HLEN, len, 4, out);
    if (et == ET_IPV6)
      return parse_ip(cfg, pkt, ETH_HLEN, len, 6, out);
    return refuse(out, VL2_VXLAN_R_NOT_IP);
  }
  default:
    return VL2_ERR_INVALID;
  }
}

int vl2_vxlan_decap(const vl2_vxlan_config *cfg, const uint8_t *pkt, size_t len,
                    unsigned layer, vl2_vxlan_info *out) {
  vl2_vxlan_config dflt;
  if (out == NULL || (pkt == NULL && len > 0))
    return VL2_ERR_INVALID;
  if (cfg == NULL) {
    vl2_vxlan_config_default(&dflt);
    cfg = &dflt;
  } else if (!vl2_tun_config_ok(cfg)) {
    return VL2_ERR_INVALID;
  }
  int rv = vl2_tun_decap(cfg, pkt, len, layer, out);
  if (rv != 0)
    return rv;
  return parse_vxlan(pkt, out);
}

int vl2_vxlan_decap_frame(const vl2_vxlan_config *cfg, vl2_frame *f,
                          unsigned layer, uint16_t *reason) {
  vl2_vxlan_info info;
  if (reason != NULL)
    *reason = VL2_VXLAN_R_NONE;
  if (f == NULL)
    return VL2_ERR_INVALID;
  int rv = vl2_vxlan_decap(cfg, f->data, f->len, layer, &info);
  if (rv != 0) {
    if (reason != NULL && rv == VL2_ERR_MALFORMED)
      *reason = info.reason;
    return rv;
  }
  f->data += info.inner_off;
  f->len = info.inner_len;
  f->port = VL2_PORT_REMOTE;
  f->vni = info.vni;
  if (layer != VL2_VXLAN_LAYER_UDP)
    f->remote = info.src;
  return 0;
}
