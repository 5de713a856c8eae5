/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * The AF_PACKET backend: a TPACKET_V3 receive ring and a TPACKET_V2
 * transmit ring on an existing interface.
 *
 * Two sockets: the receive socket (ETH_P_ALL, V3 ring, promiscuous
 * membership, PACKET_IGNORE_OUTGOING, optional fanout) and the transmit
 * socket (protocol 0, so it receives nothing, V2 ring). Keeping them apart
 * lets each use the ring version that suits it: V3's variable-size blocks
 * for receive, V2's fixed slots for transmit.
 *
 * Receive: frames are handed to the caller in place in the ring. A block
 * is returned to the kernel only at the next rx_burst, after every frame
 * in it has been handed out, which is what keeps ::vl2_frame data valid
 * until then. Frames are fixed up before the core sees them (see
 * af_packet.h): the VLAN tag the kernel moved into tp_vlan_tci is put back
 * (in place, in the ring's headroom before the MAC header), a partial
 * checksum is completed in place, and a GSO super-frame is cut into
 * segments in a per-instance scratch buffer.
 */
#include <vl2/af_packet.h>
#include <vl2/egress.h>

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vl2_args.h"

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif
#ifndef TP_STATUS_CSUM_VALID
#define TP_STATUS_CSUM_VALID (1 << 7)
#endif

/* Offset of the sockaddr_ll in a V3 frame, and where it ends. */
#define V3_SLL_OFF TPACKET_ALIGN(sizeof(struct tpacket3_hdr))
#define V3_SLL_END (V3_SLL_OFF + sizeof(struct sockaddr_ll))
/* Offset of the data in a V2 transmit slot (no PACKET_TX_HAS_OFF). */
#define V2_TX_DATA_OFF (TPACKET2_HDRLEN - sizeof(struct sockaddr_ll))
/* Room left before each frame in the scratch buffer for a tag. */
#define TAG_LEN 4u

typedef struct afp_cfg {
  char iface[IFNAMSIZ];
  bool promisc;
  bool vnet_hdr;
  bool qdisc_bypass;
  bool fanout_set;
  uint32_t block_size;
  uint32_t block_count;
  uint32_t frame_size;
  uint32_t tx_frames;
  uint32_t block_timeout_ms;
  uint32_t fanout;
  uint32_t fanout_mode;
  uint32_t scratch_size;
} afp_cfg;

typedef struct afp {
  int rx_fd;
  int tx_fd;
  int ifindex;
  bool dead;            /* the interface is gone: every call says CLOSED */
  bool link_down;       /* seen -ENETDOWN; check the interface when idle */
  bool ignore_outgoing; /* PACKET_IGNORE_OUTGOING took */
  bool vnet_hdr;
  char ifname[IFNAMSIZ];

  /* receive ring (V3) */
  uint8_t *rx_map;
  size_t rx_map_len;
  uint32_t block_size;
  uint32_t block_count;
  uint32_t blk;      /* the block being read */
  bool in_block;     /* blk is ours (TP_STATUS_USER) */
  uint32_t blk_left; /* packets of blk not yet taken */
  uint8_t *pkt;      /* next packet of blk */
  uint32_t rel_from; /* blocks read to the end, returned at next rx */
  uint32_t rel_cnt;
  /* a GSO packet cut across rx_burst calls */
  bool gso_pending;
  uint32_t gso_next;

  /* transmit ring (V2) */
  uint8_t *tx_map;
  size_t tx_map_len;
  uint32_t tx_frame_size;
  uint32_t tx_frames;
  uint32_t tx_head;

  /* frames rebuilt by the backend (segments, tag fallback) */
  uint8_t *scratch;
  size_t scratch_cap;
  size_t scratch_used;

  vl2_backend_stats st;
  uint64_t kernel_drops; /* PACKET_STATISTICS, accumulated (reads reset) */
} afp;

static afp *priv(const vl2_backend *be) { return (afp *)be->priv; }

/* --- arguments ----------------------------------------------------------*/

static int parse_fanout_mode(vl2_backend *be, const char *val, uint32_t *m) {
  static const struct {
    const char *name;
    uint32_t mode;
  } modes[] = {
      {"hash", PACKET_FANOUT_HASH}, {"lb", PACKET_FANOUT_LB},
      {"cpu", PACKET_FANOUT_CPU},   {"rollover", PACKET_FANOUT_ROLLOVER},
      {"rnd", PACKET_FANOUT_RND},   {"qm", PACKET_FANOUT_QM}};
  for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
    if (strcmp(val, modes[i].name) == 0) {
      *m = modes[i].mode;
      return 0;
    }
  }
  return vl2_be_err(be, VL2_ERR_INVALID,
                    "af_packet: fanout_mode=%.40s: expected hash, lb, cpu, "
                    "rollover, rnd or qm",
                    val);
}

static bool is_pow2(uint32_t x) { return x != 0 && (x & (x - 1)) == 0; }

static int parse_args(vl2_backend *be, const char *args, afp_cfg *c) {
  memset(c, 0, sizeof(*c));
  c->promisc = true;
  c->vnet_hdr = true;
  c->block_size = 1u << 18;
  c->block_count = 16;
  c->frame_size = 2048;
  c->tx_frames = 512;
  c->block_timeout_ms = 1;
  c->fanout_mode = PACKET_FANOUT_HASH;
  c->scratch_size = 1u << 18;

  vl2_args it;
  char key[VL2_ARGS_KEY_MAX], val[VL2_ARGS_VAL_MAX];
  int rv;
  vl2_args_init(&it, args);
  while ((rv = vl2_args_next(&it, key, sizeof(key), val, sizeof(val))) > 0) {
    if (strcmp(key, "iface") == 0)
      rv = vl2_args_str(be, key, val, c->iface, sizeof(c->iface));
    else if (strcmp(key, "promisc") == 0)
      rv = vl2_args_bool(be, key, val, &c->promisc);
    else if (strcmp(key, "vnet_hdr") == 0)
      rv = vl2_args_bool(be, key, val, &c->vnet_hdr);
    else if (strcmp(key, "qdisc_bypass") == 0)
      rv = vl2_args_bool(be, key, val, &c->qdisc_bypass);
    else if (strcmp(key, "block_size") == 0)
      rv = vl2_args_u32(be, key, val, 4096, 1u << 28, &c->block_size);
    else if (strcmp(key, "block_count") == 0)
      rv = vl2_args_u32(be, key, val, 1, 1u << 16, &c->block_count);
    else if (strcmp(key, "frame_size") == 0)
      rv = vl2_args_u32(be, key, val, 128, 1u << 16, &c->frame_size);
    else if (strcmp(key, "tx_frames") == 0)
      rv = vl2_args_u32(be, key, val, 1, 1u << 20, &c->tx_frames);
    else if (strcmp(key, "block_timeout_ms") == 0)
      rv = vl2_args_u32(be, key, val, 0, 10000, &c->block_timeout_ms);
    else if (strcmp(key, "fanout") == 0) {
      rv = vl2_args_u32(be, key, val, 0, 65535, &c->fanout);
      c->fanout_set = true;
    } else if (strcmp(key, "fanout_mode") == 0)
      rv = parse_fanout_mode(be, val, &c->fanout_mode);
    else if (strcmp(key, "scratch_size") == 0)
      rv = vl2_args_u32(be, key, val, 1u << 16, 1u << 28, &c->scratch_size);
    else
      rv = vl2_args_unknown(be, key);
    if (rv < 0)
      return rv;
  }
  if (rv < 0)
    return vl2_be_err(be, rv, "af_packet: bad argument string");
  if (c->iface[0] == '\0')
    return vl2_be_err(be, VL2_ERR_INVALID, "af_packet: iface= is required");
  long pg = sysconf(_SC_PAGESIZE);
  if (!is_pow2(c->block_size) || (pg > 0 && c->block_size % (uint32_t)pg))
    return vl2_be_err(be, VL2_ERR_INVALID,
                      "af_packet: block_size=%u: expected a power of two, "
                      "a multiple of the page size",
                      (unsigned)c->block_size);
  if (!is_pow2(c->frame_size) || c->frame_size > c->block_size)
    return vl2_be_err(be, VL2_ERR_INVALID,
                      "af_packet: frame_size=%u: expected a power of two "
                      "not above block_size",
                      (unsigned)c->frame_size);
  return 0;
}

/* --- open / close -------------------------------------------------------*/

static void afp_free(vl2_backend *be, afp *p) {
  if (p->rx_map != NULL && p->rx_map != MAP_FAILED)
    munmap(p->rx_map, p->rx_map_len);
  if (p->tx_map != NULL && p->tx_map != MAP_FAILED)
    munmap(p->tx_map, p->tx_map_len);
  if (p->rx_fd >= 0)
    close(p->rx_fd);
  if (p->tx_fd >= 0)
    close(p->tx_fd);
  be->mem.free(p->scratch, be->mem.user_data);
  be->mem.free(p, be->mem.user_data);
}

static int setopt(vl2_backend *be, int fd, int opt, const void *v,
                  socklen_t len, const char *what) {
  if (setsockopt(fd, SOL_PACKET, opt, v, len) < 0)
    return vl2_be_errno(be, errno, "af_packet %s", what);
  return 0;
}

static int open_rx(vl2_backend *be, afp *p, const afp_cfg *c) {
  int one = 1, rv;
  p->rx_fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (p->rx_fd < 0)
    return vl2_be_errno(be, errno, "af_packet socket");
  int ver = TPACKET_V3;
  if ((rv = setopt(be, p->rx_fd, PACKET_VERSION, &ver, sizeof(ver),
                   "PACKET_VERSION")) < 0)
    return rv;
  if (c->vnet_hdr && (rv = setopt(be, p->rx_fd, PACKET_VNET_HDR, &one,
                                  sizeof(one), "PACKET_VNET_HDR")) < 0)
    return rv;
  struct tpacket_req3 req;
  memset(&req, 0, sizeof(req));
  req.tp_block_size = c->block_size;
  req.tp_block_nr = c->block_count;
  req.tp_frame_size = c->frame_size;
  req.tp_frame_nr = (c->block_size / c->frame_size) * c->block_count;
  req.tp_retire_blk_tov = c->block_timeout_ms;
  if ((rv = setopt(be, p->rx_fd, PACKET_RX_RING, &req, sizeof(req),
                   "PACKET_RX_RING")) < 0)
    return rv;
  p->rx_map_len = (size_t)c->block_size * c->block_count;
  p->rx_map = mmap(NULL, p->rx_map_len, PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_LOCKED, p->rx_fd, 0);
  if (p->rx_map == MAP_FAILED) /* MAP_LOCKED may exceed RLIMIT_MEMLOCK */
    p->rx_map = mmap(NULL, p->rx_map_len, PROT_READ | PROT_WRITE, MAP_SHARED,
                     p->rx_fd, 0);
  if (p->rx_map == MAP_FAILED)
    return vl2_be_errno(be, errno, "af_packet mmap rx ring");
  p->block_size = c->block_size;
  p->block_count = c->block_count;

  /* Older kernels (< 4.20) lack it; then PACKET_OUTGOING frames are
   * skipped by hand (they still cost a copy into the ring). */
  p->ignore_outgoing = setsockopt(p->rx_fd, SOL_PACKET, PACKET_IGNORE_OUTGOING,
                                  &one, sizeof(one)) == 0;

  struct sockaddr_ll sll;
  memset(&sll, 0, sizeof(sll));
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons(ETH_P_ALL);
  sll.sll_ifindex = p->ifindex;
  if (bind(p->rx_fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
    return vl2_be_errno(be, errno, "af_packet bind %s", p->ifname);

  if (c->promisc) {
    struct packet_mreq mr;
    memset(&mr, 0, sizeof(mr));
    mr.mr_ifindex = p->ifindex;
    mr.mr_type = PACKET_MR_PROMISC;
    if ((rv = setopt(be, p->rx_fd, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr),
                     "PACKET_ADD_MEMBERSHIP promisc")) < 0)
      return rv;
  }
  if (c->fanout_set) {
    int fo = (int)(c->fanout | c->fanout_mode << 16);
    if ((rv = setopt(be, p->rx_fd, PACKET_FANOUT, &fo, sizeof(fo),
                     "PACKET_FANOUT")) < 0)
      return rv;
  }
  return 0;
}

static int open_tx(vl2_backend *be, afp *p, const afp_cfg *c) {
  int rv;
  p->tx_fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (p->tx_fd < 0)
    return vl2_be_errno(be, errno, "af_packet socket");
  int ver = TPACKET_V2;
  if ((rv = setopt(be, p->tx_fd, PACKET_VERSION, &ver, sizeof(ver),
                   "PACKET_VERSION")) < 0)
    return rv;
  long pg = sysconf(_SC_PAGESIZE);
  uint32_t bs = pg > 0 ? (uint32_t)pg : 4096;
  while (bs < c->frame_size)
    bs <<= 1;
  uint32_t per_block = bs / c->frame_size;
  uint32_t nblocks = (c->tx_frames + per_block - 1) / per_block;
  struct tpacket_req req;
  memset(&req, 0, sizeof(req));
  req.tp_block_size = bs;
  req.tp_block_nr = nblocks;
  req.tp_frame_size = c->frame_size;
  req.tp_frame_nr = per_block * nblocks;
  if ((rv = setopt(be, p->tx_fd, PACKET_TX_RING, &req, sizeof(req),
                   "PACKET_TX_RING")) < 0)
    return rv;
  p->tx_map_len = (size_t)bs * nblocks;
  p->tx_map = mmap(NULL, p->tx_map_len, PROT_READ | PROT_WRITE, MAP_SHARED,
                   p->tx_fd, 0);
  if (p->tx_map == MAP_FAILED)
    return vl2_be_errno(be, errno, "af_packet mmap tx ring");
  p->tx_frame_size = c->frame_size;
  p->tx_frames = req.tp_frame_nr;
  if (c->qdisc_bypass) {
    int one = 1;
    if ((rv = setopt(be, p->tx_fd, PACKET_QDISC_BYPASS, &one, sizeof(one),
                     "PACKET_QDISC_BYPASS")) < 0)
      return rv;
  }
  struct sockaddr_ll sll;
  memset(&sll, 0, sizeof(sll));
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = 0; /* send only */
  sll.sll_ifindex = p->ifindex;
  if (bind(p->tx_fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
    return vl2_be_errno(be, errno, "af_packet bind %s", p->ifname);
  return 0;
}

static int afp_open(vl2_backend *be, const char *args) {
  afp_cfg c;
  int rv = parse_args(be, args, &c);
  if (rv < 0)
    return rv;
  afp *p = be->mem.calloc(1, sizeof(*p), be->mem.user_data);
  if (p == NULL)
    return vl2_be_err(be, VL2_ERR_NOMEM, "af_packet: out of memory");
  p->rx_fd = p->tx_fd = -1;
  p->vnet_hdr = c.vnet_hdr;
  memcpy(p->ifname, c.iface, sizeof(p->ifname));
  p->scratch_cap = c.scratch_size;
  p->scratch = be->mem.malloc(p->scratch_cap, be->mem.user_data);
  if (p->scratch == NULL) {
    afp_free(be, p);
    return vl2_be_err(be, VL2_ERR_NOMEM, "af_packet: out of memory");
  }
  p->ifindex = (int)if_nametoindex(c.iface);
  if (p->ifindex == 0) {
    rv = vl2_be_errno(be, errno == 0 ? ENODEV : errno, "af_packet %s", c.iface);
    afp_free(be, p);
    return rv;
  }
  if ((rv = open_rx(be, p, &c)) < 0 || (rv = open_tx(be, p, &c)) < 0) {
    afp_free(be, p);
    return rv;
  }
  be->priv = p;
  return 0;
}

static void afp_close(vl2_backend *be) {
  afp *p = priv(be);
  if (p == NULL)
    return;
  afp_free(be, p);
  be->priv = NULL;
}

/* --- liveness -----------------------------------------------------------*/

/* Is our interface still there? (SIOCGIFNAME on our own socket: one
 * syscall, no new descriptor.) */
static bool iface_exists(const afp *p) {
  struct ifreq ifr;
  memset(&ifr, 0, sizeof(ifr));
  ifr.ifr_ifindex = p->ifindex;
  if (ioctl(p->rx_fd, SIOCGIFNAME, &ifr) == 0)
    return true;
  return errno != ENODEV && errno != ENXIO;
}

static vl2_ssize closed(vl2_backend *be, afp *p) {
  p->dead = true;
  return vl2_be_err(be, VL2_ERR_CLOSED, "af_packet %s: interface vanished",
                    p->ifname);
}

/* Called when the receive ring is empty: report a vanished or downed
 * interface instead of silently returning 0 forever. */
static vl2_ssize rx_idle_check(vl2_backend *be, afp *p) {
  struct pollfd pfd = {.fd = p->rx_fd, .events = POLLIN};
  if (poll(&pfd, 1, 0) > 0 && (pfd.revents & (POLLERR | POLLHUP | POLLNVAL))) {
    int err = 0;
    socklen_t el = sizeof(err);
    if (getsockopt(p->rx_fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0)
      err = errno;
    if (!iface_exists(p))
      return closed(be, p);
    if (err != 0) {
      if (err == ENETDOWN)
        p->link_down = true;
      p->st.rx_errors++;
      return vl2_be_errno(be, err, "af_packet %s", p->ifname);
    }
  } else if (p->link_down && !iface_exists(p)) {
    /* Deleted while down: the kernel sends no second error then. */
    return closed(be, p);
  }
  return 0;
}

/* --- receive ------------------------------------------------------------*/

static struct tpacket_block_desc *block(const afp *p, uint32_t i) {
  return (struct tpacket_block_desc *)(void *)(p->rx_map +
                                               (size_t)i * p->block_size);
}

static void release_blocks(afp *p) {
  while (p->rel_cnt > 0) {
    struct tpacket_block_desc *bd = block(p, p->rel_from);
    __atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL,
                     __ATOMIC_RELEASE);
    p->rel_from = (p->rel_from + 1) % p->block_count;
    p->rel_cnt--;
  }
}

/* blk has been read to the end: queue it for release, move on. */
static void finish_block(afp *p) {
  if (p->rel_cnt == 0)
    p->rel_from = p->blk;
  p->rel_cnt++;
  p->blk = (p->blk + 1) % p->block_count;
  p->in_block = false;
}

/* Carve |len| bytes (plus tag room before and after) from scratch.
 * Returns a pointer with TAG_LEN bytes of headroom, or NULL. */
static uint8_t *scratch_take(afp *p, uint32_t len) {
  size_t need = ((size_t)len + 2 * TAG_LEN + 7) & ~(size_t)7;
  if (p->scratch_cap - p->scratch_used < need)
    return NULL;
  uint8_t *d = p->scratch + p->scratch_used + TAG_LEN;
  p->scratch_used += need;
  return d;
}

/* Put a tag back after the MACs of the frame at |*data| (|*len| bytes),
 * using |headroom| bytes before it. */
static void insert_tag(uint8_t **data, uint32_t *len, uint16_t tpid,
                       uint16_t tci) {
  uint8_t *d = *data - TAG_LEN;
  memmove(d, *data, 12);
  d[12] = (uint8_t)(tpid >> 8);
  d[13] = (uint8_t)tpid;
  d[14] = (uint8_t)(tci >> 8);
  d[15] = (uint8_t)tci;
  *data = d;
  *len += TAG_LEN;
}

static void emit(vl2_backend *be, afp *p, vl2_frame *fr, const uint8_t *data,
                 uint32_t len, vl2_tstamp now) {
  memset(fr, 0, sizeof(*fr));
  fr->data = data;
  fr->len = len;
  fr->port = be->port;
  fr->rx_ts = now;
  p->st.rx_frames++;
  p->st.rx_bytes += len;
}

typedef struct rx_meta {
  bool tagged;
  uint16_t tpid;
  uint16_t tci;
} rx_meta;

/* Cut the GSO packet at |mac| into segments from p->gso_next on, while
 * there is room in |frames| and in scratch. Returns frames written; sets
 * p->gso_pending when segments are left. */
static size_t rx_gso(vl2_backend *be, afp *p, uint8_t *mac, uint32_t len,
                     const struct virtio_net_hdr *vh, const rx_meta *m,
                     vl2_frame *frames, size_t room, vl2_tstamp now) {
  vl2_gso g;
  uint8_t type = (uint8_t)(vh->gso_type & ~VIRTIO_NET_HDR_GSO_ECN);
  if (vl2_gso_prepare(mac, len, type, vh->gso_size, &g) != 0) {
    p->st.rx_errors++;
    p->gso_pending = false;
    return 0;
  }
  size_t out = 0;
  uint32_t i = p->gso_pending ? p->gso_next : 0;
  for (; i < g.nseg && out < room; i++) {
    uint8_t *d = scratch_take(p, g.hdr_len + g.size);
    if (d == NULL) {
      if (p->scratch_used == 0) { /* cannot ever fit: drop it */
        p->st.rx_errors++;
        p->gso_pending = false;
        return out;
      }
      break;
    }
    uint32_t flen = vl2_gso_segment(mac, &g, i, d);
    if (m->tagged)
      insert_tag(&d, &flen, m->tpid, m->tci);
    emit(be, p, &frames[out++], d, flen, now);
  }
  p->gso_pending = i < g.nseg;
  p->gso_next = i;
  return out;
}

/* Turn the ring packet |h| into frames. Returns the number written (0 when
 * it was dropped or skipped), or -1 when scratch is full and |h| must be
 * taken again at the next call; p->gso_pending says whether |h| still has
 * segments to give. */
static ptrdiff_t rx_packet(vl2_backend *be, afp *p, struct tpacket3_hdr *h,
                           vl2_frame *frames, size_t room, vl2_tstamp now) {
  uint32_t status = h->tp_status;
  uint8_t *mac = (uint8_t *)h + h->tp_mac;
  uint32_t len = h->tp_snaplen;
  const struct sockaddr_ll *sll =
      (const struct sockaddr_ll *)(const void *)((uint8_t *)h + V3_SLL_OFF);

  if (!p->ignore_outgoing && sll->sll_pkttype == PACKET_OUTGOING)
    return 0;
  if (h->tp_snaplen < h->tp_len || len < 14) {
    p->st.rx_dropped++; /* truncated by the ring: never forward a part */
    return 0;
  }
  rx_meta m = {false, 0, 0};
  if (status & TP_STATUS_VLAN_VALID) {
    m.tagged = true;
    m.tci = (uint16_t)h->hv1.tp_vlan_tci;
    m.tpid = (status & TP_STATUS_VLAN_TPID_VALID)
                 ? (uint16_t)h->hv1.tp_vlan_tpid
                 : ETH_P_8021Q;
  }
  struct virtio_net_hdr vh;
  memset(&vh, 0, sizeof(vh));
  if (p->vnet_hdr)
    memcpy(&vh, mac - sizeof(vh), sizeof(vh)); /* the kernel's native order */

  if (p->vnet_hdr && vh.gso_type != VIRTIO_NET_HDR_GSO_NONE)
    return rx_gso(be, p, mac, len, &vh, &m, frames, room, now);

  if (p->vnet_hdr) {
    if ((vh.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
        vl2_csum_complete(mac, len, vh.csum_start, vh.csum_offset) != 0) {
      p->st.rx_errors++;
      return 0;
    }
  } else if (status & TP_STATUS_CSUMNOTREADY) {
    uint32_t start, off;
    if (vl2_csum_locate(mac, len, &start, &off) == 0)
      vl2_csum_complete(mac, len, start, off);
  }

  if (m.tagged) {
    /* In place when the ring left room before the MAC header (it leaves
     * at least 14 bytes, less the vnet header already copied out). */
    size_t headroom = (size_t)h->tp_mac - V3_SLL_END;
    if (headroom < TAG_LEN) {
      uint8_t *d = scratch_take(p, len);
      if (d == NULL) {
        if (p->scratch_used > 0)
          return -1;       /* retry at the next call, when scratch is empty */
        p->st.rx_errors++; /* larger than scratch_size */
        return 0;
      }
      memcpy(d, mac, len);
      mac = d;
    }
    insert_tag(&mac, &len, m.tpid, m.tci);
  }
  emit(be, p, &frames[0], mac, len, now);
  return 1;
}

static vl2_ssize afp_rx_burst(vl2_backend *be, vl2_frame *frames, size_t n,
                              vl2_tstamp now) {
  afp *p = priv(be);
  if (p->dead)
    return vl2_be_err(be, VL2_ERR_CLOSED, "af_packet %s: interface vanished",
                      p->ifname);
  /* Frames handed out by the last call are now the kernel's again. */
  release_blocks(p);
  if (p->in_block && p->blk_left == 0 && !p->gso_pending) {
    finish_block(p);
    release_blocks(p);
  }
  p->scratch_used = 0;

  size_t out = 0;
  while (out < n) {
    if (!p->in_block) {
      struct tpacket_block_desc *bd = block(p, p->blk);
      if (!(__atomic_load_n(&bd->hdr.bh1.block_status, __ATOMIC_ACQUIRE) &
            TP_STATUS_USER))
        break;
      p->in_block = true;
      p->blk_left = bd->hdr.bh1.num_pkts;
      p->pkt = (uint8_t *)bd + bd->hdr.bh1.offset_to_first_pkt;
      p->gso_pending = false;
    }
    if (p->blk_left == 0) {
      finish_block(p);
      continue;
    }
    struct tpacket3_hdr *h = (struct tpacket3_hdr *)(void *)p->pkt;
    ptrdiff_t got = rx_packet(be, p, h, frames + out, n - out, now);
    if (got < 0)
      break; /* scratch full: this packet comes first next call */
    out += (size_t)got;
    if (p->gso_pending)
      break; /* out of room: the rest of this packet comes next call */
    p->pkt += h->tp_next_offset;
    p->blk_left--;
  }
  if (out > 0) {
    p->link_down = false;
    return (vl2_ssize)out;
  }
  return rx_idle_check(be, p);
}

/* --- transmit -----------------------------------------------------------*/

static struct tpacket2_hdr *tx_slot(const afp *p, uint32_t i) {
  return (struct tpacket2_hdr *)(void *)(p->tx_map +
                                         (size_t)i * p->tx_frame_size);
}

/* Ask the kernel to send what is queued. Returns 0 or a negative error. */
static int tx_kick(vl2_backend *be, afp *p) {
  if (send(p->tx_fd, NULL, 0, MSG_DONTWAIT) >= 0)
    return 0;
  int err = errno;
  if (err == EAGAIN || err == ENOBUFS || err == EINTR)
    return 0; /* the frames stay queued; the next kick sends them */
  if (!iface_exists(p))
    return (int)closed(be, p);
  if (err == ENETDOWN)
    p->link_down = true;
  p->st.tx_errors++;
  return vl2_be_errno(be, err, "af_packet send %s", p->ifname);
}

static vl2_ssize afp_tx_burst(vl2_backend *be, const vl2_frame *frames,
                              size_t n) {
  afp *p = priv(be);
  if (p->dead)
    return vl2_be_err(be, VL2_ERR_CLOSED, "af_packet %s: interface vanished",
                      p->ifname);
  uint32_t max_len = p->tx_frame_size - (uint32_t)V2_TX_DATA_OFF;
  size_t i = 0, queued = 0;
  bool kicked = false;
  while (i < n) {
    const vl2_frame *f = &frames[i];
    if (f->len < 14 || f->len > max_len) {
      p->st.tx_dropped++; /* taken and dropped: it can never be sent */
      i++;
      continue;
    }
    struct tpacket2_hdr *h = tx_slot(p, p->tx_head);
    uint32_t st = __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);
    if (st == TP_STATUS_WRONG_FORMAT) {
      p->st.tx_errors++;
      st = TP_STATUS_AVAILABLE;
    }
    if (st != TP_STATUS_AVAILABLE) {
      /* Ring full: push what is queued once, then give up for now. */
      if (kicked)
        break;
      int rv = tx_kick(be, p);
      kicked = true;
      queued = 0;
      if (rv < 0)
        return i > 0 ? (vl2_ssize)i : rv;
      continue;
    }
    memcpy((uint8_t *)h + V2_TX_DATA_OFF, f->data, f->len);
    h->tp_len = f->len;
    h->tp_snaplen = f->len;
    __atomic_store_n(&h->tp_status, TP_STATUS_SEND_REQUEST, __ATOMIC_RELEASE);
    p->tx_head = p->tx_head + 1 == p->tx_frames ? 0 : p->tx_head + 1;
    p->st.tx_frames++;
    p->st.tx_bytes += f->len;
    queued++;
    i++;
  }
  if (queued > 0 || (i == 0 && n > 0)) {
    int rv = tx_kick(be, p);
    if (rv < 0 && i == 0)
      return rv;
  }
  return (vl2_ssize)i;
}

/* --- control ------------------------------------------------------------*/

static int afp_get_fd(const vl2_backend *be) { return priv(be)->rx_fd; }

static int afp_get_stats(const vl2_backend *be, vl2_backend_stats *st) {
  afp *p = priv(be);
  struct tpacket_stats_v3 ks;
  socklen_t kl = sizeof(ks);
  memset(&ks, 0, sizeof(ks));
  if (!p->dead &&
      getsockopt(p->rx_fd, SOL_PACKET, PACKET_STATISTICS, &ks, &kl) == 0)
    p->kernel_drops += ks.tp_drops; /* the kernel resets them on read */
  *st = p->st;
  st->rx_dropped += p->kernel_drops;
  return 0;
}

const vl2_backend_ops vl2_af_packet_ops = {
    .abi_version = VL2_BACKEND_OPS_VERSION,
    .name = "af_packet",
    .rx_burst = afp_rx_burst,
    .tx_burst = afp_tx_burst,
    .open = afp_open,
    .close = afp_close,
    .get_fd = afp_get_fd,
    .get_stats = afp_get_stats,
};
