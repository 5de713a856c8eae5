/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * vl2-switch's forwarding path: a burst received from a port or the
 * underlay goes through the core's decision (vl2_switch_process), and each
 * destination gets its egress edit (VLAN tag, VXLAN or Geneve
 * encapsulation by its segment, software offload completion) and a place
 * in that destination's transmit queue; queues are flushed once per burst.
 * Every tunnel drop is counted by reason (a->tun_drops).
 */
#include <stdlib.h>
#include <string.h>

#include <vl2/egress.h>
#include <vl2/geneve.h>
#include <vl2/neigh.h>
#include <vl2/tap.h>
#include <vl2/vxlan.h>

#include "sw_app.h"

/* ------------------------------------------------------------ transmit */

void txq_init(txq *q, vl2_backend *be) {
  memset(q, 0, sizeof *q);
  q->be = be;
  q->slots = xcalloc(TXQ_CAP, SLOT);
}

void txq_fini(txq *q) {
  free(q->slots);
  memset(q, 0, sizeof *q);
}

static void txq_flush(app *a, txq *q) {
  size_t done = 0;
  while (done < q->n) {
    vl2_ssize k = vl2_backend_tx_burst(q->be, q->f + done, q->n - done);
    if (k <= 0) {
      if (k < 0)
        logm(L_DEBUG, "%s: tx: %s", vl2_backend_name(q->be),
             vl2_backend_last_error(q->be));
      break;
    }
    done += (size_t)k;
  }
  q->dropped += q->n - done;
  a->tx_dropped += q->n - done;
  q->n = 0;
  q->dirty = false;
}

void flush_all(app *a) {
  for (size_t i = 0; i < a->ndirty; i++)
    if (a->dirty[i]->dirty)
      txq_flush(a, a->dirty[i]);
  a->ndirty = 0;
}

static void txq_push(app *a, txq *q, const vl2_frame *f) {
  if (q->n == TXQ_CAP)
    txq_flush(a, q);
  q->f[q->n++] = *f;
  if (!q->dirty) {
    q->dirty = true;
    a->dirty[a->ndirty++] = q;
  }
}

/* The queue of destination |d|, or NULL when it has none (counted). */
static txq *dest_q(app *a, const vl2_dest *d) {
  if (d->type == VL2_DEST_PORT) {
    if (d->port >= a->nports || !a->ports[d->port].be)
      return NULL;
    return &a->ports[d->port].q;
  }
  if (seg_encap(a, d->vni) == SW_ENCAP_GENEVE) {
    if (!a->gnv) {
      a->no_underlay++;
      return NULL;
    }
    return &a->gq;
  }
  if (!a->udp) {
    a->no_underlay++;
    return NULL;
  }
  return &a->uq;
}

/* Build what leaves for |d| into |q|'s free slots (vl2_egress_build():
 * software offloads for a destination that cannot take them, the tag
 * edit, VXLAN or Geneve for a remote endpoint). The packets come out back
 * to back from slot q->n on; each is at most a slot long, so packet k's
 * bytes lie within slots q->n .. q->n + k and frame q->n + k may own
 * them. */
static vl2_ssize build(app *a, txq *q, const vl2_egress_params *ep,
                       const vl2_frame *f, const vl2_dest *d,
                       vl2_egress_pkt *pk) {
  if (q->n == TXQ_CAP)
    txq_flush(a, q);
  size_t room = TXQ_CAP - q->n;
  vl2_ssize r =
      vl2_egress_build(ep, f, d, q->slots + q->n * SLOT, room * SLOT, pk, room);
  if (r == VL2_ERR_NOBUF && q->n > 0) {
    txq_flush(a, q); /* a super-frame: every slot for its segments */
    room = TXQ_CAP;
    r = vl2_egress_build(ep, f, d, q->slots, room * SLOT, pk, room);
  }
  if (r > 0 && (size_t)pk[r - 1].off + pk[r - 1].len > (size_t)r * SLOT)
    r = VL2_ERR_NOBUF; /* a segment longer than a slot */
  return r;
}

/* Send |f| to destination |d|. A frame whose bytes stay valid until the
 * next flush (|borrow|) and that leaves as it is (vl2_egress_is_noop())
 * is queued without a copy, its virtio-net header going along for a TAP
 * port with offload. Everything else goes through vl2_egress_build(). */
static void emit(app *a, const vl2_frame *f, const vl2_dest *d, bool borrow) {
  txq *q = dest_q(a, d);
  if (!q)
    return;
  bool take = d->type == VL2_DEST_PORT && a->ports[d->port].cfg.offload;
  vl2_egress_params ep;
  vl2_egress_params_default(&ep);
  if (q == &a->gq) {
    ep.tunnel = VL2_EGRESS_TUNNEL_GENEVE;
    ep.geneve = &a->gcfg;
  } else {
    ep.vxlan = &a->vx;
  }
  ep.caps = take ? VL2_EGRESS_CAP_VNET_HDR : 0;
  if (borrow && vl2_egress_is_noop(&ep, f, d)) {
    vl2_frame o = {.data = f->data,
                   .len = f->len,
                   .port = d->port,
                   .flags = take ? f->flags : f->flags & ~VL2_FRAME_F_VNET_HDR};
    txq_push(a, q, &o);
    return;
  }
  vl2_egress_pkt pk[TXQ_CAP];
  vl2_ssize r = build(a, q, &ep, f, d, pk);
  if (r < 0) {
    if (d->type == VL2_DEST_REMOTE &&
        (r == VL2_ERR_LIMIT || !(f->flags & VL2_FRAME_F_VNET_HDR))) {
      a->encap_errors++;
      if (r == VL2_ERR_LIMIT)
        a->tun_drops[VL2_VXLAN_R_TOO_BIG]++;
    } else if (f->flags & VL2_FRAME_F_VNET_HDR) {
      a->off_errors++;
    }
    return;
  }
  uint8_t *buf = q->slots + q->n * SLOT; /* build() may have flushed */
  for (vl2_ssize k = 0; k < r; k++) {
    vl2_frame o = {.data = buf + pk[k].off,
                   .len = pk[k].len,
                   .flags = pk[k].flags & VL2_EGRESS_PKT_F_VNET_HDR};
    if (d->type == VL2_DEST_REMOTE) {
      /* The UDP backend sends it from the flow's source port (its
       * transmit pool covers the core's range); the segments of one
       * super-frame, queued one after the other, leave in one
       * UDP_SEGMENT send. */
      o.port = d->udp_sport;
      o.remote = d->remote;
    } else {
      o.port = d->port;
    }
    txq_push(a, q, &o);
  }
  if (pk[0].flags & VL2_EGRESS_PKT_F_GSO)
    a->off_segmented++;
  else if (pk[0].flags & VL2_EGRESS_PKT_F_CSUM)
    a->off_csum++;
}

/* ----------------------------------------------------------- core glue */

void drain_tx(app *a, vl2_tstamp now) {
  for (;;) {
    vl2_tx_meta meta;
    uint8_t *buf = a->scratch + HEADROOM;
    vl2_ssize n = vl2_switch_poll_tx(a->sw, buf, FRAME_MAX, &meta, now);
    if (n <= 0)
      break;
    vl2_frame f = {.data = buf, .len = (uint32_t)n};
    emit(a, &f, &meta.dest, false);
  }
}

/* The switch's verdicts that are tunnel drops: a decapsulated frame from
 * a VTEP the segment does not accept, or for a VNI no segment has; and a
 * frame too big for the underlay once encapsulated. */
static void count_tunnel_drop(app *a, const vl2_frame *f,
                              const vl2_verdict *v) {
  if (v->reason == VL2_DROP_OVERLAY_MTU) {
    a->tun_drops[VL2_VXLAN_R_TOO_BIG]++;
    return;
  }
  if (f->port != VL2_PORT_REMOTE)
    return;
  if (v->reason == VL2_DROP_REMOTE_NOT_MEMBER)
    a->tun_drops[VL2_VXLAN_R_NOT_MEMBER]++;
  else if (v->reason == VL2_DROP_NO_SEGMENT)
    a->tun_drops[VL2_VXLAN_R_UNKNOWN_VNI]++;
}

static void decide(app *a, const vl2_frame *fr, size_t n, vl2_tstamp now) {
  vl2_verdict v[BURST];
  size_t done = 0;
  while (done < n) {
    size_t m = n - done < BURST ? n - done : BURST; /* room in v */
    vl2_ssize k =
        vl2_switch_process(a->sw, fr + done, m, v, a->dests, a->dests_cap, now);
    if (k == VL2_ERR_NOBUF) {
      size_t want = vl2_switch_max_fanout(a->sw) * 2 + 64;
      if (want <= a->dests_cap)
        want = a->dests_cap * 2;
      vl2_dest *nd = realloc(a->dests, want * sizeof *nd);
      if (!nd) {
        logm(L_ERR, "out of memory for destinations");
        return;
      }
      a->dests = nd;
      a->dests_cap = want;
      continue;
    }
    if (k <= 0) {
      logm(L_ERR, "vl2_switch_process: %s", vl2_strerror((int)k));
      return;
    }
    for (size_t i = 0; i < (size_t)k; i++) {
      if (v[i].action == VL2_ACT_DROP)
        count_tunnel_drop(a, &fr[done + i], &v[i]);
      if (v[i].action != VL2_ACT_FORWARD)
        continue;
      for (uint32_t j = 0; j < v[i].dest_cnt; j++)
        emit(a, &fr[done + i], &a->dests[v[i].dest_off + j], true);
    }
    done += (size_t)k;
  }
}

void port_rx(app *a, port_rt *p) {
  vl2_frame fr[BURST];
  for (int rounds = 0; rounds < 8; rounds++) {
    vl2_tstamp now = now_ns();
    vl2_ssize n = vl2_backend_rx_burst(p->be, fr, BURST, now);
    if (n < 0) {
      logm(L_WARN, "port %s: receive: %s", p->cfg.name,
           vl2_backend_last_error(p->be));
      if (n == VL2_ERR_CLOSED) {
        logm(L_ERR, "port %s: the interface went away; port stopped",
             p->cfg.name);
        ep_del(a, vl2_backend_get_fd(p->be));
      }
      return;
    }
    if (n == 0)
      return;
    decide(a, fr, (size_t)n, now);
    drain_tx(a, now);
    flush_all(a);
    if (n < BURST)
      return;
  }
}

/* Packets from the VXLAN or the Geneve socket (|encap|): decapsulated,
 * refusals counted by reason; a packet for a segment of the other
 * encapsulation is refused as wrong_port. The switch then decides
 * (membership, known VNI). */
/* Whether a port could take a super-frame (a TAP with offload): then
 * the underlay's TCP segments are worth coalescing. */
static bool any_offload_port(const app *a) {
  for (uint32_t i = 0; i < a->nports; i++)
    if (a->ports[i].be && a->ports[i].cfg.offload)
      return true;
  return false;
}

void udp_rx(app *a, uint8_t encap) {
  static vl2_frame fr[UDP_BURST], co[UDP_BURST];
  bool gnv = encap == SW_ENCAP_GENEVE;
  vl2_backend *be = gnv ? a->gnv : a->udp;
  for (int rounds = 0; rounds < 8; rounds++) {
    vl2_tstamp now = now_ns();
    vl2_ssize n = vl2_backend_rx_burst(be, fr, UDP_BURST, now);
    if (n <= 0) {
      if (n < 0)
        logm(L_WARN, "underlay: receive: %s", vl2_backend_last_error(be));
      return;
    }
    a->tun_rx[gnv] += (uint64_t)n;
    size_t k = 0;
    for (size_t i = 0; i < (size_t)n; i++) {
      uint16_t reason = 0;
      vl2_frame f = fr[i];
      int rv =
          gnv ? vl2_geneve_decap_frame(&a->gcfg, &f, VL2_VXLAN_LAYER_UDP,
                                       &reason)
              : vl2_vxlan_decap_frame(&a->vx, &f, VL2_VXLAN_LAYER_UDP, &reason);
      if (rv == 0 && seg_encap(a, f.vni) != encap && seg_find(a, f.vni)) {
        rv = VL2_ERR_MALFORMED;
        reason = VL2_VXLAN_R_WRONG_PORT;
      }
      if (rv) {
        a->decap_errors++;
        a->tun_drops[reason < VL2_VXLAN_R_MAX ? reason : 0]++;
        logm(L_DEBUG, "underlay: %s packet refused: %s",
             gnv ? "Geneve" : "VXLAN", vl2_vxlan_reason_name(reason));
        continue;
      }
      fr[k++] = f;
    }
    /* Consecutive TCP segments of a flow become one super-frame with a
     * virtio-net header: one write to a TAP with offload; emit() segments
     * it again for a destination without. */
    const vl2_frame *in = fr;
    if (a->gro && k > 1 && any_offload_port(a)) {
      vl2_ssize c = vl2_gro_coalesce(a->gro, fr, k, co, UDP_BURST);
      if (c >= 0) {
        in = co;
        k = (size_t)c;
      }
    }
    decide(a, in, k, now);
    drain_tx(a, now);
    flush_all(a);
    if (n < UDP_BURST)
      return;
  }
}
