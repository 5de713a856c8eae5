/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * Ports: local attachments, their mode (access / trunk), TPID, limits,
 * and their VLAN -> segment map (802.1Q clause 6.9 / 8.6.1).
 *
 * Where it fits: control plane only. Deleting a port or one of its VLANs
 * flushes the MAC table (vl2_fdb.c) and the segment's flood list
 * (vl2_segment.c).
 */
#include <string.h>

#include <vl2/vlan.h>

#include "vl2_fdb.h"
#include "vl2_mdb.h"
#include "vl2_storm.h"
#include "vl2_switch_int.h"

void vl2_port_config_default(vl2_port_config *cfg, uint8_t mode) {
  if (cfg == NULL)
    return;
  memset(cfg, 0, sizeof(*cfg));
  cfg->mode = mode;
  cfg->pvid = mode == VL2_PORT_ACCESS ? 1 : 0;
  cfg->flags = VL2_PORT_F_DEFAULT;
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
  p->max_macs = vl2_eff_limit(c->max_macs, sw->cfg.max_macs_per_port);
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
  vl2_port *p = vl2_switch_port(sw, port);
  if (p == NULL)
    return VL2_ERR_NOTFOUND;
  if (cfg->mode != p->mode || cfg->pvid != p->pvid)
    return VL2_ERR_INVALID;
  if ((cfg->flags ^ p->flags) & VL2_PORT_F_QINQ)
    return VL2_ERR_INVALID; /* the TPID classifies; re-add the port */
  port_apply(sw, p, cfg);
  return 0;
}

int vl2_switch_port_del(vl2_switch *sw, uint32_t port) {
  if (sw == NULL)
    return VL2_ERR_INVALID;
  vl2_port *p = vl2_switch_port(sw, port);
  if (p == NULL)
    return VL2_ERR_NOTFOUND;
  vl2_fdb_flush(sw, 1, port, 0, 0, VL2_FDB_FLUSH_ALL);
  vl2_storm_port_gone(sw, port);
  vl2_mdb_dest_gone(sw, UINT32_MAX, port);
  for (uint32_t s = 0; s < sw->cfg.max_segments; s++)
    if (p->seg2vid[s] != 0)
      vl2_segment_port_del(&sw->segs[s], port);
  vl2_mem_free(&sw->mem, p->vid2seg);
  vl2_mem_free(&sw->mem, p->seg2vid);
  memset(p, 0, sizeof(*p));
  vl2_segment_update_fanout(sw);
  return 0;
}

/* Grow |*arr| (of |*cap| uint32_t) to hold one more; 0 or VL2_ERR_NOMEM. */

int vl2_switch_port_vlan_add(vl2_switch *sw, uint32_t port, vl2_vid vid,
                             uint32_t vni) {
  if (sw == NULL || vid < 1 || vid > VL2_VID_MAX)
    return VL2_ERR_INVALID;
  vl2_port *p = vl2_switch_port(sw, port);
  if (p == NULL)
    return VL2_ERR_NOTFOUND;
  if (p->mode == VL2_PORT_ACCESS && vid != p->pvid)
    return VL2_ERR_INVALID;
  vl2_segment *seg = vl2_switch_find_segment(sw, vni);
  if (seg == NULL)
    return VL2_ERR_NOTFOUND;
  if (p->vid2seg[vid] != VL2_SEG_NONE || p->seg2vid[seg->idx] != 0)
    return VL2_ERR_EXISTS;
  int rv = vl2_segment_port_add(sw, seg, port);
  if (rv != 0)
    return rv;
  p->vid2seg[vid] = (uint16_t)seg->idx;
  p->seg2vid[seg->idx] = vid;
  vl2_segment_update_fanout(sw);
  return 0;
}

int vl2_switch_port_vlan_del(vl2_switch *sw, uint32_t port, vl2_vid vid) {
  if (sw == NULL || vid < 1 || vid > VL2_VID_MAX)
    return VL2_ERR_INVALID;
  vl2_port *p = vl2_switch_port(sw, port);
  if (p == NULL)
    return VL2_ERR_NOTFOUND;
  uint16_t s = p->vid2seg[vid];
  if (s == VL2_SEG_NONE)
    return VL2_ERR_NOTFOUND;
  vl2_fdb_flush(sw, 1, port, 1, s, VL2_FDB_FLUSH_ALL);
  vl2_mdb_dest_gone(sw, s, port);
  vl2_segment_port_del(&sw->segs[s], port);
  p->vid2seg[vid] = VL2_SEG_NONE;
  p->seg2vid[s] = 0;
  vl2_segment_update_fanout(sw);
  return 0;
}
