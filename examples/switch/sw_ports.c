/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * vl2-switch's ports: a TAP (created, or attached when it exists) or an
 * AF_PACKET socket on an existing interface, in our network namespace or
 * in the one the port names (netns), registered with epoll and added to
 * the switch with its VLANs; closing undoes all of it.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vl2/af_packet.h>
#include <vl2/tap.h>

#include "sw_app.h"

void port_cfg_copy(sw_port_cfg *dst, const sw_port_cfg *src) {
  *dst = *src;
  dst->vlans = xcalloc(src->vlan_cnt, sizeof *dst->vlans);
  memcpy(dst->vlans, src->vlans, src->vlan_cnt * sizeof *dst->vlans);
}

int port_switch_add(app *a, port_rt *p, const sw_config *c, char *err,
                    size_t errlen) {
  vl2_port_config pc;
  vl2_port_config_default(&pc, p->cfg.mode);
  pc.pvid = p->cfg.pvid;
  pc.flags = p->cfg.flags;
  pc.max_macs = port_limit(a, p->cfg.max_macs, c);
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

void port_close(app *a, port_rt *p) {
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

/* Enter the network namespace at |path|; |*home| keeps ours for
 * netns_leave(). */
static int netns_enter(const char *path, int *home, char *err, size_t errlen) {
  int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  if (self < 0) {
    snprintf(err, errlen, "netns: /proc/self/ns/net: %s", strerror(errno));
    return -1;
  }
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0 || setns(fd, CLONE_NEWNET)) {
    int e = errno;
    snprintf(err, errlen, "netns %s: %s%s", path, strerror(e),
             e == EPERM ? " (entering a namespace needs CAP_SYS_ADMIN)" : "");
    if (fd >= 0)
      close(fd);
    close(self);
    return -1;
  }
  close(fd);
  *home = self;
  return 0;
}

/* Back to our own namespace; not being able to is fatal (everything
 * after would be created in the wrong one). */
static void netns_leave(int home) {
  if (setns(home, CLONE_NEWNET)) {
    logm(L_ERR, "cannot return to our network namespace: %s; exiting",
         strerror(errno));
    exit(1);
  }
  close(home);
}

int port_open(app *a, const sw_port_cfg *pc, const sw_config *c, char *err,
              size_t errlen) {
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
  /* A port in another network namespace is opened from inside it (the
   * TAP is created there, or found there again after a restart; the
   * packet socket binds there); its descriptor works from anywhere. */
  int home = -1;
  if (pc->netns[0] && netns_enter(pc->netns, &home, err, errlen)) {
    free(p->cfg.vlans);
    memset(p, 0, sizeof *p);
    return -1;
  }
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
  if (home >= 0)
    netns_leave(home);
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
  logm(L_INFO, "port %s (id %u, %s%s%s%s) %s, %s %u", pc->name, id,
       pc->type == SW_PORT_TAP ? "tap" : "af_packet",
       pc->type == SW_PORT_TAP ? (p->created ? ", created" : ", attached") : "",
       pc->netns[0] ? " in netns " : "", pc->netns, "up",
       pc->mode == VL2_PORT_ACCESS ? "access VLAN" : "trunk, native", pc->pvid);
  return 0;
}

port_rt *port_by_name(app *a, const char *name) {
  for (uint32_t i = 0; i < a->nports; i++)
    if (a->ports[i].used && strcmp(a->ports[i].cfg.name, name) == 0)
      return &a->ports[i];
  return NULL;
}
