/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * @defgroup storm Storm control
 *
 * Token buckets that limit flooded traffic: per port and per traffic class
 * (broadcast, unknown unicast, unregistered multicast, all multicast), and
 * a per-segment budget for replicated traffic that charges each frame by
 * its fan-out.
 *
 * An overlay broadcast is a series of unicasts: a broadcast to 40 members
 * costs 40 copies, so the segment budget counts copies, not frames (the
 * OCI seed: "we multiply by the number of destinations in the broadcast
 * domain when enforcing bandwidth and packet throttles"). Storm control is
 * checked on the flood path only; known unicast never meets a bucket.
 * A frame that does not conform is dropped with ::VL2_DROP_STORM_CONTROL
 * and counted per port and class (::vl2_storm_port_stats) or per segment
 * (::vl2_storm_segment_stats).
 *
 * Buckets run on the caller's clock (`now` of vl2_switch_process()), in
 * exact integer arithmetic: a bucket of rate R tokens/s and burst B
 * tokens lets through at most `B + R * t / 10^9` tokens in any `t`
 * nanoseconds. A bucket starts full. A frame costs 1 frame token and its
 * length in byte tokens at a port; at a segment it costs its fan-out in
 * frame tokens and fan-out times length in byte tokens. A frame that
 * costs more than the burst never conforms: choose a segment burst of at
 * least the largest fan-out.
 *
 * Events (vl2_switch_poll_event()) are edge-triggered: ::VL2_EV_STORM_START
 * when a port's class or a segment starts dropping, ::VL2_EV_STORM_END when
 * it has dropped nothing for its quiet time; never one per frame. With a
 * hold-down time set, a port whose bucket starts dropping has all of its
 * flooding shut for that time (the "err-disable" of switch vendors):
 * ::VL2_EV_STORM_BLOCKED, then ::VL2_EV_STORM_UNBLOCKED.
 *
 * Storm control is off in a new switch: nothing is limited until a call
 * below sets a rate.
 *
 * Thread-safety: as the ::vl2_switch the functions take.
 * @{
 */
#ifndef VL2_STORM_H
#define VL2_STORM_H

#include <vl2/common.h>
#include <vl2/switch.h>

#ifdef __cplusplus
extern "C" {
#endif

/** @name Traffic classes
 * @{ */
/** Class: broadcast (destination ff:ff:ff:ff:ff:ff). */
#define VL2_STORM_BCAST 0
/** Class: unknown unicast (flooded on an FDB miss). */
#define VL2_STORM_UNKNOWN 1
/** Class: unregistered multicast: multicast that IGMP/MLD snooping does
 * not know (see mdb.h), or any multicast when snooping is off. Such a
 * frame is charged to this class and to ::VL2_STORM_MCAST. */
#define VL2_STORM_MCAST_UNREG 2
/** Class: all multicast, registered or not. */
#define VL2_STORM_MCAST 3
/** Number of per-port classes. */
#define VL2_STORM_CLASS_COUNT 4
/** Not a port class: the `reason` of a segment budget's events. */
#define VL2_STORM_SEGMENT 4
/** @} */

/** Largest rate, in tokens per second (2^40). */
#define VL2_STORM_RATE_MAX (1ULL << 40)

/**
 * A rate limit: frames per second and/or bytes per second, each with a
 * burst. A rate of 0 does not limit that unit. At a segment, "frames" are
 * copies (fan-out).
 */
typedef struct vl2_storm_rate {
  /** Frames (copies, at a segment) per second; 0: no frame limit; at most
   * ::VL2_STORM_RATE_MAX. */
  uint64_t pps;
  /** Bytes per second (frame length without FCS, before any egress edit);
   * 0: no byte limit; at most ::VL2_STORM_RATE_MAX. */
  uint64_t bps;
  /** Frames that may pass at once from a full bucket; 0 means a tenth of
   * a second at `pps`, at least 1. */
  uint32_t burst_frames;
  /** Bytes that may pass at once; 0 means a tenth of a second at `bps`,
   * at least 1518. */
  uint32_t burst_bytes;
} vl2_storm_rate;

/** Version 1 of ::vl2_storm_port_config and ::vl2_storm_segment_config. */
#define VL2_STORM_CONFIG_V1 1
/** The storm-control config version these headers describe: the
 * `_versioned` setters and getters below take it, so fields can be added
 * at the end of both structs without breaking older binaries. */
#define VL2_STORM_CONFIG_VERSION VL2_STORM_CONFIG_V1

/** A port's storm control; vl2_storm_port_set() copies it. */
typedef struct vl2_storm_port_config {
  /** Limits of frames flooded from the port, by `VL2_STORM_*` class. */
  vl2_storm_rate rate[VL2_STORM_CLASS_COUNT];
  /** Err-disable: when a class starts dropping, shut all flooding from
   * the port (every broadcast, unknown unicast and multicast it sends is
   * dropped) for this long. 0: off (only the excess is dropped). */
  vl2_duration holddown_ns;
  /** A limited class ends (::VL2_EV_STORM_END) after this long without a
   * drop. 0 means 1 s. */
  vl2_duration quiet_ns;
} vl2_storm_port_config;

/** A segment's budget for replicated traffic; vl2_storm_segment_set()
 * copies it. */
typedef struct vl2_storm_segment_config {
  /** Copies per second and copy bytes per second that flooding and
   * multicast replication may produce in the segment, charged by fan-out
   * (a frame flooded to N destinations costs N). Applies to frames from
   * local ports and from remote endpoints alike. */
  vl2_storm_rate budget;
  /** As in ::vl2_storm_port_config. 0 means 1 s. */
  vl2_duration quiet_ns;
} vl2_storm_segment_config;

/**
 * Set (or clear) the storm control of a port. The port's buckets restart
 * full. An all-zero @p cfg turns the port's storm control off. Call it
 * through vl2_storm_port_set().
 *
 * @param sw
 *   The switch.
 * @param port
 *   An existing port.
 * @param version
 *   The config version the caller was built with,
 *   ::VL2_STORM_CONFIG_VERSION (the macro passes it). A caller built for
 *   an older version has a shorter struct: only its fields are read, and
 *   later fields take their zero meaning.
 * @param cfg
 *   Copied; NULL turns storm control off for the port.
 * @param now
 *   The current time (the buckets start full at it).
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID NULL @p sw, or a rate above
 *         ::VL2_STORM_RATE_MAX.
 * @retval VL2_ERR_NOTFOUND no such port.
 * @retval VL2_ERR_VERSION @p version is unknown to this library.
 * @retval VL2_ERR_NOMEM storm state (sized by max_ports and max_segments,
 *         allocated by the first call that sets a rate) could not be
 *         allocated.
 * @since 0.2.0
 */
VL2_EXTERN int vl2_storm_port_set_versioned(vl2_switch *sw, uint32_t port,
                                            int version,
                                            const vl2_storm_port_config *cfg,
                                            vl2_tstamp now);
/** vl2_storm_port_set_versioned() for this header's config version. */
#define vl2_storm_port_set(sw, port, cfg, now)                                 \
  vl2_storm_port_set_versioned((sw), (port), VL2_STORM_CONFIG_VERSION, (cfg),  \
                               (now))

/**
 * Read a port's storm control (all zero when none is set). Call it
 * through vl2_storm_port_get().
 *
 * @param sw
 *   The switch.
 * @param port
 *   An existing port.
 * @param version
 *   The config version the caller was built with,
 *   ::VL2_STORM_CONFIG_VERSION (the macro passes it); only that version's
 *   fields are written.
 * @param cfg
 *   Written, with bursts as in effect (defaults filled in).
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID NULL argument.
 * @retval VL2_ERR_NOTFOUND no such port.
 * @retval VL2_ERR_VERSION @p version is unknown to this library.
 * @since 0.2.0
 */
VL2_EXTERN int vl2_storm_port_get_versioned(const vl2_switch *sw, uint32_t port,
                                            int version,
                                            vl2_storm_port_config *cfg);
/** vl2_storm_port_get_versioned() for this header's config version. */
#define vl2_storm_port_get(sw, port, cfg)                                      \
  vl2_storm_port_get_versioned((sw), (port), VL2_STORM_CONFIG_VERSION, (cfg))

/**
 * Set (or clear) the replication budget of a segment. Its bucket restarts
 * full. Call it through vl2_storm_segment_set().
 *
 * @param sw
 *   The switch.
 * @param vni
 *   An existing segment.
 * @param version
 *   The config version the caller was built with,
 *   ::VL2_STORM_CONFIG_VERSION (the macro passes it). A caller built for
 *   an older version has a shorter struct: only its fields are read, and
 *   later fields take their zero meaning.
 * @param cfg
 *   Copied; NULL or an all-zero budget turns it off.
 * @param now
 *   The current time.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID NULL @p sw, or a rate above
 *         ::VL2_STORM_RATE_MAX.
 * @retval VL2_ERR_NOTFOUND no such segment.
 * @retval VL2_ERR_VERSION @p version is unknown to this library.
 * @retval VL2_ERR_NOMEM storm state could not be allocated.
 * @since 0.2.0
 */
VL2_EXTERN int
vl2_storm_segment_set_versioned(vl2_switch *sw, uint32_t vni, int version,
                                const vl2_storm_segment_config *cfg,
                                vl2_tstamp now);
/** vl2_storm_segment_set_versioned() for this header's config version. */
#define vl2_storm_segment_set(sw, vni, cfg, now)                               \
  vl2_storm_segment_set_versioned((sw), (vni), VL2_STORM_CONFIG_VERSION,       \
                                  (cfg), (now))

/**
 * Read a segment's replication budget (all zero when none is set). Call
 * it through vl2_storm_segment_get().
 *
 * @param sw
 *   The switch.
 * @param vni
 *   An existing segment.
 * @param version
 *   The config version the caller was built with,
 *   ::VL2_STORM_CONFIG_VERSION (the macro passes it); only that version's
 *   fields are written.
 * @param cfg
 *   Written.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID NULL argument.
 * @retval VL2_ERR_NOTFOUND no such segment.
 * @retval VL2_ERR_VERSION @p version is unknown to this library.
 * @since 0.2.0
 */
VL2_EXTERN int vl2_storm_segment_get_versioned(const vl2_switch *sw,
                                               uint32_t vni, int version,
                                               vl2_storm_segment_config *cfg);
/** vl2_storm_segment_get_versioned() for this header's config version. */
#define vl2_storm_segment_get(sw, vni, cfg)                                    \
  vl2_storm_segment_get_versioned((sw), (vni), VL2_STORM_CONFIG_VERSION, (cfg))

/**
 * End a port's err-disable hold-down now (manual recovery); its buckets
 * restart full.
 *
 * @param sw
 *   The switch.
 * @param port
 *   An existing port.
 * @param now
 *   The current time.
 * @return
 *   0 on success (also when the port was not blocked).
 * @retval VL2_ERR_INVALID NULL @p sw.
 * @retval VL2_ERR_NOTFOUND no such port.
 * @since 0.2.0
 */
VL2_EXTERN int vl2_storm_port_recover(vl2_switch *sw, uint32_t port,
                                      vl2_tstamp now);

/** Storm-control counters of a port. */
typedef struct vl2_storm_port_stats {
  /** Frames dropped by the class's bucket, by `VL2_STORM_*` class (an
   * unregistered multicast frame counts under the class that refused it:
   * ::VL2_STORM_MCAST_UNREG when both did). */
  uint64_t dropped[VL2_STORM_CLASS_COUNT];
  /** Bytes of those frames. */
  uint64_t dropped_bytes[VL2_STORM_CLASS_COUNT];
  /** Times the class started dropping (::VL2_EV_STORM_START). */
  uint64_t episodes[VL2_STORM_CLASS_COUNT];
  /** Flooded frames dropped while the port was err-disabled (not in
   * `dropped`). */
  uint64_t blocked_drops;
  /** Times the port was err-disabled. */
  uint64_t holddowns;
  /** Flooded frames that passed the port's buckets. */
  uint64_t passed;
  /** 1 while the port is err-disabled, else 0. */
  uint64_t blocked;
  /** Bit `1 << class` set while the class is limited. */
  uint64_t limited;
} vl2_storm_port_stats;

/** Storm-control counters of a segment's budget. */
typedef struct vl2_storm_segment_stats {
  uint64_t dropped;        /**< Frames the budget dropped. */
  uint64_t dropped_copies; /**< The copies those would have made. */
  uint64_t dropped_remote; /**< Of the frames, those from remote
                                endpoints. */
  uint64_t episodes;       /**< Times it started dropping. */
  uint64_t passed;         /**< Frames charged and passed. */
  uint64_t passed_copies;  /**< Their copies. */
  uint64_t limited;        /**< 1 while limited, else 0. */
} vl2_storm_segment_stats;

/**
 * Read a port's storm-control counters (zero when none is set). Call it
 * through vl2_storm_port_get_stats().
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
VL2_EXTERN int vl2_storm_port_get_stats_versioned(const vl2_switch *sw,
                                                  uint32_t port, size_t st_size,
                                                  vl2_storm_port_stats *st);
/** vl2_storm_port_get_stats_versioned() with the size these headers
 * give. */
#define vl2_storm_port_get_stats(sw, port, st)                                 \
  vl2_storm_port_get_stats_versioned((sw), (port),                             \
                                     sizeof(vl2_storm_port_stats), (st))

/**
 * Read a segment budget's counters (zero when none is set). Call it
 * through vl2_storm_segment_get_stats().
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
VL2_EXTERN int
vl2_storm_segment_get_stats_versioned(const vl2_switch *sw, uint32_t vni,
                                      size_t st_size,
                                      vl2_storm_segment_stats *st);
/** vl2_storm_segment_get_stats_versioned() with the size these headers
 * give. */
#define vl2_storm_segment_get_stats(sw, vni, st)                               \
  vl2_storm_segment_get_stats_versioned((sw), (vni),                           \
                                        sizeof(vl2_storm_segment_stats), (st))

/**
 * Name a storm class.
 *
 * @param cls
 *   A `VL2_STORM_*` class or ::VL2_STORM_SEGMENT.
 * @return
 *   "broadcast", "unknown_unicast", "multicast_unregistered",
 *   "multicast", "segment", or "unknown". Never NULL. Thread-safe.
 * @since 0.2.0
 */
VL2_EXTERN const char *vl2_storm_class_name(unsigned cls);

/** @name Storm events (::vl2_event `type`)
 * In each, `reason` is the `VL2_STORM_*` class (::VL2_STORM_SEGMENT for
 * a segment budget), `port` the ingress port (::VL2_PORT_REMOTE for a
 * segment budget), `vni` the segment (0 for port events) and `at` the
 * time.
 * @{ */
/** Event: a port class or segment budget started dropping. */
#define VL2_EV_STORM_START 48
/** Event: it has dropped nothing for its quiet time. */
#define VL2_EV_STORM_END 49
/** Event: a port's flooding was shut for its hold-down time; `reason` is
 * the class whose drop started it. */
#define VL2_EV_STORM_BLOCKED 50
/** Event: the hold-down ended (or vl2_storm_port_recover()); `reason` as
 * in ::VL2_EV_STORM_BLOCKED. */
#define VL2_EV_STORM_UNBLOCKED 51
/** @} */

#ifdef __cplusplus
}
#endif

/** @} */
#endif /* !defined(VL2_STORM_H) */
