/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * vl2-switch's logging: one line per message, to stderr or to syslog(3),
 * filtered by --log-level; and the allocation helper that logs before it
 * gives up.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>

#include "sw_app.h"

int log_level = L_INFO;
bool log_syslog;

void logm(int lvl, const char *fmt, ...) {
  if (lvl > log_level)
    return;
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  static const int prio[] = {LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG};
  static const char *const name[] = {"error", "warning", "info", "debug"};
  if (log_syslog)
    syslog(prio[lvl], "%s", msg);
  else
    fprintf(stderr, "vl2-switch: %s: %s\n", name[lvl], msg);
}

void *xcalloc(size_t n, size_t sz) {
  void *p = calloc(n ? n : 1, sz);
  if (!p) {
    logm(L_ERR, "out of memory");
    exit(1);
  }
  return p;
}
