/*
** engine/scenario.h
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
** change while it lives. Creating one allocates a small fixed header; the
** first change to a fact set copies that set's amounts (8 bytes a cell), and
** the first hold makes a bit per cell.
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

budget_status scenario_new(const mem_allocator *A, const model *base, scenario **out);

/* A scenario on top of s: the same amounts and holds, changed apart from then on. */
budget_status scenario_copy(const scenario *s, scenario **out);

/* Frees s; NULL is a no-op. The base is not touched. */
void scenario_free(scenario *s);

const model *scenario_base(const scenario *s);

/* The amount of one cell in the scenario. */
money scenario_amount(const scenario *s, size_t set, size_t cell);

/* True if the cell's amount differs from the base's. */
bool scenario_changed(const scenario *s, size_t set, size_t cell);

/* True if the cell is held. */
bool scenario_held(const scenario *s, size_t set, size_t cell);

/* The total of a selection in the scenario. */
budget_status scenario_total(const scenario *s, size_t set, const hier_id *sel, money *out);

/* Moves the selection's total by 'delta' (a multiple of the grain: else EGRAIN). */
budget_status scenario_add(scenario *s, size_t set, const hier_id *sel, money delta);

/*
** Multiplies the selection's total by 'factor' (a cut of 5% is a factor of
** 95%): the total moves by total × (factor − 1), rounded once to the grain by
** ctx->round, and *delta (may be NULL) gets that move. Held cells count in the
** total but do not move, so a hold shifts the move onto the others.
*/
budget_status scenario_scale(scenario *s, money_ctx *ctx, size_t set, const hier_id *sel, rate factor, money *delta);

/* Sets the selection's total to 'value'; *delta (may be NULL) gets the move. */
budget_status scenario_set(scenario *s, size_t set, const hier_id *sel, money value, money *delta);

/* Moves 'amount' from one selection to another (in the same or another fact set), both or neither. */
budget_status scenario_transfer(scenario *s, size_t from_set, const hier_id *from, size_t to_set, const hier_id *to,
                                money amount);

/* Holds (or releases) every cell of the selection; *count (may be NULL) gets how many cells. */
budget_status scenario_hold(scenario *s, size_t set, const hier_id *sel, bool held, size_t *count);

#endif
