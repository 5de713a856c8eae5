/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * @defgroup mdb IGMP/MLD snooping (MDB)
 *
 * The multicast database: per (segment, group) the local ports and remote
 * endpoints that want the group, learned by snooping IGMP (v1 RFC 1112,
 * v2 RFC 2236, v3 RFC 3376) and MLD (v1 RFC 2710, v2 RFC 3810) as RFC 4541
 * describes, plus the segment's router ports.
 *
 * Snooping is off in a new switch and per segment: enable it with
 * vl2_mdb_segment_set(). With it on, the switch's flood path treats a
 * frame to an IP multicast MAC (01:00:5e:... with IPv4, 33:33:... with
 * IPv6) as follows:
 * - a membership report (and an IGMPv2 leave, MLD done) updates the MDB
 *   and is forwarded to router ports only (RFC 4541 section 2.1.1 (1));
 *   with no router port it is absorbed (::VL2_ACT_CONSUMED);
 * - a query is flooded, and its ingress becomes a router port for the
 *   router timeout (unless the query's source is 0.0.0.0 or ::);
 * - data to a group in 224.0.0.0/24 (RFC 4541 section 2.1.2 (2)), to
 *   ff02::1 (section 3) or to a reserved or interface-local IPv6 group
 *   (ff00::/15) is flooded as before;
 * - data to a registered group goes to its members and the router ports;
 * - data to an unregistered group follows the segment's policy: flood
 *   (the default), or router ports only;
 * - frames that are not IP (or whose IP destination does not match the
 *   MAC) are flooded unchanged; an IGMP/MLD message that fails validation
 *   (length, checksum, a group that is not multicast) is dropped with
 *   ::VL2_DROP_MCAST_INVALID.
 *
 * Source lists: IGMPv3 and MLDv2 source-specific records are treated as
 * any-source (the "IGMPv3/MLDv2-lite" simplification RFC 4604 allows a
 * switch): a record that asks for any source (EXCLUDE, ALLOW, IS_INCLUDE
 * or TO_INCLUDE with sources) joins the group for every source; TO_INCLUDE
 * with no source (and IS_INCLUDE with none) is a leave; BLOCK_OLD_SOURCES
 * changes nothing.
 *
 * Timers follow RFC 3376 section 8 / RFC 3810 section 9 with the
 * defaults of ::vl2_mdb_config: a membership lasts 260 s after its last
 * report; a leave shortens it to last_member_count * last_member_ns (2 s),
 * unless the port is set for fast leave; a router port learned from a
 * query lasts 255 s.
 *
 * An optional querier per segment (off by default, as in the Linux bridge)
 * sends IGMPv3 and MLDv2 general queries (or IGMPv2 and MLDv1, see
 * ::vl2_mdb_segment_config) through vl2_switch_poll_tx() so a segment
 * without a multicast router still learns its members. Election
 * follows RFC 3376 section 6.6.2 / RFC 3810 section 7.6.2: a query from
 * a lower address (or any query, when ours is 0.0.0.0 / ::) silences ours
 * for the other-querier-present interval.
 *
 * Limits: groups in total and per segment are bounded; a group that cannot
 * be created is counted (::vl2_mdb_stats.group_limit_hits) and its traffic
 * follows the unregistered rule.
 *
 * Thread-safety: as the ::vl2_switch the functions take.
 * @{
 */
#ifndef VL2_MDB_H
#define VL2_MDB_H

#include <vl2/common.h>
#include <vl2/switch.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Version 1 of ::vl2_mdb_config. */
#define VL2_MDB_CONFIG_V1 1
/** The ::vl2_mdb_config version these headers describe. */
#define VL2_MDB_CONFIG_VERSION VL2_MDB_CONFIG_V1

/** Switch-wide MDB limits and timers; vl2_mdb_setup() copies it. */
typedef struct vl2_mdb_config {
  /** Groups in all segments. Default 4096; 1 .. 2^20. */
  uint32_t max_groups;
  /** Groups one segment may hold; 0: no per-segment limit. Default 0. */
  uint32_t max_groups_per_segment;
  /** Memberships (group, port or endpoint) and router ports in all
   * segments together. Default 16384; 1 .. 2^22. */
  uint32_t max_members;
  /** Robustness variable (RFC 3376 section 8.1). Default 2; 1 .. 7. */
  uint32_t robustness;
  /** Query interval (RFC 3376 section 8.2). Default 125 s. */
  vl2_duration query_interval_ns;
  /** Query response interval (RFC 3376 section 8.3). Default 10 s. */
  vl2_duration query_response_ns;
  /** Group membership interval (RFC 3376 section 8.4): robustness *
   * query interval + query response interval. 0 means that computed
   * value (260 s with the defaults). */
  vl2_duration membership_ns;
  /** How long a router port learned from a query lasts (other querier
   * present interval, RFC 3376 section 8.5). 0 means robustness * query
   * interval + half the response interval (255 s). */
  vl2_duration router_ns;
  /** Last member query interval (RFC 3376 section 8.8). Default 1 s. */
  vl2_duration last_member_ns;
  /** Last member query count (RFC 3376 section 8.9). 0 means the
   * robustness. */
  uint32_t last_member_count;
  uint32_t reserved; /**< Zero. */
} vl2_mdb_config;

/**
 * Fill @p cfg with the defaults of config version @p version.
 *
 * @param version
 *   ::VL2_MDB_CONFIG_VERSION (use vl2_mdb_config_default()).
 * @param cfg
 *   Written; must not be NULL.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID @p cfg is NULL.
 * @retval VL2_ERR_VERSION @p version is unknown.
 * @since 0.2.0
 */
VL2_EXTERN int vl2_mdb_config_default_versioned(int version,
                                                vl2_mdb_config *cfg);

/** vl2_mdb_config_default_versioned() for this header's version. */
#define vl2_mdb_config_default(cfg)                                            \
  vl2_mdb_config_default_versioned(VL2_MDB_CONFIG_VERSION, (cfg))

/**
 * Allocate the switch's MDB with @p cfg's limits, or change its timers.
 * The tables are allocated once; a second call may change the timers
 * only (limits must be unchanged). vl2_mdb_segment_set() calls it with
 * the defaults when no MDB exists yet.
 *
 * @param sw
 *   The switch.
 * @param version
 *   ::VL2_MDB_CONFIG_VERSION (use the vl2_mdb_setup() macro).
 * @param cfg
 *   Copied; NULL means the defaults.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID NULL @p sw, a limit out of range, a second
 *         call that changes a limit, or a non-zero `reserved`.
 * @retval VL2_ERR_VERSION @p version is unknown.
 * @retval VL2_ERR_NOMEM allocation failed; nothing is left allocated.
 * @since 0.2.0
 */
VL2_EXTERN int vl2_mdb_setup_versioned(vl2_switch *sw, int version,
                                       const vl2_mdb_config *cfg);

/** vl2_mdb_setup_versioned() for this header's config version. */
#define vl2_mdb_setup(sw, cfg)                                                 \
  vl2_mdb_setup_versioned((sw), VL2_MDB_CONFIG_VERSION, (cfg))

/** Segment MDB flag: snoop IGMP/MLD and forward multicast by the MDB. */
#define VL2_MDB_F_SNOOP 0x01u
/** Segment MDB flag: act as IGMP and MLD querier when no other querier
 * with a lower address is heard (needs ::VL2_MDB_F_SNOOP). */
#define VL2_MDB_F_QUERIER 0x02u

/** Unregistered multicast: flood to every member (the default; RFC 4541
 * section 2.1.2 (3) "should be forwarded to all ports"). */
#define VL2_MDB_UNREG_FLOOD 0
/** Unregistered multicast: to router ports only. */
#define VL2_MDB_UNREG_ROUTERS 1

/** Querier version: IGMPv2 queries (RFC 2236 section 2, 8 bytes). */
#define VL2_MDB_IGMP_V2 2
/** Querier version: IGMPv3 queries (RFC 3376 section 4.1, 12 bytes; the
 * default, as the Linux bridge's `multicast_igmp_version` 3). */
#define VL2_MDB_IGMP_V3 3
/** Querier version: MLDv1 queries (RFC 2710 section 3, 24 bytes). */
#define VL2_MDB_MLD_V1 1
/** Querier version: MLDv2 queries (RFC 3810 section 5.1, 28 bytes; the
 * default, as the Linux bridge's `multicast_mld_version` 2). */
#define VL2_MDB_MLD_V2 2

/**
 * A segment's snooping settings; vl2_mdb_segment_set() copies it.
 *
 * The querier's version: with ::VL2_MDB_IGMP_V3 (the default) general
 * queries are IGMPv3 (RFC 3376 section 4.1: Max Resp Code and QQIC in
 * the exponential code of section 4.1.1, QRV the robustness, S flag
 * clear, no sources) to 224.0.0.1, and a leave gets a group-specific
 * IGMPv3 query to the group. With ::VL2_MDB_MLD_V2 (the default) MLD
 * queries are MLDv2 (RFC 3810 section 5.1, Maximum Response Code of
 * section 5.1.3). Either way a query from an older querier on the
 * segment (an IGMPv1/v2 query of 8 bytes, an MLDv1 query of 24 bytes)
 * makes ours the older version (IGMPv2, MLDv1) for the Older Version
 * Querier Present Timeout, robustness * query interval + query response
 * interval (RFC 3376 sections 7.3.1 and 8.12, RFC 3810 sections 8.3.1
 * and 9.12): the lowest version present is used. IGMPv1 queriers are
 * answered with IGMPv2 queries (an IGMPv1 host reads them as its own).
 */
typedef struct vl2_mdb_segment_config {
  uint32_t flags;        /**< `VL2_MDB_F_*`. */
  uint32_t unreg_policy; /**< `VL2_MDB_UNREG_*`. */
  /** Groups this segment may hold; 0 takes max_groups_per_segment. */
  uint32_t max_groups;
  /** Querier: IGMP version of its queries, ::VL2_MDB_IGMP_V2 or
   * ::VL2_MDB_IGMP_V3; 0 means ::VL2_MDB_IGMP_V3. vl2_mdb_segment_get()
   * returns the version in effect (never 0). @since 0.2.0 */
  uint8_t igmp_version;
  /** Querier: MLD version of its queries, ::VL2_MDB_MLD_V1 or
   * ::VL2_MDB_MLD_V2; 0 means ::VL2_MDB_MLD_V2. @since 0.2.0 */
  uint8_t mld_version;
  uint16_t reserved; /**< Zero. */
  /** Querier: source MAC of its queries (a unicast MAC). */
  vl2_mac querier_mac;
  uint16_t reserved1; /**< Zero. */
  /** Querier: IPv4 source of its IGMP queries (::VL2_AF_INET; all zero or
   * ::VL2_AF_NONE means 0.0.0.0, which loses every election). */
  vl2_ipaddr querier_ip4;
  /** Querier: IPv6 link-local source of its MLD queries
   * (::VL2_AF_INET6; ::VL2_AF_NONE means ::, which loses every
   * election). */
  vl2_ipaddr querier_ip6;
} vl2_mdb_segment_config;

/**
 * Set a segment's snooping. Turning ::VL2_MDB_F_SNOOP off forgets the
 * segment's groups and learned router ports; turning the querier on
 * sends a first general query at the next vl2_switch_run_timers().
 *
 * @param sw
 *   The switch.
 * @param vni
 *   An existing segment.
 * @param cfg
 *   Copied; NULL turns snooping off.
 * @param now
 *   The current time.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID NULL @p sw, an unknown flag or policy, the
 *         querier without snooping, a querier address of the wrong
 *         family, an IGMP version other than 0, 2, 3, an MLD version
 *         other than 0, 1, 2, or a non-zero `reserved` or `reserved1`
 *         (fields later versions may use).
 * @retval VL2_ERR_NOTFOUND no such segment.
 * @retval VL2_ERR_NOMEM the MDB (default limits) could not be allocated.
 * @since 0.2.0
 */
VL2_EXTERN int vl2_mdb_segment_set(vl2_switch *sw, uint32_t vni,
                                   const vl2_mdb_segment_config *cfg,
                                   vl2_tstamp now);

/**
 * Read a segment's snooping settings (all zero when off).
 *
 * @param sw
 *   The switch.
 * @param vni
 *   An existing segment.
 * @param cfg
 *   Written.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID NULL argument.
 * @retval VL2_ERR_NOTFOUND no such segment.
 * @since 0.2.0
 */
VL2_EXTERN int vl2_mdb_segment_get(const vl2_switch *sw, uint32_t vni,
                                   vl2_mdb_segment_config *cfg);

/** Router mode: learned from queries (the default). */
#define VL2_MDB_ROUTER_AUTO 0
/** Router mode: never a router port. */
#define VL2_MDB_ROUTER_OFF 1
/** Router mode: always a router port. */
#define VL2_MDB_ROUTER_ON 2

/**
 * Set whether a port, or a remote endpoint of the segment's flood list, is
 * a router port of a segment (the Linux bridge's `multicast_router`: 1
 * auto, 0 off, 2 on). Router ports receive every report and all
 * multicast. To carry memberships across the overlay without a querier,
 * set the remote endpoints ::VL2_MDB_ROUTER_ON.
 *
 * @param sw
 *   The switch.
 * @param vni
 *   A segment with snooping on.
 * @param port
 *   A port of the segment, or ::VL2_PORT_REMOTE with @p remote.
 * @param remote
 *   With ::VL2_PORT_REMOTE, an endpoint in the segment's flood list; else
 *   ignored (may be NULL).
 * @param mode
 *   `VL2_MDB_ROUTER_*`.
 * @param now
 *   The current time.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID NULL @p sw, bad @p mode, or ::VL2_PORT_REMOTE
 *         with a NULL @p remote.
 * @retval VL2_ERR_NOTFOUND no such segment (or snooping is off in it), or
 *         the port or endpoint is not in it.
 * @retval VL2_ERR_LIMIT max_members are in use.
 * @since 0.2.0
 */
VL2_EXTERN int vl2_mdb_router_set(vl2_switch *sw, uint32_t vni, uint32_t port,
                                  const vl2_ipaddr *remote, unsigned mode,
                                  vl2_tstamp now);

/**
 * Set fast leave on a port (the Linux bridge's `fastleave`): a leave from
 * it removes its membership at once instead of after the last-member
 * time. Use it on ports with one host behind them.
 *
 * @param sw
 *   The switch.
 * @param port
 *   An existing port.
 * @param on
 *   Non-zero to enable.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID NULL @p sw.
 * @retval VL2_ERR_NOTFOUND no such port.
 * @retval VL2_ERR_NOMEM the MDB (default limits) could not be allocated.
 * @since 0.2.0
 */
VL2_EXTERN int vl2_mdb_port_fast_leave(vl2_switch *sw, uint32_t port, int on);

/** MDB row flag: a router port (`group` is ::VL2_AF_NONE). */
#define VL2_MDB_E_ROUTER 0x01u
/** MDB row flag: set by vl2_mdb_router_set(), never expires. */
#define VL2_MDB_E_PERMANENT 0x02u
/** MDB row flag: a leave was heard; it expires at the last-member time. */
#define VL2_MDB_E_LEAVING 0x04u
/** MDB row flag: IGMPv3/MLDv2 report with sources, kept as any-source. */
#define VL2_MDB_E_SOURCES 0x08u

/** One MDB row: a group's member, or a router port (`bridge mdb show`). */
typedef struct vl2_mdb_entry {
  uint32_t vni;      /**< The segment. */
  uint32_t flags;    /**< `VL2_MDB_E_*`. */
  vl2_ipaddr group;  /**< The group; ::VL2_AF_NONE for a router port. */
  uint32_t port;     /**< A port id, or ::VL2_PORT_REMOTE. */
  uint32_t reserved; /**< Zero. */
  vl2_ipaddr remote; /**< With ::VL2_PORT_REMOTE: the endpoint. */
  /** When it expires (absolute), or ::VL2_TSTAMP_NONE. */
  vl2_tstamp expires;
} vl2_mdb_entry;

/**
 * Iterate the MDB: group memberships, then router ports, of every segment.
 * Expired rows are skipped. Modifying the switch between calls may skip
 * or repeat rows, never crash.
 *
 * @param sw
 *   The switch.
 * @param cursor
 *   0 to start; advanced by each call. Must not be NULL.
 * @param e
 *   Written when a row is returned.
 * @param now
 *   The current time (expired rows are skipped).
 * @return
 *   1 when a row was written, 0 at the end.
 * @retval VL2_ERR_INVALID NULL argument.
 * @since 0.2.0
 */
VL2_EXTERN int vl2_mdb_next(const vl2_switch *sw, uint64_t *cursor,
                            vl2_mdb_entry *e, vl2_tstamp now);

/** MDB counters, switch-wide or of one segment. */
typedef struct vl2_mdb_stats {
  uint64_t igmp_queries;      /**< IGMP queries seen. */
  uint64_t igmp_reports;      /**< IGMP v1/v2/v3 reports seen. */
  uint64_t igmp_leaves;       /**< IGMPv2 leaves seen. */
  uint64_t mld_queries;       /**< MLD queries seen. */
  uint64_t mld_reports;       /**< MLD v1/v2 reports seen. */
  uint64_t mld_dones;         /**< MLDv1 dones seen. */
  uint64_t invalid;           /**< Messages that failed validation
                                   (dropped with ::VL2_DROP_MCAST_INVALID),
                                   among them IGMPv3/MLDv2 queries whose
                                   source count does not fit their length
                                   (RFC 3376 section 4.1.8); they take no
                                   part in the election. */
  uint64_t ignored;           /**< Valid records not snooped: link-local
                                   or reserved groups, reports from an
                                   endpoint outside the flood list. */
  uint64_t joins;             /**< Memberships created. */
  uint64_t leaves;            /**< Memberships removed by a leave. */
  uint64_t expired;           /**< Memberships and router ports timed out. */
  uint64_t group_limit_hits;  /**< Groups not created (a limit). */
  uint64_t member_limit_hits; /**< Memberships not recorded (max_members);
                                   the group then follows the
                                   unregistered rule. */
  uint64_t fwd_registered;    /**< Data frames forwarded by the MDB. */
  uint64_t fwd_unregistered;  /**< Data frames to unregistered groups. */
  uint64_t fwd_link_local;    /**< Data frames to always-flooded groups. */
  uint64_t queries_sent;      /**< General queries our querier sent
                                   (either version). */
  uint64_t querier_lost;      /**< Times another querier won. */
  uint64_t groups;            /**< Groups now. */
  uint64_t members;           /**< Memberships and router ports now. */
} vl2_mdb_stats;

/**
 * Read MDB counters. Call it through vl2_mdb_get_stats().
 *
 * @param sw
 *   The switch.
 * @param vni
 *   A segment, or `UINT32_MAX` for the switch-wide sums.
 * @param st_size
 *   `sizeof(*st)` as the caller was compiled; the macro passes it. A
 *   binary built against older headers (a shorter struct) gets the
 *   counters it knows; one built against newer headers gets zeros for
 *   counters this library does not have. Counters are only ever added
 *   at the end.
 * @param st
 *   Written (@p st_size bytes; zero when no MDB exists).
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID NULL argument or an @p st_size of 0.
 * @retval VL2_ERR_NOTFOUND no such segment.
 * @since 0.2.0
 */
VL2_EXTERN int vl2_mdb_get_stats_versioned(const vl2_switch *sw, uint32_t vni,
                                           size_t st_size, vl2_mdb_stats *st);
/** vl2_mdb_get_stats_versioned() with the size these headers give. */
#define vl2_mdb_get_stats(sw, vni, st)                                         \
  vl2_mdb_get_stats_versioned((sw), (vni), sizeof(vl2_mdb_stats), (st))

/** Output kind of vl2_switch_poll_tx() (::vl2_tx_meta `kind`, beside
 * the `VL2_TX_*` kinds of switch.h): an IGMP or MLD query of the
 * segment's querier, one copy per member. */
#define VL2_TX_MCAST_QUERY 6

/** @name MDB events (::vl2_event `type`)
 * `vni` the segment, `ip` the group (::VL2_AF_NONE for router events),
 * `port`/`remote` the member, `at` the time.
 * @{ */
/** Event: a port or endpoint joined a group (first report). */
#define VL2_EV_MDB_JOIN 56
/** Event: a membership ended (leave or timeout; `reason` 1 timeout). */
#define VL2_EV_MDB_LEAVE 57
/** Event: a group could not be created (limit); `reason` 1 total, 2
 * segment, 3 members. */
#define VL2_EV_MDB_LIMIT 58
/** Event: a router port appeared (`reason` 1) or expired (`reason` 0). */
#define VL2_EV_MDB_ROUTER 59
/** @} */

#ifdef __cplusplus
}
#endif

/** @} */
#endif /* !defined(VL2_MDB_H) */
