/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * vl2ctl's parts: vl2ctl.c (options, the exchange with the switch, text
 * output) and vl2ctl_prom.c (Prometheus text exposition of `stats`).
 */
#ifndef VL2CTL_H
#define VL2CTL_H

#include <stdbool.h>

#include <json-c/json.h>

/* Print the reply of `stats` |r| as Prometheus text exposition. */
void print_prometheus(json_object *r);

#endif
