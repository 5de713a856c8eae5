/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * vl2ctl's parts: vl2ctl.c (options, the exchange with the switch, text
 * output), vl2ctl_prom.c (Prometheus text exposition of `stats`) and
 * vl2ctl_frame.c (trace's field list made into a frame).
 */
#ifndef VL2CTL_H
#define VL2CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

/* Print the reply of `stats` |r| as Prometheus text exposition. */
void print_prometheus(json_object *r);

/* The largest frame `trace` takes: its hex (two digits a byte) and the
 * words before it fit in one request (4095 bytes and the newline). */
#define VL2CTL_FRAME_MAX 2000

/* Build the frame the trace field words |w|[0..n) describe ("vlan VID"
 * (repeated: stacked C-tags, outermost first), "svlan VID", "src MAC",
 * "dst MAC", "type arp|ipv4|ipv6|0xNNNN", "arp request|reply", "proto
 * icmp|udp", "sip IP", "dip IP", "len N") into |buf| (|cap| bytes). The
 * frame's length, or -1 with the reason in |err|. */
long vl2ctl_frame_build(char **w, int n, uint8_t *buf, size_t cap, char *err,
                        size_t errlen);
/* "02:00:00:00:00:01" (or with '-') to six bytes; 0, or -1. */
int vl2ctl_parse_mac(const char *s, uint8_t mac[6]);

#endif
