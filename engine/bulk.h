/*
** engine/bulk.h
** Bulk loading: a dimension's members and a fact set's cells from CSV text,
** in C, for models too big to write as Lua tables (a million cells loads in
** a fraction of a second).
** See LICENSE for copyright and license.
*/
#ifndef BULK_H
#define BULK_H

#include <stddef.h>

#include "model.h"
#include "status.h"

/* Where a bulk load went wrong: the line (1-based) and what was expected there. */
typedef struct bulk_error {
  size_t line;
  char message[512];
} bulk_error;

/*
** Adds members to dimension 'dim' from CSV text: one member a line, 'code,name'
** (code may be empty: then the member is named only and goes at the top
** level). Members come in preorder: a member's parent is the line above it
** whose code its own extends. Quoted fields ("...", "" for a quote) are read
** as RFC 4180 says; no header line; a UTF-8 byte order mark first is skipped. On failure, err says the line and why.
*/
budget_status bulk_members(model *m, size_t dim, const char *text, size_t len, bulk_error *err);

/*
** Adds cells to fact set 'set' from CSV text: one cell a line, one member per
** dimension (a code, or a name for a dimension without codes) and then the
** amount ('1234.56', '10万'; in 元 unless it says). Each cell once.
*/
budget_status bulk_cells(model *m, size_t set, const char *text, size_t len, bulk_error *err);

/* The same from a file: read whole, parsed, and freed before it returns. EIO if it cannot be read. */
budget_status bulk_members_file(model *m, size_t dim, const char *path, bulk_error *err);
budget_status bulk_cells_file(model *m, size_t set, const char *path, bulk_error *err);

/*
** A cells file read and split on another thread while the dimensions load: start it as soon
** as the model file names it, then hand it to bulk_cells_prefetched, which waits for it,
** resolves the members and stores the cells. Amounts are parsed on the other thread too.
*/
typedef struct bulk_prefetch bulk_prefetch;

/* Starts reading 'path' (cells with nfields fields a line) on a new thread. ENOMEM, EINVAL. */
budget_status bulk_prefetch_start(const char *path, size_t nfields, bulk_prefetch **out);

/* Stores the prefetched cells in fact set 'set'; frees nothing (bulk_prefetch_free does). */
budget_status bulk_cells_prefetched(model *m, size_t set, bulk_prefetch *p, bulk_error *err);

/* Waits for the thread and frees everything; NULL is a no-op. */
void bulk_prefetch_free(bulk_prefetch *p);

#endif
