/*
** engine/batch.h
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

#include "mem.h"
#include "status.h"

typedef struct batch batch;

typedef struct batch_spec {
  const char *script_path;            /* the scenario script */
  const char *model_path;             /* the model file, read again by each worker over 'core' */
  void *core;                         /* the shared model (a model *), borrowed, read-only while the batch runs */
  const char *const *names;           /* parameter names */
  size_t nnames;
  const char *const *values;          /* npoints × nnames parameter values, point by point */
  size_t npoints;
  size_t first;                       /* the number of the first point (a shard starts past 0) */
  const char *format;                  /* "csv" or "jsonl": how the workers write rows */
  size_t jobs;                        /* worker threads, >= 1 */
  size_t mem_limit;                   /* bytes each worker's Lua state may hold; 0: no limit */
  volatile sig_atomic_t *interrupted; /* set by the caller's signal handler; may be NULL */
} batch_spec;

/* One point's outcome, borrowed until the next batch_next or batch_free. */
typedef struct batch_result {
  size_t point;        /* its number */
  const char *rows;    /* its output rows, each ending in a newline */
  size_t rows_len;
  const char *header;  /* the column names its rows have */
  size_t header_len;
  int flags;           /* 1: the point failed (its row says why); 2: violations of severity error */
} batch_result;

/*
** Starts the workers. Everything in 'spec' is copied, so it need not outlive
** the call. ESCRIPT, with the message in batch_errmsg... from batch_next, if a
** worker cannot load the script or the model.
*/
budget_status batch_start(const mem_allocator *A, const batch_spec *spec, batch **out);

/*
** Waits for the next point in order. BUDGET_OK with *done false and *r filled;
** *done true when every point is out, or the batch was interrupted or stopped
** (then batch_interrupted says so). ESCRIPT if a worker failed to start, with
** the message in batch_errmsg.
*/
budget_status batch_next(batch *b, batch_result *r, bool *done);

/* True if the batch ended because 'interrupted' was set. */
bool batch_interrupted(const batch *b);

/* The message of a failed worker. */
const char *batch_errmsg(const batch *b);

/* How many points are done (in any order): for progress. */
size_t batch_done(const batch *b);

/* Stops the workers (they finish the point they are on), joins them, frees everything; NULL is a no-op. */
void batch_free(batch *b);

#endif
