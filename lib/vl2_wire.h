/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/* Internal: unaligned big-endian loads and stores, MAC predicates, the
 * TPID test. No <arpa/inet.h>: the core stays free of POSIX. Shared by the
 * core and the backends (backends/common). */
#ifndef VL2_WIRE_H
#define VL2_WIRE_H

#include <stdint.h>
#include <string.h>

#include <vl2/vlan.h>

static inline uint16_t vl2_load_be16(const uint8_t *p) {
  return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}
static inline uint32_t vl2_load_be32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
         p[3];
}
static inline uint64_t vl2_load_be64(const uint8_t *p) {
  return (uint64_t)vl2_load_be32(p) << 32 | vl2_load_be32(p + 4);
}
static inline void vl2_store_be16(uint8_t *p, uint16_t v) {
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}
static inline void vl2_store_be32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}

/* The 48-bit MAC at |p| as an integer, first octet most significant. */
static inline uint64_t vl2_mac_to_u64(const uint8_t *p) {
  return (uint64_t)p[0] << 40 | (uint64_t)p[1] << 32 | (uint64_t)p[2] << 24 |
         (uint64_t)p[3] << 16 | (uint64_t)p[4] << 8 | (uint64_t)p[5];
}
/* The same for a MAC inside a frame, where 8 bytes are readable at |p|
 * (a frame's destination or source MAC when the frame has at least 14
 * bytes): one load and a byte swap instead of six loads. */
static inline uint64_t vl2_frame_mac_to_u64(const uint8_t *p) {
  uint64_t v;
  memcpy(&v, p, sizeof(v));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  return __builtin_bswap64(v) >> 16;
#else
  return v >> 16;
#endif
}
static inline void vl2_u64_to_mac(uint64_t v, uint8_t *p) {
  for (int i = 5; i >= 0; i--) {
    p[i] = (uint8_t)v;
    v >>= 8;
  }
}
/* Group (multicast or broadcast) address: I/G bit of the first octet. */
static inline int vl2_mac_is_group(const uint8_t *p) { return p[0] & 1; }
static inline int vl2_mac_is_zero(const uint8_t *p) {
  return (p[0] | p[1] | p[2] | p[3] | p[4] | p[5]) == 0;
}
static inline int vl2_mac_is_bcast(const uint8_t *p) {
  return (p[0] & p[1] & p[2] & p[3] & p[4] & p[5]) == 0xff;
}

/* An 802.1Q C-tag or 802.1ad S-tag TPID. */
static inline int vl2_is_tpid(uint16_t t) {
  return t == VL2_TPID_8021Q || t == VL2_TPID_8021AD;
}

#endif /* !defined(VL2_WIRE_H) */
