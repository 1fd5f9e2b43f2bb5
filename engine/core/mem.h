/*
** engine/core/mem.h
** Allocator hooks: every engine allocation goes through one, so tests can fail any of them.
** See LICENSE for copyright and license.
*/
#ifndef MEM_H
#define MEM_H

#include <stddef.h>

#include "status.h"

/*
** The hook has lua_Alloc's contract, so one function can serve the engine and
** its Lua states: nsize == 0 frees 'ptr' and returns NULL; otherwise it returns
** a block of nsize bytes holding the first min(osize, nsize) bytes of 'ptr'
** (a new block when ptr is NULL), or NULL on failure, leaving 'ptr' intact.
*/
typedef void *(*mem_fn)(void *ud, void *ptr, size_t osize, size_t nsize);

typedef struct mem_allocator {
  mem_fn fn;
  void *ud;
} mem_allocator;

/* The C library's allocator; a static, immutable object. */
const mem_allocator *mem_default(void);

/*
** count * size bytes, uninitialised, into *out (a zero-byte request still gets a
** real block); the caller frees it with mem_free(A, p, count, size). EOVERFLOW
** if the size wraps, ENOMEM on failure; *out is untouched on either.
*/
budget_status mem_array(const mem_allocator *A, size_t count, size_t size, void **out);

/* Like mem_array, zero-filled; *out untouched on failure. */
budget_status mem_zarray(const mem_allocator *A, size_t count, size_t size, void **out);

/*
** Makes room for at least 'need' elements of 'size' bytes in *ptr, whose
** capacity is *cap elements, growing by half again. EOVERFLOW or ENOMEM; on
** failure *ptr and *cap are untouched (the old block is still valid). Free the
** block with mem_free(A, *ptr, *cap, size).
*/
budget_status mem_grow(const mem_allocator *A, void **ptr, size_t *cap, size_t need, size_t size);

/* Frees a block of 'count' elements of 'size' bytes from mem_array/mem_grow; NULL is a no-op. */
void mem_free(const mem_allocator *A, void *ptr, size_t count, size_t size);

/* A copy of s[0..len) with a NUL after it; the caller frees it with mem_free(A, p, len + 1, 1). EOVERFLOW for
** len SIZE_MAX, ENOMEM; *out untouched on failure. */
budget_status mem_strndup(const mem_allocator *A, const char *s, size_t len, char **out);

#endif
