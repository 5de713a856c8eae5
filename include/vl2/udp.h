/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * @defgroup udp_backend UDP underlay backend (VXLAN over UDP sockets)
 *
 * Library `libvl2-udp` (CMake `vl2::udp`, pkg-config `libvl2-udp`).
 *
 * The VXLAN underlay through an ordinary UDP socket bound to the local
 * tunnel endpoint's address and port (::vl2_udp_ops, name "udp"). The
 * kernel does IP and UDP; the frames this backend moves are UDP payloads,
 * that is VXLAN header + inner Ethernet frame (see vxlan.h,
 * ::VL2_VXLAN_LAYER_UDP):
 * - received frames carry the payload in `data`, the outer source address
 *   in `remote` (an IPv4-mapped IPv6 source on a dual-stack socket is
 *   reported as IPv4), the instance's port id in `port`, and `now` in
 *   `rx_ts`; decapsulate them with vl2_vxlan_decap_frame();
 * - frames to send carry the payload (from vl2_vxlan_encap() with
 *   ::VL2_VXLAN_LAYER_UDP) in `data` and the remote endpoint in `remote`;
 *   they go to that address and the `dport` port.
 *
 * Receive and transmit are batched with recvmmsg(2) and sendmmsg(2); every
 * buffer is allocated at open, so the data path never allocates.
 *
 * Arguments (vl2_backend_open()'s string):
 * - `local=ADDR`: the IPv4 or IPv6 address to bind (default `0.0.0.0`;
 *   `::` for every IPv6 address);
 * - `port=N`: the UDP port to bind, 0..65535 (default 4789; 0 lets the
 *   kernel choose, see vl2_udp_get_local());
 * - `dport=N`: the destination port of transmitted packets, 1..65535
 *   (default: `port`, or 4789 when `port` is 0);
 * - `v6only=BOOL`: with an IPv6 `local`, refuse IPv4 (default 1); 0 makes
 *   the socket dual-stack, sending to IPv4 remotes as IPv4-mapped;
 * - `rcvbuf=N`, `sndbuf=N`: socket buffer sizes in bytes (default: the
 *   system's); forced past the sysctl limits when privileged;
 * - `batch=N`: messages per system call, 1..1024 (default 32);
 * - `bufsize=N`: receive buffer per message, 64..65535 bytes (default
 *   9216, enough for a 9000-byte underlay MTU); longer datagrams are
 *   dropped and counted in `rx_dropped`.
 *
 * Counters: `rx_dropped` adds the kernel's count of datagrams dropped for
 * a full socket buffer (SO_RXQ_OVFL) to truncated ones; `tx_errors` counts
 * frames refused for their destination (no route, unsupported family,
 * too big), which are consumed, not retried.
 *
 * Limitation: every packet leaves from the bound port, so the per-flow
 * outer UDP source port of RFC 7348 section 5 is not applied; use a raw
 * or AF_PACKET underlay with ::VL2_VXLAN_LAYER_IP / ::VL2_VXLAN_LAYER_ETH
 * when ECMP entropy matters.
 *
 * Not thread-safe: one thread per instance.
 * @{
 */
#ifndef VL2_UDP_H
#define VL2_UDP_H

#include <vl2/backend.h>
#include <vl2/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * The UDP underlay backend's ops ("udp"); pass `&vl2_udp_ops` to
 * vl2_backend_open().
 */
VL2_EXTERN extern const vl2_backend_ops vl2_udp_ops;

/**
 * The address and port the backend's socket is bound to (the port the
 * kernel chose when opened with `port=0`).
 *
 * @param be
 *   A backend opened with ::vl2_udp_ops.
 * @param addr
 *   Written with the bound address; may be NULL.
 * @param port
 *   Written with the bound port; may be NULL.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID @p be is NULL or not a UDP backend.
 * @retval -errno getsockname(2) failed.
 * @since 0.1.0
 */
VL2_EXTERN int vl2_udp_get_local(const vl2_backend *be, vl2_ipaddr *addr,
                                 uint16_t *port);

#ifdef __cplusplus
}
#endif

/** @} */
#endif /* !defined(VL2_UDP_H) */
