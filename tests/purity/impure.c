/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/* Not part of libvl2: the purity check's self-test puts this object into a
 * copy of the core's archive and asserts the check rejects every call
 * below (OS calls, stdio, and malloc outside vl2_mem.c). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int vl2_purity_impure(void);

void *vl2_purity_leak;

int vl2_purity_impure(void) {
  struct timespec ts;
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  (void)clock_gettime(CLOCK_MONOTONIC, &ts);
  (void)write(fd, "x", 1);
  printf("%d\n", fd);
  vl2_purity_leak = malloc(1);
  return fd;
}
