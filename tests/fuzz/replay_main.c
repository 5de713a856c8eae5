/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * Replays fuzz inputs through a harness's LLVMFuzzerTestOneInput() without
 * libFuzzer, so the corpora run as ordinary tests under any compiler (and
 * under the ASan/UBSan build).
 *
 * Usage: replay_<target> PATH...   (each PATH a file or a directory whose
 * regular files are all replayed, in name order). Fails when a PATH cannot
 * be read or names an empty directory; a harness invariant that fails
 * aborts the process, naming the input first.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int run_file(const char *path) {
  FILE *fp = fopen(path, "rb");
  if (fp == NULL) {
    perror(path);
    return -1;
  }
  size_t cap = 4096, len = 0;
  uint8_t *buf = malloc(cap);
  for (;;) {
    if (buf == NULL) {
      fclose(fp);
      fprintf(stderr, "%s: out of memory\n", path);
      return -1;
    }
    len += fread(buf + len, 1, cap - len, fp);
    if (len < cap)
      break;
    cap *= 2;
    buf = realloc(buf, cap);
  }
  int err = ferror(fp);
  fclose(fp);
  if (err) {
    fprintf(stderr, "%s: read error\n", path);
    free(buf);
    return -1;
  }
  fprintf(stderr, "replay %s (%zu bytes)\n", path, len);
  /* An exact-size copy, so ASan sees reads past the input's end. */
  uint8_t *data = malloc(len ? len : 1);
  if (data == NULL) {
    free(buf);
    return -1;
  }
  memcpy(data, buf, len);
  free(buf);
  LLVMFuzzerTestOneInput(data, len);
  free(data);
  return 0;
}

static int cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_dir(const char *dir, size_t *count) {
  DIR *d = opendir(dir);
  if (d == NULL) {
    perror(dir);
    return -1;
  }
  char **names = NULL;
  size_t n = 0, cap = 0;
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    if (de->d_name[0] == '.')
      continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 64;
      char **nn = realloc(names, cap * sizeof(*names));
      if (nn == NULL)
        break;
      names = nn;
    }
    size_t l = strlen(dir) + strlen(de->d_name) + 2;
    names[n] = malloc(l);
    if (names[n] == NULL)
      break;
    snprintf(names[n], l, "%s/%s", dir, de->d_name);
    n++;
  }
  closedir(d);
  qsort(names, n, sizeof(*names), cmp);
  int rv = 0;
  size_t ran = 0;
  for (size_t i = 0; i < n; i++) {
    struct stat st;
    if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
      if (run_file(names[i]) != 0)
        rv = -1;
      ran++;
    }
    free(names[i]);
  }
  free(names);
  if (ran == 0) {
    fprintf(stderr, "%s: no inputs\n", dir);
    return -1;
  }
  *count += ran;
  return rv;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
    return 2;
  }
  if (LLVMFuzzerInitialize != NULL)
    LLVMFuzzerInitialize(&argc, &argv);
  size_t count = 0;
  int rv = 0;
  for (int i = 1; i < argc; i++) {
    struct stat st;
    if (stat(argv[i], &st) != 0) {
      perror(argv[i]);
      rv = 1;
    } else if (S_ISDIR(st.st_mode)) {
      if (run_dir(argv[i], &count) != 0)
        rv = 1;
    } else {
      if (run_file(argv[i]) != 0)
        rv = 1;
      count++;
    }
  }
  printf("%zu inputs replayed%s\n", count, rv ? ", with errors" : "");
  return rv;
}
