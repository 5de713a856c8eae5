/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/* pcap backend, offline: every capture in the shared test data gives
 * tcpdump's frame count; write-then-read round trips are byte-exact; the
 * writer and the pcapwrite middleware produce readable files.
 *
 * Usage: test_pcap_offline PCAP_DIR LIST
 *   LIST is tests/captures.sha256 (sha256sum format, paths relative to
 *   PCAP_DIR); exits 77 (skip) when PCAP_DIR or any capture it lists is
 *   absent. */
#define _GNU_SOURCE
#include <vl2/backend.h>
#include <vl2/mem_backend.h>
#include <vl2/pcap.h>

#include <check.h>
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *g_dir;
static const char *g_list;
static char g_tmp[256];

/* Frames and timestamps read by the backend from one file. */
typedef struct capture {
  size_t n, cap;
  uint8_t **data;
  uint32_t *len;
  uint64_t *ts;
  uint64_t rx_errors;
} capture;

static void cap_free(capture *c) {
  for (size_t i = 0; i < c->n; i++)
    free(c->data[i]);
  free(c->data);
  free(c->len);
  free(c->ts);
  memset(c, 0, sizeof(*c));
}

/* Read |path| through the backend with |extra| args; returns rx_burst's
 * final error (VL2_ERR_CLOSED at end of file) or open's error. */
static int read_all(const char *path, const char *extra, capture *c, char *err,
                    size_t errlen) {
  char args[1024];
  snprintf(args, sizeof(args), "file=%s%s%s", path, extra[0] ? "," : "", extra);
  memset(c, 0, sizeof(*c));
  vl2_backend *be = NULL;
  int rv = vl2_backend_open(&be, &vl2_pcap_ops, args, 5, NULL);
  if (rv < 0) {
    snprintf(err, errlen, "open: %s", vl2_strerror(rv));
    return rv;
  }
  vl2_frame fr[7]; /* odd burst size on purpose */
  vl2_ssize k;
  while ((k = vl2_backend_rx_burst(be, fr, 7, 0)) > 0) {
    for (vl2_ssize i = 0; i < k; i++) {
      if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 64;
        c->data = realloc(c->data, c->cap * sizeof(*c->data));
        c->len = realloc(c->len, c->cap * sizeof(*c->len));
        c->ts = realloc(c->ts, c->cap * sizeof(*c->ts));
        ck_assert(c->data && c->len && c->ts);
      }
      ck_assert_uint_eq(fr[i].port, 5);
      c->data[c->n] = malloc(fr[i].len + 1);
      memcpy(c->data[c->n], fr[i].data, fr[i].len);
      c->len[c->n] = fr[i].len;
      c->ts[c->n] = fr[i].rx_ts;
      c->n++;
    }
  }
  snprintf(err, errlen, "%s", vl2_backend_last_error(be));
  vl2_backend_stats st;
  ck_assert_int_eq(vl2_backend_get_stats(be, &st), 0);
  ck_assert_uint_eq(st.rx_frames, c->n);
  c->rx_errors = st.rx_errors;
  vl2_backend_close(be);
  return (int)k;
}

static long tcpdump_count(const char *path, const char *filter) {
  char cmd[1024];
  /* One packet per line starting with an epoch timestamp (-tt): plain
   * `| wc -l` over-counts packets tcpdump prints on two lines (VXLAN,
   * Geneve and other encapsulations print the inner packet below). */
  snprintf(cmd, sizeof(cmd),
           "tcpdump -r '%s' -nn -tt %s 2>/dev/null | "
           "grep -cE '^[0-9]+\\.[0-9]{6,9} '",
           path, filter);
  FILE *f = popen(cmd, "r");
  ck_assert_ptr_nonnull(f);
  long n = -1;
  ck_assert_int_eq(fscanf(f, "%ld", &n), 1);
  int st = pclose(f);
  ck_assert_msg(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) <= 1, "%s failed",
                cmd);
  return n;
}

/* The capture files listed in |g_list|, as paths under |g_dir|. */
static char **list_captures(size_t *n) {
  FILE *f = fopen(g_list, "r");
  if (f == NULL) {
    fprintf(stderr, "cannot open %s\n", g_list);
    abort();
  }
  char line[1024], sum[128], name[800];
  char **v = NULL;
  *n = 0;
  while (fgets(line, sizeof(line), f)) {
    if (line[0] == '#' || sscanf(line, "%127s %799s", sum, name) != 2)
      continue;
    size_t l = strlen(name);
    if (!(l > 5 && strcmp(name + l - 5, ".pcap") == 0) &&
        !(l > 7 && strcmp(name + l - 7, ".pcapng") == 0))
      continue;
    v = realloc(v, (*n + 1) * sizeof(*v));
    if (asprintf(&v[*n], "%s/%s", g_dir, name) < 0)
      abort();
    (*n)++;
  }
  fclose(f);
  return v;
}

static void roundtrip_one(const char *path, const capture *a, bool nsec) {
  char out[512];
  snprintf(out, sizeof(out), "%s/rt.pcap", g_tmp);
  vl2_pcap_writer *w = NULL;
  ck_assert_int_eq(
      vl2_pcap_writer_open(&w, out, 0, nsec ? VL2_PCAP_WRITER_NSEC : 0, NULL),
      0);
  for (size_t i = 0; i < a->n; i++)
    ck_assert_int_eq(vl2_pcap_writer_write(w, a->data[i], a->len[i], a->ts[i]),
                     0);
  ck_assert_uint_eq(vl2_pcap_writer_count(w), a->n);
  ck_assert_int_eq(vl2_pcap_writer_close(w), 0);
  capture b;
  char err[200];
  int rv = read_all(out, "", &b, err, sizeof(err));
  ck_assert_msg(rv == VL2_ERR_CLOSED, "%s: re-read: %d %s", path, rv, err);
  ck_assert_uint_eq(b.n, a->n);
  for (size_t i = 0; i < a->n; i++) {
    ck_assert_msg(b.len[i] == a->len[i] &&
                      memcmp(b.data[i], a->data[i], a->len[i]) == 0,
                  "%s: frame %zu differs after round trip", path, i);
    uint64_t want = nsec ? a->ts[i] : a->ts[i] / 1000 * 1000;
    ck_assert_msg(b.ts[i] == want, "%s: frame %zu ts %llu != %llu", path, i,
                  (unsigned long long)b.ts[i], (unsigned long long)want);
  }
  ck_assert_int_eq(tcpdump_count(out, ""), (long)a->n);
  cap_free(&b);
}

START_TEST(test_all_captures) {
  size_t n;
  char **files = list_captures(&n);
  ck_assert_uint_ge(n, 60);
  size_t sll = 0, pcapng = 0;
  for (size_t i = 0; i < n; i++) {
    capture c;
    char err[200];
    int rv = read_all(files[i], "", &c, err, sizeof(err));
    ck_assert_msg(rv == VL2_ERR_CLOSED, "%s: %d (%s)", files[i], rv, err);
    ck_assert_str_eq(err, "pcap: end of file");
    long want = tcpdump_count(files[i], "");
    ck_assert_msg((long)(c.n + c.rx_errors) == want,
                  "%s: backend %zu frames (+%llu bad), tcpdump %ld", files[i],
                  c.n, (unsigned long long)c.rx_errors, want);
    ck_assert_uint_eq(c.rx_errors, 0);
    if (strstr(files[i], ".pcapng"))
      pcapng++;
    /* Every frame is an Ethernet frame now (SLL converted). */
    vl2_backend *be = NULL;
    char args[600];
    snprintf(args, sizeof(args), "file=%s", files[i]);
    ck_assert_int_eq(vl2_backend_open(&be, &vl2_pcap_ops, args, 0, NULL), 0);
    int dlt = vl2_pcap_datalink(be);
    vl2_backend_close(be);
    if (dlt == 113 || dlt == 276) {
      sll++;
      for (size_t j = 0; j < c.n; j++)
        ck_assert_uint_ge(c.len[j], 14);
    }
    roundtrip_one(files[i], &c, true);
    roundtrip_one(files[i], &c, false);
    cap_free(&c);
    free(files[i]);
  }
  free(files);
  ck_assert_uint_eq(sll, 2);
  ck_assert_uint_eq(pcapng, 3);
}
END_TEST

/* The SLL files: the synthesized Ethernet header is right. */
START_TEST(test_sll_conversion) {
  char path[512];
  capture c;
  char err[200];
  snprintf(path, sizeof(path), "%s/zeek/linuxsll-arp.pcap", g_dir);
  ck_assert_int_eq(read_all(path, "", &c, err, sizeof(err)), VL2_ERR_CLOSED);
  ck_assert_uint_gt(c.n, 0);
  /* Compare with the raw SLL records read by libpcap directly. */
  char eb[PCAP_ERRBUF_SIZE];
  pcap_t *p = pcap_open_offline(path, eb);
  ck_assert_ptr_nonnull(p);
  ck_assert_int_eq(pcap_datalink(p), 113);
  struct pcap_pkthdr *h;
  const u_char *raw;
  for (size_t i = 0; i < c.n; i++) {
    ck_assert_int_eq(pcap_next_ex(p, &h, &raw), 1);
    ck_assert_uint_eq(c.len[i], h->caplen - 16 + 14);
    uint16_t pkttype = (uint16_t)(raw[0] << 8 | raw[1]);
    uint16_t halen = (uint16_t)(raw[4] << 8 | raw[5]);
    ck_assert_mem_eq(c.data[i] + 12, raw + 14, 2); /* ethertype */
    ck_assert_mem_eq(c.data[i] + 14, raw + 16, h->caplen - 16);
    if (halen == 6)
      ck_assert_mem_eq(c.data[i] + 6, raw + 6, 6);
    if (pkttype == 1)
      ck_assert_mem_eq(c.data[i], "\xff\xff\xff\xff\xff\xff", 6);
  }
  pcap_close(p);
  cap_free(&c);

  snprintf(path, sizeof(path), "%s/zeek/linux_dlt_sll2.pcap", g_dir);
  ck_assert_int_eq(read_all(path, "", &c, err, sizeof(err)), VL2_ERR_CLOSED);
  ck_assert_uint_gt(c.n, 0);
  p = pcap_open_offline(path, eb);
  ck_assert_ptr_nonnull(p);
  ck_assert_int_eq(pcap_datalink(p), 276);
  for (size_t i = 0; i < c.n; i++) {
    ck_assert_int_eq(pcap_next_ex(p, &h, &raw), 1);
    ck_assert_uint_eq(c.len[i], h->caplen - 20 + 14);
    ck_assert_mem_eq(c.data[i] + 12, raw, 2);
    ck_assert_mem_eq(c.data[i] + 14, raw + 20, h->caplen - 20);
    if (raw[11] == 6)
      ck_assert_mem_eq(c.data[i] + 6, raw + 12, 6);
  }
  pcap_close(p);
  cap_free(&c);

  /* sll=reject refuses them with a clear message. */
  vl2_backend *be = NULL;
  char args[600];
  snprintf(args, sizeof(args), "file=%s,sll=reject", path);
  ck_assert_int_eq(vl2_backend_open(&be, &vl2_pcap_ops, args, 0, NULL),
                   VL2_ERR_UNSUPPORTED);
}
END_TEST

START_TEST(test_filter_and_errors) {
  char path[512], args[700];
  snprintf(path, sizeof(path), "%s/zeek/linuxsll-arp.pcap", g_dir);
  capture c;
  char err[200];
  /* A filter; the SHA256SUMS list has several ARP-bearing files. */
  snprintf(path, sizeof(path), "%s/tcpdump/arp-too-long-tha.pcap", g_dir);
  if (access(path, R_OK) == 0) {
    ck_assert_int_eq(read_all(path, "filter=arp", &c, err, sizeof(err)),
                     VL2_ERR_CLOSED);
    ck_assert_int_eq((long)c.n, tcpdump_count(path, "arp"));
    cap_free(&c);
  }
  size_t n;
  char **files = list_captures(&n);
  long total_arp = 0, got_arp = 0;
  for (size_t i = 0; i < n; i++) {
    if (read_all(files[i], "filter=arp or udp", &c, err, sizeof(err)) ==
        VL2_ERR_CLOSED) {
      got_arp += (long)c.n;
      total_arp += tcpdump_count(files[i], "arp or udp");
    }
    cap_free(&c);
    free(files[i]);
  }
  free(files);
  ck_assert_int_gt(total_arp, 0);
  ck_assert_int_eq(got_arp, total_arp);

  vl2_backend *be = NULL;
  ck_assert_int_eq(
      vl2_backend_open(&be, &vl2_pcap_ops, "file=/nonexistent/x.pcap", 0, NULL),
      -ENOENT);
  ck_assert_int_eq(vl2_backend_open(&be, &vl2_pcap_ops, "", 0, NULL),
                   VL2_ERR_INVALID);
  ck_assert_int_eq(
      vl2_backend_open(&be, &vl2_pcap_ops, "file=/x,colour=blue", 0, NULL),
      VL2_ERR_INVALID);
  ck_assert_int_eq(
      vl2_backend_open(&be, &vl2_pcap_ops, "file=/x,eof=maybe", 0, NULL),
      VL2_ERR_INVALID);
  /* A link type we do not read. */
  snprintf(path, sizeof(path), "%s/raw.pcap", g_tmp);
  pcap_t *dead = pcap_open_dead(DLT_RAW, 65535);
  pcap_dumper_t *d = pcap_dump_open(dead, path);
  ck_assert_ptr_nonnull(d);
  pcap_dump_close(d);
  pcap_close(dead);
  snprintf(args, sizeof(args), "file=%s", path);
  ck_assert_int_eq(vl2_backend_open(&be, &vl2_pcap_ops, args, 0, NULL),
                   VL2_ERR_UNSUPPORTED);
  /* Bad filter. */
  snprintf(path, sizeof(path), "%s/zeek/linuxsll-arp.pcap", g_dir);
  snprintf(args, sizeof(args), "file=%s,filter=no such thing", path);
  ck_assert_int_eq(vl2_backend_open(&be, &vl2_pcap_ops, args, 0, NULL),
                   VL2_ERR_INVALID);
  /* eof=idle: 0 forever instead of CLOSED. */
  snprintf(args, sizeof(args), "file=%s,eof=idle", path);
  ck_assert_int_eq(vl2_backend_open(&be, &vl2_pcap_ops, args, 0, NULL), 0);
  vl2_frame fr[64];
  vl2_ssize k, tot = 0;
  for (int i = 0; i < 5; i++) {
    k = vl2_backend_rx_burst(be, fr, 64, 0);
    ck_assert_int_ge(k, 0);
    tot += k;
  }
  ck_assert_int_eq(tot, tcpdump_count(path, ""));
  /* No out=: tx is unsupported. */
  ck_assert_int_eq(vl2_backend_tx_burst(be, fr, 1), VL2_ERR_UNSUPPORTED);
  vl2_backend_close(be);
}
END_TEST

/* file= in, out= out: a replay-style copy is byte-exact with tx_ts=now. */
START_TEST(test_out_file) {
  char in[512], out[512], args[1200];
  snprintf(in, sizeof(in), "%s/packetnet/vxlan.pcap", g_dir);
  snprintf(out, sizeof(out), "%s/out.pcap", g_tmp);
  snprintf(args, sizeof(args), "file=%s,out=%s,nsec=1,tx_ts=now", in, out);
  vl2_backend *be = NULL;
  ck_assert_int_eq(vl2_backend_open(&be, &vl2_pcap_ops, args, 0, NULL), 0);
  ck_assert_int_eq(vl2_backend_get_fd(be), -1);
  vl2_frame fr[3];
  vl2_ssize k;
  size_t n = 0;
  /* tx_ts=now: frames are stamped with the latest rx_burst's now. */
  while ((k = vl2_backend_rx_burst(be, fr, 3, 1234567890123ull)) > 0) {
    ck_assert_int_eq(vl2_backend_tx_burst(be, fr, (size_t)k), k);
    n += (size_t)k;
  }
  ck_assert_int_eq(k, VL2_ERR_CLOSED);
  vl2_backend_close(be);
  capture a, b;
  char err[200];
  ck_assert_int_eq(read_all(in, "", &a, err, sizeof(err)), VL2_ERR_CLOSED);
  ck_assert_int_eq(read_all(out, "", &b, err, sizeof(err)), VL2_ERR_CLOSED);
  ck_assert_uint_eq(a.n, n);
  ck_assert_uint_eq(b.n, n);
  for (size_t i = 0; i < n; i++) {
    ck_assert_uint_eq(a.len[i], b.len[i]);
    ck_assert_mem_eq(a.data[i], b.data[i], a.len[i]);
    ck_assert_uint_eq(b.ts[i], 1234567890123ull);
  }
  cap_free(&a);
  cap_free(&b);
}
END_TEST

START_TEST(test_writer) {
  char path[512];
  snprintf(path, sizeof(path), "%s/w.pcap", g_tmp);
  vl2_pcap_writer *w = NULL;
  ck_assert_int_eq(
      vl2_pcap_writer_open(&w, "/nonexistent/dir/x.pcap", 0, 0, NULL), -ENOENT);
  ck_assert_int_eq(vl2_pcap_writer_open(&w, path, 0, 0x80, NULL),
                   VL2_ERR_INVALID);
  ck_assert_int_eq(
      vl2_pcap_writer_open(&w, path, 100, VL2_PCAP_WRITER_NSEC, NULL), 0);
  uint8_t f[300];
  for (size_t i = 0; i < sizeof(f); i++)
    f[i] = (uint8_t)(i * 7);
  ck_assert_int_eq(vl2_pcap_writer_write(w, f, 60, 1700000000123456789ull), 0);
  ck_assert_int_eq(vl2_pcap_writer_write(w, f, 300, 1700000001000000001ull), 0);
  ck_assert_int_eq(vl2_pcap_writer_flush(w), 0);
  ck_assert_int_eq(vl2_pcap_writer_close(w), 0);
  ck_assert_int_eq(vl2_pcap_writer_close(NULL), 0);
  char eb[PCAP_ERRBUF_SIZE];
  pcap_t *p = pcap_open_offline_with_tstamp_precision(
      path, PCAP_TSTAMP_PRECISION_NANO, eb);
  ck_assert_ptr_nonnull(p);
  ck_assert_int_eq(pcap_datalink(p), DLT_EN10MB);
  ck_assert_int_eq(pcap_snapshot(p), 100);
  struct pcap_pkthdr *h;
  const u_char *d;
  ck_assert_int_eq(pcap_next_ex(p, &h, &d), 1);
  ck_assert_uint_eq(h->caplen, 60);
  ck_assert_uint_eq(h->len, 60);
  ck_assert_int_eq(h->ts.tv_sec, 1700000000);
  ck_assert_int_eq(h->ts.tv_usec, 123456789);
  ck_assert_mem_eq(d, f, 60);
  ck_assert_int_eq(pcap_next_ex(p, &h, &d), 1);
  ck_assert_uint_eq(h->caplen, 100); /* truncated to snaplen */
  ck_assert_uint_eq(h->len, 300);
  ck_assert_mem_eq(d, f, 100);
  ck_assert_int_eq(pcap_next_ex(p, &h, &d), PCAP_ERROR_BREAK);
  pcap_close(p);
}
END_TEST

START_TEST(test_pcapwrite) {
  char path[512];
  snprintf(path, sizeof(path), "%s/pw.pcap", g_tmp);
  vl2_backend *mem = NULL, *be = NULL;
  ck_assert_int_eq(vl2_backend_open(&mem, &vl2_mem_backend_ops, "", 9, NULL),
                   0);
  ck_assert_int_eq(
      vl2_pcapwrite_open(&be, mem, "/nonexistent/d/x.pcap", 0, NULL), -ENOENT);
  ck_assert_int_eq(
      vl2_pcapwrite_open(&be, mem, path,
                         VL2_PCAPWRITE_TS_FRAME | VL2_PCAPWRITE_NSEC, NULL),
      0);
  ck_assert_str_eq(vl2_backend_name(be), "pcapwrite");
  ck_assert_uint_eq(vl2_backend_port(be), 9);
  uint8_t f[5][80];
  for (int i = 0; i < 5; i++) {
    memset(f[i], 0x10 * i + 1, sizeof(f[i]));
    ck_assert_int_eq(vl2_mem_backend_inject(mem, f[i], 60 + (size_t)i,
                                            1000000000ull * (uint64_t)(i + 1)),
                     0);
  }
  vl2_frame fr[8];
  ck_assert_int_eq(vl2_backend_rx_burst(be, fr, 3, 7), 3);
  ck_assert_int_eq(vl2_backend_tx_burst(be, fr, 2), 2); /* ts = now = 7 */
  ck_assert_int_eq(vl2_backend_rx_burst(be, fr, 8, 8), 2);
  vl2_backend_close(be);
  capture c;
  char err[200];
  ck_assert_int_eq(read_all(path, "", &c, err, sizeof(err)), VL2_ERR_CLOSED);
  ck_assert_uint_eq(c.n, 7);
  const int order[7] = {0, 1, 2, 0, 1, 3, 4};
  const uint64_t ts[7] = {1000000000, 2000000000, 3000000000, 7,
                          7,          4000000000, 5000000000};
  for (int i = 0; i < 7; i++) {
    ck_assert_uint_eq(c.len[i], 60 + (uint32_t)order[i]);
    ck_assert_mem_eq(c.data[i], f[order[i]], c.len[i]);
    ck_assert_uint_eq(c.ts[i], ts[i]);
  }
  cap_free(&c);
}
END_TEST

int main(int argc, char **argv) {
  struct stat sb;
  if (argc != 3) {
    fprintf(stderr, "usage: test_pcap_offline PCAP_DIR LIST\n");
    return 2;
  }
  if (stat(argv[1], &sb) != 0 || !S_ISDIR(sb.st_mode)) {
    printf("SKIP: test captures not found at %s\n", argv[1]);
    return 77;
  }
  g_dir = argv[1];
  g_list = argv[2];
  size_t ncap, missing = 0;
  char **caps = list_captures(&ncap);
  for (size_t i = 0; i < ncap; i++) {
    if (stat(caps[i], &sb) != 0) {
      if (missing++ == 0)
        printf("missing: %s\n", caps[i]);
    }
    free(caps[i]);
  }
  free(caps);
  if (missing > 0) {
    printf("SKIP: %zu of the %zu captures in %s are missing\n", missing, ncap,
           g_list);
    return 77;
  }
  if (system("tcpdump --version >/dev/null 2>&1") != 0) {
    printf("SKIP: tcpdump not installed\n");
    return 77;
  }
  snprintf(g_tmp, sizeof(g_tmp), "/tmp/vl2t_pcap_%d", (int)getpid());
  if (mkdir(g_tmp, 0700) != 0 && errno != EEXIST)
    return 1;
  Suite *s = suite_create("pcap_offline");
  TCase *tc = tcase_create("offline");
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, test_all_captures);
  tcase_add_test(tc, test_sll_conversion);
  tcase_add_test(tc, test_filter_and_errors);
  tcase_add_test(tc, test_out_file);
  tcase_add_test(tc, test_writer);
  tcase_add_test(tc, test_pcapwrite);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  char cmd[300];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", g_tmp);
  if (system(cmd) != 0)
    failed++;
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
