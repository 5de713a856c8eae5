/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * @defgroup switch Switch
 *
 * The switch instance: ports, segments, remote endpoints, burst
 * processing, timers, events and counters.
 *
 * A ::vl2_switch is a pure state machine. Frames and the current time go
 * in through vl2_switch_process(); a ::vl2_verdict per frame comes out,
 * naming the destinations in a caller-supplied ::vl2_dest array. The
 * switch never performs I/O, never reads a clock, and never allocates on
 * the data path: every table is sized at vl2_switch_new().
 *
 * Thread-safety: none. Use one ::vl2_switch from one thread at a time
 * (typically one switch per thread); distinct switches share nothing.
 * @{
 */
#ifndef VL2_SWITCH_H
#define VL2_SWITCH_H

#include <vl2/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** An opaque switch instance. */
typedef struct vl2_switch vl2_switch;

/**
 * Pseudo port id of a frame that arrived from a remote endpoint (already
 * decapsulated): its ::vl2_frame names the segment in `vni` and the
 * endpoint in `remote`.
 */
#define VL2_PORT_REMOTE UINT32_MAX

/** @name Switch configuration
 * @{ */

/** Version 1 of ::vl2_switch_config. */
#define VL2_SWITCH_CONFIG_V1 1
/** Version 2 of ::vl2_switch_config: adds `max_macs_per_remote`. */
#define VL2_SWITCH_CONFIG_V2 2
/** The ::vl2_switch_config version these headers describe. */
#define VL2_SWITCH_CONFIG_VERSION VL2_SWITCH_CONFIG_V2

/**
 * Switch limits and behaviour. Fill it with vl2_switch_config_default()
 * and change what you need; vl2_switch_new() copies it.
 */
typedef struct vl2_switch_config {
  /** Port ids are 0 .. max_ports-1. Default 64; at most 4096. */
  uint32_t max_ports;
  /** Segments that may exist at once. Default 1024; at most 65535. */
  uint32_t max_segments;
  /** Distinct remote endpoints (VTEPs), configured or learned. Default
   * 1024; at most 2^20. */
  uint32_t max_remotes;
  /** FDB entries, static and dynamic together. Default 65536; at most
   * 2^26. */
  uint32_t max_fdb;
  /** Default limit of dynamic MACs learned on one port (a port's own
   * config may override it); 0 means no per-port limit. Default 0. */
  uint32_t max_macs_per_port;
  /** Default limit of dynamic MACs learned in one segment (a segment's
   * config may override it); 0 means no per-segment limit. Default 0. */
  uint32_t max_macs_per_segment;
  /** Capacity of the event queue; events beyond it are counted in
   * ::vl2_switch_stats.events_dropped. Default 1024; at least 1. */
  uint32_t event_queue_cap;
  uint32_t reserved0; /**< Zero. */
  /** Dynamic FDB entries expire this long after the last frame from the
   * MAC (802.1Q clause 8.8.3 "ageing time"; default 300 s). 0 disables
   * ageing. */
  vl2_duration ageing_ns;
  /** Seed of the table hashes; supply randomness in production so an
   * attacker cannot aim collisions (tests use 0). Default 0. */
  uint64_t hash_seed;
  /* --- neighbour table, resolver, dampening, directory (neigh.h) --- */
  /** Neighbour entries (IPv4 and IPv6, static and learned) in all
   * segments; allocated at creation. Default 4096; 1 .. 2^24. */
  uint32_t max_neigh;
  /** Neighbour entries one segment may hold; 0 means no per-segment
   * limit. Default 0. */
  uint32_t max_neigh_per_segment;
  /** Learned neighbour entries are reclaimed this long after the binding
   * was last seen (snooped or confirmed). Default 300 s; 0 disables. */
  vl2_duration neigh_ageing_ns;
  /** REACHABLE lasts this long after a confirmation (RFC 4861 section 10
   * REACHABLE_TIME). Default 30 s. */
  vl2_duration neigh_reachable_ns;
  /** The resolver's first retransmission interval (RFC 4861 RETRANS_TIMER);
   * it doubles after each unanswered try. Default 1 s; at least 1 ms. */
  vl2_duration neigh_retrans_ns;
  /** Requests the resolver sends before giving up (RFC 4861
   * MAX_MULTICAST_SOLICIT / MAX_UNICAST_SOLICIT). Default 3; 1 .. 32. */
  uint32_t neigh_max_retries;
  /** Packets one entry may hold while resolving. Default 8; at least 1. */
  uint32_t neigh_queue_per_entry;
  /** Packets all wait queues may hold together. Default 256; at least 1. */
  uint32_t neigh_queue_max;
  /** Largest IP packet vl2_neigh_send() takes. Default 1500; 68 .. 65535. */
  uint32_t neigh_mtu;
  /** Frames the switch may originate and hold for vl2_switch_poll_tx()
   * (replies, requests, resolved packets); released wait-queue packets
   * come on top. Default 256; at least 1. */
  uint32_t tx_queue_cap;
  /** Move dampening: a MAC or IP that moves more than this many times
   * within move_window_ns is frozen. 0 disables dampening. Default 0
   * (off, so moves behave as plain 802.1Q learning); 5 is a sensible
   * value. */
  uint32_t move_threshold;
  /** Move dampening window. Default 10 s. */
  vl2_duration move_window_ns;
  /** How long a MAC or IP stays frozen. Default 60 s. */
  vl2_duration move_holddown_ns;
  /** MACs whose moves are tracked at once (a fixed 4-way table; the
   * stalest tracker is replaced). Default 1024; at least 4. */
  uint32_t move_track_max;
  /** Directory lookups pending at once. Default 256; at least 1. */
  uint32_t dir_max_pending;
  /** A directory lookup unanswered this long times out. Default 1 s. */
  vl2_duration dir_timeout_ns;
  /* --- version 2 (::VL2_SWITCH_CONFIG_V2) --- */
  /** Dynamic MACs learned behind one remote endpoint (VTEP), in all
   * segments together; a MAC over it is not learned (::VL2_LIMIT_REMOTE),
   * so one endpoint cannot fill the FDB. 0 means no limit. Default 0.
   * @since 0.2.0 */
  uint32_t max_macs_per_remote;
  uint32_t reserved_v2; /**< Zero (explicit padding). */
} vl2_switch_config;

/**
 * Fill @p cfg with the defaults of config version @p version.
 *
 * @param version
 *   ::VL2_SWITCH_CONFIG_VERSION (use the vl2_switch_config_default() macro).
 * @param cfg
 *   Filled in; must not be NULL.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID @p cfg is NULL.
 * @retval VL2_ERR_VERSION @p version is unknown to this library.
 * @since 0.1.0
 */
VL2_EXTERN int vl2_switch_config_default_versioned(int version,
                                                   vl2_switch_config *cfg);

/** vl2_switch_config_default_versioned() for this header's version. */
#define vl2_switch_config_default(cfg)                                         \
  vl2_switch_config_default_versioned(VL2_SWITCH_CONFIG_VERSION, (cfg))

/**
 * Create a switch.
 *
 * Allocates every table to its configured limit, so that processing never
 * allocates afterwards.
 *
 * @param psw
 *   On success, the new switch; the caller owns it and frees it with
 *   vl2_switch_del().
 * @param version
 *   The ::vl2_switch_config version of @p cfg (use the vl2_switch_new()
 *   macro).
 * @param cfg
 *   The configuration, copied; NULL means the defaults.
 * @param mem
 *   Allocator hooks, copied; NULL means the C library's.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID @p psw is NULL or a limit is out of range.
 * @retval VL2_ERR_VERSION @p version is unknown.
 * @retval VL2_ERR_NOMEM an allocation failed; nothing is leaked.
 * @since 0.1.0
 */
VL2_EXTERN int vl2_switch_new_versioned(vl2_switch **psw, int version,
                                        const vl2_switch_config *cfg,
                                        const vl2_mem *mem);

/** vl2_switch_new_versioned() for this header's config version. */
#define vl2_switch_new(psw, cfg, mem)                                          \
  vl2_switch_new_versioned((psw), VL2_SWITCH_CONFIG_VERSION, (cfg), (mem))

/**
 * Free a switch and everything it owns.
 *
 * @param sw
 *   The switch; NULL is a no-op. Pointers the switch returned become
 *   invalid.
 * @since 0.1.0
 */
VL2_EXTERN void vl2_switch_del(vl2_switch *sw);

/** @} */

/** @name Ports
 * @{ */

/** Port mode: an access port (802.1Q clause 12.10.1.1 "Access"); untagged
 * and priority-tagged frames belong to the PVID, other tagged frames are
 * dropped. */
#define VL2_PORT_ACCESS 0
/** Port mode: a trunk port; tagged frames of allowed VLANs, untagged frames
 * to the native VLAN if one is set. */
#define VL2_PORT_TRUNK 1

/** Port flag: learn source MACs arriving on this port. */
#define VL2_PORT_F_LEARN 0x01u
/** Port flag: receive flooded unknown unicast (the Linux bridge's
 * `flood`). */
#define VL2_PORT_F_FLOOD_UNKNOWN 0x02u
/** Port flag: receive flooded broadcast (the Linux bridge's
 * `bcast_flood`). */
#define VL2_PORT_F_FLOOD_BCAST 0x04u
/** Port flag: receive flooded multicast (the Linux bridge's
 * `mcast_flood`). */
#define VL2_PORT_F_FLOOD_MCAST 0x08u
/** Port flag: an 802.1ad S-VLAN trunk: the outer tag's TPID is 0x88a8
 * (802.1Q clause 9.5) and selects the VLAN; without this flag, frames whose
 * outer TPID is 0x88a8 are dropped (::VL2_DROP_QINQ). */
#define VL2_PORT_F_QINQ 0x10u
/** Port flag: ARP/ND spoof guard (see neigh.h). */
#define VL2_PORT_F_SPOOF_GUARD 0x20u
/** Port flag: neighbour inspection (dynamic ARP inspection): ARP and NA
 * from this port may only claim IPs statically bound to it (see neigh.h). */
#define VL2_PORT_F_NEIGH_INSPECT 0x40u
/** The flags of vl2_port_config_default(). */
#define VL2_PORT_F_DEFAULT                                                     \
  (VL2_PORT_F_LEARN | VL2_PORT_F_FLOOD_UNKNOWN | VL2_PORT_F_FLOOD_BCAST |      \
   VL2_PORT_F_FLOOD_MCAST)

/** A port's configuration; vl2_switch_port_add() copies it. */
typedef struct vl2_port_config {
  uint8_t mode;      /**< ::VL2_PORT_ACCESS or ::VL2_PORT_TRUNK. */
  uint8_t reserved0; /**< Zero. */
  /** Access: the PVID, 1..4094. Trunk: the native VLAN for untagged and
   * priority-tagged frames, 1..4094, or 0 for none (they are dropped). */
  vl2_vid pvid;
  uint32_t flags; /**< `VL2_PORT_F_*`. */
  /** Dynamic MACs this port may own; 0 takes the switch's
   * max_macs_per_port. */
  uint32_t max_macs;
  uint32_t reserved1; /**< Zero. */
} vl2_port_config;

/**
 * Fill @p cfg for a port of @p mode with ::VL2_PORT_F_DEFAULT flags, PVID
 * (native VLAN) 1 for access ports and none for trunks.
 *
 * @param cfg
 *   Filled in; must not be NULL.
 * @param mode
 *   ::VL2_PORT_ACCESS or ::VL2_PORT_TRUNK.
 * @since 0.1.0
 */
VL2_EXTERN void vl2_port_config_default(vl2_port_config *cfg, uint8_t mode);

/**
 * Add a port.
 *
 * The port belongs to no VLAN until vl2_switch_port_vlan_add() maps one.
 *
 * @param sw
 *   The switch.
 * @param port
 *   The caller's id for the port, below the switch's max_ports.
 * @param cfg
 *   The port's configuration, copied.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID NULL argument, @p port out of range, bad mode,
 *         or a PVID outside 1..4094 (0 allowed for trunks).
 * @retval VL2_ERR_EXISTS @p port exists already.
 * @retval VL2_ERR_NOMEM the port's VLAN maps could not be allocated.
 * @since 0.1.0
 */
VL2_EXTERN int vl2_switch_port_add(vl2_switch *sw, uint32_t port,
                                   const vl2_port_config *cfg);

/**
 * Change a port's flags and MAC limit at run time. The mode and PVID
 * cannot change (delete and add the port instead).
 *
 * @param sw
 *   The switch.
 * @param port
 *   An existing port.
 * @param cfg
 *   New configuration; `mode` and `pvid` must match the port's.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID NULL argument, or @p cfg changes mode or PVID.
 * @retval VL2_ERR_NOTFOUND no such port.
 * @since 0.1.0
 */
VL2_EXTERN int vl2_switch_port_set(vl2_switch *sw, uint32_t port,
                                   const vl2_port_config *cfg);

/**
 * Remove a port, its VLAN maps and every FDB entry (static too) that
 * points at it.
 *
 * @param sw
 *   The switch.
 * @param port
 *   An existing port.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID @p sw is NULL.
 * @retval VL2_ERR_NOTFOUND no such port.
 * @since 0.1.0
 */
VL2_EXTERN int vl2_switch_port_del(vl2_switch *sw, uint32_t port);

/**
 * Map VLAN @p vid on @p port to the segment @p vni (the per-port
 * VLAN-to-segment map; a VLAN-to-VNI gateway is just this map).
 *
 * On an access port only the PVID may be mapped; on a trunk, mapping a VID
 * also allows it (802.1Q clause 8.6.2 member set), and the native VLAN
 * must be mapped for untagged frames to be accepted. A segment is reached
 * through at most one VID per port.
 *
 * @param sw
 *   The switch.
 * @param port
 *   An existing port.
 * @param vid
 *   1..4094.
 * @param vni
 *   An existing segment.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID NULL @p sw, @p vid out of range, or a non-PVID
 *         VID on an access port.
 * @retval VL2_ERR_NOTFOUND no such port or segment.
 * @retval VL2_ERR_EXISTS @p vid is mapped already on @p port, or the
 *         segment is already reached through another VID of @p port.
 * @retval VL2_ERR_NOMEM the segment's flood list could not grow.
 * @since 0.1.0
 */
VL2_EXTERN int vl2_switch_port_vlan_add(vl2_switch *sw, uint32_t port,
                                        vl2_vid vid, uint32_t vni);

/**
 * Remove VLAN @p vid from @p port, and flush the FDB entries that point at
 * the port in that segment.
 *
 * @param sw
 *   The switch.
 * @param port
 *   An existing port.
 * @param vid
 *   A VID mapped on the port.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID NULL @p sw or @p vid out of range.
 * @retval VL2_ERR_NOTFOUND no such port, or @p vid is not mapped on it.
 * @since 0.1.0
 */
VL2_EXTERN int vl2_switch_port_vlan_del(vl2_switch *sw, uint32_t port,
                                        vl2_vid vid);

/** @} */

/** @name Segments and remote endpoints
 * @{ */

/** Segment flag: learn inner source MACs against the remote endpoint that
 * sent them (OCI's "learn the tunnel endpoint from the encapsulating
 * header"). */
#define VL2_SEG_F_LEARN_REMOTE 0x01u
/** Segment flag: accept frames only from remote endpoints in the flood
 * list (others are dropped with ::VL2_DROP_REMOTE_NOT_MEMBER). */
#define VL2_SEG_F_STRICT_REMOTES 0x02u
/** Segment flag: answer ARP/NS from the neighbour table (see neigh.h). */
#define VL2_SEG_F_ARP_SUPPRESS 0x04u
/** Segment flag: directory mode (VL2 section 4.2.1; see neigh.h). */
#define VL2_SEG_F_DIRECTORY 0x08u
/** Segment flag: the segment's remote state comes from a control plane
 * (BGP EVPN, RFC 7432 / RFC 8365): inner source MACs from remote
 * endpoints are never learned (::VL2_SEG_F_LEARN_REMOTE is ignored),
 * frames are accepted only from flood-list members (as with
 * ::VL2_SEG_F_STRICT_REMOTES), and MAC move dampening (RFC 7432 section
 * 15.1: more than 5 moves in 180 s freezes the MAC) is on even when the
 * switch's `move_threshold` is 0. */
#define VL2_SEG_F_EVPN 0x10u
/** Segment flag: with ::VL2_SEG_F_ARP_SUPPRESS (or directory mode), answer
 * ARP requests and neighbour solicitations only from control-plane
 * bindings (static or EVPN entries, vl2_neigh_add_static()); snooped
 * bindings still serve the resolver but never the answers, so a forged
 * GARP or NA cannot make the switch answer for someone else (dynamic ARP
 * inspection's guarantee). A request for an IP without such a binding is
 * a miss (flooded, or a directory lookup). @since 0.2.0 */
#define VL2_SEG_F_SUPPRESS_CP_ONLY 0x20u

/** A segment's configuration; vl2_switch_segment_add() copies it. */
typedef struct vl2_segment_config {
  uint32_t flags; /**< `VL2_SEG_F_*`. */
  /** Dynamic MACs this segment may hold; 0 takes the switch's
   * max_macs_per_segment. */
  uint32_t max_macs;
  uint32_t reserved[2]; /**< Zero. */
} vl2_segment_config;

/**
 * Add a segment (a broadcast domain) identified by a 24-bit VNI.
 *
 * @param sw
 *   The switch.
 * @param vni
 *   0..0xFFFFFF (RFC 7348 section 5).
 * @param cfg
 *   Copied; NULL means flags ::VL2_SEG_F_LEARN_REMOTE and the switch's
 *   MAC limit.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID NULL @p sw or @p vni above 24 bits.
 * @retval VL2_ERR_EXISTS the segment exists.
 * @retval VL2_ERR_LIMIT max_segments segments exist.
 * @retval VL2_ERR_NOMEM allocation failed.
 * @since 0.1.0
 */
VL2_EXTERN int vl2_switch_segment_add(vl2_switch *sw, uint32_t vni,
                                      const vl2_segment_config *cfg);

/**
 * Change a segment's flags and MAC limit.
 *
 * @param sw
 *   The switch.
 * @param vni
 *   An existing segment.
 * @param cfg
 *   The new configuration, copied.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID NULL argument.
 * @retval VL2_ERR_NOTFOUND no such segment.
 * @since 0.1.0
 */
VL2_EXTERN int vl2_switch_segment_set(vl2_switch *sw, uint32_t vni,
                                      const vl2_segment_config *cfg);

/**
 * Remove a segment with its flood list and FDB entries.
 *
 * @param sw
 *   The switch.
 * @param vni
 *   An existing segment.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID NULL @p sw.
 * @retval VL2_ERR_NOTFOUND no such segment.
 * @retval VL2_ERR_BUSY a port still maps a VLAN to it.
 * @since 0.1.0
 */
VL2_EXTERN int vl2_switch_segment_del(vl2_switch *sw, uint32_t vni);

/**
 * Add a remote endpoint (VTEP) to a segment's flood list (the overlay's
 * "broadcast domain set"; head-end replication sends BUM frames to it).
 *
 * @param sw
 *   The switch.
 * @param vni
 *   An existing segment.
 * @param remote
 *   The endpoint's underlay address, copied; IPv4 or IPv6.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID NULL argument or a bad address family.
 * @retval VL2_ERR_NOTFOUND no such segment.
 * @retval VL2_ERR_EXISTS the endpoint is in the flood list already.
 * @retval VL2_ERR_LIMIT max_remotes endpoints exist.
 * @retval VL2_ERR_NOMEM allocation failed.
 * @since 0.1.0
 */
VL2_EXTERN int vl2_switch_remote_add(vl2_switch *sw, uint32_t vni,
                                     const vl2_ipaddr *remote);

/**
 * Remove a remote endpoint from a segment's flood list, and flush the
 * segment's dynamic FDB entries that point at it.
 *
 * @param sw
 *   The switch.
 * @param vni
 *   An existing segment.
 * @param remote
 *   The endpoint's address.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID NULL argument.
 * @retval VL2_ERR_NOTFOUND no such segment, or the endpoint is not in its
 *         flood list.
 * @since 0.1.0
 */
VL2_EXTERN int vl2_switch_remote_del(vl2_switch *sw, uint32_t vni,
                                     const vl2_ipaddr *remote);

/**
 * Read a segment's flood list (its remote endpoints), one at a time.
 *
 * @param sw
 *   The switch.
 * @param vni
 *   An existing segment.
 * @param idx
 *   0 for the first endpoint, then 1, 2, ...; the order is stable while
 *   the list does not change.
 * @param remote
 *   Written with the endpoint's address when 1 is returned.
 * @return
 *   1 when an endpoint was written, 0 when @p idx is past the end.
 * @retval VL2_ERR_INVALID NULL argument.
 * @retval VL2_ERR_NOTFOUND no such segment.
 * @since 0.2.0
 */
VL2_EXTERN int vl2_switch_remote_get(const vl2_switch *sw, uint32_t vni,
                                     uint32_t idx, vl2_ipaddr *remote);

/** @} */

/** @name Frames, destinations and verdicts
 * @{ */

/** A frame handed to the switch (or received from a backend). */
typedef struct vl2_frame {
  /** The Ethernet frame from the destination MAC on, without FCS. Borrowed
   * for the call. */
  const uint8_t *data;
  uint32_t len; /**< Bytes at @p data. */
  /** Ingress port id, or ::VL2_PORT_REMOTE for a decapsulated frame. */
  uint32_t port;
  /** Receive time set by backends; the switch uses its `now` argument
   * instead. */
  vl2_tstamp rx_ts;
  /** With ::VL2_PORT_REMOTE: the segment (VXLAN VNI) it arrived in. */
  uint32_t vni;
  uint32_t flags; /**< `VL2_FRAME_F_*`, or 0. */
  /** With ::VL2_PORT_REMOTE: the remote endpoint's (outer source)
   * address. Backends that receive from the underlay fill it. */
  vl2_ipaddr remote;
  uint32_t reserved; /**< Zero (explicit padding). */
} vl2_frame;

/**
 * ::vl2_frame flag: a virtio-net header sits immediately before `data`.
 *
 * The header is the 10-byte `struct virtio_net_hdr` of
 * `<linux/virtio_net.h>` (no `num_buffers`: ::VL2_VNET_HDR_LEN bytes), in
 * host byte order, at `data - VL2_VNET_HDR_LEN`, inside headroom of the
 * same buffer. Its offsets (`csum_start`, `hdr_len`) count from `data`.
 * It describes offload work the frame still needs: a partial TCP/UDP
 * checksum (`VIRTIO_NET_HDR_F_NEEDS_CSUM`) and/or segmentation of a
 * super-frame longer than the MTU, up to 64 KiB (`gso_type`, `gso_size`).
 *
 * Receive: the TAP backend opened with `offload=1` sets it on every frame.
 * Transmit: the TAP backend opened with `offload=1` hands the header to
 * the kernel unchanged (pass-through). Other backends and TAPs without
 * `offload=1` do not finish frames: vl2_egress_build() (<vl2/egress.h>)
 * finishes them in software (checksum, segmentation) for destinations
 * that cannot take the offload, and for those that can keeps the header,
 * moved with the frame start and its `csum_start` and `hdr_len` shifted
 * by the tag edit (+4 or -4). The core reads the header only for the overlay
 * MTU check (vl2_switch_set_overlay()): a GSO super-frame is checked by the
 * size of one segment, `hdr_len + gso_size`, since it leaves as segments.
 */
#define VL2_FRAME_F_VNET_HDR 0x1u
/** Bytes of the header ::VL2_FRAME_F_VNET_HDR announces. */
#define VL2_VNET_HDR_LEN 10u

/** Destination type: a local port. */
#define VL2_DEST_PORT 0
/** Destination type: a remote endpoint; encapsulate (VXLAN) to it. */
#define VL2_DEST_REMOTE 1

/** Egress edit: send the frame as it is. */
#define VL2_EDIT_KEEP 0
/** Egress edit: insert a tag with `tpid` and `vid` (PCP 0) after the MACs. */
#define VL2_EDIT_PUSH 1
/** Egress edit: remove the outer tag. */
#define VL2_EDIT_POP 2
/** Egress edit: set the outer tag's TPID and VID, keeping PCP and DEI. */
#define VL2_EDIT_REWRITE 3

/**
 * One destination of a frame: where to send it, and the edit that makes
 * it right for that destination (802.1Q clause 8.1.7 egress rules). For
 * ::VL2_DEST_REMOTE the edit leaves the inner frame untagged, and the
 * caller encapsulates it with `vni` to `remote`.
 */
typedef struct vl2_dest {
  uint8_t type;  /**< ::VL2_DEST_PORT or ::VL2_DEST_REMOTE. */
  uint8_t edit;  /**< `VL2_EDIT_*`. */
  vl2_vid vid;   /**< VID for ::VL2_EDIT_PUSH and ::VL2_EDIT_REWRITE. */
  uint16_t tpid; /**< TPID for ::VL2_EDIT_PUSH and ::VL2_EDIT_REWRITE. */
  /** ::VL2_DEST_REMOTE: the outer UDP source port to use (RFC 7348
   * section 5 entropy), 0 when the switch has no overlay config. */
  uint16_t udp_sport;
  uint32_t port;      /**< ::VL2_DEST_PORT: the port id. */
  uint32_t vni;       /**< The segment's VNI. */
  uint32_t remote_id; /**< ::VL2_DEST_REMOTE: the endpoint's handle. */
  vl2_ipaddr remote;  /**< ::VL2_DEST_REMOTE: the endpoint's address. */
} vl2_dest;

/** Verdict action: drop; `reason` says why. */
#define VL2_ACT_DROP 0
/** Verdict action: send to `dest_cnt` destinations at `dests[dest_off]`
 * (1 for known unicast, more when replicated). */
#define VL2_ACT_FORWARD 1
/** Verdict action: the switch absorbed the frame (it answered it itself,
 * e.g. a suppressed ARP request); nothing to send. */
#define VL2_ACT_CONSUMED 2

/** Verdict flag: the frame was flooded (BUM: broadcast, unknown unicast or
 * multicast). */
#define VL2_VFLAG_FLOOD 0x01u
/** Verdict flag: the source MAC was newly learned. */
#define VL2_VFLAG_LEARNED 0x02u
/** Verdict flag: the source MAC moved to this port or endpoint. */
#define VL2_VFLAG_MOVED 0x04u
/** Verdict flag: the source MAC was not learned because of a limit. */
#define VL2_VFLAG_LIMIT 0x08u
/** Verdict flag: the source MAC tried to move but is frozen by move
 * dampening (see neigh.h); the FDB entry stayed. */
#define VL2_VFLAG_FROZEN 0x10u

/** What to do with one frame; verdict `i` describes frame `i`. */
typedef struct vl2_verdict {
  uint16_t action;   /**< `VL2_ACT_*`. */
  uint16_t reason;   /**< `VL2_DROP_*` when dropped, else 0. */
  uint32_t dest_off; /**< First destination in the caller's array. */
  uint32_t dest_cnt; /**< Number of destinations. */
  uint32_t vni;      /**< The frame's segment, when classified. */
  uint32_t flags;    /**< `VL2_VFLAG_*`. */
  uint32_t reserved; /**< Zero. */
} vl2_verdict;

/**
 * Why a frame was dropped. Each has a counter in
 * ::vl2_switch_stats.drops and a name from vl2_drop_reason_name().
 */
typedef enum vl2_drop_reason {
  VL2_DROP_NONE = 0,          /**< Not dropped. */
  VL2_DROP_RUNT,              /**< Shorter than its Ethernet/802.1Q header. */
  VL2_DROP_PORT_UNKNOWN,      /**< Ingress port does not exist. */
  VL2_DROP_SRC_MULTICAST,     /**< Source MAC is group (multicast/broadcast). */
  VL2_DROP_SRC_ZERO,          /**< Source MAC is 00:00:00:00:00:00. */
  VL2_DROP_TAGGED_ON_ACCESS,  /**< VLAN-tagged (VID != 0) on an access port. */
  VL2_DROP_UNTAGGED_ON_TRUNK, /**< Untagged on a trunk with no native VLAN. */
  VL2_DROP_VLAN_NOT_ALLOWED,  /**< VID not in the port's member set. */
  VL2_DROP_VID_RESERVED,      /**< VID 4095 (802.1Q Table 9-2). */
  VL2_DROP_STACKED_TAG,       /**< A second tag behind the one that
                                   classifies it (double-tagging hop), or
                                   an S+C-tagged frame whose one
                                   destination would leave it untagged. */
  VL2_DROP_QINQ,              /**< 802.1ad S-tag on a port not set for it,
                                   or a C-tagged frame without an S-tag on
                                   an 802.1ad port. */
  VL2_DROP_NO_SEGMENT,        /**< No segment for the VLAN or VNI. */
  VL2_DROP_RESERVED_GROUP,    /**< To 01-80-C2-00-00-0x, which bridges
                                   never forward (802.1Q clause 8.6.3). */
  VL2_DROP_SAME_PORT,         /**< Destination is the ingress port. */
  VL2_DROP_SPLIT_HORIZON,     /**< From a remote endpoint to a remote one. */
  VL2_DROP_NO_DESTINATION,    /**< The flood set was empty. */
  VL2_DROP_REMOTE_NOT_MEMBER, /**< From an endpoint outside a strict
                                   segment's flood list. */
  VL2_DROP_REMOTE_TAGGED,     /**< A decapsulated inner frame carries a
                                   VLAN tag (RFC 7348 section 6.1). */
  VL2_DROP_ARP_SPOOF,         /**< ARP sender MAC differs from the source
                                   MAC on a spoof-guarded port. */
  VL2_DROP_ND_SPOOF,          /**< ND link-layer address option differs
                                   from the source MAC on a spoof-guarded
                                   port. */
  VL2_DROP_NEIGH_UNBOUND,     /**< ARP/NA claims an IP not statically bound
                                   to the port (neighbour inspection). */
  VL2_DROP_DIR_FULL,          /**< Directory mode: no room to hold the
                                   request (pending lookups full). */
  VL2_DROP_OVERLAY_MTU,       /**< The frame would exceed the underlay
                                   MTU once VXLAN-encapsulated (RFC 7348
                                   section 4.3: never fragmented). */
  VL2_DROP_STORM_CONTROL,     /**< A flooded frame over its port's storm
                                   rate or its segment's replication
                                   budget (see storm.h). */
  VL2_DROP_MCAST_INVALID,     /**< An IGMP or MLD message that fails
                                   validation while snooping (see mdb.h;
                                   RFC 3376 section 4, RFC 3810 section
                                   5). */
  VL2_DROP_REASON_COUNT       /**< Number of reasons defined so far. */
} vl2_drop_reason;

/** Room in ::vl2_switch_stats.drops for reasons added later. */
#define VL2_DROP_REASON_MAX 64

/**
 * Name a drop reason.
 *
 * @param reason
 *   A `VL2_DROP_*` value.
 * @return
 *   A static lower-case identifier such as "tagged_on_access", or
 *   "unknown". Never NULL. Thread-safe.
 * @since 0.1.0
 */
VL2_EXTERN const char *vl2_drop_reason_name(unsigned reason);

/**
 * Decide a burst of frames: classify each into a segment, learn its
 * source MAC, and forward, replicate or drop it.
 *
 * Replication lists are written into @p dests; verdict `i` describes
 * `in[i]` and names its destinations as `dests[dest_off .. dest_off +
 * dest_cnt)`. Processing stops before a frame whose destinations might not
 * fit in what is left of @p dests (its segment's member count), so the
 * caller can send what was decided and call again with the rest. The data
 * path never fails: every frame gets a verdict, and a drop carries a
 * reason and increments its counter.
 *
 * Behaviour (802.1Q clause 8.6 forwarding process): ingress rules by
 * port mode (clause 8.6.1), member set (8.6.2), reserved group addresses
 * filtered (8.6.3), learning (8.7) with limits, split horizon for remote
 * endpoints, egress tagging per destination (8.1.7).
 *
 * @param sw
 *   The switch.
 * @param in
 *   @p n frames, borrowed for the call.
 * @param n
 *   Number of frames; 0 returns 0.
 * @param out
 *   At least @p n verdicts, written.
 * @param dests
 *   Destination array, written.
 * @param dests_cap
 *   Entries in @p dests.
 * @param now
 *   The current time.
 * @return
 *   The number of frames decided (1..@p n), or a negative error.
 * @retval VL2_ERR_INVALID NULL argument with @p n > 0.
 * @retval VL2_ERR_NOBUF the first frame's destinations cannot fit in
 *         @p dests_cap; nothing was decided.
 * @since 0.1.0
 */
VL2_EXTERN vl2_ssize vl2_switch_process(vl2_switch *sw, const vl2_frame *in,
                                        size_t n, vl2_verdict *out,
                                        vl2_dest *dests, size_t dests_cap,
                                        vl2_tstamp now);

/**
 * The most destinations one frame can get now: the largest flood set of
 * any segment. A @p dests array this large always takes at least one
 * frame.
 *
 * @param sw
 *   The switch.
 * @return
 *   The count (0 when @p sw is NULL).
 * @since 0.1.0
 */
VL2_EXTERN size_t vl2_switch_max_fanout(const vl2_switch *sw);

/** @} */

/** @name Timers
 * @{ */

/**
 * When vl2_switch_run_timers() should next be called.
 *
 * @param sw
 *   The switch.
 * @return
 *   An absolute time, possibly in the past, or ::VL2_TSTAMP_NONE when
 *   nothing is scheduled (or @p sw is NULL).
 * @since 0.1.0
 */
VL2_EXTERN vl2_tstamp vl2_switch_next_deadline(const vl2_switch *sw);

/**
 * Run what is due: FDB ageing (which reclaims entries and emits
 * ::VL2_EV_FDB_AGED), and the neighbour timers of neigh.h (neighbour
 * ageing, resolver retransmissions, directory timeouts, dampening
 * thaws). Frames it originates wait for vl2_switch_poll_tx(). Calling it early
 * or often is harmless; calling it late never makes a lookup return an expired
 * entry, because lookups compare expiry with their own `now`.
 *
 * @param sw
 *   The switch.
 * @param now
 *   The current time.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID @p sw is NULL.
 * @since 0.1.0
 */
VL2_EXTERN int vl2_switch_run_timers(vl2_switch *sw, vl2_tstamp now);

/** @} */

/** @name Events
 * @{ */

/** Event: a MAC was learned (`port` or `remote` says where). */
#define VL2_EV_FDB_LEARNED 1
/** Event: a MAC moved from `old_port`/`old_remote` to `port`/`remote`. */
#define VL2_EV_FDB_MOVED 2
/** Event: a dynamic entry aged out. */
#define VL2_EV_FDB_AGED 3
/** Event: a MAC was not learned because a limit was reached; `reason`
 * is one of `VL2_LIMIT_*`. */
#define VL2_EV_FDB_LIMIT 4

/** Event: a neighbour binding was added (learned, resolved, directory
 * or static is not evented); `ip`, `mac`, `port` where seen. */
#define VL2_EV_NEIGH_ADDED 16
/** Event: an IP was rebound from `old_mac` to `mac` (GARP, unsolicited
 * NA). */
#define VL2_EV_NEIGH_MOVED 17
/** Event: a learned neighbour entry aged out. */
#define VL2_EV_NEIGH_AGED 18
/** Event: resolution of `ip` failed; `reason` is the packets dropped. */
#define VL2_EV_NEIGH_FAILED 19
/** Event: move dampening froze a MAC (`ip` family ::VL2_AF_NONE) or an IP
 * binding until hold-down ends. */
#define VL2_EV_NEIGH_FROZEN 20
/** Event: a frozen MAC or IP thawed. */
#define VL2_EV_NEIGH_THAWED 21
/** Event: directory mode needs `ip` resolved in `vni` (asked by `mac` on
 * `port`); answer with vl2_neigh_dir_answer(). */
#define VL2_EV_NEIGH_LOOKUP 22
/** Event: a directory lookup of `ip` timed out unanswered. */
#define VL2_EV_NEIGH_LOOKUP_TIMEOUT 23

/** Limit kind of ::VL2_EV_FDB_LIMIT: the port's max_macs. */
#define VL2_LIMIT_PORT 1
/** Limit kind of ::VL2_EV_FDB_LIMIT: the segment's max_macs. */
#define VL2_LIMIT_SEGMENT 2
/** Limit kind of ::VL2_EV_FDB_LIMIT: the switch's max_fdb. */
#define VL2_LIMIT_TABLE 3
/** Limit kind of ::VL2_EV_FDB_LIMIT: the switch's max_macs_per_remote
 * (the endpoint in `remote`). @since 0.2.0 */
#define VL2_LIMIT_REMOTE 4

/** A control-plane event, drained with vl2_switch_poll_event(). */
typedef struct vl2_event {
  uint16_t type;         /**< `VL2_EV_*`. */
  uint16_t reason;       /**< Event-specific detail (`VL2_LIMIT_*`). */
  uint32_t vni;          /**< The segment. */
  vl2_mac mac;           /**< The MAC concerned. */
  uint16_t reserved;     /**< Zero. */
  uint32_t port;         /**< New location: a port id or ::VL2_PORT_REMOTE. */
  uint32_t old_port;     /**< ::VL2_EV_FDB_MOVED: the old location. */
  vl2_ipaddr remote;     /**< With ::VL2_PORT_REMOTE in `port`. */
  vl2_ipaddr old_remote; /**< With ::VL2_PORT_REMOTE in `old_port`. */
  vl2_ipaddr ip;         /**< Neighbour events: the IP address. */
  uint32_t reserved0;    /**< Zero (explicit padding). */
  vl2_tstamp at;         /**< The `now` at which it happened. */
  vl2_mac old_mac;       /**< ::VL2_EV_NEIGH_MOVED: the previous MAC. */
  uint16_t reserved1;    /**< Zero. */
  uint32_t reserved2;    /**< Zero. */
  uint32_t reserved3;    /**< Zero (explicit padding). */
} vl2_event;

/**
 * Take the oldest event from the switch's bounded event queue.
 *
 * @param sw
 *   The switch.
 * @param ev
 *   Written when an event is returned.
 * @return
 *   1 when an event was written, 0 when the queue is empty (or an
 *   argument is NULL).
 * @since 0.1.0
 */
VL2_EXTERN int vl2_switch_poll_event(vl2_switch *sw, vl2_event *ev);

/** @} */

/** @name Counters
 * @{ */

/** Per-port counters. "tx" counts what the switch told the caller to
 * send; the backend's own counters say what was sent. */
typedef struct vl2_port_stats {
  uint64_t rx_frames;  /**< Frames in from the port. */
  uint64_t rx_bytes;   /**< Their bytes. */
  uint64_t rx_drops;   /**< Of those, dropped. */
  uint64_t tx_frames;  /**< Frames decided to the port. */
  uint64_t tx_bytes;   /**< Their bytes (before the egress edit). */
  uint64_t rx_flooded; /**< Frames from the port that were flooded. */
  uint64_t learned;    /**< MACs learned on the port. */
  uint64_t moved_in;   /**< MACs that moved to the port. */
  uint64_t limit_hits; /**< MACs not learned because of a limit. */
  uint64_t macs;       /**< Dynamic MACs the port owns now. */
} vl2_port_stats;

/** Per-segment counters. */
typedef struct vl2_segment_stats {
  uint64_t rx_frames;           /**< Frames classified into the segment. */
  uint64_t rx_bytes;            /**< Their bytes. */
  uint64_t tx_frames;           /**< Copies decided (unicast and flooded). */
  uint64_t tx_bytes;            /**< Their bytes. */
  uint64_t bum_frames;          /**< Frames flooded (broadcast, unknown unicast,
                                     multicast). */
  uint64_t flood_copies;        /**< Copies those produced (fan-out). */
  uint64_t flood_remote_copies; /**< Of those, to remote endpoints. */
  uint64_t unknown_unicast;     /**< Unicast frames flooded on an FDB miss. */
  uint64_t learned;             /**< MACs learned. */
  uint64_t moved;               /**< MAC moves. */
  uint64_t limit_hits;          /**< MACs not learned because of a limit. */
  uint64_t macs;                /**< Dynamic MACs in the segment now. */
} vl2_segment_stats;

/** Switch-wide counters. */
typedef struct vl2_switch_stats {
  uint64_t rx_frames;        /**< Frames decided. */
  uint64_t rx_bytes;         /**< Their bytes. */
  uint64_t forwarded;        /**< Frames forwarded to one destination. */
  uint64_t flooded;          /**< Frames replicated. */
  uint64_t consumed;         /**< Frames absorbed by the switch
                                  (::VL2_ACT_CONSUMED: answered ARP/ND,
                                  directory lookups). */
  uint64_t dropped;          /**< Frames dropped (sum of drops[]). */
  uint64_t learned;          /**< MACs learned. */
  uint64_t moved;            /**< MAC moves. */
  uint64_t aged;             /**< Entries aged out. */
  uint64_t limit_hits;       /**< MACs not learned because of a limit. */
  uint64_t static_conflicts; /**< Frames whose source MAC is static
                                  elsewhere (not learned). */
  uint64_t events_dropped;   /**< Events lost to a full queue. */
  uint64_t fdb_entries;      /**< FDB entries now, static and dynamic. */
  uint64_t fdb_static;       /**< Of those, static. */
  uint64_t drops[VL2_DROP_REASON_MAX]; /**< By `VL2_DROP_*`. */
  /** Copies to remote endpoints left out of a flood because the frame
   * would exceed the underlay MTU once encapsulated (the frame itself was
   * still flooded elsewhere, so it is not in drops[]). */
  uint64_t overlay_mtu_skips;
  /** Copies left out of a flood because the frame carries a C-tag behind
   * its 802.1ad S-tag and the destination would leave it untagged (an
   * access port, a native VLAN, or a remote endpoint, RFC 7348 section
   * 6.1): the C-tag would become the outer tag. A known-unicast frame in
   * that case is dropped with ::VL2_DROP_STACKED_TAG. */
  uint64_t stacked_tag_skips;
} vl2_switch_stats;

/**
 * Read the switch-wide counters. Call it through vl2_switch_get_stats().
 *
 * @param sw
 *   The switch.
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
VL2_EXTERN int vl2_switch_get_stats_versioned(const vl2_switch *sw,
                                              size_t st_size,
                                              vl2_switch_stats *st);
/**
 * The 0.1 form of vl2_switch_get_stats_versioned(), kept exported for programs
 * linked against libvl2 0.1; the vl2_switch_get_stats() macro below replaces it
 * in source.
 *
 * @param sw
 *   The switch.
 * @param st
 *   Written (the size of this header's struct).
 * @return
 *   As vl2_switch_get_stats_versioned().
 * @deprecated Since 0.2.0: call the vl2_switch_get_stats() macro.
 */
VL2_EXTERN int vl2_switch_get_stats(const vl2_switch *sw, vl2_switch_stats *st);
/** vl2_switch_get_stats_versioned() with the size these headers give. */
#define vl2_switch_get_stats(sw, st)                                           \
  vl2_switch_get_stats_versioned((sw), sizeof(vl2_switch_stats), (st))

/**
 * Read a port's counters. Call it through vl2_switch_port_get_stats().
 *
 * @param sw
 *   The switch.
 * @param port
 *   An existing port.
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
 * @retval VL2_ERR_NOTFOUND no such port.
 * @since 0.2.0
 */
VL2_EXTERN int vl2_switch_port_get_stats_versioned(const vl2_switch *sw,
                                                   uint32_t port,
                                                   size_t st_size,
                                                   vl2_port_stats *st);
/**
 * The 0.1 form of vl2_switch_port_get_stats_versioned(), kept exported for
 * programs linked against libvl2 0.1; the vl2_switch_port_get_stats() macro
 * below replaces it in source.
 *
 * @param sw
 *   The switch.
 * @param port
 *   An existing port.
 * @param st
 *   Written (the size of this header's struct).
 * @return
 *   As vl2_switch_port_get_stats_versioned().
 * @deprecated Since 0.2.0: call the vl2_switch_port_get_stats() macro.
 */
VL2_EXTERN int vl2_switch_port_get_stats(const vl2_switch *sw, uint32_t port,
                                         vl2_port_stats *st);
/** vl2_switch_port_get_stats_versioned() with the size these headers
 * give. */
#define vl2_switch_port_get_stats(sw, port, st)                                \
  vl2_switch_port_get_stats_versioned((sw), (port), sizeof(vl2_port_stats),    \
                                      (st))

/**
 * Read a segment's counters. Call it through
 * vl2_switch_segment_get_stats().
 *
 * @param sw
 *   The switch.
 * @param vni
 *   An existing segment.
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
VL2_EXTERN int vl2_switch_segment_get_stats_versioned(const vl2_switch *sw,
                                                      uint32_t vni,
                                                      size_t st_size,
                                                      vl2_segment_stats *st);
/**
 * The 0.1 form of vl2_switch_segment_get_stats_versioned(), kept exported for
 * programs linked against libvl2 0.1; the vl2_switch_segment_get_stats() macro
 * below replaces it in source.
 *
 * @param sw
 *   The switch.
 * @param vni
 *   An existing segment.
 * @param st
 *   Written (the size of this header's struct).
 * @return
 *   As vl2_switch_segment_get_stats_versioned().
 * @deprecated Since 0.2.0: call the vl2_switch_segment_get_stats() macro.
 */
VL2_EXTERN int vl2_switch_segment_get_stats(const vl2_switch *sw, uint32_t vni,
                                            vl2_segment_stats *st);
/** vl2_switch_segment_get_stats_versioned() with the size these headers
 * give. */
#define vl2_switch_segment_get_stats(sw, vni, st)                              \
  vl2_switch_segment_get_stats_versioned((sw), (vni),                          \
                                         sizeof(vl2_segment_stats), (st))

/** @} */

/** @name Overlay
 * @{ */

/* The VXLAN settings are ::vl2_vxlan_config of <vl2/vxlan.h>; named by
 * their struct tag here so this header needs no other. */
struct vl2_vxlan_config;

/**
 * Give a switch its overlay settings, so that it fills
 * ::vl2_dest.udp_sport for remote destinations (RFC 7348 section 5: a hash
 * of the inner flow mapped into [`sport_lo`, `sport_hi`], one flow always
 * on one port) and drops frames that would exceed `underlay_mtu` once
 * encapsulated (::VL2_DROP_OVERLAY_MTU; for a flood only that copy is left
 * out, counted in ::vl2_switch_stats.overlay_mtu_skips). Without it,
 * `udp_sport` is 0 and no MTU check is made.
 *
 * @param sw
 *   The switch.
 * @param cfg
 *   The overlay configuration (<vl2/vxlan.h>), copied
 *   (vl2_vxlan_config_check() must accept it); NULL removes the overlay
 *   settings.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID @p sw is NULL or @p cfg is invalid.
 * @since 0.1.0
 */
VL2_EXTERN int vl2_switch_set_overlay(vl2_switch *sw,
                                      const struct vl2_vxlan_config *cfg);

/** @} */

/** @name Frames the switch originates
 * @{ */

/** Output kind: an ARP reply (suppression or directory). */
#define VL2_TX_ARP_REPLY 1
/** Output kind: an ARP request (resolver). */
#define VL2_TX_ARP_REQUEST 2
/** Output kind: a Neighbor Advertisement (suppression or directory). */
#define VL2_TX_NA 3
/** Output kind: a Neighbor Solicitation (resolver). */
#define VL2_TX_NS 4
/** Output kind: an IP packet sent or released by the resolver. */
#define VL2_TX_PACKET 5

/** Output flag: one copy of a replicated frame (more copies follow). */
#define VL2_TX_F_FLOOD 0x01u

/** Where a frame from vl2_switch_poll_tx() goes. */
typedef struct vl2_tx_meta {
  uint16_t kind;  /**< `VL2_TX_*`. */
  uint16_t flags; /**< `VL2_TX_F_*`. */
  uint32_t vni;   /**< The segment. */
  /** The frame's length; also set when ::VL2_ERR_NOBUF is returned. */
  uint32_t len;
  uint32_t reserved; /**< Zero. */
  /** The destination. Its `edit` is always ::VL2_EDIT_KEEP: the bytes
   * already carry the 802.1Q tag the destination port needs (trunk
   * ports), and are untagged for ::VL2_DEST_REMOTE (encapsulate them
   * with `vni`). */
  vl2_dest dest;
} vl2_tx_meta;

/**
 * Take the next frame the switch originated (suppressed replies,
 * directory replies, resolver requests and packets), for one destination.
 *
 * A frame for several destinations (a flooded request) is returned once
 * per destination, with ::VL2_TX_F_FLOOD set; the queue is bounded
 * (`tx_queue_cap` generated frames plus the packets released from wait
 * queues). Destinations follow vl2_switch_process()'s rules, resolved
 * when polled: the port's egress tag, a remote endpoint's `udp_sport`,
 * and for a flood the members' flood flags and the underlay MTU (a copy
 * that would not fit is left out, counted in
 * ::vl2_switch_stats.overlay_mtu_skips). Storm control and IGMP/MLD
 * snooping police received traffic only. Hand each frame to
 * vl2_egress_build() like a received one.
 *
 * @param sw
 *   The switch.
 * @param buf
 *   Written with the frame (destination MAC first, no FCS).
 * @param cap
 *   Bytes at @p buf; `neigh_mtu` + 18 always suffices.
 * @param meta
 *   Written with the destination when a frame is returned.
 * @param now
 *   The current time (a packet whose destination MAC is looked up in the
 *   FDB uses it).
 * @return
 *   The frame's length, or 0 when there is nothing to send.
 * @retval VL2_ERR_INVALID NULL argument.
 * @retval VL2_ERR_NOBUF @p cap is smaller than the frame (`meta->len`);
 *         the frame stays queued.
 * @since 0.1.0
 */
VL2_EXTERN vl2_ssize vl2_switch_poll_tx(vl2_switch *sw, uint8_t *buf,
                                        size_t cap, vl2_tx_meta *meta,
                                        vl2_tstamp now);

/** @} */

#ifdef __cplusplus
}
#endif

/** @} */
#endif /* !defined(VL2_SWITCH_H) */
