/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * @defgroup gro Receive coalescing (GRO) of inner TCP segments
 *
 * Frames that arrive from the overlay one MTU-sized TCP segment at a time
 * are merged back into one super-frame per flow before they reach a VM,
 * the way a NIC's receive offload (Linux GRO, `tcp_gro_receive()`) does:
 * a TAP port with offload then takes one write of up to 64 KiB instead of
 * forty, and the VM's stack one packet. The super-frame carries a
 * virtio-net header (::VL2_FRAME_F_VNET_HDR) that asks the receiver to
 * finish the TCP checksum and says how to segment it again (TSO) if it
 * must leave through a device without offload.
 *
 * What merges (all of it, else the frame goes out as it came):
 * - TCP over IPv4 (no fragment; options allowed, equal in both) or IPv6
 *   (TCP right after the fixed header), behind up to two 802.1Q/802.1ad
 *   tags; the same Ethernet header and tags, addresses, ports, VNI,
 *   ingress port and remote endpoint;
 * - with payload; flags ACK (and PSH on the last segment only, which then
 *   ends the super-frame); no SYN, FIN, RST, URG or CWR; the same
 *   acknowledgment number, window, flags and TCP options;
 * - each segment's sequence number right after the previous one's data,
 *   and for IPv4 its identification the previous one's plus 1 (with the
 *   same TOS, TTL and DF bit); for IPv6 the same traffic class, flow label
 *   and hop limit;
 * - every segment the size of the first (the MSS), the last may be
 *   shorter (and then ends the super-frame); at most 65535 bytes of IP
 *   packet in all;
 * - each segment's TCP checksum verified first (unless
 *   ::VL2_GRO_F_NO_CSUM_VERIFY): a segment with a wrong one passes as it
 *   came, for its receiver to drop.
 *
 * Order: frames of one flow never pass each other. A frame of a flow that
 * cannot join ends that flow's super-frame; a later segment starts a new
 * one. Frames of different flows are never merged; the output lists each
 * super-frame where its first segment was.
 *
 * Pure: no I/O, memory from the ::vl2_mem given at creation, all of it
 * allocated then. Not thread-safe: one thread per ::vl2_gro.
 * @{
 */
#ifndef VL2_GRO_H
#define VL2_GRO_H

#include <vl2/common.h>
#include <vl2/switch.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A coalescer (opaque). */
typedef struct vl2_gro vl2_gro;

/** Config flag: do not verify the TCP checksum of segments before
 * merging them (when the caller already has). */
#define VL2_GRO_F_NO_CSUM_VERIFY 0x1u

/** Version 1 of ::vl2_gro_config. */
#define VL2_GRO_CONFIG_V1 1
/** The ::vl2_gro_config version these headers describe. */
#define VL2_GRO_CONFIG_VERSION VL2_GRO_CONFIG_V1

/** Limits of a coalescer; fill with vl2_gro_config_default(). */
typedef struct vl2_gro_config {
  /** Frames one vl2_gro_coalesce() call takes, 1..4096; default 256. */
  uint32_t max_frames;
  /** Super-frames one call can build, 1..1024; each has a buffer of
   * about 64 KiB allocated at creation; default 16. A flow that finds none
   * left passes unmerged. */
  uint32_t max_supers;
  /** `VL2_GRO_F_*`; default 0. */
  uint32_t flags;
  uint32_t reserved[5]; /**< Zero. */
} vl2_gro_config;

/** Counters of a coalescer; they only grow. */
typedef struct vl2_gro_stats {
  uint64_t frames_in;  /**< Frames given to vl2_gro_coalesce(). */
  uint64_t frames_out; /**< Frames it returned (super-frames included). */
  uint64_t supers;     /**< Super-frames built. */
  uint64_t merged;     /**< Segments inside them. */
  uint64_t csum_bad;   /**< TCP segments not merged: wrong checksum. */
  uint64_t no_buffer;  /**< Segments not merged: no super-frame buffer
                            left in the call. */
} vl2_gro_stats;

/**
 * Fill @p cfg with the defaults of config version @p version (256 frames
 * per call, 16 super-frames, checksums verified).
 *
 * @param version
 *   ::VL2_GRO_CONFIG_VERSION (use the vl2_gro_config_default() macro).
 * @param cfg
 *   Written.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID @p cfg is NULL.
 * @retval VL2_ERR_VERSION @p version is unknown to this library.
 * @since 0.2.0
 */
VL2_EXTERN int vl2_gro_config_default_versioned(int version,
                                                vl2_gro_config *cfg);

/** vl2_gro_config_default_versioned() for this header's version. */
#define vl2_gro_config_default(cfg)                                            \
  vl2_gro_config_default_versioned(VL2_GRO_CONFIG_VERSION, (cfg))

/**
 * Create a coalescer.
 *
 * @param pg
 *   On success, the new coalescer; free it with vl2_gro_del().
 * @param cfg
 *   Limits, copied; NULL means the defaults.
 * @param mem
 *   Allocator hooks, copied; NULL means the C library's.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID @p pg is NULL, a limit is out of range, an
 *         unknown flag or a non-zero reserved field.
 * @retval VL2_ERR_NOMEM allocation failed.
 * @since 0.2.0
 */
VL2_EXTERN int vl2_gro_new(vl2_gro **pg, const vl2_gro_config *cfg,
                           const vl2_mem *mem);

/**
 * Free a coalescer and its buffers.
 *
 * @param g
 *   The coalescer; NULL is a no-op.
 * @since 0.2.0
 */
VL2_EXTERN void vl2_gro_del(vl2_gro *g);

/**
 * Merge the consecutive TCP segments of each flow in a burst of frames
 * (see the rules above) and list what results, in order.
 *
 * @param g
 *   The coalescer.
 * @param in
 *   @p n Ethernet frames (for example decapsulated from VXLAN), borrowed
 *   for the call; frames already carrying ::VL2_FRAME_F_VNET_HDR pass
 *   unchanged.
 * @param n
 *   Number of frames, at most the configured `max_frames`.
 * @param out
 *   Written with the resulting frames: the ::vl2_frame of each frame that
 *   was not merged, unchanged (its `data` still points into the caller's
 *   buffer), and for each super-frame a copy of its first segment's
 *   ::vl2_frame with `data` and `len` describing the super-frame in the
 *   coalescer's buffer and ::VL2_FRAME_F_VNET_HDR added to `flags`. The
 *   virtio-net header before it asks for the TCP checksum
 *   (`VIRTIO_NET_HDR_F_NEEDS_CSUM`, `csum_start` at the TCP header, the
 *   checksum field holding the pseudo-header sum) and describes the
 *   segmentation (`GSO_TCPV4` or `GSO_TCPV6`, `gso_size` the first
 *   segment's payload, `hdr_len` the bytes before the payload). The
 *   super-frames stay valid until the next call on @p g.
 * @param out_cap
 *   Room in @p out; at least @p n.
 * @return
 *   The number of frames written to @p out (at most @p n), or an error.
 * @retval VL2_ERR_INVALID a NULL argument, @p n above `max_frames`, or
 *         @p out_cap below @p n.
 * @since 0.2.0
 */
VL2_EXTERN vl2_ssize vl2_gro_coalesce(vl2_gro *g, const vl2_frame *in, size_t n,
                                      vl2_frame *out, size_t out_cap);

/**
 * Read the coalescer's counters. Call it through vl2_gro_get_stats().
 *
 * @param g
 *   The coalescer.
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
 * @retval VL2_ERR_INVALID @p g or @p st is NULL, or an @p st_size of 0.
 * @since 0.2.0
 */
VL2_EXTERN int vl2_gro_get_stats_versioned(const vl2_gro *g, size_t st_size,
                                           vl2_gro_stats *st);
/** vl2_gro_get_stats_versioned() with the size these headers give. */
#define vl2_gro_get_stats(g, st)                                               \
  vl2_gro_get_stats_versioned((g), sizeof(vl2_gro_stats), (st))

#ifdef __cplusplus
}
#endif

/** @} */
#endif /* !defined(VL2_GRO_H) */
