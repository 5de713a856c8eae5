/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * The egress stage: one frame and one destination of its verdict in, the
 * bytes to send out (see <vl2/egress.h>): software offload completion,
 * the 802.1Q tag edit (vl2_eth.c), tunnel encapsulation (vl2_vxlan.c,
 * vl2_geneve.c).
 *
 * Layout. Packet i of the output ends where packet i + 1 starts, so a
 * run of segments is one contiguous UDP GSO payload. Each packet's bytes
 * are copied to where the edit and the encapsulation leave them exactly
 * at its place: the copy starts `shift = overhead + 4 * push - 4 * pop`
 * bytes after the packet's start. With a pop and no tunnel header that is
 * 4 bytes before the start, inside the previous packet; so packets are
 * written last to first, and packet 0 starts at 4 - overhead when that is
 * positive.
 *
 * Where it fits: the last stage of the pipeline, after
 * vl2_switch_process() / vl2_switch_poll_tx(); every program calls it
 * instead of editing, encapsulating and finishing frames itself. Pure.
 */
#include <vl2/egress.h>

#include <string.h>

#include <vl2/vlan.h>

int vl2_egress_params_default_versioned(int version, vl2_egress_params *p) {
  if (p == NULL)
    return VL2_ERR_INVALID;
  if (version != VL2_EGRESS_PARAMS_V1)
    return VL2_ERR_VERSION;
  memset(p, 0, sizeof(*p));
  p->layer = VL2_VXLAN_LAYER_UDP;
  p->tunnel = VL2_EGRESS_TUNNEL_VXLAN;
  return 0;
}

/* The frame's virtio-net header, when it carries one that asks for work
 * (a checksum or segmentation). */
static int vnet_work(const vl2_frame *f, vl2_vnet_hdr *vh) {
  if (!(f->flags & VL2_FRAME_F_VNET_HDR))
    return 0;
  memcpy(vh, f->data - VL2_VNET_HDR_LEN, sizeof(*vh));
  return (vh->flags & VL2_VNET_F_NEEDS_CSUM) ||
         (vh->gso_type & ~VL2_VNET_GSO_ECN) != VL2_VNET_GSO_NONE;
}

static int takes_vnet(const vl2_egress_params *p, const vl2_dest *d) {
  return d->type == VL2_DEST_PORT && (p->caps & VL2_EGRESS_CAP_VNET_HDR);
}

int vl2_egress_is_noop(const vl2_egress_params *p, const vl2_frame *f,
                       const vl2_dest *d) {
  if (p == NULL || f == NULL || d == NULL || f->data == NULL)
    return 0;
  if (d->type != VL2_DEST_PORT || d->edit != VL2_EDIT_KEEP)
    return 0;
  vl2_vnet_hdr vh;
  return !vnet_work(f, &vh) || takes_vnet(p, d);
}

/* The length change of |d|'s edit. */
static int edit_delta(const vl2_dest *d) {
  if (d->edit == VL2_EDIT_PUSH)
    return VL2_VLAN_TAG_LEN;
  if (d->edit == VL2_EDIT_POP)
    return -(int)VL2_VLAN_TAG_LEN;
  return 0;
}

/* What every packet of one build shares. */
typedef struct plan {
  const vl2_egress_params *p;
  const vl2_dest *d;
  size_t ovh;  /* tunnel bytes in front of the inner frame */
  int delta;   /* edit: +4, -4, 0 */
  size_t lead; /* packet 0's offset */
} plan;

/* The copy offset of a packet starting at |at|. */
static size_t copy_at(const plan *pl, size_t at) {
  return (size_t)((ptrdiff_t)at + (ptrdiff_t)pl->ovh + pl->delta);
}

/* Finish the packet whose (unedited) inner frame of |n| bytes was copied
 * to |buf| + |at| + shift: edit, encapsulate. Its start must come out at
 * |at|. Returns its length or a VL2_ERR_*. */
static vl2_ssize finish(const plan *pl, uint8_t *buf, size_t at, size_t n) {
  size_t off = copy_at(pl, at);
  vl2_ssize r = vl2_vlan_apply_edit(buf, &off, n, pl->d);
  if (r < 0)
    return r;
  if (pl->ovh != 0) {
    vl2_vxlan_encap_params ep;
    memset(&ep, 0, sizeof(ep));
    ep.vni = pl->d->vni;
    ep.sport = pl->d->udp_sport;
    ep.layer = pl->p->layer;
    ep.remote = pl->d->remote;
    ep.eth_dst = pl->p->eth_dst;
    ep.eth_src = pl->p->eth_src;
    if (pl->p->tunnel == VL2_EGRESS_TUNNEL_GENEVE) {
      vl2_geneve_encap_params gp;
      memset(&gp, 0, sizeof(gp));
      gp.tun = ep;
      gp.opts = pl->p->geneve_opts;
      gp.opt_len = pl->p->geneve_opt_len;
      r = vl2_geneve_encap(buf, &off, (size_t)r, pl->p->geneve, &gp);
    } else {
      r = vl2_vxlan_encap(buf, &off, (size_t)r, pl->p->vxlan, &ep);
    }
    if (r < 0)
      return r;
  }
  return off == at ? r : VL2_ERR_INVALID;
}

/* One packet: |f|'s bytes, maybe with the checksum completed. */
static vl2_ssize build_one(const plan *pl, const vl2_frame *f,
                           const vl2_vnet_hdr *vh, uint8_t *buf, size_t cap,
                           vl2_egress_pkt *pkts) {
  size_t at = pl->lead;
  size_t c = copy_at(pl, at);
  if (c + f->len > cap)
    return VL2_ERR_NOBUF;
  memcpy(buf + c, f->data, f->len);
  uint32_t flags = 0;
  if (vh != NULL) {
    int rv =
        vl2_csum_complete(buf + c, f->len, vh->csum_start, vh->csum_offset);
    if (rv != 0)
      return rv;
    flags = VL2_EGRESS_PKT_F_CSUM;
  }
  vl2_ssize n = finish(pl, buf, at, f->len);
  if (n < 0)
    return n;
  pkts[0].off = (uint32_t)at;
  pkts[0].len = (uint32_t)n;
  pkts[0].flags = flags;
  pkts[0].reserved = 0;
  return 1;
}

/* A super-frame cut into segments, written last to first. */
static vl2_ssize build_gso(const plan *pl, const vl2_frame *f,
                           const vl2_vnet_hdr *vh, uint8_t *buf, size_t cap,
                           vl2_egress_pkt *pkts, size_t pkts_cap) {
  vl2_gso g;
  int rv = vl2_gso_prepare(f->data, f->len, vh->gso_type, vh->gso_size, &g);
  if (rv != 0)
    return rv;
  if (g.nseg > pkts_cap)
    return VL2_ERR_NOBUF;
  /* Lay the packets out first. */
  size_t at = pl->lead;
  for (uint32_t i = 0; i < g.nseg; i++) {
    uint32_t plen =
        g.payload - i * g.size < g.size ? g.payload - i * g.size : g.size;
    size_t n = g.hdr_len + plen;
    size_t out = (size_t)((ptrdiff_t)(pl->ovh + n) + pl->delta);
    if (copy_at(pl, at) + n > cap)
      return VL2_ERR_NOBUF;
    pkts[i].off = (uint32_t)at;
    pkts[i].len = (uint32_t)out;
    pkts[i].flags = VL2_EGRESS_PKT_F_GSO;
    pkts[i].reserved = 0;
    at += out;
  }
  for (uint32_t k = g.nseg; k-- > 0;) {
    size_t c = copy_at(pl, pkts[k].off);
    uint32_t n = vl2_gso_segment(f->data, &g, k, buf + c);
    vl2_ssize r = finish(pl, buf, pkts[k].off, n);
    if (r < 0)
      return r;
    if ((uint32_t)r != pkts[k].len)
      return VL2_ERR_INVALID; /* cannot happen: the layout predicted it */
  }
  return (vl2_ssize)g.nseg;
}

/* A destination that takes offloads: the frame, edited, with its header
 * in front and the header's offsets moved by the edit. */
static vl2_ssize build_vnet(const plan *pl, const vl2_frame *f, vl2_vnet_hdr vh,
                            uint8_t *buf, size_t cap, vl2_egress_pkt *pkts) {
  size_t at = VL2_VNET_HDR_LEN + pl->lead;
  size_t c = copy_at(pl, at);
  if (c + f->len > cap)
    return VL2_ERR_NOBUF;
  memcpy(buf + c, f->data, f->len);
  vl2_ssize n = finish(pl, buf, at, f->len);
  if (n < 0)
    return n;
  if (vh.flags & VL2_VNET_F_NEEDS_CSUM)
    vh.csum_start = (uint16_t)(vh.csum_start + pl->delta);
  if (vh.hdr_len != 0)
    vh.hdr_len = (uint16_t)(vh.hdr_len + pl->delta);
  memcpy(buf + at - VL2_VNET_HDR_LEN, &vh, sizeof(vh));
  pkts[0].off = (uint32_t)at;
  pkts[0].len = (uint32_t)n;
  pkts[0].flags = VL2_EGRESS_PKT_F_VNET_HDR;
  pkts[0].reserved = 0;
  return 1;
}

vl2_ssize vl2_egress_build(const vl2_egress_params *p, const vl2_frame *f,
                           const vl2_dest *d, uint8_t *buf, size_t cap,
                           vl2_egress_pkt *pkts, size_t pkts_cap) {
  if (p == NULL || f == NULL || d == NULL || buf == NULL || pkts == NULL ||
      f->data == NULL || p->tunnel > VL2_EGRESS_TUNNEL_GENEVE)
    return VL2_ERR_INVALID;
  if (pkts_cap == 0)
    return VL2_ERR_NOBUF;
  plan pl;
  pl.p = p;
  pl.d = d;
  pl.delta = edit_delta(d);
  pl.ovh = 0;
  if (d->type == VL2_DEST_REMOTE) {
    if (p->tunnel == VL2_EGRESS_TUNNEL_GENEVE && p->geneve != NULL) {
      pl.ovh =
          vl2_geneve_overhead(d->remote.family, p->layer, p->geneve_opt_len);
      if (pl.ovh == 0)
        return VL2_ERR_INVALID; /* options too long */
    } else if (p->tunnel == VL2_EGRESS_TUNNEL_VXLAN && p->vxlan != NULL) {
      pl.ovh = vl2_vxlan_overhead(d->remote.family, p->layer);
      if (pl.ovh == 0)
        return VL2_ERR_INVALID; /* an unknown family or layer */
    }
  }
  pl.lead =
      pl.delta < 0 && pl.ovh < VL2_VLAN_TAG_LEN ? VL2_VLAN_TAG_LEN - pl.ovh : 0;
  vl2_vnet_hdr vh;
  if (!vnet_work(f, &vh))
    return build_one(&pl, f, NULL, buf, cap, pkts);
  if (takes_vnet(p, d))
    return build_vnet(&pl, f, vh, buf, cap, pkts);
  if ((vh.gso_type & ~VL2_VNET_GSO_ECN) != VL2_VNET_GSO_NONE)
    return build_gso(&pl, f, &vh, buf, cap, pkts, pkts_cap);
  return build_one(&pl, f, &vh, buf, cap, pkts);
}
