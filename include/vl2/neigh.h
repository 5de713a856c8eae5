/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * @defgroup neigh Neighbours (ARP/ND)
 *
 * The neighbour table, ARP/ND suppression, the resolver, directory mode,
 * move dampening and the spoof guard.
 *
 * - **Neighbour table**: per segment, IPv4 -> MAC (ARP, RFC 826) and
 *   IPv6 -> MAC (ND, RFC 4861). Entries are static (control plane,
 *   vl2_neigh_add_static()) or learned by snooping ARP requests and
 *   replies, gratuitous ARP, Neighbor Solicitations (their source
 *   link-layer address option) and Neighbor Advertisements. The table is
 *   bounded in total (`max_neigh`) and per segment
 *   (`max_neigh_per_segment`), allocated at vl2_switch_new(); learned
 *   entries age (`neigh_ageing_ns`) on the caller's clock.
 * - **Suppression** (::VL2_SEG_F_ARP_SUPPRESS): a broadcast ARP request
 *   or multicast Neighbor Solicitation from a local port whose target is
 *   in the table is answered by the switch (the frame's verdict is
 *   ::VL2_ACT_CONSUMED) with a reply (or advertisement) queued for the
 *   ingress port only; drain it with vl2_switch_poll_tx(). A miss is
 *   flooded as usual. Gratuitous ARP, ARP probes (sender IP 0.0.0.0,
 *   RFC 5227 section 2.1.1), DAD solicitations (source ::, RFC 4862
 *   section 5.4.2) and unicast requests are never answered: they update
 *   the table and are forwarded.
 * - **Moves**: a gratuitous ARP or an unsolicited Neighbor Advertisement
 *   with the Override flag rebinds an IP at once (RFC 4861 section 7.2.6);
 *   a RARP frame (EtherType 0x8035, RFC 903) or any frame from a known MAC
 *   on a new port or endpoint moves the FDB entry at once. A MAC or IP
 *   that moves more than `move_threshold` times within `move_window_ns`
 *   is frozen for `move_holddown_ns` (::VL2_EV_NEIGH_FROZEN, then
 *   ::VL2_EV_NEIGH_THAWED).
 * - **Resolver** (router/gateway role): vl2_neigh_send() sends an IP
 *   packet to a next hop known only by its IP, holding it in a bounded
 *   wait queue while ARP requests or Neighbor Solicitations (to the
 *   solicited-node multicast address, RFC 4861 section 7.2.2) are
 *   retransmitted. States follow RFC 4861 section 7.3.2.
 * - **Directory mode** (::VL2_SEG_F_DIRECTORY; VL2, Greenberg et al.,
 *   SIGCOMM 2009, section 4.2.1): a request that misses the table becomes
 *   a ::VL2_EV_NEIGH_LOOKUP event instead of a flood; the embedding
 *   program answers with vl2_neigh_dir_answer().
 * - **Spoof guard** (::VL2_PORT_F_SPOOF_GUARD, ::VL2_PORT_F_NEIGH_INSPECT):
 *   ARP/ND whose claimed link-layer address differs from the frame's
 *   source MAC, or (with inspection) that claims an IP not statically
 *   bound to the port, is dropped.
 *
 * Thread-safety: none; use from the switch's thread.
 * @{
 */
#ifndef VL2_NEIGH_H
#define VL2_NEIGH_H

#include <vl2/common.h>
#include <vl2/switch.h>

#ifdef __cplusplus
extern "C" {
#endif

/** @name Neighbour states (RFC 4861 section 7.3.2)
 * @{ */
/** Resolution in progress: a request was sent, no answer yet. */
#define VL2_NEIGH_INCOMPLETE 1
/** Recently confirmed reachable (a reply or solicited advertisement was
 * seen, or the entry is static). */
#define VL2_NEIGH_REACHABLE 2
/** Known MAC, reachability not recently confirmed. */
#define VL2_NEIGH_STALE 3
/** Used while stale; probing starts after DELAY_FIRST_PROBE_TIME (5 s,
 * RFC 4861 section 10) unless confirmed. */
#define VL2_NEIGH_DELAY 4
/** Unicast probes are being retransmitted. */
#define VL2_NEIGH_PROBE 5
/** Resolution failed; the wait queue was dropped. */
#define VL2_NEIGH_FAILED 6
/** @} */

/** Entry flag: static (control plane); never learned over, never aged. */
#define VL2_NEIGH_F_STATIC 0x01u
/** Entry flag: the neighbour is a router (the NA "R" flag). */
#define VL2_NEIGH_F_ROUTER 0x02u
/** Entry flag: the binding came from the directory (vl2_neigh_dir_answer()). */
#define VL2_NEIGH_F_DIRECTORY 0x04u
/** Entry flag: the IP binding is frozen by move dampening. */
#define VL2_NEIGH_F_FROZEN 0x08u
/** Entry flag: a static binding from a control plane (BGP EVPN type-2
 * MAC/IP route, RFC 7432 section 9.2.2) for a host behind a remote
 * endpoint; its `port` is ::VL2_PORT_REMOTE. Kept by
 * vl2_neigh_add_static(), so the origin stays visible. */
#define VL2_NEIGH_F_EVPN 0x10u

/** Port value of a static entry bound to no particular port. */
#define VL2_NEIGH_PORT_ANY 0xfffffffeu

/** A neighbour entry as read or written through the API. */
typedef struct vl2_neigh_entry {
  vl2_ipaddr ip; /**< The IPv4 or IPv6 address (the key, with `vni`). */
  vl2_mac mac;   /**< The link-layer address (zero while INCOMPLETE). */
  uint8_t state; /**< `VL2_NEIGH_*` state. */
  uint8_t flags; /**< `VL2_NEIGH_F_*`. */
  uint32_t vni;  /**< The segment. */
  /** Learned: the port the binding was last seen on (or ::VL2_PORT_REMOTE).
   * Static: the port the IP is bound to for ::VL2_PORT_F_NEIGH_INSPECT, or
   * ::VL2_NEIGH_PORT_ANY. */
  uint32_t port;
  uint32_t queued; /**< Packets waiting for resolution. */
  /** When the entry is reclaimed unless refreshed; ::VL2_TSTAMP_NONE for
   * static entries and when ageing is off. */
  vl2_tstamp expires_at;
} vl2_neigh_entry;

/**
 * Add or replace a static binding. It replaces a learned one for the same
 * (segment, IP), is answered from by suppression, and is never changed by
 * snooping or aged.
 *
 * @param sw
 *   The switch.
 * @param e
 *   `vni`, `ip`, `mac`, `port` (a port id, ::VL2_NEIGH_PORT_ANY, or
 *   ::VL2_PORT_REMOTE for a host behind a remote endpoint) and `flags`
 *   (::VL2_NEIGH_F_ROUTER and ::VL2_NEIGH_F_EVPN are taken); copied.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID NULL argument, a bad address (family, IPv4
 *         padding, 0.0.0.0, ::, multicast) or a group/zero MAC.
 * @retval VL2_ERR_NOTFOUND no such segment.
 * @retval VL2_ERR_LIMIT the table (`max_neigh`) or the segment's share
 *         (`max_neigh_per_segment`) is full.
 * @since 0.1.0
 */
VL2_EXTERN int vl2_neigh_add_static(vl2_switch *sw, const vl2_neigh_entry *e);

/**
 * Remove the entry (static or learned) for an IP in a segment. Packets
 * waiting for it are dropped (counted in `queue_drops_flushed`).
 *
 * @param sw
 *   The switch.
 * @param vni
 *   The segment.
 * @param ip
 *   The IP address.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID NULL argument.
 * @retval VL2_ERR_NOTFOUND no such segment or entry.
 * @since 0.1.0
 */
VL2_EXTERN int vl2_neigh_del(vl2_switch *sw, uint32_t vni,
                             const vl2_ipaddr *ip);

/**
 * Look an IP up as suppression would: expired entries are never returned,
 * even before vl2_switch_run_timers() reclaims them. INCOMPLETE and FAILED
 * entries are returned too (check `state`).
 *
 * @param sw
 *   The switch.
 * @param vni
 *   The segment.
 * @param ip
 *   The IP address.
 * @param e
 *   Written on success.
 * @param now
 *   The current time.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID NULL argument.
 * @retval VL2_ERR_NOTFOUND no such segment or live entry.
 * @since 0.1.0
 */
VL2_EXTERN int vl2_neigh_lookup(const vl2_switch *sw, uint32_t vni,
                                const vl2_ipaddr *ip, vl2_neigh_entry *e,
                                vl2_tstamp now);

/**
 * Iterate over the live entries, in no particular order.
 *
 * Start with `*cursor = 0`; each call writes the next entry and advances
 * the cursor. Changing the table between calls may make the iteration
 * skip or repeat entries, but it always ends.
 *
 * @param sw
 *   The switch.
 * @param cursor
 *   Iteration state, owned by the caller.
 * @param e
 *   Written when 1 is returned.
 * @param now
 *   The current time; expired entries are skipped.
 * @return
 *   1 when an entry was written, 0 at the end (or on a NULL argument).
 * @since 0.1.0
 */
VL2_EXTERN int vl2_neigh_next(const vl2_switch *sw, uint64_t *cursor,
                              vl2_neigh_entry *e, vl2_tstamp now);

/** Flush selector: learned (and resolver) entries. */
#define VL2_NEIGH_FLUSH_DYNAMIC 0x01u
/** Flush selector: static entries. */
#define VL2_NEIGH_FLUSH_STATIC 0x02u
/** Flush selector: both. */
#define VL2_NEIGH_FLUSH_ALL (VL2_NEIGH_FLUSH_DYNAMIC | VL2_NEIGH_FLUSH_STATIC)

/**
 * Remove entries, in one segment or in all. No events are emitted; their
 * waiting packets are dropped and counted.
 *
 * @param sw
 *   The switch.
 * @param vni
 *   The segment, or ::VL2_NEIGH_ALL_SEGMENTS.
 * @param which
 *   `VL2_NEIGH_FLUSH_*`.
 * @return
 *   The number of entries removed, or a negative error.
 * @retval VL2_ERR_INVALID NULL @p sw.
 * @retval VL2_ERR_NOTFOUND no such segment.
 * @since 0.1.0
 */
VL2_EXTERN vl2_ssize vl2_neigh_flush(vl2_switch *sw, uint32_t vni,
                                     unsigned which);

/** The `vni` of vl2_neigh_flush() and vl2_neigh_get_stats() meaning every
 * segment. */
#define VL2_NEIGH_ALL_SEGMENTS UINT32_MAX

/**
 * The number of entries in the table, live or expired-but-not-reclaimed.
 *
 * @param sw
 *   The switch.
 * @return
 *   The count; 0 when @p sw is NULL.
 * @since 0.1.0
 */
VL2_EXTERN size_t vl2_neigh_count(const vl2_switch *sw);

/** @name Resolver (router/gateway role)
 * @{ */

/** A segment's gateway identity: the addresses the resolver speaks with. */
typedef struct vl2_neigh_gateway {
  vl2_mac mac;       /**< Source MAC of resolved packets and requests. */
  uint16_t reserved; /**< Zero. */
  /** Sender IP of ARP requests (::VL2_AF_INET), or ::VL2_AF_NONE: probes
   * are then sent with sender IP 0.0.0.0. */
  vl2_ipaddr ip4;
  /** Source IP of Neighbor Solicitations (::VL2_AF_INET6, normally a
   * link-local address), or ::VL2_AF_NONE: solicitations are then sent
   * from :: without a source link-layer address option (RFC 4861 section
   * 7.2.2), and answered to all-nodes. */
  vl2_ipaddr ip6;
} vl2_neigh_gateway;

/**
 * Set (or, with NULL, clear) a segment's gateway identity.
 *
 * @param sw
 *   The switch.
 * @param vni
 *   An existing segment.
 * @param gw
 *   Copied; NULL clears it.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID NULL @p sw, a group/zero MAC, or an address of
 *         the wrong family.
 * @retval VL2_ERR_NOTFOUND no such segment.
 * @since 0.1.0
 */
VL2_EXTERN int vl2_neigh_set_gateway(vl2_switch *sw, uint32_t vni,
                                     const vl2_neigh_gateway *gw);

/** vl2_neigh_send() result: the frame is in the output queue. */
#define VL2_NEIGH_SENT 0
/** vl2_neigh_send() result: the packet waits for resolution. */
#define VL2_NEIGH_QUEUED 1

/**
 * Send an IP packet into a segment towards a next hop known only by its
 * IP address (RFC 4861 section 7.2.2 / 7.3.3; RFC 826 for IPv4).
 *
 * The switch prepends an Ethernet header (destination: the next hop's
 * MAC; source: @p src or the segment's gateway MAC; EtherType from the
 * packet's version nibble). With a usable binding (REACHABLE, STALE,
 * DELAY, PROBE or static) the frame goes to the output queue at once (a
 * STALE entry enters DELAY). Otherwise the packet waits in the entry's
 * queue (at most `neigh_queue_per_entry` packets; `neigh_queue_max` in
 * total; when full, the entry's oldest packet is dropped and counted),
 * an ARP request or a solicitation to the solicited-node multicast
 * address goes out, and it is retransmitted every `neigh_retrans_ns`
 * (doubling after each unanswered try) up to `neigh_max_retries` times;
 * then the entry becomes FAILED and its queue is dropped (counted in
 * `queue_drops_failed`, ::VL2_EV_NEIGH_FAILED). A reply releases the
 * queue, in order, with the resolved MAC written into each frame.
 *
 * @param sw
 *   The switch.
 * @param vni
 *   An existing segment.
 * @param nexthop
 *   The next hop's address (unicast), copied.
 * @param src
 *   Source MAC, copied; NULL takes the segment's gateway MAC.
 * @param pkt
 *   The IPv4 or IPv6 packet, from its IP header on; borrowed for the call
 *   (copied).
 * @param len
 *   Bytes at @p pkt: 1 .. `neigh_mtu`.
 * @param now
 *   The current time.
 * @return
 *   ::VL2_NEIGH_SENT or ::VL2_NEIGH_QUEUED.
 * @retval VL2_ERR_INVALID NULL or bad argument (address, empty packet,
 *         IP version neither 4 nor 6).
 * @retval VL2_ERR_NOTFOUND no such segment, or no source MAC (@p src NULL
 *         and no gateway).
 * @retval VL2_ERR_NOBUF @p len exceeds `neigh_mtu`.
 * @retval VL2_ERR_LIMIT no entry could be created (table or segment
 *         share full).
 * @retval VL2_ERR_AGAIN the output queue is full (drain it with
 *         vl2_switch_poll_tx()), or the packet must wait and all wait
 *         queues are full with none of this entry's to drop; the packet
 *         was not taken (counted).
 * @since 0.1.0
 */
VL2_EXTERN int vl2_neigh_send(vl2_switch *sw, uint32_t vni,
                              const vl2_ipaddr *nexthop, const vl2_mac *src,
                              const uint8_t *pkt, size_t len, vl2_tstamp now);

/** @} */

/** @name Directory mode (VL2 section 4.2.1)
 * @{ */

/**
 * Answer a directory lookup (a ::VL2_EV_NEIGH_LOOKUP event).
 *
 * With a binding, the switch caches it (flag ::VL2_NEIGH_F_DIRECTORY;
 * it ages like a learned one) and queues a reply to every host that asked
 * while the lookup was pending. With @p mac NULL the lookup is refused
 * (access control, VL2 section 4.2.1): nobody gets a reply, and it is
 * counted in `dir_refused`.
 *
 * @param sw
 *   The switch.
 * @param vni
 *   The segment of the lookup.
 * @param ip
 *   The IP looked up.
 * @param mac
 *   Its MAC, copied; NULL refuses.
 * @param now
 *   The current time.
 * @return
 *   The number of replies queued (0 for a refusal).
 * @retval VL2_ERR_INVALID NULL @p sw or @p ip, or a group/zero @p mac.
 * @retval VL2_ERR_NOTFOUND no such segment, or no lookup is pending for
 *         @p ip (never asked, already answered, or timed out after
 *         `dir_timeout_ns`); nothing is cached.
 * @retval VL2_ERR_LIMIT the binding could not be cached (table full); the
 *         replies were still queued.
 * @since 0.1.0
 */
VL2_EXTERN vl2_ssize vl2_neigh_dir_answer(vl2_switch *sw, uint32_t vni,
                                          const vl2_ipaddr *ip,
                                          const vl2_mac *mac, vl2_tstamp now);

/** @} */

/** Neighbour counters (switch-wide, or of one segment). */
typedef struct vl2_neigh_stats {
  uint64_t entries;          /**< Entries now (gauge). */
  uint64_t entries_static;   /**< Of those, static (gauge). */
  uint64_t arp_in;           /**< Valid ARP frames seen. */
  uint64_t nd_in;            /**< Valid NS/NA seen. */
  uint64_t rarp_in;          /**< RARP frames seen (they move the FDB). */
  uint64_t malformed;        /**< ARP/ND frames failing validation
                                  (forwarded untouched). */
  uint64_t garp;             /**< Gratuitous ARPs / unsolicited overriding
                                  NAs. */
  uint64_t probes;           /**< ARP probes and DAD solicitations (never
                                  answered). */
  uint64_t learned;          /**< Bindings learned by snooping. */
  uint64_t moves;            /**< IP rebinds to a new MAC. */
  uint64_t aged;             /**< Entries aged out. */
  uint64_t limit_hits;       /**< Bindings not learned: table or segment
                                  full. */
  uint64_t static_conflicts; /**< Snooped bindings contradicting a static
                                  one (ignored). */
  uint64_t req_answered;     /**< Requests/solicitations answered by
                                  suppression. */
  uint64_t req_missed;       /**< Suppressible requests that missed the
                                  table. */
  uint64_t req_flooded;      /**< Of the missed, those flooded. */
  uint64_t req_passed;       /**< Requests never suppressed (GARP, probe,
                                  unicast, from a remote) and forwarded. */
  uint64_t tx_queued;        /**< Frames put in the output queue. */
  uint64_t tx_polled;        /**< Copies handed out by vl2_switch_poll_tx(). */
  uint64_t tx_overflow;      /**< Frames not generated: output queue full. */
  uint64_t tx_dropped;       /**< Queued frames whose destination vanished. */
  uint64_t res_solicits;     /**< Requests/solicitations sent by the
                                  resolver (retransmissions included). */
  uint64_t res_resolved;     /**< Resolutions completed. */
  uint64_t res_failed;       /**< Resolutions that failed. */
  uint64_t queued;           /**< Packets queued awaiting resolution. */
  uint64_t released;         /**< Of those, released after resolution. */
  uint64_t queue_drops_full; /**< Oldest packets dropped: queue full. */
  uint64_t queue_drops_failed;  /**< Dropped: resolution failed. */
  uint64_t queue_drops_flushed; /**< Dropped: entry deleted or flushed. */
  uint64_t mac_frozen;          /**< MACs frozen by move dampening. */
  uint64_t ip_frozen;           /**< IPs frozen by move dampening. */
  uint64_t frozen_blocked;      /**< Moves refused because frozen. */
  uint64_t thawed;              /**< MACs and IPs thawed. */
  uint64_t dir_lookups;         /**< Directory lookups started (events). */
  uint64_t dir_dedup;           /**< Requests joined to a pending lookup. */
  uint64_t dir_answered;        /**< Lookups answered with a binding. */
  uint64_t dir_refused;         /**< Lookups refused (access control). */
  uint64_t dir_timeouts;        /**< Lookups that timed out unanswered. */
  uint64_t dir_full;            /**< Requests dropped: pending table or a
                                     lookup's asker list full. */
  uint64_t spoof_drops;         /**< Frames dropped by the spoof guard. */
  uint64_t inspect_drops;       /**< Frames dropped by neighbour inspection. */
} vl2_neigh_stats;

/**
 * Read neighbour counters. Call it through vl2_neigh_get_stats().
 *
 * @param sw
 *   The switch.
 * @param vni
 *   A segment, or ::VL2_NEIGH_ALL_SEGMENTS for the switch-wide totals
 *   (which keep counting after segments are deleted).
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
 * @retval VL2_ERR_NOTFOUND no such segment.
 * @since 0.2.0
 */
VL2_EXTERN int vl2_neigh_get_stats_versioned(const vl2_switch *sw, uint32_t vni,
                                             size_t st_size,
                                             vl2_neigh_stats *st);
/**
 * The 0.1 form of vl2_neigh_get_stats_versioned(), kept exported for programs
 * linked against libvl2 0.1; the vl2_neigh_get_stats() macro below replaces it
 * in source.
 *
 * @param sw
 *   The switch.
 * @param vni
 *   A segment, or ::VL2_NEIGH_ALL_SEGMENTS.
 * @param st
 *   Written (the size of this header's struct).
 * @return
 *   As vl2_neigh_get_stats_versioned().
 * @deprecated Since 0.2.0: call the vl2_neigh_get_stats() macro.
 */
VL2_EXTERN int vl2_neigh_get_stats(const vl2_switch *sw, uint32_t vni,
                                   vl2_neigh_stats *st);
/** vl2_neigh_get_stats_versioned() with the size these headers give. */
#define vl2_neigh_get_stats(sw, vni, st)                                       \
  vl2_neigh_get_stats_versioned((sw), (vni), sizeof(vl2_neigh_stats), (st))

#ifdef __cplusplus
}
#endif

/** @} */
#endif /* !defined(VL2_NEIGH_H) */
