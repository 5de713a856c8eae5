/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * @defgroup evpn EVPN control-plane adapter (libvl2-evpn)
 *
 * Joins a BGP EVPN fabric (RFC 7432, RFC 8365) through FRR's zebra, which
 * speaks to data planes only through kernel objects. Per EVPN segment
 * the adapter keeps a "mirror" in the kernel that carries no traffic: a
 * bridge with a fixed MAC, a vxlan device with the segment's VNI, `local`
 * set to the underlay address, `nolearning` and a UDP destination port
 * that is not the data port (4790 by default), and an idle veth pair whose
 * one end is the bridge's "mirror port"; bridge-port learning is off.
 *
 * It reads what zebra writes there (netlink, RTNLGRP_NEIGH and
 * RTNLGRP_LINK, through libnl-route-3) and applies it to a ::vl2_switch:
 * - type-3 (IMET) routes, written as `00:00:00:00:00:00 dst VTEP self`
 *   on the vxlan device: the segment's flood list
 *   (vl2_switch_remote_add());
 * - type-2 MAC routes, written as a master entry on the vxlan port plus a
 *   self entry with `dst VTEP`: control-plane FDB entries
 *   (::VL2_FDB_F_EVPN). Whether a MAC is remote is decided by the master
 *   entry alone (zebra leaves a stale self entry behind when a MAC moves
 *   here); only the VTEP comes from the self entry. Withdrawals remove
 *   them with vl2_fdb_del_if(), so a MAC that moved here stays;
 * - type-2 MAC/IP routes, written as `extern_learn` neighbours on the
 *   bridge: remote neighbour entries (::VL2_NEIGH_F_EVPN) that ARP/ND
 *   suppression answers from.
 *
 * And it writes what the switch learned, for zebra to advertise: local
 * MACs (::VL2_EV_FDB_LEARNED, ::VL2_EV_FDB_MOVED, ::VL2_EV_FDB_AGED) as
 * master `extern_learn` entries on the mirror port, and local neighbours
 * (::VL2_EV_NEIGH_ADDED, ::VL2_EV_NEIGH_MOVED, ::VL2_EV_NEIGH_AGED) as
 * NOARP entries on the bridge. In a directory-mode segment
 * (::VL2_SEG_F_DIRECTORY) it answers ::VL2_EV_NEIGH_LOOKUP from the
 * EVPN neighbour table, and refuses what the fabric does not know.
 *
 * At segment creation, after a netlink overrun (ENOBUFS) and when a
 * mirror object is re-created, it dumps the kernel's tables and
 * reconciles: what is gone is removed from the switch, what is there is
 * added again (adds are idempotent), and local state is written again.
 *
 * I/O: no threads. Put vl2_evpn_get_fd() in the program's poll loop and
 * call vl2_evpn_process() when it is readable; pass every switch event to
 * vl2_evpn_handle_event(). Needs CAP_NET_ADMIN in the network namespace
 * where zebra runs.
 *
 * Thread-safety: none; use the adapter from the switch's thread.
 * @{
 */
#ifndef VL2_EVPN_H
#define VL2_EVPN_H

#include <vl2/common.h>
#include <vl2/switch.h>

#ifdef __cplusplus
extern "C" {
#endif

/** An opaque EVPN adapter. */
typedef struct vl2_evpn vl2_evpn;

/** The default UDP destination port of the mirror vxlan devices: not
 * 4789, so the kernel does not take the data port from the switch. */
#define VL2_EVPN_MIRROR_DSTPORT 4790

/** Config flag: offline: open no socket and create no kernel object;
 * messages come only through vl2_evpn_input() and writes are only
 * counted (replay and unit tests). */
#define VL2_EVPN_F_OFFLINE 0x01u

/** Version 1 of ::vl2_evpn_config. */
#define VL2_EVPN_CONFIG_V1 1
/** The ::vl2_evpn_config version these headers describe. */
#define VL2_EVPN_CONFIG_VERSION VL2_EVPN_CONFIG_V1

/** The adapter's configuration; vl2_evpn_new() copies it. */
typedef struct vl2_evpn_config {
  /** The local VTEP's underlay address (the mirror vxlan devices'
   * `local`, and what zebra announces in type-3 routes). Required. */
  vl2_ipaddr local;
  /** UDP destination port of the mirror vxlan devices; default
   * ::VL2_EVPN_MIRROR_DSTPORT. Must not be the data port. */
  uint16_t mirror_dstport;
  uint16_t reserved0; /**< Zero. */
  uint32_t flags;     /**< `VL2_EVPN_F_*`. */
  /** Segments the adapter serves at once. Default 256. */
  uint32_t max_segments;
  /** Flood-list entries (type-3 VTEPs) per segment. Default 1024. */
  uint32_t max_vteps;
  /** Remote MACs tracked in all segments. Default 65536. */
  uint32_t max_macs;
  /** Remote neighbours (MAC/IP) tracked in all segments. Default 65536. */
  uint32_t max_neigh;
  /** Prefix of the mirror objects' names: `<prefix>b<vni>` (bridge),
   * `<prefix>x<vni>` (vxlan), `<prefix>p<vni>` and `<prefix>q<vni>` (the
   * veth pair, `p` enslaved). 1..6 characters of [a-z0-9-]; default
   * "vl2". NUL-terminated. */
  char name_prefix[8];
  /** Receive buffer of the netlink event socket, bytes; 0 (default)
   * means 4 MiB (the kernel caps it at net.core.rmem_max). Smaller
   * buffers overrun sooner; an overrun costs a dump and reconcile. */
  uint32_t rcvbuf;
  uint32_t reserved[3]; /**< Zero. */
} vl2_evpn_config;

/**
 * Fill @p cfg with the defaults of config version @p version.
 *
 * @param version
 *   ::VL2_EVPN_CONFIG_VERSION (use the vl2_evpn_config_default() macro).
 * @param cfg
 *   Written; must not be NULL.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID @p cfg is NULL.
 * @retval VL2_ERR_VERSION @p version is unknown.
 * @since 0.2.0
 */
VL2_EXTERN int vl2_evpn_config_default_versioned(int version,
                                                 vl2_evpn_config *cfg);

/** vl2_evpn_config_default_versioned() for this header's version. */
#define vl2_evpn_config_default(cfg)                                           \
  vl2_evpn_config_default_versioned(VL2_EVPN_CONFIG_VERSION, (cfg))

/**
 * Create an adapter serving @p sw: open the netlink sockets (subscribed
 * to RTNLGRP_NEIGH and RTNLGRP_LINK). No kernel object is created yet.
 *
 * @param pev
 *   On success, the adapter; free it with vl2_evpn_del().
 * @param version
 *   The ::vl2_evpn_config version (use the vl2_evpn_new() macro).
 * @param cfg
 *   Copied.
 * @param sw
 *   The switch the remote state goes to; borrowed for the adapter's
 *   lifetime (delete the adapter first).
 * @param mem
 *   Allocator hooks, copied; NULL means the C library's.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID a NULL argument, no `local` address, a bad
 *         prefix, a zero limit or a non-zero reserved field.
 * @retval VL2_ERR_VERSION unknown @p version.
 * @retval VL2_ERR_NOMEM out of memory.
 * @retval -errno the netlink sockets could not be opened.
 * @since 0.2.0
 */
VL2_EXTERN int vl2_evpn_new_versioned(vl2_evpn **pev, int version,
                                      const vl2_evpn_config *cfg,
                                      vl2_switch *sw, const vl2_mem *mem);

/** vl2_evpn_new_versioned() for this header's config version. */
#define vl2_evpn_new(pev, cfg, sw, mem)                                        \
  vl2_evpn_new_versioned((pev), VL2_EVPN_CONFIG_VERSION, (cfg), (sw), (mem))

/**
 * Remove every mirror object the adapter created, close its sockets and
 * free it. The switch's entries are left as they are.
 *
 * @param ev
 *   The adapter; NULL is a no-op.
 * @since 0.2.0
 */
VL2_EXTERN void vl2_evpn_del(vl2_evpn *ev);

/**
 * Serve an EVPN segment: create its mirror objects (removing leftovers of
 * the same names first), then dump and reconcile. The switch's segment
 * must exist; give it ::VL2_SEG_F_EVPN.
 *
 * @param ev
 *   The adapter.
 * @param vni
 *   The segment's VNI, 1..::VL2_VNI_MAX.
 * @param now
 *   The current time.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID NULL @p ev or a bad VNI.
 * @retval VL2_ERR_EXISTS the adapter serves the segment already.
 * @retval VL2_ERR_NOTFOUND the switch has no such segment.
 * @retval VL2_ERR_LIMIT max_segments reached.
 * @retval -errno the kernel refused a mirror object (see the stats'
 *         `kernel_errors`).
 * @since 0.2.0
 */
VL2_EXTERN int vl2_evpn_segment_add(vl2_evpn *ev, uint32_t vni, vl2_tstamp now);

/**
 * Stop serving a segment: remove its mirror objects, and the EVPN
 * entries the adapter put in the switch.
 *
 * @param ev
 *   The adapter.
 * @param vni
 *   A segment the adapter serves.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID NULL @p ev.
 * @retval VL2_ERR_NOTFOUND not served.
 * @since 0.2.0
 */
VL2_EXTERN int vl2_evpn_segment_del(vl2_evpn *ev, uint32_t vni);

/**
 * The kernel interface indexes of a segment's mirror objects (in offline
 * mode, synthetic ones that vl2_evpn_input() messages must use).
 *
 * @param ev
 *   The adapter.
 * @param vni
 *   A served segment.
 * @param ifindex
 *   Written: [0] the bridge, [1] the vxlan device, [2] the mirror port.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID NULL argument.
 * @retval VL2_ERR_NOTFOUND not served.
 * @since 0.2.0
 */
VL2_EXTERN int vl2_evpn_segment_ifindex(const vl2_evpn *ev, uint32_t vni,
                                        int ifindex[3]);

/**
 * The file descriptor to poll for input (readable: call
 * vl2_evpn_process()).
 *
 * @param ev
 *   The adapter.
 * @return
 *   The descriptor, or -1 (NULL @p ev, or offline).
 * @since 0.2.0
 */
VL2_EXTERN int vl2_evpn_get_fd(const vl2_evpn *ev);

/**
 * Read and apply what is pending on the netlink socket, without blocking;
 * re-create lost mirror objects; after an overrun (ENOBUFS), dump and
 * reconcile.
 *
 * @param ev
 *   The adapter.
 * @param now
 *   The current time.
 * @return
 *   The number of netlink messages handled (0 when none was pending).
 * @retval VL2_ERR_INVALID NULL @p ev.
 * @retval -errno a socket error other than an overrun.
 * @since 0.2.0
 */
VL2_EXTERN vl2_ssize vl2_evpn_process(vl2_evpn *ev, vl2_tstamp now);

/**
 * Feed raw netlink messages (one or more `nlmsghdr`-framed route
 * messages, as read from the socket or recorded) through the same
 * classification vl2_evpn_process() uses. For replay and tests.
 *
 * @param ev
 *   The adapter.
 * @param msgs
 *   The messages; borrowed for the call.
 * @param len
 *   Bytes at @p msgs.
 * @param now
 *   The current time.
 * @return
 *   The number of messages handled.
 * @retval VL2_ERR_INVALID NULL argument.
 * @retval VL2_ERR_MALFORMED a message's length runs past @p len (those
 *         before it were handled).
 * @since 0.2.0
 */
VL2_EXTERN vl2_ssize vl2_evpn_input(vl2_evpn *ev, const void *msgs, size_t len,
                                    vl2_tstamp now);

/**
 * Act on one switch event: write local MACs and neighbours of served
 * segments into the mirror, delete aged ones, and answer directory
 * lookups from the EVPN neighbour table. Events of other segments and
 * kinds are ignored.
 *
 * @param ev
 *   The adapter.
 * @param e
 *   An event from vl2_switch_poll_event(); read for the call.
 * @param now
 *   The current time.
 * @return
 *   1 when the adapter acted on it, 0 when it ignored it.
 * @retval VL2_ERR_INVALID NULL argument.
 * @since 0.2.0
 */
VL2_EXTERN int vl2_evpn_handle_event(vl2_evpn *ev, const vl2_event *e,
                                     vl2_tstamp now);

/**
 * Dump the kernel's tables and reconcile every served segment now (what
 * vl2_evpn_process() does after an overrun).
 *
 * @param ev
 *   The adapter.
 * @param now
 *   The current time.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID NULL @p ev.
 * @retval -errno the dump failed.
 * @since 0.2.0
 */
VL2_EXTERN int vl2_evpn_resync(vl2_evpn *ev, vl2_tstamp now);

/** The adapter's counters and gauges. */
typedef struct vl2_evpn_stats {
  uint64_t msgs;               /**< Netlink messages handled. */
  uint64_t ignored;            /**< Of those, not about a mirror object. */
  uint64_t flood_adds;         /**< VTEPs added to flood lists (type-3). */
  uint64_t flood_dels;         /**< VTEPs removed from flood lists. */
  uint64_t mac_adds;           /**< Remote MACs installed (type-2). */
  uint64_t mac_dels;           /**< Remote MACs withdrawn. */
  uint64_t mac_kept;           /**< Withdrawals that found the MAC moved. */
  uint64_t neigh_adds;         /**< Remote neighbours installed (MAC/IP). */
  uint64_t neigh_dels;         /**< Remote neighbours withdrawn. */
  uint64_t local_mac_writes;   /**< Local MACs written to the mirror. */
  uint64_t local_mac_dels;     /**< Local MACs deleted from it. */
  uint64_t local_neigh_writes; /**< Local neighbours written. */
  uint64_t local_neigh_dels;   /**< Local neighbours deleted. */
  uint64_t dir_answered;       /**< Directory lookups answered. */
  uint64_t dir_refused;        /**< Directory lookups refused: unknown to the
                                    fabric. */
  uint64_t resyncs;            /**< Full dumps and reconciliations. */
  uint64_t overruns;           /**< Netlink overruns (ENOBUFS). */
  uint64_t recreated;          /**< Mirror objects re-created. */
  uint64_t limit_drops;        /**< Entries not tracked: a limit was reached. */
  uint64_t core_errors;        /**< Switch calls that failed (table full). */
  uint64_t kernel_errors;      /**< Kernel requests that failed. */
  uint64_t vteps;              /**< Flood-list entries now (gauge). */
  uint64_t macs;               /**< Remote MACs now (gauge). */
  uint64_t neighs;             /**< Remote neighbours now (gauge). */
} vl2_evpn_stats;

/**
 * Read the adapter's counters. Call it through vl2_evpn_get_stats().
 *
 * @param ev
 *   The adapter.
 * @param st_size
 *   `sizeof(*st)` as the caller was compiled; the macro passes it. A
 *   binary built against older headers (a shorter struct) gets the
 *   counters it knows; one built against newer headers gets zeros for
 *   counters this library does not have. Counters are only ever added
 *   at the end.
 * @param st
 *   Written (@p st_size bytes).
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID NULL argument or an @p st_size of 0.
 * @since 0.2.0
 */
VL2_EXTERN int vl2_evpn_get_stats_versioned(const vl2_evpn *ev, size_t st_size,
                                            vl2_evpn_stats *st);
/** vl2_evpn_get_stats_versioned() with the size these headers give. */
#define vl2_evpn_get_stats(ev, st)                                             \
  vl2_evpn_get_stats_versioned((ev), sizeof(vl2_evpn_stats), (st))

#ifdef __cplusplus
}
#endif

/** @} */
#endif /* !defined(VL2_EVPN_H) */
