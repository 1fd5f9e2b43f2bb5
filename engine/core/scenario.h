/*
** engine/core/scenario.h
** Scenarios: overlays on an immutable base model. Changes are recorded cell
** by cell; the base is never touched, and many scenarios share one base.
** See LICENSE for copyright and license.
*/
#ifndef SCENARIO_H
#define SCENARIO_H

#include <stdbool.h>
#include <stddef.h>

#include "facts.h"
#include "mem.h"
#include "model.h"
#include "money.h"
#include "status.h"

/*
** A scenario borrows its base model, which must outlive it and must not
** change while it lives. Creating one allocates a small fixed header; a
** change copies the pages of amounts it touches (1,024 cells, 8 KB, a page),
** so that a scenario costs what it changes, not what the model holds; the
** first hold makes a bit per cell.
**
** Every change to a selection (a member per dimension, HIER_NONE for all,
** parents allowed) moves the selection's total by exactly the amount asked,
** at the fact set's grain, spread over the selection's cells that are not held
** in proportion to their current amounts, by largest remainder
** (money_allocate). Cells at zero or below weigh nothing. If the cells not held
** weigh nothing in all, the change is EZEROWEIGHTS (nothing to spread over)
** and nothing moves. A change either applies whole or not at all.
*/
typedef struct scenario scenario;

/*
** A new scenario over 'base' with no changes, no holds and no journal. A and
** base are borrowed: both must outlive it. The caller owns *out and frees it
** with scenario_free. ENOMEM, with *out untouched.
*/
budget_status scenario_new(const mem_allocator *A, const model *base, scenario **out);

/*
** A scenario on top of s: the same amounts and holds, changed apart from then
** on, with s's allocator and base; the journal is not copied (the copy's is
** off and empty). The caller owns *out (scenario_free). ENOMEM, with *out
** untouched and nothing left allocated.
*/
budget_status scenario_copy(const scenario *s, scenario **out);

/*
** Makes s as scenario_new made it (no changes, no holds, an empty journal, carrying), keeping
** its journaling and the memory it had: the pages it copied are kept for its next changes, so a
** batch worker runs point after point on one overlay without allocating them again. Never fails.
*/
void scenario_reset(scenario *s);

/* Frees s; NULL is a no-op. The base is not touched. */
void scenario_free(scenario *s);

/* The base model, as given to scenario_new: borrowed, not owned by s. */
const model *scenario_base(const scenario *s);

/* The amount of one cell in the scenario. Here and in the two below, set and cell are not checked. */
money scenario_amount(const scenario *s, size_t set, size_t cell);


/* True if the cell's amount differs from the base's. */
bool scenario_changed(const scenario *s, size_t set, size_t cell);

/* True if the cell is held. */
bool scenario_held(const scenario *s, size_t set, size_t cell);

/* The total of a selection in the scenario. EINVAL for a set out of range, EOVERFLOW if it does not fit; *out
** untouched on failure. */
budget_status scenario_total(const scenario *s, size_t set, const hier_id *sel, money *out);

/*
** Moves the selection's total by 'delta' (a multiple of the grain: else
** EGRAIN); a delta of 0 does nothing and is BUDGET_OK. EINVAL for a set out of
** range; EZEROWEIGHTS; EOVERFLOW if a cell's new amount does not fit; ENOMEM.
** On failure no cell moves and the journal records nothing.
*/
budget_status scenario_add(scenario *s, size_t set, const hier_id *sel, money delta);

/*
** Multiplies the selection's total by 'factor' (a cut of 5% is a factor of
** 95%): the total moves by total × (factor − 1), rounded once to the grain by
** ctx->round, and *delta (may be NULL) gets that move. Held cells count in the
** total but do not move, so a hold shifts the move onto the others. EINVAL for
** a set out of range or an unknown ctx->round; otherwise as scenario_total and
** scenario_add. On failure nothing moves, and *delta and ctx->status are
** untouched.
*/
budget_status scenario_scale(scenario *s, money_ctx *ctx, size_t set, const hier_id *sel, rate factor, money *delta);

/* Sets the selection's total to 'value'; *delta (may be NULL) gets the move. Statuses as scenario_total and
** scenario_add, and EOVERFLOW if the move does not fit; on failure nothing moves and *delta is untouched. */
budget_status scenario_set(scenario *s, size_t set, const hier_id *sel, money value, money *delta);

/*
** Moves 'amount' from one selection to another (in the same or another fact
** set), both or neither. Between two sets, each side's move carries on its
** own (below), so that a transfer between linked descriptions leaves both
** consistent. EINVAL for a set out of range, EOVERFLOW for an amount of
** INT64_MIN, and otherwise as scenario_add for either side. On failure what
** was taken out is put back and the journal records nothing.
*/
budget_status scenario_transfer(scenario *s, size_t from_set, const hier_id *from, size_t to_set, const hier_id *to,
                                money amount);

/*
** Linked descriptions (model_add_link). While carrying (the default), every
** change made by scenario_add, _scale, _set and _transfer is carried along the
** model's links: the linked side of each other set moves by what keeps the
** link (equal totals at the link's grain; a part within its whole), spread
** over its cells not held like any change, and on from there, each set once.
** The carried moves are part of the operation: in its journal step, and
** undone with it. A carry that cannot land (every cell it could fall on held,
** or all at zero) fails the whole operation with EZEROWEIGHTS, and
** scenario_failed_link then names the link. scenario_carry(s, false) leaves
** changes in the set they were made in (the identity rules then report what
** no longer matches). scenario_put never carries.
*/
void scenario_carry(scenario *s, bool on);

/* The link whose carry failed the last operation (an index for model_link_at), or SIZE_MAX; *side (may be
** NULL) gets the side it could not land on, 0 or 1, when there is one. */
size_t scenario_failed_link(const scenario *s, int *side);

/*
** Holds (or releases) every cell of the selection; *count (may be NULL) gets how
** many cells it selects (0 for a release in a set that never held any). EINVAL
** for a set out of range, ENOMEM for the first hold's bits; *count untouched and
** nothing held on failure.
*/
budget_status scenario_hold(scenario *s, size_t set, const hier_id *sel, bool held, size_t *count);

/*
** Writes one cell's amount and hold as they are: what a merge of two scenarios does with
** each cell it takes from one of them. EGRAIN unless 'value' is a multiple of the set's grain;
** EINVAL for a set or cell out of range; ENOMEM. On failure the cell's amount and hold are as they
** were (the set may have gained an empty hold map).
*/
budget_status scenario_put(scenario *s, size_t set, size_t cell, money value, bool held);

/* {==================================================================
** The journal: what each step changed, recorded as it ran
** =================================================================== */

/*
** While a scenario keeps a journal (off when made or copied), every change it
** makes to a cell's amount is recorded as an entry, and scenario_mark closes a
** step: the entries since the last mark. Explaining a scenario (which step
** moved which total, the waterfall, a merge's common ancestor) reads the
** journal instead of doing the operations again. An operation that fails
** records nothing. The journal costs 24 bytes a changed cell and step.
*/
typedef struct scenario_entry {
  size_t set, cell;
  money delta;  /* the cell's amount after, less before */
} scenario_entry;

/* Starts (or stops) keeping the journal; what is recorded stays. */
void scenario_journal(scenario *s, bool on);

/* Closes the current step (with the journal off too: then it has no entries); *step (may be NULL)
** gets its number, from 1. ENOMEM leaves the journal as it was. */
budget_status scenario_mark(scenario *s, size_t *step);

/* How many steps are closed. */
size_t scenario_steps(const scenario *s);

/*
** What step 'step' rounded: *cells gets how many cells' shares of a spread were not a whole
** number of grains (largest remainder gave them their grain), *move whether the move itself
** was rounded to the grain (a scale: MONEY_INEXACT in its money_ctx). Counted with or
** without the journal. EINVAL for a step that is not closed.
*/
budget_status scenario_step_rounding(const scenario *s, size_t step, size_t *cells, bool *move);

/* The entries of step 'step' (1 .. scenario_steps), borrowed until s next changes; *n gets their count. For a
** step out of range, or one with no entries, NULL and *n is 0: *n is written either way. */
const scenario_entry *scenario_step_entries(const scenario *s, size_t step, size_t *n);

/* }================================================================== */

/* {==================================================================
** Checks compiled from a model's rules: linear in the totals of selections
** =================================================================== */

/* One term: coef × the total of a selection of a fact set. */
typedef struct scenario_term {
  size_t set;
  hier_id sel[FACTS_MAX_DIMS];
  int coef;  /* +1 or -1 */
} scenario_term;

typedef enum scenario_op {
  SCENARIO_EQ,     /* left = right */
  SCENARIO_LE,     /* left <= right */
  SCENARIO_GE      /* left >= right */
} scenario_op;

/*
** left = Σ terms[lfirst .. lfirst + lcount) + lconst, and right likewise;
** both rounded to 'grain' (when > 0, half away from zero) before they are compared.
*/
typedef struct scenario_check {
  scenario_op op;
  money grain;
  size_t lfirst, lcount, rfirst, rcount;
  money lconst, rconst;
} scenario_check;

/* True if any cell of any fact set is below zero in s. */
bool scenario_any_negative(const scenario *s);

/*
** The base's total of each term, into base_totals[0 .. nterms) (caller's):
** computed once for a plan. EINVAL for a term whose set or member ids are out of
** range, EOVERFLOW if a total does not fit. On failure base_totals is left
** part-written: the terms before the failing one are filled.
*/
budget_status scenario_base_totals(const model *base, const scenario_term *terms, size_t nterms, money *base_totals);

/*
** Evaluates every check on s and sets failed[i] to 1 where check i does not
** hold (0 where it does). A term's total is its base total plus what the
** scenario's changed cells add to it, so a check costs in proportion to the
** cells that changed, not to the model. EOVERFLOW if a total does not fit;
** EINVAL for a term out of range or a check's op or term range that is bad;
** ENOMEM when more than 64 terms need scratch memory. base_totals is what
** scenario_base_totals gave for s's base. A failure found while checking
** (EOVERFLOW in a side, EINVAL for a check) leaves 'failed' part-written: the
** checks before it are set, the rest untouched.
*/
budget_status scenario_check_all(const scenario *s, const scenario_check *checks, size_t n, const scenario_term *terms,
                                 size_t nterms, const money *base_totals, unsigned char *failed);

/* }================================================================== */

#endif
