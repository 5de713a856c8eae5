/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * vl2-switch: a virtual Layer-2 switch daemon on libvl2.
 *
 * TAP ports for VMs and AF_PACKET ports on existing interfaces, access or
 * trunk, joined into segments (VNIs) and tunnelled to other hosts over
 * VXLAN through the UDP underlay backend, controlled over a UNIX socket
 * (see vl2ctl(8)).
 *
 * This file is the program's entry: options, start-up (the switch, the
 * signals, the control socket, the configuration applied against
 * nothing), daemon mode and shutdown. The other parts are listed in
 * sw_app.h.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <syslog.h>
#include <unistd.h>

#include <vl2/version.h>

#include "sw_app.h"

/* ------------------------------------------------------------ main */

static void usage(FILE *f) {
  fputs("Usage: vl2-switch [OPTION]...\n"
        "A virtual Layer-2 switch: TAP and AF_PACKET ports, VLANs, segments,\n"
        "and VXLAN tunnels to other hosts (libvl2).\n"
        "\n"
        "Without --config it runs the built-in default: TAP ports vl2tap0 and\n"
        "vl2tap1, access VLAN 1, in segment VNI 1.\n"
        "\n"
        "  -c, --config FILE      read the configuration from FILE (libconfig\n"
        "                         format, see vl2-switch.conf(5))\n"
        "  -t, --check            validate the configuration and exit\n"
        "  -f, --foreground       do not detach; log to stderr\n"
        "  -l, --log-level LEVEL  error, warning, info (default) or debug\n"
        "  -s, --syslog           log to syslog instead of stderr\n"
        "  -C, --control PATH     control socket (default "
        "/run/vl2-switch.sock)\n"
        "  -h, --help             show this help and exit\n"
        "  -V, --version          show the version and exit\n"
        "\n"
        "Signals: SIGHUP reloads the configuration, SIGINT/SIGTERM stop.\n"
        "Control it with vl2ctl(8).\n",
        f);
}

static int parse_level(const char *s) {
  static const char *const n[] = {"error", "warning", "info", "debug"};
  for (int i = 0; i < 4; i++)
    if (strcmp(s, n[i]) == 0)
      return i;
  if (strcmp(s, "warn") == 0)
    return L_WARN;
  return -1;
}

static void shutdown_all(app *a) {
  for (uint32_t i = 0; a->ports && i < a->nports; i++)
    port_close(a, &a->ports[i]);
  underlay_close(a);
  control_close(a);
  for (size_t i = 0; i < a->nsegs; i++)
    free(a->segs[i].v);
  free(a->segs);
  vl2_switch_del(a->sw);
  free(a->ports);
  free(a->dests);
  free(a->dirty);
  free(a->scratch);
  sw_config_free(&a->cfg);
  if (a->sigfd >= 0)
    close(a->sigfd);
  if (a->ep >= 0)
    close(a->ep);
}

int main(int argc, char **argv) {
  static const struct option opts[] = {
      {"config", required_argument, NULL, 'c'},
      {"check", no_argument, NULL, 't'},
      {"foreground", no_argument, NULL, 'f'},
      {"log-level", required_argument, NULL, 'l'},
      {"syslog", no_argument, NULL, 's'},
      {"control", required_argument, NULL, 'C'},
      {"help", no_argument, NULL, 'h'},
      {"version", no_argument, NULL, 'V'},
      {NULL, 0, NULL, 0}};
  const char *config = NULL, *control = "/run/vl2-switch.sock";
  bool foreground = false, check = false;
  int c;
  while ((c = getopt_long(argc, argv, "c:tfl:sC:hV", opts, NULL)) != -1) {
    switch (c) {
    case 'c':
      config = optarg;
      break;
    case 't':
      check = true;
      break;
    case 'f':
      foreground = true;
      break;
    case 'l':
      log_level = parse_level(optarg);
      if (log_level < 0) {
        fprintf(stderr,
                "vl2-switch: --log-level: unknown level '%s' "
                "(expected error, warning, info or debug)\n",
                optarg);
        return 2;
      }
      break;
    case 's':
      log_syslog = true;
      break;
    case 'C':
      control = optarg;
      break;
    case 'h':
      usage(stdout);
      return 0;
    case 'V':
      printf("vl2-switch %s (libvl2 %s)\n", VL2_VERSION, VL2_VERSION);
      return 0;
    default:
      fputs("Try 'vl2-switch --help' for more information.\n", stderr);
      return 2;
    }
  }
  if (optind < argc) {
    fprintf(stderr,
            "vl2-switch: unexpected argument '%s' (use --config FILE)\n"
            "Try 'vl2-switch --help' for more information.\n",
            argv[optind]);
    return 2;
  }
  if (log_syslog)
    openlog("vl2-switch", LOG_PID, LOG_DAEMON);

  app A;
  app *a = &A;
  memset(a, 0, sizeof *a);
  a->ep = a->sigfd = a->lfd = -1;
  for (size_t i = 0; i < MAX_CLIENTS; i++)
    a->clients[i].fd = -1;
  a->ctl_path = control;

  char err[768];
  char abspath[PATH_MAX];
  if (config) {
    if (!realpath(config, abspath)) {
      fprintf(stderr, "vl2-switch: %s: cannot open: %s\n", config,
              strerror(errno));
      return 1;
    }
    a->cfg_path = abspath;
  }
  sw_config nc;
  if (sw_config_load(config ? abspath : NULL, &nc, err, sizeof err)) {
    /* name the file the way the user gave it */
    if (config && strncmp(err, abspath, strlen(abspath)) == 0)
      fprintf(stderr, "vl2-switch: %s%s\n", config, err + strlen(abspath));
    else
      fprintf(stderr, "vl2-switch: %s\n", err);
    logm(L_DEBUG, "configuration refused");
    return 1;
  }
  if (check) {
    printf("%s: configuration OK (%zu ports, %zu segments)\n",
           config ? config : "(built-in)", nc.port_cnt, nc.seg_cnt);
    sw_config_free(&nc);
    return 0;
  }

  vl2_switch_config sc;
  vl2_switch_config_default(&sc);
  sc.max_ports = nc.max_ports;
  sc.max_segments = nc.max_segments;
  sc.max_remotes = nc.max_remotes;
  sc.max_fdb = nc.max_fdb;
  sc.max_macs_per_port = nc.max_macs_per_port;
  sc.max_macs_per_segment = nc.max_macs_per_segment;
  sc.ageing_ns = nc.ageing_s * VL2_SEC;
#ifdef VL2SW_HAVE_NEIGH
  sc.max_neigh = nc.max_neigh;
#endif
  if (getrandom(&sc.hash_seed, sizeof sc.hash_seed, 0) !=
      (ssize_t)sizeof sc.hash_seed)
    sc.hash_seed = (uint64_t)now_ns() ^ (uint64_t)getpid();
  int rv = vl2_switch_new(&a->sw, &sc, NULL);
  if (rv) {
    fprintf(stderr, "vl2-switch: cannot create the switch: %s\n",
            vl2_strerror(rv));
    sw_config_free(&nc);
    return 1;
  }
  a->nports = nc.max_ports;
  a->ports = xcalloc(a->nports, sizeof *a->ports);
  a->dirty = xcalloc((size_t)a->nports + 1, sizeof *a->dirty);
  a->dests_cap = 1024;
  a->dests = xcalloc(a->dests_cap, sizeof *a->dests);
  a->scratch = xcalloc(1, SLOT);

  sigset_t ss;
  sigemptyset(&ss);
  sigaddset(&ss, SIGINT);
  sigaddset(&ss, SIGTERM);
  sigaddset(&ss, SIGHUP);
  sigprocmask(SIG_BLOCK, &ss, NULL);
  signal(SIGPIPE, SIG_IGN);
  a->ep = epoll_create1(EPOLL_CLOEXEC);
  a->sigfd = signalfd(-1, &ss, SFD_NONBLOCK | SFD_CLOEXEC);
  if (a->ep < 0 || a->sigfd < 0 || ep_add(a, a->sigfd, K_SIG, 0)) {
    fprintf(stderr, "vl2-switch: epoll/signalfd: %s\n", strerror(errno));
    shutdown_all(a);
    return 1;
  }
  if (control_open(a, err, sizeof err)) {
    fprintf(stderr, "vl2-switch: %s\n", err);
    a->lfd = a->lfd >= 0 ? (close(a->lfd), -1) : -1;
    shutdown_all(a);
    sw_config_free(&nc);
    return 1;
  }
  /* Start-up is a reload against an empty configuration; any error undoes
   * everything (closing the ports removes the TAPs we created). */
  if (apply(a, &nc, err, sizeof err)) {
    fprintf(stderr, "vl2-switch: start-up failed, undoing it: %s\n", err);
    sw_config_free(&nc);
    shutdown_all(a);
    return 1;
  }
  logm(L_INFO, "running: %s, control socket %s",
       a->cfg_path ? a->cfg_path : "built-in configuration", a->ctl_path);
  if (!foreground) {
    if (!log_syslog) {
      log_syslog = true;
      openlog("vl2-switch", LOG_PID, LOG_DAEMON);
    }
    if (daemon(1, 0)) {
      logm(L_ERR, "daemon: %s", strerror(errno));
      shutdown_all(a);
      return 1;
    }
  }
  run(a);
  shutdown_all(a);
  logm(L_INFO, "stopped");
  return 0;
}
