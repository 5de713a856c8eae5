/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * The pcap backend: live capture and injection on an interface, or
 * frames read from a pcap/pcapng file and written to a pcap file.
 *
 * Where it fits: an I/O backend. Received frames are copied into an arena
 * allocated at open (libpcap's buffers are only valid until its next
 * call), so a burst's frames stay valid until the next rx_burst.
 */
#include <vl2/pcap.h>
#include <vl2/backend_ops.h>

#include <errno.h>
#include <net/if.h>
#include <pcap/pcap.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pcap_internal.h"
#include "vl2_args.h"
#include "vl2_be_wrap.h"

#ifndef DLT_LINUX_SLL
#define DLT_LINUX_SLL 113
#endif
#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif

#define ARENA_MIN (4u << 20)

typedef struct pcap_priv {
  pcap_t *p;            /* NULL when out-only */
  vl2_pcap_writer *out; /* offline tx sink, or NULL */
  bool live;
  bool eof_idle; /* eof=idle */
  bool at_eof;
  bool tx_ts_now; /* tx_ts=now */
  int dlt;        /* the file's/interface's DLT, or -1 */
  uint32_t snap;  /* largest frame copied */
  uint8_t *arena;
  size_t arena_cap, arena_used;
  vl2_frame *cur; /* output array of the running rx_burst */
  size_t cur_n;
  vl2_backend *be;
  vl2_tstamp last_now;
  char iface[IF_NAMESIZE];
  vl2_backend_stats st;
} pcap_priv;

/* --- Linux cooked capture to Ethernet ------------------------------- */

#define PKT_BROADCAST 1
#define PKT_MULTICAST 2

static size_t sll_to_eth(uint8_t *dst, const uint8_t *src, size_t caplen,
                         int dlt) {
  uint16_t pkttype, halen, proto;
  const uint8_t *addr;
  size_t hl;
  if (dlt == DLT_LINUX_SLL) {
    hl = 16;
    if (caplen < hl)
      return 0;
    pkttype = (uint16_t)(src[0] << 8 | src[1]);
    halen = (uint16_t)(src[4] << 8 | src[5]);
    addr = src + 6;
    proto = (uint16_t)(src[14] << 8 | src[15]);
  } else {
    hl = 20;
    if (caplen < hl)
      return 0;
    proto = (uint16_t)(src[0] << 8 | src[1]);
    pkttype = src[10];
    halen = src[11];
    addr = src + 12;
  }
  const uint8_t *pl = src + hl;
  size_t pl_len = caplen - hl;
  uint8_t *d = dst;
  memset(d, 0, 12);
  if (pkttype == PKT_BROADCAST) {
    memset(d, 0xff, 6);
  } else if (pkttype == PKT_MULTICAST) {
    if (proto == 0x0800 && pl_len >= 20) {
      d[0] = 0x01, d[1] = 0x00, d[2] = 0x5e;
      d[3] = pl[17] & 0x7f, d[4] = pl[18], d[5] = pl[19];
    } else if (proto == 0x86dd && pl_len >= 40) {
      d[0] = 0x33, d[1] = 0x33;
      memcpy(d + 2, pl + 36, 4);
    } else {
      memset(d, 0xff, 6);
    }
  }
  if (halen == 6)
    memcpy(d + 6, addr, 6);
  if (proto < 0x0600) {
    /* 802.3 frame: length field, then the payload as it is (LLC). */
    size_t l = pl_len > 0xffff ? 0xffff : pl_len;
    d[12] = (uint8_t)(l >> 8), d[13] = (uint8_t)l;
  } else {
    d[12] = (uint8_t)(proto >> 8), d[13] = (uint8_t)proto;
  }
  memcpy(d + 14, pl, pl_len);
  return 14 + pl_len;
}

static void on_packet(u_char *user, const struct pcap_pkthdr *h,
                      const u_char *bytes) {
  pcap_priv *p = (pcap_priv *)(void *)user;
  size_t caplen = h->caplen;
  if (caplen > p->snap)
    caplen = p->snap;
  uint8_t *dst = p->arena + p->arena_used;
  size_t len;
  if (p->dlt == DLT_EN10MB) {
    memcpy(dst, bytes, caplen);
    len = caplen;
  } else {
    len = sll_to_eth(dst, bytes, caplen, p->dlt);
    if (len == 0) {
      p->st.rx_errors++;
      return;
    }
  }
  /* A frame captured truncated (caplen < len) is delivered truncated. */
  vl2_frame *f = &p->cur[p->cur_n++];
  memset(f, 0, sizeof(*f));
  f->data = dst;
  f->len = (uint32_t)len;
  f->port = p->be->port;
  /* Opened with nanosecond precision: tv_usec holds nanoseconds. */
  f->rx_ts = (vl2_tstamp)h->ts.tv_sec * 1000000000u + (vl2_tstamp)h->ts.tv_usec;
  p->arena_used += (len + 63u) & ~(size_t)63u;
  p->st.rx_frames++;
  p->st.rx_bytes += len;
}

static bool iface_gone(const pcap_priv *p) {
  return p->live && if_nametoindex(p->iface) == 0;
}

static vl2_ssize pcap_rx_burst(vl2_backend *be, vl2_frame *frames, size_t n,
                               vl2_tstamp now) {
  pcap_priv *p = be->priv;
  p->last_now = now;
  if (p->p == NULL)
    return 0;
  if (p->at_eof)
    return p->eof_idle ? 0
                       : vl2_be_err(be, VL2_ERR_CLOSED, "pcap: end of file");
  p->arena_used = 0;
  p->cur = frames;
  p->cur_n = 0;
  size_t slot = ((size_t)p->snap + 14 + 63u) & ~(size_t)63u;
  while (p->cur_n < n) {
    size_t room = (p->arena_cap - p->arena_used) / slot;
    if (room == 0)
      break;
    size_t want = n - p->cur_n;
    if (want > room)
      want = room;
    if (want > 0x7fffffff)
      want = 0x7fffffff;
    int rv = pcap_dispatch(p->p, (int)want, on_packet, (u_char *)p);
    if (rv == 0) {
      if (!p->live) {
        p->at_eof = true;
        if (p->cur_n == 0 && !p->eof_idle)
          return vl2_be_err(be, VL2_ERR_CLOSED, "pcap: end of file");
      }
      break;
    }
    if (rv < 0) {
      if (p->cur_n > 0)
        break; /* report what we have; the error comes back next time */
      if (rv == PCAP_ERROR_IFACE_NOT_UP || iface_gone(p))
        return vl2_be_err(be, VL2_ERR_CLOSED, "pcap: %.40s: %.100s", p->iface,
                          pcap_geterr(p->p));
      p->st.rx_errors++;
      return vl2_be_err(be, -EIO, "pcap: read: %.120s", pcap_geterr(p->p));
    }
    if (p->live && (size_t)rv < want)
      break; /* drained what was waiting */
  }
  return (vl2_ssize)p->cur_n;
}

static vl2_ssize pcap_tx_burst(vl2_backend *be, const vl2_frame *frames,
                               size_t n) {
  pcap_priv *p = be->priv;
  size_t i;
  if (!p->live) {
    if (p->out == NULL)
      return vl2_be_err(be, VL2_ERR_UNSUPPORTED,
                        "pcap: no out= file to transmit to");
    for (i = 0; i < n; i++) {
      uint64_t ts = p->tx_ts_now ? p->last_now : vl2_pcap_realtime_ns();
      int rv = vl2_pcap_writer_write(p->out, frames[i].data, frames[i].len, ts);
      if (rv < 0) {
        p->st.tx_errors++;
        if (i > 0)
          break;
        return vl2_be_errno(be, -rv, "pcap: write out file");
      }
      p->st.tx_frames++;
      p->st.tx_bytes += frames[i].len;
    }
    return (vl2_ssize)i;
  }
  for (i = 0; i < n; i++) {
    if (pcap_inject(p->p, frames[i].data, frames[i].len) < 0) {
      int e = errno;
      if (e == EAGAIN || e == EWOULDBLOCK || e == ENOBUFS)
        break;
      if (e == ENXIO || e == ENODEV || e == ENETDOWN || iface_gone(p)) {
        if (i > 0)
          break;
        return vl2_be_err(be, VL2_ERR_CLOSED, "pcap: %.40s: %.100s", p->iface,
                          pcap_geterr(p->p));
      }
      if (e == EMSGSIZE || e == EINVAL) {
        p->st.tx_dropped++; /* this frame can never go: consume it */
        continue;
      }
      p->st.tx_errors++;
      if (i > 0)
        break;
      return vl2_be_err(be, e > 0 && e < 200 ? -e : -EIO,
                        "pcap: inject: %.120s", pcap_geterr(p->p));
    }
    p->st.tx_frames++;
    p->st.tx_bytes += frames[i].len;
  }
  return (vl2_ssize)i;
}

static int pcap_get_fd(const vl2_backend *be) {
  const pcap_priv *p = be->priv;
  return p->p != NULL && p->live ? pcap_get_selectable_fd(p->p) : -1;
}

static int pcap_get_stats(const vl2_backend *be, vl2_backend_stats *st) {
  const pcap_priv *p = be->priv;
  *st = p->st;
  if (p->live) {
    struct pcap_stat ps;
    if (pcap_stats(p->p, &ps) == 0)
      st->rx_dropped += (uint64_t)ps.ps_drop + ps.ps_ifdrop;
  }
  return 0;
}

static void pcap_close_be(vl2_backend *be) {
  pcap_priv *p = be->priv;
  if (p == NULL)
    return;
  if (p->p != NULL)
    pcap_close(p->p);
  vl2_pcap_writer_close(p->out);
  vl2_be_free(be, p->arena);
  vl2_be_free(be, p);
  be->priv = NULL;
}

static int set_filter(vl2_backend *be, pcap_priv *p, const char *filter) {
  struct bpf_program prog;
  if (pcap_compile(p->p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0)
    return vl2_be_err(be, VL2_ERR_INVALID, "pcap: filter '%.40s': %.80s",
                      filter, pcap_geterr(p->p));
  int rv = pcap_setfilter(p->p, &prog);
  pcap_freecode(&prog);
  if (rv != 0)
    return vl2_be_err(be, -EINVAL, "pcap: setfilter: %.100s",
                      pcap_geterr(p->p));
  return 0;
}

static int live_err(vl2_backend *be, pcap_priv *p, int rv, const char *what) {
  const char *msg = pcap_geterr(p->p);
  const char *code = pcap_statustostr(rv);
  int err = rv == PCAP_ERROR_NO_SUCH_DEVICE        ? -ENODEV
            : rv == PCAP_ERROR_PERM_DENIED         ? -EPERM
            : rv == PCAP_ERROR_IFACE_NOT_UP        ? -ENETDOWN
            : rv == PCAP_ERROR_PROMISC_PERM_DENIED ? -EPERM
                                                   : -EIO;
  return vl2_be_err(be, err, "pcap: %s %.30s: %.50s%s%.60s", what, p->iface,
                    code, msg[0] != '\0' ? ": " : "", msg);
}

typedef struct pcap_args {
  char iface[IF_NAMESIZE];
  char file[VL2_ARGS_VAL_MAX];
  char out[VL2_ARGS_VAL_MAX];
  char filter[VL2_ARGS_VAL_MAX];
  bool promisc, eof_idle, sll_reject, nsec, tx_ts_now, dir_in;
  uint32_t snaplen, buffer;
} pcap_args;

static int parse_args(vl2_backend *be, const char *args, pcap_args *a) {
  vl2_args it;
  char key[VL2_ARGS_KEY_MAX], val[VL2_ARGS_VAL_MAX];
  int rv;
  memset(a, 0, sizeof(*a));
  a->promisc = true;
  a->dir_in = true;
  vl2_args_init(&it, args);
  while ((rv = vl2_args_next(&it, key, sizeof(key), val, sizeof(val))) > 0) {
    if (strcmp(key, "iface") == 0)
      rv = vl2_args_str(be, key, val, a->iface, sizeof(a->iface));
    else if (strcmp(key, "file") == 0)
      rv = vl2_args_str(be, key, val, a->file, sizeof(a->file));
    else if (strcmp(key, "out") == 0)
      rv = vl2_args_str(be, key, val, a->out, sizeof(a->out));
    else if (strcmp(key, "filter") == 0)
      rv = vl2_args_str(be, key, val, a->filter, sizeof(a->filter));
    else if (strcmp(key, "promisc") == 0)
      rv = vl2_args_bool(be, key, val, &a->promisc);
    else if (strcmp(key, "nsec") == 0)
      rv = vl2_args_bool(be, key, val, &a->nsec);
    else if (strcmp(key, "snaplen") == 0)
      rv = vl2_args_u32(be, key, val, 64, VL2_PCAP_MAX_SNAPLEN, &a->snaplen);
    else if (strcmp(key, "buffer") == 0)
      rv = vl2_args_u32(be, key, val, 4096, 1u << 30, &a->buffer);
    else if (strcmp(key, "eof") == 0 &&
             (strcmp(val, "close") == 0 || strcmp(val, "idle") == 0))
      a->eof_idle = strcmp(val, "idle") == 0;
    else if (strcmp(key, "sll") == 0 &&
             (strcmp(val, "convert") == 0 || strcmp(val, "reject") == 0))
      a->sll_reject = strcmp(val, "reject") == 0;
    else if (strcmp(key, "direction") == 0 &&
             (strcmp(val, "in") == 0 || strcmp(val, "inout") == 0))
      a->dir_in = strcmp(val, "in") == 0;
    else if (strcmp(key, "tx_ts") == 0 &&
             (strcmp(val, "clock") == 0 || strcmp(val, "now") == 0))
      a->tx_ts_now = strcmp(val, "now") == 0;
    else if (strcmp(key, "eof") == 0 || strcmp(key, "sll") == 0 ||
             strcmp(key, "direction") == 0 || strcmp(key, "tx_ts") == 0)
      rv = vl2_be_err(be, VL2_ERR_INVALID, "pcap: bad value %.40s=%.40s", key,
                      val);
    else
      rv = vl2_args_unknown(be, key);
    if (rv < 0)
      return rv;
  }
  if (rv < 0)
    return vl2_be_err(be, rv, "pcap: malformed argument string");
  if (a->iface[0] != '\0' && (a->file[0] != '\0' || a->out[0] != '\0'))
    return vl2_be_err(be, VL2_ERR_INVALID,
                      "pcap: iface= excludes file= and out=");
  if (a->iface[0] == '\0' && a->file[0] == '\0' && a->out[0] == '\0')
    return vl2_be_err(be, VL2_ERR_INVALID,
                      "pcap: one of iface=, file= or out= is required");
  return 0;
}

static int open_live(vl2_backend *be, pcap_priv *p, const pcap_args *a) {
  char eb[PCAP_ERRBUF_SIZE] = "";
  memcpy(p->iface, a->iface, sizeof(p->iface));
  p->live = true;
  p->p = pcap_create(a->iface, eb);
  if (p->p == NULL)
    return vl2_be_err(be, -EIO, "pcap: create %.30s: %.100s", a->iface, eb);
  /* libpcap's ring holds buffer / snaplen frames: a 64 KiB snaplen would
   * leave room for 32 frames in its 2 MiB default. Default to the MTU. */
  uint32_t snap = a->snaplen;
  if (snap == 0) {
    snap = 1518;
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s >= 0) {
      struct ifreq ifr;
      memset(&ifr, 0, sizeof(ifr));
      memcpy(ifr.ifr_name, a->iface, strnlen(a->iface, IF_NAMESIZE - 1));
      if (ioctl(s, SIOCGIFMTU, &ifr) == 0 && ifr.ifr_mtu > 0 &&
          (uint32_t)ifr.ifr_mtu + 22 > snap)
        snap = (uint32_t)ifr.ifr_mtu + 22;
      close(s);
    }
    if (snap > VL2_PCAP_MAX_SNAPLEN)
      snap = VL2_PCAP_MAX_SNAPLEN;
  }
  pcap_set_snaplen(p->p, (int)snap);
  pcap_set_promisc(p->p, a->promisc ? 1 : 0);
  pcap_set_immediate_mode(p->p, 1);
  pcap_set_timeout(p->p, 1);
  pcap_set_tstamp_precision(p->p, PCAP_TSTAMP_PRECISION_NANO);
  pcap_set_buffer_size(p->p, (int)(a->buffer != 0 ? a->buffer : 8u << 20));
  int rv = pcap_activate(p->p);
  if (rv < 0)
    return live_err(be, p, rv, "activate");
  if (pcap_get_tstamp_precision(p->p) != PCAP_TSTAMP_PRECISION_NANO)
    return vl2_be_err(be, VL2_ERR_UNSUPPORTED,
                      "pcap: %.30s: no nanosecond timestamps", a->iface);
  p->dlt = pcap_datalink(p->p);
  if (p->dlt != DLT_EN10MB)
    return vl2_be_err(be, VL2_ERR_UNSUPPORTED,
                      "pcap: %.30s: link type %.30s is not Ethernet", a->iface,
                      pcap_datalink_val_to_name(p->dlt));
  if (a->dir_in && pcap_setdirection(p->p, PCAP_D_IN) != 0)
    return vl2_be_err(be, -EINVAL, "pcap: setdirection: %.100s",
                      pcap_geterr(p->p));
  if (pcap_setnonblock(p->p, 1, eb) != 0)
    return vl2_be_err(be, -EIO, "pcap: setnonblock: %.100s", eb);
  p->snap = snap;
  return 0;
}

static int open_file(vl2_backend *be, pcap_priv *p, const pcap_args *a) {
  char eb[PCAP_ERRBUF_SIZE] = "";
  errno = 0;
  p->p = pcap_open_offline_with_tstamp_precision(
      a->file, PCAP_TSTAMP_PRECISION_NANO, eb);
  if (p->p == NULL) {
    int e = errno;
    return vl2_be_err(be, e == ENOENT || e == EACCES ? -e : VL2_ERR_MALFORMED,
                      "pcap: %.60s: %.90s", a->file, eb);
  }
  p->dlt = pcap_datalink(p->p);
  if (p->dlt != DLT_EN10MB && p->dlt != DLT_LINUX_SLL &&
      p->dlt != DLT_LINUX_SLL2)
    return vl2_be_err(be, VL2_ERR_UNSUPPORTED,
                      "pcap: %.60s: link type %d (%.20s) not supported; "
                      "only EN10MB, LINUX_SLL and LINUX_SLL2",
                      a->file, p->dlt, pcap_datalink_val_to_name(p->dlt));
  if (p->dlt != DLT_EN10MB && a->sll_reject)
    return vl2_be_err(be, VL2_ERR_UNSUPPORTED,
                      "pcap: %.60s: Linux cooked capture (%.20s) and "
                      "sll=reject",
                      a->file, pcap_datalink_val_to_name(p->dlt));
  int snap = pcap_snapshot(p->p);
  p->snap = snap <= 0 || (uint32_t)snap > VL2_PCAP_MAX_SNAPLEN
                ? VL2_PCAP_MAX_SNAPLEN
                : (uint32_t)snap;
  if (p->snap < 64)
    p->snap = 64;
  return 0;
}

static int pcap_open_be(vl2_backend *be, const char *args) {
  pcap_args a;
  int rv = parse_args(be, args, &a);
  if (rv < 0)
    return rv;
  pcap_priv *p = vl2_be_calloc(be, 1, sizeof(*p));
  if (p == NULL)
    return vl2_be_err(be, VL2_ERR_NOMEM, "pcap: out of memory");
  be->priv = p;
  p->be = be;
  p->dlt = -1;
  p->eof_idle = a.eof_idle;
  p->tx_ts_now = a.tx_ts_now;
  if (a.iface[0] != '\0')
    rv = open_live(be, p, &a);
  else if (a.file[0] != '\0')
    rv = open_file(be, p, &a);
  if (rv == 0 && p->p != NULL && a.filter[0] != '\0')
    rv = set_filter(be, p, a.filter);
  if (rv == 0 && a.out[0] != '\0') {
    rv = vl2_pcap_writer_open(&p->out, a.out, 0,
                              a.nsec ? VL2_PCAP_WRITER_NSEC : 0, &be->mem);
    if (rv < 0)
      rv = rv > -200 ? vl2_be_errno(be, -rv, "pcap: create %.100s", a.out)
                     : vl2_be_err(be, rv, "pcap: create %.100s", a.out);
  }
  if (rv == 0 && p->p != NULL) {
    size_t slot = ((size_t)p->snap + 14 + 63u) & ~(size_t)63u;
    p->arena_cap = slot * 64 > ARENA_MIN ? slot * 64 : ARENA_MIN;
    p->arena = vl2_be_calloc(be, 1, p->arena_cap);
    if (p->arena == NULL)
      rv = vl2_be_err(be, VL2_ERR_NOMEM, "pcap: out of memory");
  }
  if (rv < 0) {
    char msg[sizeof(be->errmsg)];
    memcpy(msg, be->errmsg, sizeof(msg));
    pcap_close_be(be);
    memcpy(be->errmsg, msg, sizeof(msg));
    return rv;
  }
  return 0;
}

const vl2_backend_ops vl2_pcap_ops = {
    .abi_version = VL2_BACKEND_OPS_VERSION,
    .name = "pcap",
    .rx_burst = pcap_rx_burst,
    .tx_burst = pcap_tx_burst,
    .open = pcap_open_be,
    .close = pcap_close_be,
    .get_fd = pcap_get_fd,
    .get_stats = pcap_get_stats,
};

int vl2_pcap_datalink(const vl2_backend *be) {
  if (be == NULL || be->ops != &vl2_pcap_ops || be->priv == NULL)
    return VL2_ERR_INVALID;
  const pcap_priv *p = be->priv;
  return p->dlt;
}
