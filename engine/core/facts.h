/*
** engine/core/facts.h
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
** for whole 元, 10,000 for 0.01万元. 'name' is copied; A is borrowed and must
** outlive the set. EINVAL for ndims out of range, grain <= 0 or an empty name;
** ESTATE for an unsealed dimension; ENOMEM. On success the caller owns *out
** (facts_free; a model's sets are the model's); on failure *out is untouched
** and nothing is left allocated.
*/
budget_status facts_new(const mem_allocator *A, const char *name, const hier *const *dims, size_t ndims,
                        money grain, facts **out);

/* Frees f; NULL is a no-op. The dimensions are not touched. */
void facts_free(facts *f);

/*
** facts_name: the set's name, borrowed until facts_free. facts_ndims: how many
** dimensions it has. facts_dim: dimension d (< facts_ndims, not checked), as
** given to facts_new. facts_grain: its grain in fen. facts_count: how many
** cells it holds; cells are numbered below it.
*/
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
** key is read for the call only. ENOMEM, and EOVERFLOW for a set already at
** UINT32_MAX - 1 cells. On any failure the cells are as they were and *cell is
** untouched (the set may have grown room).
*/
budget_status facts_add(facts *f, const hier_id *key, money amount, size_t *cell);

/* Makes the key index a lookup makes on first use, and the cell orders totals make (facts.c's dim_order), so
** that threads may share f read-only. */
void facts_prepare(facts *f);

/* Makes room for 'cells' more cells (a bulk load's hint). ENOMEM, EOVERFLOW; the cells are unchanged either way. */
budget_status facts_reserve(facts *f, size_t cells);

/* Like facts_add, but EDUPLICATE if the cell exists (*cell untouched): a model states each cell once. */
budget_status facts_put(facts *f, const hier_id *key, money amount, size_t *cell);

/*
** The number of the cell keyed by key into *cell, or ENOTFOUND with *cell
** untouched. After a bulk load the first lookup makes the index: call
** facts_prepare before threads share f.
*/
budget_status facts_find(const facts *f, const hier_id *key, size_t *cell);

/* The set's own amount of 'cell', and its member in dimension d; neither is checked against the counts. */
money facts_amount(const facts *f, size_t cell);
hier_id facts_key(const facts *f, size_t cell, size_t d);

/*
** A selection is one member per dimension, a leaf or a parent, or HIER_NONE
** for all of that dimension; a NULL selection is everything. A cell is in it
** when each of its leaves lies within the selected member.
*/
bool facts_selected(const facts *f, size_t cell, const hier_id *sel);

/*
** The selection of the cells both a and b select (a member per dimension, HIER_NONE for all)
** into out (FACTS_MAX_DIMS ids; may be NULL): in each dimension the member within the other.
** False if they share no member path in some dimension, and so no cell.
*/
bool facts_intersect(const facts *f, const hier_id *a, const hier_id *b, hier_id *out);

/* The total of the cells in the selection; EOVERFLOW if it does not fit, *out untouched. */
budget_status facts_total(const facts *f, const hier_id *sel, money *out);

/*
** Like facts_total, over 'amounts' (one per cell, in cell order) instead of the
** set's own: a scenario's amounts, borrowed for the call. NULL means the set's
** own. EOVERFLOW if the total does not fit, *out untouched.
*/
budget_status facts_total_of(const facts *f, const money *amounts, const hier_id *sel, money *out);

/* The set's own amounts, one per cell in cell order; borrowed, valid until the next facts_add, facts_put or
** facts_reserve (any of which may move them) or facts_free. */
const money *facts_amounts(const facts *f);

/*
** The total of every member of dimension 'dim' within the selection of the
** other dimensions (sel[dim] is ignored), in one pass over the cells:
** totals[id] for each member id, hier_count(dim) entries, caller's. EINVAL
** for dim out of range, totals untouched. EOVERFLOW if a total does not fit,
** and then totals is left part-written: zeroed and partly summed, neither the
** caller's values nor the result.
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

/* Starts an iteration; 'sel' is copied, so it need not outlive the iterator. f is borrowed: it must outlive the
** iterator and gain no cells while it runs. */
void facts_iter_init(facts_iter *it, const facts *f, const hier_id *sel);

/* The next selected cell into *cell, or false when there is none (*cell untouched). */
bool facts_iter_next(facts_iter *it, size_t *cell);

#endif
