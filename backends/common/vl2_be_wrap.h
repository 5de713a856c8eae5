/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * Internal to the backends (not installed): allocate a ::vl2_backend
 * instance for a middleware (a backend that wraps another one, such as
 * faulty or pcapwrite), whose state cannot travel through
 * vl2_backend_open()'s argument string.
 *
 * The instance is allocated exactly the way vl2_backend_open() does it
 * (calloc through the resolved allocator, stored in `be->mem`), so
 * vl2_backend_close() releases it normally.
 */
#ifndef VL2_BE_WRAP_H
#define VL2_BE_WRAP_H

#include <vl2/backend_ops.h>

/**
 * Allocate a zeroed instance with @p ops, @p port and @p mem set.
 *
 * @param ops
 *   The middleware's ops (its `open` is never called through this path).
 * @param port
 *   Port id.
 * @param mem
 *   Allocator hooks; NULL means the C library's.
 * @return
 *   The instance, or NULL when allocation failed.
 */
static inline vl2_backend *vl2_be_wrap_alloc(const vl2_backend_ops *ops,
                                             uint32_t port,
                                             const vl2_mem *mem) {
  vl2_mem m = mem != NULL ? *mem : *vl2_mem_default();
  vl2_backend *be = m.calloc(1, sizeof(*be), m.user_data);
  if (be == NULL)
    return NULL;
  be->ops = ops;
  be->mem = m;
  be->port = port;
  return be;
}

/**
 * Free an instance from vl2_be_wrap_alloc() whose setup failed.
 *
 * @param be
 *   The instance; NULL is a no-op.
 */
static inline void vl2_be_wrap_free(vl2_backend *be) {
  if (be != NULL) {
    vl2_mem m = be->mem;
    m.free(be, m.user_data);
  }
}

/** calloc through @p be's allocator. */
static inline void *vl2_be_calloc(vl2_backend *be, size_t n, size_t size) {
  return be->mem.calloc(n, size, be->mem.user_data);
}

/** free through @p be's allocator (NULL is a no-op). */
static inline void vl2_be_free(vl2_backend *be, void *p) {
  be->mem.free(p, be->mem.user_data);
}

#endif /* !defined(VL2_BE_WRAP_H) */
