/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * Internal: the core's one Internet checksum (RFC 1071). Every user in
 * lib/ (VXLAN/Geneve outer UDP, ARP/ND and IGMP/MLD packets, GRO, the
 * egress stage's software offloads) sums through these; backends reach it
 * through the exported vl2_csum_complete() (<vl2/egress.h>).
 *
 * The sum is taken over native-order 16-bit words, 8 bytes per load;
 * RFC 1071 section 2(B) shows the ones' complement sum is byte-order
 * independent, so a native sum stored natively (memcpy) is the right
 * checksum, and vl2_csum_be() converts a sum to the big-endian value for
 * callers that add host integers (lengths, protocol numbers) to it.
 */
#ifndef VL2_CSUM_H
#define VL2_CSUM_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Add |n| bytes at |p| to the native-order accumulator |acc| (not
 * folded). An odd trailing byte counts as the first byte of a
 * zero-padded word, so every chunk but the last must have an even
 * length. */
static inline uint64_t vl2_csum_partial(const uint8_t *p, size_t n,
                                        uint64_t acc) {
  uint64_t s1 = 0;
  while (n >= 16) {
    uint64_t a, b;
    memcpy(&a, p, 8);
    memcpy(&b, p + 8, 8);
    acc += (a & 0xffffffffu) + (a >> 32);
    s1 += (b & 0xffffffffu) + (b >> 32);
    p += 16;
    n -= 16;
  }
  acc += s1;
  if (n >= 8) {
    uint64_t a;
    memcpy(&a, p, 8);
    acc += (a & 0xffffffffu) + (a >> 32);
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
    memcpy(&w, p, 1);
    acc += w;
  }
  return acc;
}

/* Fold an accumulator (either byte order) to 16 bits, not complemented. */
static inline uint16_t vl2_csum_fold(uint64_t acc) {
  acc = (acc & 0xffffffffu) + (acc >> 32);
  acc = (acc & 0xffffffffu) + (acc >> 32);
  acc = (acc & 0xffffu) + (acc >> 16);
  acc = (acc & 0xffffu) + (acc >> 16);
  acc = (acc & 0xffffu) + (acc >> 16);
  return (uint16_t)acc;
}

/* The folded sum of |n| bytes at |p| as a big-endian 16-bit value: add
 * host integers (a length, a protocol number) to it, fold, complement,
 * and store it big-endian. */
static inline uint32_t vl2_csum_be(const uint8_t *p, size_t n) {
  uint16_t f = vl2_csum_fold(vl2_csum_partial(p, n, 0));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  f = (uint16_t)((f & 0xffu) << 8 | f >> 8);
#elif !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_BIG_ENDIAN__
#error "unknown byte order"
#endif
  return f;
}

/* Store the checksum of native accumulator |acc| at |p| (2 bytes, any
 * alignment). 0 becomes 0xffff: UDP's "no checksum" value is never
 * produced, and for TCP both are the same number. */
static inline void vl2_csum_store(uint8_t *p, uint64_t acc) {
  uint16_t c = (uint16_t)~vl2_csum_fold(acc);
  if (c == 0)
    c = 0xffff;
  memcpy(p, &c, 2);
}

/* The Internet checksum of |n| bytes at |p| (an IPv4 header, an IGMP
 * message), big-endian: 0 when a received one verifies. */
static inline uint16_t vl2_csum_be_of(const uint8_t *p, size_t n) {
  return (uint16_t)~vl2_csum_fold(vl2_csum_be(p, n));
}

/* The ICMPv6 checksum (RFC 4443 section 2.3) of |len| bytes at |icmp|
 * over the IPv6 pseudo-header (RFC 8200 section 8.1) of 16-byte
 * addresses |src| and |dst|, big-endian: 0 when a received one verifies. */
static inline uint16_t vl2_csum_icmp6(const uint8_t *src, const uint8_t *dst,
                                      const uint8_t *icmp, size_t len) {
  uint64_t sum = vl2_csum_be(src, 16) + vl2_csum_be(dst, 16);
  sum += (uint32_t)(len >> 16) + (uint32_t)(len & 0xffff) + 58u;
  sum += vl2_csum_be(icmp, len);
  return (uint16_t)~vl2_csum_fold(sum);
}

#endif /* !defined(VL2_CSUM_H) */
