/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * Segments (broadcast domains, one VNI each) and their flood lists: the
 * local member ports and the remote endpoints (VTEPs) a BUM frame is
 * replicated to.
 *
 * Where it fits: control plane only. Deleting a segment or one of its
 * remote endpoints flushes the MAC table (vl2_fdb.c) and the neighbour
 * state (vl2_neigh.c) of the segment.
 */
#include <string.h>

#include "vl2_fdb.h"
#include "vl2_mdb.h"
#include "vl2_neigh.h"
#include "vl2_storm.h"
#include "vl2_switch_int.h"

void vl2_segment_update_fanout(vl2_switch *sw) {
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

void vl2_segment_port_del(vl2_segment *seg, uint32_t port) {
  for (uint32_t i = 0; i < seg->n_ports; i++) {
    if (seg->ports[i] == port) {
      seg->ports[i] = seg->ports[--seg->n_ports];
      return;
    }
  }
}

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

vl2_segment *vl2_switch_find_segment(const vl2_switch *sw, uint32_t vni) {
  vl2_segment *seg = NULL;
  HASH_FIND(hh, sw->seg_by_vni, &vni, sizeof(vni), seg);
  return seg;
}

int vl2_segment_port_add(vl2_switch *sw, vl2_segment *seg, uint32_t port) {
  int rv = grow_u32(&sw->mem, &seg->ports, &seg->cap_ports, seg->n_ports + 1);
  if (rv != 0)
    return rv;
  seg->ports[seg->n_ports++] = port;
  return 0;
}

static void seg_apply(vl2_switch *sw, vl2_segment *seg,
                      const vl2_segment_config *cfg) {
  if (cfg != NULL) {
    seg->flags = cfg->flags;
    /* EVPN: remote state only from the control plane (RFC 7432). */
    if (seg->flags & VL2_SEG_F_EVPN)
      seg->flags =
          (seg->flags & ~VL2_SEG_F_LEARN_REMOTE) | VL2_SEG_F_STRICT_REMOTES;
    seg->max_macs = vl2_eff_limit(cfg->max_macs, sw->cfg.max_macs_per_segment);
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
  vl2_fdb_flush(sw, 0, 0, 1, seg->idx, VL2_FDB_FLUSH_ALL);
  vl2_fdb_segment_gone(sw, seg->idx);
  vl2_neigh_segment_gone(sw, seg->idx);
  vl2_txq_segment_gone(&sw->txq, seg->idx);
  vl2_storm_segment_gone(sw, seg->idx);
  vl2_mdb_segment_gone(sw, seg->idx);
  for (uint32_t i = 0; i < seg->n_remotes; i++)
    vl2_remote_unref(&sw->rt, seg->remotes[i]);
  seg->n_remotes = 0;
  const vl2_mem *uth_mem = &sw->mem;
  HASH_DELETE(hh, sw->seg_by_vni, seg);
  seg->in_use = 0;
  sw->n_segs--;
  vl2_segment_update_fanout(sw);
  return 0;
}

int vl2_switch_remote_add(vl2_switch *sw, uint32_t vni,
                          const vl2_ipaddr *remote) {
  if (sw == NULL || remote == NULL || !vl2_ipaddr_valid(remote))
    return VL2_ERR_INVALID;
  vl2_segment *seg = vl2_switch_find_segment(sw, vni);
  if (seg == NULL)
    return VL2_ERR_NOTFOUND;
  int32_t idx = vl2_remote_lookup(&sw->rt, remote, 0);
  if (idx >= 0) {
    for (uint32_t i = 0; i < seg->n_remotes; i++)
      if (seg->remotes[i] == (uint32_t)idx)
        return VL2_ERR_EXISTS;
  }
  int rv =
      grow_u32(&sw->mem, &seg->remotes, &seg->cap_remotes, seg->n_remotes + 1);
  if (rv != 0)
    return rv;
  idx = vl2_remote_lookup(&sw->rt, remote, 1);
  if (idx < 0)
    return VL2_ERR_LIMIT;
  vl2_remote_ref(&sw->rt, (uint32_t)idx);
  seg->remotes[seg->n_remotes++] = (uint32_t)idx;
  vl2_segment_update_fanout(sw);
  return 0;
}

int vl2_switch_remote_del(vl2_switch *sw, uint32_t vni,
                          const vl2_ipaddr *remote) {
  if (sw == NULL || remote == NULL)
    return VL2_ERR_INVALID;
  vl2_segment *seg = vl2_switch_find_segment(sw, vni);
  if (seg == NULL)
    return VL2_ERR_NOTFOUND;
  int32_t idx = vl2_remote_lookup(&sw->rt, remote, 0);
  if (idx < 0)
    return VL2_ERR_NOTFOUND;
  for (uint32_t i = 0; i < seg->n_remotes; i++) {
    if (seg->remotes[i] == (uint32_t)idx) {
      seg->remotes[i] = seg->remotes[--seg->n_remotes];
      /* The flood-list reference keeps |idx| alive through the flush. */
      vl2_fdb_flush(sw, 1, VL2_FDB_DEST_REMOTE | (uint32_t)idx, 1, seg->idx,
                    VL2_FDB_FLUSH_DYNAMIC);
      vl2_mdb_dest_gone(sw, seg->idx, VL2_FDB_DEST_REMOTE | (uint32_t)idx);
      vl2_remote_unref(&sw->rt, (uint32_t)idx);
      vl2_segment_update_fanout(sw);
      return 0;
    }
  }
  return VL2_ERR_NOTFOUND;
}

int vl2_switch_remote_get(const vl2_switch *sw, uint32_t vni, uint32_t idx,
                          vl2_ipaddr *remote) {
  if (sw == NULL || remote == NULL)
    return VL2_ERR_INVALID;
  const vl2_segment *seg = vl2_switch_find_segment(sw, vni);
  if (seg == NULL)
    return VL2_ERR_NOTFOUND;
  if (idx >= seg->n_remotes)
    return 0;
  *remote = *vl2_remote_addr(&sw->rt, seg->remotes[idx]);
  return 1;
}
