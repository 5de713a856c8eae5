/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * @defgroup backend_ops Backends (implementers' view)
 *
 * The ops interface every backend implements (OVS's netdev_class, DPDK's
 * eth_dev_ops). Declare the ops as a `static const` (or `const`) object
 * with designated initializers and export a pointer or the object; the
 * caller passes it to vl2_backend_open().
 * @{
 */
#ifndef VL2_BACKEND_OPS_H
#define VL2_BACKEND_OPS_H

#include <vl2/backend.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The ops ABI these headers describe; grow the struct only at the end. */
#define VL2_BACKEND_OPS_VERSION 1

/** Size of ::vl2_backend's error message buffer. */
#define VL2_BACKEND_ERRMSG_LEN 160

/**
 * A backend instance as implementations see it. vl2_backend_open()
 * allocates it, sets every field but `priv`, and calls `open`.
 */
struct vl2_backend {
  const vl2_backend_ops *ops; /**< The implementation. */
  void *priv;        /**< The implementation's state; set by `open`, freed by
                          `close`. */
  vl2_mem mem;       /**< Allocator for `priv` and buffers. */
  uint32_t port;     /**< Port id to stamp into received frames. */
  uint32_t reserved; /**< Zero. */
  /** Last error message, NUL-terminated; implementations write it (with
   * snprintf() and strerror()) before returning an error. */
  char errmsg[VL2_BACKEND_ERRMSG_LEN];
};

/** A backend implementation. Fast path first (DPDK fp_ops). */
struct vl2_backend_ops {
  uint32_t abi_version; /**< ::VL2_BACKEND_OPS_VERSION. */
  const char *name;     /**< "tap", "af_packet", "pcap", "dpdk", "udp",
                             "mem", ... */
  /** Receive; see vl2_backend_rx_burst(). Required. */
  vl2_ssize (*rx_burst)(vl2_backend *be, vl2_frame *frames, size_t n,
                        vl2_tstamp now);
  /** Send; see vl2_backend_tx_burst(). Required. */
  vl2_ssize (*tx_burst)(vl2_backend *be, const vl2_frame *frames, size_t n);
  /** Open from @p args; set `be->priv`. On failure free everything and
   * return a negative error. Required. */
  int (*open)(vl2_backend *be, const char *args);
  /** Release everything `open` acquired. Required. */
  void (*close)(vl2_backend *be);
  /** The poll descriptor, or -1; may be NULL (no descriptor). */
  int (*get_fd)(const vl2_backend *be);
  /** Counters; may be NULL (all zero). */
  int (*get_stats)(const vl2_backend *be, vl2_backend_stats *st);
};

#ifdef __cplusplus
}
#endif

/** @} */
#endif /* !defined(VL2_BACKEND_OPS_H) */
