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
 * Kernel offloads (udp(7)), probed at open and reported by
 * vl2_udp_get_stats():
 * - GRO (`UDP_GRO`): the kernel may hand over a run of datagrams of one
 *   flow in one buffer with their segment size; rx_burst() splits it and
 *   returns each datagram as its own frame, in order (the last may be
 *   shorter). Needs 65535-byte receive buffers.
 * - GSO (`UDP_SEGMENT`): tx_burst() sends consecutive frames to the same
 *   address from the same source port with equal lengths (the last may be
 *   shorter, at most 64 per run, 65507 bytes in all) in one sendmsg; the
 *   kernel emits them as separate datagrams, each with its UDP checksum
 *   (so the receiver's GRO can take them). Where the kernel refuses
 *   (`EIO`: the egress device cannot finish checksums) the socket falls
 *   back to one datagram per frame for good, counted in `gso_fallbacks`;
 *   a run the path cannot take (`EINVAL`: a datagram larger than the path
 *   MTU) is resent one by one, counted in `gso_refused`.
 * - Per-flow source ports: with `sport_lo` and `sport_hi`, the backend
 *   binds one transmit socket to each port of that range, and sends a
 *   frame from the port its `port` field names (a frame's `port` is the
 *   outer UDP source port on transmit: typically ::vl2_dest.udp_sport,
 *   with the ::vl2_vxlan_config range set to the same ports, so the
 *   packets of one inner flow keep one port and distinct flows spread,
 *   RFC 7348 section 5). A port outside the range maps to a socket of
 *   the pool (always the same one for the same port); 0 means the
 *   receive socket. Receiving stays on the one bound `port`. Without a
 *   range, every packet leaves from the bound port and `port` is ignored.
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
 * - `zero_csum6_rx=BOOL`: over IPv6, accept datagrams with a zero UDP
 *   checksum (RFC 6935, RFC 6936: peers such as the Linux vxlan/geneve
 *   device with `udp6zerocsumtx`); by default the kernel drops them
 *   (default 0; socket option UDP_NO_CHECK6_RX);
 * - `zero_csum6_tx=BOOL`: over IPv6, send a zero UDP checksum (default 0,
 *   the checksum is computed; UDP_NO_CHECK6_TX); only for peers that accept
 *   it;
 * - `bufsize=N`: receive buffer per message, 64..65535 bytes (default
 *   65535 with GRO, else 9216, enough for a 9000-byte underlay MTU);
 *   longer datagrams are dropped and counted in `rx_dropped`; a value
 *   below 65535 turns GRO off;
 * - `gso=BOOL`, `gro=BOOL`: use the kernel offload when it has it
 *   (default 1 each);
 * - `sport_lo=N`, `sport_hi=N`: the source-port range of the transmit
 *   pool, 1..65535, both or neither, at most 1024 ports (default none).
 *
 * Counters: `rx_dropped` adds the kernel's count of datagrams dropped on
 * the receive socket (a full receive buffer, a bad checksum; read with
 * SO_MEMINFO when the counters are read, never per packet) to truncated
 * ones; `tx_errors` counts frames refused for their destination (no
 * route, unsupported family, too big), which are consumed, not retried.
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
 * What the UDP backend uses of the kernel, and how it went (see the
 * offload list above). Counters only grow.
 */
typedef struct vl2_udp_stats {
  uint8_t gso;              /**< 1: UDP_SEGMENT is used (the kernel has it and
                                 `gso` is on). */
  uint8_t gro;              /**< 1: UDP_GRO is on for the receive socket. */
  uint8_t drops_known;      /**< 1: `socket_drops` is read from the kernel
                                 (SO_MEMINFO); 0: not available, it stays 0. */
  uint8_t reserved0;        /**< Zero. */
  uint16_t sport_lo;        /**< Transmit pool's lowest source port, or 0. */
  uint16_t sport_hi;        /**< Its highest, or 0. */
  uint32_t tx_sockets;      /**< Sockets in the transmit pool (0: none; every
                                 packet leaves from the bound port). */
  uint32_t gso_off_sockets; /**< Sockets on which GSO is off: all when
                                 `gso` is 0, else those that fell back. */
  uint64_t gso_sends;       /**< Messages sent with UDP_SEGMENT. */
  uint64_t gso_segments;    /**< Datagrams in them. */
  uint64_t gso_fallbacks;   /**< Sockets switched to one datagram per send
                                 because the kernel refused GSO (`EIO`). */
  uint64_t gso_refused;     /**< Runs resent one datagram at a time because
                                 the path could not take them (`EINVAL`). */
  uint64_t gro_batches;     /**< Received buffers holding several datagrams
                                 (UDP_GRO). */
  uint64_t gro_segments;    /**< Datagrams in them. */
  uint64_t socket_drops;    /**< The kernel's drop count for the receive
                                 socket (SO_MEMINFO `SK_MEMINFO_DROPS`), read
                                 at the call. */
  uint64_t truncated;       /**< Datagrams longer than `bufsize`, dropped. */
  uint64_t reserved[4];     /**< Zero. */
} vl2_udp_stats;

/**
 * Read the UDP backend's offload state and counters. Call it through
 * vl2_udp_get_stats().
 *
 * @param be
 *   A backend opened with ::vl2_udp_ops.
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
 * @retval VL2_ERR_INVALID @p be or @p st is NULL, @p be is not a UDP
 *         backend, or an @p st_size of 0.
 * @since 0.2.0
 */
VL2_EXTERN int vl2_udp_get_stats_versioned(const vl2_backend *be,
                                           size_t st_size, vl2_udp_stats *st);
/** vl2_udp_get_stats_versioned() with the size these headers give. */
#define vl2_udp_get_stats(be, st)                                              \
  vl2_udp_get_stats_versioned((be), sizeof(vl2_udp_stats), (st))

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
