/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * FDB: the (segment, MAC) -> destination learning table's storage.
 *
 * Where it fits: vl2_switch.c does the learning policy, accounting and
 * events; this file only stores keys. Allocated once in
 * vl2_fdb_table_init(); never allocates afterwards.
 */
#include "vl2_fdb.h"

#include <string.h>

#include "vl2_mem.h"

int vl2_fdb_table_init(vl2_fdb_table *t, const vl2_mem *mem, size_t max,
                       uint64_t seed) {
  memset(t, 0, sizeof(*t));
  if (max == 0 || max > ((size_t)1 << 26))
    return VL2_ERR_INVALID;
  size_t cap = 16;
  while (cap < max * 2)
    cap <<= 1;
  t->slots = vl2_mem_calloc(mem, cap, sizeof(*t->slots));
  if (t->slots == NULL)
    return VL2_ERR_NOMEM;
  t->mask = cap - 1;
  t->max = max;
  t->seed = seed;
  return 0;
}

void vl2_fdb_table_fini(vl2_fdb_table *t, const vl2_mem *mem) {
  vl2_mem_free(mem, t->slots);
  memset(t, 0, sizeof(*t));
}

vl2_fdb_slot *vl2_fdb_insert(vl2_fdb_table *t, uint64_t key) {
  if (t->count >= t->max)
    return NULL;
  size_t i = vl2_fdb_hash(t, key);
  while (t->slots[i].key != 0)
    i = (i + 1) & t->mask;
  vl2_fdb_slot *s = &t->slots[i];
  memset(s, 0, sizeof(*s));
  s->key = key;
  t->count++;
  return s;
}

void vl2_fdb_remove_at(vl2_fdb_table *t, size_t i) {
  /* Backward-shift deletion (Knuth 6.4 Algorithm R): move later members
   * of the probe chain into the hole when their home slot allows it. */
  size_t hole = i;
  size_t j = i;
  for (;;) {
    j = (j + 1) & t->mask;
    if (t->slots[j].key == 0)
      break;
    size_t home = vl2_fdb_hash(t, t->slots[j].key);
    if (vl2_probe_stays(hole, j, home))
      continue;
    t->slots[hole] = t->slots[j];
    hole = j;
  }
  memset(&t->slots[hole], 0, sizeof(t->slots[hole]));
  t->count--;
}
