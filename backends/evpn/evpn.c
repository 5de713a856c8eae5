/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * libvl2-evpn: the EVPN adapter's I/O (netlink through libnl-route-3).
 *
 * Where it fits: creates and removes the mirror objects, reads the
 * netlink sockets, hands neighbour messages to evpn_classify.c and applies
 * its calls to the switch; writes local MACs and neighbours for zebra.
 * No threads: the event socket is non-blocking and polled by the caller.
 */
#include <vl2/evpn.h>

#include <errno.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/addr.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/link/inet6.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/link/vxlan.h>
#include <netlink/route/neighbour.h>
#include <netlink/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <vl2/fdb.h>
#include <vl2/neigh.h>

#include "evpn_classify.h"
#include "vl2_stats.h"

#ifndef AF_BRIDGE
#define AF_BRIDGE 7
#endif

enum { OBJ_BR, OBJ_VX, OBJ_MP, OBJ_MQ, OBJ_N };

typedef struct ev_seg {
  uint32_t vni;
  uint8_t lost; /* a mirror object vanished: re-create */
  uint8_t reserved[3];
  int ifx[OBJ_N];
  char name[OBJ_N][IFNAMSIZ];
} ev_seg;

struct vl2_evpn {
  vl2_mem mem;
  vl2_evpn_config cfg;
  vl2_switch *sw;
  struct nl_sock *ev_sk; /* RTNLGRP_NEIGH + RTNLGRP_LINK, non-blocking */
  struct nl_sock *rq_sk; /* requests and dumps */
  struct nl_cb *dump_cb;
  struct nl_cb *ev_cb; /* the event socket's callbacks (a reference) */
  evc_state st;
  ev_seg *segs; /* [max_segments] */
  vl2_evpn_stats s;
  uint8_t need_resync;
  uint8_t need_recreate;
  int fake_ifindex; /* offline mode */
};

static int offline(const vl2_evpn *ev) {
  return (ev->cfg.flags & VL2_EVPN_F_OFFLINE) != 0;
}

/* libnl's errors as -errno (the backends' convention for OS failures). */
static int nlerr(int e) {
  switch (-e) {
  case NLE_EXIST:
    return -EEXIST;
  case NLE_OBJ_NOTFOUND:
    return -ENOENT;
  case NLE_NOMEM:
    return -ENOMEM;
  case NLE_PERM:
    return -EPERM;
  case NLE_BUSY:
    return -EBUSY;
  case NLE_INVAL:
    return -EINVAL;
  case NLE_NODEV:
    return -ENODEV;
  case NLE_OPNOTSUPP:
    return -EOPNOTSUPP;
  default:
    return -EIO;
  }
}

/* ------------------------------------------------------------------ */
/* Applying the classifier's calls to the switch                        */

static void apply(void *ctx, const evc_call *c) {
  vl2_evpn *ev = ctx;
  vl2_switch *sw = ev->sw;
  int rv = 0;
  switch (c->kind) {
  case EVC_FLOOD_ADD:
    rv = vl2_switch_remote_add(sw, c->vni, &c->vtep);
    if (rv == 0)
      ev->s.flood_adds++;
    else if (rv == VL2_ERR_EXISTS)
      rv = 0;
    break;
  case EVC_FLOOD_DEL:
    rv = vl2_switch_remote_del(sw, c->vni, &c->vtep);
    if (rv == 0)
      ev->s.flood_dels++;
    else if (rv == VL2_ERR_NOTFOUND)
      rv = 0;
    break;
  case EVC_MAC_ADD: {
    vl2_fdb_entry e;
    memset(&e, 0, sizeof(e));
    e.vni = c->vni;
    e.mac = c->mac;
    e.flags = VL2_FDB_F_REMOTE | VL2_FDB_F_EVPN;
    e.port = VL2_PORT_REMOTE;
    e.remote = c->vtep;
    rv = vl2_fdb_add_static(sw, &e);
    if (rv == 0)
      ev->s.mac_adds++;
    break;
  }
  case EVC_MAC_DEL: {
    vl2_fdb_entry e;
    memset(&e, 0, sizeof(e));
    e.vni = c->vni;
    e.mac = c->mac;
    e.flags = VL2_FDB_F_REMOTE | VL2_FDB_F_EVPN;
    e.remote = c->vtep;
    rv = vl2_fdb_del_if(sw, &e);
    if (rv == 0)
      ev->s.mac_dels++;
    else if (rv == VL2_FDB_KEPT || rv == VL2_ERR_NOTFOUND)
      ev->s.mac_kept++, rv = 0;
    break;
  }
  case EVC_NEIGH_ADD: {
    vl2_neigh_entry n;
    memset(&n, 0, sizeof(n));
    n.vni = c->vni;
    n.ip = c->ip;
    n.mac = c->mac;
    n.port = VL2_PORT_REMOTE;
    n.flags = VL2_NEIGH_F_EVPN;
    rv = vl2_neigh_add_static(sw, &n);
    if (rv == 0)
      ev->s.neigh_adds++;
    break;
  }
  case EVC_NEIGH_DEL: {
    vl2_neigh_entry n;
    if (vl2_neigh_lookup(sw, c->vni, &c->ip, &n, 0) == 0 &&
        (n.flags & VL2_NEIGH_F_EVPN) &&
        memcmp(&n.mac, &c->mac, sizeof(n.mac)) == 0 &&
        vl2_neigh_del(sw, c->vni, &c->ip) == 0)
      ev->s.neigh_dels++;
    break;
  }
  default:
    break;
  }
  if (rv != 0)
    ev->s.core_errors++;
}

/* ------------------------------------------------------------------ */
/* Kernel writes                                                        */

static struct nl_addr *ip_addr(const vl2_ipaddr *ip) {
  return nl_addr_build(ip->family == VL2_AF_INET ? AF_INET : AF_INET6, ip->addr,
                       ip->family == VL2_AF_INET ? 4 : 16);
}

static ev_seg *seg_find(vl2_evpn *ev, uint32_t vni) {
  for (uint32_t i = 0; i < ev->cfg.max_segments; i++)
    if (ev->segs[i].vni == vni && vni != 0)
      return &ev->segs[i];
  return NULL;
}

/* Write (or delete) a local MAC as a master extern_learn entry on the
 * mirror port: zebra advertises it (type-2). */
static void write_mac(vl2_evpn *ev, const ev_seg *seg, const vl2_mac *mac,
                      int add) {
  if (add)
    ev->s.local_mac_writes++;
  else
    ev->s.local_mac_dels++;
  if (offline(ev))
    return;
  struct rtnl_neigh *n = rtnl_neigh_alloc();
  struct nl_addr *ll = nl_addr_build(AF_LLC, mac->b, 6);
  int rv = -NLE_NOMEM;
  if (n != NULL && ll != NULL) {
    rtnl_neigh_set_family(n, AF_BRIDGE);
    rtnl_neigh_set_ifindex(n, seg->ifx[OBJ_MP]);
    rtnl_neigh_set_lladdr(n, ll);
    rtnl_neigh_set_flags(n, NTF_MASTER | (add ? NTF_EXT_LEARNED : 0));
    rtnl_neigh_set_state(n, NUD_REACHABLE);
    rv = add ? rtnl_neigh_add(ev->rq_sk, n, NLM_F_CREATE | NLM_F_REPLACE)
             : rtnl_neigh_delete(ev->rq_sk, n, 0);
  }
  /* Deleting what is gone (moved to the vxlan port) is no error. */
  if (rv < 0 && (add || rv != -NLE_OBJ_NOTFOUND))
    ev->s.kernel_errors++;
  nl_addr_put(ll);
  rtnl_neigh_put(n);
}

/* Write (or delete) a local neighbour as a NOARP entry on the bridge:
 * zebra advertises it (type-2 MAC/IP). */
static void write_neigh(vl2_evpn *ev, const ev_seg *seg, const vl2_ipaddr *ip,
                        const vl2_mac *mac, int add) {
  if (ip->family != VL2_AF_INET && ip->family != VL2_AF_INET6)
    return;
  if (add)
    ev->s.local_neigh_writes++;
  else
    ev->s.local_neigh_dels++;
  if (offline(ev))
    return;
  struct rtnl_neigh *n = rtnl_neigh_alloc();
  struct nl_addr *dst = ip_addr(ip);
  struct nl_addr *ll = mac != NULL ? nl_addr_build(AF_LLC, mac->b, 6) : NULL;
  int rv = -NLE_NOMEM;
  if (n != NULL && dst != NULL && (ll != NULL || mac == NULL)) {
    rtnl_neigh_set_family(n, ip->family == VL2_AF_INET ? AF_INET : AF_INET6);
    rtnl_neigh_set_ifindex(n, seg->ifx[OBJ_BR]);
    rtnl_neigh_set_dst(n, dst);
    if (ll != NULL)
      rtnl_neigh_set_lladdr(n, ll);
    rtnl_neigh_set_state(n, NUD_NOARP);
    rv = add ? rtnl_neigh_add(ev->rq_sk, n, NLM_F_CREATE | NLM_F_REPLACE)
             : rtnl_neigh_delete(ev->rq_sk, n, 0);
  }
  if (rv < 0 && (add || rv != -NLE_OBJ_NOTFOUND))
    ev->s.kernel_errors++;
  nl_addr_put(ll);
  nl_addr_put(dst);
  rtnl_neigh_put(n);
}

/* Write every local MAC and neighbour of the switch's served segments
 * again (after a dump, or when the mirror was re-created). */
static void rewrite_local(vl2_evpn *ev, vl2_tstamp now) {
  uint64_t cur = 0;
  vl2_fdb_entry e;
  while (vl2_fdb_next(ev->sw, &cur, &e, now)) {
    ev_seg *seg = seg_find(ev, e.vni);
    if (seg != NULL && !(e.flags & (VL2_FDB_F_REMOTE | VL2_FDB_F_EVPN)))
      write_mac(ev, seg, &e.mac, 1);
  }
  cur = 0;
  vl2_neigh_entry n;
  while (vl2_neigh_next(ev->sw, &cur, &n, now)) {
    ev_seg *seg = seg_find(ev, n.vni);
    if (seg != NULL && !(n.flags & VL2_NEIGH_F_EVPN) &&
        n.port != VL2_PORT_REMOTE && n.state != VL2_NEIGH_INCOMPLETE &&
        n.state != VL2_NEIGH_FAILED)
      write_neigh(ev, seg, &n.ip, &n.mac, 1);
  }
}

/* ------------------------------------------------------------------ */
/* Mirror objects                                                       */

static int link_index(vl2_evpn *ev, const char *name) {
  struct rtnl_link *l = NULL;
  if (rtnl_link_get_kernel(ev->rq_sk, 0, name, &l) < 0)
    return 0;
  int i = rtnl_link_get_ifindex(l);
  rtnl_link_put(l);
  return i;
}

static void link_delete(vl2_evpn *ev, const char *name) {
  struct rtnl_link *l = NULL;
  if (rtnl_link_get_kernel(ev->rq_sk, 0, name, &l) < 0)
    return;
  rtnl_link_delete(ev->rq_sk, l);
  rtnl_link_put(l);
}

static int link_add(vl2_evpn *ev, struct rtnl_link *l) {
  int rv = rtnl_link_add(ev->rq_sk, l, NLM_F_CREATE | NLM_F_EXCL);
  rtnl_link_put(l);
  return rv < 0 ? nlerr(rv) : 0;
}

/* Bridge-port learning off (`bridge link set dev X learning off`). */
static int port_nolearn(vl2_evpn *ev, int ifindex) {
  struct rtnl_link *l = rtnl_link_alloc();
  if (l == NULL)
    return -ENOMEM;
  rtnl_link_set_family(l, AF_BRIDGE);
  rtnl_link_set_ifindex(l, ifindex);
  rtnl_link_bridge_unset_flags(l, RTNL_BRIDGE_LEARNING);
  int rv = rtnl_link_change(ev->rq_sk, l, l, 0);
  rtnl_link_put(l);
  return rv < 0 ? nlerr(rv) : 0;
}

/* No IPv6 link-local address, so the idle mirror sends nothing (router
 * solicitations, MLD). Best effort: the kernel refuses it where IPv6 is
 * disabled, and then nothing is sent anyway. Not settable at creation. */
static void link_no_ipv6(vl2_evpn *ev, int ifindex) {
  struct rtnl_link *l = rtnl_link_alloc();
  if (l == NULL)
    return;
  rtnl_link_set_ifindex(l, ifindex);
  rtnl_link_inet6_set_addr_gen_mode(l, IN6_ADDR_GEN_MODE_NONE);
  rtnl_link_change(ev->rq_sk, l, l, 0);
  rtnl_link_put(l);
}

/* Multicast snooping off on the mirror bridge (`ip link set BR type
 * bridge mcast_snooping 0`), before it goes up. With snooping on, a Linux
 * bridge joins the all-snoopers groups 224.0.0.106 and ff02::6a (RFC 4286)
 * when it comes up, and its own IP stack sends unsolicited IGMPv3 (and
 * MLDv2) reports for them, twice within about a second. With no querier
 * the bridge floods them to its ports, and the mirror vxlan device sends
 * them to every VTEP zebra has put in its flood list by then: the "idle"
 * mirror carried packets whenever BGP converged before the reports were
 * due. The mirror forwards nothing, so snooping has nothing to do there.
 * libnl-route-3.7 has no setter for a bridge's own attributes: the
 * message is built with libnl's core. */
static int bridge_no_snooping(vl2_evpn *ev, int ifindex) {
  struct ifinfomsg ifi;
  memset(&ifi, 0, sizeof(ifi));
  ifi.ifi_family = AF_UNSPEC;
  ifi.ifi_index = ifindex;
  struct nl_msg *msg = nlmsg_alloc_simple(RTM_NEWLINK, 0);
  if (msg == NULL)
    return -ENOMEM;
  struct nlattr *info = NULL, *data = NULL;
  if (nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
      (info = nla_nest_start(msg, IFLA_LINKINFO)) == NULL ||
      nla_put_string(msg, IFLA_INFO_KIND, "bridge") < 0 ||
      (data = nla_nest_start(msg, IFLA_INFO_DATA)) == NULL ||
      nla_put_u8(msg, IFLA_BR_MCAST_SNOOPING, 0) < 0) {
    nlmsg_free(msg);
    return -ENOMEM;
  }
  nla_nest_end(msg, data);
  nla_nest_end(msg, info);
  int rv = nl_send_sync(ev->rq_sk, msg); /* frees msg */
  return rv < 0 ? nlerr(rv) : 0;
}

static int link_up(vl2_evpn *ev, int ifindex, int master) {
  struct rtnl_link *l = rtnl_link_alloc();
  if (l == NULL)
    return -ENOMEM;
  if (master >= 0)
    link_no_ipv6(ev, ifindex);
  rtnl_link_set_ifindex(l, ifindex);
  if (master > 0)
    rtnl_link_set_master(l, master);
  rtnl_link_set_flags(l, IFF_UP);
  int rv = rtnl_link_change(ev->rq_sk, l, l, 0);
  rtnl_link_put(l);
  return rv < 0 ? nlerr(rv) : 0;
}

static void mirror_remove(vl2_evpn *ev, ev_seg *seg) {
  if (offline(ev))
    return;
  /* The vxlan device first: zebra withdraws the VNI's routes. */
  link_delete(ev, seg->name[OBJ_VX]);
  link_delete(ev, seg->name[OBJ_MP]); /* takes its peer with it */
  link_delete(ev, seg->name[OBJ_BR]);
}

static int mirror_create(vl2_evpn *ev, ev_seg *seg) {
  if (offline(ev)) {
    for (int i = 0; i < OBJ_N; i++)
      seg->ifx[i] = ++ev->fake_ifindex;
    return 0;
  }
  mirror_remove(ev, seg); /* leftovers of a crash */
  const vl2_ipaddr *loc = &ev->cfg.local;
  int rv;
  /* The bridge, with a fixed MAC: a changing bridge MAC makes the kernel
   * flush every neighbour on it. Locally administered, unique per host
   * (the low bytes of the VTEP address) and per VNI. */
  struct rtnl_link *br = rtnl_link_alloc();
  if (br == NULL)
    return -ENOMEM;
  rtnl_link_set_type(br, "bridge");
  rtnl_link_set_name(br, seg->name[OBJ_BR]);
  unsigned al = loc->family == VL2_AF_INET ? 4 : 16;
  uint8_t mac[6] = {0x02,
                    loc->addr[al - 3],
                    loc->addr[al - 2],
                    loc->addr[al - 1],
                    (uint8_t)(seg->vni >> 8),
                    (uint8_t)seg->vni};
  struct nl_addr *ma = nl_addr_build(AF_LLC, mac, 6);
  rtnl_link_set_addr(br, ma);
  nl_addr_put(ma);
  if ((rv = link_add(ev, br)) < 0)
    goto fail;
  seg->ifx[OBJ_BR] = link_index(ev, seg->name[OBJ_BR]);

  /* The idle veth pair: the mirror port and its peer. */
  struct rtnl_link *ve = rtnl_link_veth_alloc();
  if (ve == NULL) {
    rv = -ENOMEM;
    goto fail;
  }
  rtnl_link_set_name(ve, seg->name[OBJ_MP]);
  struct rtnl_link *peer = rtnl_link_veth_get_peer(ve);
  rtnl_link_set_name(peer, seg->name[OBJ_MQ]);
  rtnl_link_put(peer);
  if ((rv = link_add(ev, ve)) < 0)
    goto fail;
  seg->ifx[OBJ_MP] = link_index(ev, seg->name[OBJ_MP]);
  seg->ifx[OBJ_MQ] = link_index(ev, seg->name[OBJ_MQ]);

  /* The vxlan device: the VNI, local = the VTEP, no learning, and a UDP
   * port that is not the data port. */
  struct rtnl_link *vx = rtnl_link_vxlan_alloc();
  if (vx == NULL) {
    rv = -ENOMEM;
    goto fail;
  }
  rtnl_link_set_name(vx, seg->name[OBJ_VX]);
  rtnl_link_vxlan_set_id(vx, seg->vni);
  struct nl_addr *la = ip_addr(loc);
  rtnl_link_vxlan_set_local(vx, la);
  nl_addr_put(la);
  rtnl_link_vxlan_set_learning(vx, 0);
  rtnl_link_vxlan_set_port(vx, ev->cfg.mirror_dstport);
  if ((rv = link_add(ev, vx)) < 0)
    goto fail;
  seg->ifx[OBJ_VX] = link_index(ev, seg->name[OBJ_VX]);
  for (int i = 0; i < OBJ_N; i++)
    if (seg->ifx[i] <= 0) {
      rv = -ENODEV;
      goto fail;
    }

  if ((rv = bridge_no_snooping(ev, seg->ifx[OBJ_BR])) < 0 ||
      (rv = link_up(ev, seg->ifx[OBJ_MP], seg->ifx[OBJ_BR])) < 0 ||
      (rv = link_up(ev, seg->ifx[OBJ_VX], seg->ifx[OBJ_BR])) < 0 ||
      (rv = port_nolearn(ev, seg->ifx[OBJ_MP])) < 0 ||
      (rv = port_nolearn(ev, seg->ifx[OBJ_VX])) < 0 ||
      (rv = link_up(ev, seg->ifx[OBJ_MQ], 0)) < 0 ||
      (rv = link_up(ev, seg->ifx[OBJ_BR], 0)) < 0)
    goto fail;
  return 0;
fail:
  ev->s.kernel_errors++;
  mirror_remove(ev, seg);
  return rv;
}

/* ------------------------------------------------------------------ */
/* Input                                                                */

static void on_link(vl2_evpn *ev, struct nlmsghdr *nlh) {
  if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg)))
    return;
  const struct ifinfomsg *ifi = nlmsg_data(nlh);
  for (uint32_t i = 0; i < ev->cfg.max_segments; i++) {
    ev_seg *seg = &ev->segs[i];
    if (seg->vni == 0)
      continue;
    for (int o = 0; o < OBJ_N; o++) {
      if (seg->ifx[o] != ifi->ifi_index)
        continue;
      if (nlh->nlmsg_type == RTM_DELLINK && ifi->ifi_family == AF_UNSPEC) {
        seg->lost = 1;
        ev->need_recreate = 1;
      } else if (nlh->nlmsg_type == RTM_NEWLINK && !(ifi->ifi_flags & IFF_UP)) {
        /* A mirror object set down: zebra would withdraw the VNI. */
        link_up(ev, ifi->ifi_index, -1);
      }
    }
  }
}

static void handle_nlmsg(vl2_evpn *ev, struct nlmsghdr *nlh) {
  ev->s.msgs++;
  switch (nlh->nlmsg_type) {
  case RTM_NEWNEIGH:
  case RTM_DELNEIGH: {
    evc_msg m;
    if (evc_msg_from_nl(nlh, &m) == 0)
      evc_input(&ev->st, &m);
    else
      ev->st.ignored++;
    break;
  }
  case RTM_NEWLINK:
  case RTM_DELLINK:
    if (!offline(ev))
      on_link(ev, nlh);
    ev->st.ignored++;
    break;
  default:
    ev->st.ignored++;
    break;
  }
}

static int on_valid(struct nl_msg *msg, void *arg) {
  handle_nlmsg(arg, nlmsg_hdr(msg));
  return NL_OK;
}

/* ------------------------------------------------------------------ */
/* API                                                                  */

int vl2_evpn_config_default_versioned(int version, vl2_evpn_config *cfg) {
  if (cfg == NULL)
    return VL2_ERR_INVALID;
  if (version != VL2_EVPN_CONFIG_V1)
    return VL2_ERR_VERSION;
  memset(cfg, 0, sizeof(*cfg));
  cfg->mirror_dstport = VL2_EVPN_MIRROR_DSTPORT;
  cfg->max_segments = 256;
  cfg->max_vteps = 1024;
  cfg->max_macs = 65536;
  cfg->max_neigh = 65536;
  memcpy(cfg->name_prefix, "vl2", 4);
  return 0;
}

static int prefix_ok(const char *p) {
  size_t n = strnlen(p, sizeof(((vl2_evpn_config *)0)->name_prefix));
  if (n == 0 || n > 6)
    return 0;
  for (size_t i = 0; i < n; i++)
    if (!((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= '0' && p[i] <= '9') ||
          p[i] == '-'))
      return 0;
  return 1;
}

static int sock_open(struct nl_sock **psk) {
  struct nl_sock *sk = nl_socket_alloc();
  if (sk == NULL)
    return -ENOMEM;
  int rv = nl_connect(sk, NETLINK_ROUTE);
  if (rv < 0) {
    nl_socket_free(sk);
    return nlerr(rv);
  }
  *psk = sk;
  return 0;
}

void vl2_evpn_del(vl2_evpn *ev) {
  if (ev == NULL)
    return;
  if (ev->segs != NULL)
    for (uint32_t i = 0; i < ev->cfg.max_segments; i++)
      if (ev->segs[i].vni != 0)
        mirror_remove(ev, &ev->segs[i]);
  evc_fini(&ev->st);
  if (ev->dump_cb != NULL)
    nl_cb_put(ev->dump_cb);
  if (ev->ev_cb != NULL)
    nl_cb_put(ev->ev_cb);
  if (ev->ev_sk != NULL)
    nl_socket_free(ev->ev_sk);
  if (ev->rq_sk != NULL)
    nl_socket_free(ev->rq_sk);
  ev->mem.free(ev->segs, ev->mem.user_data);
  vl2_mem m = ev->mem;
  m.free(ev, m.user_data);
}

int vl2_evpn_new_versioned(vl2_evpn **pev, int version,
                           const vl2_evpn_config *cfg, vl2_switch *sw,
                           const vl2_mem *mem) {
  if (pev == NULL || cfg == NULL || sw == NULL)
    return VL2_ERR_INVALID;
  *pev = NULL;
  if (version != VL2_EVPN_CONFIG_V1)
    return VL2_ERR_VERSION;
  if ((cfg->local.family != VL2_AF_INET && cfg->local.family != VL2_AF_INET6) ||
      !prefix_ok(cfg->name_prefix) || cfg->max_segments == 0 ||
      cfg->max_vteps == 0 || cfg->max_macs == 0 || cfg->max_neigh == 0 ||
      cfg->mirror_dstport == 0 || cfg->reserved0 != 0 ||
      cfg->rcvbuf > (1u << 30) || (cfg->flags & ~VL2_EVPN_F_OFFLINE) != 0)
    return VL2_ERR_INVALID;
  for (size_t i = 0; i < sizeof(cfg->reserved) / sizeof(cfg->reserved[0]); i++)
    if (cfg->reserved[i] != 0)
      return VL2_ERR_INVALID;
  const vl2_mem *m = mem != NULL ? mem : vl2_mem_default();
  vl2_evpn *ev = m->calloc(1, sizeof(*ev), m->user_data);
  if (ev == NULL)
    return VL2_ERR_NOMEM;
  ev->mem = *m;
  ev->cfg = *cfg;
  ev->sw = sw;
  evc_limits lim = {cfg->max_segments, cfg->max_vteps, cfg->max_macs,
                    cfg->max_neigh};
  int rv = evc_init(&ev->st, m, &lim, apply, ev);
  ev->segs = m->calloc(cfg->max_segments, sizeof(*ev->segs), m->user_data);
  if (rv != 0 || ev->segs == NULL) {
    vl2_evpn_del(ev);
    return VL2_ERR_NOMEM;
  }
  if (!offline(ev)) {
    if ((rv = sock_open(&ev->rq_sk)) < 0 || (rv = sock_open(&ev->ev_sk)) < 0) {
      vl2_evpn_del(ev);
      return rv;
    }
    nl_socket_disable_seq_check(ev->ev_sk);
    nl_socket_modify_cb(ev->ev_sk, NL_CB_VALID, NL_CB_CUSTOM, on_valid, ev);
    /* Room for bursts (zebra writes thousands of entries at once); an
     * overrun still costs only a resync. */
    nl_socket_set_buffer_size(ev->ev_sk,
                              cfg->rcvbuf != 0 ? (int)cfg->rcvbuf : 4 << 20, 0);
    if ((rv = nl_socket_add_memberships(ev->ev_sk, RTNLGRP_NEIGH, RTNLGRP_LINK,
                                        0)) < 0 ||
        (rv = nl_socket_set_nonblocking(ev->ev_sk)) < 0) {
      vl2_evpn_del(ev);
      return nlerr(rv);
    }
    ev->dump_cb = nl_cb_alloc(NL_CB_DEFAULT);
    if (ev->dump_cb == NULL) {
      vl2_evpn_del(ev);
      return VL2_ERR_NOMEM;
    }
    nl_cb_set(ev->dump_cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, ev);
    ev->ev_cb = nl_socket_get_cb(ev->ev_sk); /* taken once, put at del */
  }
  *pev = ev;
  return 0;
}

static int dump_family(vl2_evpn *ev, uint8_t family) {
  struct ndmsg ndm;
  memset(&ndm, 0, sizeof(ndm));
  ndm.ndm_family = family;
  int rv =
      nl_send_simple(ev->rq_sk, RTM_GETNEIGH, NLM_F_DUMP, &ndm, sizeof(ndm));
  if (rv < 0)
    return nlerr(rv);
  rv = nl_recvmsgs(ev->rq_sk, ev->dump_cb);
  return rv < 0 ? nlerr(rv) : 0;
}

int vl2_evpn_resync(vl2_evpn *ev, vl2_tstamp now) {
  if (ev == NULL)
    return VL2_ERR_INVALID;
  ev->need_resync = 0;
  ev->s.resyncs++;
  if (offline(ev)) {
    rewrite_local(ev, now);
    return 0;
  }
  evc_dump_begin(&ev->st);
  int rv = dump_family(ev, AF_BRIDGE);
  if (rv == 0)
    rv = dump_family(ev, AF_INET);
  if (rv == 0)
    rv = dump_family(ev, AF_INET6);
  if (rv < 0) {
    /* An incomplete dump must not remove what it did not see: keep the
     * state and try again on the next vl2_evpn_process(). */
    ev->st.dumping = 0;
    ev->need_resync = 1;
    ev->s.kernel_errors++;
    return rv;
  }
  evc_dump_end(&ev->st);
  rewrite_local(ev, now);
  return 0;
}

int vl2_evpn_segment_add(vl2_evpn *ev, uint32_t vni, vl2_tstamp now) {
  if (ev == NULL || vni == 0 || vni > VL2_VNI_MAX)
    return VL2_ERR_INVALID;
  if (seg_find(ev, vni) != NULL)
    return VL2_ERR_EXISTS;
  vl2_segment_stats ss;
  if (vl2_switch_segment_get_stats(ev->sw, vni, &ss) != 0)
    return VL2_ERR_NOTFOUND;
  ev_seg *seg = NULL;
  for (uint32_t i = 0; i < ev->cfg.max_segments && seg == NULL; i++)
    if (ev->segs[i].vni == 0)
      seg = &ev->segs[i];
  if (seg == NULL)
    return VL2_ERR_LIMIT;
  memset(seg, 0, sizeof(*seg));
  static const char kind[OBJ_N] = {'b', 'x', 'p', 'q'};
  for (int o = 0; o < OBJ_N; o++) {
    /* At most 6 + 1 + 8 characters: fits IFNAMSIZ. */
    char name[32];
    snprintf(name, sizeof(name), "%.6s%c%u", ev->cfg.name_prefix, kind[o], vni);
    memcpy(seg->name[o], name, IFNAMSIZ - 1);
  }
  seg->vni = vni;
  int rv = mirror_create(ev, seg);
  if (rv < 0) {
    memset(seg, 0, sizeof(*seg));
    return rv;
  }
  if (evc_seg_add(&ev->st, vni, seg->ifx[OBJ_BR], seg->ifx[OBJ_VX],
                  seg->ifx[OBJ_MP]) == NULL) {
    mirror_remove(ev, seg);
    memset(seg, 0, sizeof(*seg));
    return VL2_ERR_NOMEM;
  }
  rv = vl2_evpn_resync(ev, now);
  return rv < 0 && rv != -EIO ? rv : 0;
}

int vl2_evpn_segment_del(vl2_evpn *ev, uint32_t vni) {
  if (ev == NULL)
    return VL2_ERR_INVALID;
  ev_seg *seg = seg_find(ev, vni);
  evc_seg *cs = evc_seg_find(&ev->st, vni);
  if (seg == NULL || cs == NULL)
    return VL2_ERR_NOTFOUND;
  evc_seg_del(&ev->st, cs, 1);
  mirror_remove(ev, seg);
  memset(seg, 0, sizeof(*seg));
  return 0;
}

int vl2_evpn_segment_ifindex(const vl2_evpn *ev, uint32_t vni, int ifindex[3]) {
  if (ev == NULL || ifindex == NULL)
    return VL2_ERR_INVALID;
  ev_seg *seg = seg_find((vl2_evpn *)ev, vni);
  if (seg == NULL)
    return VL2_ERR_NOTFOUND;
  ifindex[0] = seg->ifx[OBJ_BR];
  ifindex[1] = seg->ifx[OBJ_VX];
  ifindex[2] = seg->ifx[OBJ_MP];
  return 0;
}

int vl2_evpn_get_fd(const vl2_evpn *ev) {
  if (ev == NULL || ev->ev_sk == NULL)
    return -1;
  return nl_socket_get_fd(ev->ev_sk);
}

static void recreate(vl2_evpn *ev) {
  ev->need_recreate = 0;
  for (uint32_t i = 0; i < ev->cfg.max_segments; i++) {
    ev_seg *seg = &ev->segs[i];
    if (seg->vni == 0 || !seg->lost)
      continue;
    seg->lost = 0;
    evc_seg *cs = evc_seg_find(&ev->st, seg->vni);
    /* What zebra wrote went with the objects; it writes it again on the
     * new ones, and the dump after this picks it up. */
    if (cs != NULL)
      evc_seg_clear(&ev->st, cs);
    if (mirror_create(ev, seg) < 0) {
      seg->lost = 1; /* try again on the next call */
      ev->need_recreate = 1;
      continue;
    }
    if (cs != NULL) {
      cs->br = seg->ifx[OBJ_BR];
      cs->vx = seg->ifx[OBJ_VX];
      cs->mp = seg->ifx[OBJ_MP];
    }
    ev->s.recreated++;
    ev->need_resync = 1;
  }
}

vl2_ssize vl2_evpn_process(vl2_evpn *ev, vl2_tstamp now) {
  if (ev == NULL)
    return VL2_ERR_INVALID;
  if (offline(ev))
    return 0;
  uint64_t before = ev->s.msgs;
  /* A bounded number of datagrams per call, so the data path is not
   * starved; the socket stays readable for the rest. */
  for (int i = 0; i < 256; i++) {
    int rv = nl_recvmsgs_report(ev->ev_sk, ev->ev_cb);
    if (rv == 0 || rv == -NLE_AGAIN)
      break;
    if (rv == -NLE_NOMEM) {
      /* ENOBUFS: notifications were lost; only a dump can tell what. */
      ev->s.overruns++;
      ev->need_resync = 1;
      continue;
    }
    if (rv < 0)
      return nlerr(rv);
  }
  if (ev->need_recreate)
    recreate(ev);
  if (ev->need_resync)
    vl2_evpn_resync(ev, now);
  return (vl2_ssize)(ev->s.msgs - before);
}

vl2_ssize vl2_evpn_input(vl2_evpn *ev, const void *msgs, size_t len,
                         vl2_tstamp now) {
  (void)now;
  if (ev == NULL || (msgs == NULL && len > 0))
    return VL2_ERR_INVALID;
  vl2_ssize n = 0;
  const uint8_t *p = msgs;
  while (len >= sizeof(struct nlmsghdr)) {
    struct nlmsghdr h;
    memcpy(&h, p, sizeof(h));
    if (h.nlmsg_len < sizeof(h) || h.nlmsg_len > len)
      return VL2_ERR_MALFORMED;
    /* An aligned private copy: libnl parses in place. */
    void *copy = ev->mem.malloc(h.nlmsg_len, ev->mem.user_data);
    if (copy == NULL)
      return VL2_ERR_NOMEM;
    memcpy(copy, p, h.nlmsg_len);
    handle_nlmsg(ev, copy);
    ev->mem.free(copy, ev->mem.user_data);
    n++;
    size_t adv = NLMSG_ALIGN(h.nlmsg_len);
    if (adv >= len)
      break;
    p += adv;
    len -= adv;
  }
  if (ev->need_recreate)
    recreate(ev);
  return n;
}

int vl2_evpn_handle_event(vl2_evpn *ev, const vl2_event *e, vl2_tstamp now) {
  if (ev == NULL || e == NULL)
    return VL2_ERR_INVALID;
  ev_seg *seg = seg_find(ev, e->vni);
  if (seg == NULL)
    return 0;
  switch (e->type) {
  case VL2_EV_FDB_LEARNED:
  case VL2_EV_FDB_MOVED:
    if (e->port != VL2_PORT_REMOTE) {
      write_mac(ev, seg, &e->mac, 1);
      return 1;
    }
    if (e->type == VL2_EV_FDB_MOVED && e->old_port != VL2_PORT_REMOTE) {
      write_mac(ev, seg, &e->mac, 0);
      return 1;
    }
    return 0;
  case VL2_EV_FDB_AGED:
    if (e->port == VL2_PORT_REMOTE)
      return 0;
    write_mac(ev, seg, &e->mac, 0);
    return 1;
  case VL2_EV_NEIGH_ADDED:
  case VL2_EV_NEIGH_MOVED:
    if (e->port == VL2_PORT_REMOTE || e->port == VL2_NEIGH_PORT_ANY)
      return 0;
    write_neigh(ev, seg, &e->ip, &e->mac, 1);
    return 1;
  case VL2_EV_NEIGH_AGED:
    if (e->port == VL2_PORT_REMOTE)
      return 0;
    write_neigh(ev, seg, &e->ip, NULL, 0);
    return 1;
  case VL2_EV_NEIGH_LOOKUP: {
    /* Directory mode: the EVPN neighbour table is the directory. */
    evc_seg *cs = evc_seg_find(&ev->st, e->vni);
    vl2_mac mac;
    int known = cs != NULL && evc_neigh_lookup(cs, &e->ip, &mac);
    vl2_neigh_dir_answer(ev->sw, e->vni, &e->ip, known ? &mac : NULL, now);
    if (known)
      ev->s.dir_answered++;
    else
      ev->s.dir_refused++;
    return 1;
  }
  default:
    return 0;
  }
}

int vl2_evpn_get_stats_versioned(const vl2_evpn *ev, size_t st_size,
                                 vl2_evpn_stats *st) {
  if (ev == NULL || st == NULL || st_size == 0)
    return VL2_ERR_INVALID;
  vl2_evpn_stats full = ev->s;
  full.ignored = ev->st.ignored;
  full.limit_drops = ev->st.limit_drops;
  full.vteps = ev->st.n_vteps;
  full.macs = ev->st.n_macs;
  full.neighs = ev->st.n_neighs;
  vl2_stats_copy(st, st_size, &full, sizeof(full));
  return 0;
}
