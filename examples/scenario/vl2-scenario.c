/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * vl2-scenario: run the libvl2 core on a built-in scenario and print what
 * it decided, frame by frame. No privileges, no devices: the point is to
 * show the decisions a host's virtual switch makes.
 *
 * Topology (one host):
 *   vm-a, vm-b  access ports in VLAN 10  -> segment VNI 100
 *   vm-c        access port  in VLAN 20  -> segment VNI 200
 *   uplink      trunk carrying VLANs 10 and 20 (no native VLAN)
 *   VTEP 192.0.2.2 (another host) is a member of segment 100
 *
 * Every decision is also checked; a surprise exits with status 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vl2/vl2.h>

enum { VM_A, VM_B, VM_C, UPLINK };
static const char *const port_names[] = {"vm-a", "vm-b", "vm-c", "uplink"};
static int quiet;
static int surprises;
static vl2_tstamp now;

static const uint8_t MAC_A[6] = {0x02, 0, 0, 0, 0, 0x0a};
static const uint8_t MAC_B[6] = {0x02, 0, 0, 0, 0, 0x0b};
static const uint8_t MAC_C[6] = {0x02, 0, 0, 0, 0, 0x0c};
static const uint8_t MAC_D[6] = {0x02, 0, 0, 0, 0, 0x0d};
static const uint8_t BCAST[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static void say(const char *line) {
  if (!quiet)
    printf("\n%s\n", line);
}

static size_t frame(uint8_t *b, const uint8_t *dst, const uint8_t *src,
                    int ntags, const uint16_t *vids) {
  memset(b, 0, 64);
  memcpy(b, dst, 6);
  memcpy(b + 6, src, 6);
  size_t off = 12;
  for (int i = 0; i < ntags; i++) {
    b[off] = 0x81;
    b[off + 1] = 0x00;
    b[off + 2] = (uint8_t)(vids[i] >> 8);
    b[off + 3] = (uint8_t)vids[i];
    off += 4;
  }
  b[off] = 0x08; /* IPv4 */
  return 64;
}

static const char *edit_name(uint8_t e) {
  static const char *const n[] = {"as is", "push tag", "pop tag",
                                  "rewrite tag"};
  return e < 4 ? n[e] : "?";
}

/* The bytes that leave for |x| (vl2_egress_build(): tag edit, VXLAN to
 * a VTEP from 192.0.2.1), or a negative VL2_ERR_*. */
static vl2_ssize wire_len(const vl2_frame *f, const vl2_dest *x) {
  static uint8_t buf[4096];
  vl2_vxlan_config vx;
  vl2_vxlan_config_default(&vx);
  vx.local.family = VL2_AF_INET;
  memcpy(vx.local.addr, "\xc0\x00\x02\x01", 4);
  vl2_egress_params ep;
  vl2_egress_params_default(&ep);
  ep.vxlan = &vx;
  ep.layer = VL2_VXLAN_LAYER_ETH;
  vl2_egress_pkt pk[1];
  vl2_ssize n = vl2_egress_build(&ep, f, x, buf, sizeof(buf), pk, 1);
  return n == 1 ? (vl2_ssize)pk[0].len : n;
}

static void show_verdict(const vl2_frame *f, const vl2_verdict *v,
                         const vl2_dest *d) {
  if (quiet)
    return;
  if (v->action == VL2_ACT_DROP) {
    printf("   -> DROP (%s)\n", vl2_drop_reason_name(v->reason));
    return;
  }
  printf("   -> %s to %u destination%s in VNI %u%s%s:\n",
         v->flags & VL2_VFLAG_FLOOD ? "FLOOD" : "FORWARD", v->dest_cnt,
         v->dest_cnt == 1 ? "" : "s", v->vni,
         v->flags & VL2_VFLAG_LEARNED ? ", source learned" : "",
         v->flags & VL2_VFLAG_MOVED ? ", source MOVED" : "");
  for (uint32_t i = 0; i < v->dest_cnt; i++) {
    const vl2_dest *x = &d[v->dest_off + i];
    if (x->type == VL2_DEST_PORT)
      printf("        port %-7s %s", port_names[x->port], edit_name(x->edit));
    else
      printf("        VTEP %u.%u.%u.%u VXLAN VNI %u, inner %s",
             x->remote.addr[0], x->remote.addr[1], x->remote.addr[2],
             x->remote.addr[3], x->vni, edit_name(x->edit));
    if (x->edit == VL2_EDIT_PUSH || x->edit == VL2_EDIT_REWRITE)
      printf(" (VID %u)", x->vid);
    vl2_ssize n = wire_len(f, x);
    if (n >= 0)
      printf(": %td bytes on the wire\n", (ptrdiff_t)n);
    else
      printf(": %s\n", vl2_strerror((int)n));
  }
}

/* Process one frame and check the action and destination count. */
static void step(vl2_switch *sw, const char *what, const uint8_t *data,
                 size_t len, uint32_t port, const vl2_ipaddr *remote,
                 uint32_t vni, uint16_t want_action, uint32_t want_cnt) {
  vl2_frame f;
  memset(&f, 0, sizeof(f));
  f.data = data;
  f.len = (uint32_t)len;
  f.port = port;
  if (remote != NULL) {
    f.port = VL2_PORT_REMOTE;
    f.remote = *remote;
    f.vni = vni;
  }
  vl2_verdict v;
  vl2_dest d[16];
  say(what);
  if (vl2_switch_process(sw, &f, 1, &v, d, 16, now) != 1) {
    fprintf(stderr, "vl2-scenario: process failed\n");
    exit(1);
  }
  show_verdict(&f, &v, d);
  if (v.action != want_action || v.dest_cnt != want_cnt) {
    fprintf(stderr, "vl2-scenario: unexpected decision for: %s\n", what);
    surprises++;
  }
}

static void drain_events(vl2_switch *sw) {
  vl2_event ev;
  while (vl2_switch_poll_event(sw, &ev) == 1) {
    if (quiet)
      continue;
    static const char *const names[] = {"?", "learned", "moved", "aged",
                                        "limit"};
    printf("   event: %s %02x:%02x:%02x:%02x:%02x:%02x in VNI %u",
           ev.type < 5 ? names[ev.type] : "?", ev.mac.b[0], ev.mac.b[1],
           ev.mac.b[2], ev.mac.b[3], ev.mac.b[4], ev.mac.b[5], ev.vni);
    if (ev.port == VL2_PORT_REMOTE)
      printf(" at VTEP %u.%u.%u.%u", ev.remote.addr[0], ev.remote.addr[1],
             ev.remote.addr[2], ev.remote.addr[3]);
    else
      printf(" at port %s", port_names[ev.port]);
    printf("\n");
  }
}

static void must(int rv, const char *what) {
  if (rv != 0) {
    fprintf(stderr, "vl2-scenario: %s: %s\n", what, vl2_strerror(rv));
    exit(1);
  }
}

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--quiet") == 0) {
      quiet = 1;
    } else if (strcmp(argv[i], "--help") == 0) {
      printf("usage: %s [--quiet]\nRuns the libvl2 core on a built-in "
             "scenario and prints its decisions.\n",
             argv[0]);
      return 0;
    } else {
      fprintf(stderr, "%s: unknown option '%s' (try --help)\n", argv[0],
              argv[i]);
      return 2;
    }
  }
  vl2_switch_config cfg;
  vl2_switch_config_default(&cfg);
  cfg.max_ports = 4;
  vl2_switch *sw = NULL;
  must(vl2_switch_new(&sw, &cfg, NULL), "create switch");

  must(vl2_switch_segment_add(sw, 100, NULL), "segment 100");
  must(vl2_switch_segment_add(sw, 200, NULL), "segment 200");
  vl2_port_config pc;
  vl2_port_config_default(&pc, VL2_PORT_ACCESS);
  pc.pvid = 10;
  must(vl2_switch_port_add(sw, VM_A, &pc), "vm-a");
  must(vl2_switch_port_add(sw, VM_B, &pc), "vm-b");
  must(vl2_switch_port_vlan_add(sw, VM_A, 10, 100), "vm-a VLAN");
  must(vl2_switch_port_vlan_add(sw, VM_B, 10, 100), "vm-b VLAN");
  pc.pvid = 20;
  must(vl2_switch_port_add(sw, VM_C, &pc), "vm-c");
  must(vl2_switch_port_vlan_add(sw, VM_C, 20, 200), "vm-c VLAN");
  vl2_port_config_default(&pc, VL2_PORT_TRUNK);
  must(vl2_switch_port_add(sw, UPLINK, &pc), "uplink");
  must(vl2_switch_port_vlan_add(sw, UPLINK, 10, 100), "uplink VLAN 10");
  must(vl2_switch_port_vlan_add(sw, UPLINK, 20, 200), "uplink VLAN 20");
  vl2_ipaddr vtep = {VL2_AF_INET, {0}, {192, 0, 2, 2}};
  must(vl2_switch_remote_add(sw, 100, &vtep), "remote VTEP");

  const vl2_info *info = vl2_version(0);
  if (!quiet)
    printf("libvl2 %s: a switch with ports vm-a, vm-b (VLAN 10 = VNI 100), "
           "vm-c (VLAN 20 = VNI 200),\nuplink (trunk 10,20) and VTEP "
           "192.0.2.2 in VNI 100.\n",
           info->version);

  uint8_t b[64];
  uint16_t tags[2] = {20, 10};
  size_t n;
  now = 1 * VL2_SEC;
  n = frame(b, BCAST, MAC_A, 0, NULL);
  step(sw, "1. vm-a broadcasts (an ARP request, say):", b, n, VM_A, NULL, 0,
       VL2_ACT_FORWARD, 3);
  drain_events(sw);
  n = frame(b, MAC_A, MAC_B, 0, NULL);
  step(sw, "2. vm-b answers vm-a (unicast; vm-a's MAC is known):", b, n, VM_B,
       NULL, 0, VL2_ACT_FORWARD, 1);
  drain_events(sw);
  n = frame(b, MAC_B, MAC_A, 0, NULL);
  step(sw, "3. vm-a to vm-b (known unicast):", b, n, VM_A, NULL, 0,
       VL2_ACT_FORWARD, 1);
  n = frame(b, BCAST, MAC_C, 0, NULL);
  step(sw, "4. vm-c broadcasts in VLAN 20 (isolated from VLAN 10):", b, n, VM_C,
       NULL, 0, VL2_ACT_FORWARD, 1);
  drain_events(sw);
  n = frame(b, BCAST, MAC_C, 2, tags);
  step(sw, "5. vm-c tries VLAN hopping with a double-tagged frame:", b, n, VM_C,
       NULL, 0, VL2_ACT_DROP, 0);
  n = frame(b, MAC_A, MAC_D, 0, NULL);
  step(sw, "6. a VM behind VTEP 192.0.2.2 sends to vm-a (decapsulated):", b, n,
       0, &vtep, 100, VL2_ACT_FORWARD, 1);
  drain_events(sw);
  n = frame(b, MAC_D, MAC_B, 0, NULL);
  step(sw, "7. vm-b to that VM: tunnelled to the VTEP it was learned on:", b, n,
       VM_B, NULL, 0, VL2_ACT_FORWARD, 1);
  now = 2 * VL2_SEC;
  n = frame(b, BCAST, MAC_A, 1, &tags[1]);
  step(sw,
       "8. vm-a migrates behind the uplink and announces itself "
       "(tagged VLAN 10):",
       b, n, UPLINK, NULL, 0, VL2_ACT_FORWARD, 3);
  drain_events(sw);
  n = frame(b, MAC_A, MAC_B, 0, NULL);
  step(sw, "9. vm-b to vm-a: traffic follows the move at once:", b, n, VM_B,
       NULL, 0, VL2_ACT_FORWARD, 1);
  n = frame(b, MAC_B, MAC_B, 0, NULL);
  step(sw, "10. vm-b sends to itself: never reflected:", b, n, VM_B, NULL, 0,
       VL2_ACT_DROP, 0);

  now = 400 * VL2_SEC;
  say("11. 400 s later the timers run: dynamic entries age out:");
  vl2_switch_run_timers(sw, now);
  drain_events(sw);

  vl2_switch_stats st;
  vl2_switch_get_stats(sw, &st);
  if (!quiet) {
    printf("\nTotals: %llu frames, %llu forwarded, %llu flooded, %llu "
           "dropped; %llu learned, %llu moved, %llu aged.\n",
           (unsigned long long)st.rx_frames, (unsigned long long)st.forwarded,
           (unsigned long long)st.flooded, (unsigned long long)st.dropped,
           (unsigned long long)st.learned, (unsigned long long)st.moved,
           (unsigned long long)st.aged);
    for (unsigned r = 1; r < VL2_DROP_REASON_COUNT; r++)
      if (st.drops[r] != 0)
        printf("  dropped %s: %llu\n", vl2_drop_reason_name(r),
               (unsigned long long)st.drops[r]);
  }
  if (st.aged != 4 || st.moved != 1)
    surprises++;
  vl2_switch_del(sw);
  if (surprises != 0) {
    fprintf(stderr, "vl2-scenario: %d unexpected decisions\n", surprises);
    return 1;
  }
  return 0;
}
