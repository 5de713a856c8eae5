/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * @defgroup dpdk DPDK backend
 *
 * A port on a DPDK ethdev (library `libvl2-dpdk`, CMake target
 * `vl2::dpdk`, pkg-config `libvl2-dpdk`): one rte_ethdev port, one receive
 * and one transmit queue per backend instance, polled with
 * rte_eth_rx_burst() / rte_eth_tx_burst().
 *
 * The DPDK Environment Abstraction Layer (EAL) is process-global and can
 * be initialized only once per process (and never again after
 * vl2_dpdk_eal_cleanup()). There are three ways to have it initialized:
 * - call vl2_dpdk_eal_init() yourself, before opening any port;
 * - initialize it yourself with rte_eal_init() (a DPDK application
 *   embedding libvl2): the backend just uses the ports;
 * - give `eal=` in the first backend's argument string (a convenience for
 *   tools and tests).
 *
 * Keys of the argument string ("key=value,key=value"; escape a ',' inside
 * a value as "\,"):
 * | key | default | meaning |
 * | --- | --- | --- |
 * | `eal` | none | EAL arguments, separated by blanks ("--no-huge -m 256
 * --no-pci --vdev net_ring0"); used if the EAL is not initialized yet; if it
 * already is, the string must equal the one it was initialized with by this
 * library (else ::VL2_ERR_EXISTS) | | `vdev` | none | a virtual device to
 * hot-plug and use ("net_tap0\,iface=dtap0"); removed again on close | | `dev`
 * | none | use the port of this device name ("net_tap0", "0000:01:00.0") | |
 * `port` | 0 | use this port id (when neither `vdev` nor `dev` is given) | |
 * `rx_desc` | 1024 | receive descriptors | | `tx_desc` | 1024 | transmit
 * descriptors | | `mbufs` | 8191 | mbufs in this instance's pool | |
 * `mbuf_cache` | 256 | per-lcore mempool cache | | `promisc` | 1 | 1:
 * promiscuous mode | | `max_burst` | 256 | the most frames one rx_burst returns
 * |
 *
 * Copies (see backends/dpdk/README.md): received frames are handed to the
 * core in place in their mbufs, which are held until the next rx_burst;
 * only multi-segment mbufs are copied (linearized) into a per-instance
 * buffer. Transmitted frames are borrowed for the call, so they are
 * copied into fresh mbufs, except frames that are, unchanged, a frame
 * received by any DPDK backend instance of this process and still held by
 * it: those are sent by reference (the mbuf's reference count is raised),
 * so forwarding between DPDK ports copies nothing.
 *
 * The DPDK libraries print through their own log (rte_log); libvl2
 * itself prints nothing. get_fd() returns -1: DPDK ports are polled.
 * Not thread-safe: one thread per instance; the EAL functions below are
 * thread-safe.
 * @{
 */
#ifndef VL2_DPDK_H
#define VL2_DPDK_H

#include <vl2/backend_ops.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * The DPDK backend implementation; pass it to vl2_backend_open(). Its
 * `open` may return, besides the errors of vl2_backend_open():
 * ::VL2_ERR_INVALID for a bad key or value or an EAL argument rte_eal_init()
 * rejects, ::VL2_ERR_NOTFOUND when the port or device does not exist,
 * ::VL2_ERR_EXISTS when `eal=` differs from how the EAL was initialized,
 * ::VL2_ERR_CLOSED after vl2_dpdk_eal_cleanup(), ::VL2_ERR_UNSUPPORTED when
 * the EAL is not initialized and no `eal=` was given, and `-errno` values
 * from DPDK (rte_errno or a PMD's return value).
 *
 * @since 0.1.0
 */
VL2_EXTERN extern const vl2_backend_ops vl2_dpdk_ops;

/**
 * Initialize the DPDK EAL for this process, once.
 *
 * @param argc
 *   Number of entries in @p argv, at least 1.
 * @param argv
 *   EAL arguments as for rte_eal_init(), `argv[0]` being a program name
 *   (e.g. {"app", "--no-huge", "-m", "256", "--no-pci", "--vdev",
 *   "net_ring0"}); borrowed for the call, copied, never modified.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID @p argc < 1, NULL @p argv, or rte_eal_init()
 *         rejected the arguments (its message goes to the DPDK log).
 * @retval VL2_ERR_EXISTS the EAL is initialized already (by this function,
 *         a backend's `eal=`, or the application).
 * @retval VL2_ERR_CLOSED vl2_dpdk_eal_cleanup() was called: DPDK cannot
 *         initialize twice in a process.
 * @retval VL2_ERR_NOMEM out of memory copying @p argv.
 * @retval -errno rte_eal_init() failed otherwise (`rte_errno`, e.g.
 *         `-EACCES` without privileges, `-ENOMEM` without enough memory).
 * @note Thread-safe. @since 0.1.0
 */
VL2_EXTERN int vl2_dpdk_eal_init(int argc, char *const argv[]);

/**
 * Release the EAL (rte_eal_cleanup()) if this library initialized it.
 *
 * @return
 *   0 on success, or when there was nothing to release.
 * @retval VL2_ERR_BUSY DPDK backend instances are still open.
 * @retval -errno rte_eal_cleanup() failed.
 * @note Thread-safe. Afterwards the EAL cannot be initialized again in
 *   this process. @since 0.1.0
 */
VL2_EXTERN int vl2_dpdk_eal_cleanup(void);

#ifdef __cplusplus
}
#endif

/** @} */
#endif /* !defined(VL2_DPDK_H) */
