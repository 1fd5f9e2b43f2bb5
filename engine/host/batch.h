/*
** engine/host/batch.h
** Batch runs: one scenario script over many parameter points, on worker
** threads, each with its own Lua state over one shared, read-only model; the
** results come back in the order of the points, whatever the number of workers.
** See LICENSE for copyright and license.
*/
#ifndef BATCH_H
#define BATCH_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/mem.h"
#include "core/model.h"
#include "core/status.h"
#include "lua.h"
#include "guard.h"
#include "rows.h"
#include "worker.h"

typedef struct batch batch;

/* The most worker threads a batch may have. */
#define BATCH_MAX_JOBS 256

typedef struct batch_spec {
  const char *script_path;            /* the scenario script */
  const char *model_path;             /* the model file, read again by each worker over 'core' */
  const model *core;                  /* the shared model, borrowed, read-only while the batch runs */
  lua_CFunction open;                 /* what each worker's state opens as 'budget' (luaopen_budget) */
  const char *const *names;           /* parameter names */
  size_t nnames;
  const char *const *values;          /* each parameter's values in turn: the first's, then the second's, … */
  const size_t *counts;               /* how many values each parameter has (nnames of them) */
  size_t npoints;                     /* the points this batch runs: first .. first + npoints − 1 */
  size_t first;                       /* the number of the first point (a shard starts past 0) */
  const char *format;                  /* "csv" or "jsonl": how the workers write rows */
  size_t jobs;                        /* worker threads, 1 to BATCH_MAX_JOBS */
  size_t mem_limit;                   /* bytes each worker's Lua state may hold; 0: no limit */
  guard_limits point_limits;          /* what one point may spend (engine/host/guard.h); 'what' unused */
  volatile sig_atomic_t *interrupted; /* set by the caller's signal handler; may be NULL */
} batch_spec;

/*
** Point g of all the parameters' combinations has, for each parameter, its value number
** g / (the counts of the parameters after it) mod its own count: the first varies slowest.
*/

/* One point's outcome, borrowed until the next batch_next, batch_take or batch_free. */
typedef struct batch_result {
  size_t point;        /* its number */
  const char *rows;    /* its output rows, each ending in a newline; a failed point's: the message */
  size_t rows_len;
  const char *header;  /* the column names its rows have */
  size_t header_len;
  int flags;           /* WORKER_FAILED, WORKER_VIOLATIONS (engine/host/worker.h) */
} batch_result;

/*
** Starts spec->jobs workers, each with its own Lua state made with A (borrowed:
** it must outlive the batch). The strings of 'spec' are copied, so they need not
** outlive the call; 'core' and the 'interrupted' flag are borrowed and must
** outlive the batch. EINVAL for jobs 0 or over BATCH_MAX_JOBS, or no script_path, model_path
** or open;
** EOVERFLOW for too many values or points (more than the counts make, past 'first'); ENOMEM, also when a thread cannot be started.
** On failure *out is untouched and nothing is left running or allocated. A
** worker that cannot load the script or the model is not a failure here:
** batch_next returns ESCRIPT for it, with the message in batch_errmsg. The
** caller owns *out and frees it with batch_free.
*/
budget_status batch_start(const mem_allocator *A, const batch_spec *spec, batch **out);

/*
** Waits for the next point in order. BUDGET_OK with *done false and *r filled;
** *done true when every point is out, or the batch was interrupted or stopped
** (then batch_interrupted says so), or every worker stopped before this point;
** *r is untouched then. ESCRIPT if a worker failed to start, with the message in
** batch_errmsg: *r and *done are untouched and the workers are told to stop.
*/
budget_status batch_next(batch *b, batch_result *r, bool *done);

/* What batch_take has written so far. */
typedef struct batch_tally {
  size_t written;  /* points whose rows are out */
  size_t failed;   /* of them, failed: their rows say why */
  size_t errors;   /* of them, breaking a rule of severity error */
} batch_tally;

/*
** Appends the rows of the next points, in order, to 'out', as the command writes them: a failed
** point's row (rows_error) under the columns of the rows before it; in CSV, the header before the
** first rows when 'write_header', and a point whose columns differ from the first's made a failed row.
** Returns when 'out' holds 64 KB or more, or when at least one point is in and the next is not
** ready, or after about 0.1 s with nothing (so a caller can show progress): *done false. *done true
** when every point is out or the batch stopped (batch_next's). ESCRIPT as batch_next; ENOMEM when
** 'out' could not grow. The header of the first rows is kept: batch_header.
*/
budget_status batch_take(batch *b, rowbuf *out, bool write_header, bool *done);

/* What batch_take has written: borrowed, valid until batch_free. */
const batch_tally *batch_tally_of(const batch *b);

/* The header of the first point's rows ("" until one is out), borrowed until batch_free. */
const char *batch_header(const batch *b, size_t *len);

/* True if the batch ended because 'interrupted' was set. */
bool batch_interrupted(const batch *b);

/* The message of a failed worker ("" when none failed); borrowed, valid until batch_free. */
const char *batch_errmsg(const batch *b);

/* How many points are done (in any order): for progress. */
size_t batch_done(const batch *b);

/* Stops the workers (they finish the point they are on), joins them, frees everything; NULL is a no-op. */
void batch_free(batch *b);

#endif
