/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * Internal: counters out to a caller whose struct may be older or newer
 * than the library's (the `_get_stats_versioned(..., size, ...)` getters,
 * ngtcp2's `_versioned` scheme): counters only ever grow at the end, so
 * a shorter caller struct gets the prefix it knows and a longer one gets
 * zeros for what this library does not count.
 */
#ifndef VL2_STATS_H
#define VL2_STATS_H

#include <stddef.h>
#include <string.h>

static inline void vl2_stats_copy(void *dst, size_t dst_size, const void *src,
                                  size_t src_size) {
  if (dst_size <= src_size) {
    memcpy(dst, src, dst_size);
  } else {
    memcpy(dst, src, src_size);
    memset((char *)dst + src_size, 0, dst_size - src_size);
  }
}

#endif /* !defined(VL2_STATS_H) */
