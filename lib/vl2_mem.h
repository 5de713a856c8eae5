/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/* Internal: allocation through an instance's vl2_mem hooks. */
#ifndef VL2_MEM_INTERNAL_H
#define VL2_MEM_INTERNAL_H

#include <vl2/common.h>

/* Return |mem| or, when NULL, the libc hooks, by value. */
vl2_mem vl2_mem_resolve(const vl2_mem *mem);

static inline void *vl2_mem_malloc(const vl2_mem *m, size_t size) {
  return m->malloc(size, m->user_data);
}
static inline void *vl2_mem_calloc(const vl2_mem *m, size_t n, size_t size) {
  return m->calloc(n, size, m->user_data);
}
static inline void *vl2_mem_realloc(const vl2_mem *m, void *p, size_t size) {
  return m->realloc(p, size, m->user_data);
}
static inline void vl2_mem_free(const vl2_mem *m, void *p) {
  m->free(p, m->user_data);
}

#endif /* !defined(VL2_MEM_INTERNAL_H) */
