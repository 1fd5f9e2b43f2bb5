/*
** engine/core/bulk.h
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
** as RFC 4180 says; no header line; a UTF-8 byte order mark first is skipped.
** m and text are borrowed for the call; 'dim' must be one of m's dimensions
** (not checked). ESYNTAX for a malformed line, a bad or repeated code, a bad
** name or more than 64 levels, with err (may be NULL) giving the line and why;
** ESTATE once the dimension is sealed; ENOMEM or EOVERFLOW as hier_add returns
** them, err untouched. Not all or nothing: on failure the members of the lines
** before the failing one stay in the dimension.
*/
budget_status bulk_members(model *m, size_t dim, const char *text, size_t len, bulk_error *err);

/*
** Adds cells to fact set 'set' from CSV text: one cell a line, one member per
** dimension (a code, or a name for a dimension without codes) and then the
** amount ('1234.56', '10万'; in 元 unless it says). Each cell once.
** m and text are borrowed for the call; 'set' must be one of m's fact sets
** (not checked). ESYNTAX for a wrong number of fields, an unknown member, a
** malformed amount, a member that is not a leaf, a cell given twice or an
** amount off the grain, with err (may be NULL) giving the line and why; ENOMEM
** or EOVERFLOW as facts_put returns them, err untouched. Not all or nothing: on
** failure the cells of the lines before the failing one stay in the set.
*/
budget_status bulk_cells(model *m, size_t set, const char *text, size_t len, bulk_error *err);

/*
** The same from a file: read whole (through mem_default, not the model's
** allocator), parsed, and freed before it returns; 'path' is borrowed for the
** call. EIO if it cannot be read, ENOMEM if it cannot be held, either with
** err (may be NULL) saying why at line 0; otherwise as bulk_members and
** bulk_cells, which leave a part-loaded dimension or set on failure.
*/
budget_status bulk_members_file(model *m, size_t dim, const char *path, bulk_error *err);
budget_status bulk_cells_file(model *m, size_t set, const char *path, bulk_error *err);

/*
** A cells file read and split on another thread while the dimensions load: start it as soon
** as the model file names it, then hand it to bulk_cells_prefetched, which waits for it,
** resolves the members and stores the cells. Amounts are parsed on the other thread too.
*/
typedef struct bulk_prefetch bulk_prefetch;

/*
** Starts reading 'path' (copied; cells with nfields fields a line) on a new
** thread, or reads it before returning when no thread can be had. EINVAL
** unless 2 <= nfields <= FACTS_MAX_DIMS + 1; ENOMEM. A file that cannot be read
** or parsed is not a failure here: bulk_cells_prefetched reports it. On success
** the caller owns *out and frees it with bulk_prefetch_free; on failure *out is
** untouched and nothing is left allocated.
*/
budget_status bulk_prefetch_start(const char *path, size_t nfields, bulk_prefetch **out);

/*
** Waits for the reading, then stores the prefetched cells in fact set 'set' of
** m (not checked); p is borrowed, and only bulk_prefetch_free frees it. A
** failed reading comes back as its status (EIO, ENOMEM, ESYNTAX) with its
** bulk_error copied into err (may be NULL). ESYNTAX with err if the set does not
** have nfields - 1 dimensions, and for an unknown member, a member that is not a
** leaf, a cell given twice or an amount off the grain; ENOMEM or EOVERFLOW as
** facts_put returns them. Not all or nothing: on failure the cells stored before
** the failing row stay in the set.
*/
budget_status bulk_cells_prefetched(model *m, size_t set, bulk_prefetch *p, bulk_error *err);

/* Waits for the thread and frees everything, the text and the rows; NULL is a no-op. */
void bulk_prefetch_free(bulk_prefetch *p);

#endif
