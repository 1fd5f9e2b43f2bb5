/*
** engine/host/worker.h
** One batch worker: a Lua state that has loaded the scenario script and the
** model once (require('budget.batch').worker) and then runs point after point.
** The protocol between engine/host/batch.c and engine/lua/batch.lua.
** See LICENSE for copyright and license.
*/
#ifndef HOST_WORKER_H
#define HOST_WORKER_H

#include <stddef.h>

#include "core/model.h"
#include "guard.h"
#include "rows.h"
#include "script.h"

/* What a point's outcome says beyond its rows (bits of worker_point.flags). */
enum {
  WORKER_FAILED = 1,     /* the point failed: its row says why */
  WORKER_VIOLATIONS = 2  /* the point breaks rules of severity error */
};

/* What a worker is made from; everything is borrowed for the call. */
typedef struct worker_setup {
  const char *script_path;      /* the scenario script */
  const char *model_path;       /* the model file, read again over 'core' */
  const model *core;            /* the shared model, which must outlive the worker and not change */
  const char *const *names;     /* parameter names */
  size_t nnames;
  const char *const *values;    /* each parameter's values in turn (batch_spec's); NULL: none given */
  const size_t *counts;         /* how many values each has */
  const char *format;           /* "csv" or "jsonl": how rows are written */
  guard_limits limits;          /* what one point may spend: over it, the point fails and the batch goes on */
} worker_setup;

/* One point: what goes in, and what comes out. */
typedef struct worker_point {
  size_t number;                /* in: the point's number */
  const char *const *values;    /* in: its parameter values, one per name */
  const size_t *vidx;           /* in: each value's place in its parameter's list, for a plan; NULL: no plan */
  size_t nvalues;
  rowbuf text;                  /* out: its rows, then its header; reused point after point (worker_point_free) */
  size_t rows_len, header_len;  /* out: text.p[0 .. rows_len) the rows, the header after them */
  int flags;                    /* out: WORKER_FAILED, WORKER_VIOLATIONS */
} worker_point;

/* The rows and the header of a point worker_run filled. */
#define worker_rows(wp) ((wp)->text.p ? (wp)->text.p : "")
#define worker_header(wp) ((wp)->text.p ? (wp)->text.p + (wp)->rows_len : "")

/*
** Makes s a worker as 'setup' says. When the script has a plan's shape (engine/lua/plan.lua), the
** worker keeps the plan and an overlay of its own, and runs each point in C unless the plan
** leaves the point to the script. setup and its strings are borrowed for the
** call; setup->core is kept by the state and must outlive s. ESCRIPT (message
** in script_errmsg), ENOMEM or ELIMIT on failure, and then s may be part set up
** (modules loaded, no point function): free it rather than run points on it.
*/
budget_status worker_init(script *s, const worker_setup *setup);

/*
** Runs one point on a worker. On success p's outputs are set (p->text replaced: its memory is
** reused); on failure the message is in script_errmsg and p->text holds nothing. ESCRIPT, ENOMEM
** or ELIMIT. The inputs are borrowed for the call. p->text must have been set up with rowbuf_init.
*/
budget_status worker_run(script *s, worker_point *p);

/* Frees p's text; the inputs are not touched. A second call is a no-op. */
void worker_point_free(worker_point *p);

#endif
