/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * The default allocator hooks (the C library's malloc family).
 *
 * Where it fits: the only place the core names malloc(3) and friends; every
 * allocation elsewhere goes through an instance's vl2_mem.
 */
#include "vl2_mem.h"

#include <stdlib.h>

static void *libc_malloc(size_t size, void *ud) {
  (void)ud;
  return malloc(size);
}
static void libc_free(void *p, void *ud) {
  (void)ud;
  free(p);
}
static void *libc_calloc(size_t n, size_t size, void *ud) {
  (void)ud;
  return calloc(n, size);
}
static void *libc_realloc(void *p, size_t size, void *ud) {
  (void)ud;
  return realloc(p, size);
}

static const vl2_mem libc_mem = {NULL, libc_malloc, libc_free, libc_calloc,
                                 libc_realloc};

const vl2_mem *vl2_mem_default(void) { return &libc_mem; }

vl2_mem vl2_mem_resolve(const vl2_mem *mem) {
  return mem != NULL ? *mem : libc_mem;
}
