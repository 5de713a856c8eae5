/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * vl2ctl: talk to a running vl2-switch over its control socket.
 *
 * The protocol is one command line in, one JSON line out (an object with
 * "error" on failure); vl2ctl prints it as text in the style of
 * bridge(8) and ip(8), or as JSON with --json.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <json-c/json.h>

#include <vl2/version.h>

#include "vl2ctl.h"

static const char *gs(json_object *o, const char *k) {
  json_object *v;
  if (!json_object_object_get_ex(o, k, &v))
    return NULL;
  return json_object_get_string(v);
}

static long long gi(json_object *o, const char *k) {
  json_object *v;
  if (!json_object_object_get_ex(o, k, &v))
    return -1;
  return (long long)json_object_get_int64(v);
}

static json_object *ga(json_object *o, const char *k) {
  json_object *v;
  if (!json_object_object_get_ex(o, k, &v))
    return NULL;
  return v;
}

static void join(json_object *arr, char *buf, size_t len) {
  buf[0] = 0;
  size_t n = arr ? json_object_array_length(arr) : 0;
  for (size_t i = 0; i < n; i++) {
    size_t l = strlen(buf);
    snprintf(buf + l, len - l, "%s%s", i ? "," : "",
             json_object_get_string(json_object_array_get_idx(arr, i)));
  }
  if (!n)
    snprintf(buf, len, "-");
}

static void print_fdb(json_object *r) {
  json_object *arr = ga(r, "fdb");
  size_t n = arr ? json_object_array_length(arr) : 0;
  for (size_t i = 0; i < n; i++) {
    json_object *e = json_object_array_get_idx(arr, i);
    const char *st = gs(e, "state");
    if (gs(e, "remote"))
      printf("%s dev vxlan dst %s vni %lld master vl2 ", gs(e, "mac"),
             gs(e, "remote"), gi(e, "vni"));
    else
      printf("%s dev %s vni %lld master vl2 ", gs(e, "mac"), gs(e, "dev"),
             gi(e, "vni"));
    const char *org = gs(e, "origin");
    if (org && strcmp(org, "evpn") == 0)
      printf("static extern_learn proto evpn\n");
    else if (st && strcmp(st, "static") == 0)
      printf("static\n");
    else if (gi(e, "expires_in") >= 0)
      printf("dynamic, expires in %lld s\n", gi(e, "expires_in"));
    else
      printf("dynamic\n");
  }
}

static void print_neigh(json_object *r) {
  json_object *arr = ga(r, "neigh");
  size_t n = arr ? json_object_array_length(arr) : 0;
  for (size_t i = 0; i < n; i++) {
    json_object *e = json_object_array_get_idx(arr, i);
    printf("%s", gs(e, "ip"));
    if (gs(e, "dev"))
      printf(" dev %s", gs(e, "dev"));
    printf(" vni %lld lladdr %s", gi(e, "vni"), gs(e, "lladdr"));
    json_object *b;
    if (json_object_object_get_ex(e, "router", &b) &&
        json_object_get_boolean(b))
      printf(" router");
    const char *org = gs(e, "origin");
    if (org && strcmp(org, "evpn") == 0)
      printf(" extern_learn proto evpn PERMANENT\n");
    else if (json_object_object_get_ex(e, "static", &b) &&
             json_object_get_boolean(b))
      printf(" PERMANENT\n");
    else
      printf(" %s\n", gs(e, "state"));
  }
}

static void print_ports(json_object *arr) {
  size_t n = arr ? json_object_array_length(arr) : 0;
  printf("%-4s %-15s %-9s %-6s %-12s %-10s %6s %10s %10s %8s\n", "ID", "NAME",
         "TYPE", "MODE", "VLANS", "SEGMENTS", "MACS", "RX", "TX", "DROPS");
  for (size_t i = 0; i < n; i++) {
    json_object *p = json_object_array_get_idx(arr, i);
    json_object *s = ga(p, "stats");
    char vl[64], sg[64];
    join(ga(p, "vlans"), vl, sizeof vl);
    join(ga(p, "segments"), sg, sizeof sg);
    printf("%-4lld %-15s %-9s %-6s %-12s %-10s %6lld %10lld %10lld %8lld\n",
           gi(p, "id"), gs(p, "name"), gs(p, "type"), gs(p, "mode"), vl, sg,
           s ? gi(s, "macs") : 0, s ? gi(s, "rx_frames") : 0,
           s ? gi(s, "tx_frames") : 0, s ? gi(s, "rx_drops") : 0);
  }
}

static void print_segments(json_object *arr) {
  size_t n = arr ? json_object_array_length(arr) : 0;
  for (size_t i = 0; i < n; i++) {
    json_object *s = json_object_array_get_idx(arr, i);
    char fl[128], pl[256], vt[512];
    join(ga(s, "flags"), fl, sizeof fl);
    join(ga(s, "ports"), pl, sizeof pl);
    join(ga(s, "flood"), vt, sizeof vt);
    printf("vni %lld vlan %lld flags %s ports %s flood %s\n", gi(s, "vni"),
           gi(s, "vlan"), fl, pl, vt);
    json_object *st = ga(s, "stats");
    if (st)
      printf("    rx %lld frames, tx %lld copies, flooded %lld (%lld "
             "copies, %lld remote), unknown unicast %lld, macs %lld\n",
             gi(st, "rx_frames"), gi(st, "tx_frames"), gi(st, "bum_frames"),
             gi(st, "flood_copies"), gi(st, "flood_remote_copies"),
             gi(st, "unknown_unicast"), gi(st, "macs"));
  }
}

/* Like `bridge mdb show`. */
static void print_mdb(json_object *r) {
  json_object *arr = ga(r, "mdb");
  size_t n = arr ? json_object_array_length(arr) : 0;
  for (size_t i = 0; i < n; i++) {
    json_object *e = json_object_array_get_idx(arr, i);
    printf("dev vl2 port %s", gs(e, "port"));
    if (gs(e, "remote"))
      printf(" dst %s", gs(e, "remote"));
    printf(" grp %s %s vni %lld", gs(e, "grp"), gs(e, "state"), gi(e, "vni"));
    json_object *b;
    if (json_object_object_get_ex(e, "leaving", &b))
      printf(" leaving");
    if (gi(e, "expires_ms") >= 0)
      printf(" expires %.2f", (double)gi(e, "expires_ms") / 1000.0);
    printf("\n");
  }
  arr = ga(r, "router");
  n = arr ? json_object_array_length(arr) : 0;
  for (size_t i = 0; i < n; i++) {
    json_object *e = json_object_array_get_idx(arr, i);
    printf("router port %s", gs(e, "port"));
    if (gs(e, "remote"))
      printf(" dst %s", gs(e, "remote"));
    printf(" vni %lld %s", gi(e, "vni"), gs(e, "state"));
    if (gi(e, "expires_ms") >= 0)
      printf(" expires %.2f", (double)gi(e, "expires_ms") / 1000.0);
    printf("\n");
  }
}

static void print_storm(json_object *r) {
  json_object *arr = ga(r, "ports");
  size_t n = arr ? json_object_array_length(arr) : 0;
  for (size_t i = 0; i < n; i++) {
    json_object *p = json_object_array_get_idx(arr, i);
    json_object *c = ga(p, "config"), *d = ga(p, "dropped");
    printf("%-16s bcast %lld/s unknown %lld/s mcast-unreg %lld/s mcast "
           "%lld/s holddown %llds",
           gs(p, "name"), gi(c, "broadcast"), gi(c, "unknown_unicast"),
           gi(c, "unregistered_multicast"), gi(c, "multicast"),
           gi(c, "holddown"));
    if (d) {
      json_object *b;
      printf("  dropped bcast %lld unknown %lld mcast-unreg %lld mcast %lld",
             gi(d, "broadcast"), gi(d, "unknown_unicast"),
             gi(d, "unregistered_multicast"), gi(d, "multicast"));
      if (json_object_object_get_ex(d, "blocked", &b) &&
          json_object_get_boolean(b))
        printf(" BLOCKED");
    }
    printf("\n");
  }
  arr = ga(r, "segments");
  n = arr ? json_object_array_length(arr) : 0;
  for (size_t i = 0; i < n; i++) {
    json_object *s = json_object_array_get_idx(arr, i);
    printf("segment %-8lld budget %lld copies/s  dropped %lld (%lld copies, "
           "%lld from remotes) passed %lld\n",
           gi(s, "vni"), gi(s, "budget"), gi(s, "dropped"),
           gi(s, "dropped_copies"), gi(s, "dropped_remote"), gi(s, "passed"));
  }
}

/* Every member of |o|, scalars first, then nested groups (indented), so
 * the text shows every counter the JSON has. */
static void print_tree(const char *title, json_object *o, int ind) {
  printf("%*s%s:\n", ind, "", title);
  json_object_object_foreach(o, k, v) {
    json_type t = json_object_get_type(v);
    if (t == json_type_object || t == json_type_array)
      continue;
    printf("%*s  %-28s %s\n", ind, "", k, json_object_get_string(v));
  }
  json_object_object_foreach(o, k2, v2) {
    if (json_object_is_type(v2, json_type_object)) {
      if (json_object_object_length(v2))
        print_tree(k2, v2, ind + 2);
    } else if (json_object_is_type(v2, json_type_array)) {
      size_t n = json_object_array_length(v2);
      for (size_t i = 0; i < n; i++) {
        json_object *e = json_object_array_get_idx(v2, i);
        char name[96];
        const char *id = gs(e, "name") ? gs(e, "name") : gs(e, "vni");
        if (id)
          snprintf(name, sizeof name, "%s %s", k2, id);
        else
          snprintf(name, sizeof name, "%s[%zu]", k2, i);
        if (json_object_is_type(e, json_type_object))
          print_tree(name, e, ind + 2);
        else
          printf("%*s  %-28s %s\n", ind, "", name, json_object_get_string(e));
      }
    }
  }
}

static void print_stats(json_object *r) {
  json_object_object_foreach(r, k, v) {
    if (strcmp(k, "ports") == 0) {
      printf("ports:\n");
      print_ports(v);
    } else if (strcmp(k, "segments") == 0) {
      printf("segments:\n");
      print_segments(v);
    }
  }
  /* then every group in full: switch (drops), neigh, daemon, underlay,
   * tunnel, storm, mdb, each port's and segment's counters */
  json_object_object_foreach(r, k2, v2) {
    if (json_object_is_type(v2, json_type_object))
      print_tree(k2, v2, 0);
    else if (json_object_is_type(v2, json_type_array)) {
      size_t n = json_object_array_length(v2);
      for (size_t i = 0; i < n; i++) {
        json_object *e = json_object_array_get_idx(v2, i);
        char name[96];
        const char *id = gs(e, "name") ? gs(e, "name") : gs(e, "vni");
        snprintf(name, sizeof name, "%s %s",
                 strcmp(k2, "ports") == 0      ? "port"
                 : strcmp(k2, "segments") == 0 ? "segment"
                                               : k2,
                 id ? id : "?");
        if (json_object_is_type(e, json_type_object))
          print_tree(name, e, 0);
      }
    }
  }
}

/* ---------------------------------------------------------------- trace */

/* Where a step, a destination or the ingress is: "port vm1", "remote
 * 192.0.2.2", or "" when it names no place. */
static void place(json_object *o, char *buf, size_t len) {
  json_object *b;
  if (gs(o, "remote"))
    snprintf(buf, len, "remote %s", gs(o, "remote"));
  else if (gs(o, "port"))
    snprintf(buf, len, "port %s", gs(o, "port"));
  else if (json_object_object_get_ex(o, "segment_budget", &b))
    snprintf(buf, len, "segment budget");
  else
    buf[0] = 0;
}

/* "drop (stacked_tag)" for a dropping step, else its result. */
static void outcome(json_object *s, char *buf, size_t len) {
  const char *res = gs(s, "result");
  if (res && strcmp(res, "drop") == 0)
    snprintf(buf, len, "drop (%s)", gs(s, "reason") ? gs(s, "reason") : "?");
  else
    snprintf(buf, len, "%s", res ? res : "?");
}

static void print_frame_summary(json_object *r) {
  json_object *in = ga(r, "ingress"), *fr = ga(r, "frame");
  char where[96];
  if (in && gs(in, "remote"))
    snprintf(where, sizeof where, "remote %s vni %lld", gs(in, "remote"),
             gi(in, "vni"));
  else
    snprintf(where, sizeof where, "port %s", in ? gs(in, "port") : "?");
  if (!fr) {
    printf("trace: %s\n", where);
    return;
  }
  printf("trace: %s, %lld bytes: %s > %s", where, gi(fr, "len"), gs(fr, "src"),
         gs(fr, "dst"));
  json_object *tags = ga(fr, "tags");
  size_t nt = tags ? json_object_array_length(tags) : 0;
  for (size_t i = 0; i < nt; i++) {
    json_object *t = json_object_array_get_idx(tags, i);
    printf(", %s vlan %lld", gs(t, "tpid"), gi(t, "vid"));
  }
  json_object *x;
  if ((x = ga(fr, "arp")))
    printf(", ARP %s who-has %s tell %s (sha %s)", gs(x, "op"), gs(x, "tpa"),
           gs(x, "spa"), gs(x, "sha"));
  else if ((x = ga(fr, "ipv4")))
    printf(", IPv4 %s > %s proto %lld", gs(x, "src"), gs(x, "dst"),
           gi(x, "proto"));
  else if ((x = ga(fr, "ipv6")))
    printf(", IPv6 %s > %s next header %lld", gs(x, "src"), gs(x, "dst"),
           gi(x, "next_header"));
  else if (gs(fr, "ethertype"))
    printf(", ethertype %s", gs(fr, "ethertype"));
  printf("\n");
}

/* A step in the switch's words (its "text", from the same code as
 * vl2-replay --trace), else its kind and result. The verdict is printed
 * from the verdict object. */
static void print_step(json_object *s) {
  const char *kind = gs(s, "kind"), *text = gs(s, "text");
  char out[96];
  if (kind && strcmp(kind, "verdict") == 0)
    return;
  if (text) {
    printf("    %s\n", text);
    return;
  }
  outcome(s, out, sizeof out);
  printf("    %s: %s\n", kind ? kind : "?", out);
}

static void print_trace(json_object *r) {
  print_frame_summary(r);
  json_object *steps = ga(r, "steps");
  size_t n = steps ? json_object_array_length(steps) : 0;
  for (size_t i = 0; i < n; i++)
    print_step(json_object_array_get_idx(steps, i));
  json_object *b;
  if (json_object_object_get_ex(r, "truncated", &b) &&
      json_object_get_boolean(b))
    printf("    ... %lld steps in all, the first %zu shown\n",
           gi(r, "steps_total"), n);
  json_object *v = ga(r, "verdict");
  if (!v)
    return;
  const char *act = gs(v, "action");
  printf("verdict: %s", act ? act : "?");
  if (act && strcmp(act, "drop") == 0)
    printf(" (%s)", gs(v, "reason"));
  else if (act && strcmp(act, "consumed") != 0)
    printf(" to %lld destination%s in segment %lld", gi(v, "destinations"),
           gi(v, "destinations") == 1 ? "" : "s", gi(v, "vni"));
  json_object *fl = ga(v, "flags");
  if (fl && json_object_array_length(fl)) {
    char f[128];
    join(fl, f, sizeof f);
    printf(" [%s]", f);
  }
  printf("\n");
  json_object *ds = ga(r, "destinations");
  n = ds ? json_object_array_length(ds) : 0;
  for (size_t i = 0; i < n; i++) {
    json_object *d = json_object_array_get_idx(ds, i);
    char pl[96];
    place(d, pl, sizeof pl);
    printf("    -> %s", pl);
    if (gs(d, "remote"))
      printf(" vni %lld %s udp sport %lld", gi(d, "vni"), gs(d, "encap"),
             gi(d, "udp_sport"));
    const char *e = gs(d, "edit");
    printf(": %s", e ? e : "?");
    if (e && (strcmp(e, "push") == 0 || strcmp(e, "rewrite") == 0))
      printf(" VID %lld (tpid %s)", gi(d, "vid"), gs(d, "tpid"));
    printf("\n");
  }
}

/* The request for `trace ...` (|w|[0] is "trace") into |line|: the words
 * up to the frame as given, then "hex HEX", built from the field list
 * unless the frame is given as hex. 0, or the exit status with the reason
 * printed. */
static int trace_request(char **w, int n, char *line, size_t len) {
  static const char *use =
      "vl2ctl: usage: trace in PORT (hex HEX | FIELD...) | trace remote IP "
      "vni N (hex HEX | FIELD...)\n";
  int k;
  if (n >= 3 && strcmp(w[1], "in") == 0)
    k = 3;
  else if (n >= 5 && strcmp(w[1], "remote") == 0 && strcmp(w[3], "vni") == 0)
    k = 5;
  else {
    fputs(use, stderr);
    return 2;
  }
  if (k == n) {
    fputs("vl2ctl: trace: the frame is missing: hex HEX, or fields (src MAC "
          "dst MAC ...)\n",
          stderr);
    return 2;
  }
  size_t l = 0;
  for (int i = 0; i < n; i++)
    if (strpbrk(w[i], "\n\r")) {
      fputs("vl2ctl: arguments must not contain newlines\n", stderr);
      return 2;
    }
  for (int i = 0; i < k && l < len; i++)
    l += (size_t)snprintf(line + l, len - l, "%s%s", i ? " " : "", w[i]);
  char hex[2 * VL2CTL_FRAME_MAX + 1];
  const char *h;
  if (strcmp(w[k], "hex") == 0) {
    if (n != k + 2) {
      fputs(use, stderr);
      return 2;
    }
    h = w[k + 1];
  } else {
    uint8_t f[VL2CTL_FRAME_MAX];
    char err[256];
    long fl = vl2ctl_frame_build(w + k, n - k, f, sizeof f, err, sizeof err);
    if (fl < 0) {
      fprintf(stderr, "vl2ctl: %s\n", err);
      return 2;
    }
    for (long i = 0; i < fl; i++)
      snprintf(hex + 2 * i, 3, "%02x", f[i]);
    h = hex;
  }
  size_t need = l + 5 + strlen(h) + 1; /* " hex ", HEX, newline */
  if (l >= len || need + 1 > len) {
    fprintf(stderr,
            "vl2ctl: trace: the request would be %zu bytes, the switch takes "
            "at most %zu (a frame of at most about %d bytes)\n",
            need, len - 1, VL2CTL_FRAME_MAX);
    return 2;
  }
  snprintf(line + l, len - l, " hex %s\n", h);
  return 0;
}

static void usage(FILE *f) {
  fputs(
      "Usage: vl2ctl [OPTION]... COMMAND [ARG]...\n"
      "Show and change a running vl2-switch.\n"
      "\n"
      "Commands:\n"
      "  ports                          ports, their VLANs and counters\n"
      "  segments                       segments, flood lists, counters\n"
      "  fdb [show] [vni N] [dev NAME|remote] [dynamic|static]\n"
      "                                 the MAC table, filtered\n"
      "  fdb flush [vni N|dev NAME] [dynamic|static|all]\n"
      "                                 remove entries (default dynamic)\n"
      "  fdb add MAC vni VNI port NAME  add a static entry to a port\n"
      "  fdb add MAC vni VNI remote IP  add a static entry to a VTEP\n"
      "  fdb del MAC vni VNI            remove an entry\n"
      "  neigh [show] [vni N] [dev NAME] [dynamic|static]\n"
      "                                 the neighbour (ARP/ND) table\n"
      "  neigh add IP lladdr MAC vni N [dev NAME] [router]\n"
      "  neigh del IP vni N             add/remove a static neighbour\n"
      "  neigh flush [vni N] [dynamic|static|all]\n"
      "  vtep add|del VNI IP            add/remove a remote VTEP (adding\n"
      "                                 one that is there is no error)\n"
      "  mdb [show]                     multicast groups and router ports\n"
      "  mdb set VNI KEY VALUE...       snooping on|off, querier on|off,\n"
      "                                 unregistered flood|routers\n"
      "  storm [show]                   storm control: rates and drops\n"
      "  storm set PORT KEY N...        broadcast, unknown_unicast,\n"
      "                                 unregistered_multicast, multicast\n"
      "                                 (frames/s, 0: none), burst, holddown\n"
      "  storm set segment VNI budget N replication budget (copies/s)\n"
      "  storm recover PORT             end a port's err-disable now\n"
      "  stats                          all counters (--format prometheus)\n"
      "  stats reset                    start the counters from zero\n"
      "  trace in PORT hex HEX          a frame through the switch's "
      "decision,\n"
      "  trace remote IP vni N hex HEX  every step shown, nothing changed\n"
      "  trace in PORT FIELD...         the frame built from fields: [svlan\n"
      "                                 VID] [vlan VID]... src MAC [dst MAC]\n"
      "                                 [type arp|ipv4|ipv6|0xNNNN] [arp\n"
      "                                 request|reply] [proto icmp|udp]\n"
      "                                 [sip IP] [dip IP] [len N]\n"
      "  monitor                        events as they happen (--json: JSON\n"
      "                                 lines), until interrupted\n"
      "  reload                         re-read the configuration file\n"
      "  version                        the switch's version\n"
      "\n"
      "Options:\n"
      "  -s, --socket PATH   control socket (default "
      "/run/vl2-switch/vl2-switch.sock;\n"
      "                      --control PATH is the same)\n"
      "  -j, --json          print the reply as JSON (--format json)\n"
      "  -f, --format FMT    text (default), json, or prometheus (stats)\n"
      "  -t, --timeout SEC   wait at most SEC seconds for the reply "
      "(default 10)\n"
      "  -h, --help          show this help and exit\n"
      "  -V, --version       show the version and exit\n",
      f);
}

/* Connect, send |line| and read the one-line reply into |*out| (malloc'd,
 * NUL-terminated). 0, or 1 with the reason printed. */
static int stream_lines(int fd, const char *path);

static int exchange(const char *path, const char *line, int timeout_s,
                    bool stream, char **out) {
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  if (strlen(path) >= sizeof sa.sun_path) {
    fprintf(stderr, "vl2ctl: %s: path too long (at most %zu bytes)\n", path,
            sizeof sa.sun_path - 1);
    return 1;
  }
  strcpy(sa.sun_path, path);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    fprintf(stderr, "vl2ctl: socket: %s\n", strerror(errno));
    return 1;
  }
  struct timeval tv = {.tv_sec = timeout_s};
  if (!stream) /* a monitor waits as long as it takes */
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  if (connect(fd, (struct sockaddr *)&sa, sizeof sa)) {
    int e = errno;
    const char *why = "";
    if (e == ENOENT)
      why = " (is vl2-switch running? -s names another socket)";
    else if (e == ECONNREFUSED)
      why = " (a socket nobody answers on: vl2-switch is not running)";
    else if (e == EACCES || e == EPERM)
      why = " (run as root, or as a member of the socket's group)";
    else if (e == EAGAIN || e == EINPROGRESS)
      why = " (the switch does not accept connections: overloaded?)";
    fprintf(stderr, "vl2ctl: cannot connect to %s: %s%s\n", path, strerror(e),
            why);
    close(fd);
    return 1;
  }
  /* A switch that refuses the connection (busy) answers and closes at
   * once, maybe before the request is sent: a failed send still reads
   * whatever reply came. */
  size_t len = strlen(line), off = 0;
  int send_errno = 0;
  while (off < len) {
    ssize_t k = send(fd, line + off, len - off, MSG_NOSIGNAL);
    if (k < 0 && errno == EINTR)
      continue;
    if (k <= 0) {
      send_errno = k < 0 ? errno : EPIPE;
      break;
    }
    off += (size_t)k;
  }
  if (stream && !send_errno)
    return stream_lines(fd, path);
  size_t cap = 65536, n = 0;
  char *buf = malloc(cap);
  for (;;) {
    if (!buf) {
      fputs("vl2ctl: out of memory for the reply\n", stderr);
      close(fd);
      return 1;
    }
    if (n + 1 == cap) {
      cap *= 2;
      char *nb = realloc(buf, cap);
      if (!nb)
        free(buf);
      buf = nb;
      continue;
    }
    ssize_t k = recv(fd, buf + n, cap - 1 - n, 0);
    if (k < 0 && errno == EINTR)
      continue;
    if (k < 0 && n == 0 && send_errno)
      k = 0; /* report the send error */
    if (k < 0) {
      fprintf(stderr, "vl2ctl: reading the reply from %s: %s\n", path,
              errno == EAGAIN || errno == EWOULDBLOCK
                  ? "no reply within the timeout (--timeout)"
                  : strerror(errno));
      free(buf);
      close(fd);
      return 1;
    }
    if (k == 0)
      break;
    n += (size_t)k;
    /* one line is the whole reply (a refusing switch may reset the
     * connection right after it) */
    if (buf[n - 1] == '\n')
      break;
  }
  close(fd);
  buf[n] = 0;
  if (n == 0 && send_errno) {
    fprintf(stderr, "vl2ctl: sending the request to %s: %s\n", path,
            send_errno == EAGAIN || send_errno == EWOULDBLOCK
                ? "timed out"
                : strerror(send_errno));
    free(buf);
    return 1;
  }
  if (n == 0) {
    fprintf(stderr,
            "vl2ctl: %s closed the connection without a reply (see the "
            "switch's log)\n",
            path);
    free(buf);
    return 1;
  }
  if (buf[n - 1] != '\n') {
    fprintf(stderr, "vl2ctl: incomplete reply from %s (%zu bytes)\n", path, n);
    free(buf);
    return 1;
  }
  *out = buf;
  return 0;
}

/* monitor: print each line as it comes until the switch closes; an error
 * line ends it with the error's status. */
static int stream_lines(int fd, const char *path) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  char buf[8192];
  size_t n = 0;
  for (;;) {
    ssize_t k = recv(fd, buf + n, sizeof buf - 1 - n, 0);
    if (k < 0 && errno == EINTR)
      continue;
    if (k <= 0) {
      fprintf(stderr, "vl2ctl: %s: the switch closed the monitor%s%s\n", path,
              k < 0 ? ": " : "", k < 0 ? strerror(errno) : "");
      close(fd);
      return 1;
    }
    n += (size_t)k;
    buf[n] = 0;
    char *s = buf, *nl;
    while ((nl = memchr(s, '\n', n - (size_t)(s - buf)))) {
      *nl = 0;
      if (strncmp(s, "{\"error\"", 8) == 0) {
        json_object *r = json_tokener_parse(s), *u;
        const char *err = r ? gs(r, "error") : NULL;
        fprintf(stderr, "vl2ctl: %s\n", err ? err : s);
        int rc = r && json_object_object_get_ex(r, "usage", &u) &&
                         json_object_get_boolean(u)
                     ? 2
                     : 1;
        json_object_put(r);
        close(fd);
        return rc;
      }
      if (puts(s) == EOF) {
        close(fd);
        return 1;
      }
      s = nl + 1;
    }
    n -= (size_t)(s - buf);
    memmove(buf, s, n);
    if (n == sizeof buf - 1) { /* a line this long is not ours */
      fwrite(buf, 1, n, stdout);
      n = 0;
    }
  }
}

int main(int argc, char **argv) {
  static const struct option opts[] = {
      {"socket", required_argument, NULL, 's'},
      {"control", required_argument, NULL, 's'},
      {"json", no_argument, NULL, 'j'},
      {"format", required_argument, NULL, 'f'},
      {"timeout", required_argument, NULL, 't'},
      {"help", no_argument, NULL, 'h'},
      {"version", no_argument, NULL, 'V'},
      {NULL, 0, NULL, 0}};
  const char *path = "/run/vl2-switch/vl2-switch.sock";
  int json = 0, prom = 0, c, timeout_s = 10;
  signal(SIGPIPE, SIG_IGN);
  while ((c = getopt_long(argc, argv, "+s:jf:t:hV", opts, NULL)) != -1) {
    switch (c) {
    case 's':
      path = optarg;
      break;
    case 'j':
      json = 1;
      break;
    case 'f':
      if (strcmp(optarg, "json") == 0) {
        json = 1;
      } else if (strcmp(optarg, "prometheus") == 0) {
        prom = 1;
      } else if (strcmp(optarg, "text") != 0) {
        fprintf(stderr,
                "vl2ctl: --format: '%s' (expected text, json or "
                "prometheus)\n",
                optarg);
        return 2;
      }
      break;
    case 't': {
      char *end;
      long v = strtol(optarg, &end, 10);
      if (!*optarg || *end || v < 1 || v > 3600) {
        fprintf(stderr,
                "vl2ctl: --timeout: '%s' is not a number of seconds "
                "(1..3600)\n",
                optarg);
        return 2;
      }
      timeout_s = (int)v;
      break;
    }
    case 'h':
      usage(stdout);
      return 0;
    case 'V':
      printf("vl2ctl %s\n", VL2_VERSION);
      return 0;
    default:
      fputs("Try 'vl2ctl --help' for more information.\n", stderr);
      return 2;
    }
  }
  if (optind >= argc) {
    usage(stderr);
    return 2;
  }
  /* "fdb show" and "neigh show" are "fdb" and "neigh" */
  int nargs = argc - optind;
  if (nargs == 2 && strcmp(argv[argc - 1], "show") == 0)
    nargs = 1;
  char line[4096] = "";
  size_t l = 0;
  if (strcmp(argv[optind], "trace") == 0) {
    int trc = trace_request(argv + optind, nargs, line, sizeof line);
    if (trc)
      return trc;
    nargs = 0; /* the line is made */
  }
  for (int i = 0; i < nargs; i++) {
    const char *w = argv[optind + i];
    if (strpbrk(w, "\n\r")) {
      fputs("vl2ctl: arguments must not contain newlines\n", stderr);
      return 2;
    }
    int k = snprintf(line + l, sizeof line - l, "%s%s", i ? " " : "", w);
    if (k < 0 || (size_t)k >= sizeof line - l - 1) {
      fprintf(stderr, "vl2ctl: command longer than %zu bytes\n",
              sizeof line - 2);
      return 2;
    }
    l += (size_t)k;
  }
  if (nargs) {
    line[l++] = '\n';
    line[l] = 0;
  }
  const char *cmd = argv[optind];
  const char *sub = nargs > 1 ? argv[optind + 1] : "";
  bool monitor = strcmp(cmd, "monitor") == 0;
  if (prom && (strcmp(cmd, "stats") != 0 || nargs != 1)) {
    fputs("vl2ctl: --format prometheus is for 'stats'\n", stderr);
    return 2;
  }
  if (monitor) {
    if (nargs != 1) {
      fputs("vl2ctl: usage: monitor (with --json for JSON lines)\n", stderr);
      return 2;
    }
    snprintf(line, sizeof line, "monitor %s\n", json ? "json" : "text");
    return exchange(path, line, timeout_s, true, NULL);
  }

  char *buf = NULL;
  if (exchange(path, line, timeout_s, false, &buf))
    return 1;
  json_object *r = json_tokener_parse(buf);
  free(buf);
  if (!r || !json_object_is_type(r, json_type_object)) {
    fprintf(stderr, "vl2ctl: the reply from %s is not a JSON object\n", path);
    json_object_put(r);
    return 1;
  }
  int rc = 0;
  const char *err = gs(r, "error");
  if (err) {
    json_object *u;
    fprintf(stderr, "vl2ctl: %s\n", err);
    rc = json_object_object_get_ex(r, "usage", &u) && json_object_get_boolean(u)
             ? 2
             : 1;
  } else if (prom) {
    print_prometheus(r);
  } else if (json) {
    printf("%s\n", json_object_to_json_string_ext(
                       r, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED));
  } else if (strcmp(sub, "flush") == 0) {
    printf("%lld entries flushed\n", gi(r, "flushed"));
  } else if (strcmp(cmd, "fdb") == 0 &&
             (nargs == 1 || strcmp(sub, "show") == 0)) {
    print_fdb(r);
  } else if (strcmp(cmd, "mdb") == 0 && nargs == 1) {
    print_mdb(r);
  } else if (strcmp(cmd, "storm") == 0 && nargs == 1) {
    print_storm(r);
  } else if (strcmp(cmd, "neigh") == 0 &&
             (nargs == 1 || strcmp(sub, "show") == 0)) {
    print_neigh(r);
  } else if (strcmp(cmd, "ports") == 0) {
    print_ports(ga(r, "ports"));
  } else if (strcmp(cmd, "segments") == 0) {
    print_segments(ga(r, "segments"));
  } else if (strcmp(cmd, "stats") == 0 && nargs == 1) {
    print_stats(r);
  } else if (strcmp(cmd, "trace") == 0) {
    print_trace(r);
  } else if (strcmp(cmd, "version") == 0) {
    printf("vl2-switch %s\n", gs(r, "version"));
  }
  json_object_put(r);
  if (fflush(stdout) || ferror(stdout)) {
    fprintf(stderr, "vl2ctl: writing the output: %s\n", strerror(errno));
    return 1;
  }
  return rc;
}
