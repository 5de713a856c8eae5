/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * libFuzzer harness: vl2-switch's configuration validation. The input is a
 * configuration file (libconfig syntax); sw_config_load() must accept it
 * into a consistent sw_config or refuse it with a message that names the
 * file, never crash, leak or hang. Accepted configurations are checked
 * for the invariants the rest of vl2-switch relies on.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sw_config.h"

#define CHECK(c)                                                               \
  do {                                                                         \
    if (!(c)) {                                                                \
      fprintf(stderr, "invariant failed: %s (%s:%d)\n", #c, __FILE__,          \
              __LINE__);                                                       \
      abort();                                                                 \
    }                                                                          \
  } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* libconfig 1.5 (Debian 12) leaks its scanner's buffers when a syntax
 * error interrupts a string or token (allocated in strbuf_append() and
 * libconfig_yylex(), never freed by config_destroy()): a defect of the
 * library, not of vl2-switch, which calls config_destroy() on every path.
 * LeakSanitizer (replay under ASan, and libFuzzer) is told to leave
 * allocations made inside libconfig alone; leaks of ours still fail. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void) { return "leak:libconfig\n"; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 1 << 16)
    return 0;
  /* libconfig reads files: give it the input as one, with no name on disk
   * to leave behind */
  int fd = memfd_create("vl2sw-fuzz.conf", MFD_CLOEXEC);
  if (fd < 0)
    return 0;
  if (write(fd, data, size) != (ssize_t)size) {
    close(fd);
    return 0;
  }
  char path[64], err[1024] = "";
  snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  sw_config c;
  memset(&c, 0, sizeof c);
  int rv = sw_config_load(path, &c, err, sizeof err);
  if (rv == 0) {
    CHECK(c.port_cnt >= 1);
    for (size_t i = 0; i < c.port_cnt; i++) {
      const sw_port_cfg *p = &c.ports[i];
      CHECK(p->name[0] != 0 && strlen(p->name) < sizeof p->name);
      for (size_t k = 0; k < p->vlan_cnt; k++)
        CHECK(sw_config_seg_by_vlan(&c, p->vlans[k]) != NULL);
      CHECK(sw_config_port(&c, p->name) != NULL);
    }
    for (size_t i = 0; i < c.seg_cnt; i++)
      CHECK(sw_config_seg(&c, c.segs[i].vni) == &c.segs[i]);
    for (size_t i = 0; i < c.fdb_cnt; i++)
      CHECK(sw_config_seg(&c, c.fdb[i].vni) != NULL);
    sw_config_free(&c);
  } else {
    CHECK(err[0] != 0); /* a refusal always says why */
  }
  close(fd);
  return 0;
}
