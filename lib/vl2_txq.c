/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * The originated-frame queue and vl2_switch_poll_tx(): frames the switch
 * sends itself, handed out one destination at a time.
 *
 * Where it fits: the neighbour stages (vl2_neigh_*.c) fill it; the
 * embedding program drains it with vl2_switch_poll_tx(), which resolves
 * each frame's destinations at poll time (the FDB for a known MAC, the
 * segment's flood list otherwise), so a port or endpoint deleted in
 * between is never sent to. Allocated in vl2_txq_init(); never allocates
 * afterwards.
 */
#include "vl2_txq.h" /* own header first: proves it is self-contained */

#include <string.h>

#include <vl2/neigh.h>
#include <vl2/vlan.h>

#include "vl2_fdb.h"
#include "vl2_forward.h"
#include "vl2_mem.h"
#include "vl2_switch_int.h"
#include "vl2_wire.h"

/* Count |field| switch-wide and in segment index |segidx|. */
#define QCNT(q, segidx, field)                                                 \
  do {                                                                         \
    (q)->st.field++;                                                           \
    (q)->seg_st[(segidx)].field++;                                             \
  } while (0)

int vl2_txq_init(vl2_txq *q, const vl2_mem *m, const vl2_switch_config *c) {
  memset(q, 0, sizeof(*q));
  q->buf_sz = ((size_t)c->neigh_mtu + VL2_ETH_HLEN + 7) & ~(size_t)7;
  if (q->buf_sz < 128)
    q->buf_sz = 128;
  q->gen_cap = c->tx_queue_cap;
  q->wait_cap = c->neigh_queue_max;
  q->n_buf = c->tx_queue_cap + c->neigh_queue_max;
  q->buf = vl2_mem_malloc(m, (size_t)q->n_buf * q->buf_sz);
  q->buf_len = vl2_mem_calloc(m, q->n_buf, sizeof(uint32_t));
  q->buf_next = vl2_mem_calloc(m, q->n_buf, sizeof(uint32_t));
  q->buf_class = vl2_mem_calloc(m, q->n_buf, 1);
  q->free_buf = vl2_mem_calloc(m, q->n_buf, sizeof(uint32_t));
  q->ring = vl2_mem_calloc(m, q->n_buf, sizeof(*q->ring));
  q->seg_st = vl2_mem_calloc(m, c->max_segments, sizeof(*q->seg_st));
  if (q->buf == NULL || q->buf_len == NULL || q->buf_next == NULL ||
      q->buf_class == NULL || q->free_buf == NULL || q->ring == NULL ||
      q->seg_st == NULL)
    return VL2_ERR_NOMEM;
  for (uint32_t i = 0; i < q->n_buf; i++)
    q->free_buf[i] = q->n_buf - 1 - i;
  q->n_free_buf = q->n_buf;
  vl2_ring_init(&q->r, q->n_buf);
  return 0;
}

void vl2_txq_fini(vl2_txq *q, const vl2_mem *m) {
  vl2_mem_free(m, q->buf);
  vl2_mem_free(m, q->buf_len);
  vl2_mem_free(m, q->buf_next);
  vl2_mem_free(m, q->buf_class);
  vl2_mem_free(m, q->free_buf);
  vl2_mem_free(m, q->ring);
  vl2_mem_free(m, q->seg_st);
  memset(q, 0, sizeof(*q));
}

void vl2_txq_segment_gone(vl2_txq *q, uint32_t seg_idx) {
  memset(&q->seg_st[seg_idx], 0, sizeof(q->seg_st[seg_idx]));
}

void vl2_txq_buf_put(vl2_txq *nb, uint32_t b) {
  if (nb->buf_class[b] == VL2_TXQ_BUF_GEN)
    nb->gen_used--;
  else
    nb->wait_used--;
  nb->free_buf[nb->n_free_buf++] = b;
}

uint32_t vl2_txq_buf_get(vl2_txq *nb, uint8_t cls) {
  if (cls == VL2_TXQ_BUF_GEN ? nb->gen_used >= nb->gen_cap
                             : nb->wait_used >= nb->wait_cap)
    return VL2_TXQ_NONE;
  if (nb->n_free_buf == 0)
    return VL2_TXQ_NONE; /* cannot happen: n_buf covers both classes */
  uint32_t b = nb->free_buf[--nb->n_free_buf];
  nb->buf_class[b] = cls;
  nb->buf_next[b] = VL2_TXQ_NONE;
  nb->buf_len[b] = 0;
  if (cls == VL2_TXQ_BUF_GEN)
    nb->gen_used++;
  else
    nb->wait_used++;
  return b;
}

void vl2_txq_push(vl2_switch *sw, uint32_t b, uint32_t seg, uint16_t kind,
                  uint8_t mode, uint32_t port, uint32_t flood_flag) {
  vl2_txq *nb = &sw->txq;
  /* The ring holds n_buf items and every item owns a buffer: no overflow. */
  vl2_txq_item *it = &nb->ring[vl2_ring_push(&nb->r)];
  memset(it, 0, sizeof(*it));
  it->buf = b;
  it->seg = seg;
  it->vni = sw->segs[seg].vni;
  it->port = port;
  it->kind = kind;
  it->mode = mode;
  it->flood_flag = flood_flag;
  QCNT(nb, seg, tx_queued);
}

static void tx_pop(vl2_txq *nb) {
  vl2_txq_buf_put(nb, nb->ring[nb->r.head].buf);
  vl2_ring_pop(&nb->r);
}

int vl2_txq_flood(vl2_switch *sw, uint32_t seg_idx, uint16_t kind,
                  const uint8_t *frame, size_t len) {
  vl2_txq *q = &sw->txq;
  uint32_t b =
      len <= q->buf_sz ? vl2_txq_buf_get(q, VL2_TXQ_BUF_GEN) : VL2_TXQ_NONE;
  if (b == VL2_TXQ_NONE) {
    QCNT(q, seg_idx, tx_overflow);
    return VL2_ERR_NOBUF;
  }
  memcpy(vl2_txq_buf_at(q, b), frame, len);
  q->buf_len[b] = (uint32_t)len;
  vl2_txq_push(sw, b, seg_idx, kind, VL2_TXQ_TO_FLOOD, 0,
               VL2_PORT_F_FLOOD_MCAST);
  return 0;
}

vl2_ssize vl2_switch_poll_tx(vl2_switch *sw, uint8_t *buf, size_t cap,
                             vl2_tx_meta *meta, vl2_tstamp now) {
  if (sw == NULL || buf == NULL || meta == NULL)
    return VL2_ERR_INVALID;
  if (now > sw->now)
    sw->now = now;
  now = sw->now;
  vl2_txq *nb = &sw->txq;
  while (nb->r.len > 0) {
    vl2_txq_item *it = &nb->ring[nb->r.head];
    const vl2_segment *seg = &sw->segs[it->seg];
    if (!seg->in_use || seg->vni != it->vni) {
      nb->st.tx_dropped++;
      tx_pop(nb);
      continue;
    }
    const uint8_t *fr = vl2_txq_buf_at(nb, it->buf);
    uint32_t flen = nb->buf_len[it->buf];
    if (it->mode == VL2_TXQ_TO_MAC) {
      /* Resolve the destination MAC through the FDB now. */
      it->mode = VL2_TXQ_TO_FLOOD;
      it->flood_flag = VL2_PORT_F_FLOOD_UNKNOWN;
      if (!vl2_mac_is_group(fr)) {
        const vl2_fdb_slot *s =
            vl2_fdb_find(&sw->fdb, vl2_fdb_key(seg->idx, vl2_mac_to_u64(fr)));
        if (s != NULL && vl2_fdb_slot_live(s, now)) {
          if (s->dest & VL2_FDB_DEST_REMOTE) {
            it->mode = VL2_TXQ_TO_REMOTE;
            it->remote = s->dest & ~VL2_FDB_DEST_REMOTE;
          } else {
            it->mode = VL2_TXQ_TO_PORT;
            it->port = s->dest;
          }
        }
      } else {
        it->flood_flag = vl2_mac_is_bcast(fr) ? VL2_PORT_F_FLOOD_BCAST
                                              : VL2_PORT_F_FLOOD_MCAST;
      }
    }
    /* Its next destination, by vl2_switch_process()'s rule (vl2_forward.h):
     * the port's egress tag, a remote endpoint's source port, and for a
     * flood the members' flood flags and the underlay MTU. The frame is
     * untagged and comes from no port. */
    vl2_frame f;
    memset(&f, 0, sizeof(f));
    f.data = fr;
    f.len = flen;
    f.port = VL2_PORT_REMOTE; /* no member is its ingress */
    classified c;
    memset(&c, 0, sizeof(c));
    c.seg = &sw->segs[it->seg];
    overlay_ctx oc = {0, 0, 0};
    vl2_dest d;
    memset(&d, 0, sizeof(d));
    int found = 0, last = 1;
    uint32_t next_cursor = it->cursor;
    if (it->mode == VL2_TXQ_TO_PORT) {
      const vl2_port *p =
          it->port < sw->cfg.max_ports ? &sw->ports[it->port] : NULL;
      if (p != NULL && p->in_use && p->seg2vid[seg->idx] != 0) {
        found = 1;
        port_dest(sw, &c, it->port, &d);
      }
    } else if (it->mode == VL2_TXQ_TO_REMOTE) {
      if (sw->rt.remotes[it->remote].in_use &&
          vl2_flood_remote_ok(sw, &f, &c, it->remote, &oc, 1) == 0) {
        found = 1;
        remote_dest(sw, &c, it->remote, &oc, &d);
      }
    } else {
      last = 0;
      uint32_t n = seg->n_ports + seg->n_remotes;
      for (uint32_t i = it->cursor; i < n; i++) {
        if (i < seg->n_ports) {
          uint32_t q = seg->ports[i];
          if (vl2_flood_port_ok(sw, &sw->ports[q], &c, q, f.port,
                                it->flood_flag, 1) != 0)
            continue;
          port_dest(sw, &c, q, &d);
        } else {
          uint32_t r = seg->remotes[i - seg->n_ports];
          if (vl2_flood_remote_ok(sw, &f, &c, r, &oc, 1) != 0)
            continue;
          remote_dest(sw, &c, r, &oc, &d);
        }
        found = 1;
        /* Skipped members are not looked at (or counted) again. */
        it->cursor = i;
        next_cursor = i + 1;
        break;
      }
    }
    if (!found) {
      if (it->emitted == 0)
        QCNT(nb, it->seg, tx_dropped);
      tx_pop(nb);
      continue;
    }
    /* The bytes carry the port's tag already (meta->dest.edit is KEEP). */
    size_t out_len = flen + (d.edit == VL2_EDIT_PUSH ? VL2_VLAN_TAG_LEN : 0);
    meta->len = (uint32_t)out_len;
    if (out_len > cap)
      return VL2_ERR_NOBUF;
    size_t off = out_len - flen;
    memcpy(buf + off, fr, flen);
    if (d.edit == VL2_EDIT_PUSH) {
      (void)vl2_vlan_apply_edit(buf, &off, flen, &d); /* room made */
      d.edit = VL2_EDIT_KEEP;
    }
    meta->kind = it->kind;
    meta->flags = it->mode == VL2_TXQ_TO_FLOOD ? VL2_TX_F_FLOOD : 0;
    meta->vni = seg->vni;
    meta->reserved = 0;
    meta->dest = d;
    QCNT(nb, it->seg, tx_polled);
    it->emitted++;
    it->cursor = next_cursor;
    if (last)
      tx_pop(nb);
    return (vl2_ssize)out_len;
  }
  return 0;
}
