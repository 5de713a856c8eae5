/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * vl2-switch: a virtual Layer-2 switch daemon on libvl2.
 *
 * TAP ports for VMs and AF_PACKET ports on existing interfaces, access or
 * trunk, joined into segments (VNIs) and tunnelled to other hosts over
 * VXLAN through the UDP underlay backend. One thread, one epoll loop:
 * backends' descriptors, a signalfd (SIGINT/SIGTERM stop, SIGHUP reloads)
 * and a UNIX control socket (see vl2ctl(8)); the core's next deadline is
 * the epoll timeout, and time is CLOCK_MONOTONIC passed in as `now`.
 *
 * A configuration is applied as a difference against the running one, so
 * the start-up configuration is just a difference against nothing, and a
 * reload touches only what changed.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <linux/virtio_net.h>

#include <vl2/af_packet.h>
#include <vl2/backend.h>
#include <vl2/fdb.h>
#include <vl2/switch.h>
#include <vl2/tap.h>
#include <vl2/version.h>
#include <vl2/vlan.h>
#include <vl2/vxlan.h>
#ifdef VL2SW_HAVE_UDP
#include <vl2/udp.h>
#endif
#ifdef VL2SW_HAVE_NEIGH
#include <vl2/neigh.h>
#endif

#include "sw_config.h"
#include "vl2_offload.h"

#define BURST 32
#define HEADROOM 64
#define FRAME_MAX 9216
#define SLOT (HEADROOM + FRAME_MAX + 64)
#define TXQ_CAP 64
#define MAX_CLIENTS 16
#define CLIENT_BUF 1024

enum { K_SIG = 1, K_LISTEN, K_CLIENT, K_PORT, K_UDP };
enum { L_ERR, L_WARN, L_INFO, L_DEBUG };

/* ---------------------------------------------------------------- logging */

static int log_level = L_INFO;
static bool log_syslog;

__attribute__((format(printf, 2, 3))) static void logm(int lvl, const char *fmt,
                                                       ...) {
  if (lvl > log_level)
    return;
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  static const int prio[] = {LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG};
  static const char *const name[] = {"error", "warning", "info", "debug"};
  if (log_syslog)
    syslog(prio[lvl], "%s", msg);
  else
    fprintf(stderr, "vl2-switch: %s: %s\n", name[lvl], msg);
}

static void *xcalloc(size_t n, size_t sz) {
  void *p = calloc(n ? n : 1, sz);
  if (!p) {
    logm(L_ERR, "out of memory");
    exit(1);
  }
  return p;
}

/* ------------------------------------------------------------------ state */

typedef struct txq {
  vl2_backend *be;
  vl2_frame f[TXQ_CAP];
  uint8_t *slots; /* TXQ_CAP * SLOT */
  size_t n;
  bool dirty;
  uint64_t dropped; /* frames the backend did not take */
} txq;

typedef struct port_rt {
  bool used;
  bool in_switch;
  bool created; /* we created the TAP (it goes when we close it) */
  uint32_t id;
  sw_port_cfg cfg; /* own copy (vlans owned) */
  vl2_backend *be;
  txq q;
} port_rt;

typedef struct vtep_rt {
  vl2_ipaddr addr;
  bool from_config;
} vtep_rt;

typedef struct seg_rt {
  uint32_t vni;
  vtep_rt *v;
  size_t n, cap;
} seg_rt;

typedef struct client {
  int fd;
  size_t len;
  char buf[CLIENT_BUF];
} client;

typedef struct app {
  sw_config cfg;
  const char *cfg_path; /* absolute, NULL: built-in */
  vl2_switch *sw;
  port_rt *ports;
  uint32_t nports; /* = cfg.max_ports at creation */
  seg_rt *segs;
  size_t nsegs;
  vl2_backend *udp;
  txq uq;
  vl2_vxlan_config vx;
  int ep, sigfd, lfd;
  const char *ctl_path;
  client clients[MAX_CLIENTS];
  vl2_dest *dests;
  size_t dests_cap;
  txq **dirty;
  size_t ndirty;
  uint8_t *scratch; /* SLOT bytes for poll_tx */
  bool stop;
  uint64_t decap_errors, encap_errors, no_underlay, tx_dropped;
  /* frames carrying a virtio-net header finished here for destinations
   * without offload: checksums completed, super-frames segmented, and
   * frames that could not be finished */
  uint64_t off_csum, off_segmented, off_errors;
  uint64_t reloads, reload_failures;
} app;

static vl2_tstamp now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (vl2_tstamp)ts.tv_sec * VL2_SEC + (vl2_tstamp)ts.tv_nsec;
}

static uint64_t ev_data(int kind, uint32_t idx) {
  return ((uint64_t)kind << 32) | idx;
}

static int ep_add(app *a, int fd, int kind, uint32_t idx) {
  struct epoll_event ev = {.events = EPOLLIN, .data.u64 = ev_data(kind, idx)};
  return epoll_ctl(a->ep, EPOLL_CTL_ADD, fd, &ev);
}

static void ep_del(app *a, int fd) {
  if (fd >= 0)
    epoll_ctl(a->ep, EPOLL_CTL_DEL, fd, NULL);
}

/* ------------------------------------------------------------ transmit */

static void txq_init(txq *q, vl2_backend *be) {
  memset(q, 0, sizeof *q);
  q->be = be;
  q->slots = xcalloc(TXQ_CAP, SLOT);
}

static void txq_fini(txq *q) {
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

static void flush_all(app *a) {
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
  if (!a->udp) {
    a->no_underlay++;
    return NULL;
  }
  return &a->uq;
}

/* Finish the |len| bytes at |buf| + HEADROOM in |q|'s next slot for |d|
 * (the egress edit, and for a remote endpoint the VXLAN header) and queue
 * them. */
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
    n = vl2_vxlan_encap(buf, &off, (size_t)n, &a->vx, &ep);
    if (n < 0) {
      a->encap_errors++;
      return;
    }
    o = (vl2_frame){.data = buf + off, .len = (uint32_t)n, .remote = d->remote};
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

static void drain_events(app *a) {
  vl2_event ev;
  while (vl2_switch_poll_event(a->sw, &ev) == 1) {
    if (log_level < L_DEBUG)
      continue;
    char mac[32], ip[64];
    sw_format_mac(&ev.mac, mac, sizeof mac);
    const char *where = "remote";
    if (ev.port != VL2_PORT_REMOTE && ev.port < a->nports &&
        a->ports[ev.port].used)
      where = a->ports[ev.port].cfg.name;
    sw_format_ip(&ev.remote, ip, sizeof ip);
    switch (ev.type) {
    case VL2_EV_FDB_LEARNED:
      logm(L_DEBUG, "fdb: learned %s vni %u on %s%s%s", mac, ev.vni, where,
           ev.port == VL2_PORT_REMOTE ? " " : "",
           ev.port == VL2_PORT_REMOTE ? ip : "");
      break;
    case VL2_EV_FDB_MOVED:
      logm(L_DEBUG, "fdb: %s vni %u moved to %s", mac, ev.vni, where);
      break;
    case VL2_EV_FDB_AGED:
      logm(L_DEBUG, "fdb: %s vni %u aged out", mac, ev.vni);
      break;
    case VL2_EV_FDB_LIMIT:
      logm(L_DEBUG, "fdb: %s vni %u on %s not learned: limit %u", mac, ev.vni,
           where, ev.reason);
      break;
    default:
      logm(L_DEBUG, "event %u vni %u mac %s", ev.type, ev.vni, mac);
      break;
    }
  }
}

static void drain_tx(app *a, vl2_tstamp now) {
#ifdef VL2SW_HAVE_NEIGH
  for (;;) {
    vl2_tx_meta meta;
    uint8_t *buf = a->scratch + HEADROOM;
    vl2_ssize n = vl2_switch_poll_tx(a->sw, buf, FRAME_MAX, &meta, now);
    if (n <= 0)
      break;
    vl2_frame f = {.data = buf, .len = (uint32_t)n};
    emit(a, &f, &meta.dest, false);
  }
#else
  (void)a;
  (void)now;
#endif
}

static void decide(app *a, const vl2_frame *fr, size_t n, vl2_tstamp now) {
  vl2_verdict v[BURST];
  size_t done = 0;
  while (done < n) {
    vl2_ssize k = vl2_switch_process(a->sw, fr + done, n - done, v, a->dests,
                                     a->dests_cap, now);
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
      if (v[i].action != VL2_ACT_FORWARD)
        continue;
      for (uint32_t j = 0; j < v[i].dest_cnt; j++)
        emit(a, &fr[done + i], &a->dests[v[i].dest_off + j], true);
    }
    done += (size_t)k;
  }
}

static void port_rx(app *a, port_rt *p) {
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

static void udp_rx(app *a) {
  vl2_frame fr[BURST];
  for (int rounds = 0; rounds < 8; rounds++) {
    vl2_tstamp now = now_ns();
    vl2_ssize n = vl2_backend_rx_burst(a->udp, fr, BURST, now);
    if (n <= 0) {
      if (n < 0)
        logm(L_WARN, "underlay: receive: %s", vl2_backend_last_error(a->udp));
      return;
    }
    size_t k = 0;
    for (size_t i = 0; i < (size_t)n; i++) {
      uint16_t reason = 0;
      vl2_frame f = fr[i];
      if (vl2_vxlan_decap_frame(&a->vx, &f, VL2_VXLAN_LAYER_UDP, &reason)) {
        a->decap_errors++;
        logm(L_DEBUG, "underlay: VXLAN packet refused: %s",
             vl2_vxlan_reason_name(reason));
        continue;
      }
      fr[k++] = f;
    }
    decide(a, fr, k, now);
    drain_tx(a, now);
    flush_all(a);
    if (n < BURST)
      return;
  }
}

/* ------------------------------------------------------------ ports */

static void port_cfg_copy(sw_port_cfg *dst, const sw_port_cfg *src) {
  *dst = *src;
  dst->vlans = xcalloc(src->vlan_cnt, sizeof *dst->vlans);
  memcpy(dst->vlans, src->vlans, src->vlan_cnt * sizeof *dst->vlans);
}

static int port_switch_add(app *a, port_rt *p, const sw_config *c, char *err,
                           size_t errlen) {
  vl2_port_config pc;
  vl2_port_config_default(&pc, p->cfg.mode);
  pc.pvid = p->cfg.pvid;
  pc.flags = p->cfg.flags;
  pc.max_macs = p->cfg.max_macs;
  int rv = vl2_switch_port_add(a->sw, p->id, &pc);
  if (rv) {
    snprintf(err, errlen, "port %s: %s", p->cfg.name, vl2_strerror(rv));
    return -1;
  }
  p->in_switch = true;
  for (size_t i = 0; i < p->cfg.vlan_cnt; i++) {
    const sw_seg_cfg *s = sw_config_seg_by_vlan(c, p->cfg.vlans[i]);
    rv = s ? vl2_switch_port_vlan_add(a->sw, p->id, p->cfg.vlans[i], s->vni)
           : VL2_ERR_NOTFOUND;
    if (rv) {
      snprintf(err, errlen, "port %s: VLAN %u: %s", p->cfg.name,
               p->cfg.vlans[i], vl2_strerror(rv));
      return -1;
    }
  }
  return 0;
}

static void port_close(app *a, port_rt *p) {
  if (!p->used)
    return;
  if (p->in_switch)
    vl2_switch_port_del(a->sw, p->id);
  if (p->be) {
    /* Queued frames may borrow another port's receive buffers; none are
     * queued outside a burst, so nothing is lost here. */
    ep_del(a, vl2_backend_get_fd(p->be));
    vl2_backend_close(p->be);
    logm(L_INFO, "port %s closed%s", p->cfg.name,
         p->created && !p->cfg.persist ? " (interface removed)" : "");
  }
  txq_fini(&p->q);
  free(p->cfg.vlans);
  memset(p, 0, sizeof *p);
}

static int port_open(app *a, const sw_port_cfg *pc, const sw_config *c,
                     char *err, size_t errlen) {
  uint32_t id = 0;
  while (id < a->nports && a->ports[id].used)
    id++;
  if (id == a->nports) {
    snprintf(err, errlen, "port %s: no free port id (limits.max_ports %u)",
             pc->name, a->nports);
    return -1;
  }
  port_rt *p = &a->ports[id];
  memset(p, 0, sizeof *p);
  p->used = true;
  p->id = id;
  port_cfg_copy(&p->cfg, pc);
  char args[256], e[256] = "";
  const vl2_backend_ops *ops;
  if (pc->type == SW_PORT_TAP) {
    ops = &vl2_tap_ops;
    p->created = if_nametoindex(pc->name) == 0;
    int n = snprintf(args, sizeof args, "name=%s,mode=any,up=1", pc->name);
    if (pc->persist)
      n += snprintf(args + n, sizeof args - (size_t)n, ",persist=1");
    if (pc->mtu)
      n += snprintf(args + n, sizeof args - (size_t)n, ",mtu=%u", pc->mtu);
    if (pc->offload)
      n += snprintf(args + n, sizeof args - (size_t)n, ",offload=1");
    if (pc->has_mac) {
      char m[32];
      sw_format_mac(&pc->mac, m, sizeof m);
      snprintf(args + n, sizeof args - (size_t)n, ",mac=%s", m);
    }
  } else {
    ops = &vl2_af_packet_ops;
    snprintf(args, sizeof args, "iface=%s,promisc=1", pc->name);
  }
  int rv = vl2_backend_open_err(&p->be, ops, args, id, NULL, e, sizeof e);
  if (rv) {
    snprintf(err, errlen, "port %s: cannot open %s backend: %s", pc->name,
             pc->type == SW_PORT_TAP ? "tap" : "af_packet",
             e[0] ? e : vl2_strerror(rv));
    p->be = NULL;
    free(p->cfg.vlans);
    memset(p, 0, sizeof *p);
    return -1;
  }
  txq_init(&p->q, p->be);
  int fd = vl2_backend_get_fd(p->be);
  if (fd >= 0 && ep_add(a, fd, K_PORT, id)) {
    snprintf(err, errlen, "port %s: epoll: %s", pc->name, strerror(errno));
    port_close(a, p);
    return -1;
  }
  if (port_switch_add(a, p, c, err, errlen)) {
    port_close(a, p);
    return -1;
  }
  logm(L_INFO, "port %s (id %u, %s%s) %s, %s %u", pc->name, id,
       pc->type == SW_PORT_TAP ? "tap" : "af_packet",
       pc->type == SW_PORT_TAP ? (p->created ? ", created" : ", attached") : "",
       "up", pc->mode == VL2_PORT_ACCESS ? "access VLAN" : "trunk, native",
       pc->pvid);
  return 0;
}

static port_rt *port_by_name(app *a, const char *name) {
  for (uint32_t i = 0; i < a->nports; i++)
    if (a->ports[i].used && strcmp(a->ports[i].cfg.name, name) == 0)
      return &a->ports[i];
  return NULL;
}

/* ------------------------------------------------------------ segments */

static seg_rt *seg_find(app *a, uint32_t vni) {
  for (size_t i = 0; i < a->nsegs; i++)
    if (a->segs[i].vni == vni)
      return &a->segs[i];
  return NULL;
}

static vtep_rt *vtep_find(seg_rt *s, const vl2_ipaddr *ip) {
  for (size_t i = 0; i < s->n; i++)
    if (memcmp(&s->v[i].addr, ip, sizeof *ip) == 0)
      return &s->v[i];
  return NULL;
}

static int vtep_add(app *a, seg_rt *s, const vl2_ipaddr *ip, bool from_cfg,
                    char *err, size_t errlen) {
  vtep_rt *v = vtep_find(s, ip);
  if (v) {
    v->from_config = v->from_config || from_cfg;
    return 0;
  }
  int rv = vl2_switch_remote_add(a->sw, s->vni, ip);
  if (rv) {
    char b[64];
    sw_format_ip(ip, b, sizeof b);
    snprintf(err, errlen, "segment %u: VTEP %s: %s", s->vni, b,
             vl2_strerror(rv));
    return -1;
  }
  if (s->n == s->cap) {
    s->cap = s->cap ? s->cap * 2 : 4;
    vtep_rt *nv = realloc(s->v, s->cap * sizeof *nv);
    if (!nv) {
      logm(L_ERR, "out of memory");
      exit(1);
    }
    s->v = nv;
  }
  s->v[s->n].addr = *ip;
  s->v[s->n].from_config = from_cfg;
  s->n++;
  return 0;
}

static int vtep_del(app *a, seg_rt *s, const vl2_ipaddr *ip) {
  vtep_rt *v = vtep_find(s, ip);
  if (!v)
    return VL2_ERR_NOTFOUND;
  int rv = vl2_switch_remote_del(a->sw, s->vni, ip);
  *v = s->v[--s->n];
  return rv;
}

static void seg_forget(app *a, uint32_t vni) {
  seg_rt *s = seg_find(a, vni);
  if (!s)
    return;
  free(s->v);
  *s = a->segs[--a->nsegs];
}

/* ------------------------------------------------------------ underlay */

static int underlay_open(app *a, const sw_config *c, char *err, size_t errlen) {
  vl2_vxlan_config_default(&a->vx);
  a->vx.dst_port = c->udp_port;
  a->vx.underlay_mtu = c->mtu;
  if (!c->underlay) {
    vl2_switch_set_overlay(a->sw, NULL);
    return 0;
  }
  a->vx.local = c->local;
  /* The switch picks the RFC 7348 source port and drops what would not
   * fit the underlay MTU (counted). */
  int orv = vl2_switch_set_overlay(a->sw, &a->vx);
  if (orv) {
    snprintf(err, errlen, "underlay: %s", vl2_strerror(orv));
    return -1;
  }
#ifdef VL2SW_HAVE_UDP
  char ip[64], args[160], e[256] = "";
  sw_format_ip(&c->local, ip, sizeof ip);
  snprintf(args, sizeof args, "local=%s,port=%u,batch=%d", ip, c->udp_port,
           BURST);
  int rv =
      vl2_backend_open_err(&a->udp, &vl2_udp_ops, args, 0, NULL, e, sizeof e);
  if (rv) {
    a->udp = NULL;
    snprintf(err, errlen, "underlay %s port %u: %s", ip, c->udp_port,
             e[0] ? e : vl2_strerror(rv));
    return -1;
  }
  txq_init(&a->uq, a->udp);
  if (ep_add(a, vl2_backend_get_fd(a->udp), K_UDP, 0)) {
    snprintf(err, errlen, "underlay: epoll: %s", strerror(errno));
    return -1;
  }
  logm(L_INFO, "underlay: VXLAN over UDP on %s port %u, MTU %u", ip,
       c->udp_port, c->mtu);
  return 0;
#else
  snprintf(err, errlen,
           "underlay: this vl2-switch was built without the UDP "
           "underlay backend");
  return -1;
#endif
}

static void underlay_close(app *a) {
  if (!a->udp)
    return;
  ep_del(a, vl2_backend_get_fd(a->udp));
  vl2_backend_close(a->udp);
  a->udp = NULL;
  txq_fini(&a->uq);
}

static bool underlay_same(const sw_config *x, const sw_config *y) {
  return x->underlay == y->underlay &&
         memcmp(&x->local, &y->local, sizeof x->local) == 0 &&
         x->udp_port == y->udp_port && x->mtu == y->mtu;
}

/* ------------------------------------------------------------ apply */

/* The VNI each of a port's VLANs maps to must be unchanged for the port to
 * stay in the switch as it is. */
static bool port_vlans_same(const sw_port_cfg *p, const sw_config *pc,
                            const sw_port_cfg *q, const sw_config *qc) {
  if (p->mode != q->mode || p->pvid != q->pvid || p->vlan_cnt != q->vlan_cnt)
    return false;
  for (size_t i = 0; i < p->vlan_cnt; i++) {
    if (p->vlans[i] != q->vlans[i])
      return false;
    const sw_seg_cfg *a = sw_config_seg_by_vlan(pc, p->vlans[i]);
    const sw_seg_cfg *b = sw_config_seg_by_vlan(qc, q->vlans[i]);
    if (!a || !b || a->vni != b->vni)
      return false;
  }
  return true;
}

static bool port_dev_same(const sw_port_cfg *p, const sw_port_cfg *q) {
  return p->type == q->type && p->persist == q->persist && p->mtu == q->mtu &&
         p->offload == q->offload && p->has_mac == q->has_mac &&
         (!p->has_mac || memcmp(&p->mac, &q->mac, sizeof p->mac) == 0);
}

static bool fdb_same(const sw_fdb_cfg *x, const sw_fdb_cfg *y) {
  return x->vni == y->vni && memcmp(&x->mac, &y->mac, sizeof x->mac) == 0 &&
         x->remote == y->remote &&
         (x->remote ? memcmp(&x->addr, &y->addr, sizeof x->addr) == 0
                    : strcmp(x->port, y->port) == 0);
}

static int fdb_apply(app *a, const sw_fdb_cfg *f, char *err, size_t errlen) {
  vl2_fdb_entry e;
  memset(&e, 0, sizeof e);
  e.mac = f->mac;
  e.vni = f->vni;
  e.flags = VL2_FDB_F_STATIC;
  if (f->remote) {
    e.flags |= VL2_FDB_F_REMOTE;
    e.port = VL2_PORT_REMOTE;
    e.remote = f->addr;
  } else {
    port_rt *p = port_by_name(a, f->port);
    if (!p) {
      snprintf(err, errlen, "no port %s", f->port);
      return -1;
    }
    e.port = p->id;
  }
  int rv = vl2_fdb_add_static(a->sw, &e);
  if (rv) {
    snprintf(err, errlen, "%s", vl2_strerror(rv));
    return -1;
  }
  return 0;
}

#ifdef VL2SW_HAVE_NEIGH
static int neigh_apply(app *a, const sw_neigh_cfg *n, char *err,
                       size_t errlen) {
  vl2_neigh_entry e;
  memset(&e, 0, sizeof e);
  e.ip = n->ip;
  e.mac = n->mac;
  e.vni = n->vni;
  e.port = VL2_NEIGH_PORT_ANY;
  if (n->port[0]) {
    port_rt *p = port_by_name(a, n->port);
    if (!p) {
      snprintf(err, errlen, "no port %s", n->port);
      return -1;
    }
    e.port = p->id;
  }
  e.flags = n->router ? VL2_NEIGH_F_ROUTER : 0;
  int rv = vl2_neigh_add_static(a->sw, &e);
  if (rv) {
    snprintf(err, errlen, "%s", vl2_strerror(rv));
    return -1;
  }
  return 0;
}
#endif

static bool limits_same(const sw_config *x, const sw_config *y) {
  return x->max_ports == y->max_ports && x->max_segments == y->max_segments &&
         x->max_remotes == y->max_remotes && x->max_fdb == y->max_fdb &&
         x->max_macs_per_port == y->max_macs_per_port &&
         x->max_macs_per_segment == y->max_macs_per_segment &&
         x->max_neigh == y->max_neigh && x->ageing_s == y->ageing_s;
}

/* Make the running switch match |nc| (already validated), changing only
 * what differs from a->cfg. Takes ownership of |nc|. Returns the number of
 * errors (each logged; the first also in |err|). */
static int apply(app *a, sw_config *nc, char *err, size_t errlen) {
  sw_config *oc = &a->cfg;
  int errors = 0;
  char e[512];
#define NOTE_ERR()                                                             \
  do {                                                                         \
    logm(L_ERR, "%s", e);                                                      \
    if (errors++ == 0)                                                         \
      snprintf(err, errlen, "%s", e);                                          \
  } while (0)

  if (!limits_same(oc, nc) && a->cfg.max_ports) {
    logm(L_WARN, "the 'limits' section changed; limits apply at start-up "
                 "only, restart vl2-switch to change them");
    nc->max_ports = oc->max_ports;
    nc->max_segments = oc->max_segments;
    nc->max_remotes = oc->max_remotes;
    nc->max_fdb = oc->max_fdb;
    nc->max_macs_per_port = oc->max_macs_per_port;
    nc->max_macs_per_segment = oc->max_macs_per_segment;
    nc->max_neigh = oc->max_neigh;
    nc->ageing_s = oc->ageing_s;
  }

  /* 1. ports that go, or change */
  bool *readd = xcalloc(a->nports, sizeof *readd);
  for (uint32_t i = 0; i < a->nports; i++) {
    port_rt *p = &a->ports[i];
    if (!p->used)
      continue;
    const sw_port_cfg *np = sw_config_port(nc, p->cfg.name);
    if (!np || !port_dev_same(&p->cfg, np)) {
      logm(L_INFO, "port %s: %s", p->cfg.name,
           np ? "device settings changed, re-creating" : "removed");
      port_close(a, p);
    } else if (!port_vlans_same(&p->cfg, oc, np, nc)) {
      logm(L_INFO, "port %s: VLANs changed, re-adding", p->cfg.name);
      if (p->in_switch)
        vl2_switch_port_del(a->sw, p->id);
      p->in_switch = false;
      free(p->cfg.vlans);
      port_cfg_copy(&p->cfg, np);
      readd[i] = true;
    } else if (p->cfg.flags != np->flags || p->cfg.max_macs != np->max_macs) {
      vl2_port_config pc;
      vl2_port_config_default(&pc, np->mode);
      pc.pvid = np->pvid;
      pc.flags = np->flags;
      pc.max_macs = np->max_macs;
      int rv = vl2_switch_port_set(a->sw, p->id, &pc);
      if (rv) {
        snprintf(e, sizeof e, "port %s: %s", np->name, vl2_strerror(rv));
        NOTE_ERR();
      } else {
        p->cfg.flags = np->flags;
        p->cfg.max_macs = np->max_macs;
      }
    }
  }

  /* 2. the underlay */
  if (!underlay_same(oc, nc) || (nc->underlay && !a->udp)) {
    underlay_close(a);
    if (underlay_open(a, nc, e, sizeof e))
      NOTE_ERR();
  }

  /* 3. segments */
  for (size_t i = 0; i < oc->seg_cnt; i++) {
    uint32_t vni = oc->segs[i].vni;
    if (sw_config_seg(nc, vni))
      continue;
    int rv = vl2_switch_segment_del(a->sw, vni);
    if (rv) {
      snprintf(e, sizeof e, "segment %u: remove: %s", vni, vl2_strerror(rv));
      NOTE_ERR();
    } else {
      logm(L_INFO, "segment %u removed", vni);
    }
    seg_forget(a, vni);
  }
  for (size_t i = 0; i < nc->seg_cnt; i++) {
    const sw_seg_cfg *s = &nc->segs[i];
    const sw_seg_cfg *o = sw_config_seg(oc, s->vni);
    vl2_segment_config sc = {.flags = s->flags, .max_macs = s->max_macs};
    seg_rt *r = seg_find(a, s->vni);
    if (!r) {
      int rv = vl2_switch_segment_add(a->sw, s->vni, &sc);
      if (rv) {
        snprintf(e, sizeof e, "segment %u: %s", s->vni, vl2_strerror(rv));
        NOTE_ERR();
        continue;
      }
      a->segs = realloc(a->segs, (a->nsegs + 1) * sizeof *a->segs);
      if (!a->segs)
        exit(1);
      r = &a->segs[a->nsegs++];
      memset(r, 0, sizeof *r);
      r->vni = s->vni;
      logm(L_INFO, "segment %u (VLAN %u) added", s->vni, s->vlan);
    } else if (o && (o->flags != s->flags || o->max_macs != s->max_macs)) {
      int rv = vl2_switch_segment_set(a->sw, s->vni, &sc);
      if (rv) {
        snprintf(e, sizeof e, "segment %u: %s", s->vni, vl2_strerror(rv));
        NOTE_ERR();
      }
    }
    /* VTEPs the old file listed and the new one does not */
    for (size_t k = 0; k < r->n;) {
      bool keep = !r->v[k].from_config;
      for (size_t j = 0; j < s->flood_cnt && !keep; j++)
        keep = memcmp(&s->flood[j], &r->v[k].addr, sizeof s->flood[j]) == 0;
      if (keep) {
        k++;
        continue;
      }
      vl2_ipaddr gone = r->v[k].addr;
      vtep_del(a, r, &gone);
    }
    for (size_t j = 0; j < s->flood_cnt; j++)
      if (vtep_add(a, r, &s->flood[j], true, e, sizeof e))
        NOTE_ERR();
  }

  /* 4. ports that come, or come back */
  for (uint32_t i = 0; i < a->nports; i++) {
    if (!readd[i])
      continue;
    if (port_switch_add(a, &a->ports[i], nc, e, sizeof e)) {
      NOTE_ERR();
      port_close(a, &a->ports[i]);
    }
  }
  free(readd);
  for (size_t i = 0; i < nc->port_cnt; i++) {
    if (port_by_name(a, nc->ports[i].name))
      continue;
    if (port_open(a, &nc->ports[i], nc, e, sizeof e))
      NOTE_ERR();
  }

  /* 5. static FDB: drop what the old file had and the new one has not,
   * (re)add the new file's (a re-created port lost its entries) */
  for (size_t i = 0; i < oc->fdb_cnt; i++) {
    bool keep = false;
    for (size_t j = 0; j < nc->fdb_cnt && !keep; j++)
      keep = fdb_same(&oc->fdb[i], &nc->fdb[j]);
    if (!keep && seg_find(a, oc->fdb[i].vni))
      vl2_fdb_del(a->sw, oc->fdb[i].vni, &oc->fdb[i].mac);
  }
  for (size_t i = 0; i < nc->fdb_cnt; i++) {
    char m[320];
    if (fdb_apply(a, &nc->fdb[i], m, sizeof m)) {
      snprintf(e, sizeof e, "%s:%d: static fdb entry: %s",
               nc->path ? nc->path : "(built-in)", nc->fdb[i].line, m);
      NOTE_ERR();
    }
  }
#ifdef VL2SW_HAVE_NEIGH
  for (size_t i = 0; i < oc->neigh_cnt; i++) {
    bool keep = false;
    for (size_t j = 0; j < nc->neigh_cnt && !keep; j++)
      keep = oc->neigh[i].vni == nc->neigh[j].vni &&
             memcmp(&oc->neigh[i].ip, &nc->neigh[j].ip,
                    sizeof oc->neigh[i].ip) == 0;
    if (!keep && seg_find(a, oc->neigh[i].vni))
      vl2_neigh_del(a->sw, oc->neigh[i].vni, &oc->neigh[i].ip);
  }
  for (size_t i = 0; i < nc->neigh_cnt; i++) {
    char m[320];
    if (neigh_apply(a, &nc->neigh[i], m, sizeof m)) {
      snprintf(e, sizeof e, "%s:%d: neighbour entry: %s",
               nc->path ? nc->path : "(built-in)", nc->neigh[i].line, m);
      NOTE_ERR();
    }
  }
#else
  if (nc->neigh_cnt)
    logm(L_WARN, "neighbour entries ignored: built without neigh.h");
#endif
#undef NOTE_ERR
  sw_config_free(oc);
  *oc = *nc;
  memset(nc, 0, sizeof *nc);
  return errors;
}

static int reload(app *a, char *err, size_t errlen) {
  sw_config nc;
  a->reloads++;
  if (sw_config_load(a->cfg_path, &nc, err, errlen)) {
    a->reload_failures++;
    logm(L_ERR, "reload refused, keeping the running configuration: %s", err);
    return -1;
  }
  int n = apply(a, &nc, err, errlen);
  if (n) {
    a->reload_failures++;
    logm(L_ERR, "reload applied with %d error(s)", n);
    return -1;
  }
  logm(L_INFO, "configuration reloaded from %s",
       a->cfg_path ? a->cfg_path : "(built-in)");
  return 0;
}

/* ------------------------------------------------------------ control */

static json_object *jstr(const char *s) { return json_object_new_string(s); }
static json_object *ju64(uint64_t v) {
  return json_object_new_int64(v > INT64_MAX ? INT64_MAX : (int64_t)v);
}
#define JADD(o, k, v) json_object_object_add((o), (k), (v))

static const char *port_name(app *a, uint32_t id) {
  if (id < a->nports && a->ports[id].used)
    return a->ports[id].cfg.name;
  return "?";
}

static json_object *port_flags_json(uint32_t f) {
  json_object *arr = json_object_new_array();
  static const struct {
    uint32_t f;
    const char *n;
  } t[] = {{VL2_PORT_F_LEARN, "learn"},
           {VL2_PORT_F_FLOOD_UNKNOWN, "flood"},
           {VL2_PORT_F_FLOOD_BCAST, "bcast_flood"},
           {VL2_PORT_F_FLOOD_MCAST, "mcast_flood"},
           {VL2_PORT_F_QINQ, "qinq"},
           {VL2_PORT_F_SPOOF_GUARD, "spoof_guard"},
           {VL2_PORT_F_NEIGH_INSPECT, "neigh_inspect"}};
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
    if (f & t[i].f)
      json_object_array_add(arr, jstr(t[i].n));
  return arr;
}

static json_object *port_json(app *a, port_rt *p) {
  json_object *o = json_object_new_object();
  JADD(o, "id", ju64(p->id));
  JADD(o, "name", jstr(p->cfg.name));
  JADD(o, "type", jstr(p->cfg.type == SW_PORT_TAP ? "tap" : "af_packet"));
  JADD(o, "mode", jstr(p->cfg.mode == VL2_PORT_ACCESS ? "access" : "trunk"));
  JADD(o, p->cfg.mode == VL2_PORT_ACCESS ? "vlan" : "native",
       ju64(p->cfg.pvid));
  json_object *vl = json_object_new_array(), *sg = json_object_new_array();
  for (size_t i = 0; i < p->cfg.vlan_cnt; i++) {
    json_object_array_add(vl, ju64(p->cfg.vlans[i]));
    const sw_seg_cfg *s = sw_config_seg_by_vlan(&a->cfg, p->cfg.vlans[i]);
    if (s)
      json_object_array_add(sg, ju64(s->vni));
  }
  JADD(o, "vlans", vl);
  JADD(o, "segments", sg);
  JADD(o, "flags", port_flags_json(p->cfg.flags));
  JADD(o, "max_macs", ju64(p->cfg.max_macs));
  JADD(o, "created", json_object_new_boolean(p->created));
  JADD(o, "offload", json_object_new_boolean(p->cfg.offload));
  vl2_port_stats ps;
  if (vl2_switch_port_get_stats(a->sw, p->id, &ps) == 0) {
    json_object *s = json_object_new_object();
    JADD(s, "rx_frames", ju64(ps.rx_frames));
    JADD(s, "rx_bytes", ju64(ps.rx_bytes));
    JADD(s, "rx_drops", ju64(ps.rx_drops));
    JADD(s, "tx_frames", ju64(ps.tx_frames));
    JADD(s, "tx_bytes", ju64(ps.tx_bytes));
    JADD(s, "rx_flooded", ju64(ps.rx_flooded));
    JADD(s, "learned", ju64(ps.learned));
    JADD(s, "moved_in", ju64(ps.moved_in));
    JADD(s, "limit_hits", ju64(ps.limit_hits));
    JADD(s, "macs", ju64(ps.macs));
    JADD(o, "stats", s);
  }
  vl2_backend_stats bs;
  if (p->be && vl2_backend_get_stats(p->be, &bs) == 0) {
    json_object *s = json_object_new_object();
    JADD(s, "rx_frames", ju64(bs.rx_frames));
    JADD(s, "rx_bytes", ju64(bs.rx_bytes));
    JADD(s, "tx_frames", ju64(bs.tx_frames));
    JADD(s, "tx_bytes", ju64(bs.tx_bytes));
    JADD(s, "rx_dropped", ju64(bs.rx_dropped));
    JADD(s, "tx_dropped", ju64(bs.tx_dropped + p->q.dropped));
    JADD(s, "rx_errors", ju64(bs.rx_errors));
    JADD(s, "tx_errors", ju64(bs.tx_errors));
    vl2_tap_offload_stats os;
    if (p->cfg.type == SW_PORT_TAP &&
        vl2_tap_get_offload_stats(p->be, &os) == 0) {
      JADD(s, "rx_gso_frames", ju64(os.rx_gso_frames));
      JADD(s, "rx_csum_partial", ju64(os.rx_csum_partial));
      JADD(s, "tx_gso_frames", ju64(os.tx_gso_frames));
      JADD(s, "tx_offload_refused", ju64(os.tx_refused));
    }
    JADD(o, "device", s);
  }
  return o;
}

static json_object *cmd_ports(app *a) {
  json_object *arr = json_object_new_array();
  for (uint32_t i = 0; i < a->nports; i++)
    if (a->ports[i].used)
      json_object_array_add(arr, port_json(a, &a->ports[i]));
  json_object *o = json_object_new_object();
  JADD(o, "ports", arr);
  return o;
}

static json_object *seg_json(app *a, const sw_seg_cfg *s) {
  json_object *o = json_object_new_object();
  JADD(o, "vni", ju64(s->vni));
  JADD(o, "vlan", ju64(s->vlan));
  json_object *fl = json_object_new_array();
  if (s->flags & VL2_SEG_F_LEARN_REMOTE)
    json_object_array_add(fl, jstr("learn_remote"));
  if (s->flags & VL2_SEG_F_STRICT_REMOTES)
    json_object_array_add(fl, jstr("strict_remotes"));
  if (s->flags & VL2_SEG_F_ARP_SUPPRESS)
    json_object_array_add(fl, jstr("arp_suppress"));
  if (s->flags & VL2_SEG_F_DIRECTORY)
    json_object_array_add(fl, jstr("directory"));
  JADD(o, "flags", fl);
  JADD(o, "max_macs", ju64(s->max_macs));
  json_object *v = json_object_new_array();
  seg_rt *r = seg_find(a, s->vni);
  for (size_t i = 0; r && i < r->n; i++) {
    char b[64];
    sw_format_ip(&r->v[i].addr, b, sizeof b);
    json_object_array_add(v, jstr(b));
  }
  JADD(o, "flood", v);
  json_object *pl = json_object_new_array();
  for (uint32_t i = 0; i < a->nports; i++) {
    port_rt *p = &a->ports[i];
    if (!p->used || !p->in_switch)
      continue;
    for (size_t k = 0; k < p->cfg.vlan_cnt; k++)
      if (p->cfg.vlans[k] == s->vlan)
        json_object_array_add(pl, jstr(p->cfg.name));
  }
  JADD(o, "ports", pl);
  vl2_segment_stats ss;
  if (vl2_switch_segment_get_stats(a->sw, s->vni, &ss) == 0) {
    json_object *st = json_object_new_object();
    JADD(st, "rx_frames", ju64(ss.rx_frames));
    JADD(st, "rx_bytes", ju64(ss.rx_bytes));
    JADD(st, "tx_frames", ju64(ss.tx_frames));
    JADD(st, "tx_bytes", ju64(ss.tx_bytes));
    JADD(st, "bum_frames", ju64(ss.bum_frames));
    JADD(st, "flood_copies", ju64(ss.flood_copies));
    JADD(st, "flood_remote_copies", ju64(ss.flood_remote_copies));
    JADD(st, "unknown_unicast", ju64(ss.unknown_unicast));
    JADD(st, "learned", ju64(ss.learned));
    JADD(st, "moved", ju64(ss.moved));
    JADD(st, "limit_hits", ju64(ss.limit_hits));
    JADD(st, "macs", ju64(ss.macs));
    JADD(o, "stats", st);
  }
  return o;
}

static json_object *cmd_segments(app *a) {
  json_object *arr = json_object_new_array();
  for (size_t i = 0; i < a->cfg.seg_cnt; i++)
    json_object_array_add(arr, seg_json(a, &a->cfg.segs[i]));
  json_object *o = json_object_new_object();
  JADD(o, "segments", arr);
  return o;
}

static json_object *cmd_fdb(app *a) {
  vl2_tstamp now = now_ns();
  json_object *arr = json_object_new_array();
  uint64_t cur = 0;
  vl2_fdb_entry e;
  while (vl2_fdb_next(a->sw, &cur, &e, now) == 1) {
    json_object *o = json_object_new_object();
    char b[64];
    sw_format_mac(&e.mac, b, sizeof b);
    JADD(o, "mac", jstr(b));
    JADD(o, "vni", ju64(e.vni));
    if (e.flags & VL2_FDB_F_REMOTE) {
      sw_format_ip(&e.remote, b, sizeof b);
      JADD(o, "remote", jstr(b));
    } else {
      JADD(o, "dev", jstr(port_name(a, e.port)));
      JADD(o, "port", ju64(e.port));
    }
    bool st = (e.flags & VL2_FDB_F_STATIC) != 0;
    JADD(o, "state", jstr(st ? "static" : "dynamic"));
    if (!st && e.expires_at != VL2_TSTAMP_NONE)
      JADD(o, "expires_in",
           ju64(e.expires_at > now
                    ? (e.expires_at - now + VL2_SEC - 1) / VL2_SEC
                    : 0));
    json_object_array_add(arr, o);
  }
  json_object *o = json_object_new_object();
  JADD(o, "fdb", arr);
  return o;
}

static json_object *cmd_neigh(app *a) {
  json_object *arr = json_object_new_array();
#ifdef VL2SW_HAVE_NEIGH
  vl2_tstamp now = now_ns();
  uint64_t cur = 0;
  vl2_neigh_entry e;
  static const char *const states[] = {
      "NONE", "INCOMPLETE", "REACHABLE", "STALE", "DELAY", "PROBE", "FAILED"};
  while (vl2_neigh_next(a->sw, &cur, &e, now) == 1) {
    json_object *o = json_object_new_object();
    char b[64];
    sw_format_ip(&e.ip, b, sizeof b);
    JADD(o, "ip", jstr(b));
    JADD(o, "vni", ju64(e.vni));
    sw_format_mac(&e.mac, b, sizeof b);
    JADD(o, "lladdr", jstr(b));
    JADD(o, "state", jstr(e.state < 7 ? states[e.state] : "?"));
    if (e.port == VL2_PORT_REMOTE)
      JADD(o, "dev", jstr("remote"));
    else if (e.port != VL2_NEIGH_PORT_ANY)
      JADD(o, "dev", jstr(port_name(a, e.port)));
    JADD(o, "static", json_object_new_boolean(e.flags & VL2_NEIGH_F_STATIC));
    JADD(o, "router", json_object_new_boolean(e.flags & VL2_NEIGH_F_ROUTER));
    if (e.expires_at != VL2_TSTAMP_NONE)
      JADD(o, "expires_in",
           ju64(e.expires_at > now ? (e.expires_at - now) / VL2_SEC : 0));
    json_object_array_add(arr, o);
  }
#else
  (void)a;
#endif
  json_object *o = json_object_new_object();
  JADD(o, "neigh", arr);
  return o;
}

static json_object *cmd_stats(app *a) {
  json_object *o = json_object_new_object();
  vl2_switch_stats st;
  vl2_switch_get_stats(a->sw, &st);
  json_object *s = json_object_new_object();
  JADD(s, "rx_frames", ju64(st.rx_frames));
  JADD(s, "rx_bytes", ju64(st.rx_bytes));
  JADD(s, "forwarded", ju64(st.forwarded));
  JADD(s, "flooded", ju64(st.flooded));
  JADD(s, "consumed", ju64(st.consumed));
  JADD(s, "dropped", ju64(st.dropped));
  JADD(s, "learned", ju64(st.learned));
  JADD(s, "moved", ju64(st.moved));
  JADD(s, "aged", ju64(st.aged));
  JADD(s, "limit_hits", ju64(st.limit_hits));
  JADD(s, "static_conflicts", ju64(st.static_conflicts));
  JADD(s, "events_dropped", ju64(st.events_dropped));
  JADD(s, "fdb_entries", ju64(st.fdb_entries));
  JADD(s, "fdb_static", ju64(st.fdb_static));
  JADD(s, "overlay_mtu_skips", ju64(st.overlay_mtu_skips));
  JADD(s, "stacked_tag_skips", ju64(st.stacked_tag_skips));
  json_object *d = json_object_new_object();
  for (unsigned i = 1; i < VL2_DROP_REASON_COUNT; i++)
    if (st.drops[i])
      JADD(d, vl2_drop_reason_name(i), ju64(st.drops[i]));
  JADD(s, "drops", d);
  JADD(o, "switch", s);
  vl2_neigh_stats ns;
  if (vl2_neigh_get_stats(a->sw, VL2_NEIGH_ALL_SEGMENTS, &ns) == 0) {
    json_object *n = json_object_new_object();
    JADD(n, "entries", ju64(ns.entries));
    JADD(n, "learned", ju64(ns.learned));
    JADD(n, "moves", ju64(ns.moves));
    JADD(n, "garp", ju64(ns.garp));
    JADD(n, "probes", ju64(ns.probes));
    JADD(n, "req_answered", ju64(ns.req_answered));
    JADD(n, "req_missed", ju64(ns.req_missed));
    JADD(n, "req_flooded", ju64(ns.req_flooded));
    JADD(n, "req_passed", ju64(ns.req_passed));
    JADD(n, "res_resolved", ju64(ns.res_resolved));
    JADD(n, "res_failed", ju64(ns.res_failed));
    JADD(n, "dir_lookups", ju64(ns.dir_lookups));
    JADD(n, "dir_refused", ju64(ns.dir_refused));
    JADD(n, "dir_timeouts", ju64(ns.dir_timeouts));
    JADD(n, "mac_frozen", ju64(ns.mac_frozen));
    JADD(n, "ip_frozen", ju64(ns.ip_frozen));
    JADD(n, "spoof_drops", ju64(ns.spoof_drops));
    JADD(n, "inspect_drops", ju64(ns.inspect_drops));
    JADD(o, "neigh", n);
  }
  json_object *dm = json_object_new_object();
  JADD(dm, "vxlan_decap_errors", ju64(a->decap_errors));
  JADD(dm, "vxlan_encap_errors", ju64(a->encap_errors));
  JADD(dm, "remote_without_underlay", ju64(a->no_underlay));
  JADD(dm, "tx_dropped", ju64(a->tx_dropped));
  JADD(dm, "offload_csum_completed", ju64(a->off_csum));
  JADD(dm, "offload_segmented", ju64(a->off_segmented));
  JADD(dm, "offload_errors", ju64(a->off_errors));
  JADD(dm, "reloads", ju64(a->reloads));
  JADD(dm, "reload_failures", ju64(a->reload_failures));
  JADD(o, "daemon", dm);
  json_object *pp = cmd_ports(a), *arr;
  json_object_object_get_ex(pp, "ports", &arr);
  JADD(o, "ports", json_object_get(arr));
  json_object_put(pp);
  json_object *ss = cmd_segments(a);
  json_object_object_get_ex(ss, "segments", &arr);
  JADD(o, "segments", json_object_get(arr));
  json_object_put(ss);
  if (a->udp) {
    vl2_backend_stats bs;
    if (vl2_backend_get_stats(a->udp, &bs) == 0) {
      json_object *u = json_object_new_object();
      JADD(u, "rx_frames", ju64(bs.rx_frames));
      JADD(u, "tx_frames", ju64(bs.tx_frames));
      JADD(u, "rx_dropped", ju64(bs.rx_dropped));
      JADD(u, "tx_dropped", ju64(bs.tx_dropped + a->uq.dropped));
      JADD(u, "tx_errors", ju64(bs.tx_errors));
      JADD(o, "underlay", u);
    }
  }
  return o;
}

static json_object *jerr(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
static json_object *jerr(const char *fmt, ...) {
  char m[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(m, sizeof m, fmt, ap);
  va_end(ap);
  json_object *o = json_object_new_object();
  JADD(o, "error", jstr(m));
  return o;
}

static json_object *jok(void) {
  json_object *o = json_object_new_object();
  JADD(o, "ok", json_object_new_boolean(1));
  return o;
}

static int parse_vni(const char *s, uint32_t *vni) {
  char *end;
  errno = 0;
  unsigned long v = strtoul(s ? s : "", &end, 10);
  if (!s || !*s || *end || errno || v > VL2_VNI_MAX)
    return -1;
  *vni = (uint32_t)v;
  return 0;
}

/* fdb add MAC vni N (port NAME | remote IP) ; fdb del MAC vni N */
static json_object *cmd_fdb_change(app *a, char **w, int n) {
  vl2_mac mac;
  uint32_t vni;
  bool add = strcmp(w[1], "add") == 0;
  if (n < 5 || sw_parse_mac(w[2], &mac) || strcmp(w[3], "vni") ||
      parse_vni(w[4], &vni))
    return jerr("usage: fdb add MAC vni VNI port NAME | fdb add MAC vni VNI "
                "remote IP | fdb del MAC vni VNI");
  if (!add) {
    int rv = vl2_fdb_del(a->sw, vni, &mac);
    return rv ? jerr("fdb del: %s", vl2_strerror(rv)) : jok();
  }
  if (n != 7)
    return jerr("usage: fdb add MAC vni VNI (port NAME | remote IP)");
  sw_fdb_cfg f;
  memset(&f, 0, sizeof f);
  f.mac = mac;
  f.vni = vni;
  if ((mac.b[0] & 1) != 0)
    return jerr("fdb add: %s is a group MAC", w[2]);
  if (strcmp(w[5], "port") == 0) {
    snprintf(f.port, sizeof f.port, "%s", w[6]);
  } else if (strcmp(w[5], "remote") == 0) {
    f.remote = true;
    if (sw_parse_ip(w[6], &f.addr))
      return jerr("fdb add: %s is not an IP address", w[6]);
  } else {
    return jerr("fdb add: expected 'port NAME' or 'remote IP'");
  }
  char e[256];
  if (fdb_apply(a, &f, e, sizeof e))
    return jerr("fdb add: %s", e);
  logm(L_INFO, "static fdb entry %s vni %u added by vl2ctl", w[2], vni);
  return jok();
}

/* vtep add VNI IP ; vtep del VNI IP */
static json_object *cmd_vtep(app *a, char **w, int n) {
  uint32_t vni;
  vl2_ipaddr ip;
  if (n != 4 || parse_vni(w[2], &vni) || sw_parse_ip(w[3], &ip))
    return jerr("usage: vtep add|del VNI IP");
  seg_rt *s = seg_find(a, vni);
  if (!s)
    return jerr("vtep: no segment %u", vni);
  if (strcmp(w[1], "add") == 0) {
    if (!a->udp)
      return jerr("vtep add: no underlay configured");
    if (vtep_find(s, &ip))
      return jerr("vtep add: %s is in segment %u already", w[3], vni);
    char e[256];
    if (vtep_add(a, s, &ip, false, e, sizeof e))
      return jerr("vtep add: %s", e);
    logm(L_INFO, "VTEP %s added to segment %u by vl2ctl", w[3], vni);
    return jok();
  }
  int rv = vtep_del(a, s, &ip);
  if (rv)
    return jerr("vtep del: %s", vl2_strerror(rv));
  return jok();
}

static json_object *handle_cmd(app *a, char *line) {
  char *w[16];
  int n = 0;
  for (char *t = strtok(line, " \t\r"); t && n < 16; t = strtok(NULL, " \t\r"))
    w[n++] = t;
  if (n == 0)
    return jerr("empty command");
  if (strcmp(w[0], "ports") == 0)
    return cmd_ports(a);
  if (strcmp(w[0], "segments") == 0)
    return cmd_segments(a);
  if (strcmp(w[0], "stats") == 0)
    return cmd_stats(a);
  if (strcmp(w[0], "neigh") == 0)
    return cmd_neigh(a);
  if (strcmp(w[0], "fdb") == 0 && n == 1)
    return cmd_fdb(a);
  if (strcmp(w[0], "fdb") == 0 &&
      (strcmp(w[1], "add") == 0 || strcmp(w[1], "del") == 0))
    return cmd_fdb_change(a, w, n);
  if (strcmp(w[0], "vtep") == 0 && n >= 2 &&
      (strcmp(w[1], "add") == 0 || strcmp(w[1], "del") == 0))
    return cmd_vtep(a, w, n);
  if (strcmp(w[0], "reload") == 0) {
    char e[512];
    return reload(a, e, sizeof e) ? jerr("reload: %s", e) : jok();
  }
  if (strcmp(w[0], "version") == 0) {
    json_object *o = json_object_new_object();
    JADD(o, "version", jstr(VL2_VERSION));
    return o;
  }
  return jerr("unknown command '%s' (expected ports, segments, fdb, neigh, "
              "stats, fdb add|del, vtep add|del, reload, version)",
              w[0]);
}

static void client_close(app *a, client *c) {
  ep_del(a, c->fd);
  close(c->fd);
  c->fd = -1;
  c->len = 0;
  (void)a;
}

static void write_all(int fd, const char *s, size_t n) {
  while (n) {
    ssize_t k = write(fd, s, n);
    if (k < 0 && errno == EINTR)
      continue;
    if (k <= 0)
      return;
    s += k;
    n -= (size_t)k;
  }
}

static void client_read(app *a, client *c) {
  ssize_t k = read(c->fd, c->buf + c->len, sizeof c->buf - 1 - c->len);
  if (k <= 0) {
    if (k < 0 && (errno == EAGAIN || errno == EINTR))
      return;
    client_close(a, c);
    return;
  }
  c->len += (size_t)k;
  c->buf[c->len] = 0;
  char *nl = strchr(c->buf, '\n');
  if (!nl) {
    if (c->len == sizeof c->buf - 1)
      client_close(a, c);
    return;
  }
  *nl = 0;
  json_object *r = handle_cmd(a, c->buf);
  const char *s = json_object_to_json_string_ext(r, JSON_C_TO_STRING_PLAIN);
  /* One reply per connection; the socket was made blocking with a send
   * timeout, so a stalled client cannot hold the loop for long. */
  int fl = fcntl(c->fd, F_GETFL);
  fcntl(c->fd, F_SETFL, fl & ~O_NONBLOCK);
  write_all(c->fd, s, strlen(s));
  write_all(c->fd, "\n", 1);
  json_object_put(r);
  client_close(a, c);
}

static void accept_clients(app *a) {
  for (;;) {
    int fd = accept4(a->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0)
      return;
    struct timeval tv = {.tv_sec = 2};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    size_t i = 0;
    while (i < MAX_CLIENTS && a->clients[i].fd >= 0)
      i++;
    if (i == MAX_CLIENTS) {
      close(fd);
      continue;
    }
    a->clients[i].fd = fd;
    a->clients[i].len = 0;
    if (ep_add(a, fd, K_CLIENT, (uint32_t)i))
      client_close(a, &a->clients[i]);
  }
}

static int control_open(app *a, char *err, size_t errlen) {
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  if (strlen(a->ctl_path) >= sizeof sa.sun_path) {
    snprintf(err, errlen, "--control %s: path too long (at most %zu bytes)",
             a->ctl_path, sizeof sa.sun_path - 1);
    return -1;
  }
  strcpy(sa.sun_path, a->ctl_path);
  a->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (a->lfd < 0) {
    snprintf(err, errlen, "control socket: %s", strerror(errno));
    return -1;
  }
  /* A socket file nobody answers on is left over from a crash. */
  int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (probe >= 0) {
    if (connect(probe, (struct sockaddr *)&sa, sizeof sa) == 0) {
      close(probe);
      snprintf(err, errlen,
               "control socket %s: another vl2-switch is "
               "running there",
               a->ctl_path);
      return -1;
    }
    close(probe);
  }
  unlink(a->ctl_path);
  mode_t old = umask(0117);
  int rv = bind(a->lfd, (struct sockaddr *)&sa, sizeof sa);
  umask(old);
  if (rv || listen(a->lfd, 8)) {
    snprintf(err, errlen, "control socket %s: %s", a->ctl_path,
             strerror(errno));
    return -1;
  }
  return ep_add(a, a->lfd, K_LISTEN, 0);
}

/* ------------------------------------------------------------ main */

static void usage(FILE *f) {
  fputs("Usage: vl2-switch [OPTION]...\n"
        "A virtual Layer-2 switch: TAP and AF_PACKET ports, VLANs, segments,\n"
        "and VXLAN tunnels to other hosts (libvl2).\n"
        "\n"
        "Without --config it runs the built-in default: TAP ports vl2tap0 and\n"
        "vl2tap1, access VLAN 1, in segment VNI 1.\n"
        "\n"
        "  -c, --config FILE      read the configuration from FILE (libconfig\n"
        "                         format, see vl2-switch.conf(5))\n"
        "  -t, --check            validate the configuration and exit\n"
        "  -f, --foreground       do not detach; log to stderr\n"
        "  -l, --log-level LEVEL  error, warning, info (default) or debug\n"
        "  -s, --syslog           log to syslog instead of stderr\n"
        "  -C, --control PATH     control socket (default "
        "/run/vl2-switch.sock)\n"
        "  -h, --help             show this help and exit\n"
        "  -V, --version          show the version and exit\n"
        "\n"
        "Signals: SIGHUP reloads the configuration, SIGINT/SIGTERM stop.\n"
        "Control it with vl2ctl(8).\n",
        f);
}

static int parse_level(const char *s) {
  static const char *const n[] = {"error", "warning", "info", "debug"};
  for (int i = 0; i < 4; i++)
    if (strcmp(s, n[i]) == 0)
      return i;
  if (strcmp(s, "warn") == 0)
    return L_WARN;
  return -1;
}

static void shutdown_all(app *a) {
  for (uint32_t i = 0; a->ports && i < a->nports; i++)
    port_close(a, &a->ports[i]);
  underlay_close(a);
  for (size_t i = 0; i < MAX_CLIENTS; i++)
    if (a->clients[i].fd >= 0)
      client_close(a, &a->clients[i]);
  if (a->lfd >= 0) {
    close(a->lfd);
    unlink(a->ctl_path);
  }
  for (size_t i = 0; i < a->nsegs; i++)
    free(a->segs[i].v);
  free(a->segs);
  vl2_switch_del(a->sw);
  free(a->ports);
  free(a->dests);
  free(a->dirty);
  free(a->scratch);
  sw_config_free(&a->cfg);
  if (a->sigfd >= 0)
    close(a->sigfd);
  if (a->ep >= 0)
    close(a->ep);
}

static void handle_signals(app *a) {
  struct signalfd_siginfo si;
  while (read(a->sigfd, &si, sizeof si) == (ssize_t)sizeof si) {
    if (si.ssi_signo == SIGHUP) {
      char e[512];
      logm(L_INFO, "SIGHUP: reloading");
      reload(a, e, sizeof e);
    } else {
      logm(L_INFO, "signal %u: shutting down", si.ssi_signo);
      a->stop = true;
    }
  }
}

static void run(app *a) {
  struct epoll_event evs[64];
  while (!a->stop) {
    vl2_tstamp now = now_ns();
    vl2_tstamp dl = vl2_switch_next_deadline(a->sw);
    int timeout = -1;
    if (dl != VL2_TSTAMP_NONE) {
      uint64_t ms = dl <= now ? 0 : (dl - now + VL2_MS - 1) / VL2_MS;
      timeout = ms > 60000 ? 60000 : (int)ms;
    }
    int n = epoll_wait(a->ep, evs, 64, timeout);
    if (n < 0 && errno != EINTR) {
      logm(L_ERR, "epoll_wait: %s", strerror(errno));
      return;
    }
    for (int i = 0; i < n; i++) {
      int kind = (int)(evs[i].data.u64 >> 32);
      uint32_t idx = (uint32_t)evs[i].data.u64;
      switch (kind) {
      case K_SIG:
        handle_signals(a);
        break;
      case K_LISTEN:
        accept_clients(a);
        break;
      case K_CLIENT:
        if (idx < MAX_CLIENTS && a->clients[idx].fd >= 0)
          client_read(a, &a->clients[idx]);
        break;
      case K_PORT:
        if (idx < a->nports && a->ports[idx].be)
          port_rx(a, &a->ports[idx]);
        break;
      case K_UDP:
        if (a->udp)
          udp_rx(a);
        break;
      default:
        break;
      }
    }
    now = now_ns();
    dl = vl2_switch_next_deadline(a->sw);
    if (dl != VL2_TSTAMP_NONE && dl <= now) {
      vl2_switch_run_timers(a->sw, now);
      drain_tx(a, now);
      flush_all(a);
    }
    drain_events(a);
  }
}

int main(int argc, char **argv) {
  static const struct option opts[] = {
      {"config", required_argument, NULL, 'c'},
      {"check", no_argument, NULL, 't'},
      {"foreground", no_argument, NULL, 'f'},
      {"log-level", required_argument, NULL, 'l'},
      {"syslog", no_argument, NULL, 's'},
      {"control", required_argument, NULL, 'C'},
      {"help", no_argument, NULL, 'h'},
      {"version", no_argument, NULL, 'V'},
      {NULL, 0, NULL, 0}};
  const char *config = NULL, *control = "/run/vl2-switch.sock";
  bool foreground = false, check = false;
  int c;
  while ((c = getopt_long(argc, argv, "c:tfl:sC:hV", opts, NULL)) != -1) {
    switch (c) {
    case 'c':
      config = optarg;
      break;
    case 't':
      check = true;
      break;
    case 'f':
      foreground = true;
      break;
    case 'l':
      log_level = parse_level(optarg);
      if (log_level < 0) {
        fprintf(stderr,
                "vl2-switch: --log-level: unknown level '%s' "
                "(expected error, warning, info or debug)\n",
                optarg);
        return 2;
      }
      break;
    case 's':
      log_syslog = true;
      break;
    case 'C':
      control = optarg;
      break;
    case 'h':
      usage(stdout);
      return 0;
    case 'V':
      printf("vl2-switch %s (libvl2 %s)\n", VL2_VERSION, VL2_VERSION);
      return 0;
    default:
      fputs("Try 'vl2-switch --help' for more information.\n", stderr);
      return 2;
    }
  }
  if (optind < argc) {
    fprintf(stderr,
            "vl2-switch: unexpected argument '%s' (use --config FILE)\n"
            "Try 'vl2-switch --help' for more information.\n",
            argv[optind]);
    return 2;
  }
  if (log_syslog)
    openlog("vl2-switch", LOG_PID, LOG_DAEMON);

  app A;
  app *a = &A;
  memset(a, 0, sizeof *a);
  a->ep = a->sigfd = a->lfd = -1;
  for (size_t i = 0; i < MAX_CLIENTS; i++)
    a->clients[i].fd = -1;
  a->ctl_path = control;

  char err[768];
  char abspath[PATH_MAX];
  if (config) {
    if (!realpath(config, abspath)) {
      fprintf(stderr, "vl2-switch: %s: cannot open: %s\n", config,
              strerror(errno));
      return 1;
    }
    a->cfg_path = abspath;
  }
  sw_config nc;
  if (sw_config_load(config ? abspath : NULL, &nc, err, sizeof err)) {
    /* name the file the way the user gave it */
    if (config && strncmp(err, abspath, strlen(abspath)) == 0)
      fprintf(stderr, "vl2-switch: %s%s\n", config, err + strlen(abspath));
    else
      fprintf(stderr, "vl2-switch: %s\n", err);
    logm(L_DEBUG, "configuration refused");
    return 1;
  }
  if (check) {
    printf("%s: configuration OK (%zu ports, %zu segments)\n",
           config ? config : "(built-in)", nc.port_cnt, nc.seg_cnt);
    sw_config_free(&nc);
    return 0;
  }

  vl2_switch_config sc;
  vl2_switch_config_default(&sc);
  sc.max_ports = nc.max_ports;
  sc.max_segments = nc.max_segments;
  sc.max_remotes = nc.max_remotes;
  sc.max_fdb = nc.max_fdb;
  sc.max_macs_per_port = nc.max_macs_per_port;
  sc.max_macs_per_segment = nc.max_macs_per_segment;
  sc.ageing_ns = nc.ageing_s * VL2_SEC;
#ifdef VL2SW_HAVE_NEIGH
  sc.max_neigh = nc.max_neigh;
#endif
  if (getrandom(&sc.hash_seed, sizeof sc.hash_seed, 0) !=
      (ssize_t)sizeof sc.hash_seed)
    sc.hash_seed = (uint64_t)now_ns() ^ (uint64_t)getpid();
  int rv = vl2_switch_new(&a->sw, &sc, NULL);
  if (rv) {
    fprintf(stderr, "vl2-switch: cannot create the switch: %s\n",
            vl2_strerror(rv));
    sw_config_free(&nc);
    return 1;
  }
  a->nports = nc.max_ports;
  a->ports = xcalloc(a->nports, sizeof *a->ports);
  a->dirty = xcalloc((size_t)a->nports + 1, sizeof *a->dirty);
  a->dests_cap = 1024;
  a->dests = xcalloc(a->dests_cap, sizeof *a->dests);
  a->scratch = xcalloc(1, SLOT);

  sigset_t ss;
  sigemptyset(&ss);
  sigaddset(&ss, SIGINT);
  sigaddset(&ss, SIGTERM);
  sigaddset(&ss, SIGHUP);
  sigprocmask(SIG_BLOCK, &ss, NULL);
  signal(SIGPIPE, SIG_IGN);
  a->ep = epoll_create1(EPOLL_CLOEXEC);
  a->sigfd = signalfd(-1, &ss, SFD_NONBLOCK | SFD_CLOEXEC);
  if (a->ep < 0 || a->sigfd < 0 || ep_add(a, a->sigfd, K_SIG, 0)) {
    fprintf(stderr, "vl2-switch: epoll/signalfd: %s\n", strerror(errno));
    shutdown_all(a);
    return 1;
  }
  if (control_open(a, err, sizeof err)) {
    fprintf(stderr, "vl2-switch: %s\n", err);
    a->lfd = a->lfd >= 0 ? (close(a->lfd), -1) : -1;
    shutdown_all(a);
    sw_config_free(&nc);
    return 1;
  }
  /* Start-up is a reload against an empty configuration; any error undoes
   * everything (closing the ports removes the TAPs we created). */
  if (apply(a, &nc, err, sizeof err)) {
    fprintf(stderr, "vl2-switch: start-up failed, undoing it: %s\n", err);
    sw_config_free(&nc);
    shutdown_all(a);
    return 1;
  }
  logm(L_INFO, "running: %s, control socket %s",
       a->cfg_path ? a->cfg_path : "built-in configuration", a->ctl_path);
  if (!foreground) {
    if (!log_syslog) {
      log_syslog = true;
      openlog("vl2-switch", LOG_PID, LOG_DAEMON);
    }
    if (daemon(1, 0)) {
      logm(L_ERR, "daemon: %s", strerror(errno));
      shutdown_all(a);
      return 1;
    }
  }
  run(a);
  shutdown_all(a);
  logm(L_INFO, "stopped");
  return 0;
}
