/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * The forwarding hot path: vl2_switch_process() (802.1Q clause 8.6:
 * ingress classification, member set, filtering, learning, egress) for
 * frames from local ports and from remote endpoints, known unicast and
 * BUM replication with split horizon.
 *
 * Where it fits: the data path. Per frame it classifies into a segment,
 * hands ARP/RARP/ND to vl2_neigh_input(), learns through vl2_fdb.c, and
 * writes a verdict and its destinations into the caller's arrays. It
 * never allocates.
 */
#include <string.h>

#include <vl2/vlan.h>

#include "vl2_fdb.h"
#include "vl2_forward.h"
#include "vl2_mdb.h"
#include "vl2_neigh.h"
#include "vl2_storm.h"
#include "vl2_switch_int.h"
#include "vl2_trace.h"
#include "vl2_wire.h"

/* ------------------------------------------------------------------ */
/* Data path                                                            */

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
  } else if (vl2_is_tpid(et)) {
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
    if (inner == p->tpid || (p->tpid == VL2_TPID_8021Q && vl2_is_tpid(inner)))
      return VL2_DROP_STACKED_TAG;
    c->inner_tagged = (uint8_t)vl2_is_tpid(inner);
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

/* A strict segment's ingress check: is endpoint |idx| (-1: unknown) in
 * the flood list (1), or does the control plane name it for this frame
 * (2: its source MAC has a static or EVPN entry in the segment behind
 * exactly that endpoint, as an RFC 7432 MAC/IP route names the VTEP)?
 * 0: neither. Out of line: the known-unicast path from local ports never
 * comes here. */
__attribute__((noinline, cold)) static int
remote_allowed(const vl2_switch *sw, const vl2_segment *seg, const vl2_frame *f,
               int32_t idx) {
  if (idx < 0)
    return 0;
  for (uint32_t i = 0; i < seg->n_remotes; i++)
    if (seg->remotes[i] == (uint32_t)idx)
      return 1;
  const vl2_fdb_slot *s = vl2_fdb_find(
      &sw->fdb, vl2_fdb_key(seg->idx, vl2_frame_mac_to_u64(f->data + 6)));
  return s != NULL && (s->flags & VL2_FDB_F_STATIC) &&
                 s->dest == (VL2_FDB_DEST_REMOTE | (uint32_t)idx)
             ? 2
             : 0;
}

static inline __attribute__((always_inline)) uint16_t
classify_remote(vl2_switch *sw, const vl2_frame *f, classified *c,
                vl2_tracer *T) {
  int32_t idx = vl2_remote_lookup(&sw->rt, &f->remote, 0);
  if (T) {
    vl2_trace_step *st =
        vl2_trace_add(T, VL2_TRACE_INGRESS, VL2_TRACE_R_REMOTE);
    st->vni = f->vni;
    st->port = VL2_PORT_REMOTE;
    st->remote = f->remote;
    st->aux = idx >= 0 ? (uint32_t)idx : UINT32_MAX;
    st->value = f->len;
  }
  if (vl2_is_tpid(vl2_load_be16(f->data + 12)))
    return VL2_DROP_REMOTE_TAGGED;
  vl2_segment *seg = vl2_switch_find_segment(sw, f->vni);
  if (seg == NULL)
    return VL2_DROP_NO_SEGMENT;
  if (T) {
    T->vni = seg->vni;
    vl2_trace_add(T, VL2_TRACE_CLASSIFY, VL2_TRACE_R_VNI);
  }
  if (seg->flags & VL2_SEG_F_STRICT_REMOTES) {
    int ok = remote_allowed(sw, seg, f, idx);
    if (T) {
      vl2_trace_step *st = vl2_trace_add(T, VL2_TRACE_REMOTE_CHECK,
                                         ok == 1   ? VL2_TRACE_R_FLOOD_LIST
                                         : ok == 2 ? VL2_TRACE_R_CONTROL_PLANE
                                                   : VL2_TRACE_R_DROP);
      st->port = VL2_PORT_REMOTE;
      st->remote = f->remote;
      if (!ok)
        st->reason = VL2_DROP_REMOTE_NOT_MEMBER;
    }
    if (!ok)
      return VL2_DROP_REMOTE_NOT_MEMBER;
  }
  c->seg = seg;
  c->from_remote = 1;
  c->learn = (seg->flags & VL2_SEG_F_LEARN_REMOTE) != 0;
  /* An endpoint not in the table yet is created when learning needs it. */
  c->src_dest = idx >= 0 ? (VL2_FDB_DEST_REMOTE | (uint32_t)idx) : UINT32_MAX;
  return VL2_DROP_NONE;
}

int vl2_switch_set_overlay(vl2_switch *sw, const vl2_vxlan_config *cfg) {
  if (sw == NULL || (cfg != NULL && vl2_vxlan_config_check(cfg) != 0))
    return VL2_ERR_INVALID;
  sw->has_overlay = cfg != NULL;
  if (cfg != NULL)
    sw->overlay = *cfg;
  return 0;
}

/* The storm-control class of a flooded frame (by its port flag). */
static inline unsigned storm_class(uint32_t need_flag) {
  return need_flag == VL2_PORT_F_FLOOD_BCAST     ? VL2_STORM_BCAST
         : need_flag == VL2_PORT_F_FLOOD_UNKNOWN ? VL2_STORM_UNKNOWN
                                                 : VL2_STORM_MCAST;
}

/* Reserved group addresses a C-VLAN bridge never forwards: 01-80-C2-00-00-0X
 * (802.1Q clause 8.6.3, Table 8-1). */
static inline int reserved_group(const uint8_t *d) {
  return d[0] == 0x01 && d[1] == 0x80 && d[2] == 0xc2 && d[3] == 0 &&
         d[4] == 0 && (d[5] & 0xf0) == 0;
}

/* Drop the frame with |reason|: counted, except in a trace, where the
 * stage that dropped it has recorded the step. */
static inline __attribute__((always_inline)) void
drop(vl2_switch *sw, vl2_verdict *v, vl2_port *p, uint16_t reason,
     vl2_tracer *T) {
  v->action = VL2_ACT_DROP;
  v->reason = reason;
  if (T)
    return;
  sw->st.drops[reason]++;
  sw->st.dropped++;
  if (p != NULL)
    p->st.rx_drops++;
}

/* Record a step of |kind| that dropped the frame with |reason|. */
static inline void trace_drop(vl2_tracer *T, uint16_t kind, uint16_t reason) {
  vl2_trace_add(T, kind, VL2_TRACE_R_DROP)->reason = reason;
}

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

/* BUM: replicate |f| (classified as |c| into |seg|) to every member but
 * the ingress, with split horizon for remote endpoints, IGMP/MLD snooping
 * and storm control; writes the copies at |out| and the verdict. Compiled
 * twice (see flood() and flood_traced()): out of line so the
 * known-unicast path of process_one() keeps its registers. Returns 1
 * (decided). */
static inline __attribute__((always_inline)) int
flood_impl(vl2_switch *sw, const vl2_frame *f, vl2_verdict *v, vl2_port *p,
           const classified *cin, vl2_segment *seg, vl2_dest *out, size_t *used,
           uint16_t et, vl2_tstamp now, vl2_tracer *T) {
  /* Local copies the stores to the counters below cannot alias. */
  const classified cc = *cin, *c = &cc;
  const uint32_t in_port = f->port, len = f->len;
  vl2_port *const ports = sw->ports;
  const uint32_t *const seg_ports = seg->ports;
  const uint32_t n_ports = seg->n_ports;
  const uint8_t *dst = f->data;
  overlay_ctx oc = {0, 0, 0};
  /* BUM: replicate to every member but the ingress (split horizon for
   * remote endpoints). */
  uint32_t need_flag = flood_flag(dst);
  /* IGMP/MLD snooping (vl2_mdb.c): multicast may go to the MDB's marked
   * members and router ports only, be absorbed or dropped. */
  const vl2_mdb_marks *mk = NULL;
  int unreg = 1;
  if (sw->mdb != NULL && need_flag == VL2_PORT_F_FLOOD_MCAST) {
    int mode = vl2_mdb_input(sw, seg, f, c->in_tagged ? 18u : 14u, et,
                             c->src_dest, now, &unreg, T);
    if (mode == VL2_MDB_FWD_DROP) {
      drop(sw, v, p, VL2_DROP_MCAST_INVALID, T);
      return 1;
    }
    if (mode == VL2_MDB_FWD_CONSUME) { /* a report with no router port */
      v->action = VL2_ACT_CONSUMED;
      if (!T)
        sw->st.consumed++;
      return 1;
    }
    if (mode == VL2_MDB_FWD_MARKED)
      mk = vl2_mdb_get_marks(sw);
  }
  /* The local copies; the loop without snooping marks is the one
   * broadcast and unknown unicast take. In a trace every member is
   * looked at and recorded, taken or not. */
#define ADD_PORTS(MARKED)                                                      \
  for (uint32_t i = 0; i < n_ports; i++) {                                     \
    uint32_t q = seg_ports[i];                                                 \
    int skip =                                                                 \
        MARKED && !vl2_mdb_marked(mk, q) ? VL2_TRACE_R_SKIP_NOT_MARKED : 0;    \
    if (skip == 0)                                                             \
      skip = vl2_flood_port_ok(sw, &ports[q], c, q, in_port, need_flag, !T);   \
    if (T)                                                                     \
      vl2_trace_add(T, VL2_TRACE_FLOOD_MEMBER,                                 \
                    skip != 0 ? (uint16_t)skip : VL2_TRACE_R_TAKEN)            \
          ->port = q;                                                          \
    if (skip != 0)                                                             \
      continue;                                                                \
    port_dest(sw, c, q, &out[n++]);                                            \
    if (!T) {                                                                  \
      ports[q].st.tx_frames++;                                                 \
      ports[q].st.tx_bytes += len;                                             \
    }                                                                          \
  }
  uint32_t n = 0;
  if (mk == NULL) {
    ADD_PORTS(0)
  } else {
    ADD_PORTS(1)
  }
#undef ADD_PORTS
  uint32_t n_local = n;
  for (uint32_t i = 0; i < seg->n_remotes && (T || !c->from_remote); i++) {
    uint32_t r = seg->remotes[i];
    int skip = mk != NULL && !vl2_mdb_marked_remote(mk, r)
                   ? VL2_TRACE_R_SKIP_NOT_MARKED
                   : 0;
    if (skip == 0)
      skip = vl2_flood_remote_ok(sw, f, c, r, &oc, !T);
    if (T)
      vl2_trace_where(
          sw,
          vl2_trace_add(T, VL2_TRACE_FLOOD_MEMBER,
                        skip != 0 ? (uint16_t)skip : VL2_TRACE_R_TAKEN),
          VL2_FDB_DEST_REMOTE | r, NULL);
    if (skip != 0)
      continue;
    remote_dest(sw, c, r, &oc, &out[n++]);
  }
  if (need_flag == VL2_PORT_F_FLOOD_UNKNOWN && !T)
    seg->st.unknown_unicast++;
  if (n == 0) {
    drop(sw, v, p, VL2_DROP_NO_DESTINATION, T);
    v->flags |= VL2_VFLAG_FLOOD;
    return 1;
  }
  /* Storm control (vl2_storm.c): the ingress port's class buckets and the
   * segment's budget, charged by fan-out. Known unicast never gets here. */
  if (sw->storm != NULL &&
      !vl2_storm_admit(sw, f->port, seg, storm_class(need_flag),
                       need_flag == VL2_PORT_F_FLOOD_MCAST && unreg, f->len, n,
                       now, T)) {
    /* Nothing is sent: take back the copies counted above (the rare
     * path stays off the common one). */
    for (uint32_t i = 0; i < n_local && !T; i++) {
      sw->ports[out[i].port].st.tx_frames--;
      sw->ports[out[i].port].st.tx_bytes -= f->len;
    }
    drop(sw, v, p, VL2_DROP_STORM_CONTROL, T);
    v->flags |= VL2_VFLAG_FLOOD;
    return 1;
  }
  v->action = VL2_ACT_FORWARD;
  v->flags |= VL2_VFLAG_FLOOD;
  v->dest_off = (uint32_t)*used;
  v->dest_cnt = n;
  *used += n;
  if (T)
    return 1;
  seg->st.bum_frames++;
  seg->st.flood_copies += n;
  seg->st.flood_remote_copies += n - n_local;
  seg->st.tx_frames += n;
  seg->st.tx_bytes += (uint64_t)n * f->len;
  if (p != NULL)
    p->st.rx_flooded++;
  sw->st.flooded++;
  return 1;
}

static __attribute__((noinline)) int
flood(vl2_switch *sw, const vl2_frame *f, vl2_verdict *v, vl2_port *p,
      const classified *c, vl2_segment *seg, vl2_dest *out, size_t *used,
      uint16_t et, vl2_tstamp now) {
  return flood_impl(sw, f, v, p, c, seg, out, used, et, now, NULL);
}

static __attribute__((noinline, cold)) int
flood_traced(vl2_switch *sw, const vl2_frame *f, vl2_verdict *v, vl2_port *p,
             const classified *c, vl2_segment *seg, vl2_dest *out, size_t *used,
             uint16_t et, vl2_tstamp now, vl2_tracer *T) {
  return flood_impl(sw, f, v, p, c, seg, out, used, et, now, T);
}

/* The CLASSIFY step of a frame from local port |p| (after
 * classify_port(), which returned |reason|). */
static __attribute__((noinline, cold)) void
trace_classify(vl2_tracer *T, const vl2_frame *f, const vl2_port *p,
               const classified *c, uint16_t reason) {
  vl2_trace_step *st = vl2_trace_add(T, VL2_TRACE_INGRESS, VL2_TRACE_R_PORT);
  st->port = f->port;
  st->value = f->len;
  if (reason == VL2_DROP_PORT_UNKNOWN || reason == VL2_DROP_RUNT) {
    st->result = VL2_TRACE_R_DROP;
    st->reason = reason;
    if (reason == VL2_DROP_PORT_UNKNOWN || f->data == NULL ||
        f->len < VL2_ETH_HLEN)
      return;
  }
  uint16_t et = vl2_load_be16(f->data + 12);
  uint16_t res = !c->in_tagged    ? VL2_TRACE_R_UNTAGGED
                 : c->in_vid == 0 ? VL2_TRACE_R_PRIORITY_TAGGED
                                  : VL2_TRACE_R_TAGGED;
  if (reason != VL2_DROP_NONE)
    res = VL2_TRACE_R_DROP;
  if (c->seg != NULL)
    T->vni = c->seg->vni;
  st = vl2_trace_add(T, VL2_TRACE_CLASSIFY, res);
  st->port = f->port;
  st->reason = reason;
  st->aux = c->in_tagged ? c->in_tpid : vl2_is_tpid(et) ? et : 0u;
  st->vid = c->in_tagged && c->in_vid != 0 ? c->in_vid : p->pvid;
}

/* Decide one frame. Returns 1 when decided, 0 when its destinations might
 * not fit in |cap - *used| (nothing changed). With |T| (a trace), records
 * each step and changes nothing; compiled once with T == NULL for the data
 * path and once for vl2_switch_trace(). */
static inline __attribute__((always_inline)) int
process_impl(vl2_switch *sw, const vl2_frame *f, vl2_verdict *v,
             vl2_dest *dests, size_t *used, size_t cap, vl2_tstamp now,
             repeat_ctx *rc, vl2_tracer *T) {
  rc->f = NULL;
  classified c;
  memset(&c, 0, sizeof(c));
  memset(v, 0, sizeof(*v));
  vl2_port *p = NULL;
  uint16_t reason;

  if (f->port == VL2_PORT_REMOTE) {
    if (f->data == NULL || f->len < VL2_ETH_HLEN) {
      reason = VL2_DROP_RUNT;
      if (T) {
        vl2_trace_step *st =
            vl2_trace_add(T, VL2_TRACE_INGRESS, VL2_TRACE_R_DROP);
        st->port = VL2_PORT_REMOTE;
        st->remote = f->remote;
        st->reason = reason;
        st->value = f->len;
      }
      goto out_drop;
    }
    reason = classify_remote(sw, f, &c, T);
    if (T &&
        (reason == VL2_DROP_REMOTE_TAGGED || reason == VL2_DROP_NO_SEGMENT))
      trace_drop(T, VL2_TRACE_CLASSIFY, reason);
  } else {
    p = vl2_switch_port(sw, f->port);
    if (p == NULL) {
      reason = VL2_DROP_PORT_UNKNOWN;
      if (T)
        trace_classify(T, f, NULL, &c, reason);
      goto out_drop;
    }
    if (f->data == NULL || f->len < VL2_ETH_HLEN) {
      if (!T) {
        p->st.rx_frames++;
        p->st.rx_bytes += f->len;
      }
      reason = VL2_DROP_RUNT;
      if (T)
        trace_classify(T, f, p, &c, reason);
      goto out_drop;
    }
    c.src_dest = f->port;
    reason = classify_port(sw, f, p, &c);
    if (T)
      trace_classify(T, f, p, &c, reason);
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
    if (T) {
      vl2_trace_step *st = vl2_trace_add(
          T, VL2_TRACE_ADDRESS_CHECK,
          reason == VL2_DROP_NONE ? VL2_TRACE_R_OK : VL2_TRACE_R_DROP);
      st->reason = reason;
      memcpy(st->mac.b, reason == VL2_DROP_RESERVED_GROUP ? dst : src, 6);
    }
  }

  vl2_segment *seg = c.seg;
  uint64_t dmac = vl2_frame_mac_to_u64(dst);
  vl2_fdb_slot *ds = NULL;
  if (reason == VL2_DROP_NONE) {
    vl2_trace_step *st = NULL;
    if (T)
      memcpy((st = vl2_trace_add(T, VL2_TRACE_FDB_LOOKUP, VL2_TRACE_R_GROUP))
                 ->mac.b,
             dst, 6);
    if (!vl2_mac_is_group(dst)) {
      ds = vl2_fdb_find(&sw->fdb, vl2_fdb_key(seg->idx, dmac));
      if (T) {
        st->result = ds == NULL                   ? VL2_TRACE_R_MISS
                     : vl2_fdb_slot_live(ds, now) ? VL2_TRACE_R_HIT
                                                  : VL2_TRACE_R_EXPIRED;
        if (ds != NULL) {
          vl2_trace_where(sw, st, ds->dest, NULL);
          st->aux = ds->flags;
          st->value = ds->expires;
        }
      }
      if (ds != NULL && !vl2_fdb_slot_live(ds, now))
        ds = NULL;
    }
    size_t need = ds != NULL ? 1 : (size_t)seg->n_ports + seg->n_remotes;
    if (need > cap - *used)
      return 0;
  }

  /* Counted from here on: the frame is decided. */
  if (!T) {
    if (p != NULL) {
      p->st.rx_frames++;
      p->st.rx_bytes += f->len;
    }
    sw->st.rx_frames++;
    sw->st.rx_bytes += f->len;
  }
  if (reason != VL2_DROP_NONE) {
    drop(sw, v, p, reason, T);
    if (seg != NULL)
      v->vni = seg->vni;
    return 1;
  }
  v->vni = seg->vni;
  if (!T) {
    seg->st.rx_frames++;
    seg->st.rx_bytes += f->len;
  }

  /* neighbour: ARP/RARP/ND snooping, spoof guard and suppression. IPv4
   * (the common case) costs one compare. Runs before learning so a
   * spoofed frame teaches nothing. */
  int nbv = VL2_NB_PASS;
  uint16_t et = vl2_load_be16(f->data + (c.in_tagged ? 16 : 12));
  if (et != VL2_ETH_P_IPV4) {
    nbv = vl2_neigh_input(sw, seg, f, c.in_tagged ? 18u : 14u, et, now, &reason,
                          T);
    if (nbv == VL2_NB_DROP) {
      drop(sw, v, p, reason, T);
      return 1;
    }
  }

  /* The destination's entry as learning leaves it: the same slot, except
   * when the frame is to its own source MAC, where learning may have just
   * created, moved or revived it. A trace learns nothing, so it takes the
   * entry learning would leave, at the ingress (|self|). */
  int self = 0;
  if (c.learn) {
    uint64_t smac = vl2_frame_mac_to_u64(src);
    vl2_fdb_slot *ss = vl2_fdb_find(&sw->fdb, vl2_fdb_key(seg->idx, smac));
    int here = 0; /* a trace: learning leaves the entry at the ingress */
    if (T) {
      if (ss != NULL && ss->dest == c.src_dest &&
          !(ss->flags & VL2_FDB_F_STATIC)) {
        vl2_trace_step *st =
            vl2_trace_add(T, VL2_TRACE_LEARN, VL2_TRACE_R_REFRESH);
        memcpy(st->mac.b, src, 6);
        vl2_trace_where(sw, st, ss->dest, NULL);
        st->aux = ss->flags;
        here = 1;
      } else {
        uint32_t lf = vl2_fdb_learn(sw, seg, &c.src_dest,
                                    c.from_remote ? &f->remote : NULL, smac, ss,
                                    &c.counted, now, T);
        v->flags |= lf;
        here = (lf & (VL2_VFLAG_LEARNED | VL2_VFLAG_MOVED)) != 0;
      }
    } else if (!vl2_fdb_refresh(ss, c.src_dest, sw->learn_expires,
                                sw->refresh_below)) {
      v->flags |=
          vl2_fdb_learn(sw, seg, &c.src_dest, c.from_remote ? &f->remote : NULL,
                        smac, ss, &c.counted, now, NULL);
    }
    if (smac == dmac) {
      ds = vl2_fdb_find(&sw->fdb, vl2_fdb_key(seg->idx, dmac));
      if (T && here)
        self = 1;
      else if (ds != NULL && !vl2_fdb_slot_live(ds, now))
        ds = NULL;
    }
  } else if (T) {
    memcpy(vl2_trace_add(T, VL2_TRACE_LEARN, VL2_TRACE_R_OFF)->mac.b, src, 6);
  }

  if (nbv == VL2_NB_CONSUME) { /* neighbour: answered or sent to directory */
    v->action = VL2_ACT_CONSUMED;
    if (!T)
      sw->st.consumed++;
    return 1;
  }

  vl2_dest *out = dests + *used;
  overlay_ctx oc = {0, 0, 0};
  if (ds != NULL || self) {
    /* Known unicast. */
    uint32_t ddest = self ? c.src_dest : ds->dest;
    vl2_trace_step *st = NULL;
    if (T)
      vl2_trace_where(sw,
                      st = vl2_trace_add(T, VL2_TRACE_UNICAST, VL2_TRACE_R_OK),
                      ddest, c.from_remote ? &f->remote : NULL);
    if (ddest == c.src_dest)
      reason = VL2_DROP_SAME_PORT;
    else if ((ddest & VL2_FDB_DEST_REMOTE) && c.from_remote)
      reason = VL2_DROP_SPLIT_HORIZON;
    else if ((ddest & VL2_FDB_DEST_REMOTE) && c.inner_tagged)
      reason = VL2_DROP_STACKED_TAG;
    else if ((ddest & VL2_FDB_DEST_REMOTE) &&
             !remote_fits(sw, f, &c, ddest & ~VL2_FDB_DEST_REMOTE, &oc))
      reason = VL2_DROP_OVERLAY_MTU;
    else if (!(ddest & VL2_FDB_DEST_REMOTE) && c.inner_tagged &&
             !vl2_port_egress_tagged(&sw->ports[ddest], seg->idx))
      reason = VL2_DROP_STACKED_TAG;
    if (reason != VL2_DROP_NONE) {
      if (T) {
        st->result = VL2_TRACE_R_DROP;
        st->reason = reason;
      }
      drop(sw, v, p, reason, T);
      return 1;
    }
    if (ddest & VL2_FDB_DEST_REMOTE) {
      remote_dest(sw, &c, ddest & ~VL2_FDB_DEST_REMOTE, &oc, out);
    } else {
      port_dest(sw, &c, ddest, out);
      if (!T) {
        sw->ports[ddest].st.tx_frames++;
        sw->ports[ddest].st.tx_bytes += f->len;
        if (v->flags == 0 && !c.counted && nbv == VL2_NB_PASS &&
            et == VL2_ETH_P_IPV4 && p != NULL) {
          rc->f = f;
          rc->hdr_len = c.in_tagged ? 18u : 14u;
          rc->in = p;
          rc->seg = seg;
          rc->out = &sw->ports[ddest];
          rc->dest = out;
        }
      }
    }
    v->action = VL2_ACT_FORWARD;
    v->dest_off = (uint32_t)*used;
    v->dest_cnt = 1;
    *used += 1;
    if (!T) {
      seg->st.tx_frames++;
      seg->st.tx_bytes += f->len;
      sw->st.forwarded++;
    }
    return 1;
  }

  if (T)
    return flood_traced(sw, f, v, p, &c, seg, out, used, et, now, T);
  return flood(sw, f, v, p, &c, seg, out, used, et, now);

out_drop:
  if (!T) {
    sw->st.rx_frames++;
    sw->st.rx_bytes += f->len;
  }
  drop(sw, v, p, reason, T);
  return 1;
}

static int process_one(vl2_switch *sw, const vl2_frame *f, vl2_verdict *v,
                       vl2_dest *dests, size_t *used, size_t cap,
                       vl2_tstamp now, repeat_ctx *rc) {
  return process_impl(sw, f, v, dests, used, cap, now, rc, NULL);
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
  sw->refresh_below = a == 0 || sw->learn_expires < sw->sweep_gran
                          ? 0
                          : sw->learn_expires - sw->sweep_gran;
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

int vl2_switch_trace(vl2_switch *sw, const vl2_frame *f, vl2_tstamp now,
                     vl2_verdict *v, vl2_dest *dests, size_t dests_cap,
                     vl2_trace_step *steps, size_t steps_cap, size_t *n_steps) {
  if (n_steps != NULL)
    *n_steps = 0;
  if (sw == NULL || f == NULL || v == NULL ||
      (dests == NULL && dests_cap > 0) || (steps == NULL && steps_cap > 0))
    return VL2_ERR_INVALID;
  /* The clock as vl2_switch_process() would advance it, not stored. */
  if (now < sw->now)
    now = sw->now;
  vl2_tracer t;
  memset(&t, 0, sizeof(t));
  t.steps = steps;
  t.cap = steps_cap;
  repeat_ctx rc = {NULL, NULL, NULL, NULL, 0, NULL};
  size_t used = 0;
  vl2_verdict tv;
  if (!process_impl(sw, f, &tv, dests, &used, dests_cap, now, &rc, &t))
    return VL2_ERR_NOBUF;
  uint16_t res = tv.action == VL2_ACT_DROP       ? VL2_TRACE_R_DROP
                 : tv.action == VL2_ACT_CONSUMED ? VL2_TRACE_R_CONSUMED
                 : (tv.flags & VL2_VFLAG_FLOOD)  ? VL2_TRACE_R_FLOOD
                                                 : VL2_TRACE_R_FORWARD;
  vl2_trace_step *st = vl2_trace_add(&t, VL2_TRACE_VERDICT, res);
  st->reason = tv.reason;
  st->aux = tv.flags;
  st->value = tv.action == VL2_ACT_FORWARD ? tv.dest_cnt : 0;
  *v = tv;
  if (n_steps != NULL)
    *n_steps = t.n;
  return 0;
}
