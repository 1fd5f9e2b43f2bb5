/*
** engine/core/mem.c
** Allocator hooks and overflow-checked sizes.
** See LICENSE for copyright and license.
*/
#include "mem.h"

#include <stdlib.h>
#include <string.h>

static void *libc_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  (void)ud;
  (void)osize;
  if (nsize == 0) {
    free(ptr);
    return NULL;
  }
  return realloc(ptr, nsize);
}

static const mem_allocator libc_allocator = {libc_alloc, NULL};

const mem_allocator *mem_default(void) {
  return &libc_allocator;
}

budget_status mem_array(const mem_allocator *A, size_t count, size_t size, void **out) {
  size_t bytes;
  void *p;
  if (__builtin_mul_overflow(count, size, &bytes)) return BUDGET_EOVERFLOW;
  if (bytes == 0) bytes = 1;  /* a real block, so the pointer can be freed like any other */
  p = A->fn(A->ud, NULL, 0, bytes);
  if (p == NULL) return BUDGET_ENOMEM;
  *out = p;
  return BUDGET_OK;
}

budget_status mem_zarray(const mem_allocator *A, size_t count, size_t size, void **out) {
  void *p;
  budget_status rc = mem_array(A, count, size, &p);
  if (rc) return rc;
  memset(p, 0, count * size);
  *out = p;
  return BUDGET_OK;
}

budget_status mem_grow(const mem_allocator *A, void **ptr, size_t *cap, size_t need, size_t size) {
  size_t ncap, obytes, nbytes;
  void *p;
  if (need <= *cap) return BUDGET_OK;
  ncap = *cap + *cap / 2;
  if (ncap < 8) ncap = 8;
  if (ncap < need) ncap = need;
  if (__builtin_mul_overflow(ncap, size, &nbytes)) return BUDGET_EOVERFLOW;
  obytes = *ptr == NULL ? 0 : (*cap == 0 ? 1 : *cap * size);
  p = A->fn(A->ud, *ptr, obytes, nbytes);
  if (p == NULL) return BUDGET_ENOMEM;
  *ptr = p;
  *cap = ncap;
  return BUDGET_OK;
}

void mem_free(const mem_allocator *A, void *ptr, size_t count, size_t size) {
  size_t bytes = count * size;  /* cannot wrap: the block was allocated with this size */
  if (ptr == NULL) return;
  A->fn(A->ud, ptr, bytes == 0 ? 1 : bytes, 0);
}

budget_status mem_strndup(const mem_allocator *A, const char *s, size_t len, char **out) {
  void *p;
  budget_status rc;
  if (len == (size_t)-1) return BUDGET_EOVERFLOW;
  rc = mem_array(A, len + 1, 1, &p);
  if (rc) return rc;
  memcpy(p, s, len);
  ((char *)p)[len] = '\0';
  *out = p;
  return BUDGET_OK;
}
