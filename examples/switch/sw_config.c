/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * vl2-switch's configuration file: parsed with libconfig, every value
 * checked (type, range, references between sections), and an error names
 * the file and line. Nothing here creates a device: the caller applies a
 * configuration only once it is entirely valid.
 */
#include "sw_config.h"

#include <arpa/inet.h>
#include <libconfig.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vl2/mdb.h>
#include <vl2/storm.h>
#include <vl2/switch.h>

typedef struct ctx {
  const char *file;
  char *err;
  size_t errlen;
} ctx;

__attribute__((format(printf, 3, 4))) static int
fail(ctx *x, const config_setting_t *s, const char *fmt, ...) {
  char msg[384];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  const char *f = s ? config_setting_source_file(s) : NULL;
  int line = s ? (int)config_setting_source_line(s) : 0;
  if (!f)
    f = x->file;
  if (line > 0)
    snprintf(x->err, x->errlen, "%s:%d: %s", f, line, msg);
  else
    snprintf(x->err, x->errlen, "%s: %s", f, msg);
  return -1;
}

int sw_parse_mac(const char *s, vl2_mac *m) {
  unsigned v[6];
  char tail;
  if (!s || sscanf(s, "%x:%x:%x:%x:%x:%x%c", &v[0], &v[1], &v[2], &v[3], &v[4],
                   &v[5], &tail) != 6)
    return -1;
  for (int i = 0; i < 6; i++) {
    if (v[i] > 0xff)
      return -1;
    m->b[i] = (uint8_t)v[i];
  }
  return 0;
}

int sw_parse_ip(const char *s, vl2_ipaddr *a) {
  memset(a, 0, sizeof *a);
  if (!s)
    return -1;
  if (inet_pton(AF_INET, s, a->addr) == 1) {
    a->family = VL2_AF_INET;
    return 0;
  }
  if (inet_pton(AF_INET6, s, a->addr) == 1) {
    a->family = VL2_AF_INET6;
    return 0;
  }
  return -1;
}

void sw_format_mac(const vl2_mac *m, char *buf, size_t len) {
  snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", m->b[0], m->b[1], m->b[2],
           m->b[3], m->b[4], m->b[5]);
}

void sw_format_ip(const vl2_ipaddr *a, char *buf, size_t len) {
  if (a->family == VL2_AF_INET)
    inet_ntop(AF_INET, a->addr, buf, (socklen_t)len);
  else if (a->family == VL2_AF_INET6)
    inet_ntop(AF_INET6, a->addr, buf, (socklen_t)len);
  else
    snprintf(buf, len, "-");
}

static bool is_group(const vl2_mac *m) { return (m->b[0] & 1u) != 0; }
static bool is_zero(const vl2_mac *m) {
  static const vl2_mac z;
  return memcmp(m, &z, sizeof z) == 0;
}

/* --- typed getters: each fails with "expected ..." at the value's line */

/* A setting's name for messages; array elements take their array's. */
static const char *sname(const config_setting_t *s) {
  const char *n = config_setting_name(s);
  if (!n && config_setting_parent(s))
    n = config_setting_name(config_setting_parent(s));
  return n ? n : "value";
}

static int get_int(ctx *x, const config_setting_t *s, long long lo,
                   long long hi, long long *out) {
  int t = config_setting_type(s);
  if (t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64)
    return fail(x, s, "'%s': expected an integer in %lld..%lld", sname(s), lo,
                hi);
  long long v = config_setting_get_int64(s);
  if (v < lo || v > hi)
    return fail(x, s, "'%s': %lld is out of range (expected %lld..%lld)",
                sname(s), v, lo, hi);
  *out = v;
  return 0;
}

static int get_u32(ctx *x, const config_setting_t *s, long long lo,
                   long long hi, uint32_t *out) {
  long long v = 0;
  if (get_int(x, s, lo, hi, &v))
    return -1;
  *out = (uint32_t)v;
  return 0;
}

static int get_bool(ctx *x, const config_setting_t *s, bool *out) {
  if (config_setting_type(s) != CONFIG_TYPE_BOOL)
    return fail(x, s, "'%s': expected true or false", config_setting_name(s));
  *out = config_setting_get_bool(s) != 0;
  return 0;
}

static int get_str(ctx *x, const config_setting_t *s, const char **out) {
  if (config_setting_type(s) != CONFIG_TYPE_STRING)
    return fail(x, s, "'%s': expected a string in double quotes",
                config_setting_name(s) ? config_setting_name(s) : "value");
  *out = config_setting_get_string(s);
  return 0;
}

static int get_mac(ctx *x, const config_setting_t *s, vl2_mac *m) {
  const char *v = NULL;
  if (get_str(x, s, &v))
    return -1;
  if (sw_parse_mac(v, m))
    return fail(x, s,
                "'%s': \"%s\" is not a MAC address "
                "(expected xx:xx:xx:xx:xx:xx)",
                config_setting_name(s), v);
  return 0;
}

static int get_ip(ctx *x, const config_setting_t *s, vl2_ipaddr *a) {
  const char *v = NULL;
  if (get_str(x, s, &v))
    return -1;
  if (sw_parse_ip(v, a))
    return fail(x, s, "'%s': \"%s\" is not an IPv4 or IPv6 address",
                config_setting_name(s) ? config_setting_name(s) : "address", v);
  return 0;
}

static int get_name(ctx *x, const config_setting_t *s, char *buf) {
  const char *v = NULL;
  if (get_str(x, s, &v))
    return -1;
  size_t n = strlen(v);
  if (n == 0 || n >= IFNAMSIZ || strchr(v, '/') || strchr(v, ' ') ||
      strchr(v, ','))
    return fail(x, s,
                "'%s': \"%s\" is not an interface name (1..%d characters, "
                "no '/', ',' or spaces)",
                config_setting_name(s), v, IFNAMSIZ - 1);
  memcpy(buf, v, n + 1);
  return 0;
}

/* Refuse keys not in |known| (NULL-terminated): typos must not pass. */
static int check_keys(ctx *x, const config_setting_t *grp,
                      const char *const *known, const char *what) {
  int n = config_setting_length(grp);
  for (int i = 0; i < n; i++) {
    const config_setting_t *e = config_setting_get_elem(grp, (unsigned)i);
    const char *name = config_setting_name(e);
    bool ok = false;
    for (const char *const *k = known; *k; k++)
      if (name && strcmp(name, *k) == 0)
        ok = true;
    if (!ok) {
      char list[256] = "";
      for (const char *const *k = known; *k; k++) {
        strncat(list, *k, sizeof list - strlen(list) - 1);
        if (k[1])
          strncat(list, ", ", sizeof list - strlen(list) - 1);
      }
      return fail(x, e, "unknown setting '%s' in %s (expected one of: %s)",
                  name ? name : "?", what, list);
    }
  }
  return 0;
}

static int need_group(ctx *x, const config_setting_t *s, const char *what) {
  if (config_setting_type(s) != CONFIG_TYPE_GROUP)
    return fail(x, s, "%s: expected a group { ... }", what);
  return 0;
}

static int need_list(ctx *x, const config_setting_t *s, const char *what) {
  int t = config_setting_type(s);
  if (t != CONFIG_TYPE_LIST && t != CONFIG_TYPE_ARRAY)
    return fail(x, s, "'%s': expected a list ( ... ) or array [ ... ]", what);
  return 0;
}

static void *xcalloc(size_t n, size_t sz) {
  void *p = calloc(n ? n : 1, sz);
  if (!p) {
    fputs("vl2-switch: out of memory\n", stderr);
    exit(1);
  }
  return p;
}

/* --- sections ----------------------------------------------------------- */

static int parse_limits(ctx *x, const config_setting_t *g, sw_config *c) {
  static const char *const keys[] = {"max_ports",
                                     "max_segments",
                                     "max_remotes",
                                     "max_fdb",
                                     "max_macs_per_port",
                                     "max_macs_per_segment",
                                     "max_neigh",
                                     "max_macs_per_remote",
                                     "ageing",
                                     "move_threshold",
                                     "move_window",
                                     "move_holddown",
                                     NULL};
  if (need_group(x, g, "limits") || check_keys(x, g, keys, "limits"))
    return -1;
  const config_setting_t *s;
  long long v = 0;
  if ((s = config_setting_get_member(g, "max_ports")) &&
      get_u32(x, s, 1, SW_MAX_PORTS, &c->max_ports))
    return -1;
  if ((s = config_setting_get_member(g, "max_segments")) &&
      get_u32(x, s, 1, 65535, &c->max_segments))
    return -1;
  if ((s = config_setting_get_member(g, "max_remotes")) &&
      get_u32(x, s, 1, 1 << 20, &c->max_remotes))
    return -1;
  if ((s = config_setting_get_member(g, "max_fdb")) &&
      get_u32(x, s, 1, 1 << 26, &c->max_fdb))
    return -1;
  if ((s = config_setting_get_member(g, "max_macs_per_port")) &&
      get_u32(x, s, 0, 1 << 26, &c->max_macs_per_port))
    return -1;
  if ((s = config_setting_get_member(g, "max_macs_per_segment")) &&
      get_u32(x, s, 0, 1 << 26, &c->max_macs_per_segment))
    return -1;
  if ((s = config_setting_get_member(g, "max_neigh")) &&
      get_u32(x, s, 1, 1 << 24, &c->max_neigh))
    return -1;
  if ((s = config_setting_get_member(g, "ageing"))) {
    if (get_int(x, s, 0, 1000000, &v))
      return -1;
    c->ageing_s = (uint64_t)v;
  }
  if ((s = config_setting_get_member(g, "max_macs_per_remote")) &&
      get_u32(x, s, 0, 1 << 26, &c->max_macs_per_remote))
    return -1;
  if ((s = config_setting_get_member(g, "move_threshold")) &&
      get_u32(x, s, 0, 1000, &c->move_threshold))
    return -1;
  if ((s = config_setting_get_member(g, "move_window"))) {
    if (get_int(x, s, 1, 86400, &v))
      return -1;
    c->move_window_s = (uint64_t)v;
  }
  if ((s = config_setting_get_member(g, "move_holddown"))) {
    if (get_int(x, s, 1, 86400, &v))
      return -1;
    c->move_holddown_s = (uint64_t)v;
  }
  return 0;
}

static int parse_underlay(ctx *x, const config_setting_t *g, sw_config *c) {
  static const char *const keys[] = {
      "local", "port",     "geneve_port", "udp6_zero_csum",
      "mtu",   "sport_lo", "sport_hi",    "gso",
      "gro",   NULL};
  if (need_group(x, g, "underlay") || check_keys(x, g, keys, "underlay"))
    return -1;
  const config_setting_t *s = config_setting_get_member(g, "local");
  if (!s)
    return fail(x, g,
                "underlay: 'local' (this host's tunnel address) is "
                "required");
  if (get_ip(x, s, &c->local))
    return -1;
  uint32_t v = 0;
  if ((s = config_setting_get_member(g, "port"))) {
    if (get_u32(x, s, 1, 65535, &v))
      return -1;
    c->udp_port = (uint16_t)v;
  }
  if ((s = config_setting_get_member(g, "geneve_port"))) {
    if (get_u32(x, s, 1, 65535, &v))
      return -1;
    c->geneve_port = (uint16_t)v;
  }
  if (c->geneve_port == c->udp_port)
    return fail(x, g, "underlay: 'port' (VXLAN) and 'geneve_port' are both %u",
                c->udp_port);
  if ((s = config_setting_get_member(g, "udp6_zero_csum")) &&
      get_bool(x, s, &c->udp6_zero_csum))
    return -1;
  if ((s = config_setting_get_member(g, "mtu")) &&
      get_u32(x, s, 576, 65535, &c->mtu))
    return -1;
  if ((s = config_setting_get_member(g, "sport_lo"))) {
    if (get_u32(x, s, 1, 65535, &v))
      return -1;
    c->sport_lo = (uint16_t)v;
  }
  if ((s = config_setting_get_member(g, "sport_hi"))) {
    if (get_u32(x, s, 1, 65535, &v))
      return -1;
    c->sport_hi = (uint16_t)v;
  }
  if (c->sport_hi < c->sport_lo || c->sport_hi - c->sport_lo >= 1024)
    return fail(x, g,
                "underlay: source ports %u..%u: 'sport_lo' must not be above "
                "'sport_hi', and at most 1024 ports",
                (unsigned)c->sport_lo, (unsigned)c->sport_hi);
  if ((s = config_setting_get_member(g, "gso")) && get_bool(x, s, &c->gso))
    return -1;
  if ((s = config_setting_get_member(g, "gro")) && get_bool(x, s, &c->gro))
    return -1;
  c->underlay = true;
  return 0;
}

/* storm = { broadcast = N; unknown_unicast = N; unregistered_multicast = N;
 * multicast = N; burst = N; holddown = S; }: each key overrides |st|. */
static int parse_storm(ctx *x, const config_setting_t *g, sw_storm_cfg *st) {
  static const char *const keys[] = {
      "broadcast", "unknown_unicast", "unregistered_multicast",
      "multicast", "burst",           "holddown",
      NULL};
  if (need_group(x, g, "storm") || check_keys(x, g, keys, "storm"))
    return -1;
  const config_setting_t *s;
  long long v = 0;
  for (int k = 0; k < 4; k++) {
    if ((s = config_setting_get_member(g, keys[k]))) {
      if (get_int(x, s, 0, 1000000000, &v))
        return -1;
      st->pps[k] = (uint64_t)v;
    }
  }
  if ((s = config_setting_get_member(g, "burst")) &&
      get_u32(x, s, 0, 100000000, &st->burst))
    return -1;
  if ((s = config_setting_get_member(g, "holddown")) &&
      get_u32(x, s, 0, 86400, &st->holddown_s))
    return -1;
  return 0;
}

static int get_unreg(ctx *x, const config_setting_t *s, uint32_t *out) {
  const char *t = NULL;
  if (get_str(x, s, &t))
    return -1;
  if (strcmp(t, "flood") == 0)
    *out = VL2_MDB_UNREG_FLOOD;
  else if (strcmp(t, "routers") == 0)
    *out = VL2_MDB_UNREG_ROUTERS;
  else
    return fail(x, s,
                "'unregistered': \"%s\" (expected \"flood\" or "
                "\"routers\")",
                t);
  return 0;
}

/* The querier's versions: igmp_version 2|3, mld_version 1|2. */
static int get_versions(ctx *x, const config_setting_t *g, uint8_t *igmp,
                        uint8_t *mld) {
  const config_setting_t *s;
  uint32_t v;
  if ((s = config_setting_get_member(g, "igmp_version"))) {
    if (get_u32(x, s, VL2_MDB_IGMP_V2, VL2_MDB_IGMP_V3, &v))
      return -1;
    *igmp = (uint8_t)v;
  }
  if ((s = config_setting_get_member(g, "mld_version"))) {
    if (get_u32(x, s, VL2_MDB_MLD_V1, VL2_MDB_MLD_V2, &v))
      return -1;
    *mld = (uint8_t)v;
  }
  return 0;
}

static int parse_multicast(ctx *x, const config_setting_t *g, sw_config *c) {
  static const char *const keys[] = {"snooping",
                                     "querier",
                                     "unregistered",
                                     "max_groups",
                                     "max_groups_per_segment",
                                     "max_members",
                                     "query_interval",
                                     "igmp_version",
                                     "mld_version",
                                     NULL};
  if (need_group(x, g, "multicast") || check_keys(x, g, keys, "multicast"))
    return -1;
  const config_setting_t *s;
  if ((s = config_setting_get_member(g, "snooping")) &&
      get_bool(x, s, &c->snooping))
    return -1;
  if ((s = config_setting_get_member(g, "querier")) &&
      get_bool(x, s, &c->querier))
    return -1;
  if ((s = config_setting_get_member(g, "unregistered")) &&
      get_unreg(x, s, &c->unreg))
    return -1;
  if ((s = config_setting_get_member(g, "max_groups")) &&
      get_u32(x, s, 1, 1 << 20, &c->mdb_max_groups))
    return -1;
  if ((s = config_setting_get_member(g, "max_groups_per_segment")) &&
      get_u32(x, s, 0, 1 << 20, &c->mdb_max_groups_per_segment))
    return -1;
  if ((s = config_setting_get_member(g, "max_members")) &&
      get_u32(x, s, 1, 1 << 22, &c->mdb_max_members))
    return -1;
  if ((s = config_setting_get_member(g, "query_interval")) &&
      get_u32(x, s, 2, 3600, &c->query_interval_s))
    return -1;
  return get_versions(x, g, &c->igmp_version, &c->mld_version);
}

static int parse_evpn(ctx *x, const config_setting_t *g, sw_config *c) {
  static const char *const keys[] = {"mirror_dstport", "prefix", NULL};
  if (need_group(x, g, "evpn") || check_keys(x, g, keys, "evpn"))
    return -1;
  const config_setting_t *s;
  uint32_t v = 0;
  if ((s = config_setting_get_member(g, "mirror_dstport"))) {
    if (get_u32(x, s, 1, 65535, &v))
      return -1;
    c->evpn_dstport = (uint16_t)v;
  }
  if ((s = config_setting_get_member(g, "prefix"))) {
    const char *p = NULL;
    if (get_str(x, s, &p))
      return -1;
    size_t n = strlen(p);
    bool ok = n >= 1 && n <= 6;
    for (size_t i = 0; ok && i < n; i++)
      ok = (p[i] >= 'a' && p[i] <= 'z') || (p[i] >= '0' && p[i] <= '9') ||
           p[i] == '-';
    if (!ok)
      return fail(x, s,
                  "evpn: 'prefix' \"%s\": expected 1..6 characters of "
                  "a-z, 0-9 and '-'",
                  p);
    memcpy(c->evpn_prefix, p, n + 1);
  }
  return 0;
}

static int parse_segment(ctx *x, const config_setting_t *g, sw_seg_cfg *sg,
                         const sw_config *c) {
  static const char *const keys[] = {"vni",
                                     "vlan",
                                     "learn_remote",
                                     "arp_suppress",
                                     "directory",
                                     "strict_remotes",
                                     "max_macs",
                                     "flood",
                                     "budget",
                                     "budget_burst",
                                     "snooping",
                                     "querier",
                                     "querier_ip",
                                     "querier_ip6",
                                     "igmp_version",
                                     "mld_version",
                                     "unregistered",
                                     "encap",
                                     "arp_control_plane_only",
                                     "evpn",
                                     NULL};
  if (need_group(x, g, "segment") || check_keys(x, g, keys, "a segment"))
    return -1;
  sg->line = (int)config_setting_source_line(g);
  sg->snooping = c->snooping;
  sg->querier = c->querier;
  sg->unreg = c->unreg;
  sg->igmp_version = c->igmp_version;
  sg->mld_version = c->mld_version;
  const config_setting_t *s = config_setting_get_member(g, "vni");
  if (!s)
    return fail(x, g, "segment: 'vni' (0..16777215) is required");
  if (get_u32(x, s, 0, VL2_VNI_MAX, &sg->vni))
    return -1;
  uint32_t v = 0;
  if ((s = config_setting_get_member(g, "vlan"))) {
    if (get_u32(x, s, 1, VL2_VID_MAX, &v))
      return -1;
    sg->vlan = (vl2_vid)v;
  } else if (sg->vni >= 1 && sg->vni <= VL2_VID_MAX) {
    sg->vlan = (vl2_vid)sg->vni;
  } else {
    return fail(x, g,
                "segment %u: 'vlan' (1..4094, the local VLAN of this "
                "segment) is required when the VNI is above 4094",
                sg->vni);
  }
  if ((s = config_setting_get_member(g, "evpn")) && get_bool(x, s, &sg->evpn))
    return -1;
  /* EVPN: remote state from the control plane only (no remote learning,
   * flood-list-only ingress, move dampening); ARP/ND answered locally
   * from the EVPN neighbour table unless turned off. */
  if (sg->evpn)
    sg->flags |= VL2_SEG_F_EVPN;
  const struct {
    const char *key;
    uint32_t flag;
    bool def;
  } fl[] = {{"learn_remote", VL2_SEG_F_LEARN_REMOTE, !sg->evpn},
            /* Safe by default: a tunnel packet is accepted only from a
             * VTEP of the flood list (or one a static entry names); false
             * is the flood-and-learn opt-in. */
            {"strict_remotes", VL2_SEG_F_STRICT_REMOTES, true},
            {"arp_suppress", VL2_SEG_F_ARP_SUPPRESS, sg->evpn},
            {"arp_control_plane_only", VL2_SEG_F_SUPPRESS_CP_ONLY, false},
            {"directory", VL2_SEG_F_DIRECTORY, false}};
  for (size_t i = 0; i < sizeof fl / sizeof fl[0]; i++) {
    bool b = fl[i].def;
    if ((s = config_setting_get_member(g, fl[i].key)) && get_bool(x, s, &b))
      return -1;
    if (b)
      sg->flags |= fl[i].flag;
  }
  if ((s = config_setting_get_member(g, "max_macs")) &&
      get_u32(x, s, 0, 1 << 26, &sg->max_macs))
    return -1;
  if ((s = config_setting_get_member(g, "encap"))) {
    const char *e = NULL;
    if (get_str(x, s, &e))
      return -1;
    if (strcmp(e, "vxlan") == 0)
      sg->encap = SW_ENCAP_VXLAN;
    else if (strcmp(e, "geneve") == 0)
      sg->encap = SW_ENCAP_GENEVE;
    else
      return fail(x, s, "segment %u: encap must be \"vxlan\" or \"geneve\"",
                  sg->vni);
  }
  if ((s = config_setting_get_member(g, "flood"))) {
    if (need_list(x, s, "flood"))
      return -1;
    int n = config_setting_length(s);
    sg->flood = xcalloc((size_t)n, sizeof *sg->flood);
    for (int i = 0; i < n; i++) {
      const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
      if (get_ip(x, e, &sg->flood[i]))
        return -1;
      for (int j = 0; j < i; j++)
        if (memcmp(&sg->flood[j], &sg->flood[i], sizeof sg->flood[i]) == 0)
          return fail(x, e, "segment %u: VTEP listed twice in 'flood'",
                      sg->vni);
      sg->flood_cnt++;
    }
  }
  long long bv = 0;
  if ((s = config_setting_get_member(g, "budget"))) {
    if (get_int(x, s, 0, 1000000000, &bv))
      return -1;
    sg->budget = (uint64_t)bv;
  }
  if ((s = config_setting_get_member(g, "budget_burst")) &&
      get_u32(x, s, 0, 100000000, &sg->budget_burst))
    return -1;
  if ((s = config_setting_get_member(g, "snooping")) &&
      get_bool(x, s, &sg->snooping))
    return -1;
  if ((s = config_setting_get_member(g, "querier")) &&
      get_bool(x, s, &sg->querier))
    return -1;
  if ((s = config_setting_get_member(g, "unregistered")) &&
      get_unreg(x, s, &sg->unreg))
    return -1;
  if ((s = config_setting_get_member(g, "querier_ip"))) {
    if (get_ip(x, s, &sg->querier_ip))
      return -1;
    if (sg->querier_ip.family != VL2_AF_INET)
      return fail(x, s, "segment %u: 'querier_ip' must be an IPv4 address",
                  sg->vni);
  }
  if ((s = config_setting_get_member(g, "querier_ip6"))) {
    if (get_ip(x, s, &sg->querier_ip6))
      return -1;
    if (sg->querier_ip6.family != VL2_AF_INET6 ||
        sg->querier_ip6.addr[0] != 0xfe ||
        (sg->querier_ip6.addr[1] & 0xc0) != 0x80)
      return fail(x, s,
                  "segment %u: 'querier_ip6' must be an IPv6 link-local "
                  "address (fe80::/10)",
                  sg->vni);
  }
  if (get_versions(x, g, &sg->igmp_version, &sg->mld_version))
    return -1;
  if (sg->querier && !sg->snooping)
    return fail(x, g, "segment %u: 'querier' needs 'snooping'", sg->vni);
  return 0;
}

static int parse_port(ctx *x, const config_setting_t *g, sw_port_cfg *p,
                      const sw_config *c) {
  static const char *const keys[] = {"name",
                                     "type",
                                     "vlan",
                                     "trunk",
                                     "native",
                                     "flood",
                                     "learn",
                                     "spoof_guard",
                                     "neigh_inspect",
                                     "max_macs",
                                     "mac",
                                     "mtu",
                                     "persist",
                                     "offload",
                                     "storm",
                                     "mcast_router",
                                     "fast_leave",
                                     "netns",
                                     "flood_unknown",
                                     "flood_broadcast",
                                     "flood_multicast",
                                     "qinq",
                                     NULL};
  if (need_group(x, g, "port") || check_keys(x, g, keys, "a port"))
    return -1;
  p->line = (int)config_setting_source_line(g);
  p->storm = c->storm;
  const config_setting_t *s = config_setting_get_member(g, "name");
  if (!s)
    return fail(x, g, "port: 'name' (the interface name) is required");
  if (get_name(x, s, p->name))
    return -1;
  p->type = SW_PORT_TAP;
  if ((s = config_setting_get_member(g, "type"))) {
    const char *t = NULL;
    if (get_str(x, s, &t))
      return -1;
    if (strcmp(t, "tap") == 0)
      p->type = SW_PORT_TAP;
    else if (strcmp(t, "af_packet") == 0)
      p->type = SW_PORT_AFP;
    else
      return fail(x, s,
                  "port %s: type \"%s\" (expected \"tap\" or "
                  "\"af_packet\")",
                  p->name, t);
  }
  const config_setting_t *vl = config_setting_get_member(g, "vlan");
  const config_setting_t *tr = config_setting_get_member(g, "trunk");
  const config_setting_t *nat = config_setting_get_member(g, "native");
  uint32_t v = 0;
  if (vl && tr)
    return fail(x, tr,
                "port %s: 'vlan' (access port) and 'trunk' (trunk "
                "port) exclude each other",
                p->name);
  if (tr) {
    p->mode = VL2_PORT_TRUNK;
    if (need_list(x, tr, "trunk"))
      return -1;
    int n = config_setting_length(tr);
    if (n == 0)
      return fail(x, tr, "port %s: 'trunk' lists no VLAN", p->name);
    p->vlans = xcalloc((size_t)n + 1, sizeof *p->vlans);
    for (int i = 0; i < n; i++) {
      const config_setting_t *e = config_setting_get_elem(tr, (unsigned)i);
      if (get_u32(x, e, 1, VL2_VID_MAX, &v))
        return -1;
      for (size_t j = 0; j < p->vlan_cnt; j++)
        if (p->vlans[j] == v)
          return fail(x, e, "port %s: VLAN %u listed twice in 'trunk'", p->name,
                      v);
      p->vlans[p->vlan_cnt++] = (vl2_vid)v;
    }
    if (nat) {
      if (get_u32(x, nat, 0, VL2_VID_MAX, &v))
        return -1;
      p->pvid = (vl2_vid)v;
      bool listed = v == 0;
      for (size_t j = 0; j < p->vlan_cnt; j++)
        listed = listed || p->vlans[j] == v;
      if (!listed)
        p->vlans[p->vlan_cnt++] = (vl2_vid)v;
    }
  } else {
    p->mode = VL2_PORT_ACCESS;
    if (nat)
      return fail(x, nat,
                  "port %s: 'native' is for trunk ports; an access "
                  "port has 'vlan'",
                  p->name);
    p->pvid = 1;
    if (vl) {
      if (get_u32(x, vl, 1, VL2_VID_MAX, &v))
        return -1;
      p->pvid = (vl2_vid)v;
    }
    p->vlans = xcalloc(1, sizeof *p->vlans);
    p->vlans[0] = p->pvid;
    p->vlan_cnt = 1;
  }
  bool b = false;
  p->flags = VL2_PORT_F_DEFAULT;
  if ((s = config_setting_get_member(g, "flood"))) {
    if (get_bool(x, s, &b))
      return -1;
    if (!b)
      p->flags &= ~(VL2_PORT_F_FLOOD_UNKNOWN | VL2_PORT_F_FLOOD_BCAST |
                    VL2_PORT_F_FLOOD_MCAST);
  }
  /* the three flood controls one by one (each overrides 'flood') */
  static const struct {
    const char *key;
    uint32_t flag;
  } fl[] = {{"flood_unknown", VL2_PORT_F_FLOOD_UNKNOWN},
            {"flood_broadcast", VL2_PORT_F_FLOOD_BCAST},
            {"flood_multicast", VL2_PORT_F_FLOOD_MCAST},
            {"qinq", VL2_PORT_F_QINQ}};
  for (size_t i = 0; i < sizeof fl / sizeof fl[0]; i++) {
    if (!(s = config_setting_get_member(g, fl[i].key)))
      continue;
    if (get_bool(x, s, &b))
      return -1;
    if (b)
      p->flags |= fl[i].flag;
    else
      p->flags &= ~fl[i].flag;
  }
  if ((p->flags & VL2_PORT_F_QINQ) && p->mode != VL2_PORT_TRUNK)
    return fail(x, g,
                "port %s: 'qinq' (802.1ad S-VLANs) needs a trunk port "
                "('trunk = [ ... ]')",
                p->name);
  if ((s = config_setting_get_member(g, "learn"))) {
    if (get_bool(x, s, &b))
      return -1;
    if (!b)
      p->flags &= ~VL2_PORT_F_LEARN;
  }
  if ((s = config_setting_get_member(g, "spoof_guard"))) {
    if (get_bool(x, s, &b))
      return -1;
    if (b)
      p->flags |= VL2_PORT_F_SPOOF_GUARD;
  }
  if ((s = config_setting_get_member(g, "neigh_inspect"))) {
    if (get_bool(x, s, &b))
      return -1;
    if (b)
      p->flags |= VL2_PORT_F_NEIGH_INSPECT;
  }
  if ((s = config_setting_get_member(g, "max_macs")) &&
      get_u32(x, s, 0, 1 << 26, &p->max_macs))
    return -1;
  if ((s = config_setting_get_member(g, "mac"))) {
    if (p->type != SW_PORT_TAP)
      return fail(x, s, "port %s: 'mac' is only for tap ports", p->name);
    if (get_mac(x, s, &p->mac))
      return -1;
    if (is_group(&p->mac) || is_zero(&p->mac))
      return fail(x, s, "port %s: 'mac' must be a unicast, non-zero MAC",
                  p->name);
    p->has_mac = true;
  }
  if ((s = config_setting_get_member(g, "mtu"))) {
    if (p->type != SW_PORT_TAP)
      return fail(x, s, "port %s: 'mtu' is only for tap ports", p->name);
    if (get_u32(x, s, 68, 65535, &p->mtu))
      return -1;
  }
  if ((s = config_setting_get_member(g, "persist"))) {
    if (p->type != SW_PORT_TAP)
      return fail(x, s, "port %s: 'persist' is only for tap ports", p->name);
    if (get_bool(x, s, &p->persist))
      return -1;
  }
  /* TAP offload is on unless turned off: super-frames cross VXLAN as
   * UDP_SEGMENT sends and come back coalesced (issue 12). */
  p->offload = p->type == SW_PORT_TAP;
  if ((s = config_setting_get_member(g, "offload"))) {
    if (p->type != SW_PORT_TAP)
      return fail(x, s, "port %s: 'offload' is only for tap ports", p->name);
    if (get_bool(x, s, &p->offload))
      return -1;
  }
  if ((s = config_setting_get_member(g, "storm")) &&
      parse_storm(x, s, &p->storm))
    return -1;
  if ((s = config_setting_get_member(g, "fast_leave")) &&
      get_bool(x, s, &p->fast_leave))
    return -1;
  if ((s = config_setting_get_member(g, "mcast_router"))) {
    const char *t = NULL;
    if (get_str(x, s, &t))
      return -1;
    if (strcmp(t, "auto") == 0)
      p->mrouter = SW_MROUTER_AUTO;
    else if (strcmp(t, "on") == 0)
      p->mrouter = SW_MROUTER_ON;
    else if (strcmp(t, "off") == 0)
      p->mrouter = SW_MROUTER_OFF;
    else
      return fail(x, s,
                  "port %s: 'mcast_router' \"%s\" (expected \"auto\", "
                  "\"on\" or \"off\")",
                  p->name, t);
  }
  if ((s = config_setting_get_member(g, "netns"))) {
    const char *ns = NULL;
    if (get_str(x, s, &ns))
      return -1;
    /* a name (ip-netns(8)'s /run/netns/NAME) or an absolute path */
    int n;
    if (strchr(ns, '/')) {
      if (ns[0] != '/')
        return fail(x, s,
                    "port %s: netns '%s': a name or an absolute path "
                    "(/proc/PID/ns/net, /run/netns/NAME)",
                    p->name, ns);
      n = snprintf(p->netns, sizeof p->netns, "%s", ns);
    } else {
      if (!ns[0] || strcmp(ns, ".") == 0 || strcmp(ns, "..") == 0)
        return fail(x, s, "port %s: netns '%s' is not a namespace name",
                    p->name, ns);
      n = snprintf(p->netns, sizeof p->netns, "/run/netns/%s", ns);
    }
    if (n < 0 || (size_t)n >= sizeof p->netns)
      return fail(x, s, "port %s: netns '%s' is too long", p->name, ns);
    if (access(p->netns, R_OK))
      return fail(x, s, "port %s: netns '%s': no such network namespace (%s)",
                  p->name, ns, p->netns);
  }
  return 0;
}

static int parse_fdb(ctx *x, const config_setting_t *g, sw_fdb_cfg *f) {
  static const char *const keys[] = {"mac", "vni", "port", "remote", NULL};
  if (need_group(x, g, "fdb entry") || check_keys(x, g, keys, "an fdb entry"))
    return -1;
  f->line = (int)config_setting_source_line(g);
  const config_setting_t *s = config_setting_get_member(g, "mac");
  if (!s)
    return fail(x, g, "fdb entry: 'mac' is required");
  if (get_mac(x, s, &f->mac))
    return -1;
  if (is_group(&f->mac) || is_zero(&f->mac))
    return fail(x, s,
                "fdb entry: a static entry needs a unicast, non-zero "
                "MAC");
  if (!(s = config_setting_get_member(g, "vni")))
    return fail(x, g, "fdb entry: 'vni' is required");
  if (get_u32(x, s, 0, VL2_VNI_MAX, &f->vni))
    return -1;
  const config_setting_t *p = config_setting_get_member(g, "port");
  const config_setting_t *r = config_setting_get_member(g, "remote");
  if ((p == NULL) == (r == NULL))
    return fail(x, g,
                "fdb entry: exactly one of 'port' (a port name) and "
                "'remote' (a VTEP address) is required");
  if (p)
    return get_name(x, p, f->port);
  f->remote = true;
  return get_ip(x, r, &f->addr);
}

static int parse_neigh(ctx *x, const config_setting_t *g, sw_neigh_cfg *n) {
  static const char *const keys[] = {"ip",   "mac",    "vni",
                                     "port", "router", NULL};
  if (need_group(x, g, "neighbour entry") ||
      check_keys(x, g, keys, "a neighbour entry"))
    return -1;
  n->line = (int)config_setting_source_line(g);
  const config_setting_t *s;
  if (!(s = config_setting_get_member(g, "ip")))
    return fail(x, g, "neighbour entry: 'ip' is required");
  if (get_ip(x, s, &n->ip))
    return -1;
  if (!(s = config_setting_get_member(g, "mac")))
    return fail(x, g, "neighbour entry: 'mac' is required");
  if (get_mac(x, s, &n->mac))
    return -1;
  if (is_group(&n->mac) || is_zero(&n->mac))
    return fail(x, s, "neighbour entry: needs a unicast, non-zero MAC");
  if (!(s = config_setting_get_member(g, "vni")))
    return fail(x, g, "neighbour entry: 'vni' is required");
  if (get_u32(x, s, 0, VL2_VNI_MAX, &n->vni))
    return -1;
  if ((s = config_setting_get_member(g, "port")) && get_name(x, s, n->port))
    return -1;
  if ((s = config_setting_get_member(g, "router")) &&
      get_bool(x, s, &n->router))
    return -1;
  return 0;
}

/* --- cross-references ---------------------------------------------------- */

const sw_seg_cfg *sw_config_seg(const sw_config *c, uint32_t vni) {
  for (size_t i = 0; i < c->seg_cnt; i++)
    if (c->segs[i].vni == vni)
      return &c->segs[i];
  return NULL;
}

const sw_seg_cfg *sw_config_seg_by_vlan(const sw_config *c, vl2_vid vid) {
  for (size_t i = 0; i < c->seg_cnt; i++)
    if (c->segs[i].vlan == vid)
      return &c->segs[i];
  return NULL;
}

const sw_port_cfg *sw_config_port(const sw_config *c, const char *name) {
  for (size_t i = 0; i < c->port_cnt; i++)
    if (strcmp(c->ports[i].name, name) == 0)
      return &c->ports[i];
  return NULL;
}

bool sw_config_uses_encap(const sw_config *c, uint8_t encap) {
  for (size_t i = 0; i < c->seg_cnt; i++)
    if (c->segs[i].encap == encap)
      return true;
  return false;
}

static bool port_in_seg(const sw_config *c, const sw_port_cfg *p,
                        uint32_t vni) {
  for (size_t i = 0; i < p->vlan_cnt; i++) {
    const sw_seg_cfg *s = sw_config_seg_by_vlan(c, p->vlans[i]);
    if (s && s->vni == vni)
      return true;
  }
  return false;
}

#define FAILL(line, ...)                                                       \
  do {                                                                         \
    char m_[320];                                                              \
    snprintf(m_, sizeof m_, __VA_ARGS__);                                      \
    snprintf(x->err, x->errlen, "%s:%d: %s", x->file, (line), m_);             \
    return -1;                                                                 \
  } while (0)

static int cross_check(ctx *x, sw_config *c) {
  if (c->port_cnt > c->max_ports)
    FAILL(c->ports[c->max_ports].line,
          "%zu ports configured but limits.max_ports is %u", c->port_cnt,
          c->max_ports);
  if (c->seg_cnt > c->max_segments)
    FAILL(c->segs[c->max_segments].line,
          "%zu segments configured but limits.max_segments is %u", c->seg_cnt,
          c->max_segments);
  for (size_t i = 0; i < c->seg_cnt; i++) {
    for (size_t j = 0; j < i; j++) {
      if (c->segs[j].vni == c->segs[i].vni)
        FAILL(c->segs[i].line,
              "segment VNI %u is defined twice (first at "
              "line %d)",
              c->segs[i].vni, c->segs[j].line);
      if (c->segs[j].vlan == c->segs[i].vlan)
        FAILL(c->segs[i].line,
              "segment %u: VLAN %u is already the VLAN of segment %u (line "
              "%d); each segment needs its own local VLAN",
              c->segs[i].vni, c->segs[i].vlan, c->segs[j].vni, c->segs[j].line);
    }
    if (c->segs[i].flood_cnt && !c->underlay)
      FAILL(c->segs[i].line,
            "segment %u: a 'flood' list of VTEPs needs an 'underlay' section",
            c->segs[i].vni);
    if (c->segs[i].encap == SW_ENCAP_GENEVE && !c->underlay)
      FAILL(c->segs[i].line,
            "segment %u: encap = \"geneve\" needs an 'underlay' section",
            c->segs[i].vni);
    if (c->segs[i].evpn && !c->underlay)
      FAILL(c->segs[i].line,
            "segment %u: 'evpn' needs an 'underlay' section (its 'local' "
            "address is the VTEP announced to the fabric)",
            c->segs[i].vni);
    if (c->segs[i].evpn && c->segs[i].flood_cnt)
      FAILL(c->segs[i].line,
            "segment %u: an 'evpn' segment takes its flood list from "
            "the fabric (type-3 routes); remove 'flood'",
            c->segs[i].vni);
    if (c->segs[i].evpn && c->evpn_dstport == c->udp_port)
      FAILL(c->segs[i].line,
            "segment %u: evpn.mirror_dstport %u must differ from the "
            "underlay port (the kernel mirror would take it)",
            c->segs[i].vni, c->evpn_dstport);
    if (c->segs[i].evpn && c->segs[i].encap == SW_ENCAP_GENEVE)
      FAILL(c->segs[i].line,
            "segment %u: an 'evpn' segment is VXLAN (RFC 8365); remove "
            "encap = \"geneve\"",
            c->segs[i].vni);
  }
  for (size_t i = 0; i < c->port_cnt; i++) {
    const sw_port_cfg *p = &c->ports[i];
    for (size_t j = 0; j < i; j++)
      if (strcmp(c->ports[j].name, p->name) == 0)
        FAILL(p->line, "port %s is defined twice (first at line %d)", p->name,
              c->ports[j].line);
    for (size_t k = 0; k < p->vlan_cnt; k++)
      if (!sw_config_seg_by_vlan(c, p->vlans[k]))
        FAILL(p->line,
              "port %s: VLAN %u belongs to no segment (expected a segment "
              "with vlan = %u)",
              p->name, p->vlans[k], p->vlans[k]);
    if (p->type == SW_PORT_AFP && !p->netns[0] && if_nametoindex(p->name) == 0)
      FAILL(p->line, "port %s: no such interface for an af_packet port",
            p->name);
  }
  for (size_t i = 0; i < c->fdb_cnt; i++) {
    const sw_fdb_cfg *f = &c->fdb[i];
    const sw_seg_cfg *s = sw_config_seg(c, f->vni);
    if (!s)
      FAILL(f->line, "fdb entry: no segment with VNI %u", f->vni);
    if (!f->remote) {
      const sw_port_cfg *p = sw_config_port(c, f->port);
      if (!p)
        FAILL(f->line, "fdb entry: no port named %s", f->port);
      if (!port_in_seg(c, p, f->vni))
        FAILL(f->line, "fdb entry: port %s is not in segment %u", f->port,
              f->vni);
    } else if (!c->underlay) {
      FAILL(f->line, "fdb entry: a 'remote' entry needs an 'underlay' "
                     "section");
    }
    for (size_t j = 0; j < i; j++)
      if (c->fdb[j].vni == f->vni &&
          memcmp(&c->fdb[j].mac, &f->mac, sizeof f->mac) == 0)
        FAILL(f->line,
              "fdb entry: MAC in segment %u listed twice (first at "
              "line %d)",
              f->vni, c->fdb[j].line);
  }
  for (size_t i = 0; i < c->neigh_cnt; i++) {
    const sw_neigh_cfg *n = &c->neigh[i];
    if (!sw_config_seg(c, n->vni))
      FAILL(n->line, "neighbour entry: no segment with VNI %u", n->vni);
    if (n->port[0] && !sw_config_port(c, n->port))
      FAILL(n->line, "neighbour entry: no port named %s", n->port);
  }
  return 0;
}

static void defaults(sw_config *c) {
  vl2_switch_config d;
  vl2_switch_config_default(&d);
  c->max_ports = d.max_ports;
  c->max_segments = d.max_segments;
  c->max_remotes = d.max_remotes;
  c->max_fdb = d.max_fdb;
  c->max_macs_per_port = d.max_macs_per_port;
  c->max_macs_per_segment = d.max_macs_per_segment;
  c->max_neigh = 4096;
  c->ageing_s = d.ageing_ns / VL2_SEC;
  c->udp_port = 4789;
  c->geneve_port = 6081;
  c->mtu = 1500;
  c->sport_lo = SW_SPORT_LO;
  c->sport_hi = SW_SPORT_HI;
  c->gso = true;
  c->gro = true;
  c->max_macs_per_port = SW_DEF_MAX_MACS_PER_PORT;
  c->max_macs_per_remote = SW_DEF_MAX_MACS_PER_REMOTE;
  c->move_threshold = SW_DEF_MOVE_THRESHOLD;
  c->move_window_s = SW_DEF_MOVE_WINDOW_S;
  c->move_holddown_s = SW_DEF_MOVE_HOLDDOWN_S;
  /* Storm control: generous enough never to touch ARP/DHCP/ND (a few
   * frames per second per host), low enough that a VM blasting broadcast
   * or unregistered multicast at line rate is cut to a trickle. */
  c->storm.pps[VL2_STORM_BCAST] = 1000;
  c->storm.pps[VL2_STORM_MCAST_UNREG] = 5000;
  vl2_mdb_config mc;
  vl2_mdb_config_default(&mc);
  c->mdb_max_groups = mc.max_groups;
  c->mdb_max_members = mc.max_members;
  c->query_interval_s = (uint32_t)(mc.query_interval_ns / VL2_SEC);
  c->igmp_version = VL2_MDB_IGMP_V3; /* as Linux: multicast_igmp_version */
  c->mld_version = VL2_MDB_MLD_V2;
  c->evpn_dstport = 4790;
  memcpy(c->evpn_prefix, "vl2", 4);
}

static int builtin(sw_config *c) {
  c->seg_cnt = 1;
  c->segs = xcalloc(1, sizeof *c->segs);
  c->segs[0].vni = 1;
  c->segs[0].vlan = 1;
  c->segs[0].flags = VL2_SEG_F_LEARN_REMOTE;
  c->port_cnt = 2;
  c->ports = xcalloc(2, sizeof *c->ports);
  for (int i = 0; i < 2; i++) {
    sw_port_cfg *p = &c->ports[i];
    snprintf(p->name, sizeof p->name, "vl2tap%d", i);
    p->type = SW_PORT_TAP;
    p->offload = true;
    p->mode = VL2_PORT_ACCESS;
    p->pvid = 1;
    p->vlans = xcalloc(1, sizeof *p->vlans);
    p->vlans[0] = 1;
    p->vlan_cnt = 1;
    p->flags = VL2_PORT_F_DEFAULT;
    p->storm = c->storm;
  }
  return 0;
}

void sw_config_free(sw_config *c) {
  if (!c)
    return;
  for (size_t i = 0; i < c->port_cnt; i++)
    free(c->ports[i].vlans);
  for (size_t i = 0; i < c->seg_cnt; i++)
    free(c->segs[i].flood);
  free(c->ports);
  free(c->segs);
  free(c->fdb);
  free(c->neigh);
  free(c->path);
  memset(c, 0, sizeof *c);
}

static int parse_file(ctx *x, config_t *cf, sw_config *c) {
  config_setting_t *root = config_root_setting(cf);
  static const char *const keys[] = {
      "limits", "underlay", "segments",  "ports", "fdb",
      "neigh",  "storm",    "multicast", "evpn",  NULL};
  if (check_keys(x, root, keys, "the file"))
    return -1;
  const config_setting_t *s;
  if ((s = config_setting_get_member(root, "limits")) && parse_limits(x, s, c))
    return -1;
  if ((s = config_setting_get_member(root, "storm")) &&
      parse_storm(x, s, &c->storm))
    return -1;
  if ((s = config_setting_get_member(root, "multicast")) &&
      parse_multicast(x, s, c))
    return -1;
  if ((s = config_setting_get_member(root, "underlay")) &&
      parse_underlay(x, s, c))
    return -1;
  if ((s = config_setting_get_member(root, "evpn")) && parse_evpn(x, s, c))
    return -1;
  if ((s = config_setting_get_member(root, "segments"))) {
    if (need_list(x, s, "segments"))
      return -1;
    int n = config_setting_length(s);
    c->segs = xcalloc((size_t)n, sizeof *c->segs);
    for (int i = 0; i < n; i++) {
      c->seg_cnt++;
      if (parse_segment(x, config_setting_get_elem(s, (unsigned)i), &c->segs[i],
                        c))
        return -1;
    }
  }
  if ((s = config_setting_get_member(root, "ports"))) {
    if (need_list(x, s, "ports"))
      return -1;
    int n = config_setting_length(s);
    c->ports = xcalloc((size_t)n, sizeof *c->ports);
    for (int i = 0; i < n; i++) {
      c->port_cnt++;
      if (parse_port(x, config_setting_get_elem(s, (unsigned)i), &c->ports[i],
                     c))
        return -1;
    }
  }
  if ((s = config_setting_get_member(root, "fdb"))) {
    if (need_list(x, s, "fdb"))
      return -1;
    int n = config_setting_length(s);
    c->fdb = xcalloc((size_t)n, sizeof *c->fdb);
    for (int i = 0; i < n; i++) {
      c->fdb_cnt++;
      if (parse_fdb(x, config_setting_get_elem(s, (unsigned)i), &c->fdb[i]))
        return -1;
    }
  }
  if ((s = config_setting_get_member(root, "neigh"))) {
    if (need_list(x, s, "neigh"))
      return -1;
    int n = config_setting_length(s);
    c->neigh = xcalloc((size_t)n, sizeof *c->neigh);
    for (int i = 0; i < n; i++) {
      c->neigh_cnt++;
      if (parse_neigh(x, config_setting_get_elem(s, (unsigned)i), &c->neigh[i]))
        return -1;
    }
  }
  if (c->port_cnt == 0) {
    snprintf(x->err, x->errlen,
             "%s: no 'ports' configured (expected ports "
             "= ( { name = \"...\"; vlan = N; } );)",
             x->file);
    return -1;
  }
  return cross_check(x, c);
}

int sw_config_load(const char *path, sw_config *out, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  defaults(out);
  ctx x = {path ? path : "(built-in)", err, errlen};
  if (!path) {
    builtin(out);
    return cross_check(&x, out) ? (sw_config_free(out), -1) : 0;
  }
  FILE *f = fopen(path, "r");
  if (!f) {
    snprintf(err, errlen, "%s: cannot open: %m", path);
    sw_config_free(out);
    return -1;
  }
  config_t cf;
  config_init(&cf);
  int ok = config_read(&cf, f);
  fclose(f);
  if (ok != CONFIG_TRUE) {
    const char *t = config_error_text(&cf);
    if (!t || strcmp(t, "syntax error") == 0)
      snprintf(err, errlen, "%s:%d: syntax error", path,
               config_error_line(&cf));
    else
      snprintf(err, errlen, "%s:%d: syntax error: %s", path,
               config_error_line(&cf), t);
    config_destroy(&cf);
    sw_config_free(out);
    return -1;
  }
  /* libconfig records no file name for a FILE * read; ours is used. */
  int rv = parse_file(&x, &cf, out);
  config_destroy(&cf);
  if (rv) {
    sw_config_free(out);
    return -1;
  }
  out->path = strdup(path);
  return 0;
}
