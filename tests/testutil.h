/*
** tests/testutil.h
** Helpers the unit tests share: a deterministic PRNG, an allocator that
** fails on request, reading a file whole.
** See LICENSE for copyright and license.
*/
#ifndef TESTUTIL_H
#define TESTUTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/mem.h"

/* splitmix64: the same sequence on every machine and libc, unlike rand(). */
static inline uint64_t prng_next(uint64_t *state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15u);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
  return z ^ (z >> 31);
}

/* A number in [0, n). */
static inline uint64_t prng_below(uint64_t *state, uint64_t n) {
  return n == 0 ? 0 : prng_next(state) % n;
}

/* An allocator that refuses the allocation numbered 'fail_at' (1-based; 0 never) and counts the rest. */
typedef struct failing {
  long fail_at;
  long calls;      /* allocations (not frees) asked for so far */
  long live;       /* blocks handed out and not yet freed */
} failing;

static inline void *failing_fn(void *ud, void *ptr, size_t osize, size_t nsize) {
  failing *f = ud;
  (void)osize;
  if (nsize == 0) {
    if (ptr != NULL) f->live--;
    free(ptr);
    return NULL;
  }
  if (++f->calls == f->fail_at) return NULL;
  if (ptr == NULL) {
    void *p = malloc(nsize);
    if (p != NULL) f->live++;
    return p;
  }
  return realloc(ptr, nsize);
}

static inline mem_allocator failing_allocator(failing *f) {
  mem_allocator a;
  a.fn = failing_fn;
  a.ud = f;
  return a;
}

/* The whole file at path, NUL-terminated, or NULL; the caller frees it. */
static inline char *read_file(const char *path, size_t *len) {
  FILE *fp = fopen(path, "rb");
  char *buf;
  long n;
  if (fp == NULL) return NULL;
  if (fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET) != 0 ||
      (buf = malloc((size_t)n + 1)) == NULL) {
    fclose(fp);
    return NULL;
  }
  if (fread(buf, 1, (size_t)n, fp) != (size_t)n) {
    free(buf);
    fclose(fp);
    return NULL;
  }
  buf[n] = '\0';
  fclose(fp);
  if (len) *len = (size_t)n;
  return buf;
}

/* The document every test reads, as the repository ships it beside its model. */
#define SAST_DOCUMENT "models/sast-2021.txt"

#endif
