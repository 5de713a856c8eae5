/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * vl2-replay --decode: the L2 headers of a frame as libvl2 sees them.
 *
 * The Ethernet header and its 802.1Q / 802.1ad tags come from
 * vl2_eth_parse(); VXLAN from vl2_vxlan_decap(); Geneve and its options
 * from vl2_geneve_decap(). ARP, LLC/SNAP and the outer IPv4 / IPv6 / UDP
 * headers are parsed here: this is a tool, not the core. The result is a json-c
 * array of layer objects, printed as JSON or as one text line per frame.
 */
#ifndef VL2_REPLAY_DECODE_H
#define VL2_REPLAY_DECODE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <json-c/json.h>

#include <vl2/geneve.h>

/** The most UDP ports decoded as VXLAN (4789 and 8472 are built in). */
#define DEC_MAX_VXLAN_PORTS 16

typedef struct dec_opts {
  uint16_t vxlan_ports[DEC_MAX_VXLAN_PORTS]; /* src or dst port */
  size_t n_vxlan_ports;
  uint16_t geneve_port; /* dst port; 6081 */
  /* Critical Geneve options taken as known (--geneve-known). */
  vl2_geneve_opt_id geneve_known[VL2_GENEVE_KNOWN_MAX];
  size_t n_geneve_known;
} dec_opts;

/* Fill @o with the defaults: VXLAN on 4789 and 8472, Geneve on 6081. */
void dec_opts_default(dec_opts *o);

/* Decode one Ethernet frame of @len captured bytes into a new json-c array
 * of layer objects (the caller puts it). Never fails on bad input: a layer
 * that does not fit gets "error". Returns NULL only when out of memory. */
json_object *dec_frame(const uint8_t *data, size_t len, const dec_opts *o);

/* Print @layers as one text line (no newline). */
void dec_print_text(FILE *out, json_object *layers);

/* "aa:bb:cc:dd:ee:ff" of @n bytes into @buf (3 * n bytes at least). */
void dec_hex_colon(char *buf, const uint8_t *b, size_t n);

#endif /* !defined(VL2_REPLAY_DECODE_H) */
