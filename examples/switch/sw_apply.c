/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * vl2-switch's configuration changes: a configuration is applied as a
 * difference against the running one, so start-up is a difference against
 * nothing and a reload (SIGHUP, vl2ctl reload) touches only what changed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vl2/fdb.h>
#include <vl2/neigh.h>

#include "sw_app.h"

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
         strcmp(p->netns, q->netns) == 0 && p->offload == q->offload &&
         p->has_mac == q->has_mac &&
         (!p->has_mac || memcmp(&p->mac, &q->mac, sizeof p->mac) == 0);
}

static bool fdb_same(const sw_fdb_cfg *x, const sw_fdb_cfg *y) {
  return x->vni == y->vni && memcmp(&x->mac, &y->mac, sizeof x->mac) == 0 &&
         x->remote == y->remote &&
         (x->remote ? memcmp(&x->addr, &y->addr, sizeof x->addr) == 0
                    : strcmp(x->port, y->port) == 0);
}

int fdb_apply(app *a, const sw_fdb_cfg *f, char *err, size_t errlen) {
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

/* The max_macs to give the core for a port or segment whose own limit is
 * |own| under configuration |c|: its own; else the 'limits' default. The
 * core's default is the one of start-up, so a default changed by a reload
 * is given explicitly (UINT32_MAX for "none"). */
static uint32_t eff_limit(uint32_t own, uint32_t dflt, uint32_t at_start) {
  if (own)
    return own;
  if (dflt == at_start)
    return 0;
  return dflt ? dflt : UINT32_MAX;
}

uint32_t port_limit(const app *a, uint32_t own, const sw_config *c) {
  return eff_limit(own, c->max_macs_per_port, a->start_port_limit);
}

uint32_t seg_limit(const app *a, uint32_t own, const sw_config *c) {
  return eff_limit(own, c->max_macs_per_segment, a->start_seg_limit);
}

/* What only a restart changes (the per-port and per-segment defaults
 * are applied by a reload, see eff_limit()). */
static bool limits_same(const sw_config *x, const sw_config *y) {
  return x->max_ports == y->max_ports && x->max_segments == y->max_segments &&
         x->max_remotes == y->max_remotes && x->max_fdb == y->max_fdb &&
         x->max_neigh == y->max_neigh && x->ageing_s == y->ageing_s &&
         x->max_macs_per_remote == y->max_macs_per_remote &&
         x->move_threshold == y->move_threshold &&
         x->move_window_s == y->move_window_s &&
         x->move_holddown_s == y->move_holddown_s;
}

/* Make the running switch match |nc| (already validated), changing only
 * what differs from a->cfg. Takes ownership of |nc|. Returns the number of
 * errors (each logged; the first also in |err|). */
int apply(app *a, sw_config *nc, char *err, size_t errlen) {
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
    nc->max_neigh = oc->max_neigh;
    nc->ageing_s = oc->ageing_s;
    nc->max_macs_per_remote = oc->max_macs_per_remote;
    nc->move_threshold = oc->move_threshold;
    nc->move_window_s = oc->move_window_s;
    nc->move_holddown_s = oc->move_holddown_s;
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
    } else if (p->cfg.flags != np->flags || p->cfg.max_macs != np->max_macs ||
               oc->max_macs_per_port != nc->max_macs_per_port) {
      vl2_port_config pc;
      vl2_port_config_default(&pc, np->mode);
      pc.pvid = np->pvid;
      pc.flags = np->flags;
      pc.max_macs = port_limit(a, np->max_macs, nc);
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
  if (!underlay_same(oc, nc) || (nc->underlay && !a->udp && !a->gnv)) {
    underlay_close(a);
    if (underlay_open(a, nc, e, sizeof e))
      NOTE_ERR();
  }

  /* 3. segments */
  for (size_t i = 0; i < oc->seg_cnt; i++) {
    uint32_t vni = oc->segs[i].vni;
    const sw_seg_cfg *ns = sw_config_seg(nc, vni);
    if (oc->segs[i].evpn && (!ns || !ns->evpn))
      evpn_seg_del(a, vni);
    if (ns)
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
    vl2_segment_config sc = {.flags = s->flags,
                             .max_macs = seg_limit(a, s->max_macs, nc)};
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
      r->encap = s->encap;
      logm(L_INFO, "segment %u (VLAN %u) added", s->vni, s->vlan);
    } else if (o && (o->flags != s->flags || o->max_macs != s->max_macs ||
                     oc->max_macs_per_segment != nc->max_macs_per_segment)) {
      int rv = vl2_switch_segment_set(a->sw, s->vni, &sc);
      if (rv) {
        snprintf(e, sizeof e, "segment %u: %s", s->vni, vl2_strerror(rv));
        NOTE_ERR();
      }
    }
    r->encap = s->encap;
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
    /* EVPN: the mirror objects; the flood list, remote MACs and
     * neighbours come from the fabric from now on. */
    if (s->evpn && evpn_seg_add(a, nc, s->vni, e, sizeof e))
      NOTE_ERR();
  }

  a->n_geneve_segs = 0;
  for (size_t i = 0; i < a->nsegs; i++)
    a->n_geneve_segs += a->segs[i].encap == SW_ENCAP_GENEVE;

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
  /* 6. storm control and snooping, for every port and segment */
  {
    int me = mcast_apply(a, nc, e, sizeof e);
    if (me && errors == 0)
      snprintf(err, errlen, "%s", e);
    errors += me;
  }
#undef NOTE_ERR
  sw_config_free(oc);
  *oc = *nc;
  memset(nc, 0, sizeof *nc);
  return errors;
}

int reload(app *a, char *err, size_t errlen) {
  sw_config nc;
  a->reloads++;
  /* systemd: reloading until READY=1 (MONOTONIC_USEC for notify-reload) */
  service_notify("RELOADING=1\nMONOTONIC_USEC=%llu",
                 (unsigned long long)(now_ns() / 1000));
  if (sw_config_load(a->cfg_path, &nc, err, errlen)) {
    a->reload_failures++;
    logm(L_ERR, "reload refused, keeping the running configuration: %s", err);
    service_notify("READY=1\nSTATUS=reload refused: %s", err);
    return -1;
  }
  int n = apply(a, &nc, err, errlen);
  if (n) {
    a->reload_failures++;
    logm(L_ERR, "reload applied with %d error(s)", n);
    service_notify("READY=1\nSTATUS=reload applied with %d error(s): %s", n,
                   err);
    return -1;
  }
  logm(L_INFO, "configuration reloaded from %s",
       a->cfg_path ? a->cfg_path : "(built-in)");
  service_notify("READY=1\nSTATUS=running, configuration reloaded");
  return 0;
}
