/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/* Internal: the outer headers shared by the UDP tunnel encapsulations,
 * VXLAN (RFC 7348) and Geneve (RFC 8926): outer Ethernet, IPv4 or IPv6,
 * UDP with its checksum rules (RFC 768, RFC 6935/6936), the per-flow
 * source port (RFC 7348 section 5, RFC 8926 section 3.3) and the
 * never-fragment MTU rule (RFC 7348 section 4.3, RFC 8926 section 4.1.1).
 * Implemented in vl2_vxlan.c; each encapsulation only adds its own header.
 * The layers, config, parameters, info and reasons are those of
 * <vl2/vxlan.h>. */
#ifndef VL2_TUNNEL_H
#define VL2_TUNNEL_H

#include <vl2/vxlan.h>

#include <stddef.h>
#include <stdint.h>

/* Whether |a| is a well-formed address record (known family, zero
 * padding, zero bytes after an IPv4 address). */
int vl2_tun_addr_ok(const vl2_ipaddr *a);

/* Whether |cfg| passes vl2_vxlan_config_check() (whatever its port). */
int vl2_tun_config_ok(const vl2_vxlan_config *cfg);

/* Bytes in front of the inner frame for a tunnel header of |thlen| bytes
 * at |layer| over |family| (|thlen| alone for the UDP layer); 0 for an
 * unknown family or layer. */
size_t vl2_tun_overhead(unsigned family, unsigned layer, size_t thlen);

/* The longest inner frame that fits |underlay_mtu| (0: only the 16-bit
 * length fields limit) behind a tunnel header of |thlen| bytes; 0 when
 * nothing fits. */
size_t vl2_tun_max_frame(unsigned family, uint32_t underlay_mtu, size_t thlen);

/* Encapsulate the inner frame at |buf + *off| (|len| bytes): copy the
 * |thlen|-byte tunnel header |thdr| (a multiple of 2 bytes) in front of
 * it, then the outer headers of |p->layer| in front of that, with the
 * UDP checksum over both. Everything is checked before anything is
 * written, so on error |buf| and |*off| are unchanged. Returns the packet
 * length, or VL2_ERR_INVALID / NOBUF / MALFORMED / LIMIT as
 * vl2_vxlan_encap() documents (|p->vni| is checked, not written). */
vl2_ssize vl2_tun_encap(uint8_t *buf, size_t *off, size_t len,
                        const vl2_vxlan_config *cfg,
                        const vl2_vxlan_encap_params *p, const uint8_t *thdr,
                        size_t thlen);

/* Validate the outer headers of |pkt| (|len| bytes, starting at |layer|)
 * against |cfg| (checked by the caller, not NULL): |out| is cleared and
 * filled with the outer fields, and on success |out->inner_off| and
 * |out->inner_len| are the UDP payload's (the tunnel header's start and
 * its length with everything behind it). Returns 0, VL2_ERR_MALFORMED
 * with |out->reason| set, or VL2_ERR_INVALID for an unknown layer. */
int vl2_tun_decap(const vl2_vxlan_config *cfg, const uint8_t *pkt, size_t len,
                  unsigned layer, vl2_vxlan_info *out);

#endif /* !defined(VL2_TUNNEL_H) */
