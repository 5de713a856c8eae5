/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * vl2-replay: run the libvl2 core offline over capture files.
 *
 * Frames are read through the pcap backend (one capture, or one per port,
 * merged by timestamp), decided by a switch configured from the command
 * line with the capture timestamps as its clock, and what leaves each port
 * or remote endpoint is written to one pcap file per destination, with the
 * egress edit applied (and VXLAN encapsulation for remote endpoints). A
 * capture given as the underlay (--underlay) holds tunnel packets instead:
 * the core decapsulates them (VXLAN, Geneve) and their inner frames enter
 * the switch from the remote endpoint that sent them. A summary goes to
 * stdout, as text or JSON.
 *
 * `vl2-replay --decode FILE` prints each frame's L2 headers as libvl2
 * decodes them instead. See vl2-replay --help and vl2-replay(1).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <json-c/json.h>

#include <vl2/pcap.h>
#include <vl2/vl2.h>

#include "decode.h"
#include "trace_text.h"

#define PROG "vl2-replay"
#define MAX_PORTS 4096
#define NO_VNI UINT32_MAX
/* Room in front of a frame: a pushed tag plus VXLAN over IPv6. */
#define HEADROOM (VL2_VLAN_TAG_LEN + VL2_VXLAN_HEADROOM_MAX + 2)
/* The largest frame the pcap backend delivers (its snapshot cap). */
#define MAX_FRAME 262144

/* --- configuration ---------------------------------------------------- */

enum { VLANS_NONE, VLANS_AUTO, VLANS_LIST };

typedef struct port {
  uint32_t id;
  bool input;    /* frames come in from a capture */
  bool sink;     /* created by the tool for a segment */
  bool mode_set; /* --access or --trunk given */
  uint8_t mode;  /* VL2_PORT_ACCESS / VL2_PORT_TRUNK */
  int native;    /* trunk native VLAN; -1 = default (1) */
  vl2_vid pvid;  /* access VLAN */
  bool qinq;
  bool underlay; /* --underlay: tunnel packets, not a switch port */
  int vlans;     /* VLANS_* for trunks */
  uint8_t vlan_set[(VL2_VID_MAX + 1 + 7) / 8];
  const char *file; /* input capture */
  vl2_backend *be;
  int dlt;
  uint64_t frames_in;
  /* the head frame of the merge */
  vl2_frame head;
  bool has_head, eof;
  /* output */
  vl2_pcap_writer *w;
  uint64_t written;
  uint64_t edit_errors;
} port;

typedef struct remote {
  vl2_ipaddr addr;
  vl2_pcap_writer *w;
  uint64_t written;
  uint64_t encap_errors[VL2_VXLAN_R_MAX];
} remote;

typedef struct remote_cfg {
  uint32_t vni;
  vl2_ipaddr addr;
} remote_cfg;

static struct {
  port *ports[MAX_PORTS];
  uint32_t vni_of[VL2_VID_MAX + 1]; /* --map; NO_VNI = VNI = VID */
  remote_cfg *rcfg;
  size_t n_rcfg;
  remote *remotes;
  size_t n_remotes;
  const char *outdir;
  bool json, verbose, quiet, sinks, inner, decode, trace;
  vl2_ipaddr local;
  bool local_set;
  uint32_t mtu;
  uint64_t ageing_s;
  uint32_t max_fdb;
  dec_opts dopt;
  bool strict_remotes; /* --strict-remotes: only flood-list members */
  bool no_csum_verify; /* --no-csum-verify: outer UDP checksums */
  uint32_t useg[64];   /* --segment VNI: segments without a VLAN */
  size_t n_useg;
  uint32_t gseg[64]; /* --geneve VNI: remote copies in Geneve */
  size_t n_gseg;
} g;

static void die(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, PROG ": ");
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  exit(EXIT_FAILURE);
}

static void usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));
static void usage_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, PROG ": ");
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\nTry '" PROG " --help' for more information.\n");
  exit(2);
}

static void *xcalloc(size_t n, size_t sz) {
  void *p = calloc(n, sz);
  if (p == NULL)
    die("out of memory");
  return p;
}

static void json_check(json_object *o) {
  if (o == NULL)
    die("out of memory");
}

static uint64_t parse_u64(const char *s, uint64_t max, const char *what) {
  char *end;
  errno = 0;
  if (s[0] == '-' || s[0] == '\0')
    usage_error("bad %s '%s'", what, s);
  unsigned long long v = strtoull(s, &end, 10);
  if (errno != 0 || *end != '\0' || v > max)
    usage_error("bad %s '%s' (0..%" PRIu64 ")", what, s, max);
  return v;
}

/* "N=REST": the port id and REST. */
static port *port_arg(const char *arg, const char **rest, const char *opt) {
  char buf[32];
  const char *eq = strchr(arg, '=');
  if (rest != NULL && eq == NULL)
    usage_error("%s needs PORT=VALUE, not '%s'", opt, arg);
  size_t n = rest != NULL ? (size_t)(eq - arg) : strlen(arg);
  if (n == 0 || n >= sizeof(buf))
    usage_error("%s: bad port in '%s'", opt, arg);
  memcpy(buf, arg, n);
  buf[n] = '\0';
  uint32_t id = (uint32_t)parse_u64(buf, MAX_PORTS - 1, "port");
  if (g.ports[id] == NULL) {
    g.ports[id] = xcalloc(1, sizeof(port));
    g.ports[id]->id = id;
    g.ports[id]->native = -1;
    g.ports[id]->dlt = -1;
  }
  if (rest != NULL)
    *rest = eq + 1;
  return g.ports[id];
}

static vl2_vid parse_vid(const char *s, const char *what) {
  uint64_t v = parse_u64(s, VL2_VID_MAX, what);
  if (v == 0)
    usage_error("bad %s '%s' (1..%d)", what, s, VL2_VID_MAX);
  return (vl2_vid)v;
}

/* "all", "auto" or "10,20,30-40". */
static void parse_vlan_list(port *p, const char *s) {
  memset(p->vlan_set, 0, sizeof(p->vlan_set));
  if (strcmp(s, "auto") == 0) {
    p->vlans = VLANS_AUTO;
    return;
  }
  p->vlans = VLANS_LIST;
  if (strcmp(s, "all") == 0) {
    for (unsigned v = 1; v <= VL2_VID_MAX; v++)
      p->vlan_set[v / 8] |= (uint8_t)(1u << (v % 8));
    return;
  }
  char *dup = strdup(s), *save = NULL;
  if (dup == NULL)
    die("out of memory");
  for (char *t = strtok_r(dup, ",", &save); t != NULL;
       t = strtok_r(NULL, ",", &save)) {
    char *dash = strchr(t, '-');
    vl2_vid lo, hi;
    if (dash != NULL) {
      *dash = '\0';
      lo = parse_vid(t, "VLAN");
      hi = parse_vid(dash + 1, "VLAN");
      if (hi < lo)
        usage_error("bad VLAN range %u-%u", lo, hi);
    } else {
      lo = hi = parse_vid(t, "VLAN");
    }
    for (unsigned v = lo; v <= hi; v++)
      p->vlan_set[v / 8] |= (uint8_t)(1u << (v % 8));
  }
  free(dup);
}

static bool vlan_in(const uint8_t *set, unsigned v) {
  return (set[v / 8] >> (v % 8)) & 1u;
}

static void parse_ip(const char *s, vl2_ipaddr *a, const char *what) {
  memset(a, 0, sizeof(*a));
  if (inet_pton(AF_INET, s, a->addr) == 1)
    a->family = VL2_AF_INET;
  else if (inet_pton(AF_INET6, s, a->addr) == 1)
    a->family = VL2_AF_INET6;
  else
    usage_error("bad %s address '%s'", what, s);
}

static const char *ip_str(const vl2_ipaddr *a, char *buf, size_t n) {
  if (inet_ntop(a->family == VL2_AF_INET6 ? AF_INET6 : AF_INET, a->addr, buf,
                (socklen_t)n) == NULL)
    snprintf(buf, n, "?");
  return buf;
}

static const char *mac_str(const vl2_mac *m, char *buf) {
  dec_hex_colon(buf, m->b, 6);
  return buf;
}

static uint32_t vni_for(vl2_vid vid) {
  return g.vni_of[vid] != NO_VNI ? g.vni_of[vid] : vid;
}

/* --- help ------------------------------------------------------------- */

static void usage(void) {
  printf(
      "Usage: " PROG " [OPTION]... FILE\n"
      "       " PROG " [OPTION]... --port N=FILE [--port N=FILE]...\n"
      "       " PROG " --decode [--json] FILE\n"
      "\n"
      "Run the libvl2 switch core offline over pcap/pcapng captures: every\n"
      "frame goes in on its port at its capture time (the switch's clock),\n"
      "and what the switch sends out of each port or to each remote VTEP\n"
      "is written to one pcap file per destination in --outdir. A summary\n"
      "(frames, decisions, drops by reason, learned MACs) goes to stdout.\n"
      "Ethernet, Linux cooked (SLL, SLL2) captures are read.\n"
      "\n"
      "Inputs:\n"
      "  FILE                   the capture for port 0 (same as --port "
      "0=FILE)\n"
      "  -p, --port N=FILE      frames of FILE arrive on port N (repeat for\n"
      "                         several ports; merged by timestamp)\n"
      "\n"
      "Switch configuration (ports 0..4095; VLANs 1..4094):\n"
      "  --access N=VID         port N is an access port in VLAN VID\n"
      "  --trunk N=VLANS        port N is a trunk allowing VLANS: 'auto', "
      "'all'\n"
      "                         or a list such as 10,20,100-199\n"
      "  --native N=VID         native VLAN of trunk N (0: none, untagged\n"
      "                         frames are dropped); default 1\n"
      "  --qinq N               port N is an 802.1ad S-VLAN trunk (0x88a8)\n"
      "  --map VID=VNI          VLAN VID is segment VNI (default VNI = VID)\n"
      "  --remote VNI=IP        remote VTEP IP (IPv4/IPv6) is a member of\n"
      "                         segment VNI (flooded frames go to it)\n"
      "  --segment VNI          segment VNI exists without a VLAN (for\n"
      "                         --underlay)\n"
      "  --underlay N           the capture of port N is the underlay: its\n"
      "                         VXLAN (UDP 4789, 8472) and Geneve (6081)\n"
      "                         packets are decapsulated by the core and\n"
      "                         their inner frames enter from the remote VTEP\n"
      "                         that sent them (refusals counted by reason)\n"
      "  --strict-remotes       accept decapsulated frames only from the\n"
      "                         segment's --remote VTEPs\n"
      "  --no-csum-verify       do not verify outer UDP checksums of\n"
      "                         --underlay packets (RFC 7348 section 5, RFC\n"
      "                         8926 section 3.3: a receiver MAY skip it)\n"
      "  --no-sinks             do not add the sink ports\n"
      "  --ageing SECONDS       MAC ageing time (default 300; 0: never)\n"
      "  --max-fdb N            FDB size (default 65536)\n"
      "\n"
      "Default: every input port is a trunk with native VLAN 1 and VLANs\n"
      "'auto' (the outer VLAN IDs found in the captures), so everything in\n"
      "the capture is accepted; each VLAN is the segment VNI = VID, and one\n"
      "access 'sink' port per segment (ids after the highest configured\n"
      "port) gives flooded frames somewhere to go.\n"
      "\n"
      "Output:\n"
      "  -o, --outdir DIR       write port-N.pcap per port and remote-IP.pcap\n"
      "                         per remote VTEP into DIR (created if needed);\n"
      "                         without it nothing is written\n"
      "  --local IP             local VTEP address, outer source of VXLAN\n"
      "                         packets (default 192.0.2.1 or 2001:db8::1)\n"
      "  --mtu N                underlay MTU (default 1500; 0: no limit);\n"
      "                         larger packets are counted, not written\n"
      "  --geneve VNI           remote VTEPs of segment VNI get Geneve\n"
      "                         (RFC 8926, UDP 6081) instead of VXLAN\n"
      "  --inner                write the inner frame for remote VTEPs\n"
      "                         instead of the VXLAN packet\n"
      "  --json                 print the summary (or decode) as JSON\n"
      "  -v, --verbose          print every decision\n"
      "  --trace                print every decision step by step, as\n"
      "                         vl2_switch_trace() reports it (ingress,\n"
      "                         classification, FDB lookup, ARP/ND,\n"
      "                         learning, snooping, each flood member,\n"
      "                         storm control, verdict); a trace that\n"
      "                         differs from the decision is an error\n"
      "  -q, --quiet            no summary (errors only)\n"
      "\n"
      "Decoding:\n"
      "  --decode               print each frame's headers as libvl2 decodes\n"
      "                         them (Ethernet, 802.1Q/802.1ad tags, "
      "LLC/SNAP,\n"
      "                         ARP, outer IPv4/IPv6/UDP, VXLAN, Geneve, and\n"
      "                         the inner frames); with --json, one JSON\n"
      "                         object per line\n"
      "  --vxlan-port PORT      also decode UDP PORT as VXLAN (4789 and 8472\n"
      "                         are always)\n"
      "  --geneve-known C:T     Geneve option class C, type T (critical bit\n"
      "                         included) is known: packets carrying it are\n"
      "                         not refused (repeatable; e.g. 0x0102:0x80)\n"
      "\n"
      "  -h, --help             show this help and exit\n"
      "  -V, --version          show the version and exit\n"
      "\n"
      "Examples:\n"
      "  " PROG " -o out capture.pcap\n"
      "  " PROG
      " --port 0=a.pcap --port 1=b.pcap --access 1=10 --trunk 0=10,20\n"
      "  " PROG " --remote 10=198.51.100.7 -o out --json capture.pcapng\n"
      "  " PROG " --decode vxlan.pcap\n"
      "\n"
      "Exit status: 0 on success, 1 on a bad or unreadable input or output\n"
      "file, 2 on bad options.\n");
}

/* --- outputs ---------------------------------------------------------- */

static vl2_pcap_writer *open_writer(const char *name) {
  char path[PATH_MAX];
  if ((size_t)snprintf(path, sizeof(path), "%s/%s", g.outdir, name) >=
      sizeof(path))
    die("%s/%s: path too long", g.outdir, name);
  vl2_pcap_writer *w = NULL;
  int rv = vl2_pcap_writer_open(&w, path, 0, VL2_PCAP_WRITER_NSEC, NULL);
  if (rv < 0)
    die("cannot create %s: %s", path,
        rv > -200 ? strerror(-rv) : vl2_strerror(rv));
  return w;
}

static void write_frame(vl2_pcap_writer *w, const uint8_t *data, size_t len,
                        vl2_tstamp ts) {
  int rv = vl2_pcap_writer_write(w, data, len, ts);
  if (rv < 0)
    die("write in %s: %s", g.outdir,
        rv > -200 ? strerror(-rv) : vl2_strerror(rv));
}

static remote *find_remote(const vl2_ipaddr *a) {
  for (size_t i = 0; i < g.n_remotes; i++)
    if (memcmp(&g.remotes[i].addr, a, sizeof(*a)) == 0)
      return &g.remotes[i];
  remote *r = realloc(g.remotes, (g.n_remotes + 1) * sizeof(*r));
  if (r == NULL)
    die("out of memory");
  g.remotes = r;
  r = &g.remotes[g.n_remotes++];
  memset(r, 0, sizeof(*r));
  r->addr = *a;
  return r;
}

static uint64_t enc_too_big, enc_other;

/* Send one copy of @f to @d: the egress stage (vl2_egress_build(): the
 * tag edit, VXLAN for a remote endpoint unless --inner), and append it to
 * the destination's file. */
static void emit(const vl2_frame *f, const vl2_dest *d, vl2_tstamp ts,
                 uint8_t *buf) {
  if (f->len > MAX_FRAME)
    die("frame of %u bytes: larger than the backend's limit", f->len);
  vl2_vxlan_config cfg;
  vl2_vxlan_config_default(&cfg);
  cfg.local = g.local;
  cfg.underlay_mtu = g.mtu;
  vl2_egress_params ep;
  vl2_egress_params_default(&ep);
  ep.vxlan = g.inner ? NULL : &cfg;
  /* --geneve VNI: that segment's remote copies are Geneve (RFC 8926) with
   * the same outer settings on UDP 6081. */
  vl2_geneve_config gc;
  for (size_t i = 0; i < g.n_gseg && d->type == VL2_DEST_REMOTE; i++) {
    if (g.gseg[i] != d->vni)
      continue;
    vl2_geneve_config_default(&gc);
    gc.tun.local = g.local;
    gc.tun.underlay_mtu = g.mtu;
    ep.tunnel = VL2_EGRESS_TUNNEL_GENEVE;
    ep.geneve = g.inner ? NULL : &gc;
    break;
  }
  ep.layer = VL2_VXLAN_LAYER_ETH;
  static const vl2_mac nh = {{0x02, 0, 0, 0, 0, 0x02}},
                       me = {{0x02, 0, 0, 0, 0, 0x01}};
  ep.eth_dst = nh;
  ep.eth_src = me;
  vl2_egress_pkt pk[1];
  vl2_ssize n =
      vl2_egress_build(&ep, f, d, buf, HEADROOM + MAX_FRAME + 64, pk, 1);
  if (d->type == VL2_DEST_PORT) {
    port *p = d->port < MAX_PORTS ? g.ports[d->port] : NULL;
    if (p == NULL)
      return; /* cannot happen: the switch only names our ports */
    if (n < 0) {
      p->edit_errors++;
      return;
    }
    p->written++;
    if (g.outdir == NULL)
      return;
    if (p->w == NULL) {
      char name[32];
      snprintf(name, sizeof(name), "port-%u.pcap", p->id);
      p->w = open_writer(name);
    }
    write_frame(p->w, buf + pk[0].off, pk[0].len, ts);
    return;
  }
  remote *r = find_remote(&d->remote);
  if (n < 0) {
    if (n == VL2_ERR_LIMIT) {
      r->encap_errors[VL2_VXLAN_R_TOO_BIG]++;
      enc_too_big++;
    } else {
      r->encap_errors[n == VL2_ERR_MALFORMED ? VL2_VXLAN_R_TRUNC_INNER
                                             : VL2_VXLAN_R_NONE]++;
      enc_other++;
    }
    return;
  }
  size_t len = pk[0].len;
  r->written++;
  if (g.outdir == NULL)
    return;
  if (r->w == NULL) {
    char name[80], ip[INET6_ADDRSTRLEN];
    snprintf(name, sizeof(name), "remote-%s.pcap",
             ip_str(&r->addr, ip, sizeof(ip)));
    r->w = open_writer(name);
  }
  write_frame(r->w, buf + pk[0].off, len, ts);
}

/* --- inputs ----------------------------------------------------------- */

static void open_input(port *p) {
  /* The backend's key=value syntax: escape ',' and '\' in the path. */
  size_t n = strlen(p->file);
  char *args = xcalloc(1, 2 * n + 16);
  char *w = args + sprintf(args, "file=");
  for (size_t i = 0; i < n; i++) {
    if (p->file[i] == ',' || p->file[i] == '\\')
      *w++ = '\\';
    *w++ = p->file[i];
  }
  *w = '\0';
  struct stat st;
  if (stat(p->file, &st) != 0)
    die("%s: %s", p->file, strerror(errno));
  if (S_ISDIR(st.st_mode))
    die("%s: is a directory", p->file);
  vl2_backend *be = NULL;
  int rv = vl2_backend_open(&be, &vl2_pcap_ops, args, p->id, NULL);
  free(args);
  if (rv < 0) {
    const char *why = be != NULL ? vl2_backend_last_error(be) : "";
    die("%s: cannot read capture: %s%s%s", p->file,
        rv > -200 ? strerror(-rv) : vl2_strerror(rv), why[0] ? ": " : "", why);
  }
  p->be = be;
  p->dlt = vl2_pcap_datalink(be);
  p->has_head = false;
  p->eof = false;
  p->frames_in = 0;
}

/* Refill @p's head frame; false at the end of its capture. */
static bool next_frame(port *p) {
  if (p->eof)
    return false;
  vl2_ssize k = vl2_backend_rx_burst(p->be, &p->head, 1, 0);
  if (k == 1) {
    p->has_head = true;
    p->frames_in++;
    return true;
  }
  p->has_head = false;
  p->eof = true;
  if (k == VL2_ERR_CLOSED)
    return false;
  die("%s: read error after %" PRIu64 " frames: %s", p->file, p->frames_in,
      vl2_backend_last_error(p->be));
}

static void close_input(port *p) {
  vl2_backend_close(p->be);
  p->be = NULL;
}

/* Pre-scan: the outer VLAN IDs of the frames of every input port whose
 * trunk VLANs are 'auto'. */
static void scan_vlans(void) {
  for (uint32_t i = 0; i < MAX_PORTS; i++) {
    port *p = g.ports[i];
    if (p == NULL || !p->input || p->underlay || p->mode != VL2_PORT_TRUNK ||
        p->vlans != VLANS_AUTO)
      continue;
    open_input(p);
    while (next_frame(p)) {
      vl2_eth_info ei;
      int rv = vl2_eth_parse(p->head.data, p->head.len, &ei);
      if ((rv == 0 || rv == VL2_ERR_UNSUPPORTED) && ei.tag_cnt > 0) {
        unsigned vid = ei.tci[0] & 0xfffu;
        if (vid >= 1 && vid <= VL2_VID_MAX)
          p->vlan_set[vid / 8] |= (uint8_t)(1u << (vid % 8));
      }
    }
    close_input(p);
  }
}

/* --- switch setup ----------------------------------------------------- */

static void check(int rv, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void check(int rv, const char *fmt, ...) {
  if (rv >= 0)
    return;
  char msg[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  usage_error("%s: %s", msg, vl2_strerror(rv));
}

static uint8_t seg_used[(VL2_VNI_MAX + 1) / 8];

static bool seg_exists(uint32_t vni) {
  return (seg_used[vni / 8] >> (vni % 8)) & 1u;
}

static void seg_ensure(vl2_switch *sw, uint32_t vni) {
  if (seg_exists(vni))
    return;
  /* Decapsulated frames are learned against their endpoint; from any
   * endpoint (flood and learn: a capture's endpoints are not configured)
   * unless --strict-remotes. */
  vl2_segment_config sc;
  memset(&sc, 0, sizeof(sc));
  sc.flags = VL2_SEG_F_LEARN_REMOTE;
  if (g.strict_remotes)
    sc.flags |= VL2_SEG_F_STRICT_REMOTES;
  check(vl2_switch_segment_add(sw, vni, &sc), "segment %u", vni);
  seg_used[vni / 8] |= (uint8_t)(1u << (vni % 8));
}

static vl2_switch *build_switch(void) {
  /* Count what we need to size the switch. */
  uint32_t segs = 0, top = 0;
  for (uint32_t i = 0; i < MAX_PORTS; i++) {
    port *p = g.ports[i];
    if (p == NULL)
      continue;
    top = i;
    if (!p->mode_set) {
      p->mode = VL2_PORT_TRUNK;
      p->vlans = VLANS_AUTO;
    }
    if (p->mode == VL2_PORT_TRUNK && p->native < 0)
      p->native = 1;
  }
  scan_vlans();
  for (uint32_t i = 0; i < MAX_PORTS; i++) {
    port *p = g.ports[i];
    if (p != NULL && p->mode == VL2_PORT_TRUNK && p->native > 0)
      p->vlan_set[p->native / 8] |= (uint8_t)(1u << (p->native % 8));
  }
  /* The VIDs in use, first VID per segment (for its sink). */
  static vl2_vid sink_vid[VL2_VID_MAX + 1];
  static uint32_t sink_vni[VL2_VID_MAX + 1];
  for (unsigned v = 1; v <= VL2_VID_MAX; v++) {
    bool used = false;
    for (uint32_t i = 0; i < MAX_PORTS && !used; i++) {
      port *p = g.ports[i];
      if (p == NULL || p->underlay)
        continue;
      used =
          p->mode == VL2_PORT_ACCESS ? p->pvid == v : vlan_in(p->vlan_set, v);
    }
    if (!used)
      continue;
    uint32_t vni = vni_for((vl2_vid)v);
    bool dup = false;
    for (uint32_t k = 0; k < segs; k++)
      dup = dup || sink_vni[k] == vni;
    if (!dup) {
      sink_vid[segs] = (vl2_vid)v;
      sink_vni[segs] = vni;
      segs++;
    }
  }
  for (size_t i = 0; i < g.n_rcfg + g.n_useg; i++) {
    uint32_t rv = i < g.n_rcfg ? g.rcfg[i].vni : g.useg[i - g.n_rcfg];
    bool dup = false;
    for (uint32_t k = 0; k < segs; k++)
      dup = dup || sink_vni[k] == rv;
    if (!dup && segs <= VL2_VID_MAX) {
      sink_vid[segs] = 0; /* a segment without a VLAN: no sink */
      sink_vni[segs++] = rv;
    }
  }
  /* Sinks: one access port per segment reached by a VLAN. */
  if (g.sinks) {
    uint32_t next = top + 1;
    for (uint32_t k = 0; k < segs; k++) {
      if (sink_vid[k] == 0)
        continue;
      if (next >= MAX_PORTS)
        usage_error("no port ids left for the sink ports (%u segments); "
                    "use --no-sinks or fewer VLANs",
                    segs);
      port *p = xcalloc(1, sizeof(port));
      p->id = next;
      p->sink = true;
      p->mode = VL2_PORT_ACCESS;
      p->pvid = sink_vid[k];
      p->dlt = -1;
      g.ports[next++] = p;
    }
  }

  vl2_switch_config cfg;
  vl2_switch_config_default(&cfg);
  cfg.max_ports = MAX_PORTS;
  cfg.max_segments = segs + 1 > cfg.max_segments ? segs + 1 : cfg.max_segments;
  cfg.max_remotes =
      g.n_rcfg + 1 > cfg.max_remotes ? (uint32_t)g.n_rcfg + 1 : cfg.max_remotes;
  cfg.ageing_ns = g.ageing_s * VL2_SEC;
  if (g.max_fdb != 0)
    cfg.max_fdb = g.max_fdb;
  vl2_switch *sw = NULL;
  check(vl2_switch_new(&sw, &cfg, NULL), "switch");

  for (uint32_t k = 0; k < segs; k++)
    seg_ensure(sw, sink_vni[k]);
  for (uint32_t i = 0; i < MAX_PORTS; i++) {
    port *p = g.ports[i];
    if (p == NULL || p->underlay)
      continue;
    vl2_port_config pc;
    vl2_port_config_default(&pc, p->mode);
    if (p->qinq)
      pc.flags |= VL2_PORT_F_QINQ;
    if (p->mode == VL2_PORT_ACCESS) {
      pc.pvid = p->pvid;
      check(vl2_switch_port_add(sw, i, &pc), "port %u", i);
      check(vl2_switch_port_vlan_add(sw, i, p->pvid, vni_for(p->pvid)),
            "port %u VLAN %u -> VNI %u", i, p->pvid, vni_for(p->pvid));
      continue;
    }
    pc.pvid = (vl2_vid)p->native;
    check(vl2_switch_port_add(sw, i, &pc), "port %u", i);
    for (unsigned v = 1; v <= VL2_VID_MAX; v++)
      if (vlan_in(p->vlan_set, v))
        check(vl2_switch_port_vlan_add(sw, i, (vl2_vid)v, vni_for((vl2_vid)v)),
              "port %u VLAN %u -> VNI %u", i, v, vni_for((vl2_vid)v));
  }
  for (size_t i = 0; i < g.n_rcfg; i++) {
    check(vl2_switch_remote_add(sw, g.rcfg[i].vni, &g.rcfg[i].addr),
          "--remote %u", g.rcfg[i].vni);
    find_remote(&g.rcfg[i].addr);
  }
  return sw;
}

/* --- summary ---------------------------------------------------------- */

typedef struct tally {
  uint64_t frames, forwarded, flooded, consumed, dropped, copies;
  uint64_t drops[VL2_DROP_REASON_MAX];
  uint64_t ev_learned, ev_moved, ev_aged, ev_limit, ev_other;
  uint64_t timer_runs;
  vl2_tstamp first_ts, last_ts;
  bool any;
  /* --underlay: tunnel packets read, decapsulated, refused by reason,
   * and other frames (not VXLAN or Geneve) skipped. */
  uint64_t tun_vxlan, tun_geneve, tun_outer, tun_decap, tun_other;
  uint64_t tun_drops[VL2_VXLAN_R_MAX];
} tally;

static const char *dlt_name(int dlt) {
  return dlt == 1     ? "EN10MB"
         : dlt == 113 ? "LINUX_SLL"
         : dlt == 276 ? "LINUX_SLL2"
                      : "none";
}

static void fmt_ts(vl2_tstamp ts, char *buf, size_t n) {
  time_t s = (time_t)(ts / VL2_SEC);
  struct tm tm;
  gmtime_r(&s, &tm);
  size_t k = strftime(buf, n, "%Y-%m-%d %H:%M:%S", &tm);
  snprintf(buf + k, n - k, ".%09" PRIu64, ts % VL2_SEC);
}

static json_object *jstr(const char *s) { return json_object_new_string(s); }
static json_object *ju64(uint64_t v) {
  return json_object_new_int64(v > INT64_MAX ? INT64_MAX : (int64_t)v);
}

static void port_role(const port *p, char *buf, size_t n) {
  if (p->mode == VL2_PORT_ACCESS) {
    snprintf(buf, n, "access VLAN %u", p->pvid);
    return;
  }
  int k = snprintf(buf, n, "trunk native %d VLANs ", p->native);
  unsigned cnt = 0, first = 0, last = 0;
  for (unsigned v = 1; v <= VL2_VID_MAX; v++)
    if (vlan_in(p->vlan_set, v)) {
      if (cnt++ == 0)
        first = v;
      last = v;
    }
  if (cnt == 0)
    snprintf(buf + k, n - (size_t)k, "none");
  else if (cnt == last - first + 1)
    snprintf(buf + k, n - (size_t)k, "%u-%u (%u)", first, last, cnt);
  else
    snprintf(buf + k, n - (size_t)k, "%u..%u (%u)", first, last, cnt);
}

static void summary(vl2_switch *sw, const tally *t) {
  vl2_switch_stats st;
  check(vl2_switch_get_stats(sw, &st), "stats");
  vl2_tstamp now = t->last_ts;
  json_object *root = json_object_new_object();
  json_check(root);
  json_object_object_add(root, "version", jstr(VL2_VERSION));
  json_object *inputs = json_object_new_array();
  json_object *ports = json_object_new_array();
  for (uint32_t i = 0; i < MAX_PORTS; i++) {
    port *p = g.ports[i];
    if (p == NULL)
      continue;
    if (p->underlay) {
      json_object *in = json_object_new_object();
      json_object_object_add(in, "port", ju64(i));
      json_object_object_add(in, "file", jstr(p->file));
      json_object_object_add(in, "link", jstr(dlt_name(p->dlt)));
      json_object_object_add(in, "frames", ju64(p->frames_in));
      json_object_object_add(in, "underlay", json_object_new_boolean(1));
      json_object_array_add(inputs, in);
      continue;
    }
    vl2_port_stats ps;
    check(vl2_switch_port_get_stats(sw, i, &ps), "port %u stats", i);
    char role[80];
    port_role(p, role, sizeof(role));
    json_object *o = json_object_new_object();
    json_object_object_add(o, "port", ju64(i));
    json_object_object_add(o, "kind",
                           jstr(p->input  ? "input"
                                : p->sink ? "sink"
                                          : "port"));
    json_object_object_add(
        o, "mode", jstr(p->mode == VL2_PORT_ACCESS ? "access" : "trunk"));
    json_object_object_add(o, "config", jstr(role));
    json_object_object_add(o, "rx_frames", ju64(ps.rx_frames));
    json_object_object_add(o, "rx_drops", ju64(ps.rx_drops));
    json_object_object_add(o, "tx_frames", ju64(ps.tx_frames));
    json_object_object_add(o, "written", ju64(p->written));
    json_object_object_add(o, "edit_errors", ju64(p->edit_errors));
    json_object_object_add(o, "macs", ju64(ps.macs));
    if (p->w != NULL) {
      char name[32];
      snprintf(name, sizeof(name), "port-%u.pcap", i);
      json_object_object_add(o, "file", jstr(name));
    }
    json_object_array_add(ports, o);
    if (p->input) {
      json_object *in = json_object_new_object();
      json_object_object_add(in, "port", ju64(i));
      json_object_object_add(in, "file", jstr(p->file));
      json_object_object_add(in, "link", jstr(dlt_name(p->dlt)));
      json_object_object_add(in, "frames", ju64(p->frames_in));
      json_object_array_add(inputs, in);
    }
  }
  json_object_object_add(root, "inputs", inputs);
  json_object_object_add(root, "frames", ju64(t->frames));
  char b1[64], b2[64];
  if (t->any) {
    fmt_ts(t->first_ts, b1, sizeof(b1));
    fmt_ts(t->last_ts, b2, sizeof(b2));
    json_object_object_add(root, "first", jstr(b1));
    json_object_object_add(root, "last", jstr(b2));
  }
  json_object *dec = json_object_new_object();
  json_object_object_add(dec, "decided", ju64(st.rx_frames));
  json_object_object_add(dec, "forwarded", ju64(t->forwarded));
  json_object_object_add(dec, "flooded", ju64(t->flooded));
  json_object_object_add(dec, "consumed", ju64(t->consumed));
  json_object_object_add(dec, "dropped", ju64(t->dropped));
  json_object_object_add(dec, "copies", ju64(t->copies));
  json_object_object_add(root, "decisions", dec);
  json_object *drops = json_object_new_object();
  for (unsigned r = 1; r < VL2_DROP_REASON_MAX; r++)
    if (t->drops[r] != 0)
      json_object_object_add(drops, vl2_drop_reason_name(r), ju64(t->drops[r]));
  json_object_object_add(root, "drops", drops);
  if (t->tun_vxlan + t->tun_geneve + t->tun_outer + t->tun_other != 0) {
    json_object *tun = json_object_new_object();
    json_object_object_add(tun, "vxlan", ju64(t->tun_vxlan));
    json_object_object_add(tun, "geneve", ju64(t->tun_geneve));
    json_object_object_add(tun, "outer_refused", ju64(t->tun_outer));
    json_object_object_add(tun, "decapsulated", ju64(t->tun_decap));
    json_object_object_add(tun, "other", ju64(t->tun_other));
    json_object *td = json_object_new_object();
    for (unsigned r = 1; r < VL2_VXLAN_R_MAX; r++)
      if (t->tun_drops[r] != 0)
        json_object_object_add(td, vl2_vxlan_reason_name(r),
                               ju64(t->tun_drops[r]));
    json_object_object_add(tun, "drops", td);
    json_object_object_add(root, "tunnel", tun);
  }
  json_object_object_add(root, "ports", ports);
  json_object *rems = json_object_new_array();
  for (size_t i = 0; i < g.n_remotes; i++) {
    remote *r = &g.remotes[i];
    char ip[INET6_ADDRSTRLEN], name[80];
    json_object *o = json_object_new_object();
    json_object_object_add(o, "remote", jstr(ip_str(&r->addr, ip, sizeof(ip))));
    json_object_object_add(o, "written", ju64(r->written));
    json_object *errs = json_object_new_object();
    for (unsigned k = 0; k < VL2_VXLAN_R_MAX; k++)
      if (r->encap_errors[k] != 0)
        json_object_object_add(errs, k == 0 ? "edit" : vl2_vxlan_reason_name(k),
                               ju64(r->encap_errors[k]));
    json_object_object_add(o, "encap_errors", errs);
    if (r->w != NULL) {
      snprintf(name, sizeof(name), "remote-%s.pcap", ip);
      json_object_object_add(o, "file", jstr(name));
    }
    json_object_array_add(rems, o);
  }
  json_object_object_add(root, "remotes", rems);
  json_object *ev = json_object_new_object();
  json_object_object_add(ev, "learned", ju64(t->ev_learned));
  json_object_object_add(ev, "moved", ju64(t->ev_moved));
  json_object_object_add(ev, "aged", ju64(t->ev_aged));
  json_object_object_add(ev, "limit", ju64(t->ev_limit));
  json_object_object_add(ev, "other", ju64(t->ev_other));
  json_object_object_add(ev, "dropped", ju64(st.events_dropped));
  json_object_object_add(root, "events", ev);
  json_object_object_add(root, "timer_runs", ju64(t->timer_runs));
  json_object *fdb = json_object_new_array();
  uint64_t cur = 0;
  vl2_fdb_entry e;
  while (vl2_fdb_next(sw, &cur, &e, now) == 1) {
    char m[24], ip[INET6_ADDRSTRLEN];
    json_object *o = json_object_new_object();
    json_object_object_add(o, "vni", ju64(e.vni));
    json_object_object_add(o, "mac", jstr(mac_str(&e.mac, m)));
    if (e.flags & VL2_FDB_F_REMOTE)
      json_object_object_add(o, "remote",
                             jstr(ip_str(&e.remote, ip, sizeof(ip))));
    else
      json_object_object_add(o, "port", ju64(e.port));
    json_object_object_add(o, "static",
                           json_object_new_boolean(e.flags & VL2_FDB_F_STATIC));
    json_object_array_add(fdb, o);
  }
  json_object_object_add(root, "learned_macs",
                         ju64(json_object_array_length(fdb)));
  json_object_object_add(root, "fdb", fdb);

  if (g.json) {
    puts(json_object_to_json_string_ext(
        root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(root);
    return;
  }
  for (uint32_t i = 0; i < MAX_PORTS; i++) {
    port *p = g.ports[i];
    if (p != NULL && p->input)
      printf("input       port %u: %s (%s): %" PRIu64 " frames\n", i, p->file,
             dlt_name(p->dlt), p->frames_in);
  }
  printf("frames      %" PRIu64 "\n", t->frames);
  if (t->any)
    printf("time        %s .. %s UTC\n", b1, b2);
  printf("decisions   %" PRIu64 ": forwarded %" PRIu64 ", flooded %" PRIu64
         ", consumed %" PRIu64 ", dropped %" PRIu64 " (%" PRIu64
         " copies out)\n",
         st.rx_frames, t->forwarded, t->flooded, t->consumed, t->dropped,
         t->copies);
  for (unsigned r = 1; r < VL2_DROP_REASON_MAX; r++)
    if (t->drops[r] != 0)
      printf("  drop      %-22s %" PRIu64 "\n", vl2_drop_reason_name(r),
             t->drops[r]);
  if (t->tun_vxlan + t->tun_geneve + t->tun_outer + t->tun_other != 0) {
    printf("underlay    VXLAN %" PRIu64 ", Geneve %" PRIu64
           ", outer refused %" PRIu64 ": decapsulated %" PRIu64
           " (other frames %" PRIu64 ")\n",
           t->tun_vxlan, t->tun_geneve, t->tun_outer, t->tun_decap,
           t->tun_other);
    for (unsigned r = 1; r < VL2_VXLAN_R_MAX; r++)
      if (t->tun_drops[r] != 0)
        printf("  refused   %-22s %" PRIu64 "\n", vl2_vxlan_reason_name(r),
               t->tun_drops[r]);
  }
  printf("events      learned %" PRIu64 ", moved %" PRIu64 ", aged %" PRIu64
         ", limit %" PRIu64 " (timer runs %" PRIu64 ")\n",
         t->ev_learned, t->ev_moved, t->ev_aged, t->ev_limit, t->timer_runs);
  for (uint32_t i = 0; i < MAX_PORTS; i++) {
    port *p = g.ports[i];
    if (p == NULL)
      continue;
    if (p->underlay) {
      printf("port %-6u underlay (tunnel packets) in %" PRIu64 "\n", i,
             p->frames_in);
      continue;
    }
    vl2_port_stats ps;
    check(vl2_switch_port_get_stats(sw, i, &ps), "port %u stats", i);
    char role[80];
    port_role(p, role, sizeof(role));
    printf("port %-6u %-5s %-36s in %" PRIu64 " (dropped %" PRIu64
           ") out %" PRIu64 "%s\n",
           i,
           p->input  ? "input"
           : p->sink ? "sink"
                     : "",
           role, ps.rx_frames, ps.rx_drops, p->written,
           p->edit_errors ? " (edit errors)" : "");
  }
  for (size_t i = 0; i < g.n_remotes; i++) {
    char ip[INET6_ADDRSTRLEN];
    uint64_t errs = 0;
    for (unsigned k = 0; k < VL2_VXLAN_R_MAX; k++)
      errs += g.remotes[i].encap_errors[k];
    printf("remote %-30s out %" PRIu64 " (not encapsulated %" PRIu64 ")\n",
           ip_str(&g.remotes[i].addr, ip, sizeof(ip)), g.remotes[i].written,
           errs);
  }
  json_object *fa = NULL;
  json_object_object_get_ex(root, "fdb", &fa);
  size_t nf = json_object_array_length(fa);
  printf("learned     %zu MACs\n", nf);
  for (size_t i = 0; i < nf; i++) {
    json_object *o = json_object_array_get_idx(fa, i), *x;
    printf("  vni %-8s %s ",
           json_object_object_get_ex(o, "vni", &x) ? json_object_get_string(x)
                                                   : "?",
           json_object_object_get_ex(o, "mac", &x) ? json_object_get_string(x)
                                                   : "?");
    if (json_object_object_get_ex(o, "port", &x))
      printf("port %s\n", json_object_get_string(x));
    else if (json_object_object_get_ex(o, "remote", &x))
      printf("remote %s\n", json_object_get_string(x));
    else
      printf("\n");
  }
  json_object_put(root);
}

/* --- replay ----------------------------------------------------------- */

static void drain_events(vl2_switch *sw, tally *t) {
  vl2_event ev;
  while (vl2_switch_poll_event(sw, &ev) == 1) {
    switch (ev.type) {
    case VL2_EV_FDB_LEARNED:
      t->ev_learned++;
      break;
    case VL2_EV_FDB_MOVED:
      t->ev_moved++;
      break;
    case VL2_EV_FDB_AGED:
      t->ev_aged++;
      break;
    case VL2_EV_FDB_LIMIT:
      t->ev_limit++;
      break;
    default:
      t->ev_other++;
      break;
    }
  }
}

/* --trace: frame |f|'s steps, printed before it is processed; the
 * verdict and destinations the trace reports go to |tv| / |td|. */
static void trace_frame(vl2_switch *sw, const tally *t, const vl2_frame *f,
                        vl2_tstamp now, vl2_verdict *tv, vl2_dest *td,
                        size_t cap) {
  static vl2_trace_step steps[512];
  size_t n = 0;
  int rv = vl2_switch_trace(sw, f, now, tv, td, cap, steps,
                            sizeof(steps) / sizeof(steps[0]), &n);
  if (rv != 0)
    die("trace: %s", vl2_strerror(rv));
  char ts[64], line[512];
  fmt_ts(f->rx_ts, ts, sizeof(ts));
  printf("frame %" PRIu64 " %s, %u bytes\n", t->frames + 1, ts, f->len);
  for (size_t i = 0; i < n && i < sizeof(steps) / sizeof(steps[0]); i++)
    printf("  %s\n",
           trace_step_text(&steps[i], NULL, NULL, line, sizeof(line)));
  if (n > sizeof(steps) / sizeof(steps[0]))
    printf("  (%zu more steps)\n", n - sizeof(steps) / sizeof(steps[0]));
  for (uint32_t i = 0; i < tv->dest_cnt; i++) {
    const vl2_dest *d = &td[i];
    char ip[INET6_ADDRSTRLEN], e[64];
    if (d->type == VL2_DEST_PORT)
      printf("  -> port %u", d->port);
    else
      printf("  -> remote %s vni %u udp source port %u",
             ip_str(&d->remote, ip, sizeof(ip)), d->vni, d->udp_sport);
    printf(": %s\n", trace_edit_text(d, e, sizeof(e)));
  }
}

/* --trace: the decision equals what the trace said, destination by
 * destination (the trace runs the same code). */
static void trace_check(const vl2_verdict *tv, const vl2_dest *td,
                        const vl2_verdict *v, const vl2_dest *dests) {
  bool same = tv->action == v->action && tv->reason == v->reason &&
              tv->flags == v->flags && tv->vni == v->vni &&
              tv->dest_cnt == v->dest_cnt;
  for (uint32_t i = 0; same && i < v->dest_cnt; i++) {
    const vl2_dest *a = &td[i], *b = &dests[v->dest_off + i];
    same = a->type == b->type && a->edit == b->edit && a->vid == b->vid &&
           a->tpid == b->tpid && a->vni == b->vni &&
           a->udp_sport == b->udp_sport &&
           (a->type == VL2_DEST_PORT ? a->port == b->port
                                     : a->remote_id == b->remote_id);
  }
  if (!same)
    die("the trace and the decision differ (a bug in libvl2: please report "
        "it with the capture)");
}

static void verbose_line(const tally *t, const vl2_frame *f,
                         const vl2_verdict *v, const vl2_dest *dests) {
  char ts[64];
  fmt_ts(f->rx_ts, ts, sizeof(ts));
  printf("%" PRIu64 " %s port %u len %u: ", t->frames, ts, f->port, f->len);
  if (v->action == VL2_ACT_DROP) {
    printf("drop %s\n", vl2_drop_reason_name(v->reason));
    return;
  }
  if (v->action == VL2_ACT_CONSUMED) {
    printf("consumed vni %u\n", v->vni);
    return;
  }
  printf("%s vni %u ->", v->flags & VL2_VFLAG_FLOOD ? "flood" : "forward",
         v->vni);
  for (uint32_t i = 0; i < v->dest_cnt; i++) {
    const vl2_dest *d = &dests[v->dest_off + i];
    char ip[INET6_ADDRSTRLEN];
    if (d->type == VL2_DEST_PORT)
      printf(" port %u", d->port);
    else
      printf(" remote %s", ip_str(&d->remote, ip, sizeof(ip)));
    static const char *const en[] = {"", "+push", "+pop", "+rewrite"};
    if (d->edit < 4)
      printf("%s", en[d->edit]);
    if (d->edit == VL2_EDIT_PUSH || d->edit == VL2_EDIT_REWRITE)
      printf(":%u", d->vid);
  }
  printf("\n");
}

/* A frame of an --underlay capture: decapsulate it with the core into
 * |*out| (the inner frame from VL2_PORT_REMOTE). VXLAN is recognised by
 * its UDP destination port (4789, 8472, --vxlan-port), Geneve by 6081;
 * the outer destination is not checked (a capture's addresses are not
 * ours) and zero UDP checksums over IPv6 are accepted (RFC 6935/6936).
 * Returns false when the frame is refused (counted by reason) or is not
 * a tunnel packet (counted as other). */
static bool underlay_decap(const vl2_frame *in, vl2_frame *out, tally *t) {
  vl2_geneve_config gc;
  vl2_geneve_config_default(&gc);
  gc.tun.underlay_mtu = 0;
  gc.tun.flags = VL2_VXLAN_F_UDP6_ZERO_CSUM_RX;
  if (g.no_csum_verify)
    gc.tun.flags |= VL2_VXLAN_F_NO_CSUM_VERIFY;
  gc.known_cnt = (uint32_t)g.dopt.n_geneve_known;
  memcpy(gc.known, g.dopt.geneve_known,
         g.dopt.n_geneve_known * sizeof(gc.known[0]));
  gc.tun.dst_port = g.dopt.geneve_port;
  *out = *in;
  uint16_t reason = 0;
  int rv = vl2_geneve_decap_frame(&gc, out, VL2_VXLAN_LAYER_ETH, &reason);
  if (rv != 0 &&
      (reason == VL2_VXLAN_R_NOT_IP || reason == VL2_VXLAN_R_NOT_UDP)) {
    t->tun_other++;
    return false;
  }
  if (rv != 0 && reason <= VL2_VXLAN_R_UDP_LEN) {
    /* Refused before the UDP port says which tunnel it is. */
    t->tun_outer++;
  } else if (rv == 0 || reason != VL2_VXLAN_R_WRONG_PORT) {
    t->tun_geneve++;
  } else {
    vl2_vxlan_config vc = gc.tun;
    for (size_t i = 0; i < g.dopt.n_vxlan_ports; i++) {
      vc.dst_port = g.dopt.vxlan_ports[i];
      *out = *in;
      rv = vl2_vxlan_decap_frame(&vc, out, VL2_VXLAN_LAYER_ETH, &reason);
      if (rv == 0 || reason != VL2_VXLAN_R_WRONG_PORT)
        break;
    }
    if (rv != 0 && reason == VL2_VXLAN_R_WRONG_PORT) {
      t->tun_other++;
      return false;
    }
    t->tun_vxlan++;
  }
  if (rv != 0) {
    t->tun_drops[reason < VL2_VXLAN_R_MAX ? reason : 0]++;
    return false;
  }
  t->tun_decap++;
  return true;
}

static int run_replay(void) {
  vl2_switch *sw = build_switch();
  size_t cap = vl2_switch_max_fanout(sw) + 1;
  vl2_dest *dests = xcalloc(cap, sizeof(*dests));
  vl2_dest *tdests = xcalloc(cap, sizeof(*tdests));
  uint8_t *buf = xcalloc(1, HEADROOM + MAX_FRAME + 64);
  if (g.outdir != NULL && mkdir(g.outdir, 0777) != 0 && errno != EEXIST)
    die("cannot create %s: %s", g.outdir, strerror(errno));
  for (uint32_t i = 0; i < MAX_PORTS; i++)
    if (g.ports[i] != NULL && g.ports[i]->input) {
      open_input(g.ports[i]);
      next_frame(g.ports[i]);
    }
  tally t;
  memset(&t, 0, sizeof(t));
  for (;;) {
    port *best = NULL;
    for (uint32_t i = 0; i < MAX_PORTS; i++) {
      port *p = g.ports[i];
      if (p != NULL && p->input && p->has_head &&
          (best == NULL || p->head.rx_ts < best->head.rx_ts))
        best = p;
    }
    if (best == NULL)
      break;
    const vl2_frame *f = &best->head;
    /* The capture time is the clock; it never runs backwards. */
    vl2_tstamp now = f->rx_ts;
    if (t.any && now < t.last_ts)
      now = t.last_ts;
    if (!t.any)
      t.first_ts = now;
    t.any = true;
    t.last_ts = now;
    if (vl2_switch_next_deadline(sw) <= now) {
      check(vl2_switch_run_timers(sw, now), "timers");
      t.timer_runs++;
    }
    vl2_frame inner;
    if (best->underlay) {
      if (!underlay_decap(f, &inner, &t)) {
        next_frame(best);
        continue;
      }
      f = &inner;
    }
    vl2_verdict v, tv;
    if (g.trace)
      trace_frame(sw, &t, f, now, &tv, tdests, cap);
    vl2_ssize k = vl2_switch_process(sw, f, 1, &v, dests, cap, now);
    if (k != 1)
      die("switch: %s", vl2_strerror((int)k));
    if (g.trace)
      trace_check(&tv, tdests, &v, dests);
    t.frames++;
    if (g.verbose)
      verbose_line(&t, f, &v, dests);
    switch (v.action) {
    case VL2_ACT_DROP:
      t.dropped++;
      t.drops[v.reason < VL2_DROP_REASON_MAX ? v.reason : 0]++;
      break;
    case VL2_ACT_CONSUMED:
      t.consumed++;
      break;
    default:
      if (v.flags & VL2_VFLAG_FLOOD)
        t.flooded++;
      else
        t.forwarded++;
      for (uint32_t i = 0; i < v.dest_cnt; i++)
        emit(f, &dests[v.dest_off + i], f->rx_ts, buf);
      t.copies += v.dest_cnt;
      break;
    }
    drain_events(sw, &t);
    next_frame(best);
  }
  if (!g.quiet)
    summary(sw, &t);
  int rc = 0;
  for (uint32_t i = 0; i < MAX_PORTS; i++) {
    port *p = g.ports[i];
    if (p == NULL)
      continue;
    if (p->be != NULL)
      close_input(p);
    int rv = vl2_pcap_writer_close(p->w);
    if (rv < 0) {
      fprintf(stderr, PROG ": closing port-%u.pcap: %s\n", i,
              rv > -200 ? strerror(-rv) : vl2_strerror(rv));
      rc = 1;
    }
    free(p);
    g.ports[i] = NULL;
  }
  for (size_t i = 0; i < g.n_remotes; i++) {
    int rv = vl2_pcap_writer_close(g.remotes[i].w);
    if (rv < 0) {
      fprintf(stderr, PROG ": closing a remote's file: %s\n",
              rv > -200 ? strerror(-rv) : vl2_strerror(rv));
      rc = 1;
    }
  }
  free(g.remotes);
  free(dests);
  free(tdests);
  free(buf);
  vl2_switch_del(sw);
  return rc;
}

/* --- decode ----------------------------------------------------------- */

static int run_decode(void) {
  int rc = 0;
  for (uint32_t i = 0; i < MAX_PORTS; i++) {
    port *p = g.ports[i];
    if (p == NULL || !p->input)
      continue;
    open_input(p);
    uint64_t n = 0;
    while (next_frame(p)) {
      n++;
      json_object *layers = dec_frame(p->head.data, p->head.len, &g.dopt);
      json_check(layers);
      char ts[64];
      fmt_ts(p->head.rx_ts, ts, sizeof(ts));
      if (g.json) {
        json_object *o = json_object_new_object();
        json_check(o);
        json_object_object_add(o, "frame", ju64(n));
        json_object_object_add(o, "port", ju64(p->id));
        json_object_object_add(o, "ts", jstr(ts));
        json_object_object_add(o, "caplen", ju64(p->head.len));
        json_object_object_add(o, "layers", layers);
        puts(json_object_to_json_string_ext(
            o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(o);
      } else {
        printf("%" PRIu64 " %s caplen %u: ", n, ts, p->head.len);
        dec_print_text(stdout, layers);
        putchar('\n');
        json_object_put(layers);
      }
    }
    close_input(p);
    free(p);
    g.ports[i] = NULL;
  }
  if (fflush(stdout) != 0)
    rc = 1;
  return rc;
}

/* --- main ------------------------------------------------------------- */

enum {
  OPT_ACCESS = 256,
  OPT_TRUNK,
  OPT_NATIVE,
  OPT_QINQ,
  OPT_MAP,
  OPT_REMOTE,
  OPT_NO_SINKS,
  OPT_AGEING,
  OPT_MAX_FDB,
  OPT_LOCAL,
  OPT_MTU,
  OPT_INNER,
  OPT_JSON,
  OPT_TRACE,
  OPT_DECODE,
  OPT_VXLAN_PORT,
  OPT_UNDERLAY,
  OPT_GENEVE_KNOWN,
  OPT_SEGMENT,
  OPT_STRICT_REMOTES,
  OPT_NO_CSUM_VERIFY,
  OPT_GENEVE,
};

int main(int argc, char **argv) {
  static const struct option opts[] = {
      {"port", required_argument, NULL, 'p'},
      {"access", required_argument, NULL, OPT_ACCESS},
      {"trunk", required_argument, NULL, OPT_TRUNK},
      {"native", required_argument, NULL, OPT_NATIVE},
      {"qinq", required_argument, NULL, OPT_QINQ},
      {"map", required_argument, NULL, OPT_MAP},
      {"remote", required_argument, NULL, OPT_REMOTE},
      {"no-sinks", no_argument, NULL, OPT_NO_SINKS},
      {"ageing", required_argument, NULL, OPT_AGEING},
      {"max-fdb", required_argument, NULL, OPT_MAX_FDB},
      {"outdir", required_argument, NULL, 'o'},
      {"local", required_argument, NULL, OPT_LOCAL},
      {"mtu", required_argument, NULL, OPT_MTU},
      {"inner", no_argument, NULL, OPT_INNER},
      {"json", no_argument, NULL, OPT_JSON},
      {"verbose", no_argument, NULL, 'v'},
      {"trace", no_argument, NULL, OPT_TRACE},
      {"quiet", no_argument, NULL, 'q'},
      {"decode", no_argument, NULL, OPT_DECODE},
      {"vxlan-port", required_argument, NULL, OPT_VXLAN_PORT},
      {"underlay", required_argument, NULL, OPT_UNDERLAY},
      {"geneve-known", required_argument, NULL, OPT_GENEVE_KNOWN},
      {"segment", required_argument, NULL, OPT_SEGMENT},
      {"strict-remotes", no_argument, NULL, OPT_STRICT_REMOTES},
      {"no-csum-verify", no_argument, NULL, OPT_NO_CSUM_VERIFY},
      {"geneve", required_argument, NULL, OPT_GENEVE},
      {"help", no_argument, NULL, 'h'},
      {"version", no_argument, NULL, 'V'},
      {NULL, 0, NULL, 0},
  };
  for (unsigned v = 0; v <= VL2_VID_MAX; v++)
    g.vni_of[v] = NO_VNI;
  g.sinks = true;
  g.mtu = 1500;
  g.ageing_s = 300;
  dec_opts_default(&g.dopt);
  int c;
  const char *rest;
  port *p;
  while ((c = getopt_long(argc, argv, "p:o:vqhV", opts, NULL)) != -1) {
    switch (c) {
    case 'p':
      p = port_arg(optarg, &rest, "--port");
      if (p->input)
        usage_error("port %u has two captures", p->id);
      if (rest[0] == '\0')
        usage_error("--port %u: empty file name", p->id);
      p->input = true;
      p->file = rest;
      break;
    case OPT_ACCESS:
      p = port_arg(optarg, &rest, "--access");
      if (p->mode_set)
        usage_error("port %u configured twice", p->id);
      p->mode_set = true;
      p->mode = VL2_PORT_ACCESS;
      p->pvid = parse_vid(rest, "VLAN");
      break;
    case OPT_TRUNK:
      p = port_arg(optarg, &rest, "--trunk");
      if (p->mode_set)
        usage_error("port %u configured twice", p->id);
      p->mode_set = true;
      p->mode = VL2_PORT_TRUNK;
      parse_vlan_list(p, rest);
      break;
    case OPT_NATIVE:
      p = port_arg(optarg, &rest, "--native");
      p->native = (int)parse_u64(rest, VL2_VID_MAX, "native VLAN");
      break;
    case OPT_QINQ:
      p = port_arg(optarg, NULL, "--qinq");
      p->qinq = true;
      break;
    case OPT_MAP: {
      const char *eq = strchr(optarg, '=');
      char vb[16];
      if (eq == NULL || (size_t)(eq - optarg) >= sizeof(vb))
        usage_error("--map needs VID=VNI, not '%s'", optarg);
      memcpy(vb, optarg, (size_t)(eq - optarg));
      vb[eq - optarg] = '\0';
      vl2_vid vid = parse_vid(vb, "VLAN");
      g.vni_of[vid] = (uint32_t)parse_u64(eq + 1, VL2_VNI_MAX, "VNI");
      break;
    }
    case OPT_REMOTE: {
      const char *eq = strchr(optarg, '=');
      char vb[16];
      if (eq == NULL || (size_t)(eq - optarg) >= sizeof(vb))
        usage_error("--remote needs VNI=IP, not '%s'", optarg);
      memcpy(vb, optarg, (size_t)(eq - optarg));
      vb[eq - optarg] = '\0';
      remote_cfg *r = realloc(g.rcfg, (g.n_rcfg + 1) * sizeof(*r));
      if (r == NULL)
        die("out of memory");
      g.rcfg = r;
      r[g.n_rcfg].vni = (uint32_t)parse_u64(vb, VL2_VNI_MAX, "VNI");
      parse_ip(eq + 1, &r[g.n_rcfg].addr, "--remote");
      g.n_rcfg++;
      break;
    }
    case OPT_NO_SINKS:
      g.sinks = false;
      break;
    case OPT_AGEING:
      g.ageing_s = parse_u64(optarg, 100u * 365 * 86400, "ageing time");
      break;
    case OPT_MAX_FDB:
      g.max_fdb = (uint32_t)parse_u64(optarg, 1u << 26, "FDB size");
      if (g.max_fdb == 0)
        usage_error("--max-fdb must be at least 1");
      break;
    case 'o':
      g.outdir = optarg;
      break;
    case OPT_LOCAL:
      parse_ip(optarg, &g.local, "--local");
      g.local_set = true;
      break;
    case OPT_MTU:
      g.mtu = (uint32_t)parse_u64(optarg, 65535, "MTU");
      if (g.mtu != 0 && g.mtu < 68)
        usage_error("--mtu must be 0 or 68..65535");
      break;
    case OPT_INNER:
      g.inner = true;
      break;
    case OPT_JSON:
      g.json = true;
      break;
    case 'v':
      g.verbose = true;
      break;
    case OPT_TRACE:
      g.trace = true;
      break;
    case 'q':
      g.quiet = true;
      break;
    case OPT_DECODE:
      g.decode = true;
      break;
    case OPT_VXLAN_PORT:
      if (g.dopt.n_vxlan_ports == DEC_MAX_VXLAN_PORTS)
        usage_error("too many --vxlan-port");
      g.dopt.vxlan_ports[g.dopt.n_vxlan_ports++] =
          (uint16_t)parse_u64(optarg, 65535, "UDP port");
      break;
    case OPT_UNDERLAY:
      p = port_arg(optarg, NULL, "--underlay");
      p->underlay = true;
      break;
    case OPT_GENEVE_KNOWN: {
      /* CLASS:TYPE, numbers in C syntax (0x0102:0x80). */
      char *end;
      errno = 0;
      unsigned long cl = strtoul(optarg, &end, 0);
      unsigned long ty = 0;
      bool ok = errno == 0 && *end == ':' && cl <= 0xffff;
      if (ok) {
        ty = strtoul(end + 1, &end, 0);
        ok = errno == 0 && *end == '\0' && ty <= 0xff;
      }
      if (!ok)
        usage_error("--geneve-known needs CLASS:TYPE, not '%s'", optarg);
      if (g.dopt.n_geneve_known == VL2_GENEVE_KNOWN_MAX)
        usage_error("too many --geneve-known (at most %d)",
                    VL2_GENEVE_KNOWN_MAX);
      vl2_geneve_opt_id *k = &g.dopt.geneve_known[g.dopt.n_geneve_known++];
      k->opt_class = (uint16_t)cl;
      k->type = (uint8_t)ty;
      break;
    }
    case OPT_SEGMENT:
      if (g.n_useg == sizeof(g.useg) / sizeof(g.useg[0]))
        usage_error("too many --segment");
      g.useg[g.n_useg++] = (uint32_t)parse_u64(optarg, VL2_VNI_MAX, "VNI");
      break;
    case OPT_STRICT_REMOTES:
      g.strict_remotes = true;
      break;
    case OPT_NO_CSUM_VERIFY:
      g.no_csum_verify = true;
      break;
    case OPT_GENEVE:
      if (g.n_gseg == sizeof(g.gseg) / sizeof(g.gseg[0]))
        usage_error("too many --geneve");
      g.gseg[g.n_gseg++] = (uint32_t)parse_u64(optarg, VL2_VNI_MAX, "VNI");
      break;
    case 'h':
      usage();
      return 0;
    case 'V':
      printf(PROG " (libvl2) %s\n", VL2_VERSION);
      return 0;
    default:
      fprintf(stderr, "Try '" PROG " --help' for more information.\n");
      return 2;
    }
  }
  if (optind < argc) {
    if (argc - optind > 1)
      usage_error("one FILE only; use --port N=FILE for more captures");
    p = port_arg("0", NULL, "FILE");
    if (p->input)
      usage_error("FILE and --port 0=FILE both given");
    p->input = true;
    p->file = argv[optind];
  }
  bool any_input = false;
  for (uint32_t i = 0; i < MAX_PORTS; i++)
    any_input = any_input || (g.ports[i] != NULL && g.ports[i]->input);
  if (!any_input)
    usage_error("no capture file given");
  for (uint32_t i = 0; i < MAX_PORTS; i++) {
    p = g.ports[i];
    if (p == NULL)
      continue;
    if (p->mode_set && p->mode == VL2_PORT_ACCESS && p->native >= 0)
      usage_error("--native %u: port %u is an access port", i, i);
    if (p->underlay && !p->input)
      usage_error("--underlay %u: port %u has no capture", i, i);
    if (p->underlay && p->mode_set)
      usage_error("--underlay %u: the underlay is not a switch port", i);
  }
  if ((g.verbose || g.trace) && g.json)
    usage_error("--verbose and --trace exclude --json");
  if (!g.local_set) {
    bool v6 = g.n_rcfg > 0 && g.rcfg[0].addr.family == VL2_AF_INET6;
    parse_ip(v6 ? "2001:db8::1" : "192.0.2.1", &g.local, "--local");
  }
  for (size_t i = 0; i < g.n_rcfg && !g.inner; i++)
    if (g.rcfg[i].addr.family != g.local.family)
      usage_error("--remote %u: address family differs from --local "
                  "(use --inner to write inner frames)",
                  g.rcfg[i].vni);
  int rc = g.decode ? run_decode() : run_replay();
  free(g.rcfg);
  if (fflush(stdout) != 0)
    rc = 1;
  return rc;
}
