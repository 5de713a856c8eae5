/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/* Internal to backends/pcap. */
#ifndef VL2_PCAP_INTERNAL_H
#define VL2_PCAP_INTERNAL_H

#include <stdint.h>
#include <time.h>

/* libpcap's largest snapshot length (MAXIMUM_SNAPLEN). */
#define VL2_PCAP_MAX_SNAPLEN 262144u

/* Real-time clock in ns since the Unix epoch. */
static inline uint64_t vl2_pcap_realtime_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

#endif /* !defined(VL2_PCAP_INTERNAL_H) */
