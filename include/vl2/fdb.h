/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * @defgroup fdb FDB
 *
 * The filtering database (802.1Q clause 8.8): (segment, MAC) -> a local
 * port or a remote endpoint. Dynamic entries are learned from source MACs
 * and age; static entries come from the control plane and learning never
 * overrides them (clause 8.8.1).
 *
 * Not thread-safe; use from the switch's thread.
 * @{
 */
#ifndef VL2_FDB_H
#define VL2_FDB_H

#include <vl2/common.h>
#include <vl2/switch.h>

#ifdef __cplusplus
extern "C" {
#endif

/** FDB entry flag: static (control plane); never learned over, never aged. */
#define VL2_FDB_F_STATIC 0x01u
/** FDB entry flag: the destination is a remote endpoint. */
#define VL2_FDB_F_REMOTE 0x02u
/**
 * FDB entry flag: a control-plane entry (BGP EVPN type-2, RFC 7432
 * section 9.2.2), always with ::VL2_FDB_F_STATIC. Unlike a plain static
 * entry, local learning may move it (the MAC moved here: RFC 7432 section
 * 15, MAC mobility), which turns it into a learned entry and emits
 * ::VL2_EV_FDB_MOVED. Remote (data-plane) learning never overrides it and
 * ageing never removes it.
 */
#define VL2_FDB_F_EVPN 0x04u

/** An FDB entry as read or written through the API. */
typedef struct vl2_fdb_entry {
  vl2_mac mac;    /**< The MAC address (unicast). */
  uint16_t flags; /**< `VL2_FDB_F_*`. */
  uint32_t vni;   /**< The segment. */
  /** The port id, or ::VL2_PORT_REMOTE with ::VL2_FDB_F_REMOTE. */
  uint32_t port;
  uint32_t reserved; /**< Zero. */
  /** With ::VL2_FDB_F_REMOTE: the remote endpoint's address. */
  vl2_ipaddr remote;
  /** Dynamic entries: when the entry expires; ::VL2_TSTAMP_NONE for
   * static ones and when ageing is off. */
  vl2_tstamp expires_at;
} vl2_fdb_entry;

/**
 * Add or replace a static entry. A static entry replaces a dynamic one for
 * the same (segment, MAC), and learning never changes it. With
 * ::VL2_FDB_F_EVPN in `flags` it is a control-plane entry instead, which
 * local learning may move (see ::VL2_FDB_F_EVPN). Adding an entry that is
 * already there, unchanged, changes nothing (idempotent).
 *
 * @param sw
 *   The switch.
 * @param e
 *   `vni`, `mac`, and either `port` or (with ::VL2_FDB_F_REMOTE in
 *   `flags`) `remote`, and optionally ::VL2_FDB_F_EVPN in `flags`;
 *   copied. Other fields are ignored.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID NULL argument, a group MAC, or a bad address.
 * @retval VL2_ERR_NOTFOUND no such segment or port, or the port is not a
 *         member of the segment.
 * @retval VL2_ERR_LIMIT the FDB (max_fdb) or remote table is full.
 * @since 0.1.0
 */
VL2_EXTERN int vl2_fdb_add_static(vl2_switch *sw, const vl2_fdb_entry *e);

/**
 * Remove the entry (static or dynamic) for a MAC in a segment.
 *
 * @param sw
 *   The switch.
 * @param vni
 *   The segment.
 * @param mac
 *   The MAC.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID NULL argument.
 * @retval VL2_ERR_NOTFOUND no such segment or entry.
 * @since 0.1.0
 */
VL2_EXTERN int vl2_fdb_del(vl2_switch *sw, uint32_t vni, const vl2_mac *mac);

/** vl2_fdb_del_if() result: the entry pointed elsewhere and was kept. */
#define VL2_FDB_KEPT 1

/**
 * Remove the entry for a MAC only if it still points where the caller
 * thinks: at `e->port`, or (with ::VL2_FDB_F_REMOTE in `e->flags`) at
 * `e->remote`, and, with ::VL2_FDB_F_EVPN in `e->flags`, only if it is
 * still a control-plane entry. A late withdrawal thus never deletes a MAC
 * that has since moved here by local learning (RFC 7432 section 15).
 *
 * @param sw
 *   The switch.
 * @param e
 *   `vni`, `mac`, `flags` (::VL2_FDB_F_REMOTE, ::VL2_FDB_F_EVPN) and
 *   `port` or `remote`; read for the call.
 * @return
 *   0 when the entry was removed, ::VL2_FDB_KEPT when it points elsewhere
 *   (or is no longer a control-plane entry) and was kept.
 * @retval VL2_ERR_INVALID NULL argument.
 * @retval VL2_ERR_NOTFOUND no such segment or entry.
 * @since 0.2.0
 */
VL2_EXTERN int vl2_fdb_del_if(vl2_switch *sw, const vl2_fdb_entry *e);

/**
 * Look a MAC up as forwarding would: expired dynamic entries are never
 * returned, even if vl2_switch_run_timers() has not run yet.
 *
 * @param sw
 *   The switch.
 * @param vni
 *   The segment.
 * @param mac
 *   The MAC.
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
VL2_EXTERN int vl2_fdb_lookup(const vl2_switch *sw, uint32_t vni,
                              const vl2_mac *mac, vl2_fdb_entry *e,
                              vl2_tstamp now);

/** Flush selector: dynamic entries. */
#define VL2_FDB_FLUSH_DYNAMIC 0x01u
/** Flush selector: static entries. */
#define VL2_FDB_FLUSH_STATIC 0x02u
/** Flush selector: both. */
#define VL2_FDB_FLUSH_ALL (VL2_FDB_FLUSH_DYNAMIC | VL2_FDB_FLUSH_STATIC)

/**
 * Remove the entries pointing at a port. No events are emitted.
 *
 * @param sw
 *   The switch.
 * @param port
 *   A port id.
 * @param which
 *   `VL2_FDB_FLUSH_*`.
 * @return
 *   The number of entries removed, or a negative error.
 * @retval VL2_ERR_INVALID NULL @p sw, or @p port not below max_ports.
 * @since 0.1.0
 */
VL2_EXTERN vl2_ssize vl2_fdb_flush_port(vl2_switch *sw, uint32_t port,
                                        unsigned which);

/**
 * Remove the entries of a segment. No events are emitted.
 *
 * @param sw
 *   The switch.
 * @param vni
 *   The segment.
 * @param which
 *   `VL2_FDB_FLUSH_*`.
 * @return
 *   The number of entries removed, or a negative error.
 * @retval VL2_ERR_INVALID NULL @p sw.
 * @retval VL2_ERR_NOTFOUND no such segment.
 * @since 0.1.0
 */
VL2_EXTERN vl2_ssize vl2_fdb_flush_segment(vl2_switch *sw, uint32_t vni,
                                           unsigned which);

/**
 * Remove every entry selected by @p which. No events are emitted.
 *
 * @param sw
 *   The switch.
 * @param which
 *   `VL2_FDB_FLUSH_*`.
 * @return
 *   The number of entries removed, or a negative error.
 * @retval VL2_ERR_INVALID NULL @p sw.
 * @since 0.1.0
 */
VL2_EXTERN vl2_ssize vl2_fdb_flush_all(vl2_switch *sw, unsigned which);

/**
 * Iterate over the live entries, in no particular order.
 *
 * Start with `*cursor = 0`; each call writes the next live entry and
 * advances the cursor. Changing the FDB (including processing frames)
 * between calls may make the iteration skip or repeat entries, but it
 * always ends.
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
VL2_EXTERN int vl2_fdb_next(const vl2_switch *sw, uint64_t *cursor,
                            vl2_fdb_entry *e, vl2_tstamp now);

/**
 * The number of entries in the table, live or expired-but-not-reclaimed.
 *
 * @param sw
 *   The switch.
 * @return
 *   The count; 0 when @p sw is NULL.
 * @since 0.1.0
 */
VL2_EXTERN size_t vl2_fdb_count(const vl2_switch *sw);

#ifdef __cplusplus
}
#endif

/** @} */
#endif /* !defined(VL2_FDB_H) */
