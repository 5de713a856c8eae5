/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * @defgroup trace Tracing a decision
 *
 * vl2_switch_trace() runs one frame through the switch's own decision
 * code, the code vl2_switch_process() runs, and reports every step it took
 * (ingress, classification, the VLAN or VNI to segment map, the FDB
 * lookup, the ARP/ND action, learning, IGMP/MLD snooping, each flood
 * member, storm control, the verdict) without changing any state: the
 * FDB, the remote endpoint, neighbour and multicast tables, the storm
 * buckets, the output queue, the counters and the event queue are the same
 * afterwards. It is what `ovs-appctl ofproto/trace` is to Open vSwitch,
 * and since the core is pure (the frame and the time in, a verdict out)
 * the trace is exact: for the same frame, the same state and the same
 * `now`, vl2_switch_process() takes the verdict and writes the
 * destinations the trace reports.
 *
 * What a trace does not do is what the frame would do *to* the state:
 * a learned source MAC, a neighbour binding, a group join, a token taken
 * from a bucket. Those steps are reported as what would happen
 * (::VL2_TRACE_R_NEW, ::VL2_TRACE_R_BIND, ...). The one exception is the
 * state that depends on the order of steps inside one frame: a frame
 * whose source and destination MAC are equal is decided against the entry
 * its own learning would create, as vl2_switch_process() decides it.
 *
 * Steps are structured (kinds, results and fields below); the names from
 * vl2_trace_kind_name() and vl2_trace_result_name() are stable
 * identifiers for programs and JSON. vl2ctl `trace` prints them.
 *
 * Thread-safety: as the ::vl2_switch the function takes (the caller
 * serializes calls on one switch; a trace between two bursts sees the
 * state the next burst will see).
 * @{
 */
#ifndef VL2_TRACE_H
#define VL2_TRACE_H

#include <vl2/common.h>
#include <vl2/switch.h>

#ifdef __cplusplus
extern "C" {
#endif

/** What a trace step looked at: the stages of vl2_switch_process(), in
 * the order a frame meets them. */
typedef enum vl2_trace_kind {
  /** Where the frame came from: `port`, or ::VL2_PORT_REMOTE with the
   * endpoint in `remote` and the VNI in `vni`. `value`: the frame's
   * length in bytes. */
  VL2_TRACE_INGRESS = 0,
  /** Ingress rules and the VLAN to segment map (802.1Q clauses 8.6.1,
   * 8.6.2), or the VNI to segment map for a decapsulated frame. `vid`:
   * the VID the frame was classified by; `aux`: the classifying tag's
   * TPID, 0 when untagged. */
  VL2_TRACE_CLASSIFY,
  /** A strict segment's ingress check of the remote endpoint
   * (::VL2_SEG_F_STRICT_REMOTES). */
  VL2_TRACE_REMOTE_CHECK,
  /** The source MAC (`mac`) must be an individual, non-zero address and
   * the destination no reserved group address (802.1Q clause 8.6.3). */
  VL2_TRACE_ADDRESS_CHECK,
  /** The destination MAC (`mac`) in the FDB: `port` or `remote` where
   * it lives, `aux` the entry's `VL2_FDB_F_*` flags, `value` its expiry
   * (::VL2_TSTAMP_NONE: never). */
  VL2_TRACE_FDB_LOOKUP,
  /** ARP, RARP, or IPv6 neighbour discovery: snooping, the spoof guard,
   * inspection and suppression (neigh.h). `ip` is the address the step
   * is about, `mac` its link-layer address, `aux` the ARP operation or
   * the ICMPv6 type. */
  VL2_TRACE_NEIGH,
  /** Learning the source MAC (`mac`, 802.1Q clause 8.7). For a move,
   * `port`/`remote` is where the entry is now; `aux` the entry's flags,
   * or for ::VL2_TRACE_R_LIMIT the `VL2_LIMIT_*` that stopped it. */
  VL2_TRACE_LEARN,
  /** Known unicast: the checks of the one destination (`port` or
   * `remote`). */
  VL2_TRACE_UNICAST,
  /** IGMP/MLD snooping (mdb.h), for a frame to a multicast MAC once the
   * switch has snooping state (vl2_mdb_setup(), or a segment set to
   * snoop); without it there is no such step and multicast floods. `ip`
   * is the IP destination when the frame is IP multicast. */
  VL2_TRACE_MDB,
  /** One member of the segment's flood list (`port`, or
   * ::VL2_PORT_REMOTE and `remote`): taken, or skipped and why. */
  VL2_TRACE_FLOOD_MEMBER,
  /** Storm control (storm.h): `aux` the class (`VL2_STORM_*`) whose
   * bucket decided, `port` the ingress port or ::VL2_PORT_REMOTE for the
   * segment's budget, `value` the copies charged. */
  VL2_TRACE_STORM,
  /** The verdict: `reason` when dropped, `aux` its `VL2_VFLAG_*` flags,
   * `value` the destinations. */
  VL2_TRACE_VERDICT,
  VL2_TRACE_KIND_COUNT /**< Number of kinds defined so far. */
} vl2_trace_kind;

/** What a step found. Each kind uses the results its comment names;
 * ::VL2_TRACE_R_DROP ends the frame with the step's `reason`. */
typedef enum vl2_trace_result {
  VL2_TRACE_R_OK = 0,   /**< The check passed. */
  VL2_TRACE_R_DROP,     /**< Dropped: see `reason`. */
  VL2_TRACE_R_PORT,     /**< INGRESS: from a local port. */
  VL2_TRACE_R_REMOTE,   /**< INGRESS: from a remote endpoint (decapsulated;
                             `aux` its handle, or UINT32_MAX when the
                             table does not know it yet). */
  VL2_TRACE_R_UNTAGGED, /**< CLASSIFY: untagged, into the PVID. */
  VL2_TRACE_R_PRIORITY_TAGGED, /**< CLASSIFY: VID 0, into the PVID. */
  VL2_TRACE_R_TAGGED,          /**< CLASSIFY: by its tag's VID. */
  VL2_TRACE_R_VNI,             /**< CLASSIFY: by the VNI it arrived in. */
  VL2_TRACE_R_FLOOD_LIST,      /**< REMOTE_CHECK: the endpoint is in the flood
                                    list. */
  VL2_TRACE_R_CONTROL_PLANE,   /**< REMOTE_CHECK: a static or EVPN entry
                                    names the endpoint for this source. */
  VL2_TRACE_R_HIT,             /**< FDB_LOOKUP: found a live entry. */
  VL2_TRACE_R_MISS,            /**< FDB_LOOKUP: no entry: unknown unicast. */
  VL2_TRACE_R_EXPIRED,    /**< FDB_LOOKUP: an entry past its expiry, treated
                               as a miss (the next sweep removes it). */
  VL2_TRACE_R_GROUP,      /**< FDB_LOOKUP: a group address, not looked up. */
  VL2_TRACE_R_PASS,       /**< NEIGH: no action; the frame goes on. */
  VL2_TRACE_R_RARP,       /**< NEIGH: RARP (RFC 903), counted, goes on. */
  VL2_TRACE_R_MALFORMED,  /**< NEIGH: not a valid ARP/ND message; goes on
                               as data. */
  VL2_TRACE_R_PROBE,      /**< NEIGH: an address probe (sender 0.0.0.0 / ::),
                               nothing bound (RFC 5227). */
  VL2_TRACE_R_BIND,       /**< NEIGH: the sender's binding, `ip` at `mac`;
                               `value` says what it would do to the table
                               (`VL2_TRACE_BIND_*`). */
  VL2_TRACE_R_ANSWERED,   /**< NEIGH: suppressed: the switch answers from its
                               table (`ip` is at `mac`); consumed. */
  VL2_TRACE_R_QUEUE_FULL, /**< NEIGH: would answer, but the output queue is
                               full: the request is flooded. */
  VL2_TRACE_R_FLOODED,    /**< NEIGH: a request not answered here: flooded
                               (suppression off, a probe, gratuitous, a
                               miss, or unicast). MDB: flooded to every
                               member (snooping off in this segment, not
                               IP multicast, a link-local group, or an
                               unregistered group with the flood
                               policy). */
  VL2_TRACE_R_DIRECTORY,  /**< NEIGH: a miss in directory mode: held and
                               asked of the directory; consumed. */
  VL2_TRACE_R_OFF,        /**< LEARN: learning is off for this ingress. */
  VL2_TRACE_R_REFRESH,    /**< LEARN: the entry is here already; its age is
                               refreshed. */
  VL2_TRACE_R_NEW,        /**< LEARN: would learn a new entry. */
  VL2_TRACE_R_MOVE,       /**< LEARN: would move the entry from `port`/`remote`
                               to the ingress (MAC mobility). */
  VL2_TRACE_R_STATIC,     /**< LEARN: a static or control-plane entry stays
                               (`value` 1: it names another place, counted as
                               a static conflict). */
  VL2_TRACE_R_FROZEN,     /**< LEARN: the move is refused by move dampening
                               (frozen now, or this move would freeze it). */
  VL2_TRACE_R_LIMIT,      /**< LEARN: not learned: a limit (`aux`). */
  VL2_TRACE_R_REGISTERED, /**< MDB: to the group's members and the router
                               ports only. */
  VL2_TRACE_R_ROUTERS,    /**< MDB: unregistered, to router ports only. */
  VL2_TRACE_R_REPORT,     /**< MDB: a membership report or leave: recorded,
                               sent to router ports. */
  VL2_TRACE_R_CONSUMED,   /**< MDB: a report with no router port to send it
                               to; VERDICT: the switch absorbed the frame. */
  VL2_TRACE_R_QUERY,      /**< MDB: a query: flooded to every member. */
  VL2_TRACE_R_TAKEN,      /**< FLOOD_MEMBER: gets a copy. */
  VL2_TRACE_R_SKIP_INGRESS,       /**< FLOOD_MEMBER: the ingress port. */
  VL2_TRACE_R_SKIP_FLOOD_OFF,     /**< FLOOD_MEMBER: the port does not take
                                       this class of flooding. */
  VL2_TRACE_R_SKIP_NOT_MARKED,    /**< FLOOD_MEMBER: snooping found no
                                       member or router there. */
  VL2_TRACE_R_SKIP_STACKED_TAG,   /**< FLOOD_MEMBER: it would leave the inner
                                       C-tag outermost. */
  VL2_TRACE_R_SKIP_SPLIT_HORIZON, /**< FLOOD_MEMBER: from an endpoint to an
                                       endpoint. */
  VL2_TRACE_R_SKIP_MTU,  /**< FLOOD_MEMBER: too large for the underlay. */
  VL2_TRACE_R_FORWARD,   /**< VERDICT: known unicast, one destination. */
  VL2_TRACE_R_FLOOD,     /**< VERDICT: replicated to `value` members. */
  VL2_TRACE_RESULT_COUNT /**< Number of results defined so far. */
} vl2_trace_result;

/** ::VL2_TRACE_R_BIND value: the table stays as it is (a static entry,
 * a frozen IP, a full table, a group MAC, or an NA without Override for
 * a different MAC: RFC 4861 section 7.2.5). */
#define VL2_TRACE_BIND_NONE 0
/** ::VL2_TRACE_R_BIND value: a new binding. */
#define VL2_TRACE_BIND_NEW 1
/** ::VL2_TRACE_R_BIND value: the IP moves to a new MAC. */
#define VL2_TRACE_BIND_MOVE 2
/** ::VL2_TRACE_R_BIND value: the same MAC: its age or state refreshed. */
#define VL2_TRACE_BIND_SAME 3

/** One step of a trace. Fields a step's kind does not name are zero (or
 * ::VL2_PORT_REMOTE-free: `port` 0 and `remote` family ::VL2_AF_NONE). */
typedef struct vl2_trace_step {
  uint16_t kind;   /**< ::vl2_trace_kind. */
  uint16_t result; /**< ::vl2_trace_result. */
  uint16_t reason; /**< With ::VL2_TRACE_R_DROP, the `VL2_DROP_*`. */
  vl2_vid vid;     /**< A VID, where the kind names one. */
  uint32_t vni;    /**< The segment, once the frame is classified. */
  /** A port id, or ::VL2_PORT_REMOTE with `remote` set. */
  uint32_t port;
  uint32_t aux; /**< Kind-specific (see ::vl2_trace_kind). */
  /** With `port` ::VL2_PORT_REMOTE: the remote endpoint's address. */
  vl2_ipaddr remote;
  vl2_ipaddr ip;     /**< An IP address the step is about, or none. */
  vl2_mac mac;       /**< A MAC address the step is about. */
  uint16_t reserved; /**< Zero. */
  uint64_t value;    /**< Kind-specific number. */
} vl2_trace_step;

/**
 * Trace one frame through the switch's decision without changing its
 * state.
 *
 * Runs @p f through the code vl2_switch_process() runs for it at time
 * @p now, writes the verdict and destinations vl2_switch_process() would
 * write for it as the first frame of a burst (`dest_off` 0), and records
 * each step in @p steps. Nothing observable changes: FDB, remote
 * endpoints, neighbour, multicast and storm state, the output queue,
 * counters, events and the switch's clock are as before the call (the
 * snooping module's per-frame scratch marks are reused, as every frame
 * reuses them).
 *
 * @param sw
 *   The switch.
 * @param f
 *   The frame, borrowed for the call (as for vl2_switch_process();
 *   ::VL2_FRAME_F_VNET_HDR is honoured).
 * @param now
 *   The time to decide at; a time before the switch's newest is taken as
 *   the newest, as vl2_switch_process() does.
 * @param v
 *   The verdict, written.
 * @param dests
 *   Destination array, written (`v->dest_cnt` entries from index 0).
 * @param dests_cap
 *   Entries in @p dests; vl2_switch_max_fanout() always suffices.
 * @param steps
 *   Step array, written up to @p steps_cap entries; NULL with
 *   @p steps_cap 0 to get the verdict only.
 * @param steps_cap
 *   Entries in @p steps.
 * @param n_steps
 *   Out: the number of steps the decision took (may exceed
 *   @p steps_cap: then only the first @p steps_cap were written). May be
 *   NULL.
 * @return
 *   0, or a negative error; nothing changes either way.
 * @retval VL2_ERR_INVALID NULL @p sw, @p f or @p v, NULL @p dests with
 *         @p dests_cap > 0, or NULL @p steps with @p steps_cap > 0.
 * @retval VL2_ERR_NOBUF the frame's destinations might not fit in
 *         @p dests_cap (the rule of vl2_switch_process()); @p v is not
 *         written.
 * @since 0.2.0
 */
VL2_EXTERN int vl2_switch_trace(vl2_switch *sw, const vl2_frame *f,
                                vl2_tstamp now, vl2_verdict *v, vl2_dest *dests,
                                size_t dests_cap, vl2_trace_step *steps,
                                size_t steps_cap, size_t *n_steps);

/**
 * Name a step kind.
 *
 * @param kind
 *   A ::vl2_trace_kind.
 * @return
 *   A static lower-case identifier such as "fdb_lookup", or "unknown".
 *   Never NULL. Thread-safe.
 * @since 0.2.0
 */
VL2_EXTERN const char *vl2_trace_kind_name(unsigned kind);

/**
 * Name a step result.
 *
 * @param result
 *   A ::vl2_trace_result.
 * @return
 *   A static lower-case identifier such as "skip_split_horizon", or
 *   "unknown". Never NULL. Thread-safe.
 * @since 0.2.0
 */
VL2_EXTERN const char *vl2_trace_result_name(unsigned result);

#ifdef __cplusplus
}
#endif

/** @} */

#endif /* !defined(VL2_TRACE_H) */
