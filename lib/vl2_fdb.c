/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * The MAC table (FDB): (segment, MAC) -> local port or remote endpoint.
 *
 * Design. Each segment is its own learning domain (802.1Q's independent
 * VLAN learning, one FID per segment), so a key is (segment, MAC). An
 * entry is dynamic (learned from the source MAC of a frame, aged) or
 * static (from the control plane: never aged, never overridden by
 * learning; a frame that contradicts it counts a static conflict).
 *
 * Storage is one open-addressing table (vl2_fdb.h) of 24-byte slots with
 * the 64-bit key inline, sized at vl2_switch_new() for cfg.max_fdb
 * entries at most half full: a lookup is one hash and usually one cache
 * line, and the data path never allocates. A destination is 32 bits: a
 * port id, or VL2_FDB_DEST_REMOTE | the index of a remote endpoint
 * (vl2_remote.h), which the entry holds a reference on.
 *
 * Learning (vl2_fdb_refresh(), vl2_fdb_learn()), per frame whose port or
 * segment learns:
 *  - known MAC, same ingress: refresh its expiry (the fast path, inline);
 *  - known MAC, elsewhere: a move (counted, VL2_EV_FDB_MOVED), unless
 *    move dampening freezes it;
 *  - unknown MAC: a new entry (VL2_EV_FDB_LEARNED), unless a limit holds.
 *
 * Limits, checked in this order, protect the table from a MAC flood:
 * the ingress port's max_macs (which also refuses moves onto the port),
 * for a remote endpoint the switch's max_macs_per_remote (likewise), the
 * segment's max_macs, then the table's max_fdb. A frame over a limit
 * is still forwarded; the source is just not learned (counted in
 * limit_hits, VL2_EV_FDB_LIMIT with the VL2_LIMIT_* that held).
 *
 * Move dampening (cfg.move_threshold; 0 = off, plain 802.1Q moves): a MAC
 * that moves more than move_threshold times within move_window_ns is
 * frozen where it is for move_holddown_ns (VL2_EV_NEIGH_FROZEN, then
 * VL2_EV_NEIGH_THAWED): a loop or a MAC thief cannot make the table
 * flap. Trackers live in a bounded 4-way set-associative cache
 * (cfg.move_track_max); a full set evicts its oldest unfrozen tracker, and
 * a MAC whose set is all frozen is simply not tracked.
 *
 * Ageing: an entry learned or refreshed at t expires at t + ageing_ns. A
 * refresh moves the expiry only once it has fallen sweep_gran (ageing/8,
 * at most 1 s) behind, so a busy flow costs a compare per frame instead
 * of a store that dirties the entry's cache line; an entry may expire up
 * to sweep_gran early, the sweep's own granularity.
 * Lookups treat expired entries as absent right away, so a late timer is
 * never a wrong answer; the sweep in vl2_switch_run_timers() only
 * reclaims them (VL2_EV_FDB_AGED), at most every sweep_gran (ageing/8,
 * clamped to [1 ms, 1 s]).
 *
 * Where it fits: vl2_forward.c calls the learning and lookup functions
 * per frame; vl2_port.c and vl2_segment.c flush; vl2_switch.c runs the
 * timers. Calls down only into vl2_remote.c and the event queue.
 */
#include "vl2_fdb.h" /* own header first: proves it is self-contained */

#include <string.h>

#include "vl2_mem.h"
#include "vl2_switch_int.h"
#include "vl2_trace.h"
#include "vl2_wire.h"

/* A MAC's move tracker (key as the FDB's). */
struct vl2_fdb_mt {
  uint64_t key; /* 0: empty */
  vl2_tstamp win_start;
  vl2_tstamp frozen_until; /* 0: not frozen */
  uint32_t count;
  uint32_t reserved;
};

/* ------------------------------------------------------------------ */
/* The table                                                            */

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

/* ------------------------------------------------------------------ */
/* Set-up                                                               */

int vl2_fdb_config_check(const vl2_switch_config *c) {
  if (c->max_fdb == 0 || c->max_fdb > (1u << 26) || c->move_track_max < 4 ||
      c->move_track_max > (1u << 24))
    return VL2_ERR_INVALID;
  return 0;
}

int vl2_fdb_init(vl2_switch *sw) {
  const vl2_switch_config *c = &sw->cfg;
  sw->sweep_at = VL2_TSTAMP_NONE;
  sw->sweep_gran = c->ageing_ns / 8;
  if (sw->sweep_gran > VL2_SEC)
    sw->sweep_gran = VL2_SEC;
  if (sw->sweep_gran < VL2_MS)
    sw->sweep_gran = VL2_MS;
  vl2_fdb_moves *mv = &sw->moves;
  mv->next_at = VL2_TSTAMP_NONE;
  size_t sets = 1;
  while (sets * 4 < c->move_track_max)
    sets <<= 1;
  mv->mt_mask = sets - 1;
  mv->mt = vl2_mem_calloc(&sw->mem, sets * 4, sizeof(*mv->mt));
  if (mv->mt == NULL)
    return VL2_ERR_NOMEM;
  return vl2_fdb_table_init(&sw->fdb, &sw->mem, c->max_fdb, c->hash_seed);
}

void vl2_fdb_fini(vl2_switch *sw) {
  vl2_fdb_table_fini(&sw->fdb, &sw->mem);
  vl2_mem_free(&sw->mem, sw->moves.mt);
  sw->moves.mt = NULL;
}

/* ------------------------------------------------------------------ */
/* Events and accounting                                                */

/* Describe FDB destination |dest| into |port| and |remote|. */
static void dest_describe(const vl2_switch *sw, uint32_t dest, uint32_t *port,
                          vl2_ipaddr *remote) {
  if (dest & VL2_FDB_DEST_REMOTE) {
    *port = VL2_PORT_REMOTE;
    *remote = *vl2_remote_addr(&sw->rt, dest & ~VL2_FDB_DEST_REMOTE);
  } else {
    *port = dest;
    memset(remote, 0, sizeof(*remote));
  }
}

static void emit_fdb(vl2_switch *sw, uint16_t type, uint16_t reason,
                     const vl2_segment *seg, uint64_t mac, uint32_t dest,
                     uint32_t old_dest) {
  vl2_event ev;
  memset(&ev, 0, sizeof(ev));
  ev.type = type;
  ev.reason = reason;
  ev.vni = seg->vni;
  vl2_u64_to_mac(mac, ev.mac.b);
  dest_describe(sw, dest, &ev.port, &ev.remote);
  if (type == VL2_EV_FDB_MOVED)
    dest_describe(sw, old_dest, &ev.old_port, &ev.old_remote);
  ev.at = sw->now;
  vl2_switch_emit(sw, &ev);
}

static void dest_ref(vl2_switch *sw, uint32_t dest, int dynamic, int delta) {
  if (dest & VL2_FDB_DEST_REMOTE) {
    uint32_t idx = dest & ~VL2_FDB_DEST_REMOTE;
    if (dynamic)
      sw->rt.macs[idx] += delta > 0 ? 1u : (uint32_t)-1;
    if (delta > 0)
      vl2_remote_ref(&sw->rt, idx);
    else
      vl2_remote_unref(&sw->rt, idx);
  } else if (dynamic) {
    if (delta > 0)
      sw->ports[dest].macs++;
    else
      sw->ports[dest].macs--;
  }
}

/* Remove the entry at slot index |i| with its accounting. */
static void fdb_remove(vl2_switch *sw, size_t i) {
  vl2_fdb_slot *s = &sw->fdb.slots[i];
  int dynamic = !(s->flags & VL2_FDB_F_STATIC);
  vl2_segment *seg = &sw->segs[vl2_fdb_key_seg(s->key)];
  dest_ref(sw, s->dest, dynamic, -1);
  if (dynamic)
    seg->macs--;
  else
    sw->fdb_static--;
  vl2_fdb_remove_at(&sw->fdb, i);
}

typedef int (*fdb_pred)(const vl2_switch *sw, const vl2_fdb_slot *s,
                        const void *ctx);

static size_t fdb_remove_if(vl2_switch *sw, fdb_pred pred, const void *ctx) {
  size_t removed = 0;
  for (size_t i = 0; i <= sw->fdb.mask;) {
    const vl2_fdb_slot *s = &sw->fdb.slots[i];
    if (s->key != 0 && pred(sw, s, ctx)) {
      fdb_remove(sw, i);
      removed++;
      continue; /* look at |i| again: an entry may have shifted into it */
    }
    i++;
  }
  return removed;
}

static int which_match(const vl2_fdb_slot *s, unsigned which) {
  return (s->flags & VL2_FDB_F_STATIC) ? (which & VL2_FDB_FLUSH_STATIC) != 0
                                       : (which & VL2_FDB_FLUSH_DYNAMIC) != 0;
}

struct flush_ctx {
  uint32_t dest;
  uint32_t seg;
  unsigned which;
  int by_dest, by_seg;
};

static int pred_flush(const vl2_switch *sw, const vl2_fdb_slot *s,
                      const void *vctx) {
  (void)sw;
  const struct flush_ctx *c = vctx;
  if (!which_match(s, c->which))
    return 0;
  if (c->by_dest && s->dest != c->dest)
    return 0;
  if (c->by_seg && vl2_fdb_key_seg(s->key) != c->seg)
    return 0;
  return 1;
}

size_t vl2_fdb_flush(vl2_switch *sw, int by_dest, uint32_t dest, int by_seg,
                     uint32_t seg, unsigned which) {
  struct flush_ctx c = {dest, seg, which, by_dest, by_seg};
  return fdb_remove_if(sw, pred_flush, &c);
}

/* ------------------------------------------------------------------ */
/* MAC move dampening                                                   */

/* Count |field| of the move counters switch-wide and in |seg_idx|. */
#define MCNT(sw, seg_idx, field)                                               \
  do {                                                                         \
    (sw)->moves.st.field++;                                                    \
    (sw)->segs[(seg_idx)].mst.field++;                                         \
  } while (0)

/* A move-dampening event: |type| for |mac| of segment |vni|. */
static void emit_move(vl2_switch *sw, uint16_t type, uint32_t vni,
                      const uint8_t *mac, vl2_tstamp now) {
  vl2_event ev;
  memset(&ev, 0, sizeof(ev));
  ev.type = type;
  ev.vni = vni;
  memcpy(ev.mac.b, mac, 6);
  ev.at = now;
  vl2_switch_emit(sw, &ev);
}

static size_t mt_set(const vl2_switch *sw, uint64_t key) {
  uint64_t h = key ^ sw->cfg.hash_seed ^ 0xc2b2ae3d27d4eb4fULL;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return ((size_t)h & sw->moves.mt_mask) * 4;
}

static void thaw_mac(vl2_switch *sw, vl2_fdb_mt *t, vl2_tstamp now) {
  uint32_t seg = vl2_fdb_key_seg(t->key);
  uint8_t mac[6];
  vl2_u64_to_mac(vl2_fdb_key_mac(t->key), mac);
  MCNT(sw, seg, thawed);
  emit_move(sw, VL2_EV_NEIGH_THAWED, sw->segs[seg].vni, mac, now);
  memset(t, 0, sizeof(*t));
}

/* May MAC |mac| of |seg| move now? 0 when frozen by move dampening
 * (counted, evented); 1 otherwise (the move is counted towards the
 * dampening window). With |dry| (a trace) it only answers: no tracker
 * is taken, counted or thawed. */
static int move_ok(vl2_switch *sw, vl2_segment *seg, uint64_t mac,
                   vl2_tstamp now, int dry) {
  const vl2_switch_config *c = &sw->cfg;
  uint32_t threshold = c->move_threshold;
  vl2_duration window = c->move_window_ns;
  if (threshold == 0 && (seg->flags & VL2_SEG_F_EVPN)) {
    /* RFC 7432 section 15.1 defaults: N = 5 moves within M = 180 s. */
    threshold = 5;
    window = 180 * VL2_SEC;
  }
  if (threshold == 0)
    return 1;
  vl2_fdb_moves *mv = &sw->moves;
  uint64_t key = vl2_fdb_key(seg->idx, mac);
  vl2_fdb_mt *set = &mv->mt[mt_set(sw, key)];
  vl2_fdb_mt *t = NULL, *victim = NULL;
  for (int i = 0; i < 4; i++) {
    if (set[i].key == key) {
      t = &set[i];
      break;
    }
    if (set[i].key == 0) {
      if (victim == NULL || victim->key != 0)
        victim = &set[i];
    } else if (set[i].frozen_until == 0 &&
               (victim == NULL ||
                (victim->key != 0 && set[i].win_start < victim->win_start))) {
      victim = &set[i];
    }
  }
  if (t != NULL && t->frozen_until != 0) {
    if (t->frozen_until > now) {
      if (!dry)
        MCNT(sw, seg->idx, frozen_blocked);
      return 0;
    }
    if (dry)
      return threshold >= 1; /* thawed, then tracked afresh: count 1 */
    thaw_mac(sw, t, now);    /* clears it: tracked afresh below */
    victim = t;
    t = NULL;
  }
  if (t == NULL) {
    if (victim == NULL || dry)
      return 1; /* not tracked, or a fresh tracker: count 1 <= threshold */
    t = victim;
    memset(t, 0, sizeof(*t));
    t->key = key;
    t->win_start = now;
  }
  uint32_t count = t->count;
  if (count == 0 || now - t->win_start >= window)
    count = 0;
  if (dry)
    return count + 1 <= threshold;
  if (count == 0)
    t->win_start = now;
  t->count = ++count;
  if (count > threshold) {
    t->frozen_until = now + c->move_holddown_ns;
    if (t->frozen_until == 0)
      t->frozen_until = 1;
    if (t->frozen_until < mv->next_at)
      mv->next_at = t->frozen_until;
    MCNT(sw, seg->idx, mac_frozen);
    MCNT(sw, seg->idx, frozen_blocked);
    uint8_t m[6];
    vl2_u64_to_mac(mac, m);
    emit_move(sw, VL2_EV_NEIGH_FROZEN, seg->vni, m, now);
    return 0;
  }
  return 1;
}

/* Thaw the trackers due at |now|; re-arm for the next. */
static void moves_run_timers(vl2_switch *sw, vl2_tstamp now) {
  vl2_fdb_moves *mv = &sw->moves;
  if (mv->next_at == VL2_TSTAMP_NONE || now < mv->next_at)
    return;
  vl2_tstamp next = VL2_TSTAMP_NONE;
  for (size_t i = 0; i < (mv->mt_mask + 1) * 4; i++) {
    vl2_fdb_mt *t = &mv->mt[i];
    if (t->key == 0 || t->frozen_until == 0)
      continue;
    if (t->frozen_until <= now)
      thaw_mac(sw, t, now);
    else if (t->frozen_until < next)
      next = t->frozen_until;
  }
  mv->next_at = next;
}

void vl2_fdb_segment_gone(vl2_switch *sw, uint32_t seg_idx) {
  vl2_fdb_moves *mv = &sw->moves;
  for (size_t i = 0; i < (mv->mt_mask + 1) * 4; i++)
    if (mv->mt[i].key != 0 && vl2_fdb_key_seg(mv->mt[i].key) == seg_idx)
      memset(&mv->mt[i], 0, sizeof(mv->mt[i]));
}

/* ------------------------------------------------------------------ */
/* Learning                                                             */

/* The LEARN step of a trace: |result| for |mac|, the entry |s| (or
 * none) and |aux|. */
static void trace_learn(const vl2_switch *sw, vl2_tracer *T, uint16_t result,
                        uint64_t mac, const vl2_fdb_slot *s, uint32_t aux,
                        uint64_t value) {
  vl2_trace_step *st = vl2_trace_add(T, VL2_TRACE_LEARN, result);
  vl2_u64_to_mac(mac, st->mac.b);
  if (s != NULL)
    vl2_trace_where(sw, st, s->dest, NULL);
  st->aux = s != NULL && aux == 0 ? s->flags : aux;
  st->value = value;
}

uint32_t vl2_fdb_learn(vl2_switch *sw, vl2_segment *seg, uint32_t *src_dest,
                       const vl2_ipaddr *remote, uint64_t mac, vl2_fdb_slot *s,
                       uint8_t *counted, vl2_tstamp now, vl2_tracer *T) {
  int from_remote = remote != NULL;
  vl2_tstamp expires = sw->learn_expires; /* set per burst */
  if (s != NULL) {
    /* A control-plane (EVPN) entry moves by local learning only. */
    if ((s->flags & VL2_FDB_F_STATIC) &&
        (!(s->flags & VL2_FDB_F_EVPN) || from_remote)) {
      if (T) {
        trace_learn(sw, T, VL2_TRACE_R_STATIC, mac, s, 0, s->dest != *src_dest);
        return 0;
      }
      if (s->dest != *src_dest) {
        sw->st.static_conflicts++;
        *counted = 1;
      }
      return 0;
    }
    if (s->dest == *src_dest) {
      if (T) {
        trace_learn(sw, T, VL2_TRACE_R_REFRESH, mac, s, 0, 0);
        return 0;
      }
      s->expires = expires;
      return 0;
    }
    /* Move dampening: a frozen MAC stays where it is. */
    if (!move_ok(sw, seg, mac, now, T != NULL)) {
      if (T)
        trace_learn(sw, T, VL2_TRACE_R_FROZEN, mac, s, 0, 0);
      return VL2_VFLAG_FROZEN;
    }
  }
  /* A new entry or a move: resolve the remote endpoint if needed. */
  int32_t new_idx = -1; /* an endpoint a trace would have to create */
  if (*src_dest == UINT32_MAX) {
    int32_t idx = T ? vl2_remote_lookup_room(&sw->rt)
                    : vl2_remote_lookup(&sw->rt, remote, 1);
    if (idx < 0) {
      if (T) {
        trace_learn(sw, T, VL2_TRACE_R_LIMIT, mac, s, VL2_LIMIT_TABLE, 0);
        return VL2_VFLAG_LIMIT;
      }
      sw->st.limit_hits++;
      seg->st.limit_hits++;
      /* The remote table is full: no handle to describe it by, so the
       * event names the endpoint's address itself. */
      vl2_event ev;
      memset(&ev, 0, sizeof(ev));
      ev.type = VL2_EV_FDB_LIMIT;
      ev.reason = VL2_LIMIT_TABLE;
      ev.vni = seg->vni;
      vl2_u64_to_mac(mac, ev.mac.b);
      ev.port = VL2_PORT_REMOTE;
      ev.remote = *remote;
      ev.at = sw->now;
      vl2_switch_emit(sw, &ev);
      return VL2_VFLAG_LIMIT;
    }
    if (T)
      new_idx = idx;
    else
      *src_dest = VL2_FDB_DEST_REMOTE | (uint32_t)idx;
  }
  uint32_t dest =
      new_idx >= 0 ? VL2_FDB_DEST_REMOTE | (uint32_t)new_idx : *src_dest;
  vl2_port *p = (dest & VL2_FDB_DEST_REMOTE) ? NULL : &sw->ports[dest];
  uint16_t limit = 0;
  if (p != NULL && p->max_macs != 0 && p->macs >= p->max_macs)
    limit = VL2_LIMIT_PORT;
  else if (p == NULL && sw->cfg.max_macs_per_remote != 0 &&
           new_idx < 0 && /* a new endpoint has none yet */
           sw->rt.macs[dest & ~VL2_FDB_DEST_REMOTE] >=
               sw->cfg.max_macs_per_remote)
    limit = VL2_LIMIT_REMOTE; /* one VTEP cannot fill the table */
  else if (s == NULL && seg->max_macs != 0 && seg->macs >= seg->max_macs)
    limit = VL2_LIMIT_SEGMENT;
  else if (s == NULL && sw->fdb.count >= sw->fdb.max)
    limit = VL2_LIMIT_TABLE;
  if (limit != 0) {
    if (T) {
      trace_learn(sw, T, VL2_TRACE_R_LIMIT, mac, s, limit, 0);
      return VL2_VFLAG_LIMIT;
    }
    sw->st.limit_hits++;
    seg->st.limit_hits++;
    if (p != NULL)
      p->st.limit_hits++;
    emit_fdb(sw, VL2_EV_FDB_LIMIT, limit, seg, mac, dest, 0);
    /* Keep the endpoint table tidy: an endpoint created just now with no
     * reference is released. */
    if ((dest & VL2_FDB_DEST_REMOTE) &&
        sw->rt.remotes[dest & ~VL2_FDB_DEST_REMOTE].refcnt == 0)
      vl2_remote_release(&sw->rt, dest & ~VL2_FDB_DEST_REMOTE);
    return VL2_VFLAG_LIMIT;
  }
  if (s != NULL) {
    if (T) {
      trace_learn(sw, T, VL2_TRACE_R_MOVE, mac, s, 0, 0);
      return VL2_VFLAG_MOVED;
    }
    uint32_t old = s->dest;
    int was_cp = (s->flags & VL2_FDB_F_STATIC) != 0;
    dest_ref(sw, dest, 1, +1);
    if (was_cp) {
      /* A control-plane entry becomes a learned one (MAC mobility). */
      sw->fdb_static--;
      seg->macs++;
      if (expires != VL2_TSTAMP_NONE && expires < sw->sweep_at)
        sw->sweep_at = expires;
    }
    s->dest = dest;
    s->flags = (dest & VL2_FDB_DEST_REMOTE) ? VL2_FDB_F_REMOTE : 0;
    s->expires = expires;
    sw->st.moved++;
    seg->st.moved++;
    if (p != NULL)
      p->st.moved_in++;
    emit_fdb(sw, VL2_EV_FDB_MOVED, 0, seg, mac, dest, old);
    /* A control-plane entry was not counted as a learned MAC. */
    dest_ref(sw, old, !was_cp, -1);
    return VL2_VFLAG_MOVED;
  }
  if (T) {
    trace_learn(sw, T, VL2_TRACE_R_NEW, mac, NULL, 0, 0);
    return VL2_VFLAG_LEARNED;
  }
  s = vl2_fdb_insert(&sw->fdb, vl2_fdb_key(seg->idx, mac));
  /* Cannot fail: the table limit was checked above. */
  dest_ref(sw, dest, 1, +1);
  s->dest = dest;
  s->flags = (dest & VL2_FDB_DEST_REMOTE) ? VL2_FDB_F_REMOTE : 0;
  s->expires = expires;
  seg->macs++;
  sw->st.learned++;
  seg->st.learned++;
  if (p != NULL)
    p->st.learned++;
  if (expires != VL2_TSTAMP_NONE && expires < sw->sweep_at)
    sw->sweep_at = expires;
  emit_fdb(sw, VL2_EV_FDB_LEARNED, 0, seg, mac, dest, 0);
  return VL2_VFLAG_LEARNED;
}

/* ------------------------------------------------------------------ */
/* Static entries and inspection                                        */

static void slot_to_entry(const vl2_switch *sw, const vl2_fdb_slot *s,
                          vl2_fdb_entry *e) {
  memset(e, 0, sizeof(*e));
  vl2_u64_to_mac(vl2_fdb_key_mac(s->key), e->mac.b);
  e->flags = s->flags;
  e->vni = sw->segs[vl2_fdb_key_seg(s->key)].vni;
  dest_describe(sw, s->dest, &e->port, &e->remote);
  e->expires_at = s->expires;
}

int vl2_fdb_add_static(vl2_switch *sw, const vl2_fdb_entry *e) {
  if (sw == NULL || e == NULL || vl2_mac_is_group(e->mac.b) ||
      vl2_mac_is_zero(e->mac.b))
    return VL2_ERR_INVALID;
  vl2_segment *seg = vl2_switch_find_segment(sw, e->vni);
  if (seg == NULL)
    return VL2_ERR_NOTFOUND;
  uint32_t dest;
  if (e->flags & VL2_FDB_F_REMOTE) {
    if (!vl2_ipaddr_valid(&e->remote))
      return VL2_ERR_INVALID;
    int32_t idx = vl2_remote_lookup(&sw->rt, &e->remote, 1);
    if (idx < 0)
      return VL2_ERR_LIMIT;
    dest = VL2_FDB_DEST_REMOTE | (uint32_t)idx;
  } else {
    vl2_port *p = vl2_switch_port(sw, e->port);
    if (p == NULL || p->seg2vid[seg->idx] == 0)
      return VL2_ERR_NOTFOUND;
    dest = e->port;
  }
  uint16_t flags =
      (uint16_t)(VL2_FDB_F_STATIC | (e->flags & VL2_FDB_F_EVPN) |
                 ((dest & VL2_FDB_DEST_REMOTE) ? VL2_FDB_F_REMOTE : 0));
  uint64_t key = vl2_fdb_key(seg->idx, vl2_mac_to_u64(e->mac.b));
  vl2_fdb_slot *s = vl2_fdb_find(&sw->fdb, key);
  if (s != NULL && s->dest == dest && s->flags == flags) {
    /* Idempotent: the same entry again. An endpoint looked up (created)
     * above is referenced by the entry already. */
    return 0;
  }
  /* Take the new reference first so a shared remote is never freed in
   * between, then drop the old entry. */
  dest_ref(sw, dest, 0, +1);
  if (s != NULL)
    fdb_remove(sw, vl2_fdb_index(&sw->fdb, s));
  s = vl2_fdb_insert(&sw->fdb, key);
  if (s == NULL) {
    dest_ref(sw, dest, 0, -1);
    return VL2_ERR_LIMIT;
  }
  s->dest = dest;
  s->flags = flags;
  s->expires = VL2_TSTAMP_NONE;
  sw->fdb_static++;
  return 0;
}

int vl2_fdb_del_if(vl2_switch *sw, const vl2_fdb_entry *e) {
  if (sw == NULL || e == NULL)
    return VL2_ERR_INVALID;
  vl2_segment *seg = vl2_switch_find_segment(sw, e->vni);
  if (seg == NULL)
    return VL2_ERR_NOTFOUND;
  vl2_fdb_slot *s =
      vl2_fdb_find(&sw->fdb, vl2_fdb_key(seg->idx, vl2_mac_to_u64(e->mac.b)));
  if (s == NULL)
    return VL2_ERR_NOTFOUND;
  uint32_t port;
  vl2_ipaddr remote;
  dest_describe(sw, s->dest, &port, &remote);
  int same = (e->flags & VL2_FDB_F_REMOTE)
                 ? (s->dest & VL2_FDB_DEST_REMOTE) &&
                       memcmp(&remote, &e->remote, sizeof(remote)) == 0
                 : !(s->dest & VL2_FDB_DEST_REMOTE) && port == e->port;
  if (!same || ((e->flags & VL2_FDB_F_EVPN) && !(s->flags & VL2_FDB_F_EVPN)))
    return VL2_FDB_KEPT;
  fdb_remove(sw, vl2_fdb_index(&sw->fdb, s));
  return 0;
}

int vl2_fdb_del(vl2_switch *sw, uint32_t vni, const vl2_mac *mac) {
  if (sw == NULL || mac == NULL)
    return VL2_ERR_INVALID;
  vl2_segment *seg = vl2_switch_find_segment(sw, vni);
  if (seg == NULL)
    return VL2_ERR_NOTFOUND;
  vl2_fdb_slot *s =
      vl2_fdb_find(&sw->fdb, vl2_fdb_key(seg->idx, vl2_mac_to_u64(mac->b)));
  if (s == NULL)
    return VL2_ERR_NOTFOUND;
  fdb_remove(sw, vl2_fdb_index(&sw->fdb, s));
  return 0;
}

int vl2_fdb_lookup(const vl2_switch *sw, uint32_t vni, const vl2_mac *mac,
                   vl2_fdb_entry *e, vl2_tstamp now) {
  if (sw == NULL || mac == NULL || e == NULL)
    return VL2_ERR_INVALID;
  if (now < sw->now)
    now = sw->now;
  const vl2_segment *seg = vl2_switch_find_segment(sw, vni);
  if (seg == NULL)
    return VL2_ERR_NOTFOUND;
  const vl2_fdb_slot *s =
      vl2_fdb_find(&sw->fdb, vl2_fdb_key(seg->idx, vl2_mac_to_u64(mac->b)));
  if (s == NULL || !vl2_fdb_slot_live(s, now))
    return VL2_ERR_NOTFOUND;
  slot_to_entry(sw, s, e);
  return 0;
}

vl2_ssize vl2_fdb_flush_port(vl2_switch *sw, uint32_t port, unsigned which) {
  if (sw == NULL || port >= sw->cfg.max_ports)
    return VL2_ERR_INVALID;
  return (vl2_ssize)vl2_fdb_flush(sw, 1, port, 0, 0, which);
}

vl2_ssize vl2_fdb_flush_segment(vl2_switch *sw, uint32_t vni, unsigned which) {
  if (sw == NULL)
    return VL2_ERR_INVALID;
  vl2_segment *seg = vl2_switch_find_segment(sw, vni);
  if (seg == NULL)
    return VL2_ERR_NOTFOUND;
  return (vl2_ssize)vl2_fdb_flush(sw, 0, 0, 1, seg->idx, which);
}

vl2_ssize vl2_fdb_flush_all(vl2_switch *sw, unsigned which) {
  if (sw == NULL)
    return VL2_ERR_INVALID;
  return (vl2_ssize)vl2_fdb_flush(sw, 0, 0, 0, 0, which);
}

int vl2_fdb_next(const vl2_switch *sw, uint64_t *cursor, vl2_fdb_entry *e,
                 vl2_tstamp now) {
  if (sw == NULL || cursor == NULL || e == NULL)
    return 0;
  if (now < sw->now)
    now = sw->now;
  for (uint64_t i = *cursor; i <= sw->fdb.mask; i++) {
    const vl2_fdb_slot *s = &sw->fdb.slots[i];
    if (s->key != 0 && vl2_fdb_slot_live(s, now)) {
      slot_to_entry(sw, s, e);
      *cursor = i + 1;
      return 1;
    }
  }
  *cursor = (uint64_t)sw->fdb.mask + 1;
  return 0;
}

size_t vl2_fdb_count(const vl2_switch *sw) {
  return sw != NULL ? sw->fdb.count : 0;
}

/* ------------------------------------------------------------------ */
/* Timers                                                               */

vl2_tstamp vl2_fdb_next_deadline(const vl2_switch *sw) {
  return sw->moves.next_at < sw->sweep_at ? sw->moves.next_at : sw->sweep_at;
}

void vl2_fdb_run_timers(vl2_switch *sw, vl2_tstamp now) {
  moves_run_timers(sw, now);
  if (sw->sweep_at == VL2_TSTAMP_NONE || now < sw->sweep_at)
    return;
  vl2_tstamp next = VL2_TSTAMP_NONE;
  for (size_t i = 0; i <= sw->fdb.mask;) {
    vl2_fdb_slot *s = &sw->fdb.slots[i];
    if (s->key == 0 || s->expires == VL2_TSTAMP_NONE) {
      i++;
      continue;
    }
    if (s->expires <= now) {
      vl2_segment *seg = &sw->segs[vl2_fdb_key_seg(s->key)];
      emit_fdb(sw, VL2_EV_FDB_AGED, 0, seg, vl2_fdb_key_mac(s->key), s->dest,
               0);
      sw->st.aged++;
      fdb_remove(sw, i);
      continue;
    }
    if (s->expires < next)
      next = s->expires;
    i++;
  }
  if (next != VL2_TSTAMP_NONE && next < now + sw->sweep_gran)
    next = now + sw->sweep_gran;
  sw->sweep_at = next;
}
