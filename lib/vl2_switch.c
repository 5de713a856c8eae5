/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * The switch: ports, segments, remote endpoints, learning, forwarding,
 * flooding, ageing, events and counters.
 *
 * Where it fits: the heart of the pure core. vl2_switch_process() is the
 * data path (802.1Q clause 8.6: ingress, member set, filtering, learning,
 * egress); it never allocates. Control-plane calls (ports, segments,
 * remotes, static entries) may allocate through the instance's hooks.
 */
#include "vl2_switch_int.h"

#include <string.h>

#include <vl2/vlan.h>

#include "vl2_mdb.h"
#include "vl2_neigh.h" /* neighbour: ARP/ND hooks */
#include "vl2_storm.h"
#include "vl2_wire.h"

/* ------------------------------------------------------------------ */
/* Configuration                                                        */

int vl2_switch_config_default_versioned(int version, vl2_switch_config *cfg) {
  if (cfg == NULL)
    return VL2_ERR_INVALID;
  if (version != VL2_SWITCH_CONFIG_V1)
    return VL2_ERR_VERSION;
  memset(cfg, 0, sizeof(*cfg));
  cfg->max_ports = 64;
  cfg->max_segments = 1024;
  cfg->max_remotes = 1024;
  cfg->max_fdb = 65536;
  cfg->event_queue_cap = 1024;
  cfg->ageing_ns = 300 * VL2_SEC;
  /* neighbour: defaults of the neigh.h fields (RFC 4861 section 10). */
  cfg->max_neigh = 4096;
  cfg->neigh_ageing_ns = 300 * VL2_SEC;
  cfg->neigh_reachable_ns = 30 * VL2_SEC;
  cfg->neigh_retrans_ns = VL2_SEC;
  cfg->neigh_max_retries = 3;
  cfg->neigh_queue_per_entry = 8;
  cfg->neigh_queue_max = 256;
  cfg->neigh_mtu = 1500;
  cfg->tx_queue_cap = 256;
  cfg->move_threshold = 0; /* dampening off: plain 802.1Q moves */
  cfg->move_window_ns = 10 * VL2_SEC;
  cfg->move_holddown_ns = 60 * VL2_SEC;
  cfg->move_track_max = 1024;
  cfg->dir_max_pending = 256;
  cfg->dir_timeout_ns = VL2_SEC;
  return 0;
}

void vl2_port_config_default(vl2_port_config *cfg, uint8_t mode) {
  if (cfg == NULL)
    return;
  memset(cfg, 0, sizeof(*cfg));
  cfg->mode = mode;
  cfg->pvid = mode == VL2_PORT_ACCESS ? 1 : 0;
  cfg->flags = VL2_PORT_F_DEFAULT;
}

static uint32_t hash_ipaddr(const vl2_ipaddr *a, uint64_t seed) {
  uint64_t h = seed ^ 0x9e3779b97f4a7c15ULL ^ a->family;
  for (int i = 0; i < 16; i += 4) {
    h ^= vl2_load_be32(a->addr + i);
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 32;
  }
  return (uint32_t)h;
}

static void switch_free(vl2_switch *sw) {
  const vl2_mem *uth_mem = &sw->mem;
  if (sw->ports != NULL) {
    for (uint32_t i = 0; i < sw->cfg.max_ports; i++) {
      vl2_mem_free(uth_mem, sw->ports[i].vid2seg);
      vl2_mem_free(uth_mem, sw->ports[i].seg2vid);
    }
  }
  if (sw->segs != NULL) {
    HASH_CLEAR(hh, sw->seg_by_vni);
    for (uint32_t i = 0; i < sw->cfg.max_segments; i++) {
      vl2_mem_free(uth_mem, sw->segs[i].ports);
      vl2_mem_free(uth_mem, sw->segs[i].remotes);
    }
  }
  vl2_mem_free(uth_mem, sw->ports);
  vl2_mem_free(uth_mem, sw->segs);
  vl2_mem_free(uth_mem, sw->remotes);
  vl2_mem_free(uth_mem, sw->remote_map);
  vl2_mem_free(uth_mem, sw->remote_free);
  vl2_mem_free(uth_mem, sw->evq);
  vl2_fdb_table_fini(&sw->fdb, uth_mem);
  vl2_neigh_fini(sw); /* neighbour */
  vl2_storm_fini(sw);
  vl2_mdb_fini(sw);
  vl2_mem_free(uth_mem, sw);
}

int vl2_switch_new_versioned(vl2_switch **psw, int version,
                             const vl2_switch_config *cfg, const vl2_mem *mem) {
  if (psw == NULL)
    return VL2_ERR_INVALID;
  *psw = NULL;
  vl2_switch_config c;
  int rv = vl2_switch_config_default_versioned(version, &c);
  if (rv != 0)
    return rv;
  if (cfg != NULL)
    c = *cfg;
  if (c.max_ports == 0 || c.max_ports > 4096 || c.max_segments == 0 ||
      c.max_segments > 65535 || c.max_remotes == 0 ||
      c.max_remotes > (1u << 20) || c.max_fdb == 0 || c.max_fdb > (1u << 26) ||
      c.event_queue_cap == 0 || vl2_neigh_config_check(&c) != 0 /* neighbour */)
    return VL2_ERR_INVALID;

  vl2_mem m = vl2_mem_resolve(mem);
  vl2_switch *sw = vl2_mem_calloc(&m, 1, sizeof(*sw));
  if (sw == NULL)
    return VL2_ERR_NOMEM;
  sw->mem = m;
  sw->cfg = c;
  sw->sweep_at = VL2_TSTAMP_NONE;
  sw->max_fanout = 1; /* see update_max_fanout() */
  sw->sweep_gran = c.ageing_ns / 8;
  if (sw->sweep_gran > VL2_SEC)
    sw->sweep_gran = VL2_SEC;
  if (sw->sweep_gran < VL2_MS)
    sw->sweep_gran = VL2_MS;

  size_t rcap = 16;
  while (rcap < (size_t)c.max_remotes * 2)
    rcap <<= 1;
  sw->remote_mask = rcap - 1;

  sw->ports = vl2_mem_calloc(&m, c.max_ports, sizeof(*sw->ports));
  sw->segs = vl2_mem_calloc(&m, c.max_segments, sizeof(*sw->segs));
  sw->remotes = vl2_mem_calloc(&m, c.max_remotes, sizeof(*sw->remotes));
  sw->remote_map = vl2_mem_calloc(&m, rcap, sizeof(*sw->remote_map));
  sw->remote_free = vl2_mem_calloc(&m, c.max_remotes, sizeof(uint32_t));
  sw->evq = vl2_mem_calloc(&m, c.event_queue_cap, sizeof(*sw->evq));
  if (sw->ports == NULL || sw->segs == NULL || sw->remotes == NULL ||
      sw->remote_map == NULL || sw->remote_free == NULL || sw->evq == NULL) {
    switch_free(sw);
    return VL2_ERR_NOMEM;
  }
  rv = vl2_fdb_table_init(&sw->fdb, &m, c.max_fdb, c.hash_seed);
  if (rv == 0)
    rv = vl2_neigh_init(sw); /* neighbour */
  if (rv != 0) {
    switch_free(sw);
    return rv;
  }
  for (uint32_t i = 0; i < c.max_remotes; i++)
    sw->remote_free[i] = c.max_remotes - 1 - i;
  sw->n_remote_free = c.max_remotes;
  for (uint32_t i = 0; i < c.max_segments; i++)
    sw->segs[i].idx = i;
  *psw = sw;
  return 0;
}

void vl2_switch_del(vl2_switch *sw) {
  if (sw != NULL)
    switch_free(sw);
}

/* ------------------------------------------------------------------ */
/* Events                                                               */

void vl2_switch_emit(vl2_switch *sw, const vl2_event *ev) {
  if (sw->evq_len == sw->cfg.event_queue_cap) {
    sw->st.events_dropped++;
    return;
  }
  uint32_t tail = (sw->evq_head + sw->evq_len) % sw->cfg.event_queue_cap;
  sw->evq[tail] = *ev;
  sw->evq_len++;
}

int vl2_switch_poll_event(vl2_switch *sw, vl2_event *ev) {
  if (sw == NULL || ev == NULL || sw->evq_len == 0)
    return 0;
  *ev = sw->evq[sw->evq_head];
  sw->evq_head = (sw->evq_head + 1) % sw->cfg.event_queue_cap;
  sw->evq_len--;
  return 1;
}

/* Describe FDB destination |dest| into |port| and |remote|. */
static void dest_describe(const vl2_switch *sw, uint32_t dest, uint32_t *port,
                          vl2_ipaddr *remote) {
  if (dest & VL2_FDB_DEST_REMOTE) {
    *port = VL2_PORT_REMOTE;
    *remote = sw->remotes[dest & ~VL2_FDB_DEST_REMOTE].addr;
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

/* ------------------------------------------------------------------ */
/* Remote endpoints                                                     */

static int ipaddr_valid(const vl2_ipaddr *a) {
  if (a->family == VL2_AF_INET) {
    for (int i = 4; i < 16; i++)
      if (a->addr[i] != 0)
        return 0;
    return 1;
  }
  return a->family == VL2_AF_INET6;
}

/* The map slot of remote |addr|: an index into remote_map whose value is
 * either 0 (absent; insert here) or the remote's index + 1. */
static size_t remote_slot(const vl2_switch *sw, const vl2_ipaddr *addr) {
  size_t i = hash_ipaddr(addr, sw->cfg.hash_seed) & sw->remote_mask;
  for (;;) {
    uint32_t v = sw->remote_map[i];
    if (v == 0 || memcmp(&sw->remotes[v - 1].addr, addr, sizeof(*addr)) == 0)
      return i;
    i = (i + 1) & sw->remote_mask;
  }
}

int32_t vl2_switch_remote_lookup(vl2_switch *sw, const vl2_ipaddr *addr,
                                 int create) {
  size_t i = remote_slot(sw, addr);
  if (sw->remote_map[i] != 0)
    return (int32_t)(sw->remote_map[i] - 1);
  if (!create || sw->n_remote_free == 0)
    return -1;
  uint32_t idx = sw->remote_free[--sw->n_remote_free];
  vl2_remote *r = &sw->remotes[idx];
  memset(r, 0, sizeof(*r));
  r->addr = *addr;
  r->in_use = 1;
  sw->remote_map[i] = idx + 1;
  return (int32_t)idx;
}

static void remote_ref(vl2_switch *sw, uint32_t idx) {
  sw->remotes[idx].refcnt++;
}

/* Release remote |idx|: out of the map, its index back on the free list.
 * Its reference count must be 0. */
static void remote_release(vl2_switch *sw, uint32_t idx) {
  vl2_remote *r = &sw->remotes[idx];
  /* Remove from the map with backward-shift deletion. */
  size_t hole = remote_slot(sw, &r->addr);
  size_t j = hole;
  for (;;) {
    j = (j + 1) & sw->remote_mask;
    uint32_t v = sw->remote_map[j];
    if (v == 0)
      break;
    size_t home = hash_ipaddr(&sw->remotes[v - 1].addr, sw->cfg.hash_seed) &
                  sw->remote_mask;
    if (vl2_probe_stays(hole, j, home))
      continue;
    sw->remote_map[hole] = v;
    hole = j;
  }
  sw->remote_map[hole] = 0;
  r->in_use = 0;
  sw->remote_free[sw->n_remote_free++] = idx;
}

/* Drop a reference; free the remote when none is left. */
static void remote_unref(vl2_switch *sw, uint32_t idx) {
  if (--sw->remotes[idx].refcnt == 0)
    remote_release(sw, idx);
}

/* ------------------------------------------------------------------ */
/* FDB accounting                                                       */

static void dest_ref(vl2_switch *sw, uint32_t dest, int dynamic, int delta) {
  if (dest & VL2_FDB_DEST_REMOTE) {
    uint32_t idx = dest & ~VL2_FDB_DEST_REMOTE;
    if (delta > 0)
      remote_ref(sw, idx);
    else
      remote_unref(sw, idx);
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

static size_t flush(vl2_switch *sw, int by_dest, uint32_t dest, int by_seg,
                    uint32_t seg, unsigned which) {
  struct flush_ctx c = {dest, seg, which, by_dest, by_seg};
  return fdb_remove_if(sw, pred_flush, &c);
}

/* ------------------------------------------------------------------ */
/* Ports                                                                */

static uint32_t eff_limit(uint32_t own, uint32_t dflt) {
  return own != 0 ? own : dflt;
}

static void update_max_fanout(vl2_switch *sw) {
  size_t m = 0;
  for (uint32_t i = 0; i < sw->cfg.max_segments; i++) {
    const vl2_segment *s = &sw->segs[i];
    if (s->in_use && s->n_ports + (size_t)s->n_remotes > m)
      m = s->n_ports + (size_t)s->n_remotes;
  }
  /* A known-unicast frame needs one destination even where no segment
   * has members (a static entry to a remote outside the flood list). */
  sw->max_fanout = m > 0 ? m : 1;
}

size_t vl2_switch_max_fanout(const vl2_switch *sw) {
  return sw != NULL ? sw->max_fanout : 0;
}

static vl2_port *get_port(const vl2_switch *sw, uint32_t port) {
  if (port >= sw->cfg.max_ports || !sw->ports[port].in_use)
    return NULL;
  return &sw->ports[port];
}

static int port_cfg_valid(const vl2_port_config *cfg) {
  if (cfg->mode == VL2_PORT_ACCESS)
    return cfg->pvid >= 1 && cfg->pvid <= VL2_VID_MAX;
  if (cfg->mode == VL2_PORT_TRUNK)
    return cfg->pvid <= VL2_VID_MAX;
  return 0;
}

static void port_apply(vl2_switch *sw, vl2_port *p, const vl2_port_config *c) {
  p->flags = c->flags;
  p->max_macs = eff_limit(c->max_macs, sw->cfg.max_macs_per_port);
  p->tpid = (c->flags & VL2_PORT_F_QINQ) ? VL2_TPID_8021AD : VL2_TPID_8021Q;
}

int vl2_switch_port_add(vl2_switch *sw, uint32_t port,
                        const vl2_port_config *cfg) {
  if (sw == NULL || cfg == NULL || port >= sw->cfg.max_ports ||
      !port_cfg_valid(cfg))
    return VL2_ERR_INVALID;
  vl2_port *p = &sw->ports[port];
  if (p->in_use)
    return VL2_ERR_EXISTS;
  uint16_t *v2s = vl2_mem_malloc(&sw->mem, 4096 * sizeof(uint16_t));
  vl2_vid *s2v =
      vl2_mem_calloc(&sw->mem, sw->cfg.max_segments, sizeof(vl2_vid));
  if (v2s == NULL || s2v == NULL) {
    vl2_mem_free(&sw->mem, v2s);
    vl2_mem_free(&sw->mem, s2v);
    return VL2_ERR_NOMEM;
  }
  memset(v2s, 0xff, 4096 * sizeof(uint16_t));
  memset(p, 0, sizeof(*p));
  p->in_use = 1;
  p->mode = cfg->mode;
  p->pvid = cfg->pvid;
  p->vid2seg = v2s;
  p->seg2vid = s2v;
  port_apply(sw, p, cfg);
  return 0;
}

int vl2_switch_port_set(vl2_switch *sw, uint32_t port,
                        const vl2_port_config *cfg) {
  if (sw == NULL || cfg == NULL)
    return VL2_ERR_INVALID;
  vl2_port *p = get_port(sw, port);
  if (p == NULL)
    return VL2_ERR_NOTFOUND;
  if (cfg->mode != p->mode || cfg->pvid != p->pvid)
    return VL2_ERR_INVALID;
  if ((cfg->flags ^ p->flags) & VL2_PORT_F_QINQ)
    return VL2_ERR_INVALID; /* the TPID classifies; re-add the port */
  port_apply(sw, p, cfg);
  return 0;
}

static void seg_remove_port(vl2_segment *seg, uint32_t port) {
  for (uint32_t i = 0; i < seg->n_ports; i++) {
    if (seg->ports[i] == port) {
      seg->ports[i] = seg->ports[--seg->n_ports];
      return;
    }
  }
}

int vl2_switch_port_del(vl2_switch *sw, uint32_t port) {
  if (sw == NULL)
    return VL2_ERR_INVALID;
  vl2_port *p = get_port(sw, port);
  if (p == NULL)
    return VL2_ERR_NOTFOUND;
  flush(sw, 1, port, 0, 0, VL2_FDB_FLUSH_ALL);
  vl2_storm_port_gone(sw, port);
  vl2_mdb_dest_gone(sw, UINT32_MAX, port);
  for (uint32_t s = 0; s < sw->cfg.max_segments; s++)
    if (p->seg2vid[s] != 0)
      seg_remove_port(&sw->segs[s], port);
  vl2_mem_free(&sw->mem, p->vid2seg);
  vl2_mem_free(&sw->mem, p->seg2vid);
  memset(p, 0, sizeof(*p));
  update_max_fanout(sw);
  return 0;
}

/* Grow |*arr| (of |*cap| uint32_t) to hold one more; 0 or VL2_ERR_NOMEM. */
static int grow_u32(const vl2_mem *m, uint32_t **arr, uint32_t *cap,
                    uint32_t need) {
  if (need <= *cap)
    return 0;
  uint32_t ncap = *cap != 0 ? *cap * 2 : 4;
  while (ncap < need)
    ncap *= 2;
  uint32_t *n = vl2_mem_realloc(m, *arr, ncap * sizeof(uint32_t));
  if (n == NULL)
    return VL2_ERR_NOMEM;
  *arr = n;
  *cap = ncap;
  return 0;
}

int vl2_switch_port_vlan_add(vl2_switch *sw, uint32_t port, vl2_vid vid,
                             uint32_t vni) {
  if (sw == NULL || vid < 1 || vid > VL2_VID_MAX)
    return VL2_ERR_INVALID;
  vl2_port *p = get_port(sw, port);
  if (p == NULL)
    return VL2_ERR_NOTFOUND;
  if (p->mode == VL2_PORT_ACCESS && vid != p->pvid)
    return VL2_ERR_INVALID;
  vl2_segment *seg = vl2_switch_find_segment(sw, vni);
  if (seg == NULL)
    return VL2_ERR_NOTFOUND;
  if (p->vid2seg[vid] != VL2_SEG_NONE || p->seg2vid[seg->idx] != 0)
    return VL2_ERR_EXISTS;
  int rv = grow_u32(&sw->mem, &seg->ports, &seg->cap_ports, seg->n_ports + 1);
  if (rv != 0)
    return rv;
  seg->ports[seg->n_ports++] = port;
  p->vid2seg[vid] = (uint16_t)seg->idx;
  p->seg2vid[seg->idx] = vid;
  update_max_fanout(sw);
  return 0;
}

int vl2_switch_port_vlan_del(vl2_switch *sw, uint32_t port, vl2_vid vid) {
  if (sw == NULL || vid < 1 || vid > VL2_VID_MAX)
    return VL2_ERR_INVALID;
  vl2_port *p = get_port(sw, port);
  if (p == NULL)
    return VL2_ERR_NOTFOUND;
  uint16_t s = p->vid2seg[vid];
  if (s == VL2_SEG_NONE)
    return VL2_ERR_NOTFOUND;
  flush(sw, 1, port, 1, s, VL2_FDB_FLUSH_ALL);
  vl2_mdb_dest_gone(sw, s, port);
  seg_remove_port(&sw->segs[s], port);
  p->vid2seg[vid] = VL2_SEG_NONE;
  p->seg2vid[s] = 0;
  update_max_fanout(sw);
  return 0;
}

/* ------------------------------------------------------------------ */
/* Segments                                                             */

vl2_segment *vl2_switch_find_segment(const vl2_switch *sw, uint32_t vni) {
  vl2_segment *seg = NULL;
  HASH_FIND(hh, sw->seg_by_vni, &vni, sizeof(vni), seg);
  return seg;
}

static void seg_apply(vl2_switch *sw, vl2_segment *seg,
                      const vl2_segment_config *cfg) {
  if (cfg != NULL) {
    seg->flags = cfg->flags;
    /* EVPN: remote state only from the control plane (RFC 7432). */
    if (seg->flags & VL2_SEG_F_EVPN)
      seg->flags =
          (seg->flags & ~VL2_SEG_F_LEARN_REMOTE) | VL2_SEG_F_STRICT_REMOTES;
    seg->max_macs = eff_limit(cfg->max_macs, sw->cfg.max_macs_per_segment);
  } else {
    seg->flags = VL2_SEG_F_LEARN_REMOTE;
    seg->max_macs = sw->cfg.max_macs_per_segment;
  }
}

int vl2_switch_segment_add(vl2_switch *sw, uint32_t vni,
                           const vl2_segment_config *cfg) {
  if (sw == NULL || vni > VL2_VNI_MAX)
    return VL2_ERR_INVALID;
  if (vl2_switch_find_segment(sw, vni) != NULL)
    return VL2_ERR_EXISTS;
  vl2_segment *seg = NULL;
  for (uint32_t i = 0; i < sw->cfg.max_segments; i++) {
    if (!sw->segs[i].in_use) {
      seg = &sw->segs[i];
      break;
    }
  }
  if (seg == NULL)
    return VL2_ERR_LIMIT;
  uint32_t idx = seg->idx;
  uint32_t *ports = seg->ports, cap_ports = seg->cap_ports;
  uint32_t *remotes = seg->remotes, cap_remotes = seg->cap_remotes;
  memset(seg, 0, sizeof(*seg));
  seg->idx = idx;
  seg->ports = ports;
  seg->cap_ports = cap_ports;
  seg->remotes = remotes;
  seg->cap_remotes = cap_remotes;
  seg->vni = vni;
  seg_apply(sw, seg, cfg);

  const vl2_mem *uth_mem = &sw->mem;
  int uth_oom = 0; /* set by uthash_nonfatal_oom() */
  HASH_ADD(hh, sw->seg_by_vni, vni, sizeof(seg->vni), seg);
  if (uth_oom)
    return VL2_ERR_NOMEM;
  seg->in_use = 1;
  sw->n_segs++;
  return 0;
}

int vl2_switch_segment_set(vl2_switch *sw, uint32_t vni,
                           const vl2_segment_config *cfg) {
  if (sw == NULL || cfg == NULL)
    return VL2_ERR_INVALID;
  vl2_segment *seg = vl2_switch_find_segment(sw, vni);
  if (seg == NULL)
    return VL2_ERR_NOTFOUND;
  seg_apply(sw, seg, cfg);
  return 0;
}

int vl2_switch_segment_del(vl2_switch *sw, uint32_t vni) {
  if (sw == NULL)
    return VL2_ERR_INVALID;
  vl2_segment *seg = vl2_switch_find_segment(sw, vni);
  if (seg == NULL)
    return VL2_ERR_NOTFOUND;
  if (seg->n_ports != 0)
    return VL2_ERR_BUSY;
  flush(sw, 0, 0, 1, seg->idx, VL2_FDB_FLUSH_ALL);
  vl2_neigh_segment_gone(sw, seg->idx); /* neighbour */
  vl2_storm_segment_gone(sw, seg->idx);
  vl2_mdb_segment_gone(sw, seg->idx);
  for (uint32_t i = 0; i < seg->n_remotes; i++)
    remote_unref(sw, seg->remotes[i]);
  seg->n_remotes = 0;
  const vl2_mem *uth_mem = &sw->mem;
  HASH_DELETE(hh, sw->seg_by_vni, seg);
  seg->in_use = 0;
  sw->n_segs--;
  update_max_fanout(sw);
  return 0;
}

int vl2_switch_remote_add(vl2_switch *sw, uint32_t vni,
                          const vl2_ipaddr *remote) {
  if (sw == NULL || remote == NULL || !ipaddr_valid(remote))
    return VL2_ERR_INVALID;
  vl2_segment *seg = vl2_switch_find_segment(sw, vni);
  if (seg == NULL)
    return VL2_ERR_NOTFOUND;
  int32_t idx = vl2_switch_remote_lookup(sw, remote, 0);
  if (idx >= 0) {
    for (uint32_t i = 0; i < seg->n_remotes; i++)
      if (seg->remotes[i] == (uint32_t)idx)
        return VL2_ERR_EXISTS;
  }
  int rv =
      grow_u32(&sw->mem, &seg->remotes, &seg->cap_remotes, seg->n_remotes + 1);
  if (rv != 0)
    return rv;
  idx = vl2_switch_remote_lookup(sw, remote, 1);
  if (idx < 0)
    return VL2_ERR_LIMIT;
  remote_ref(sw, (uint32_t)idx);
  seg->remotes[seg->n_remotes++] = (uint32_t)idx;
  update_max_fanout(sw);
  return 0;
}

int vl2_switch_remote_del(vl2_switch *sw, uint32_t vni,
                          const vl2_ipaddr *remote) {
  if (sw == NULL || remote == NULL)
    return VL2_ERR_INVALID;
  vl2_segment *seg = vl2_switch_find_segment(sw, vni);
  if (seg == NULL)
    return VL2_ERR_NOTFOUND;
  int32_t idx = vl2_switch_remote_lookup(sw, remote, 0);
  if (idx < 0)
    return VL2_ERR_NOTFOUND;
  for (uint32_t i = 0; i < seg->n_remotes; i++) {
    if (seg->remotes[i] == (uint32_t)idx) {
      seg->remotes[i] = seg->remotes[--seg->n_remotes];
      /* The flood-list reference keeps |idx| alive through the flush. */
      flush(sw, 1, VL2_FDB_DEST_REMOTE | (uint32_t)idx, 1, seg->idx,
            VL2_FDB_FLUSH_DYNAMIC);
      vl2_mdb_dest_gone(sw, seg->idx, VL2_FDB_DEST_REMOTE | (uint32_t)idx);
      remote_unref(sw, (uint32_t)idx);
      update_max_fanout(sw);
      return 0;
    }
  }
  return VL2_ERR_NOTFOUND;
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

static int slot_live(const vl2_fdb_slot *s, vl2_tstamp now) {
  return s->expires == VL2_TSTAMP_NONE || s->expires > now;
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
    if (!ipaddr_valid(&e->remote))
      return VL2_ERR_INVALID;
    int32_t idx = vl2_switch_remote_lookup(sw, &e->remote, 1);
    if (idx < 0)
      return VL2_ERR_LIMIT;
    dest = VL2_FDB_DEST_REMOTE | (uint32_t)idx;
  } else {
    vl2_port *p = get_port(sw, e->port);
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
  if (s == NULL || !slot_live(s, now))
    return VL2_ERR_NOTFOUND;
  slot_to_entry(sw, s, e);
  return 0;
}

vl2_ssize vl2_fdb_flush_port(vl2_switch *sw, uint32_t port, unsigned which) {
  if (sw == NULL || port >= sw->cfg.max_ports)
    return VL2_ERR_INVALID;
  return (vl2_ssize)flush(sw, 1, port, 0, 0, which);
}

vl2_ssize vl2_fdb_flush_segment(vl2_switch *sw, uint32_t vni, unsigned which) {
  if (sw == NULL)
    return VL2_ERR_INVALID;
  vl2_segment *seg = vl2_switch_find_segment(sw, vni);
  if (seg == NULL)
    return VL2_ERR_NOTFOUND;
  return (vl2_ssize)flush(sw, 0, 0, 1, seg->idx, which);
}

vl2_ssize vl2_fdb_flush_all(vl2_switch *sw, unsigned which) {
  if (sw == NULL)
    return VL2_ERR_INVALID;
  return (vl2_ssize)flush(sw, 0, 0, 0, 0, which);
}

int vl2_fdb_next(const vl2_switch *sw, uint64_t *cursor, vl2_fdb_entry *e,
                 vl2_tstamp now) {
  if (sw == NULL || cursor == NULL || e == NULL)
    return 0;
  if (now < sw->now)
    now = sw->now;
  for (uint64_t i = *cursor; i <= sw->fdb.mask; i++) {
    const vl2_fdb_slot *s = &sw->fdb.slots[i];
    if (s->key != 0 && slot_live(s, now)) {
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

vl2_tstamp vl2_switch_next_deadline(const vl2_switch *sw) {
  if (sw == NULL)
    return VL2_TSTAMP_NONE;
  vl2_tstamp nd = vl2_neigh_next_deadline(sw); /* neighbour */
  vl2_tstamp t = vl2_storm_next_deadline(sw);
  if (t < nd)
    nd = t;
  t = vl2_mdb_next_deadline(sw);
  if (t < nd)
    nd = t;
  return nd < sw->sweep_at ? nd : sw->sweep_at;
}

int vl2_switch_run_timers(vl2_switch *sw, vl2_tstamp now) {
  if (sw == NULL)
    return VL2_ERR_INVALID;
  if (now > sw->now)
    sw->now = now;
  now = sw->now;
  vl2_neigh_run_timers(sw, now); /* neighbour: ageing, retries, directory */
  vl2_storm_run_timers(sw, now);
  vl2_mdb_run_timers(sw, now);
  if (sw->sweep_at == VL2_TSTAMP_NONE || now < sw->sweep_at)
    return 0;
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
  return 0;
}

/* ------------------------------------------------------------------ */
/* Data path                                                            */

/* What classification found out about a frame. */
typedef struct classified {
  vl2_segment *seg;
  uint32_t src_dest; /* FDB dest value of the ingress */
  uint16_t in_vid;   /* outer tag's VID when in_tagged */
  uint16_t in_tpid;  /* outer tag's TPID when in_tagged */
  uint8_t in_tagged; /* the classifying tag is present (VID may be 0) */
  uint8_t from_remote;
  uint8_t learn;
  uint8_t counted; /* learning counted something (a static conflict) */
  /* A C-tag follows the classifying S-tag (802.1ad ports): the frame may
   * only leave with an outer tag, or the C-tag would become its outer tag
   * on an access port, a native VLAN or a VXLAN tunnel. */
  uint8_t inner_tagged;
} classified;

static inline int is_tpid(uint16_t t) {
  return t == VL2_TPID_8021Q || t == VL2_TPID_8021AD;
}

/* 802.1Q clause 8.6.1/8.6.2: classify the frame into a segment, or return
 * a drop reason. */
static inline uint16_t classify_port(vl2_switch *sw, const vl2_frame *f,
                                     vl2_port *p, classified *c) {
  const uint8_t *d = f->data;
  uint16_t et = vl2_load_be16(d + 12);
  size_t l2 = 12;
  uint16_t vid;
  if (et == p->tpid) {
    if (f->len < 18)
      return VL2_DROP_RUNT;
    vid = vl2_load_be16(d + 14) & 0x0fff;
    c->in_tagged = 1;
    c->in_tpid = et;
    c->in_vid = vid;
    l2 = 16;
    if (vid == 0xfff)
      return VL2_DROP_VID_RESERVED;
    if (vid != 0 && p->mode == VL2_PORT_ACCESS)
      return VL2_DROP_TAGGED_ON_ACCESS;
  } else if (is_tpid(et)) {
    /* The other TPID: 802.1ad on a C-VLAN port, or a C-tag without an
     * S-tag on an 802.1ad port. */
    return VL2_DROP_QINQ;
  } else {
    vid = 0;
  }
  /* Behind the classifying tag (or behind nothing) another tag must not
   * follow, except a C-tag behind an 802.1ad S-tag: otherwise popping the
   * outer tag on egress would expose a tag (VLAN hopping). */
  if (l2 != 12) {
    if (f->len < l2 + 2)
      return VL2_DROP_RUNT;
    uint16_t inner = vl2_load_be16(d + l2);
    if (inner == p->tpid || (p->tpid == VL2_TPID_8021Q && is_tpid(inner)))
      return VL2_DROP_STACKED_TAG;
    c->inner_tagged = (uint8_t)is_tpid(inner);
  }
  if (vid == 0) {
    /* Untagged or priority-tagged: the PVID / native VLAN. */
    if (p->pvid == 0)
      return VL2_DROP_UNTAGGED_ON_TRUNK;
    vid = p->pvid;
  }
  uint16_t s = p->vid2seg[vid];
  if (s == VL2_SEG_NONE)
    return vid == p->pvid ? VL2_DROP_NO_SEGMENT : VL2_DROP_VLAN_NOT_ALLOWED;
  c->seg = &sw->segs[s];
  c->learn = (p->flags & VL2_PORT_F_LEARN) != 0;
  return VL2_DROP_NONE;
}

static inline uint16_t classify_remote(vl2_switch *sw, const vl2_frame *f,
                                       classified *c) {
  if (is_tpid(vl2_load_be16(f->data + 12)))
    return VL2_DROP_REMOTE_TAGGED;
  vl2_segment *seg = vl2_switch_find_segment(sw, f->vni);
  if (seg == NULL)
    return VL2_DROP_NO_SEGMENT;
  int32_t idx = vl2_switch_remote_lookup(sw, &f->remote, 0);
  if (seg->flags & VL2_SEG_F_STRICT_REMOTES) {
    int member = 0;
    for (uint32_t i = 0; idx >= 0 && i < seg->n_remotes; i++)
      member |= seg->remotes[i] == (uint32_t)idx;
    if (!member)
      return VL2_DROP_REMOTE_NOT_MEMBER;
  }
  c->seg = seg;
  c->from_remote = 1;
  c->learn = (seg->flags & VL2_SEG_F_LEARN_REMOTE) != 0;
  /* An endpoint not in the table yet is created when learning needs it. */
  c->src_dest = idx >= 0 ? (VL2_FDB_DEST_REMOTE | (uint32_t)idx) : UINT32_MAX;
  return VL2_DROP_NONE;
}

/* Learn |mac| against the ingress (802.1Q clause 8.7). Returns verdict
 * flags. */
static uint32_t learn(vl2_switch *sw, classified *c, const vl2_frame *f,
                      uint64_t mac, vl2_fdb_slot *s, vl2_tstamp now) {
  vl2_segment *seg = c->seg;
  vl2_tstamp expires = sw->learn_expires; /* set per burst */
  if (s != NULL) {
    /* A control-plane (EVPN) entry moves by local learning only. */
    if ((s->flags & VL2_FDB_F_STATIC) &&
        (!(s->flags & VL2_FDB_F_EVPN) || c->from_remote)) {
      if (s->dest != c->src_dest) {
        sw->st.static_conflicts++;
        c->counted = 1;
      }
      return 0;
    }
    if (s->dest == c->src_dest) {
      s->expires = expires;
      return 0;
    }
    /* neighbour: move dampening; a frozen MAC stays where it is. */
    if (!vl2_neigh_mac_move_ok(sw, seg, mac, now))
      return VL2_VFLAG_FROZEN;
  }
  /* A new entry or a move: resolve the remote endpoint if needed. */
  if (c->src_dest == UINT32_MAX) {
    int32_t idx = vl2_switch_remote_lookup(sw, &f->remote, 1);
    if (idx < 0) {
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
      ev.remote = f->remote;
      ev.at = sw->now;
      vl2_switch_emit(sw, &ev);
      return VL2_VFLAG_LIMIT;
    }
    c->src_dest = VL2_FDB_DEST_REMOTE | (uint32_t)idx;
  }
  uint32_t dest = c->src_dest;
  vl2_port *p = (dest & VL2_FDB_DEST_REMOTE) ? NULL : &sw->ports[dest];
  uint16_t limit = 0;
  if (p != NULL && p->max_macs != 0 && p->macs >= p->max_macs)
    limit = VL2_LIMIT_PORT;
  else if (s == NULL && seg->max_macs != 0 && seg->macs >= seg->max_macs)
    limit = VL2_LIMIT_SEGMENT;
  else if (s == NULL && sw->fdb.count >= sw->fdb.max)
    limit = VL2_LIMIT_TABLE;
  if (limit != 0) {
    sw->st.limit_hits++;
    seg->st.limit_hits++;
    if (p != NULL)
      p->st.limit_hits++;
    emit_fdb(sw, VL2_EV_FDB_LIMIT, limit, seg, mac, dest, 0);
    /* Keep the endpoint table tidy: an endpoint created just now with no
     * reference is released. */
    if ((dest & VL2_FDB_DEST_REMOTE) &&
        sw->remotes[dest & ~VL2_FDB_DEST_REMOTE].refcnt == 0)
      remote_release(sw, dest & ~VL2_FDB_DEST_REMOTE);
    return VL2_VFLAG_LIMIT;
  }
  if (s != NULL) {
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
    dest_ref(sw, old, 1, -1);
    return VL2_VFLAG_MOVED;
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

/* 802.1Q clause 8.1.7 / 6.9: the edit that makes the frame right for port
 * |p| in the frame's segment. */
/* Whether frames of segment |seg_idx| leave port |p| with a tag. */
static inline int egress_tagged(const vl2_port *p, uint32_t seg_idx) {
  return p->mode == VL2_PORT_TRUNK && p->seg2vid[seg_idx] != p->pvid;
}

static inline void port_dest(const vl2_switch *sw, const classified *c,
                             uint32_t port, vl2_dest *d) {
  const vl2_port *p = &sw->ports[port];
  vl2_vid vid = p->seg2vid[c->seg->idx];
  int out_tagged = egress_tagged(p, c->seg->idx);
  d->type = VL2_DEST_PORT;
  d->port = port;
  d->vni = c->seg->vni;
  d->udp_sport = 0;
  d->remote_id = 0;
  d->vid = 0;
  d->tpid = 0;
  if (!c->in_tagged) {
    if (out_tagged) {
      d->edit = VL2_EDIT_PUSH;
      d->vid = vid;
      d->tpid = p->tpid;
    } else {
      d->edit = VL2_EDIT_KEEP;
    }
  } else if (!out_tagged) {
    d->edit = VL2_EDIT_POP;
  } else if (c->in_vid == vid && c->in_tpid == p->tpid) {
    d->edit = VL2_EDIT_KEEP;
  } else {
    d->edit = VL2_EDIT_REWRITE;
    d->vid = vid;
    d->tpid = p->tpid;
  }
}

int vl2_switch_set_overlay(vl2_switch *sw, const vl2_vxlan_config *cfg) {
  if (sw == NULL || (cfg != NULL && vl2_vxlan_config_check(cfg) != 0))
    return VL2_ERR_INVALID;
  sw->has_overlay = cfg != NULL;
  if (cfg != NULL)
    sw->overlay = *cfg;
  return 0;
}

/* Per-frame overlay facts, computed at most once per frame and only when a
 * remote destination needs them. */
typedef struct overlay_ctx {
  uint8_t done;
  uint16_t sport;
  uint32_t inner_len; /* after the egress edit (inner frames are untagged) */
} overlay_ctx;

/* Whether a copy to remote |idx| fits the underlay MTU; fills |o| on first
 * use. Always 1 without overlay settings. */
static inline int remote_fits(const vl2_switch *sw, const vl2_frame *f,
                              const classified *c, uint32_t idx,
                              overlay_ctx *o) {
  if (!sw->has_overlay)
    return 1;
  if (!o->done) {
    o->done = 1;
    o->sport = vl2_vxlan_sport(f->data, f->len, sw->overlay.hash_seed,
                               sw->overlay.sport_lo, sw->overlay.sport_hi);
    o->inner_len = f->len - (c->in_tagged ? VL2_VLAN_TAG_LEN : 0u);
    if (f->flags & VL2_FRAME_F_VNET_HDR) {
      /* A GSO super-frame leaves as segments of hdr_len + gso_size bytes
       * (struct virtio_net_hdr: flags, gso_type, hdr_len, gso_size, ...
       * in host byte order, just before the frame). */
      const uint8_t *h = f->data - VL2_VNET_HDR_LEN;
      uint16_t hdr_len, gso_size;
      memcpy(&hdr_len, h + 2, sizeof(hdr_len));
      memcpy(&gso_size, h + 4, sizeof(gso_size));
      uint32_t seg = (uint32_t)hdr_len + gso_size;
      if (h[1] != 0 && hdr_len != 0 && gso_size != 0 && seg <= f->len)
        o->inner_len = seg - (c->in_tagged ? VL2_VLAN_TAG_LEN : 0u);
    }
  }
  if (sw->overlay.underlay_mtu == 0)
    return 1;
  return o->inner_len <= vl2_vxlan_max_frame(sw->remotes[idx].addr.family,
                                             sw->overlay.underlay_mtu);
}

static inline void remote_dest(const vl2_switch *sw, const classified *c,
                               uint32_t idx, const overlay_ctx *o,
                               vl2_dest *d) {
  d->type = VL2_DEST_REMOTE;
  d->edit = c->in_tagged ? VL2_EDIT_POP : VL2_EDIT_KEEP;
  d->vid = 0;
  d->tpid = 0;
  d->udp_sport = o->sport;
  d->port = VL2_PORT_REMOTE;
  d->vni = c->seg->vni;
  d->remote_id = idx;
  d->remote = sw->remotes[idx].addr;
}

static inline uint32_t flood_flag(const uint8_t *dst) {
  if (!vl2_mac_is_group(dst))
    return VL2_PORT_F_FLOOD_UNKNOWN;
  return vl2_mac_is_bcast(dst) ? VL2_PORT_F_FLOOD_BCAST
                               : VL2_PORT_F_FLOOD_MCAST;
}

/* Reserved group addresses a C-VLAN bridge never forwards: 01-80-C2-00-00-0X
 * (802.1Q clause 8.6.3, Table 8-1). */
static inline int reserved_group(const uint8_t *d) {
  return d[0] == 0x01 && d[1] == 0x80 && d[2] == 0xc2 && d[3] == 0 &&
         d[4] == 0 && (d[5] & 0xf0) == 0;
}

static inline void drop(vl2_switch *sw, vl2_verdict *v, vl2_port *p,
                        uint16_t reason) {
  v->action = VL2_ACT_DROP;
  v->reason = reason;
  sw->st.drops[reason]++;
  sw->st.dropped++;
  if (p != NULL)
    p->st.rx_drops++;
}

/* Decide one frame. Returns 1 when decided, 0 when its destinations might
 * not fit in |cap - *used| (nothing changed). */
/* A decision the next frame of the burst may repeat (see try_repeat()):
 * known unicast to a port, IPv4, nothing learned, moved or counted on the
 * way. |f| is NULL when there is none. */
typedef struct repeat_ctx {
  const vl2_frame *f;
  vl2_port *in;
  vl2_segment *seg;
  vl2_port *out;
  uint32_t hdr_len;     /* the bytes that decided it: MACs, tag, EtherType */
  const vl2_dest *dest; /* its destination, in the caller's array */
} repeat_ctx;

static int process_one(vl2_switch *sw, const vl2_frame *f, vl2_verdict *v,
                       vl2_dest *dests, size_t *used, size_t cap,
                       vl2_tstamp now, repeat_ctx *rc) {
  rc->f = NULL;
  classified c;
  memset(&c, 0, sizeof(c));
  memset(v, 0, sizeof(*v));
  vl2_port *p = NULL;
  uint16_t reason;

  if (f->port == VL2_PORT_REMOTE) {
    if (f->data == NULL || f->len < VL2_ETH_HLEN) {
      reason = VL2_DROP_RUNT;
      goto out_drop;
    }
    reason = classify_remote(sw, f, &c);
  } else {
    p = get_port(sw, f->port);
    if (p == NULL) {
      reason = VL2_DROP_PORT_UNKNOWN;
      goto out_drop;
    }
    if (f->data == NULL || f->len < VL2_ETH_HLEN) {
      p->st.rx_frames++;
      p->st.rx_bytes += f->len;
      reason = VL2_DROP_RUNT;
      goto out_drop;
    }
    c.src_dest = f->port;
    reason = classify_port(sw, f, p, &c);
  }
  const uint8_t *dst = f->data;
  const uint8_t *src = f->data + 6;
  if (reason == VL2_DROP_NONE) {
    if (vl2_mac_is_group(src))
      reason = VL2_DROP_SRC_MULTICAST;
    else if (vl2_mac_is_zero(src))
      reason = VL2_DROP_SRC_ZERO;
    else if (reserved_group(dst))
      reason = VL2_DROP_RESERVED_GROUP;
  }

  vl2_segment *seg = c.seg;
  uint64_t dmac = vl2_frame_mac_to_u64(dst);
  vl2_fdb_slot *ds = NULL;
  if (reason == VL2_DROP_NONE) {
    if (!vl2_mac_is_group(dst)) {
      ds = vl2_fdb_find(&sw->fdb, vl2_fdb_key(seg->idx, dmac));
      if (ds != NULL && !slot_live(ds, now))
        ds = NULL;
    }
    size_t need = ds != NULL ? 1 : (size_t)seg->n_ports + seg->n_remotes;
    if (need > cap - *used)
      return 0;
  }

  /* Counted from here on: the frame is decided. */
  if (p != NULL) {
    p->st.rx_frames++;
    p->st.rx_bytes += f->len;
  }
  sw->st.rx_frames++;
  sw->st.rx_bytes += f->len;
  if (reason != VL2_DROP_NONE) {
    drop(sw, v, p, reason);
    if (seg != NULL)
      v->vni = seg->vni;
    return 1;
  }
  v->vni = seg->vni;
  seg->st.rx_frames++;
  seg->st.rx_bytes += f->len;

  /* neighbour: ARP/RARP/ND snooping, spoof guard and suppression. IPv4
   * (the common case) costs one compare. Runs before learning so a
   * spoofed frame teaches nothing. */
  int nbv = VL2_NB_PASS;
  uint16_t et = vl2_load_be16(f->data + (c.in_tagged ? 16 : 12));
  if (et != VL2_ETH_P_IPV4) {
    nbv =
        vl2_neigh_input(sw, seg, f, c.in_tagged ? 18u : 14u, et, now, &reason);
    if (nbv == VL2_NB_DROP) {
      drop(sw, v, p, reason);
      return 1;
    }
  }

  if (c.learn) {
    uint64_t smac = vl2_frame_mac_to_u64(src);
    vl2_fdb_slot *ss = vl2_fdb_find(&sw->fdb, vl2_fdb_key(seg->idx, smac));
    v->flags |= learn(sw, &c, f, smac, ss, now);
    if (smac == dmac) {
      ds = vl2_fdb_find(&sw->fdb, vl2_fdb_key(seg->idx, dmac));
      if (ds != NULL && !slot_live(ds, now))
        ds = NULL;
    }
  }

  if (nbv == VL2_NB_CONSUME) { /* neighbour: answered or sent to directory */
    v->action = VL2_ACT_CONSUMED;
    sw->st.consumed++;
    return 1;
  }

  vl2_dest *out = dests + *used;
  overlay_ctx oc = {0, 0, 0};
  if (ds != NULL) {
    /* Known unicast. */
    if (ds->dest == c.src_dest) {
      drop(sw, v, p, VL2_DROP_SAME_PORT);
      return 1;
    }
    if (ds->dest & VL2_FDB_DEST_REMOTE) {
      if (c.from_remote) {
        drop(sw, v, p, VL2_DROP_SPLIT_HORIZON);
        return 1;
      }
      uint32_t ridx = ds->dest & ~VL2_FDB_DEST_REMOTE;
      if (c.inner_tagged) {
        drop(sw, v, p, VL2_DROP_STACKED_TAG);
        return 1;
      }
      if (!remote_fits(sw, f, &c, ridx, &oc)) {
        drop(sw, v, p, VL2_DROP_OVERLAY_MTU);
        return 1;
      }
      remote_dest(sw, &c, ridx, &oc, out);
    } else {
      if (c.inner_tagged && !egress_tagged(&sw->ports[ds->dest], seg->idx)) {
        drop(sw, v, p, VL2_DROP_STACKED_TAG);
        return 1;
      }
      port_dest(sw, &c, ds->dest, out);
      sw->ports[ds->dest].st.tx_frames++;
      sw->ports[ds->dest].st.tx_bytes += f->len;
      if (v->flags == 0 && !c.counted && nbv == VL2_NB_PASS &&
          et == VL2_ETH_P_IPV4 && p != NULL) {
        rc->f = f;
        rc->hdr_len = c.in_tagged ? 18u : 14u;
        rc->in = p;
        rc->seg = seg;
        rc->out = &sw->ports[ds->dest];
        rc->dest = out;
      }
    }
    v->action = VL2_ACT_FORWARD;
    v->dest_off = (uint32_t)*used;
    v->dest_cnt = 1;
    *used += 1;
    seg->st.tx_frames++;
    seg->st.tx_bytes += f->len;
    sw->st.forwarded++;
    return 1;
  }

  /* BUM: replicate to every member but the ingress (split horizon for
   * remote endpoints). */
  uint32_t need_flag = flood_flag(dst);
  uint32_t n = 0;
  for (uint32_t i = 0; i < seg->n_ports; i++) {
    uint32_t q = seg->ports[i];
    if (q == f->port || !(sw->ports[q].flags & need_flag))
      continue;
    if (c.inner_tagged && !egress_tagged(&sw->ports[q], seg->idx)) {
      sw->st.stacked_tag_skips++;
      continue;
    }
    port_dest(sw, &c, q, &out[n++]);
    sw->ports[q].st.tx_frames++;
    sw->ports[q].st.tx_bytes += f->len;
  }
  uint32_t n_local = n;
  if (!c.from_remote)
    for (uint32_t i = 0; i < seg->n_remotes; i++) {
      if (c.inner_tagged) {
        sw->st.stacked_tag_skips++;
        continue;
      }
      if (!remote_fits(sw, f, &c, seg->remotes[i], &oc)) {
        sw->st.overlay_mtu_skips++;
        continue;
      }
      remote_dest(sw, &c, seg->remotes[i], &oc, &out[n++]);
    }
  if (need_flag == VL2_PORT_F_FLOOD_UNKNOWN)
    seg->st.unknown_unicast++;
  if (n == 0) {
    drop(sw, v, p, VL2_DROP_NO_DESTINATION);
    v->flags |= VL2_VFLAG_FLOOD;
    return 1;
  }
  v->action = VL2_ACT_FORWARD;
  v->flags |= VL2_VFLAG_FLOOD;
  v->dest_off = (uint32_t)*used;
  v->dest_cnt = n;
  *used += n;
  seg->st.bum_frames++;
  seg->st.flood_copies += n;
  seg->st.flood_remote_copies += n - n_local;
  seg->st.tx_frames += n;
  seg->st.tx_bytes += (uint64_t)n * f->len;
  if (p != NULL)
    p->st.rx_flooded++;
  sw->st.flooded++;
  return 1;

out_drop:
  sw->st.rx_frames++;
  sw->st.rx_bytes += f->len;
  drop(sw, v, p, reason);
  return 1;
}

/* A frame from the same port with the same deciding header as the one
 * |rc| describes, in the same burst (same `now`, nothing changed since:
 * that frame only refreshed its source entry), gets the same decision
 * without a second classification and two FDB lookups: a one-entry flow
 * cache for the trains of one flow that bursts carry. Counted exactly as
 * process_one() counts it. Returns 1 when |v| was decided. */
static inline int try_repeat(vl2_switch *sw, const repeat_ctx *rc,
                             const vl2_frame *f, vl2_verdict *v,
                             vl2_dest *dests, size_t *used, size_t cap) {
  const vl2_frame *g = rc->f;
  if (g == NULL || f->port != g->port || f->data == NULL ||
      f->len < rc->hdr_len || *used >= cap)
    return 0;
  /* Fixed-size compares (no memcmp call): bytes 0..13, and 14..17 when
   * a tag decided it. */
  uint64_t a0, b0;
  uint32_t a1, b1;
  uint16_t a2, b2;
  memcpy(&a0, f->data, 8);
  memcpy(&b0, g->data, 8);
  memcpy(&a1, f->data + 8, 4);
  memcpy(&b1, g->data + 8, 4);
  memcpy(&a2, f->data + 12, 2);
  memcpy(&b2, g->data + 12, 2);
  if (((a0 ^ b0) | (a1 ^ b1) | (uint32_t)(a2 ^ b2)) != 0)
    return 0;
  if (rc->hdr_len > 14) {
    memcpy(&a1, f->data + 14, 4);
    memcpy(&b1, g->data + 14, 4);
    if (a1 != b1)
      return 0;
  }
  dests[*used] = *rc->dest;
  v->action = VL2_ACT_FORWARD;
  v->reason = VL2_DROP_NONE;
  v->dest_off = (uint32_t)*used;
  v->dest_cnt = 1;
  v->vni = rc->seg->vni;
  v->flags = 0;
  v->reserved = 0;
  *used += 1;
  rc->in->st.rx_frames++;
  rc->in->st.rx_bytes += f->len;
  sw->st.rx_frames++;
  sw->st.rx_bytes += f->len;
  rc->seg->st.rx_frames++;
  rc->seg->st.rx_bytes += f->len;
  rc->out->st.tx_frames++;
  rc->out->st.tx_bytes += f->len;
  rc->seg->st.tx_frames++;
  rc->seg->st.tx_bytes += f->len;
  sw->st.forwarded++;
  return 1;
}

vl2_ssize vl2_switch_process(vl2_switch *sw, const vl2_frame *in, size_t n,
                             vl2_verdict *out, vl2_dest *dests,
                             size_t dests_cap, vl2_tstamp now) {
  if (n == 0)
    return 0;
  if (sw == NULL || in == NULL || out == NULL ||
      (dests == NULL && dests_cap > 0))
    return VL2_ERR_INVALID;
  if (now > sw->now)
    sw->now = now;
  now = sw->now;
  size_t used = 0;
  size_t i;
  repeat_ctx rc = {NULL, NULL, NULL, NULL, 0, NULL};
  /* When entries learned or refreshed by this burst expire. */
  vl2_duration a = sw->cfg.ageing_ns;
  sw->learn_expires = a == 0                      ? VL2_TSTAMP_NONE
                      : now < VL2_TSTAMP_NONE - a ? now + a
                                                  : VL2_TSTAMP_NONE - 1;
  for (i = 0; i < n; i++) {
    if (try_repeat(sw, &rc, &in[i], &out[i], dests, &used, dests_cap))
      continue;
    if (!process_one(sw, &in[i], &out[i], dests, &used, dests_cap, now, &rc))
      break;
  }
  if (i == 0)
    return VL2_ERR_NOBUF;
  return (vl2_ssize)i;
}

/* ------------------------------------------------------------------ */
/* Counters                                                             */

int vl2_switch_get_stats(const vl2_switch *sw, vl2_switch_stats *st) {
  if (sw == NULL || st == NULL)
    return VL2_ERR_INVALID;
  *st = sw->st;
  st->fdb_entries = sw->fdb.count;
  st->fdb_static = sw->fdb_static;
  return 0;
}

int vl2_switch_port_get_stats(const vl2_switch *sw, uint32_t port,
                              vl2_port_stats *st) {
  if (sw == NULL || st == NULL)
    return VL2_ERR_INVALID;
  const vl2_port *p = get_port(sw, port);
  if (p == NULL)
    return VL2_ERR_NOTFOUND;
  *st = p->st;
  st->macs = p->macs;
  return 0;
}

int vl2_switch_segment_get_stats(const vl2_switch *sw, uint32_t vni,
                                 vl2_segment_stats *st) {
  if (sw == NULL || st == NULL)
    return VL2_ERR_INVALID;
  const vl2_segment *seg = vl2_switch_find_segment(sw, vni);
  if (seg == NULL)
    return VL2_ERR_NOTFOUND;
  *st = seg->st;
  st->macs = seg->macs;
  return 0;
}

static const char *const drop_names[VL2_DROP_REASON_COUNT] = {
    [VL2_DROP_NONE] = "none",
    [VL2_DROP_RUNT] = "runt",
    [VL2_DROP_PORT_UNKNOWN] = "port_unknown",
    [VL2_DROP_SRC_MULTICAST] = "src_multicast",
    [VL2_DROP_SRC_ZERO] = "src_zero",
    [VL2_DROP_TAGGED_ON_ACCESS] = "tagged_on_access",
    [VL2_DROP_UNTAGGED_ON_TRUNK] = "untagged_on_trunk",
    [VL2_DROP_VLAN_NOT_ALLOWED] = "vlan_not_allowed",
    [VL2_DROP_VID_RESERVED] = "vid_reserved",
    [VL2_DROP_STACKED_TAG] = "stacked_tag",
    [VL2_DROP_QINQ] = "qinq",
    [VL2_DROP_NO_SEGMENT] = "no_segment",
    [VL2_DROP_RESERVED_GROUP] = "reserved_group",
    [VL2_DROP_SAME_PORT] = "same_port",
    [VL2_DROP_SPLIT_HORIZON] = "split_horizon",
    [VL2_DROP_NO_DESTINATION] = "no_destination",
    [VL2_DROP_REMOTE_NOT_MEMBER] = "remote_not_member",
    [VL2_DROP_REMOTE_TAGGED] = "remote_tagged",
    [VL2_DROP_ARP_SPOOF] = "arp_spoof",
    [VL2_DROP_ND_SPOOF] = "nd_spoof",
    [VL2_DROP_NEIGH_UNBOUND] = "neigh_unbound",
    [VL2_DROP_DIR_FULL] = "dir_full",
    [VL2_DROP_OVERLAY_MTU] = "overlay_mtu",
    [VL2_DROP_STORM_CONTROL] = "storm_control",
    [VL2_DROP_MCAST_INVALID] = "mcast_invalid",
};

const char *vl2_drop_reason_name(unsigned reason) {
  if (reason >= VL2_DROP_REASON_COUNT || drop_names[reason] == NULL)
    return "unknown";
  return drop_names[reason];
}
