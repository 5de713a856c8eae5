/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * @defgroup tap_backend TAP backend
 *
 * Library `libvl2-tap` (CMake `vl2::tap`, pkg-config `libvl2-tap`).
 *
 * The TAP backend (::vl2_tap_ops, name "tap") exchanges Ethernet frames
 * with a Linux TAP interface through /dev/net/tun (IFF_TAP | IFF_NO_PI),
 * without blocking. It creates the interface or attaches to an existing
 * one, and sets it up (up, MTU, MAC) through libnl-route-3.
 *
 * Arguments (vl2_backend_open()'s string), all optional:
 * - `name=NAME`: interface name (default: the kernel picks "tapN");
 * - `mode=any|create|attach`: `create` fails with `-EBUSY` when the
 *   interface exists, `attach` with `-ENODEV` when it does not; `any`
 *   (default) does either;
 * - `persist=0|1`: make the interface persistent (it outlives the
 *   backend) or not; left as it is when absent (a new interface is then
 *   not persistent);
 * - `up=0|1`: bring the interface up (default 1);
 * - `mtu=N` (68..65535) and `mac=aa:bb:cc:dd:ee:ff`: set them;
 * - `queues=N` (1..16, default 1): open N queues with IFF_MULTI_QUEUE;
 *   rx_burst reads all of them round-robin, tx_burst spreads frames by a
 *   hash of their MAC addresses (so a flow stays in order), and
 *   vl2_backend_get_fd() returns an epoll descriptor that polls readable
 *   when any queue has frames;
 * - `vnet_hdr=0|1` (default 0): use the virtio-net header (IFF_VNET_HDR).
 *   The header is stripped on receive and a zero one prepended on send, so
 *   frames stay plain Ethernet; receive offload metadata is kept (see
 *   vl2_tap_rx_offload()) and partial checksums
 *   (VIRTIO_NET_HDR_F_NEEDS_CSUM) are completed in software, so forwarded
 *   frames are valid. Segmentation offload (GSO) is never enabled, so no
 *   oversized frame arrives;
 * - `csum=0|1` (default: `vnet_hdr`): with `vnet_hdr=1`, let the kernel
 *   hand over frames with partial checksums (TUNSETOFFLOAD TUN_F_CSUM),
 *   which saves it a checksum pass on locally generated traffic;
 * - `offload=0|1` (default 0): carry offloads instead of finishing them
 *   (implies `vnet_hdr=1` and `csum=1`, which may not be set to 0). The
 *   TAP takes TUNSETOFFLOAD TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 |
 *   TUN_F_TSO_ECN, so the kernel hands over TCP super-frames of up to
 *   64 KiB with partial checksums. Every received frame carries
 *   ::VL2_FRAME_F_VNET_HDR: its virtio-net header is left in front of
 *   `data`, nothing is completed. On send, a frame with the flag goes out
 *   with its own header (pass-through: the receiving kernel finishes the
 *   checksum or segments), a frame without it with a zero header.
 *   `frame_max` defaults to 65557, and one rx_burst ends after about
 *   128 KiB, so the burst is still in cache when it is sent on.
 *   Without `offload=1`, a frame flagged ::VL2_FRAME_F_VNET_HDR whose
 *   header asks for a checksum or segmentation is not sent
 *   (`tx_dropped`, and `tx_refused` in
 *   vl2_tap_get_offload_stats()); finish it first;
 * - `burst=N` (1..1024, default 64): receive slots, the most frames one
 *   rx_burst returns;
 * - `frame_max=N`: largest frame received (default MTU + 22, at least
 *   1522); larger frames are dropped (`rx_dropped`).
 *
 * When the interface is deleted while open, rx_burst and tx_burst return
 * ::VL2_ERR_CLOSED and the poll descriptor polls with an error; nothing
 * hangs.
 *
 * Not thread-safe: one thread per instance.
 * @{
 */
#ifndef VL2_TAP_H
#define VL2_TAP_H

#include <vl2/backend.h>
#include <vl2/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * The TAP backend's ops ("tap"); pass `&vl2_tap_ops` to
 * vl2_backend_open().
 */
VL2_EXTERN extern const vl2_backend_ops vl2_tap_ops;

/** ::vl2_tap_offload flag: the sender asked for a checksum
 * (VIRTIO_NET_HDR_F_NEEDS_CSUM); the backend has completed it. */
#define VL2_TAP_OFFLOAD_NEEDS_CSUM 0x1u
/** ::vl2_tap_offload flag: the checksum is known to be valid
 * (VIRTIO_NET_HDR_F_DATA_VALID). */
#define VL2_TAP_OFFLOAD_DATA_VALID 0x2u

/**
 * The virtio-net header a received frame came with, in host byte order
 * (all zero without `vnet_hdr=1`; with `offload=1` it is also in front of
 * the frame's data, see ::VL2_FRAME_F_VNET_HDR). Offsets count from the start
 * of the Ethernet frame.
 */
typedef struct vl2_tap_offload {
  uint8_t flags;        /**< VL2_TAP_OFFLOAD_* (virtio's flags). */
  uint8_t gso_type;     /**< virtio's gso_type (0: none). */
  uint16_t hdr_len;     /**< Length of the headers, for GSO. */
  uint16_t gso_size;    /**< Segment payload size, for GSO. */
  uint16_t csum_start;  /**< Where checksumming starts. */
  uint16_t csum_offset; /**< Where the checksum goes, from csum_start. */
  uint16_t reserved;    /**< Zero. */
} vl2_tap_offload;

/** Offload counters of a TAP backend (see vl2_tap_get_offload_stats()). */
typedef struct vl2_tap_offload_stats {
  /** Received GSO super-frames (`offload=1`). */
  uint64_t rx_gso_frames;
  /** Received frames with a partial checksum and no GSO (`offload=1`). */
  uint64_t rx_csum_partial;
  /** GSO super-frames sent with their header (`offload=1`). */
  uint64_t tx_gso_frames;
  /** ::VL2_FRAME_F_VNET_HDR frames refused for want of `offload=1`. */
  uint64_t tx_refused;
} vl2_tap_offload_stats;

/**
 * Read a TAP backend's offload counters. Call it through
 * vl2_tap_get_offload_stats().
 *
 * @param be
 *   A backend opened with ::vl2_tap_ops.
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
 * @retval VL2_ERR_INVALID NULL argument, not a TAP backend, or an
 *         @p st_size of 0.
 * @since 0.2.0
 */
VL2_EXTERN int vl2_tap_get_offload_stats_versioned(const vl2_backend *be,
                                                   size_t st_size,
                                                   vl2_tap_offload_stats *st);
/**
 * The 0.1 form of vl2_tap_get_offload_stats_versioned(), kept exported for
 * programs linked against libvl2-tap 0.1; the vl2_tap_get_offload_stats()
 * macro below replaces it in source.
 *
 * @param be
 *   A backend opened with ::vl2_tap_ops.
 * @param st
 *   Written (the size of this header's struct).
 * @return
 *   As vl2_tap_get_offload_stats_versioned().
 * @deprecated Since 0.2.0: call the vl2_tap_get_offload_stats() macro.
 */
VL2_EXTERN int vl2_tap_get_offload_stats(const vl2_backend *be,
                                         vl2_tap_offload_stats *st);
/** vl2_tap_get_offload_stats_versioned() with the size these headers
 * give. */
#define vl2_tap_get_offload_stats(be, st)                                      \
  vl2_tap_get_offload_stats_versioned((be), sizeof(vl2_tap_offload_stats), (st))

/**
 * Offload metadata of a frame returned by the latest rx_burst.
 *
 * @param be
 *   A backend opened with ::vl2_tap_ops.
 * @param i
 *   The frame's index in that burst.
 * @param off
 *   Written.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID NULL argument, not a TAP backend, or @p i not
 *         below the latest burst's count.
 * @since 0.1.0
 */
VL2_EXTERN int vl2_tap_rx_offload(const vl2_backend *be, size_t i,
                                  vl2_tap_offload *off);

/**
 * The interface's name (useful when the kernel chose it).
 *
 * @param be
 *   A TAP backend.
 * @return
 *   The name, owned by @p be; "" for NULL or another backend.
 * @since 0.1.0
 */
VL2_EXTERN const char *vl2_tap_ifname(const vl2_backend *be);

/**
 * The interface's index at open time.
 *
 * @param be
 *   A TAP backend.
 * @return
 *   The ifindex (> 0), or ::VL2_ERR_INVALID for NULL or another backend.
 * @since 0.1.0
 */
VL2_EXTERN int vl2_tap_ifindex(const vl2_backend *be);

/**
 * A queue's file descriptor (for programs that poll queues themselves).
 *
 * @param be
 *   A TAP backend.
 * @param q
 *   The queue, below `queues`.
 * @return
 *   The descriptor (owned by @p be), or ::VL2_ERR_INVALID.
 * @since 0.1.0
 */
VL2_EXTERN int vl2_tap_queue_fd(const vl2_backend *be, uint32_t q);

#ifdef __cplusplus
}
#endif

/** @} */
#endif /* !defined(VL2_TAP_H) */
