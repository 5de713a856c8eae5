/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * libFuzzer harness: vl2-switch's control-request parser. The input is one
 * request as a client would send it (bounded like the server bounds it);
 * handle_cmd() must answer every one with a JSON object, {"error": ...}
 * with a message when it refuses, and never crash, leak or hang. It runs
 * against a switch with the built-in configuration's segment and no port
 * devices, so requests that change state (fdb add/del/flush, neigh
 * add/del/flush, vtep, storm, mdb, stats reset) really run; `reload`
 * (which would create TAPs) is left out.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vl2/switch.h>

#include "sw_app.h"

#define CHECK(c)                                                               \
  do {                                                                         \
    if (!(c)) {                                                                \
      fprintf(stderr, "invariant failed: %s (%s:%d)\n", #c, __FILE__,          \
              __LINE__);                                                       \
      abort();                                                                 \
    }                                                                          \
  } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static app A;

static void setup(void) {
  char err[512];
  memset(&A, 0, sizeof A);
  A.ep = A.sigfd = A.lfd = A.pid_fd = -1;
  log_level = L_ERR - 1; /* quiet */
  CHECK(sw_config_load(NULL, &A.cfg, err, sizeof err) == 0);
  vl2_switch_config sc;
  vl2_switch_config_default(&sc);
  sc.max_ports = 4;
  sc.max_segments = 8;
  sc.max_fdb = 256;
  sc.max_neigh = 64;
  CHECK(vl2_switch_new(&A.sw, &sc, NULL) == 0);
  A.nports = 4;
  A.ports = xcalloc(A.nports, sizeof *A.ports);
  for (size_t i = 0; i < A.cfg.seg_cnt; i++) {
    vl2_segment_config seg = {.flags = A.cfg.segs[i].flags};
    CHECK(vl2_switch_segment_add(A.sw, A.cfg.segs[i].vni, &seg) == 0);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!A.sw)
    setup();
  char line[CTL_REQ_MAX];
  if (size >= sizeof line)
    size = sizeof line - 1; /* the server refuses longer requests */
  memcpy(line, data, size);
  line[size] = 0;
  char *nl = strchr(line, '\n');
  if (nl)
    *nl = 0;
  if (strstr(line, "reload"))
    return 0;
  json_object *r = handle_cmd(&A, line);
  CHECK(r != NULL && json_object_is_type(r, json_type_object));
  json_object *e;
  if (json_object_object_get_ex(r, "error", &e))
    CHECK(json_object_get_string_len(e) > 0);
  size_t n;
  const char *s = json_object_to_json_string_length(r, 0, &n);
  CHECK(s != NULL && n > 1 && s[0] == '{');
  json_object_put(r);
  return 0;
}
