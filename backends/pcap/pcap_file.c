/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * The capture-file writer: classic pcap, DLT_EN10MB, through libpcap's
 * pcap_dump().
 *
 * Where it fits: I/O helper of the pcap backend (its `out=` file), of the
 * pcapwrite middleware and of the replay tool.
 */
#include <vl2/pcap.h>

#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "pcap_internal.h"

struct vl2_pcap_writer {
  vl2_mem mem;
  pcap_t *dead;
  pcap_dumper_t *d;
  uint32_t snaplen;
  bool nsec;
  int err; /* sticky positive errno */
  uint64_t count;
};

int vl2_pcap_writer_open(vl2_pcap_writer **pw, const char *path,
                         uint32_t snaplen, uint32_t flags, const vl2_mem *mem) {
  if (pw == NULL || path == NULL || (flags & ~VL2_PCAP_WRITER_NSEC) != 0)
    return VL2_ERR_INVALID;
  *pw = NULL;
  vl2_mem m = mem != NULL ? *mem : *vl2_mem_default();
  vl2_pcap_writer *w = m.calloc(1, sizeof(*w), m.user_data);
  if (w == NULL)
    return VL2_ERR_NOMEM;
  w->mem = m;
  w->snaplen = snaplen == 0 ? VL2_PCAP_MAX_SNAPLEN : snaplen;
  w->nsec = (flags & VL2_PCAP_WRITER_NSEC) != 0;
  w->dead = pcap_open_dead_with_tstamp_precision(
      DLT_EN10MB, (int)w->snaplen,
      w->nsec ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO);
  if (w->dead == NULL) {
    m.free(w, m.user_data);
    return VL2_ERR_NOMEM;
  }
  errno = 0;
  w->d = pcap_dump_open(w->dead, path);
  if (w->d == NULL) {
    int e = errno != 0 ? errno : EIO;
    pcap_close(w->dead);
    m.free(w, m.user_data);
    return -e;
  }
  *pw = w;
  return 0;
}

int vl2_pcap_writer_write(vl2_pcap_writer *pw, const void *data, size_t len,
                          uint64_t ts_ns) {
  if (pw == NULL || (data == NULL && len > 0) || len > 0x80000000u)
    return VL2_ERR_INVALID;
  if (pw->err != 0)
    return -pw->err;
  struct pcap_pkthdr h;
  memset(&h, 0, sizeof(h));
  h.ts.tv_sec = (time_t)(ts_ns / 1000000000u);
  uint64_t frac = ts_ns % 1000000000u;
  h.ts.tv_usec = (suseconds_t)(pw->nsec ? frac : frac / 1000u);
  h.len = (bpf_u_int32)len;
  h.caplen = (bpf_u_int32)(len < pw->snaplen ? len : pw->snaplen);
  pcap_dump((u_char *)pw->d, &h, data);
  FILE *f = pcap_dump_file(pw->d);
  if (ferror(f)) {
    pw->err = errno != 0 ? errno : EIO;
    return -pw->err;
  }
  pw->count++;
  return 0;
}

int vl2_pcap_writer_flush(vl2_pcap_writer *pw) {
  if (pw == NULL)
    return VL2_ERR_INVALID;
  if (pw->err != 0)
    return -pw->err;
  if (pcap_dump_flush(pw->d) != 0) {
    pw->err = errno != 0 ? errno : EIO;
    return -pw->err;
  }
  return 0;
}

uint64_t vl2_pcap_writer_count(const vl2_pcap_writer *pw) {
  return pw != NULL ? pw->count : 0;
}

int vl2_pcap_writer_close(vl2_pcap_writer *pw) {
  if (pw == NULL)
    return 0;
  int rv = vl2_pcap_writer_flush(pw);
  FILE *f = pcap_dump_file(pw->d);
  /* pcap_dump_close() fclose()s the stream; check it ourselves first. */
  if (rv == 0 && ferror(f))
    rv = -EIO;
  pcap_dump_close(pw->d);
  pcap_close(pw->dead);
  vl2_mem m = pw->mem;
  m.free(pw, m.user_data);
  return rv;
}
