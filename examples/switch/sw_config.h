/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * vl2-switch's configuration: the file (libconfig format, see
 * vl2-switch.conf.5) or the built-in default, parsed and fully validated
 * into plain data before anything is created.
 */
#ifndef VL2SW_CONFIG_H
#define VL2SW_CONFIG_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vl2/common.h>

#define SW_MAX_PORTS 4096
/* The underlay's default outer UDP source ports: 64, enough that 16 inner
 * flows mostly land on distinct ports, few enough to bind a socket each;
 * in the IANA dynamic range RFC 7348 section 5 recommends (49152..65535)
 * and above Linux's default ephemeral ports (32768..60999), so binding
 * them does not collide with the host's own connections. */
#define SW_SPORT_LO 61000
#define SW_SPORT_HI 61063
#define SW_MAX_TRUNK_VLANS 4094
#define SW_PORT_TAP 0
#define SW_PORT_AFP 1
/* A segment's tunnel encapsulation. */
#define SW_ENCAP_VXLAN 0  /* RFC 7348, underlay.port (4789) */
#define SW_ENCAP_GENEVE 1 /* RFC 8926, underlay.geneve_port (6081) */
/* Safe defaults (vl2-switch.conf(5)): MACs one port or one remote VTEP may
 * own, and MAC-move dampening as RFC 7432 section 15.1 suggests (5 moves
 * in 180 s), held down for 180 s. */
#define SW_DEF_MAX_MACS_PER_PORT 1024
#define SW_DEF_MAX_MACS_PER_REMOTE 4096
#define SW_DEF_MOVE_THRESHOLD 5
#define SW_DEF_MOVE_WINDOW_S 180
#define SW_DEF_MOVE_HOLDDOWN_S 180

/* Storm control of a port (vl2/storm.h), frames per second by class in
 * VL2_STORM_* order: broadcast, unknown unicast, unregistered multicast,
 * all multicast; 0 = no limit. */
typedef struct sw_storm_cfg {
  uint64_t pps[4];
  uint32_t burst;      /* frames; 0 = one second of each class's rate */
  uint32_t holddown_s; /* err-disable hold-down; 0 = off */
} sw_storm_cfg;

/* Multicast router mode of a port (VL2_MDB_ROUTER_*). */
#define SW_MROUTER_AUTO 0
#define SW_MROUTER_OFF 1
#define SW_MROUTER_ON 2

typedef struct sw_port_cfg {
  char name[IFNAMSIZ];
  int type;       /* SW_PORT_TAP or SW_PORT_AFP */
  uint8_t mode;   /* VL2_PORT_ACCESS / VL2_PORT_TRUNK */
  vl2_vid pvid;   /* access VLAN, or trunk native VLAN (0: none) */
  vl2_vid *vlans; /* trunk: allowed VLANs (pvid included if set) */
  size_t vlan_cnt;
  uint32_t flags; /* VL2_PORT_F_* */
  uint32_t max_macs;
  bool persist; /* TAP: keep the interface after exit */
  bool has_mac;
  vl2_mac mac;  /* TAP: interface MAC */
  uint32_t mtu; /* TAP: 0 = leave */
  bool offload; /* TAP: offload=1 (virtio-net header, TSO carried) */
  sw_storm_cfg storm;
  uint8_t mrouter; /* SW_MROUTER_* */
  bool fast_leave;
  /* The network namespace the interface lives in: a path (netns = "NAME"
   * is /run/netns/NAME); "" for ours. */
  char netns[256];
  int line;
} sw_port_cfg;

typedef struct sw_seg_cfg {
  uint32_t vni;
  vl2_vid vlan;   /* the local VLAN mapped to this segment on every port */
  uint32_t flags; /* VL2_SEG_F_* */
  uint32_t max_macs;
  uint8_t encap;     /* SW_ENCAP_* */
  vl2_ipaddr *flood; /* remote VTEPs */
  size_t flood_cnt;
  uint64_t budget;       /* replication budget, copies/s; 0 = none */
  uint32_t budget_burst; /* copies; 0 = one second of budget */
  bool snooping, querier;
  uint32_t unreg; /* VL2_MDB_UNREG_* */
  vl2_ipaddr querier_ip, querier_ip6;
  uint8_t igmp_version, mld_version; /* querier: VL2_MDB_IGMP_V*, _MLD_V* */
  bool evpn; /* remote state from BGP EVPN (libvl2-evpn) */
  int line;
} sw_seg_cfg;

typedef struct sw_fdb_cfg {
  vl2_mac mac;
  uint32_t vni;
  bool remote;
  char port[IFNAMSIZ];
  vl2_ipaddr addr;
  int line;
} sw_fdb_cfg;

typedef struct sw_neigh_cfg {
  vl2_ipaddr ip;
  vl2_mac mac;
  uint32_t vni;
  char port[IFNAMSIZ]; /* "" = any */
  bool router;
  int line;
} sw_neigh_cfg;

typedef struct sw_config {
  char *path; /* NULL for the built-in default */
  /* switch limits */
  uint32_t max_ports, max_segments, max_remotes, max_fdb;
  uint32_t max_macs_per_port, max_macs_per_segment, max_neigh;
  uint32_t max_macs_per_remote;
  uint64_t ageing_s;
  /* MAC/IP move dampening (0 threshold: off) */
  uint32_t move_threshold;
  uint64_t move_window_s, move_holddown_s;
  /* underlay */
  bool underlay;
  vl2_ipaddr local;
  uint16_t udp_port;    /* VXLAN */
  uint16_t geneve_port; /* Geneve */
  bool udp6_zero_csum;  /* RFC 6935/6936 zero UDP checksums over IPv6 */
  uint32_t mtu;
  /* outer UDP source ports (RFC 7348 section 5): the core's per-flow
   * range, one transmit socket bound to each */
  uint16_t sport_lo, sport_hi;
  bool gso, gro; /* UDP_SEGMENT sends; UDP_GRO + inner TCP coalescing */
  /* storm control and IGMP/MLD snooping defaults */
  sw_storm_cfg storm;
  bool snooping, querier;
  uint32_t unreg;
  uint32_t mdb_max_groups, mdb_max_groups_per_segment, mdb_max_members;
  uint32_t query_interval_s;
  uint8_t igmp_version, mld_version; /* querier versions (segment default) */
  /* evpn (the BGP EVPN adapter's mirror objects) */
  uint16_t evpn_dstport; /* the mirror vxlan devices' UDP port */
  char evpn_prefix[8];   /* their names' prefix */
  sw_port_cfg *ports;
  size_t port_cnt;
  sw_seg_cfg *segs;
  size_t seg_cnt;
  sw_fdb_cfg *fdb;
  size_t fdb_cnt;
  sw_neigh_cfg *neigh;
  size_t neigh_cnt;
} sw_config;

/* Load and validate |path| (NULL: the built-in default) into |*out|. On
 * failure returns -1 with a one-line message "FILE:LINE: what" in |err|
 * and leaves nothing allocated. */
int sw_config_load(const char *path, sw_config *out, char *err, size_t errlen);
void sw_config_free(sw_config *c);

const sw_seg_cfg *sw_config_seg(const sw_config *c, uint32_t vni);
const sw_seg_cfg *sw_config_seg_by_vlan(const sw_config *c, vl2_vid vid);
const sw_port_cfg *sw_config_port(const sw_config *c, const char *name);
/* Whether some segment uses encapsulation |encap| (SW_ENCAP_*). */
bool sw_config_uses_encap(const sw_config *c, uint8_t encap);

int sw_parse_mac(const char *s, vl2_mac *m);
int sw_parse_ip(const char *s, vl2_ipaddr *a);
void sw_format_mac(const vl2_mac *m, char *buf, size_t len);
void sw_format_ip(const vl2_ipaddr *a, char *buf, size_t len);

#endif
