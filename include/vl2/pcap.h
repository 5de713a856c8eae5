/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * @defgroup pcap_backend pcap backend, capture-file writer, pcapwrite
 *
 * Library `libvl2-pcap` (CMake `vl2::pcap`, pkg-config `libvl2-pcap`),
 * built on libpcap.
 *
 * The **pcap backend** (::vl2_pcap_ops, name "pcap") works in one of two
 * modes, chosen by its arguments:
 *
 * - live, `iface=NAME`: capture and inject on a network interface
 *   (non-blocking, immediate mode; vl2_backend_get_fd() gives
 *   pcap_get_selectable_fd()). Keys: `filter=BPF` (a libpcap filter
 *   expression; escape a ',' as "\,"), `promisc=0|1` (default 1),
 *   `snaplen=N` (default the interface's MTU + 22, at least 1518;
 *   frames are truncated to it), `direction=in|inout` (default `in`, so
 *   frames the backend injects are not received back), `buffer=BYTES`
 *   (kernel ring; default 8 MiB, which holds about buffer / snaplen
 *   frames). A vanished interface makes
 *   rx_burst and tx_burst return ::VL2_ERR_CLOSED.
 * - offline, `file=PATH` and/or `out=PATH`: rx_burst reads the frames of a
 *   pcap or pcapng file, with `rx_ts` the capture time in nanoseconds since
 *   the Unix epoch; tx_burst appends to the capture file `out` (classic
 *   pcap, Ethernet). Keys: `filter=BPF`, `eof=close|idle` (at the end of
 *   `file`, rx_burst returns ::VL2_ERR_CLOSED with "end of file" in
 *   vl2_backend_last_error() (default), or 0 forever), `sll=convert|reject`,
 *   `nsec=0|1` (`out` with nanosecond timestamps; default 0),
 *   `tx_ts=clock|now` (timestamp written for a transmitted frame: the
 *   system's real-time clock (default), or the `now` of the latest
 *   rx_burst, which a replay tool sets to capture time).
 *
 * Link types read: Ethernet (DLT_EN10MB) as it is, and Linux cooked
 * captures (DLT_LINUX_SLL 113, DLT_LINUX_SLL2 276), which are converted to
 * Ethernet frames by default: the source MAC is the SLL address (when it
 * is 6 bytes long, else zero), the destination MAC is ff:ff:ff:ff:ff:ff
 * for broadcast packets, the IPv4/IPv6 multicast MAC for multicast ones
 * and 00:00:00:00:00:00 otherwise (the capture does not record it), and
 * the EtherType is the SLL protocol (an SLL protocol below 0x600, such as
 * 802.2 LLC, becomes an 802.3 length). With `sll=reject` such files fail
 * to open with ::VL2_ERR_UNSUPPORTED, as do all other link types.
 *
 * The **capture-file writer** (vl2_pcap_writer_open()) appends frames
 * with timestamps to a classic pcap file: the base of the replay tool.
 *
 * The **pcapwrite middleware** (vl2_pcapwrite_open()) wraps any backend
 * and records every frame it receives and sends into a pcap file.
 *
 * Not thread-safe: one thread per instance.
 * @{
 */
#ifndef VL2_PCAP_H
#define VL2_PCAP_H

#include <vl2/backend.h>
#include <vl2/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * The pcap backend's ops ("pcap"); pass `&vl2_pcap_ops` to
 * vl2_backend_open().
 */
VL2_EXTERN extern const vl2_backend_ops vl2_pcap_ops;

/**
 * The link type of the file or interface a pcap backend reads.
 *
 * @param be
 *   A backend opened with ::vl2_pcap_ops.
 * @return
 *   The original DLT_* value (1, 113 or 276), -1 when @p be reads nothing
 *   (out only), or ::VL2_ERR_INVALID for NULL or another backend.
 * @since 0.1.0
 */
VL2_EXTERN int vl2_pcap_datalink(const vl2_backend *be);

/** @name Capture-file writer
 * @{ */

/** An open capture file being written. */
typedef struct vl2_pcap_writer vl2_pcap_writer;

/** vl2_pcap_writer_open() flag: write nanosecond timestamps (the pcap
 * magic 0xa1b23c4d) instead of microseconds. */
#define VL2_PCAP_WRITER_NSEC 0x1u

/**
 * Create (or truncate) a classic pcap file of Ethernet frames.
 *
 * @param pw
 *   On success, the writer; close it with vl2_pcap_writer_close().
 * @param path
 *   The file name; "-" means standard output.
 * @param snaplen
 *   The largest number of bytes stored per frame (longer frames are
 *   truncated, recording their original length); 0 means 262144.
 * @param flags
 *   0 or ::VL2_PCAP_WRITER_NSEC.
 * @param mem
 *   Allocator hooks, copied; NULL means the C library's.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID NULL argument or unknown flag.
 * @retval VL2_ERR_NOMEM allocation failed.
 * @retval -errno the file could not be created (e.g. `-ENOENT`,
 *         `-EACCES`).
 * @since 0.1.0
 */
VL2_EXTERN int vl2_pcap_writer_open(vl2_pcap_writer **pw, const char *path,
                                    uint32_t snaplen, uint32_t flags,
                                    const vl2_mem *mem);

/**
 * Append one frame.
 *
 * @param pw
 *   The writer.
 * @param data
 *   The Ethernet frame; borrowed for the call.
 * @param len
 *   Its length.
 * @param ts_ns
 *   Its timestamp, nanoseconds since the Unix epoch (truncated to
 *   microseconds unless the file was opened with ::VL2_PCAP_WRITER_NSEC).
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID NULL argument, or @p len above 2^31.
 * @retval -errno writing failed (e.g. `-ENOSPC`); the writer stays in
 *         error.
 * @since 0.1.0
 */
VL2_EXTERN int vl2_pcap_writer_write(vl2_pcap_writer *pw, const void *data,
                                     size_t len, uint64_t ts_ns);

/**
 * Push buffered frames to the file.
 *
 * @param pw
 *   The writer.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID NULL argument.
 * @retval -errno writing failed.
 * @since 0.1.0
 */
VL2_EXTERN int vl2_pcap_writer_flush(vl2_pcap_writer *pw);

/**
 * Frames written so far.
 *
 * @param pw
 *   The writer.
 * @return
 *   The count; 0 for NULL.
 * @since 0.1.0
 */
VL2_EXTERN uint64_t vl2_pcap_writer_count(const vl2_pcap_writer *pw);

/**
 * Flush, close the file and free the writer.
 *
 * @param pw
 *   The writer; NULL is a no-op (and returns 0).
 * @return
 *   0 on success.
 * @retval -errno the final flush or close failed (the writer is freed
 *         anyway).
 * @since 0.1.0
 */
VL2_EXTERN int vl2_pcap_writer_close(vl2_pcap_writer *pw);

/** @} */

/** @name pcapwrite middleware
 * @{ */

/** vl2_pcapwrite_open() flag: record received frames. */
#define VL2_PCAPWRITE_RX 0x1u
/** vl2_pcapwrite_open() flag: record frames the wrapped backend accepted
 * for transmission. */
#define VL2_PCAPWRITE_TX 0x2u
/** vl2_pcapwrite_open() flag: timestamps from the frames instead of the
 * real-time clock: a received frame's `rx_ts`, and for a sent frame the
 * `now` of the latest rx_burst. Use it when `now` is Unix time (replay). */
#define VL2_PCAPWRITE_TS_FRAME 0x4u
/** vl2_pcapwrite_open() flag: nanosecond pcap file. */
#define VL2_PCAPWRITE_NSEC 0x8u

/**
 * Wrap @p inner so that every frame it receives and sends is also written
 * to a capture file (name "pcapwrite").
 *
 * The new instance has @p inner's port id, poll descriptor and counters;
 * closing it closes @p inner and the file. Only frames actually returned
 * by rx_burst and accepted by tx_burst are recorded, in call order.
 *
 * @param pbe
 *   On success, the new instance; close it with vl2_backend_close().
 * @param inner
 *   The backend to wrap; owned by the new instance on success, left with
 *   the caller on failure.
 * @param path
 *   The capture file, created or truncated.
 * @param flags
 *   ::VL2_PCAPWRITE_RX and/or ::VL2_PCAPWRITE_TX (0 means both), plus
 *   optionally ::VL2_PCAPWRITE_TS_FRAME and ::VL2_PCAPWRITE_NSEC.
 * @param mem
 *   Allocator hooks, copied; NULL means the C library's.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID NULL argument or unknown flag.
 * @retval VL2_ERR_NOMEM allocation failed.
 * @retval -errno the file could not be created.
 * @since 0.1.0
 */
VL2_EXTERN int vl2_pcapwrite_open(vl2_backend **pbe, vl2_backend *inner,
                                  const char *path, uint32_t flags,
                                  const vl2_mem *mem);

/** @} */

#ifdef __cplusplus
}
#endif

/** @} */
#endif /* !defined(VL2_PCAP_H) */
