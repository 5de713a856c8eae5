/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * The TAP backend: /dev/net/tun with IFF_TAP | IFF_NO_PI, optional
 * IFF_MULTI_QUEUE and IFF_VNET_HDR; link set-up through libnl-route-3.
 *
 * Where it fits: an I/O backend. Receive slots are allocated at open; a
 * burst's frames stay in their slots until the next rx_burst.
 */
#include <vl2/tap.h>
#include <vl2/backend_ops.h>
#include <vl2/egress.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <net/if.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

#include "vl2_args.h"
#include "vl2_be_wrap.h"
#include "vl2_stats.h"

#define MAX_QUEUES 16
#define VNET_HDR_LEN ((uint32_t)sizeof(struct virtio_net_hdr))
/* A GSO super-frame: 64 KiB of IP packet plus Ethernet and 802.1Q. */
#define OFFLOAD_FRAME_MAX (65535u + 22u)
#define RX_BYTE_BUDGET (128u * 1024u)

_Static_assert(sizeof(struct virtio_net_hdr) == VL2_VNET_HDR_LEN,
               "VL2_FRAME_F_VNET_HDR announces a 10-byte virtio_net_hdr");

typedef struct tap_priv {
  int fd[MAX_QUEUES];
  uint32_t nq;
  uint32_t rr; /* next queue rx_burst starts with */
  int epfd;    /* with nq > 1 */
  bool vnet;
  bool offload; /* offload=1: header carried, GSO accepted */
  uint32_t hdr; /* VNET_HDR_LEN or 0 */
  uint32_t frame_max;
  uint32_t slot_len; /* hdr + frame_max + 1 */
  uint32_t nslots;
  uint8_t *slots;
  vl2_tap_offload *off; /* per slot */
  size_t last_n;
  int ifindex;
  char name[IF_NAMESIZE];
  vl2_backend_stats st;
  vl2_tap_offload_stats ost;
} tap_priv;

typedef struct tap_args {
  char name[IF_NAMESIZE];
  int mode;    /* 0 any, 1 create, 2 attach */
  int persist; /* -1 unset */
  bool up, vnet, vnet_set, csum, csum_set, mac_set, offload;
  uint32_t mtu, queues, burst, frame_max;
  vl2_mac mac;
} tap_args;

/* --- helpers ---------------------------------------------------------- */

static bool gone_errno(int e) {
  return e == EBADFD || e == ENXIO || e == ENODEV || e == EPIPE ||
         e == ENETDOWN;
}

static int nl_to_err(int nlerr) {
  switch (nlerr < 0 ? -nlerr : nlerr) {
  case NLE_PERM:
    return -EPERM;
  case NLE_NODEV:
  case NLE_OBJ_NOTFOUND:
    return -ENODEV;
  case NLE_BUSY:
    return -EBUSY;
  case NLE_INVAL:
  case NLE_RANGE:
    return -EINVAL;
  case NLE_NOMEM:
    return VL2_ERR_NOMEM;
  case NLE_OPNOTSUPP:
    return -EOPNOTSUPP;
  case NLE_NOACCESS:
    return -EACCES;
  default:
    return -EIO;
  }
}

/* --- data path ---------------------------------------------------------- */

static vl2_ssize tap_rx_burst(vl2_backend *be, vl2_frame *frames, size_t n,
                              vl2_tstamp now) {
  tap_priv *p = be->priv;
  size_t k = 0;
  uint32_t idle = 0; /* consecutive queues found empty */
  uint32_t q = p->rr;
  size_t bytes = 0;
  if (n > p->nslots)
    n = p->nslots;
  p->last_n = 0;
  while (k < n && idle < p->nq) {
    uint8_t *slot = p->slots + (size_t)k * p->slot_len;
    ssize_t r = read(p->fd[q], slot, p->slot_len);
    if (r < 0) {
      int e = errno;
      if (e == EINTR)
        continue;
      if (e == EAGAIN || e == EWOULDBLOCK) {
        idle++;
        q = (q + 1) % p->nq;
        continue;
      }
      if (k > 0)
        break;
      p->st.rx_errors++;
      if (gone_errno(e))
        return vl2_be_err(be, VL2_ERR_CLOSED, "tap: %s: interface gone (%s)",
                          p->name, strerror(e));
      return vl2_be_errno(be, e, "tap: read %s", p->name);
    }
    idle = 0;
    if (p->nq > 1)
      q = (q + 1) % p->nq; /* fairness: one frame per queue per turn */
    if ((size_t)r < p->hdr + 14 || (size_t)r >= p->slot_len) {
      p->st.rx_dropped++; /* runt, or too long for a slot (truncated) */
      continue;
    }
    vl2_tap_offload *o = &p->off[k];
    memset(o, 0, sizeof(*o));
    uint8_t *data = slot + p->hdr;
    size_t len = (size_t)r - p->hdr;
    uint32_t fflags = 0;
    if (p->offload) {
      /* Pass-through: the header stays in front of the frame. */
      struct virtio_net_hdr vh;
      memcpy(&vh, slot, sizeof(vh));
      o->flags = vh.flags;
      o->gso_type = vh.gso_type;
      o->hdr_len = vh.hdr_len;
      o->gso_size = vh.gso_size;
      o->csum_start = vh.csum_start;
      o->csum_offset = vh.csum_offset;
      fflags = VL2_FRAME_F_VNET_HDR;
      if (vh.gso_type != VIRTIO_NET_HDR_GSO_NONE)
        p->ost.rx_gso_frames++;
      else if (vh.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)
        p->ost.rx_csum_partial++;
    } else if (p->vnet) {
      struct virtio_net_hdr vh;
      memcpy(&vh, slot, sizeof(vh));
      o->flags = vh.flags;
      o->gso_type = vh.gso_type;
      o->hdr_len = vh.hdr_len;
      o->gso_size = vh.gso_size;
      o->csum_start = vh.csum_start;
      o->csum_offset = vh.csum_offset;
      if (vh.gso_type != VIRTIO_NET_HDR_GSO_NONE) {
        p->st.rx_dropped++; /* GSO is never enabled; refuse it */
        continue;
      }
      if ((vh.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
          vl2_csum_complete(data, len, vh.csum_start, vh.csum_offset) != 0) {
        p->st.rx_errors++;
        continue;
      }
    }
    vl2_frame *f = &frames[k];
    memset(f, 0, sizeof(*f));
    f->data = data;
    f->len = (uint32_t)len;
    f->port = be->port;
    f->rx_ts = now;
    f->flags = fflags;
    p->st.rx_frames++;
    p->st.rx_bytes += len;
    k++;
    /* Super-frames: end the burst after ~128 KiB, so the frames are
     * still in cache when the caller writes them out. */
    if (p->offload && (bytes += len) >= RX_BYTE_BUDGET)
      break;
  }
  p->rr = q;
  p->last_n = k;
  return (vl2_ssize)k;
}

static uint32_t pick_queue(const tap_priv *p, const vl2_frame *f) {
  if (p->nq == 1 || f->len < 12)
    return 0;
  uint32_t h = 2166136261u; /* FNV-1a over both MACs */
  for (int i = 0; i < 12; i++)
    h = (h ^ f->data[i]) * 16777619u;
  return h % p->nq;
}

static vl2_ssize tap_tx_burst(vl2_backend *be, const vl2_frame *frames,
                              size_t n) {
  tap_priv *p = be->priv;
  static const struct virtio_net_hdr zero_hdr;
  size_t i;
  for (i = 0; i < n; i++) {
    const vl2_frame *f = &frames[i];
    struct iovec iov[2];
    int cnt = 0;
    if (f->flags & VL2_FRAME_F_VNET_HDR) {
      const uint8_t *h = f->data - VNET_HDR_LEN;
      if (p->offload) { /* the header is in front: one buffer */
        iov[cnt].iov_base = (void *)(uintptr_t)h;
        iov[cnt++].iov_len = VNET_HDR_LEN + f->len;
        if (h[1] != VIRTIO_NET_HDR_GSO_NONE) /* gso_type */
          p->ost.tx_gso_frames++;
        goto send;
      }
      if (h[0] & VIRTIO_NET_HDR_F_NEEDS_CSUM ||
          h[1] != VIRTIO_NET_HDR_GSO_NONE) {
        p->st.tx_dropped++; /* unfinished; this TAP cannot finish it */
        p->ost.tx_refused++;
        continue;
      }
    }
    if (p->vnet) {
      iov[cnt].iov_base = (void *)(uintptr_t)&zero_hdr;
      iov[cnt++].iov_len = sizeof(zero_hdr);
    }
    iov[cnt].iov_base = (void *)(uintptr_t)f->data;
    iov[cnt++].iov_len = f->len;
  send:;
    ssize_t r = writev(p->fd[pick_queue(p, f)], iov, cnt);
    if (r < 0) {
      int e = errno;
      if (e == EINTR) {
        i--;
        continue;
      }
      if (e == EAGAIN || e == EWOULDBLOCK || e == ENOBUFS)
        break;
      if (e == EINVAL || e == EMSGSIZE) {
        p->st.tx_dropped++; /* this frame can never go: consume it */
        continue;
      }
      if (e == EIO) {
        /* The TAP's link is down (or it is being moved to another
         * namespace): the kernel takes nothing now. Drop and count, like
         * a NIC with no carrier; the device is still there. */
        p->st.tx_dropped++;
        continue;
      }
      p->st.tx_errors++;
      if (i > 0)
        break;
      if (gone_errno(e))
        return vl2_be_err(be, VL2_ERR_CLOSED, "tap: %s: interface gone (%s)",
                          p->name, strerror(e));
      return vl2_be_errno(be, e, "tap: write %s", p->name);
    }
    p->st.tx_frames++;
    p->st.tx_bytes += f->len;
  }
  return (vl2_ssize)i;
}

static int tap_get_fd(const vl2_backend *be) {
  const tap_priv *p = be->priv;
  return p->nq > 1 ? p->epfd : p->fd[0];
}

static int tap_get_stats(const vl2_backend *be, vl2_backend_stats *st) {
  const tap_priv *p = be->priv;
  *st = p->st;
  return 0;
}

/* --- open / close ------------------------------------------------------- */

static void tap_close(vl2_backend *be) {
  tap_priv *p = be->priv;
  if (p == NULL)
    return;
  for (uint32_t q = 0; q < MAX_QUEUES; q++)
    if (p->fd[q] >= 0)
      close(p->fd[q]);
  if (p->epfd >= 0)
    close(p->epfd);
  vl2_be_free(be, p->slots);
  vl2_be_free(be, p->off);
  vl2_be_free(be, p);
  be->priv = NULL;
}

static int parse_args(vl2_backend *be, const char *args, tap_args *a) {
  vl2_args it;
  char key[VL2_ARGS_KEY_MAX], val[VL2_ARGS_VAL_MAX];
  int rv;
  bool b = false;
  memset(a, 0, sizeof(*a));
  a->persist = -1;
  a->up = true;
  a->queues = 1;
  a->burst = 64;
  vl2_args_init(&it, args);
  while ((rv = vl2_args_next(&it, key, sizeof(key), val, sizeof(val))) > 0) {
    if (strcmp(key, "name") == 0)
      rv = vl2_args_str(be, key, val, a->name, sizeof(a->name));
    else if (strcmp(key, "mode") == 0) {
      if (strcmp(val, "any") == 0)
        a->mode = 0;
      else if (strcmp(val, "create") == 0)
        a->mode = 1;
      else if (strcmp(val, "attach") == 0)
        a->mode = 2;
      else
        rv = vl2_be_err(be, VL2_ERR_INVALID,
                        "tap: mode=%.40s: expected any, create or attach", val);
    } else if (strcmp(key, "persist") == 0) {
      rv = vl2_args_bool(be, key, val, &b);
      a->persist = b;
    } else if (strcmp(key, "up") == 0)
      rv = vl2_args_bool(be, key, val, &a->up);
    else if (strcmp(key, "vnet_hdr") == 0) {
      rv = vl2_args_bool(be, key, val, &a->vnet);
      a->vnet_set = true;
    } else if (strcmp(key, "offload") == 0)
      rv = vl2_args_bool(be, key, val, &a->offload);
    else if (strcmp(key, "csum") == 0) {
      rv = vl2_args_bool(be, key, val, &a->csum);
      a->csum_set = true;
    } else if (strcmp(key, "mtu") == 0)
      rv = vl2_args_u32(be, key, val, 68, 65535, &a->mtu);
    else if (strcmp(key, "queues") == 0)
      rv = vl2_args_u32(be, key, val, 1, MAX_QUEUES, &a->queues);
    else if (strcmp(key, "burst") == 0)
      rv = vl2_args_u32(be, key, val, 1, 1024, &a->burst);
    else if (strcmp(key, "frame_max") == 0)
      rv = vl2_args_u32(be, key, val, 60, 65535 + 22, &a->frame_max);
    else if (strcmp(key, "mac") == 0) {
      rv = vl2_args_mac(be, key, val, &a->mac);
      a->mac_set = true;
    } else
      rv = vl2_args_unknown(be, key);
    if (rv < 0)
      return rv;
  }
  if (rv < 0)
    return vl2_be_err(be, rv, "tap: malformed argument string");
  if (a->offload) {
    if ((a->vnet_set && !a->vnet) || (a->csum_set && !a->csum))
      return vl2_be_err(be, VL2_ERR_INVALID,
                        "tap: offload=1 needs vnet_hdr and csum");
    a->vnet = a->csum = true;
  }
  if (!a->csum_set)
    a->csum = a->vnet;
  if (a->csum && !a->vnet)
    return vl2_be_err(be, VL2_ERR_INVALID, "tap: csum=1 needs vnet_hdr=1");
  if (a->mode == 2 && a->name[0] == '\0')
    return vl2_be_err(be, VL2_ERR_INVALID, "tap: mode=attach needs name=");
  return 0;
}

static int open_queue(vl2_backend *be, tap_priv *p, const tap_args *a,
                      uint32_t q) {
  int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    return vl2_be_errno(be, errno, "tap: open /dev/net/tun");
  p->fd[q] = fd;
  struct ifreq ifr;
  memset(&ifr, 0, sizeof(ifr));
  ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
  if (a->vnet)
    ifr.ifr_flags |= IFF_VNET_HDR;
  if (a->queues > 1)
    ifr.ifr_flags |= IFF_MULTI_QUEUE;
  if (a->mode == 1 && q == 0)
    ifr.ifr_flags |= IFF_TUN_EXCL;
  /* Queues after the first attach to the interface the first created. */
  const char *name = q == 0 ? a->name : p->name;
  memcpy(ifr.ifr_name, name, strnlen(name, IF_NAMESIZE - 1));
  if (ioctl(fd, TUNSETIFF, &ifr) < 0)
    return vl2_be_errno(be, errno, "tap: TUNSETIFF %s",
                        name[0] ? name : "(new)");
  if (q == 0)
    memcpy(p->name, ifr.ifr_name, IF_NAMESIZE);
  if (a->vnet) {
    int sz = (int)VNET_HDR_LEN;
    if (ioctl(fd, TUNSETVNETHDRSZ, &sz) < 0)
      return vl2_be_errno(be, errno, "tap: TUNSETVNETHDRSZ %s", p->name);
    unsigned off = a->csum ? TUN_F_CSUM : 0;
    if (a->offload)
      off |= TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN;
    if (ioctl(fd, TUNSETOFFLOAD, off) < 0)
      return vl2_be_errno(be, errno, "tap: TUNSETOFFLOAD %s", p->name);
  }
  return 0;
}

/* Bring up, set MTU and MAC; read ifindex and MTU back. */
static int configure_link(vl2_backend *be, tap_priv *p, const tap_args *a,
                          uint32_t *mtu) {
  struct nl_sock *sk = nl_socket_alloc();
  struct rtnl_link *link = NULL, *change = NULL;
  struct nl_addr *addr = NULL;
  int rv = 0, err;
  if (sk == NULL)
    return vl2_be_err(be, VL2_ERR_NOMEM, "tap: nl_socket_alloc failed");
  if ((err = nl_connect(sk, NETLINK_ROUTE)) < 0) {
    rv = vl2_be_err(be, nl_to_err(err), "tap: netlink connect: %s",
                    nl_geterror(err));
    goto out;
  }
  if ((err = rtnl_link_get_kernel(sk, 0, p->name, &link)) < 0) {
    rv = vl2_be_err(be, nl_to_err(err), "tap: get link %s: %s", p->name,
                    nl_geterror(err));
    goto out;
  }
  if (a->up || a->mtu != 0 || a->mac_set) {
    change = rtnl_link_alloc();
    if (change == NULL) {
      rv = vl2_be_err(be, VL2_ERR_NOMEM, "tap: out of memory");
      goto out;
    }
    if (a->mtu != 0)
      rtnl_link_set_mtu(change, a->mtu);
    if (a->mac_set) {
      addr = nl_addr_build(AF_LLC, a->mac.b, 6);
      if (addr == NULL) {
        rv = vl2_be_err(be, VL2_ERR_NOMEM, "tap: out of memory");
        goto out;
      }
      rtnl_link_set_addr(change, addr);
    }
    if (a->up)
      rtnl_link_set_flags(change, IFF_UP);
    if ((err = rtnl_link_change(sk, link, change, 0)) < 0) {
      rv = vl2_be_err(be, nl_to_err(err), "tap: configure %s: %s", p->name,
                      nl_geterror(err));
      goto out;
    }
  }
  p->ifindex = rtnl_link_get_ifindex(link);
  *mtu = a->mtu != 0 ? a->mtu : rtnl_link_get_mtu(link);
out:
  nl_addr_put(addr);
  rtnl_link_put(change);
  rtnl_link_put(link);
  nl_socket_free(sk);
  return rv;
}

static int tap_open(vl2_backend *be, const char *args) {
  tap_args a;
  int rv = parse_args(be, args, &a);
  if (rv < 0)
    return rv;
  if (a.mode == 2 && if_nametoindex(a.name) == 0)
    return vl2_be_errno(be, ENODEV, "tap: attach %s", a.name);
  tap_priv *p = vl2_be_calloc(be, 1, sizeof(*p));
  if (p == NULL)
    return vl2_be_err(be, VL2_ERR_NOMEM, "tap: out of memory");
  be->priv = p;
  for (uint32_t q = 0; q < MAX_QUEUES; q++)
    p->fd[q] = -1;
  p->epfd = -1;
  p->nq = a.queues;
  p->vnet = a.vnet;
  p->offload = a.offload;
  p->hdr = a.vnet ? VNET_HDR_LEN : 0;
  for (uint32_t q = 0; q < a.queues && rv == 0; q++)
    rv = open_queue(be, p, &a, q);
  uint32_t mtu = 0;
  if (rv == 0)
    rv = configure_link(be, p, &a, &mtu);
  if (rv == 0 && a.persist >= 0 &&
      ioctl(p->fd[0], TUNSETPERSIST, (unsigned long)a.persist) < 0)
    rv = vl2_be_errno(be, errno, "tap: TUNSETPERSIST %s", p->name);
  if (rv == 0 && p->nq > 1) {
    p->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (p->epfd < 0)
      rv = vl2_be_errno(be, errno, "tap: epoll_create1");
    for (uint32_t q = 0; q < p->nq && rv == 0; q++) {
      struct epoll_event ev = {.events = EPOLLIN, .data.u32 = q};
      if (epoll_ctl(p->epfd, EPOLL_CTL_ADD, p->fd[q], &ev) < 0)
        rv = vl2_be_errno(be, errno, "tap: epoll_ctl");
    }
  }
  if (rv == 0) {
    p->frame_max = a.frame_max != 0  ? a.frame_max
                   : a.offload       ? OFFLOAD_FRAME_MAX
                   : mtu + 22 > 1522 ? mtu + 22
                                     : 1522;
    p->slot_len = p->hdr + p->frame_max + 1;
    p->nslots = a.burst;
    p->slots = vl2_be_calloc(be, p->nslots, p->slot_len);
    p->off = vl2_be_calloc(be, p->nslots, sizeof(*p->off));
    if (p->slots == NULL || p->off == NULL)
      rv = vl2_be_err(be, VL2_ERR_NOMEM, "tap: out of memory");
  }
  if (rv < 0) {
    char msg[sizeof(be->errmsg)];
    memcpy(msg, be->errmsg, sizeof(msg));
    tap_close(be);
    memcpy(be->errmsg, msg, sizeof(msg));
    return rv;
  }
  return 0;
}

const vl2_backend_ops vl2_tap_ops = {
    .abi_version = VL2_BACKEND_OPS_VERSION,
    .name = "tap",
    .rx_burst = tap_rx_burst,
    .tx_burst = tap_tx_burst,
    .open = tap_open,
    .close = tap_close,
    .get_fd = tap_get_fd,
    .get_stats = tap_get_stats,
};

static const tap_priv *get_priv(const vl2_backend *be) {
  if (be == NULL || be->ops != &vl2_tap_ops)
    return NULL;
  return be->priv;
}

int vl2_tap_get_offload_stats_versioned(const vl2_backend *be, size_t st_size,
                                        vl2_tap_offload_stats *st) {
  const tap_priv *p = get_priv(be);
  if (p == NULL || st == NULL || st_size == 0)
    return VL2_ERR_INVALID;
  vl2_stats_copy(st, st_size, &p->ost, sizeof(p->ost));
  return 0;
}

/* The 0.1 symbol, now a macro over the _versioned form, stays exported
 * for programs linked against 0.1 (as lib/vl2_compat.c does for the
 * core); the name in parentheses is not expanded by the macro. */
int(vl2_tap_get_offload_stats)(const vl2_backend *be,
                               vl2_tap_offload_stats *st) {
  return vl2_tap_get_offload_stats_versioned(be, sizeof(*st), st);
}

int vl2_tap_rx_offload(const vl2_backend *be, size_t i, vl2_tap_offload *off) {
  const tap_priv *p = get_priv(be);
  if (p == NULL || off == NULL || i >= p->last_n)
    return VL2_ERR_INVALID;
  *off = p->off[i];
  return 0;
}

const char *vl2_tap_ifname(const vl2_backend *be) {
  const tap_priv *p = get_priv(be);
  return p != NULL ? p->name : "";
}

int vl2_tap_ifindex(const vl2_backend *be) {
  const tap_priv *p = get_priv(be);
  return p != NULL ? p->ifindex : VL2_ERR_INVALID;
}

int vl2_tap_queue_fd(const vl2_backend *be, uint32_t q) {
  const tap_priv *p = get_priv(be);
  return p != NULL && q < p->nq ? p->fd[q] : VL2_ERR_INVALID;
}
