/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * vl2-switch's JSON views of the running switch, the replies to vl2ctl's
 * read commands: ports, segments, FDB, neighbours and every counter.
 */
#include <stdint.h>

#include <vl2/fdb.h>
#include <vl2/tap.h>
#ifdef VL2SW_HAVE_UDP
#include <vl2/udp.h>
#endif
#include <vl2/neigh.h>

#include "sw_app.h"

/* ------------------------------------------------------------ control */

json_object *jstr(const char *s) { return json_object_new_string(s); }
json_object *ju64(uint64_t v) {
  return json_object_new_int64(v > INT64_MAX ? INT64_MAX : (int64_t)v);
}

const char *port_name(app *a, uint32_t id) {
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
  if (p->cfg.netns[0])
    JADD(o, "netns", jstr(p->cfg.netns));
  JADD(o, "persist", json_object_new_boolean(p->cfg.persist));
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

json_object *cmd_ports(app *a) {
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
  if (s->flags & VL2_SEG_F_SUPPRESS_CP_ONLY)
    json_object_array_add(fl, jstr("arp_control_plane_only"));
  if (s->flags & VL2_SEG_F_EVPN)
    json_object_array_add(fl, jstr("evpn"));
  JADD(o, "flags", fl);
  JADD(o, "encap", jstr(s->encap == SW_ENCAP_GENEVE ? "geneve" : "vxlan"));
  JADD(o, "max_macs", ju64(s->max_macs));
  /* The flood list as the switch has it, each VTEP with its origin:
   * "config", "vl2ctl", or "evpn" (a type-3 route). */
  json_object *v = json_object_new_array();
  json_object *vo = json_object_new_array();
  seg_rt *r = seg_find(a, s->vni);
  vl2_ipaddr ra;
  for (uint32_t i = 0; vl2_switch_remote_get(a->sw, s->vni, i, &ra) == 1; i++) {
    char b[64];
    sw_format_ip(&ra, b, sizeof b);
    json_object_array_add(v, jstr(b));
    vtep_rt *vr = r ? vtep_find(r, &ra) : NULL;
    json_object *e = json_object_new_object();
    JADD(e, "vtep", jstr(b));
    JADD(e, "origin",
         jstr(vr ? (vr->from_config ? "config" : "vl2ctl") : "evpn"));
    json_object_array_add(vo, e);
  }
  JADD(o, "flood_origin", vo);
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

json_object *cmd_segments(app *a) {
  json_object *arr = json_object_new_array();
  for (size_t i = 0; i < a->cfg.seg_cnt; i++)
    json_object_array_add(arr, seg_json(a, &a->cfg.segs[i]));
  json_object *o = json_object_new_object();
  JADD(o, "segments", arr);
  return o;
}

/* The fdb and neigh views are streamed (sw_stream.c); these are their
 * entries. */
json_object *fdb_entry_json(app *a, const vl2_fdb_entry *e, vl2_tstamp now) {
  json_object *o = json_object_new_object();
  char b[64];
  sw_format_mac(&e->mac, b, sizeof b);
  JADD(o, "mac", jstr(b));
  JADD(o, "vni", ju64(e->vni));
  if (e->flags & VL2_FDB_F_REMOTE) {
    sw_format_ip(&e->remote, b, sizeof b);
    JADD(o, "remote", jstr(b));
  } else {
    JADD(o, "dev", jstr(port_name(a, e->port)));
    JADD(o, "port", ju64(e->port));
  }
  bool st = (e->flags & VL2_FDB_F_STATIC) != 0;
  JADD(o, "state", jstr(st ? "static" : "dynamic"));
  JADD(o, "origin",
       jstr((e->flags & VL2_FDB_F_EVPN) ? "evpn"
            : st                        ? "static"
                                        : "learned"));
  if (!st && e->expires_at != VL2_TSTAMP_NONE)
    JADD(o, "expires_in",
         ju64(e->expires_at > now
                  ? (e->expires_at - now + VL2_SEC - 1) / VL2_SEC
                  : 0));
  return o;
}

json_object *neigh_entry_json(app *a, const vl2_neigh_entry *e,
                              vl2_tstamp now) {
  static const char *const states[] = {
      "NONE", "INCOMPLETE", "REACHABLE", "STALE", "DELAY", "PROBE", "FAILED"};
  json_object *o = json_object_new_object();
  char b[64];
  sw_format_ip(&e->ip, b, sizeof b);
  JADD(o, "ip", jstr(b));
  JADD(o, "vni", ju64(e->vni));
  sw_format_mac(&e->mac, b, sizeof b);
  JADD(o, "lladdr", jstr(b));
  /* a static entry never changes state: PERMANENT, as ip-neigh(8) */
  JADD(o, "state",
       jstr((e->flags & VL2_NEIGH_F_STATIC) ? "PERMANENT"
            : e->state < 7                  ? states[e->state]
                                            : "?"));
  if (e->port == VL2_PORT_REMOTE)
    JADD(o, "dev", jstr("remote"));
  else if (e->port != VL2_NEIGH_PORT_ANY)
    JADD(o, "dev", jstr(port_name(a, e->port)));
  JADD(o, "static", json_object_new_boolean(e->flags & VL2_NEIGH_F_STATIC));
  JADD(o, "origin",
       jstr((e->flags & VL2_NEIGH_F_EVPN)        ? "evpn"
            : (e->flags & VL2_NEIGH_F_STATIC)    ? "static"
            : (e->flags & VL2_NEIGH_F_DIRECTORY) ? "directory"
                                                 : "learned"));
  JADD(o, "router", json_object_new_boolean(e->flags & VL2_NEIGH_F_ROUTER));
  if (e->expires_at != VL2_TSTAMP_NONE)
    JADD(o, "expires_in",
         ju64(e->expires_at > now ? (e->expires_at - now) / VL2_SEC : 0));
  return o;
}

json_object *cmd_stats(app *a) {
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
  JADD(dm, "control_accepted", ju64(a->ctl_accepted));
  JADD(dm, "control_refused", ju64(a->ctl_refused));
  JADD(dm, "control_evicted", ju64(a->ctl_evicted));
  JADD(dm, "control_timeouts", ju64(a->ctl_timeouts));
  JADD(dm, "control_request_too_long", ju64(a->ctl_req_too_long));
  JADD(dm, "control_reply_too_large", ju64(a->ctl_reply_too_large));
  JADD(o, "daemon", dm);
  JADD(o, "mdb", mdb_stats_json(a));
  JADD(o, "storm", cmd_storm(a));
  json_object *pp = cmd_ports(a), *arr;
  json_object_object_get_ex(pp, "ports", &arr);
  JADD(o, "ports", json_object_get(arr));
  json_object_put(pp);
  json_object *ss = cmd_segments(a);
  json_object_object_get_ex(ss, "segments", &arr);
  JADD(o, "segments", json_object_get(arr));
  json_object_put(ss);
  /* The underlay sockets: "underlay" is VXLAN's (as before Geneve),
   * "underlay_geneve" Geneve's. */
  for (int g = 0; g < 2; g++) {
    vl2_backend *be = g ? a->gnv : a->udp;
    vl2_backend_stats bs;
    if (!be || vl2_backend_get_stats(be, &bs) != 0)
      continue;
    json_object *u = json_object_new_object();
    JADD(u, "rx_frames", ju64(bs.rx_frames));
    JADD(u, "tx_frames", ju64(bs.tx_frames));
    JADD(u, "rx_dropped", ju64(bs.rx_dropped));
    JADD(u, "tx_dropped", ju64(bs.tx_dropped + (g ? a->gq : a->uq).dropped));
    JADD(u, "tx_errors", ju64(bs.tx_errors));
#ifdef VL2SW_HAVE_UDP
    /* Kernel offloads in use, how often they fell back, and the socket's
     * own drop count (read with SO_MEMINFO). */
    vl2_udp_stats us;
    if (vl2_udp_get_stats(be, &us) == 0) {
      JADD(u, "gso", json_object_new_boolean(us.gso));
      JADD(u, "gro", json_object_new_boolean(us.gro));
      JADD(u, "source_ports", ju64(us.tx_sockets));
      JADD(u, "sport_lo", ju64(us.sport_lo));
      JADD(u, "sport_hi", ju64(us.sport_hi));
      JADD(u, "gso_sends", ju64(us.gso_sends));
      JADD(u, "gso_segments", ju64(us.gso_segments));
      JADD(u, "gso_fallbacks", ju64(us.gso_fallbacks));
      JADD(u, "gso_off_sockets", ju64(us.gso_off_sockets));
      JADD(u, "gso_refused", ju64(us.gso_refused));
      JADD(u, "gro_batches", ju64(us.gro_batches));
      JADD(u, "gro_segments", ju64(us.gro_segments));
      JADD(u, "socket_drops", ju64(us.socket_drops));
      JADD(u, "socket_drops_known", json_object_new_boolean(us.drops_known));
      JADD(u, "truncated", ju64(us.truncated));
    }
#endif
    JADD(o, g ? "underlay_geneve" : "underlay", u);
  }
  /* The tunnel ingress: packets per encapsulation and every tunnel drop
   * by reason (all reasons, zeros included, so monitoring sees them). */
  json_object *t = json_object_new_object();
  JADD(t, "vxlan_rx", ju64(a->tun_rx[0]));
  JADD(t, "geneve_rx", ju64(a->tun_rx[1]));
  json_object *td = json_object_new_object();
  uint64_t total = 0;
  for (unsigned r = 1; r < VL2_VXLAN_R_COUNT; r++) {
    JADD(td, vl2_vxlan_reason_name(r), ju64(a->tun_drops[r]));
    total += a->tun_drops[r];
  }
  JADD(t, "dropped", ju64(total));
  /* Inner TCP coalescing of underlay bursts toward TAP ports with
   * offload. */
  JADD(t, "coalesce", json_object_new_boolean(a->gro != NULL));
  vl2_gro_stats gs;
  if (a->gro && vl2_gro_get_stats(a->gro, &gs) == 0) {
    JADD(t, "coalesce_frames_in", ju64(gs.frames_in));
    JADD(t, "coalesce_frames_out", ju64(gs.frames_out));
    JADD(t, "coalesce_supers", ju64(gs.supers));
    JADD(t, "coalesce_merged", ju64(gs.merged));
    JADD(t, "coalesce_csum_bad", ju64(gs.csum_bad));
    JADD(t, "coalesce_no_buffer", ju64(gs.no_buffer));
  }
  JADD(t, "drops", td);
  JADD(o, "tunnel", t);
  /* The protections against MAC floods and flapping, with their
   * settings: MACs refused by each limit, and moves frozen. */
  json_object *l = json_object_new_object();
  JADD(l, "max_macs_per_port", ju64(a->cfg.max_macs_per_port));
  JADD(l, "max_macs_per_remote", ju64(a->cfg.max_macs_per_remote));
  JADD(l, "max_macs_per_segment", ju64(a->cfg.max_macs_per_segment));
  JADD(l, "move_threshold", ju64(a->cfg.move_threshold));
  JADD(l, "move_window", ju64(a->cfg.move_window_s));
  JADD(l, "move_holddown", ju64(a->cfg.move_holddown_s));
  JADD(l, "port_limit_hits", ju64(a->limit_events[VL2_LIMIT_PORT]));
  JADD(l, "remote_limit_hits", ju64(a->limit_events[VL2_LIMIT_REMOTE]));
  JADD(l, "segment_limit_hits", ju64(a->limit_events[VL2_LIMIT_SEGMENT]));
  JADD(l, "table_limit_hits", ju64(a->limit_events[VL2_LIMIT_TABLE]));
  JADD(l, "frozen", ju64(a->frozen_events));
  JADD(o, "protection", l);
  json_object *ev = evpn_stats_json(a);
  if (ev)
    JADD(o, "evpn", ev);
  return o;
}
