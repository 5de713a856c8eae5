/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * vl2-switch's storm control and IGMP/MLD snooping: the configuration
 * applied to the core (vl2/storm.h, vl2/mdb.h), the run-time changes
 * through vl2ctl (storm set, mdb set), and their JSON views (mdb, storm,
 * the counters in stats).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vl2/mdb.h>
#include <vl2/storm.h>

#include "sw_app.h"

static const char *const class_key[4] = {"broadcast", "unknown_unicast",
                                         "unregistered_multicast", "multicast"};

static void storm_to_core(const sw_storm_cfg *s, vl2_storm_port_config *pc) {
  memset(pc, 0, sizeof *pc);
  for (int k = 0; k < 4; k++) {
    pc->rate[k].pps = s->pps[k];
    if (s->pps[k] != 0) {
      uint64_t b = s->burst ? s->burst : s->pps[k];
      pc->rate[k].burst_frames = b > UINT32_MAX ? UINT32_MAX : (uint32_t)b;
    }
  }
  pc->holddown_ns = (vl2_duration)s->holddown_s * VL2_SEC;
}

static int port_storm_apply(app *a, const port_rt *p, char *err,
                            size_t errlen) {
  vl2_storm_port_config pc;
  storm_to_core(&p->cfg.storm, &pc);
  int rv = vl2_storm_port_set(a->sw, p->id, &pc, now_ns());
  if (rv == 0)
    rv = vl2_mdb_port_fast_leave(a->sw, p->id, p->cfg.fast_leave);
  if (rv) {
    snprintf(err, errlen, "port %s: storm control: %s", p->cfg.name,
             vl2_strerror(rv));
    return -1;
  }
  return 0;
}

static int seg_mcast_apply(app *a, const sw_seg_cfg *s, char *err,
                           size_t errlen) {
  vl2_tstamp now = now_ns();
  vl2_storm_segment_config sc;
  memset(&sc, 0, sizeof sc);
  sc.budget.pps = s->budget;
  if (s->budget) {
    uint64_t b = s->budget_burst ? s->budget_burst : s->budget;
    sc.budget.burst_frames = b > UINT32_MAX ? UINT32_MAX : (uint32_t)b;
  }
  int rv = vl2_storm_segment_set(a->sw, s->vni, &sc, now);
  if (rv) {
    snprintf(err, errlen, "segment %u: budget: %s", s->vni, vl2_strerror(rv));
    return -1;
  }
  vl2_mdb_segment_config mc;
  memset(&mc, 0, sizeof mc);
  if (s->snooping)
    mc.flags |= VL2_MDB_F_SNOOP;
  if (s->querier)
    mc.flags |= VL2_MDB_F_QUERIER;
  mc.unreg_policy = s->unreg;
  /* A locally administered MAC per segment: 02:76:6c:VNI. */
  mc.querier_mac.b[0] = 0x02;
  mc.querier_mac.b[1] = 0x76;
  mc.querier_mac.b[2] = 0x6c;
  mc.querier_mac.b[3] = (uint8_t)(s->vni >> 16);
  mc.querier_mac.b[4] = (uint8_t)(s->vni >> 8);
  mc.querier_mac.b[5] = (uint8_t)s->vni;
  mc.querier_ip4 = s->querier_ip;
  mc.querier_ip6 = s->querier_ip6;
  mc.igmp_version = s->igmp_version;
  mc.mld_version = s->mld_version;
  rv = vl2_mdb_segment_set(a->sw, s->vni, &mc, now);
  if (rv) {
    snprintf(err, errlen, "segment %u: snooping: %s", s->vni, vl2_strerror(rv));
    return -1;
  }
  return 0;
}

int mcast_apply(app *a, const sw_config *c, char *err, size_t errlen) {
  int errors = 0;
  char e[512];
  bool any = false;
  for (size_t i = 0; i < c->seg_cnt; i++)
    any = any || c->segs[i].snooping;
  if (any) {
    vl2_mdb_config mc;
    vl2_mdb_config_default(&mc);
    mc.max_groups = c->mdb_max_groups;
    mc.max_members = c->mdb_max_members;
    mc.max_groups_per_segment = c->mdb_max_groups_per_segment;
    mc.query_interval_ns = (vl2_duration)c->query_interval_s * VL2_SEC;
    if (mc.query_response_ns > mc.query_interval_ns / 2)
      mc.query_response_ns = mc.query_interval_ns / 2;
    int rv = vl2_mdb_setup(a->sw, &mc);
    if (rv) {
      snprintf(e, sizeof e,
               "multicast: %s (the MDB limits apply at start-up only)",
               vl2_strerror(rv));
      logm(L_ERR, "%s", e);
      if (errors++ == 0)
        snprintf(err, errlen, "%s", e);
    }
  }
  for (size_t i = 0; i < c->seg_cnt; i++) {
    if (!seg_find(a, c->segs[i].vni))
      continue;
    if (seg_mcast_apply(a, &c->segs[i], e, sizeof e)) {
      logm(L_ERR, "%s", e);
      if (errors++ == 0)
        snprintf(err, errlen, "%s", e);
    }
  }
  for (uint32_t i = 0; i < a->nports; i++) {
    port_rt *p = &a->ports[i];
    if (!p->used || !p->in_switch)
      continue;
    if (port_storm_apply(a, p, e, sizeof e)) {
      logm(L_ERR, "%s", e);
      if (errors++ == 0)
        snprintf(err, errlen, "%s", e);
    }
    if (p->cfg.mrouter == SW_MROUTER_AUTO)
      continue;
    for (size_t k = 0; k < p->cfg.vlan_cnt; k++) {
      const sw_seg_cfg *s = sw_config_seg_by_vlan(c, p->cfg.vlans[k]);
      if (!s || !s->snooping)
        continue;
      int rv = vl2_mdb_router_set(a->sw, s->vni, p->id, NULL,
                                  p->cfg.mrouter == SW_MROUTER_ON
                                      ? VL2_MDB_ROUTER_ON
                                      : VL2_MDB_ROUTER_OFF,
                                  now_ns());
      if (rv) {
        snprintf(e, sizeof e, "port %s: mcast_router in segment %u: %s",
                 p->cfg.name, s->vni, vl2_strerror(rv));
        logm(L_ERR, "%s", e);
        if (errors++ == 0)
          snprintf(err, errlen, "%s", e);
      }
    }
  }
  return errors;
}

/* ------------------------------------------------------------ vl2ctl */

static json_object *jok(void) {
  json_object *o = json_object_new_object();
  JADD(o, "ok", json_object_new_boolean(1));
  return o;
}

static int parse_u64(const char *s, uint64_t max, uint64_t *out) {
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s ? s : "", &end, 10);
  if (!s || !*s || *end || errno || v > max || s[0] == '-')
    return -1;
  *out = v;
  return 0;
}

static int parse_bool(const char *s, bool *out) {
  if (strcmp(s, "on") == 0 || strcmp(s, "true") == 0 || strcmp(s, "1") == 0)
    *out = true;
  else if (strcmp(s, "off") == 0 || strcmp(s, "false") == 0 ||
           strcmp(s, "0") == 0)
    *out = false;
  else
    return -1;
  return 0;
}

/* storm set PORT KEY VALUE...  |  storm set segment VNI budget N [burst N] */
json_object *cmd_storm_set(app *a, char **w, int n) {
  if (n >= 4 && strcmp(w[2], "segment") == 0) {
    uint64_t vni;
    if (parse_u64(w[3], VL2_VNI_MAX, &vni))
      return jerr("storm set segment: bad VNI '%s'", w[3]);
    sw_seg_cfg *s = NULL;
    for (size_t i = 0; i < a->cfg.seg_cnt; i++)
      if (a->cfg.segs[i].vni == vni)
        s = &a->cfg.segs[i];
    if (!s)
      return jerr("storm set segment: no segment %llu",
                  (unsigned long long)vni);
    sw_seg_cfg t = *s;
    for (int i = 4; i < n; i += 2) {
      uint64_t v;
      if (i + 1 >= n || parse_u64(w[i + 1], 1000000000, &v))
        return jusage("usage: storm set segment VNI budget N [burst N]");
      if (strcmp(w[i], "budget") == 0)
        t.budget = v;
      else if (strcmp(w[i], "burst") == 0)
        t.budget_burst = (uint32_t)v;
      else
        return jerr("storm set segment: unknown key '%s' (expected budget, "
                    "burst)",
                    w[i]);
    }
    char e[512];
    if (seg_mcast_apply(a, &t, e, sizeof e))
      return jerr("%s", e);
    s->budget = t.budget;
    s->budget_burst = t.budget_burst;
    logm(L_INFO, "segment %u: replication budget %llu copies/s set by vl2ctl",
         s->vni, (unsigned long long)s->budget);
    return jok();
  }
  if (n < 5 || (n - 3) % 2 != 0)
    return jusage("usage: storm set PORT (broadcast|unknown_unicast|"
                  "unregistered_multicast|multicast|burst|holddown) N ... | "
                  "storm set segment VNI budget N [burst N]");
  port_rt *p = port_by_name(a, w[2]);
  if (!p || !p->in_switch)
    return jerr("storm set: no port %s", w[2]);
  sw_storm_cfg st = p->cfg.storm;
  for (int i = 3; i + 1 < n; i += 2) {
    uint64_t v;
    if (parse_u64(w[i + 1], 1000000000, &v))
      return jerr("storm set: '%s' is not a number", w[i + 1]);
    int k = -1;
    for (int c = 0; c < 4; c++)
      if (strcmp(w[i], class_key[c]) == 0)
        k = c;
    if (k >= 0)
      st.pps[k] = v;
    else if (strcmp(w[i], "burst") == 0)
      st.burst = (uint32_t)v;
    else if (strcmp(w[i], "holddown") == 0 && v <= 86400)
      st.holddown_s = (uint32_t)v;
    else
      return jerr("storm set: unknown key '%s'", w[i]);
  }
  sw_storm_cfg old = p->cfg.storm;
  p->cfg.storm = st;
  char e[512];
  if (port_storm_apply(a, p, e, sizeof e)) {
    p->cfg.storm = old;
    return jerr("%s", e);
  }
  logm(L_INFO, "port %s: storm control changed by vl2ctl", p->cfg.name);
  return jok();
}

/* storm recover PORT */
json_object *cmd_storm_recover(app *a, char **w, int n) {
  port_rt *p = n == 3 ? port_by_name(a, w[2]) : NULL;
  if (!p || !p->in_switch)
    return jusage("usage: storm recover PORT");
  int rv = vl2_storm_port_recover(a->sw, p->id, now_ns());
  return rv ? jerr("storm recover: %s", vl2_strerror(rv)) : jok();
}

/* mdb set VNI (snooping|querier on|off | unregistered flood|routers |
 * igmp_version 2|3 | mld_version 1|2)... */
json_object *cmd_mdb_set(app *a, char **w, int n) {
  uint64_t vni;
  if (n < 5 || (n - 3) % 2 != 0 || parse_u64(w[2], VL2_VNI_MAX, &vni))
    return jusage("usage: mdb set VNI (snooping on|off | querier on|off | "
                  "unregistered flood|routers | igmp_version 2|3 | "
                  "mld_version 1|2)...");
  sw_seg_cfg *s = NULL;
  for (size_t i = 0; i < a->cfg.seg_cnt; i++)
    if (a->cfg.segs[i].vni == vni)
      s = &a->cfg.segs[i];
  if (!s)
    return jerr("mdb set: no segment %llu", (unsigned long long)vni);
  sw_seg_cfg t = *s;
  for (int i = 3; i + 1 < n; i += 2) {
    if (strcmp(w[i], "snooping") == 0 && parse_bool(w[i + 1], &t.snooping) == 0)
      continue;
    if (strcmp(w[i], "querier") == 0 && parse_bool(w[i + 1], &t.querier) == 0)
      continue;
    uint64_t ver;
    if (strcmp(w[i], "igmp_version") == 0 &&
        parse_u64(w[i + 1], VL2_MDB_IGMP_V3, &ver) == 0 &&
        ver >= VL2_MDB_IGMP_V2) {
      t.igmp_version = (uint8_t)ver;
      continue;
    }
    if (strcmp(w[i], "mld_version") == 0 &&
        parse_u64(w[i + 1], VL2_MDB_MLD_V2, &ver) == 0 &&
        ver >= VL2_MDB_MLD_V1) {
      t.mld_version = (uint8_t)ver;
      continue;
    }
    if (strcmp(w[i], "unregistered") == 0 &&
        (strcmp(w[i + 1], "flood") == 0 || strcmp(w[i + 1], "routers") == 0)) {
      t.unreg = strcmp(w[i + 1], "flood") == 0 ? VL2_MDB_UNREG_FLOOD
                                               : VL2_MDB_UNREG_ROUTERS;
      continue;
    }
    return jerr("mdb set: bad '%s %s'", w[i], w[i + 1]);
  }
  if (t.querier && !t.snooping)
    return jerr("mdb set: the querier needs snooping");
  char e[512];
  if (t.snooping) {
    vl2_mdb_config mc;
    vl2_mdb_config_default(&mc);
    mc.max_groups = a->cfg.mdb_max_groups;
    mc.max_members = a->cfg.mdb_max_members;
    mc.max_groups_per_segment = a->cfg.mdb_max_groups_per_segment;
    mc.query_interval_ns = (vl2_duration)a->cfg.query_interval_s * VL2_SEC;
    if (mc.query_response_ns > mc.query_interval_ns / 2)
      mc.query_response_ns = mc.query_interval_ns / 2;
    int rv = vl2_mdb_setup(a->sw, &mc);
    if (rv)
      return jerr("mdb set: %s", vl2_strerror(rv));
  }
  if (seg_mcast_apply(a, &t, e, sizeof e))
    return jerr("%s", e);
  *s = t;
  logm(L_INFO,
       "segment %u: snooping %s, querier %s (IGMPv%u, MLDv%u), "
       "unregistered %s (vl2ctl)",
       s->vni, s->snooping ? "on" : "off", s->querier ? "on" : "off",
       s->igmp_version ? s->igmp_version : VL2_MDB_IGMP_V3,
       s->mld_version ? s->mld_version : VL2_MDB_MLD_V2,
       s->unreg == VL2_MDB_UNREG_FLOOD ? "flood" : "routers");
  return jok();
}

static json_object *jip(const vl2_ipaddr *ip) {
  char b[64];
  sw_format_ip(ip, b, sizeof b);
  return jstr(b);
}

/* The mdb view is streamed (sw_stream.c): {"mdb": groups, "router":
 * router ports, "segments": the settings}; these are its parts. */
json_object *mdb_entry_json(app *a, const vl2_mdb_entry *e, vl2_tstamp now) {
  json_object *r = json_object_new_object();
  JADD(r, "vni", ju64(e->vni));
  if (e->port == VL2_PORT_REMOTE) {
    JADD(r, "port", jstr("vxlan"));
    JADD(r, "remote", jip(&e->remote));
  } else {
    JADD(r, "port", jstr(port_name(a, e->port)));
  }
  if (!(e->flags & VL2_MDB_E_ROUTER))
    JADD(r, "grp", jip(&e->group));
  JADD(r, "state", jstr(e->flags & VL2_MDB_E_PERMANENT ? "permanent" : "temp"));
  if (e->flags & VL2_MDB_E_LEAVING)
    JADD(r, "leaving", json_object_new_boolean(1));
  if (e->flags & VL2_MDB_E_SOURCES)
    JADD(r, "sources_as_any", json_object_new_boolean(1));
  if (e->expires != VL2_TSTAMP_NONE)
    JADD(r, "expires_ms", ju64((e->expires - now) / VL2_MS));
  return r;
}

json_object *mdb_segments_json(app *a) {
  json_object *segs = json_object_new_array();
  for (size_t i = 0; i < a->cfg.seg_cnt; i++) {
    const sw_seg_cfg *s = &a->cfg.segs[i];
    json_object *so = json_object_new_object();
    JADD(so, "vni", ju64(s->vni));
    JADD(so, "snooping", json_object_new_boolean(s->snooping));
    JADD(so, "querier", json_object_new_boolean(s->querier));
    JADD(so, "unregistered",
         jstr(s->unreg == VL2_MDB_UNREG_FLOOD ? "flood" : "routers"));
    vl2_mdb_segment_config mc; /* the querier's versions, as in effect */
    if (vl2_mdb_segment_get(a->sw, s->vni, &mc) == 0 && mc.igmp_version) {
      JADD(so, "igmp_version", ju64(mc.igmp_version));
      JADD(so, "mld_version", ju64(mc.mld_version));
    }
    json_object_array_add(segs, so);
  }
  return segs;
}

json_object *mdb_stats_json(app *a) {
  vl2_mdb_stats st;
  json_object *o = json_object_new_object();
  if (vl2_mdb_get_stats(a->sw, UINT32_MAX, &st))
    return o;
#define F(x) JADD(o, #x, ju64(st.x))
  F(igmp_queries);
  F(igmp_reports);
  F(igmp_leaves);
  F(mld_queries);
  F(mld_reports);
  F(mld_dones);
  F(invalid);
  F(ignored);
  F(joins);
  F(leaves);
  F(expired);
  F(group_limit_hits);
  F(member_limit_hits);
  F(fwd_registered);
  F(fwd_unregistered);
  F(fwd_link_local);
  F(queries_sent);
  F(querier_lost);
  F(groups);
  F(members);
#undef F
  return o;
}

json_object *cmd_storm(app *a) {
  json_object *o = json_object_new_object();
  json_object *ports = json_object_new_array();
  for (uint32_t i = 0; i < a->nports; i++) {
    port_rt *p = &a->ports[i];
    if (!p->used || !p->in_switch)
      continue;
    json_object *po = json_object_new_object();
    JADD(po, "name", jstr(p->cfg.name));
    json_object *rates = json_object_new_object();
    for (int k = 0; k < 4; k++)
      JADD(rates, class_key[k], ju64(p->cfg.storm.pps[k]));
    JADD(rates, "burst", ju64(p->cfg.storm.burst));
    JADD(rates, "holddown", ju64(p->cfg.storm.holddown_s));
    JADD(po, "config", rates);
    vl2_storm_port_stats st;
    if (vl2_storm_port_get_stats(a->sw, p->id, &st) == 0) {
      json_object *so = json_object_new_object();
      for (int k = 0; k < 4; k++) {
        char key[64];
        JADD(so, class_key[k], ju64(st.dropped[k]));
        snprintf(key, sizeof key, "%s_bytes", class_key[k]);
        JADD(so, key, ju64(st.dropped_bytes[k]));
        snprintf(key, sizeof key, "%s_episodes", class_key[k]);
        JADD(so, key, ju64(st.episodes[k]));
      }
      JADD(so, "blocked_drops", ju64(st.blocked_drops));
      JADD(so, "holddowns", ju64(st.holddowns));
      JADD(so, "passed", ju64(st.passed));
      JADD(so, "blocked", json_object_new_boolean(st.blocked != 0));
      JADD(so, "limited", ju64(st.limited));
      JADD(po, "dropped", so);
    }
    json_object_array_add(ports, po);
  }
  JADD(o, "ports", ports);
  json_object *segs = json_object_new_array();
  for (size_t i = 0; i < a->cfg.seg_cnt; i++) {
    const sw_seg_cfg *s = &a->cfg.segs[i];
    vl2_storm_segment_stats st;
    if (vl2_storm_segment_get_stats(a->sw, s->vni, &st))
      continue;
    json_object *so = json_object_new_object();
    JADD(so, "vni", ju64(s->vni));
    JADD(so, "budget", ju64(s->budget));
    JADD(so, "dropped", ju64(st.dropped));
    JADD(so, "dropped_copies", ju64(st.dropped_copies));
    JADD(so, "dropped_remote", ju64(st.dropped_remote));
    JADD(so, "episodes", ju64(st.episodes));
    JADD(so, "passed", ju64(st.passed));
    JADD(so, "passed_copies", ju64(st.passed_copies));
    JADD(so, "limited", json_object_new_boolean(st.limited != 0));
    json_object_array_add(segs, so);
  }
  JADD(o, "segments", segs);
  return o;
}
