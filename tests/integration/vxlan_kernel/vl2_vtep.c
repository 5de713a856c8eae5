/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * vl2-vtep: a minimal libvl2 VXLAN tunnel endpoint for the kernel-interop
 * test (t_vxlan_kernel.sh). One TAP port (access, VLAN 1 -> segment VNI),
 * one UDP underlay socket, remote VTEPs in the segment's flood list:
 *
 *   TAP rx -> vl2_switch_process -> port: egress edit -> TAP tx
 *                                   remote: edit + VXLAN header -> UDP tx
 *   UDP rx -> vl2_vxlan_decap_frame -> vl2_switch_process (VL2_PORT_REMOTE)
 *
 * It prints "ready" on stdout once both backends are open, and on SIGTERM,
 * SIGINT or after --duration a summary (counters, drops by reason, decap
 * failures by reason, the FDB), then exits 0. Exit 1 on a set-up error.
 */
#define _GNU_SOURCE
#include <vl2/vl2.h>
#include <vl2/tap.h>
#include <vl2/udp.h>

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BURST 32
#define HEADROOM 64
#define FRAME_MAX 9216
#define MAX_REMOTES 8
#define TAP_PORT 0
#define UDP_PORT 1 /* the underlay backend's port id (not a switch port) */

static volatile sig_atomic_t stop_sig;

static void on_signal(int sig) { stop_sig = sig; }

static vl2_tstamp now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (vl2_tstamp)ts.tv_sec * VL2_SEC + (vl2_tstamp)ts.tv_nsec;
}

typedef struct vtep {
  vl2_switch *sw;
  vl2_backend *tap;
  vl2_backend *udp;
  vl2_vxlan_config vx;
  vl2_dest dests[64];
  uint8_t buf[HEADROOM + FRAME_MAX];
  /* counters */
  uint64_t rx_tap, rx_udp, tx_tap, tx_udp, tx_fail_tap, tx_fail_udp;
  uint64_t edit_fail, encap_fail;
  uint64_t fwd_from_tap, fwd_from_remote;
  uint64_t drop_tap[VL2_DROP_REASON_MAX];
  uint64_t drop_remote[VL2_DROP_REASON_MAX];
  uint64_t decap_fail[VL2_VXLAN_R_MAX];
} vtep;

static void die(const char *what, int rv) {
  fprintf(stderr, "vl2-vtep: %s: %s\n", what, vl2_strerror(rv));
  exit(1);
}

static int parse_ip4(const char *s, vl2_ipaddr *a) {
  memset(a, 0, sizeof *a);
  if (inet_pton(AF_INET, s, a->addr) != 1)
    return -1;
  a->family = VL2_AF_INET;
  return 0;
}

static const char *fmt_ip(const vl2_ipaddr *a, char *b, size_t n) {
  if (a->family == VL2_AF_INET)
    return inet_ntop(AF_INET, a->addr, b, (socklen_t)n);
  if (a->family == VL2_AF_INET6)
    return inet_ntop(AF_INET6, a->addr, b, (socklen_t)n);
  snprintf(b, n, "-");
  return b;
}

/* Send a copy of |f| to |d| as the egress stage builds it (the tag edit;
 * for a remote, a VXLAN header). */
static void emit(vtep *v, const vl2_frame *f, const vl2_dest *d) {
  vl2_egress_params ep;
  vl2_egress_params_default(&ep);
  ep.vxlan = &v->vx;
  ep.layer = VL2_VXLAN_LAYER_UDP;
  vl2_egress_pkt pk[1];
  vl2_ssize n = vl2_egress_build(&ep, f, d, v->buf, sizeof(v->buf), pk, 1);
  if (n < 0) {
    if (d->type == VL2_DEST_PORT)
      v->edit_fail++;
    else
      v->encap_fail++;
    return;
  }
  vl2_frame o;
  memset(&o, 0, sizeof o);
  o.data = v->buf + pk[0].off;
  o.len = pk[0].len;
  if (d->type == VL2_DEST_PORT) {
    o.port = d->port;
    if (vl2_backend_tx_burst(v->tap, &o, 1) == 1)
      v->tx_tap++;
    else
      v->tx_fail_tap++;
    return;
  }
  o.port = UDP_PORT;
  o.remote = d->remote;
  if (vl2_backend_tx_burst(v->udp, &o, 1) == 1)
    v->tx_udp++;
  else
    v->tx_fail_udp++;
}

static void decide(vtep *v, const vl2_frame *fr, size_t n, int from_remote,
                   vl2_tstamp now) {
  vl2_verdict vd[BURST];
  size_t done = 0;
  while (done < n) {
    vl2_ssize k = vl2_switch_process(v->sw, fr + done, n - done, vd, v->dests,
                                     sizeof v->dests / sizeof v->dests[0], now);
    if (k <= 0)
      die("vl2_switch_process", (int)k);
    for (size_t i = 0; i < (size_t)k; i++) {
      const vl2_verdict *x = &vd[i];
      if (x->action == VL2_ACT_DROP) {
        uint64_t *c = from_remote ? v->drop_remote : v->drop_tap;
        c[x->reason < VL2_DROP_REASON_MAX ? x->reason : 0]++;
        continue;
      }
      if (x->action != VL2_ACT_FORWARD)
        continue;
      if (from_remote)
        v->fwd_from_remote++;
      else
        v->fwd_from_tap++;
      for (uint32_t j = 0; j < x->dest_cnt; j++)
        emit(v, &fr[done + i], &v->dests[x->dest_off + j]);
    }
    done += (size_t)k;
  }
}

static void tap_rx(vtep *v) {
  vl2_frame fr[BURST];
  vl2_tstamp now = now_ns();
  vl2_ssize n = vl2_backend_rx_burst(v->tap, fr, BURST, now);
  if (n < 0) {
    fprintf(stderr, "vl2-vtep: tap receive: %s\n",
            vl2_backend_last_error(v->tap));
    return;
  }
  for (vl2_ssize i = 0; i < n; i++)
    fr[i].port = TAP_PORT;
  v->rx_tap += (uint64_t)n;
  decide(v, fr, (size_t)n, 0, now);
}

static void udp_rx(vtep *v) {
  vl2_frame fr[BURST];
  vl2_tstamp now = now_ns();
  vl2_ssize n = vl2_backend_rx_burst(v->udp, fr, BURST, now);
  if (n < 0) {
    fprintf(stderr, "vl2-vtep: udp receive: %s\n",
            vl2_backend_last_error(v->udp));
    return;
  }
  v->rx_udp += (uint64_t)n;
  size_t k = 0;
  for (vl2_ssize i = 0; i < n; i++) {
    vl2_frame f = fr[i];
    uint16_t reason = 0;
    if (vl2_vxlan_decap_frame(&v->vx, &f, VL2_VXLAN_LAYER_UDP, &reason) != 0) {
      v->decap_fail[reason < VL2_VXLAN_R_MAX ? reason : 0]++;
      continue;
    }
    if (f.port != VL2_PORT_REMOTE)
      fprintf(stderr, "vl2-vtep: decap_frame left port %u\n", f.port);
    fr[k++] = f;
  }
  decide(v, fr, k, 1, now);
}

static void summary(vtep *v) {
  vl2_tstamp now = now_ns();
  char ip[64];
  printf("summary\n");
  printf("rx_tap %llu\nrx_udp %llu\ntx_tap %llu\ntx_udp %llu\n",
         (unsigned long long)v->rx_tap, (unsigned long long)v->rx_udp,
         (unsigned long long)v->tx_tap, (unsigned long long)v->tx_udp);
  printf("tx_fail_tap %llu\ntx_fail_udp %llu\n",
         (unsigned long long)v->tx_fail_tap,
         (unsigned long long)v->tx_fail_udp);
  if (v->tx_fail_tap)
    printf("tap_last_error %s\n", vl2_backend_last_error(v->tap));
  if (v->tx_fail_udp)
    printf("udp_last_error %s\n", vl2_backend_last_error(v->udp));
  printf("edit_fail %llu\nencap_fail %llu\n", (unsigned long long)v->edit_fail,
         (unsigned long long)v->encap_fail);
  printf("fwd_from_tap %llu\nfwd_from_remote %llu\n",
         (unsigned long long)v->fwd_from_tap,
         (unsigned long long)v->fwd_from_remote);
  for (unsigned r = 0; r < VL2_DROP_REASON_MAX; r++) {
    if (v->drop_tap[r])
      printf("drop tap %s %llu\n", vl2_drop_reason_name(r),
             (unsigned long long)v->drop_tap[r]);
    if (v->drop_remote[r])
      printf("drop remote %s %llu\n", vl2_drop_reason_name(r),
             (unsigned long long)v->drop_remote[r]);
  }
  for (unsigned r = 0; r < VL2_VXLAN_R_MAX; r++)
    if (v->decap_fail[r])
      printf("decap_fail %s %llu\n", vl2_vxlan_reason_name(r),
             (unsigned long long)v->decap_fail[r]);
  vl2_switch_stats st;
  if (vl2_switch_get_stats(v->sw, &st) == 0) {
    printf("switch rx_frames %llu dropped %llu learned %llu\n",
           (unsigned long long)st.rx_frames, (unsigned long long)st.dropped,
           (unsigned long long)st.learned);
    for (unsigned r = 0; r < VL2_DROP_REASON_MAX; r++)
      if (st.drops[r])
        printf("switch_drop %s %llu\n", vl2_drop_reason_name(r),
               (unsigned long long)st.drops[r]);
  }
  vl2_backend_stats bs;
  if (vl2_backend_get_stats(v->udp, &bs) == 0)
    printf("udp_backend rx %llu tx %llu rx_dropped %llu tx_errors %llu\n",
           (unsigned long long)bs.rx_frames, (unsigned long long)bs.tx_frames,
           (unsigned long long)bs.rx_dropped, (unsigned long long)bs.tx_errors);
  uint64_t cur = 0;
  vl2_fdb_entry e;
  while (vl2_fdb_next(v->sw, &cur, &e, now) == 1) {
    printf("fdb vni %u mac %02x:%02x:%02x:%02x:%02x:%02x", e.vni, e.mac.b[0],
           e.mac.b[1], e.mac.b[2], e.mac.b[3], e.mac.b[4], e.mac.b[5]);
    if (e.flags & VL2_FDB_F_REMOTE)
      printf(" remote %s", fmt_ip(&e.remote, ip, sizeof ip));
    else
      printf(" port %u", e.port);
    printf("%s\n", e.flags & VL2_FDB_F_STATIC ? " static" : " dynamic");
  }
  printf("end\n");
  fflush(stdout);
}

static void usage(const char *argv0) {
  fprintf(stderr,
          "usage: %s --tap NAME --local IPV4 --remote IPV4 [--remote IPV4]\n"
          "          [--vni N] [--mac MAC] [--mtu N] [--underlay-mtu N]\n"
          "          [--duration SECONDS]\n",
          argv0);
  exit(2);
}

int main(int argc, char **argv) {
  const char *tap_name = NULL, *local = NULL, *mac = NULL;
  const char *remotes[MAX_REMOTES];
  size_t nremotes = 0;
  unsigned long vni = 4242, mtu = 1450, umtu = 1500;
  double duration = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (i + 1 >= argc)
      usage(argv[0]);
    const char *val = argv[++i];
    if (strcmp(a, "--tap") == 0)
      tap_name = val;
    else if (strcmp(a, "--local") == 0)
      local = val;
    else if (strcmp(a, "--remote") == 0 && nremotes < MAX_REMOTES)
      remotes[nremotes++] = val;
    else if (strcmp(a, "--vni") == 0)
      vni = strtoul(val, NULL, 0);
    else if (strcmp(a, "--mac") == 0)
      mac = val;
    else if (strcmp(a, "--mtu") == 0)
      mtu = strtoul(val, NULL, 0);
    else if (strcmp(a, "--underlay-mtu") == 0)
      umtu = strtoul(val, NULL, 0);
    else if (strcmp(a, "--duration") == 0)
      duration = strtod(val, NULL);
    else
      usage(argv[0]);
  }
  if (!tap_name || !local || nremotes == 0 || vni > VL2_VNI_MAX)
    usage(argv[0]);

  static vtep v; /* large buffers: not on the stack */
  vl2_switch_config sc;
  vl2_switch_config_default(&sc);
  sc.max_ports = 4;
  int rv = vl2_switch_new(&v.sw, &sc, NULL);
  if (rv)
    die("vl2_switch_new", rv);
  vl2_vxlan_config_default(&v.vx);
  v.vx.underlay_mtu = (uint32_t)umtu;
  if (parse_ip4(local, &v.vx.local))
    usage(argv[0]);
  if ((rv = vl2_vxlan_config_check(&v.vx)) != 0)
    die("vxlan config", rv);
  if ((rv = vl2_switch_set_overlay(v.sw, &v.vx)) != 0)
    die("vl2_switch_set_overlay", rv);
  if ((rv = vl2_switch_segment_add(v.sw, (uint32_t)vni, NULL)) != 0)
    die("segment", rv);
  vl2_port_config pc;
  vl2_port_config_default(&pc, VL2_PORT_ACCESS);
  pc.pvid = 1;
  if ((rv = vl2_switch_port_add(v.sw, TAP_PORT, &pc)) != 0)
    die("port", rv);
  if ((rv = vl2_switch_port_vlan_add(v.sw, TAP_PORT, 1, (uint32_t)vni)) != 0)
    die("port vlan", rv);
  for (size_t i = 0; i < nremotes; i++) {
    vl2_ipaddr r;
    if (parse_ip4(remotes[i], &r))
      usage(argv[0]);
    if ((rv = vl2_switch_remote_add(v.sw, (uint32_t)vni, &r)) != 0)
      die("remote", rv);
  }

  char args[256], err[256];
  snprintf(args, sizeof args, "name=%s,mode=create,mtu=%lu%s%s", tap_name, mtu,
           mac ? ",mac=" : "", mac ? mac : "");
  if ((rv = vl2_backend_open_err(&v.tap, &vl2_tap_ops, args, TAP_PORT, NULL,
                                 err, sizeof err)) != 0) {
    fprintf(stderr, "vl2-vtep: tap %s: %s\n", args, err);
    return 1;
  }
  snprintf(args, sizeof args, "local=%s,port=%u", local, VL2_VXLAN_PORT);
  if ((rv = vl2_backend_open_err(&v.udp, &vl2_udp_ops, args, UDP_PORT, NULL,
                                 err, sizeof err)) != 0) {
    fprintf(stderr, "vl2-vtep: udp %s: %s\n", args, err);
    return 1;
  }

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);

  printf("ready tap %s vni %lu local %s\n", vl2_tap_ifname(v.tap), vni, local);
  fflush(stdout);

  vl2_tstamp end = duration > 0
                       ? now_ns() + (vl2_tstamp)(duration * (double)VL2_SEC)
                       : VL2_TSTAMP_NONE;
  struct pollfd pfd[2] = {{.fd = vl2_backend_get_fd(v.tap), .events = POLLIN},
                          {.fd = vl2_backend_get_fd(v.udp), .events = POLLIN}};
  while (!stop_sig) {
    vl2_tstamp now = now_ns();
    if (now >= end)
      break;
    vl2_tstamp dl = vl2_switch_next_deadline(v.sw);
    int timeout = 100;
    if (dl != VL2_TSTAMP_NONE) {
      vl2_tstamp ms = dl > now ? (dl - now) / 1000000u : 0;
      if (ms < (vl2_tstamp)timeout)
        timeout = (int)ms;
    }
    int pr = poll(pfd, 2, timeout);
    if (pr < 0 && errno != EINTR) {
      perror("vl2-vtep: poll");
      break;
    }
    if (pr > 0) {
      if (pfd[0].revents & (POLLERR | POLLHUP | POLLNVAL)) {
        fprintf(stderr, "vl2-vtep: the TAP went away\n");
        break;
      }
      if (pfd[0].revents & POLLIN)
        tap_rx(&v);
      if (pfd[1].revents & POLLIN)
        udp_rx(&v);
    }
    vl2_switch_run_timers(v.sw, now_ns());
    vl2_event ev;
    while (vl2_switch_poll_event(v.sw, &ev) == 1) {
    }
  }
  summary(&v);
  vl2_backend_close(v.tap);
  vl2_backend_close(v.udp);
  vl2_switch_del(v.sw);
  return 0;
}
