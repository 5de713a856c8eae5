/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/* A vl2_mem that counts live allocations and fails the N-th one
 * (nghttp2's failmalloc), so tests can walk every allocation site. */
#include <stdlib.h>

#include "helpers.h"

static int should_fail(vl2t_mem *tm) {
  tm->total++;
  return tm->fail_at != 0 && tm->total == tm->fail_at;
}

static void *t_malloc(size_t size, void *ud) {
  vl2t_mem *tm = ud;
  if (should_fail(tm))
    return NULL;
  void *p = malloc(size);
  if (p != NULL)
    tm->live++;
  return p;
}

static void t_free(void *p, void *ud) {
  vl2t_mem *tm = ud;
  if (p != NULL)
    tm->live--;
  free(p);
}

static void *t_calloc(size_t n, size_t size, void *ud) {
  vl2t_mem *tm = ud;
  if (should_fail(tm))
    return NULL;
  void *p = calloc(n, size);
  if (p != NULL)
    tm->live++;
  return p;
}

static void *t_realloc(void *old, size_t size, void *ud) {
  vl2t_mem *tm = ud;
  if (should_fail(tm))
    return NULL;
  void *p = realloc(old, size);
  if (p != NULL && old == NULL)
    tm->live++;
  return p;
}

void vl2t_mem_init(vl2t_mem *tm) {
  tm->mem.user_data = tm;
  tm->mem.malloc = t_malloc;
  tm->mem.free = t_free;
  tm->mem.calloc = t_calloc;
  tm->mem.realloc = t_realloc;
  tm->live = 0;
  tm->total = 0;
  tm->fail_at = 0;
}
