/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * The text form of a trace step (<vl2/trace.h>), one line like
 *   "fdb_lookup: 02:00:00:00:00:02 hit at port vm2 (dynamic)"
 * for programs that print traces (vl2-replay --trace, vl2ctl trace).
 */
#ifndef VL2_TRACE_TEXT_H
#define VL2_TRACE_TEXT_H

#include <stddef.h>

#include <vl2/trace.h>

/* Names port |port| for the text (e.g. a configured port name); NULL
 * means "port N". */
typedef const char *(*trace_port_name_fn)(uint32_t port, void *ctx);

/* Write step |s| as one line (no newline) into |buf| (|len| bytes,
 * NUL-terminated, truncated to fit). |name| may be NULL. Returns |buf|. */
char *trace_step_text(const vl2_trace_step *s, trace_port_name_fn name,
                      void *ctx, char *buf, size_t len);

/* The text of a destination's egress edit: "as is", "push VID 10 (0x8100)",
 * "pop the tag", "rewrite to VID 20 (0x88a8)". Returns |buf|. */
char *trace_edit_text(const vl2_dest *d, char *buf, size_t len);

#endif /* !defined(VL2_TRACE_TEXT_H) */
