/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * Names of trace steps (<vl2/trace.h>). vl2_switch_trace() itself lives
 * with the decision code it runs, in vl2_forward.c.
 */
#include <vl2/trace.h>

static const char *const kind_names[VL2_TRACE_KIND_COUNT] = {
    [VL2_TRACE_INGRESS] = "ingress",
    [VL2_TRACE_CLASSIFY] = "classify",
    [VL2_TRACE_REMOTE_CHECK] = "remote_check",
    [VL2_TRACE_ADDRESS_CHECK] = "address_check",
    [VL2_TRACE_FDB_LOOKUP] = "fdb_lookup",
    [VL2_TRACE_NEIGH] = "neigh",
    [VL2_TRACE_LEARN] = "learn",
    [VL2_TRACE_UNICAST] = "unicast",
    [VL2_TRACE_MDB] = "mdb",
    [VL2_TRACE_FLOOD_MEMBER] = "flood_member",
    [VL2_TRACE_STORM] = "storm",
    [VL2_TRACE_VERDICT] = "verdict",
};

static const char *const result_names[VL2_TRACE_RESULT_COUNT] = {
    [VL2_TRACE_R_OK] = "ok",
    [VL2_TRACE_R_DROP] = "drop",
    [VL2_TRACE_R_PORT] = "port",
    [VL2_TRACE_R_REMOTE] = "remote",
    [VL2_TRACE_R_UNTAGGED] = "untagged",
    [VL2_TRACE_R_PRIORITY_TAGGED] = "priority_tagged",
    [VL2_TRACE_R_TAGGED] = "tagged",
    [VL2_TRACE_R_VNI] = "vni",
    [VL2_TRACE_R_FLOOD_LIST] = "flood_list",
    [VL2_TRACE_R_CONTROL_PLANE] = "control_plane",
    [VL2_TRACE_R_HIT] = "hit",
    [VL2_TRACE_R_MISS] = "miss",
    [VL2_TRACE_R_EXPIRED] = "expired",
    [VL2_TRACE_R_GROUP] = "group",
    [VL2_TRACE_R_PASS] = "pass",
    [VL2_TRACE_R_RARP] = "rarp",
    [VL2_TRACE_R_MALFORMED] = "malformed",
    [VL2_TRACE_R_PROBE] = "probe",
    [VL2_TRACE_R_BIND] = "bind",
    [VL2_TRACE_R_ANSWERED] = "answered",
    [VL2_TRACE_R_QUEUE_FULL] = "queue_full",
    [VL2_TRACE_R_FLOODED] = "flooded",
    [VL2_TRACE_R_DIRECTORY] = "directory",
    [VL2_TRACE_R_OFF] = "off",
    [VL2_TRACE_R_REFRESH] = "refresh",
    [VL2_TRACE_R_NEW] = "new",
    [VL2_TRACE_R_MOVE] = "move",
    [VL2_TRACE_R_STATIC] = "static",
    [VL2_TRACE_R_FROZEN] = "frozen",
    [VL2_TRACE_R_LIMIT] = "limit",
    [VL2_TRACE_R_REGISTERED] = "registered",
    [VL2_TRACE_R_ROUTERS] = "routers",
    [VL2_TRACE_R_REPORT] = "report",
    [VL2_TRACE_R_CONSUMED] = "consumed",
    [VL2_TRACE_R_QUERY] = "query",
    [VL2_TRACE_R_TAKEN] = "taken",
    [VL2_TRACE_R_SKIP_INGRESS] = "skip_ingress",
    [VL2_TRACE_R_SKIP_FLOOD_OFF] = "skip_flood_off",
    [VL2_TRACE_R_SKIP_NOT_MARKED] = "skip_not_marked",
    [VL2_TRACE_R_SKIP_STACKED_TAG] = "skip_stacked_tag",
    [VL2_TRACE_R_SKIP_SPLIT_HORIZON] = "skip_split_horizon",
    [VL2_TRACE_R_SKIP_MTU] = "skip_mtu",
    [VL2_TRACE_R_FORWARD] = "forward",
    [VL2_TRACE_R_FLOOD] = "flood",
};

const char *vl2_trace_kind_name(unsigned kind) {
  return kind < VL2_TRACE_KIND_COUNT && kind_names[kind] != 0 ? kind_names[kind]
                                                              : "unknown";
}

const char *vl2_trace_result_name(unsigned result) {
  return result < VL2_TRACE_RESULT_COUNT && result_names[result] != 0
             ? result_names[result]
             : "unknown";
}
