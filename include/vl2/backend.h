/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * @defgroup backend Backends (users' view)
 *
 * A backend moves frames between a device and the program: a TAP, an
 * AF_PACKET socket, a pcap handle, a DPDK port, the VXLAN UDP underlay, or
 * the in-memory test backend. Every backend implements one ops interface
 * (see backend_ops.h); programs use it through these functions, passing
 * the backend's ops explicitly (for example `&vl2_tap_ops`), so nothing is
 * registered behind the caller's back.
 *
 * Backends never decide where a frame goes, and never print. Errors from
 * the operating system come back as `-errno` (in (-200, 0)), with a
 * message from vl2_backend_last_error().
 *
 * Not thread-safe: one thread per backend instance.
 * @{
 */
#ifndef VL2_BACKEND_H
#define VL2_BACKEND_H

#include <vl2/common.h>
#include <vl2/switch.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A backend instance. */
typedef struct vl2_backend vl2_backend;
/** A backend implementation (see backend_ops.h). */
typedef struct vl2_backend_ops vl2_backend_ops;

/* ::VL2_FRAME_F_VNET_HDR and ::VL2_VNET_HDR_LEN are in switch.h, beside
 * ::vl2_frame. */

/** Backend counters. */
typedef struct vl2_backend_stats {
  uint64_t rx_frames;  /**< Frames received. */
  uint64_t rx_bytes;   /**< Their bytes. */
  uint64_t tx_frames;  /**< Frames sent. */
  uint64_t tx_bytes;   /**< Their bytes. */
  uint64_t rx_dropped; /**< Dropped by the kernel or driver (ring full,
                            truncated). */
  uint64_t tx_dropped; /**< Not sent because the device refused them. */
  uint64_t rx_errors;  /**< Receive errors. */
  uint64_t tx_errors;  /**< Transmit errors. */
} vl2_backend_stats;

/**
 * Open a backend.
 *
 * @param pbe
 *   On success, the new instance; close it with vl2_backend_close().
 * @param ops
 *   The implementation, e.g. `&vl2_tap_ops`; borrowed for the life of the
 *   instance (implementations are static).
 * @param args
 *   The backend's parameter string, "key=value,key=value" (each backend
 *   documents its keys); may be NULL or empty. Copied as needed.
 * @param port
 *   The port id stamped into every received ::vl2_frame.
 * @param mem
 *   Allocator hooks, copied; NULL means the C library's.
 * @return
 *   0 on success, or a negative error; on error nothing is left open.
 * @retval VL2_ERR_INVALID NULL @p pbe or @p ops, an unknown key or a bad
 *         value in @p args.
 * @retval VL2_ERR_VERSION @p ops has an unknown `abi_version`.
 * @retval VL2_ERR_NOMEM allocation failed.
 * @retval -errno the operating system refused (e.g. `-ENODEV`, `-EPERM`).
 * @since 0.1.0
 */
VL2_EXTERN int vl2_backend_open(vl2_backend **pbe, const vl2_backend_ops *ops,
                                const char *args, uint32_t port,
                                const vl2_mem *mem);

/**
 * Open a backend, and on failure keep its error message.
 *
 * The same as vl2_backend_open(), but when opening fails the backend's
 * message ("open /dev/net/tun: Permission denied") is copied into
 * @p errbuf, since no instance is left to ask with
 * vl2_backend_last_error().
 *
 * @param pbe
 *   As for vl2_backend_open().
 * @param ops
 *   As for vl2_backend_open().
 * @param args
 *   As for vl2_backend_open().
 * @param port
 *   As for vl2_backend_open().
 * @param mem
 *   As for vl2_backend_open().
 * @param errbuf
 *   Receives a NUL-terminated message on failure ("" when the backend gave
 *   none) and "" on success; may be NULL.
 * @param errlen
 *   Size of @p errbuf in bytes; the message is truncated to fit.
 * @return
 *   0 on success, or a negative error as for vl2_backend_open().
 * @retval VL2_ERR_INVALID NULL @p pbe or @p ops, or bad @p args.
 * @retval VL2_ERR_VERSION @p ops has an unknown `abi_version`.
 * @retval VL2_ERR_NOMEM allocation failed.
 * @retval -errno the operating system refused.
 * @since 0.1.0
 */
VL2_EXTERN int vl2_backend_open_err(vl2_backend **pbe,
                                    const vl2_backend_ops *ops,
                                    const char *args, uint32_t port,
                                    const vl2_mem *mem, char *errbuf,
                                    size_t errlen);

/**
 * Receive up to @p n frames without blocking.
 *
 * @param be
 *   The backend.
 * @param frames
 *   Written; each frame's data stays valid until the next rx_burst on
 *   @p be, its `port` is the instance's port id and `rx_ts` the receive
 *   time (the kernel's when it gives one, else @p now).
 * @param n
 *   Room in @p frames.
 * @param now
 *   The current time.
 * @return
 *   The number of frames received (0 when none are waiting), or a
 *   negative error.
 * @retval VL2_ERR_INVALID NULL argument.
 * @retval VL2_ERR_CLOSED the device went away.
 * @retval -errno another operating-system error.
 * @since 0.1.0
 */
VL2_EXTERN vl2_ssize vl2_backend_rx_burst(vl2_backend *be, vl2_frame *frames,
                                          size_t n, vl2_tstamp now);

/**
 * Send up to @p n frames without blocking.
 *
 * Frames not accepted (the return value is less than @p n) stay with the
 * caller, who may retry or drop them (DPDK's rte_eth_tx_burst contract).
 * Underlay backends send `data` as the UDP payload to `remote`.
 *
 * @param be
 *   The backend.
 * @param frames
 *   @p n frames, borrowed for the call.
 * @param n
 *   Number of frames.
 * @return
 *   The number accepted, or a negative error when none was.
 * @retval VL2_ERR_INVALID NULL argument.
 * @retval VL2_ERR_CLOSED the device went away.
 * @retval -errno another operating-system error.
 * @since 0.1.0
 */
VL2_EXTERN vl2_ssize vl2_backend_tx_burst(vl2_backend *be,
                                          const vl2_frame *frames, size_t n);

/**
 * A file descriptor that polls readable when frames wait.
 *
 * @param be
 *   The backend.
 * @return
 *   The descriptor (owned by the backend), or -1 when it has none.
 * @since 0.1.0
 */
VL2_EXTERN int vl2_backend_get_fd(const vl2_backend *be);

/**
 * Read the backend's counters. Call it through vl2_backend_get_stats().
 *
 * @param be
 *   The backend.
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
 * @retval -errno the operating system refused.
 * @since 0.2.0
 */
VL2_EXTERN int vl2_backend_get_stats_versioned(const vl2_backend *be,
                                               size_t st_size,
                                               vl2_backend_stats *st);
/**
 * The 0.1 form of vl2_backend_get_stats_versioned(), kept exported for programs
 * linked against libvl2 0.1; the vl2_backend_get_stats() macro below replaces
 * it in source.
 *
 * @param be
 *   The backend.
 * @param st
 *   Written (the size of this header's struct).
 * @return
 *   As vl2_backend_get_stats_versioned().
 * @deprecated Since 0.2.0: call the vl2_backend_get_stats() macro.
 */
VL2_EXTERN int vl2_backend_get_stats(const vl2_backend *be,
                                     vl2_backend_stats *st);
/** vl2_backend_get_stats_versioned() with the size these headers give. */
#define vl2_backend_get_stats(be, st)                                          \
  vl2_backend_get_stats_versioned((be), sizeof(vl2_backend_stats), (st))

/**
 * The last error's message, for logs ("open /dev/net/tun: Permission
 * denied").
 *
 * @param be
 *   The backend.
 * @return
 *   A NUL-terminated string owned by @p be, valid until the next call on
 *   it; "" when there was no error.
 * @since 0.1.0
 */
VL2_EXTERN const char *vl2_backend_last_error(const vl2_backend *be);

/**
 * The implementation's name ("tap", "af_packet", "pcap", "dpdk", "udp",
 * "mem").
 *
 * @param be
 *   The backend.
 * @return
 *   A static string; "" for NULL.
 * @since 0.1.0
 */
VL2_EXTERN const char *vl2_backend_name(const vl2_backend *be);

/**
 * The port id stamped into received frames.
 *
 * @param be
 *   The backend.
 * @return
 *   The port id; 0 for NULL.
 * @since 0.1.0
 */
VL2_EXTERN uint32_t vl2_backend_port(const vl2_backend *be);

/**
 * Close a backend and free it.
 *
 * @param be
 *   The backend; NULL is a no-op.
 * @since 0.1.0
 */
VL2_EXTERN void vl2_backend_close(vl2_backend *be);

#ifdef __cplusplus
}
#endif

/** @} */
#endif /* !defined(VL2_BACKEND_H) */
