/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * Internal: the forwarding rule, shared by the data path
 * (vl2_switch_process(), vl2_forward.c) and the originated-frame queue
 * (vl2_switch_poll_tx(), vl2_txq.c), so a frame the switch sends itself
 * reaches exactly the destinations a received one would: the egress edit
 * of a port (802.1Q clause 8.1.7), a remote endpoint's outer source port,
 * and the flood rule (the member's flood flag, split horizon, no exposed
 * inner tag, the underlay MTU), each skip counted.
 */
#ifndef VL2_FORWARD_H
#define VL2_FORWARD_H

#include <string.h>

#include <vl2/trace.h>
#include <vl2/vlan.h>

#include "vl2_switch_int.h"
#include "vl2_wire.h"

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

/* 802.1Q clause 8.1.7 / 6.9: the edit that makes the frame right for port
 * |port| in the frame's segment. */
static inline void port_dest(const vl2_switch *sw, const classified *c,
                             uint32_t port, vl2_dest *d) {
  const vl2_port *p = &sw->ports[port];
  vl2_vid vid = p->seg2vid[c->seg->idx];
  int out_tagged = vl2_port_egress_tagged(p, c->seg->idx);
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
  return o->inner_len <= vl2_vxlan_max_frame(sw->rt.remotes[idx].addr.family,
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
  d->remote = sw->rt.remotes[idx].addr;
}

static inline uint32_t flood_flag(const uint8_t *dst) {
  if (!vl2_mac_is_group(dst))
    return VL2_PORT_F_FLOOD_UNKNOWN;
  return vl2_mac_is_bcast(dst) ? VL2_PORT_F_FLOOD_BCAST
                               : VL2_PORT_F_FLOOD_MCAST;
}

/* The flood rule for local member |q| (port |p|) of |c|'s segment: not
 * the ingress |in_port|, takes frames of |need_flag|, and a frame with an
 * inner C-tag only where it keeps its outer tag (counted in
 * stacked_tag_skips when |count|). Returns 0 (a copy goes there) or the
 * VL2_TRACE_R_SKIP_* that says why not. */
static inline int vl2_flood_port_ok(vl2_switch *sw, const vl2_port *p,
                                    const classified *c, uint32_t q,
                                    uint32_t in_port, uint32_t need_flag,
                                    int count) {
  if (q == in_port)
    return VL2_TRACE_R_SKIP_INGRESS;
  if (!(p->flags & need_flag))
    return VL2_TRACE_R_SKIP_FLOOD_OFF;
  if (c->inner_tagged && !vl2_port_egress_tagged(p, c->seg->idx)) {
    if (count)
      sw->st.stacked_tag_skips++;
    return VL2_TRACE_R_SKIP_STACKED_TAG;
  }
  return 0;
}

/* The flood rule for remote member |idx|: never from a remote endpoint
 * (split horizon), no inner C-tag (counted in stacked_tag_skips), and a
 * copy that fits the underlay MTU (counted in overlay_mtu_skips); counted
 * only when |count|. Fills |o| on first use. Returns 0 or the
 * VL2_TRACE_R_SKIP_* reason. */
static inline int vl2_flood_remote_ok(vl2_switch *sw, const vl2_frame *f,
                                      const classified *c, uint32_t idx,
                                      overlay_ctx *o, int count) {
  if (c->from_remote)
    return VL2_TRACE_R_SKIP_SPLIT_HORIZON;
  if (c->inner_tagged) {
    if (count)
      sw->st.stacked_tag_skips++;
    return VL2_TRACE_R_SKIP_STACKED_TAG;
  }
  if (!remote_fits(sw, f, c, idx, o)) {
    if (count)
      sw->st.overlay_mtu_skips++;
    return VL2_TRACE_R_SKIP_MTU;
  }
  return 0;
}

#endif /* !defined(VL2_FORWARD_H) */
