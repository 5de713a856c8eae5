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

#include <linux/virtio_net.h>

#include <vl2/geneve.h>
#include <vl2/tap.h>
#include <vl2/vlan.h>
#include <vl2/vxlan.h>
#include <vl2/neigh.h>

#include "sw_app.h"
#include "vl2_offload.h"

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

/* A slot to write the next frame of |q| into (flushing when full). */
static uint8_t *txq_slot(app *a, txq *q) {
  if (q->n == TXQ_CAP)
    txq_flush(a, q);
  return q->slots + q->n * SLOT;
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

/* Finish the |len| bytes at |buf| + HEADROOM in |q|'s next slot for |d|
 * (the egress edit, and for a remote endpoint the VXLAN or Geneve header of
 * its segment) and queue them. */
static void emit_slot(app *a, txq *q, uint8_t *buf, size_t len,
                      const vl2_dest *d) {
  size_t off = HEADROOM;
  vl2_ssize n = vl2_vlan_apply_edit(buf, &off, len, d);
  if (n < 0)
    return;
  vl2_frame o = {.data = buf + off, .len = (uint32_t)n, .port = d->port};
  if (d->type == VL2_DEST_REMOTE) {
    vl2_vxlan_encap_params ep = {.vni = d->vni,
                                 .sport = d->udp_sport,
                                 .layer = VL2_VXLAN_LAYER_UDP,
                                 .remote = d->remote};
    if (q == &a->gq) {
      vl2_geneve_encap_params gp = {.tun = ep};
      n = vl2_geneve_encap(buf, &off, (size_t)n, &a->gcfg, &gp);
    } else {
      n = vl2_vxlan_encap(buf, &off, (size_t)n, &a->vx, &ep);
    }
    if (n < 0) {
      a->encap_errors++;
      if (n == VL2_ERR_LIMIT)
        a->tun_drops[VL2_VXLAN_R_TOO_BIG]++;
      return;
    }
    /* The UDP backend sends it from the flow's source port (its transmit
     * pool covers the core's range); the segments of one super-frame,
     * queued one after the other, leave in one UDP_SEGMENT send. */
    o = (vl2_frame){.data = buf + off,
                    .len = (uint32_t)n,
                    .port = d->udp_sport,
                    .remote = d->remote};
  }
  txq_push(a, q, &o);
}

/* Send the plain frame |f| to destination |d|. A frame whose bytes stay
 * valid until the next flush (|borrow|) and need no edit is queued
 * without a copy (with its flags: a virtio-net header in front of it goes
 * along). */
static void emit_plain(app *a, const vl2_frame *f, const vl2_dest *d,
                       bool borrow) {
  txq *q = dest_q(a, d);
  if (!q)
    return;
  if (d->type == VL2_DEST_PORT && d->edit == VL2_EDIT_KEEP && borrow) {
    vl2_frame o = {
        .data = f->data, .len = f->len, .port = d->port, .flags = f->flags};
    txq_push(a, q, &o);
    return;
  }
  if (f->len > FRAME_MAX)
    return;
  uint8_t *buf = txq_slot(a, q);
  memcpy(buf + HEADROOM, f->data, f->len);
  emit_slot(a, q, buf, f->len, d);
}

/* Finish |f|, whose virtio-net header |vh| asks for work, in software for
 * a destination that cannot take offloads: segment a super-frame
 * (vl2_off_gso_segment() fixes every segment's checksums), or complete a
 * partial checksum. */
static void emit_finished(app *a, const vl2_frame *f,
                          const struct virtio_net_hdr *vh, const vl2_dest *d) {
  txq *q = dest_q(a, d);
  if (!q)
    return;
  if (vh->gso_type != VIRTIO_NET_HDR_GSO_NONE) {
    vl2_off_gso g;
    uint8_t type = (uint8_t)(vh->gso_type & ~VIRTIO_NET_HDR_GSO_ECN);
    if (!vl2_off_gso_prepare(f->data, f->len, type, vh->gso_size, &g) ||
        g.hdr_len + g.size > FRAME_MAX) {
      a->off_errors++;
      return;
    }
    for (uint32_t i = 0; i < g.nseg; i++) {
      uint8_t *buf = txq_slot(a, q);
      uint32_t n = vl2_off_gso_segment(f->data, &g, i, buf + HEADROOM);
      emit_slot(a, q, buf, n, d);
    }
    a->off_segmented++;
    return;
  }
  if (f->len > FRAME_MAX) {
    a->off_errors++;
    return;
  }
  uint8_t *buf = txq_slot(a, q);
  memcpy(buf + HEADROOM, f->data, f->len);
  if (!vl2_off_csum_complete(buf + HEADROOM, f->len, vh->csum_start,
                             vh->csum_offset)) {
    a->off_errors++;
    return;
  }
  a->off_csum++;
  emit_slot(a, q, buf, f->len, d);
}

/* Send |f| to destination |d| (see emit_plain()). A frame carrying a
 * virtio-net header (VL2_FRAME_F_VNET_HDR, from a TAP port with offload)
 * keeps it for a TAP port with offload: borrowed as it is, or copied with
 * the header moved along with the frame start and its offsets shifted by
 * the edit (+4 for a pushed tag, -4 for a popped one). Other destinations
 * get it finished in software. */
static void emit(app *a, const vl2_frame *f, const vl2_dest *d, bool borrow) {
  if (!(f->flags & VL2_FRAME_F_VNET_HDR)) {
    emit_plain(a, f, d, borrow);
    return;
  }
  struct virtio_net_hdr vh;
  memcpy(&vh, f->data - VL2_VNET_HDR_LEN, sizeof vh);
  bool csum = vh.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM;
  bool gso = vh.gso_type != VIRTIO_NET_HDR_GSO_NONE;
  bool take = d->type == VL2_DEST_PORT && d->port < a->nports &&
              a->ports[d->port].be && a->ports[d->port].cfg.offload;
  if (!csum && !gso) { /* nothing to finish: a plain frame */
    vl2_frame o = *f;
    o.flags &= ~VL2_FRAME_F_VNET_HDR;
    emit_plain(a, &o, d, borrow);
    return;
  }
  if (take && d->edit == VL2_EDIT_KEEP && borrow) {
    emit_plain(a, f, d, borrow);
    return;
  }
  if (!take || f->len + 4 > FRAME_MAX) {
    emit_finished(a, f, &vh, d);
    return;
  }
  txq *q = &a->ports[d->port].q;
  uint8_t *buf = txq_slot(a, q);
  size_t off = HEADROOM;
  memcpy(buf + off, f->data, f->len);
  vl2_ssize n = vl2_vlan_apply_edit(buf, &off, f->len, d);
  if (n < 0)
    return;
  int shift = (int)n - (int)f->len; /* +4 PUSH, -4 POP, 0 REWRITE */
  if (csum)
    vh.csum_start = (uint16_t)(vh.csum_start + shift);
  if (vh.hdr_len)
    vh.hdr_len = (uint16_t)(vh.hdr_len + shift);
  memcpy(buf + off - VL2_VNET_HDR_LEN, &vh, sizeof vh);
  vl2_frame o = {.data = buf + off,
                 .len = (uint32_t)n,
                 .port = d->port,
                 .flags = VL2_FRAME_F_VNET_HDR};
  txq_push(a, q, &o);
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
