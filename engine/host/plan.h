/*
** engine/host/plan.h
** A batch plan: a batch script of a fixed shape (a scenario, operations whose
** arguments are literals or parameters, one budget.emit of totals) compiled
** once by engine/lua/plan.lua, and run point after point in C on one overlay
** a worker: reset, apply, check, format the row. What the plan cannot answer
** alone (a value that does not parse, an operation the core refuses, a cell
** below zero under a nonnegative rule) it leaves to the script (PLAN_FALLBACK),
** whose row is then the one Lua makes: a plan never changes an output byte.
** See LICENSE for copyright and license.
*/
#ifndef HOST_PLAN_H
#define HOST_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "core/facts.h"
#include "core/scenario.h"
#include "rows.h"

typedef enum plan_kind { PLAN_SCALE, PLAN_SET, PLAN_ADD, PLAN_TRANSFER, PLAN_HOLD, PLAN_RELEASE } plan_kind;

/* A selection of one fact set. */
typedef struct plan_target {
  size_t set;
  hier_id sel[FACTS_MAX_DIMS];
} plan_target;

/* An operation's argument as the script's own code would have made it: a factor (a cut's is 1 − rate) or an
** amount; 'ok' false where the script would raise (the point is then the script's). */
typedef struct plan_value {
  bool ok;
  rate r;
  money m;
} plan_value;

#define PLAN_CONSTANT ((size_t)-1)

typedef struct plan_op {
  plan_kind kind;
  bool carry;                 /* whether the change is carried along the links */
  int round;                  /* a scale's money_round */
  plan_target *targets;       /* the reference: one target, a transfer's two (from, to), or every fact set a hold selects in */
  size_t ntargets;
  size_t param;               /* the parameter that gives the argument, or PLAN_CONSTANT */
  plan_value constant;
  const plan_value *values;   /* with a parameter: one for each of its values, in their order */
} plan_op;

/* A column of the row: the total of a selection, in the row's order. */
typedef struct plan_column {
  const char *key;
  plan_target target;
} plan_column;

typedef enum plan_severity { PLAN_ERROR, PLAN_WARNING, PLAN_INFO } plan_severity;

typedef struct batch_plan {
  const model *base;
  const plan_op *ops;
  size_t nops;
  const plan_column *columns;  /* in the row's order (its keys sorted) */
  size_t ncolumns;
  plan_target total;           /* the grand total: the main fact set, all of it */
  bool jsonl;                  /* rows in JSON lines, else CSV */
  const char *header;          /* the CSV header of its rows */
  size_t header_len;
  /* the model's rules that judge scenarios, compiled (engine/core/scenario.h) */
  const scenario_check *checks;
  size_t nchecks;
  const scenario_term *terms;
  size_t nterms;
  const money *base_totals;
  const unsigned char *severity;  /* plan_severity of each check */
  bool nonnegative;               /* a rule says no cell may be below zero */
  const char *const *names;       /* the parameters' names */
  size_t nnames;
} batch_plan;

enum { PLAN_DONE = 0, PLAN_FALLBACK = 1 };

/*
** Runs point 'point' of plan p on ov (an overlay of p->base, reset here first): the parameters'
** values as indexes into their lists (vidx) and as text (values), one per name. On PLAN_DONE its
** rows are appended to 'rows' and *flags gets WORKER_VIOLATIONS (2) when a rule of severity
** error is broken, else 0; on PLAN_FALLBACK nothing is appended. 'failed' is the caller's scratch
** of p->nchecks bytes. A buffer out of memory is PLAN_FALLBACK, and the script says so.
*/
int plan_run(const batch_plan *p, scenario *ov, const size_t *vidx, const char *const *values, size_t point,
             unsigned char *failed, rowbuf *rows, int *flags);

#endif
