/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/* The size rule of libvl2's `_versioned` counter getters
 * (lib/vl2_stats.h), as one test macro for the Check suites (through
 * helpers.h) and for the backends' tests, which include this file
 * alone. Those that do not use Check define VL2T_RULE_CHECK(cond, fmt,
 * ...) first, to report a failed condition their own way. */
#ifndef VL2T_STATS_RULE_H
#define VL2T_STATS_RULE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <vl2/common.h>

#ifndef VL2T_RULE_CHECK
#include <check.h>
#define VL2T_RULE_CHECK(cond, ...) ck_assert_msg(cond, __VA_ARGS__)
#endif

/* How many bytes of |p| in [from, to) are not |v|. */
static inline size_t vl2t_bytes_not(const void *p, size_t from, size_t to,
                                    unsigned char v) {
  size_t n = 0;
  for (size_t i = from; i < to; i++)
    n += ((const unsigned char *)p)[i] != v;
  return n;
}

/* Check the size rule of one getter. |call| is the getter's call with
 * `vl2t_sz` as its size and `vl2t_st` (a `T *`) as its struct, e.g.
 *   VL2T_STATS_SIZE_RULE(vl2_port_stats, 8,
 *       vl2_switch_port_get_stats_versioned(sw, 1, vl2t_sz, vl2t_st));
 * Set up counters first so that the first |prefix| bytes are not all
 * zero, and keep them still during the check. Checks: the full size
 * succeeds; a size of |prefix| bytes (an older caller) gets those bytes
 * of the full struct and the bytes after them stay as they were; a size
 * 64 bytes over (a newer caller) gets the full struct and zeros after it,
 * and nothing beyond; a size of 0 is VL2_ERR_INVALID and writes nothing. */
#define VL2T_STATS_SIZE_RULE(T, prefix, call)                                  \
  do {                                                                         \
    union {                                                                    \
      T t;                                                                     \
      uint64_t w[sizeof(T) / 8 + 9];                                           \
    } vl2t_full, vl2t_buf;                                                     \
    const size_t vl2t_pre = (prefix);                                          \
    const size_t vl2t_end = sizeof(T) + 64;                                    \
    size_t vl2t_sz = sizeof(T);                                                \
    T *vl2t_st = &vl2t_full.t;                                                 \
    int vl2t_rv;                                                               \
    VL2T_RULE_CHECK(vl2t_pre > 0 && vl2t_pre < sizeof(T), "prefix %zu of %zu", \
                    vl2t_pre, sizeof(T));                                      \
    memset(&vl2t_full, 0, sizeof(vl2t_full));                                  \
    vl2t_rv = (call);                                                          \
    VL2T_RULE_CHECK(vl2t_rv == 0, "size %zu: %d", vl2t_sz, vl2t_rv);           \
    VL2T_RULE_CHECK(vl2t_bytes_not(&vl2t_full, 0, vl2t_pre, 0) > 0,            \
                    "the first %zu bytes count nothing", vl2t_pre);            \
    vl2t_st = &vl2t_buf.t;                                                     \
    memset(&vl2t_buf, 0xa5, sizeof(vl2t_buf));                                 \
    vl2t_sz = vl2t_pre;                                                        \
    vl2t_rv = (call);                                                          \
    VL2T_RULE_CHECK(vl2t_rv == 0, "size %zu: %d", vl2t_sz, vl2t_rv);           \
    VL2T_RULE_CHECK(memcmp(&vl2t_buf, &vl2t_full, vl2t_pre) == 0,              \
                    "size %zu: not the prefix", vl2t_sz);                      \
    VL2T_RULE_CHECK(                                                           \
        vl2t_bytes_not(&vl2t_buf, vl2t_pre, sizeof(vl2t_buf), 0xa5) == 0,      \
        "size %zu: bytes after it written", vl2t_sz);                          \
    memset(&vl2t_buf, 0xa5, sizeof(vl2t_buf));                                 \
    vl2t_sz = vl2t_end;                                                        \
    vl2t_rv = (call);                                                          \
    VL2T_RULE_CHECK(vl2t_rv == 0, "size %zu: %d", vl2t_sz, vl2t_rv);           \
    VL2T_RULE_CHECK(memcmp(&vl2t_buf, &vl2t_full, sizeof(T)) == 0,             \
                    "size %zu: not the struct", vl2t_sz);                      \
    VL2T_RULE_CHECK(vl2t_bytes_not(&vl2t_buf, sizeof(T), vl2t_end, 0) == 0,    \
                    "size %zu: not zeros after the struct", vl2t_sz);          \
    VL2T_RULE_CHECK(                                                           \
        vl2t_bytes_not(&vl2t_buf, vl2t_end, sizeof(vl2t_buf), 0xa5) == 0,      \
        "size %zu: bytes beyond it written", vl2t_sz);                         \
    memset(&vl2t_buf, 0xa5, sizeof(vl2t_buf));                                 \
    vl2t_sz = 0;                                                               \
    vl2t_rv = (call);                                                          \
    VL2T_RULE_CHECK(vl2t_rv == VL2_ERR_INVALID, "size 0: %d", vl2t_rv);        \
    VL2T_RULE_CHECK(vl2t_bytes_not(&vl2t_buf, 0, sizeof(vl2t_buf), 0xa5) == 0, \
                    "size 0: bytes written");                                  \
  } while (0)

#endif /* !defined(VL2T_STATS_RULE_H) */
