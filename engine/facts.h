/*
** engine/facts.h
** Fact sets: amounts keyed by one leaf of each of up to 8 dimensions, and
** the totals of any combination of members, derived from the cells.
** See LICENSE for copyright and license.
*/
#ifndef FACTS_H
#define FACTS_H

#include <stdbool.h>
#include <stddef.h>

#include "hier.h"
#include "mem.h"
#include "money.h"
#include "status.h"

/*
** The SAST spending facts are one fact set over three dimensions: function
** leaf × funding source × kind of spending. Only cells are stored; the total
** of any parent row comes from the cells beneath it, so a parent can never
** disagree with its children. Cells are numbered 0, 1, ... in the order they
** were created, and keep their number for the life of the set (scenarios key
** their changes by it).
*/
typedef struct facts facts;

#define FACTS_MAX_DIMS 8

/*
** A new empty fact set over 'ndims' (1..FACTS_MAX_DIMS) sealed dimensions,
** which it borrows: they must outlive it. Every amount must be a whole number
** of 'grain' fen, the precision the facts are published at: 1 for fen, 100
** for whole 元, 10,000 for 0.01万元. EINVAL for bad arguments, ESTATE for an
** unsealed dimension.
*/
budget_status facts_new(const mem_allocator *A, const char *name, const hier *const *dims, size_t ndims,
                        money grain, facts **out);

/* Frees f; NULL is a no-op. The dimensions are not touched. */
void facts_free(facts *f);

const char *facts_name(const facts *f);
size_t facts_ndims(const facts *f);
const hier *facts_dim(const facts *f, size_t d);
money facts_grain(const facts *f);
size_t facts_count(const facts *f);

/*
** Adds 'amount' to the cell keyed by key[0..ndims), creating it at 0 first.
** Each key[d] must be a leaf of dimension d (ENOTLEAF; EINVAL if not a member).
** EGRAIN if amount is not a whole number of grains; EOVERFLOW if the cell's
** sum does not fit, leaving it as it was. *cell (may be NULL) gets its number.
*/
budget_status facts_add(facts *f, const hier_id *key, money amount, size_t *cell);

/* Makes the key index a lookup makes on first use, so that threads may share f read-only. */
void facts_prepare(facts *f);

/* Makes room for 'cells' more cells (a bulk load's hint). */
budget_status facts_reserve(facts *f, size_t cells);

/* Like facts_add, but EDUPLICATE if the cell exists: a model states each cell once. */
budget_status facts_put(facts *f, const hier_id *key, money amount, size_t *cell);

/* The number of the cell keyed by key, or ENOTFOUND. */
budget_status facts_find(const facts *f, const hier_id *key, size_t *cell);

money facts_amount(const facts *f, size_t cell);
hier_id facts_key(const facts *f, size_t cell, size_t d);

/*
** A selection is one member per dimension, a leaf or a parent, or HIER_NONE
** for all of that dimension; a NULL selection is everything. A cell is in it
** when each of its leaves lies within the selected member.
*/
bool facts_selected(const facts *f, size_t cell, const hier_id *sel);

/* The total of the cells in the selection; EOVERFLOW if it does not fit. */
budget_status facts_total(const facts *f, const hier_id *sel, money *out);

/*
** Like facts_total, over 'amounts' (one per cell, in cell order) instead of the
** set's own: a scenario's amounts. NULL means the set's own.
*/
budget_status facts_total_of(const facts *f, const money *amounts, const hier_id *sel, money *out);

/* The set's own amounts, one per cell in cell order; borrowed, valid until the next facts_add/put. */
const money *facts_amounts(const facts *f);

/*
** The total of every member of dimension 'dim' within the selection of the
** other dimensions (sel[dim] is ignored), in one pass over the cells:
** totals[id] for each member id, hier_count(dim) entries, caller's.
*/
budget_status facts_rollup(const facts *f, size_t dim, const hier_id *sel, money *totals);

/* The bytes the fact set holds: its keys, amounts and index. */
size_t facts_bytes(const facts *f);

/*
** Iteration over the cells of a selection: in cell order, except in a set whose cells were
** not stored in their first members' order, where a selection by the first dimension comes
** in that order (a range of first_order) rather than from a scan of every cell.
*/
typedef struct facts_iter {
  const facts *f;
  hier_id sel[FACTS_MAX_DIMS];
  bool all;              /* every candidate is selected */
  size_t next, end;      /* the candidates left: a range of the cells, or of 'order' */
  const uint32_t *order; /* NULL, or the cells in their first members' order: the selected come in it */
} facts_iter;

/* Starts an iteration; 'sel' is copied, so it need not outlive the iterator. */
void facts_iter_init(facts_iter *it, const facts *f, const hier_id *sel);

/* The next selected cell into *cell, or false when there is none. */
bool facts_iter_next(facts_iter *it, size_t *cell);

#endif
