/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * @defgroup mem_backend In-memory backend and the faulty middleware
 *
 * Library `libvl2-mem` (CMake `vl2::mem`, pkg-config `libvl2-mem`).
 *
 * The **mem backend** (::vl2_mem_backend_ops, name "mem") moves frames
 * between two bounded in-memory queues and the program: frames given to
 * vl2_mem_backend_inject() come out of vl2_backend_rx_burst(), and frames
 * accepted by vl2_backend_tx_burst() are taken back with
 * vl2_mem_backend_take(). Every buffer is allocated at open; the data
 * path never allocates. It needs no privileges, so tests and fuzzers use
 * it to drive a switch. (The names say "mem_backend" because ::vl2_mem is
 * already the allocator hooks.)
 *
 * Arguments (vl2_backend_open()'s string), all optional:
 * - `rx_cap=N`: frames the receive queue holds (default 256, 1..1048576);
 * - `tx_cap=N`: frames the transmit queue holds (default 256);
 * - `frame_max=N`: largest frame in bytes (default 2048, 14..65535).
 *
 * The **faulty middleware** (vl2_faulty_open()) wraps any backend and,
 * driven by a seeded pseudo-random generator and per-event probabilities,
 * makes transmits partial, fails them with ::VL2_ERR_AGAIN, drops frames
 * and reorders them. The same seed and the same sequence of calls give
 * the same faults, so failures reproduce.
 *
 * Not thread-safe: one thread per instance.
 * @{
 */
#ifndef VL2_MEM_BACKEND_H
#define VL2_MEM_BACKEND_H

#include <vl2/backend.h>
#include <vl2/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * The in-memory backend's ops ("mem"); pass `&vl2_mem_backend_ops` to
 * vl2_backend_open().
 */
VL2_EXTERN extern const vl2_backend_ops vl2_mem_backend_ops;

/**
 * Queue a frame for the mem backend to "receive".
 *
 * @param be
 *   A backend opened with ::vl2_mem_backend_ops.
 * @param data
 *   The Ethernet frame; copied.
 * @param len
 *   Its length, 1..`frame_max`.
 * @param ts
 *   The receive time to report in the frame's `rx_ts`; ::VL2_TSTAMP_NONE
 *   means the `now` of the rx_burst call that returns it.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID NULL argument, zero @p len, or @p be is not a
 *         mem backend.
 * @retval VL2_ERR_NOBUF @p len is larger than `frame_max`.
 * @retval VL2_ERR_LIMIT the receive queue is full (counted in
 *         `rx_dropped`).
 * @retval VL2_ERR_CLOSED the backend was closed with
 *         vl2_mem_backend_set_closed().
 * @since 0.1.0
 */
VL2_EXTERN int vl2_mem_backend_inject(vl2_backend *be, const void *data,
                                      size_t len, vl2_tstamp ts);

/**
 * Take the oldest frame the mem backend "transmitted".
 *
 * @param be
 *   A backend opened with ::vl2_mem_backend_ops.
 * @param buf
 *   Written with the frame.
 * @param cap
 *   Room in @p buf.
 * @return
 *   The frame's length; 0 when the transmit queue is empty.
 * @retval VL2_ERR_INVALID NULL argument, or not a mem backend.
 * @retval VL2_ERR_NOBUF @p cap is smaller than the frame, which stays
 *         queued.
 * @since 0.1.0
 */
VL2_EXTERN vl2_ssize vl2_mem_backend_take(vl2_backend *be, void *buf,
                                          size_t cap);

/**
 * Frames waiting in the receive queue (not yet returned by rx_burst).
 *
 * @param be
 *   A mem backend.
 * @return
 *   The count; 0 for NULL or another backend.
 * @since 0.1.0
 */
VL2_EXTERN size_t vl2_mem_backend_rx_pending(const vl2_backend *be);

/**
 * Frames waiting in the transmit queue (not yet taken).
 *
 * @param be
 *   A mem backend.
 * @return
 *   The count; 0 for NULL or another backend.
 * @since 0.1.0
 */
VL2_EXTERN size_t vl2_mem_backend_tx_pending(const vl2_backend *be);

/**
 * Simulate the device going away (or coming back).
 *
 * While closed, rx_burst, tx_burst and vl2_mem_backend_inject() return
 * ::VL2_ERR_CLOSED. Queued frames are kept.
 *
 * @param be
 *   A mem backend.
 * @param closed
 *   true to close, false to reopen.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID NULL, or not a mem backend.
 * @since 0.1.0
 */
VL2_EXTERN int vl2_mem_backend_set_closed(vl2_backend *be, bool closed);

/** @name Faulty middleware
 * @{ */

/** Version 1 of ::vl2_faulty_config. */
#define VL2_FAULTY_CONFIG_V1 1
/** The ::vl2_faulty_config version these headers describe. */
#define VL2_FAULTY_CONFIG_VERSION VL2_FAULTY_CONFIG_V1

/**
 * What the faulty middleware does, as probabilities in [0, 1]. A
 * zero-filled struct injects nothing (a transparent wrapper).
 */
typedef struct vl2_faulty_config {
  /** Seed of the pseudo-random generator (splitmix64); the only source
   * of randomness. */
  uint64_t seed;
  /** Per tx_burst call with n > 1: accept only a random prefix of 1..n-1
   * frames (a short write). */
  double tx_partial;
  /** Per tx_burst call: accept nothing and return ::VL2_ERR_AGAIN. */
  double tx_again;
  /** Per transmitted frame: drop it silently (it counts as accepted and
   * in `tx_dropped`, but never reaches the wrapped backend). */
  double tx_drop;
  /** Per tx_burst call: shuffle the frames handed to the wrapped backend.
   * If the wrapped backend then accepts only some of them, the frames it
   * took out of order may be sent again by a caller that retries. */
  double tx_reorder;
  /** Per rx_burst call: return 0 without asking the wrapped backend (a
   * spurious wake-up; the frames stay queued there). */
  double rx_again;
  /** Per received frame: drop it (counted in `rx_dropped`). */
  double rx_drop;
  /** Per rx_burst call: shuffle the frames returned. */
  double rx_reorder;
  /** Largest burst passed down, which sizes the scratch array allocated
   * at open; larger tx bursts are accepted partially. 0 means 256. */
  uint32_t max_burst;
} vl2_faulty_config;

/**
 * Wrap @p inner in a fault-injecting backend (name "faulty").
 *
 * The new instance has @p inner's port id and poll descriptor; its
 * counters are @p inner's plus the frames it dropped. Closing it closes
 * @p inner.
 *
 * @param pbe
 *   On success, the new instance; close it with vl2_backend_close().
 * @param inner
 *   The backend to wrap. On success the new instance owns it (it stays
 *   usable, e.g. for vl2_mem_backend_inject(), until the wrapper is
 *   closed); on failure it stays with the caller.
 * @param version
 *   ::VL2_FAULTY_CONFIG_VERSION.
 * @param cfg
 *   The faults; copied. NULL means none.
 * @param mem
 *   Allocator hooks, copied; NULL means the C library's.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID NULL @p pbe or @p inner, or a probability
 *         outside [0, 1].
 * @retval VL2_ERR_VERSION unknown @p version.
 * @retval VL2_ERR_NOMEM allocation failed.
 * @since 0.1.0
 */
VL2_EXTERN int vl2_faulty_open_versioned(vl2_backend **pbe, vl2_backend *inner,
                                         int version,
                                         const vl2_faulty_config *cfg,
                                         const vl2_mem *mem);

/** vl2_faulty_open_versioned() for this header's config version. */
#define vl2_faulty_open(pbe, inner, cfg, mem)                                  \
  vl2_faulty_open_versioned((pbe), (inner), VL2_FAULTY_CONFIG_VERSION, (cfg),  \
                            (mem))

/** @} */

#ifdef __cplusplus
}
#endif

/** @} */
#endif /* !defined(VL2_MEM_BACKEND_H) */
