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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <json-c/json.h>

#include <vl2/version.h>

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
    if (st && strcmp(st, "static") == 0)
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
    if (json_object_object_get_ex(e, "static", &b) &&
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

static void print_kv(const char *title, json_object *o) {
  if (!o)
    return;
  printf("%s:\n", title);
  json_object_object_foreach(o, k, v) {
    if (json_object_get_type(v) == json_type_object)
      continue;
    printf("  %-24s %s\n", k, json_object_get_string(v));
  }
}

static void print_stats(json_object *r) {
  json_object *sw = ga(r, "switch");
  print_kv("switch", sw);
  json_object *d = sw ? ga(sw, "drops") : NULL;
  if (d && json_object_object_length(d)) {
    printf("drops:\n");
    json_object_object_foreach(d, k, v)
        printf("  %-24s %s\n", k, json_object_get_string(v));
  }
  print_kv("daemon", ga(r, "daemon"));
  print_kv("underlay", ga(r, "underlay"));
  printf("ports:\n");
  print_ports(ga(r, "ports"));
  printf("segments:\n");
  print_segments(ga(r, "segments"));
}

static void usage(FILE *f) {
  fputs("Usage: vl2ctl [OPTION]... COMMAND [ARG]...\n"
        "Show and change a running vl2-switch.\n"
        "\n"
        "Commands:\n"
        "  ports                          ports, their VLANs and counters\n"
        "  segments                       segments, flood lists, counters\n"
        "  fdb [show]                     the MAC table\n"
        "  fdb add MAC vni VNI port NAME  add a static entry to a port\n"
        "  fdb add MAC vni VNI remote IP  add a static entry to a VTEP\n"
        "  fdb del MAC vni VNI            remove an entry\n"
        "  neigh [show]                   the neighbour (ARP/ND) table\n"
        "  vtep add|del VNI IP            add/remove a remote VTEP\n"
        "  stats                          all counters\n"
        "  reload                         re-read the configuration file\n"
        "  version                        the switch's version\n"
        "\n"
        "Options:\n"
        "  -s, --socket PATH   control socket (default "
        "/run/vl2-switch/vl2-switch.sock;\n"
        "                      --control PATH is the same)\n"
        "  -j, --json          print the reply as JSON\n"
        "  -h, --help          show this help and exit\n"
        "  -V, --version       show the version and exit\n",
        f);
}

int main(int argc, char **argv) {
  static const struct option opts[] = {
      {"socket", required_argument, NULL, 's'},
      {"control", required_argument, NULL, 's'},
      {"json", no_argument, NULL, 'j'},
      {"help", no_argument, NULL, 'h'},
      {"version", no_argument, NULL, 'V'},
      {NULL, 0, NULL, 0}};
  const char *path = "/run/vl2-switch/vl2-switch.sock";
  int json = 0, c;
  while ((c = getopt_long(argc, argv, "+s:jhV", opts, NULL)) != -1) {
    switch (c) {
    case 's':
      path = optarg;
      break;
    case 'j':
      json = 1;
      break;
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
  char line[1024] = "";
  for (int i = 0; i < nargs; i++) {
    size_t l = strlen(line);
    if (strchr(argv[optind + i], '\n')) {
      fputs("vl2ctl: arguments must not contain newlines\n", stderr);
      return 2;
    }
    snprintf(line + l, sizeof line - l, "%s%s", i ? " " : "", argv[optind + i]);
  }
  const char *cmd = argv[optind];

  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  if (strlen(path) >= sizeof sa.sun_path) {
    fprintf(stderr, "vl2ctl: %s: path too long\n", path);
    return 1;
  }
  strcpy(sa.sun_path, path);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa)) {
    fprintf(stderr,
            "vl2ctl: cannot connect to %s: %s (is vl2-switch "
            "running?)\n",
            path, strerror(errno));
    return 1;
  }
  size_t l = strlen(line);
  line[l] = '\n';
  if (write(fd, line, l + 1) != (ssize_t)(l + 1)) {
    fprintf(stderr, "vl2ctl: write: %s\n", strerror(errno));
    return 1;
  }
  size_t cap = 65536, len = 0;
  char *buf = malloc(cap);
  for (;;) {
    if (!buf)
      return 1;
    if (len + 1 == cap) {
      cap *= 2;
      char *nb = realloc(buf, cap);
      if (!nb) {
        free(buf);
        return 1;
      }
      buf = nb;
    }
    ssize_t k = read(fd, buf + len, cap - 1 - len);
    if (k < 0 && errno == EINTR)
      continue;
    if (k <= 0)
      break;
    len += (size_t)k;
  }
  close(fd);
  buf[len] = 0;
  json_object *r = json_tokener_parse(buf);
  free(buf);
  if (!r) {
    fprintf(stderr, "vl2ctl: no valid reply from %s\n", path);
    return 1;
  }
  int rc = 0;
  const char *err = gs(r, "error");
  if (err) {
    fprintf(stderr, "vl2ctl: %s\n", err);
    rc = 1;
  } else if (json) {
    printf("%s\n", json_object_to_json_string_ext(
                       r, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED));
  } else if (strcmp(cmd, "fdb") == 0 && nargs == 1) {
    print_fdb(r);
  } else if (strcmp(cmd, "neigh") == 0) {
    print_neigh(r);
  } else if (strcmp(cmd, "ports") == 0) {
    print_ports(ga(r, "ports"));
  } else if (strcmp(cmd, "segments") == 0) {
    print_segments(ga(r, "segments"));
  } else if (strcmp(cmd, "stats") == 0) {
    print_stats(r);
  } else if (strcmp(cmd, "version") == 0) {
    printf("vl2-switch %s\n", gs(r, "version"));
  }
  json_object_put(r);
  return rc;
}
