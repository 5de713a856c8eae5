/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * Test driver for the AF_PACKET backend, run by afp_test.py inside
 * network namespaces. Subcommands:
 *
 *   rx ARGS COUNT TIMEOUT_MS       print "READY", then every received
 *                                  frame as "F <hex>" until COUNT arrived
 *   rxhold ARGS TIMEOUT_MS         print "READY", read nothing until a line
 *                                  arrives on stdin, then drain; print
 *                                  "GOT <n> DROPPED <kernel drops>" and
 *                                  each frame as "F <hex>"
 *   tx ARGS HEX COUNT              send the frame COUNT times
 *   txburst ARGS COUNT             send COUNT numbered frames as one
 *                                  tx_burst() call, re-offering the rest
 *                                  until all are accepted
 *   vanish ARGS TIMEOUT_MS         print "READY", then call rx_burst and
 *                                  tx_burst on two instances until both
 *                                  report VL2_ERR_CLOSED
 *   fwd ARGS_A ARGS_B SECONDS      forward frames both ways until stdin
 *                                  closes or SECONDS pass
 *
 * Exit status: 0 success, 1 failure (message on stderr), 2 timeout.
 */
#include <vl2/af_packet.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BURST 64

static vl2_tstamp now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (vl2_tstamp)ts.tv_sec * VL2_SEC + (vl2_tstamp)ts.tv_nsec;
}

static vl2_backend *open_or_die(const char *args, uint32_t port) {
  vl2_backend *be = NULL;
  int rv = vl2_backend_open(&be, &vl2_af_packet_ops, args, port, NULL);
  if (rv != 0) {
    fprintf(stderr, "open '%s': %d %s (%s)\n", args, rv, vl2_strerror(rv),
            rv > -200 ? strerror(-rv) : "");
    exit(1);
  }
  return be;
}

static void print_frame(const vl2_frame *f) {
  printf("F ");
  for (uint32_t i = 0; i < f->len; i++)
    printf("%02x", f->data[i]);
  printf("\n");
}

static int wait_fd(vl2_backend *be, int ms) {
  struct pollfd pfd = {.fd = vl2_backend_get_fd(be), .events = POLLIN};
  return poll(&pfd, 1, ms);
}

static int cmd_rx(const char *args, long count, long timeout_ms) {
  vl2_backend *be = open_or_die(args, 7);
  vl2_frame fr[BURST];
  long got = 0;
  vl2_tstamp end = now_ns() + (vl2_tstamp)timeout_ms * VL2_MS;
  printf("READY\n");
  fflush(stdout);
  while (got < count) {
    if (now_ns() > end) {
      fprintf(stderr, "rx: timeout after %ld frames\n", got);
      vl2_backend_close(be);
      return 2;
    }
    wait_fd(be, 20);
    vl2_ssize n = vl2_backend_rx_burst(be, fr, BURST, now_ns());
    if (n < 0) {
      fprintf(stderr, "rx: %td %s\n", n, vl2_backend_last_error(be));
      vl2_backend_close(be);
      return 1;
    }
    for (vl2_ssize i = 0; i < n; i++) {
      if (fr[i].port != 7) {
        fprintf(stderr, "rx: port %u, expected 7\n", fr[i].port);
        return 1;
      }
      print_frame(&fr[i]);
    }
    got += n;
  }
  fflush(stdout);
  vl2_backend_close(be);
  return 0;
}

static int cmd_rxhold(const char *args, long timeout_ms) {
  vl2_backend *be = open_or_die(args, 1);
  vl2_frame fr[BURST];
  char line[64];
  printf("READY\n");
  fflush(stdout);
  if (fgets(line, sizeof(line), stdin) == NULL)
    return 1;
  long got = 0;
  vl2_tstamp end = now_ns() + (vl2_tstamp)timeout_ms * VL2_MS;
  vl2_tstamp idle_since = now_ns();
  /* Frames are printed after the count, so collect the text first. */
  size_t cap = 1 << 20, used = 0;
  char *text = malloc(cap);
  if (text == NULL)
    return 1;
  while (now_ns() < end && now_ns() - idle_since < 300 * VL2_MS) {
    wait_fd(be, 20);
    vl2_ssize n = vl2_backend_rx_burst(be, fr, BURST, now_ns());
    if (n < 0) {
      fprintf(stderr, "rxhold: %td %s\n", n, vl2_backend_last_error(be));
      return 1;
    }
    if (n > 0)
      idle_since = now_ns();
    for (vl2_ssize i = 0; i < n; i++) {
      if (used + 2 * fr[i].len + 8 > cap) {
        cap *= 2;
        char *t = realloc(text, cap);
        if (t == NULL)
          return 1;
        text = t;
      }
      used += (size_t)sprintf(text + used, "F ");
      for (uint32_t j = 0; j < fr[i].len; j++)
        used += (size_t)sprintf(text + used, "%02x", fr[i].data[j]);
      used += (size_t)sprintf(text + used, "\n");
    }
    got += n;
  }
  vl2_backend_stats st;
  vl2_backend_get_stats(be, &st);
  printf("GOT %ld DROPPED %llu\n", got, (unsigned long long)st.rx_dropped);
  fwrite(text, 1, used, stdout);
  free(text);
  vl2_backend_close(be);
  return 0;
}

static size_t unhex(const char *s, uint8_t *out, size_t cap) {
  size_t n = 0;
  while (s[0] && s[1] && n < cap) {
    unsigned v;
    if (sscanf(s, "%2x", &v) != 1)
      break;
    out[n++] = (uint8_t)v;
    s += 2;
  }
  return n;
}

/* Offer frames until all are accepted (or 5 s pass). */
static int send_all(vl2_backend *be, vl2_frame *fr, size_t n) {
  size_t done = 0;
  vl2_tstamp end = now_ns() + 5 * VL2_SEC;
  unsigned calls = 0;
  while (done < n) {
    vl2_ssize k = vl2_backend_tx_burst(be, fr + done, n - done);
    calls++;
    if (k < 0) {
      fprintf(stderr, "tx: %td %s\n", k, vl2_backend_last_error(be));
      return 1;
    }
    done += (size_t)k;
    if (done < n) {
      if (now_ns() > end) {
        fprintf(stderr, "tx: only %zu of %zu accepted\n", done, n);
        return 2;
      }
      usleep(200);
    }
  }
  printf("SENT %zu CALLS %u\n", done, calls);
  return 0;
}

static int cmd_tx(const char *args, const char *hex, long count) {
  vl2_backend *be = open_or_die(args, 1);
  static uint8_t buf[9000];
  size_t len = unhex(hex, buf, sizeof(buf));
  vl2_frame *fr = calloc((size_t)count, sizeof(*fr));
  if (fr == NULL)
    return 1;
  for (long i = 0; i < count; i++) {
    fr[i].data = buf;
    fr[i].len = (uint32_t)len;
  }
  int rv = send_all(be, fr, (size_t)count);
  free(fr);
  usleep(100000); /* let the ring drain before the sockets close */
  vl2_backend_close(be);
  return rv;
}

static int cmd_txburst(const char *args, long count) {
  vl2_backend *be = open_or_die(args, 1);
  size_t n = (size_t)count;
  uint8_t *bufs = calloc(n, 64);
  vl2_frame *fr = calloc(n, sizeof(*fr));
  if (bufs == NULL || fr == NULL)
    return 1;
  for (size_t i = 0; i < n; i++) {
    uint8_t *b = bufs + i * 64;
    memset(b, 0xff, 6); /* broadcast */
    memcpy(b + 6, "\x02\x00\x00\x00\x00\x01", 6);
    b[12] = 0x88, b[13] = 0xb5; /* local exp. */
    b[14] = (uint8_t)(i >> 24), b[15] = (uint8_t)(i >> 16);
    b[16] = (uint8_t)(i >> 8), b[17] = (uint8_t)i;
    fr[i].data = b;
    fr[i].len = 60;
  }
  int rv = send_all(be, fr, n);
  usleep(200000);
  vl2_backend_close(be);
  free(fr);
  free(bufs);
  return rv;
}

static int cmd_vanish(const char *args, long timeout_ms) {
  vl2_backend *rx = open_or_die(args, 1);
  vl2_backend *tx = open_or_die(args, 2);
  vl2_frame fr[BURST];
  static const uint8_t frame[60] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02,
                                    0,    0,    0,    0,    2,    0x88, 0xb5};
  vl2_frame out = {.data = frame, .len = sizeof(frame)};
  vl2_ssize rrv = 0, trv = 0;
  vl2_tstamp end = now_ns() + (vl2_tstamp)timeout_ms * VL2_MS;
  printf("READY\n");
  fflush(stdout);
  while ((rrv != VL2_ERR_CLOSED || trv != VL2_ERR_CLOSED) && now_ns() < end) {
    wait_fd(rx, 10);
    if (rrv != VL2_ERR_CLOSED) {
      rrv = vl2_backend_rx_burst(rx, fr, BURST, now_ns());
      if (rrv < 0 && rrv != VL2_ERR_CLOSED)
        fprintf(stderr, "rx (transient): %td %s\n", rrv,
                vl2_backend_last_error(rx));
    }
    if (trv != VL2_ERR_CLOSED) {
      trv = vl2_backend_tx_burst(tx, &out, 1);
      if (trv < 0 && trv != VL2_ERR_CLOSED)
        fprintf(stderr, "tx (transient): %td %s\n", trv,
                vl2_backend_last_error(tx));
    }
  }
  printf("RX %td %s\nTX %td %s\n", rrv, vl2_backend_last_error(rx), trv,
         vl2_backend_last_error(tx));
  /* Once closed, it stays closed. */
  vl2_ssize again = vl2_backend_rx_burst(rx, fr, BURST, now_ns());
  vl2_ssize again_tx = vl2_backend_tx_burst(tx, &out, 1);
  printf("AGAIN %td %td\n", again, again_tx);
  vl2_backend_close(rx);
  vl2_backend_close(tx);
  if (rrv != VL2_ERR_CLOSED || trv != VL2_ERR_CLOSED ||
      again != VL2_ERR_CLOSED || again_tx != VL2_ERR_CLOSED)
    return now_ns() >= end ? 2 : 1;
  return 0;
}

/* Move one burst from |a| to |b|; frames b does not take are dropped
 * (a switch does the same). Returns frames received, or < 0. */
static vl2_ssize pump(vl2_backend *a, vl2_backend *b, uint64_t *drops) {
  vl2_frame fr[BURST];
  vl2_ssize n = vl2_backend_rx_burst(a, fr, BURST, now_ns());
  if (n <= 0)
    return n;
  size_t done = 0;
  int tries = 0;
  while (done < (size_t)n && tries++ < 100) {
    vl2_ssize k = vl2_backend_tx_burst(b, fr + done, (size_t)n - done);
    if (k < 0)
      return k;
    done += (size_t)k;
  }
  *drops += (size_t)n - done;
  return n;
}

static int cmd_fwd(const char *a_args, const char *b_args, long seconds) {
  vl2_backend *a = open_or_die(a_args, 1);
  vl2_backend *b = open_or_die(b_args, 2);
  uint64_t drops = 0, moved = 0;
  vl2_tstamp end = now_ns() + (vl2_tstamp)seconds * VL2_SEC;
  printf("READY\n");
  fflush(stdout);
  struct pollfd pfd[3] = {{.fd = vl2_backend_get_fd(a), .events = POLLIN},
                          {.fd = vl2_backend_get_fd(b), .events = POLLIN},
                          {.fd = 0, .events = POLLIN}};
  int rc = 0;
  while (now_ns() < end) {
    poll(pfd, 3, 50);
    if (pfd[2].revents & (POLLIN | POLLHUP))
      break;
    vl2_ssize r1 = pump(a, b, &drops);
    vl2_ssize r2 = pump(b, a, &drops);
    if (r1 < 0 || r2 < 0) {
      fprintf(stderr, "fwd: %td/%td %s %s\n", r1, r2, vl2_backend_last_error(a),
              vl2_backend_last_error(b));
      rc = 1;
      break;
    }
    moved += (uint64_t)r1 + (uint64_t)r2;
  }
  vl2_backend_stats sa, sb;
  vl2_backend_get_stats(a, &sa);
  vl2_backend_get_stats(b, &sb);
  fprintf(stderr,
          "fwd: moved %llu dropped %llu; a rx %llu tx %llu rxdrop %llu "
          "rxerr %llu; b rx %llu tx %llu rxdrop %llu rxerr %llu\n",
          (unsigned long long)moved, (unsigned long long)drops,
          (unsigned long long)sa.rx_frames, (unsigned long long)sa.tx_frames,
          (unsigned long long)sa.rx_dropped, (unsigned long long)sa.rx_errors,
          (unsigned long long)sb.rx_frames, (unsigned long long)sb.tx_frames,
          (unsigned long long)sb.rx_dropped, (unsigned long long)sb.rx_errors);
  vl2_backend_close(a);
  vl2_backend_close(b);
  return rc;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOFBF, 1 << 16);
  if (argc >= 5 && strcmp(argv[1], "rx") == 0)
    return cmd_rx(argv[2], atol(argv[3]), atol(argv[4]));
  if (argc >= 4 && strcmp(argv[1], "rxhold") == 0)
    return cmd_rxhold(argv[2], atol(argv[3]));
  if (argc >= 5 && strcmp(argv[1], "tx") == 0)
    return cmd_tx(argv[2], argv[3], atol(argv[4]));
  if (argc >= 4 && strcmp(argv[1], "txburst") == 0)
    return cmd_txburst(argv[2], atol(argv[3]));
  if (argc >= 4 && strcmp(argv[1], "vanish") == 0)
    return cmd_vanish(argv[2], atol(argv[3]));
  if (argc >= 5 && strcmp(argv[1], "fwd") == 0)
    return cmd_fwd(argv[2], argv[3], atol(argv[4]));
  if (argc >= 2 && strcmp(argv[1], "open") == 0) {
    /* open ARGS: exit with the error code's absolute value (for tests of
     * argument checking). */
    vl2_backend *be = NULL;
    int rv = vl2_backend_open(&be, &vl2_af_packet_ops, argc > 2 ? argv[2] : "",
                              0, NULL);
    printf("OPEN %d %s\n", rv, rv ? vl2_backend_last_error(be) : "");
    vl2_backend_close(be);
    return rv == 0 ? 0 : 1;
  }
  fprintf(stderr, "usage: see the comment at the top of afp_tool.c\n");
  return 1;
}
