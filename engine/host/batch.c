/*
** engine/host/batch.c
** Batch runs on worker threads. Each worker takes the next point with an
** atomic counter, runs it in its own Lua state and publishes the result in the
** point's slot with a release store; the caller takes the slots in order with
** acquire loads. No lock on the way.
** See LICENSE for copyright and license.
*/
#define _POSIX_C_SOURCE 200809L  /* nanosleep */

#include "batch.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "script.h"
#include "worker.h"

typedef struct slot {
  atomic_int ready;  /* 0 until the worker has filled the rest */
  worker_point p;
} slot;

typedef struct worker {
  batch *b;
  pthread_t thread;
  bool started;
} worker;

struct batch {
  const mem_allocator *A;
  batch_spec spec;         /* with its strings copied below */
  char **strings;          /* every copied string, to free */
  size_t nstrings;
  const char **names, **values;
  slot *slots;
  worker *workers;
  atomic_size_t next;      /* the next point a worker takes */
  atomic_size_t done;      /* points finished */
  atomic_int stop;         /* workers stop taking points */
  atomic_int live;         /* workers still running */
  atomic_int failed;       /* a worker could not start: errmsg says why */
  size_t out;              /* the next point batch_next returns */
  bool interrupted;
  char errmsg[1024];
  pthread_mutex_t errlock; /* only for writing errmsg, once */
};

static void *run_worker(void *arg) {
  worker *w = arg;
  batch *b = w->b;
  script *s = NULL;
  worker_setup setup = {b->spec.script_path, b->spec.model_path, b->spec.core, b->names, b->spec.nnames,
                        b->spec.format, b->spec.point_limits};
  budget_status rc = script_new(b->A, b->spec.mem_limit, b->spec.open, &s);
  if (rc == BUDGET_OK) {
    script_set_stop(s, &b->stop);  /* a point that never ends still stops: batch_next sets it on SIGINT */
    rc = worker_init(s, &setup);
  }
  if (rc) {
    pthread_mutex_lock(&b->errlock);
    if (!atomic_load(&b->failed)) {
      const char *msg = s ? script_errmsg(s) : status_str(rc);
      size_t n = strlen(msg);
      if (n >= sizeof b->errmsg) n = sizeof b->errmsg - 1;
      memcpy(b->errmsg, msg, n);
      b->errmsg[n] = '\0';
      atomic_store(&b->failed, 1);
    }
    pthread_mutex_unlock(&b->errlock);
    script_free(s);
    atomic_fetch_sub(&b->live, 1);
    return NULL;
  }
  while (!atomic_load_explicit(&b->stop, memory_order_relaxed)) {
    size_t i = atomic_fetch_add(&b->next, 1);
    slot *sl;
    if (i >= b->spec.npoints) break;
    sl = &b->slots[i];
    sl->p.number = b->spec.first + i;
    sl->p.values = b->values + i * b->spec.nnames;
    sl->p.nvalues = b->spec.nnames;
    rc = worker_run(s, &sl->p);
    if (rc) {  /* the worker's own error handling failed: the point's row says so */
      const char *msg = script_errmsg(s);
      sl->p.flags = WORKER_FAILED;
      if (mem_strndup(b->A, msg, strlen(msg), &sl->p.rows) == BUDGET_OK) sl->p.rows_len = strlen(msg);
    }
    atomic_store_explicit(&sl->ready, 1, memory_order_release);
    atomic_fetch_add(&b->done, 1);
  }
  script_free(s);
  atomic_fetch_sub(&b->live, 1);
  return NULL;
}

/* A copy of s kept with the batch. */
static budget_status keep(batch *b, const char *s, const char **out) {
  budget_status rc = mem_strndup(b->A, s ? s : "", s ? strlen(s) : 0, &b->strings[b->nstrings]);
  if (rc) return rc;
  *out = b->strings[b->nstrings++];
  return BUDGET_OK;
}

budget_status batch_start(const mem_allocator *A, const batch_spec *spec, batch **out) {
  batch *b;
  size_t i, nvalues, total;
  budget_status rc;
  if (spec->jobs == 0 || spec->jobs > BATCH_MAX_JOBS || spec->script_path == NULL || spec->model_path == NULL ||
      spec->open == NULL)
    return BUDGET_EINVAL;
  if (__builtin_mul_overflow(spec->npoints, spec->nnames, &nvalues) ||
      __builtin_add_overflow(nvalues, spec->nnames, &total) || __builtin_add_overflow(total, 3, &total))
    return BUDGET_EOVERFLOW;  /* the values, the names, the script, the model and the format */
  if ((rc = mem_zarray(A, 1, sizeof *b, (void **)&b)) != BUDGET_OK) return rc;
  b->A = A;
  b->spec = *spec;
  pthread_mutex_init(&b->errlock, NULL);
  if ((rc = mem_zarray(A, total, sizeof *b->strings, (void **)&b->strings)) != BUDGET_OK ||
      (rc = mem_zarray(A, spec->nnames + 1, sizeof *b->names, (void **)&b->names)) != BUDGET_OK ||
      (rc = mem_zarray(A, nvalues + 1, sizeof *b->values, (void **)&b->values)) != BUDGET_OK ||
      (rc = mem_zarray(A, spec->npoints + 1, sizeof *b->slots, (void **)&b->slots)) != BUDGET_OK ||
      (rc = mem_zarray(A, spec->jobs, sizeof *b->workers, (void **)&b->workers)) != BUDGET_OK ||
      (rc = keep(b, spec->script_path, &b->spec.script_path)) != BUDGET_OK ||
      (rc = keep(b, spec->model_path, &b->spec.model_path)) != BUDGET_OK ||
      (rc = keep(b, spec->format ? spec->format : "csv", &b->spec.format)) != BUDGET_OK)
    goto fail;
  for (i = 0; i < spec->nnames; i++)
    if ((rc = keep(b, spec->names[i], &b->names[i])) != BUDGET_OK) goto fail;
  for (i = 0; i < nvalues; i++)
    if ((rc = keep(b, spec->values[i], &b->values[i])) != BUDGET_OK) goto fail;
  atomic_init(&b->next, 0);
  atomic_init(&b->done, 0);
  atomic_init(&b->stop, 0);
  atomic_init(&b->failed, 0);
  atomic_init(&b->live, (int)spec->jobs);
  for (i = 0; i < spec->npoints; i++) atomic_init(&b->slots[i].ready, 0);
  for (i = 0; i < spec->jobs; i++) {
    b->workers[i].b = b;
    if (pthread_create(&b->workers[i].thread, NULL, run_worker, &b->workers[i]) != 0) {
      atomic_fetch_sub(&b->live, (int)(spec->jobs - i));
      rc = BUDGET_ENOMEM;
      goto fail;
    }
    b->workers[i].started = true;
  }
  *out = b;
  return BUDGET_OK;
fail:
  batch_free(b);
  return rc;
}

static void pause_briefly(void) {
  struct timespec ts = {0, 200000};  /* 0.2 ms: short beside a point, long beside a spin */
  nanosleep(&ts, NULL);
}

budget_status batch_next(batch *b, batch_result *r, bool *done) {
  for (;;) {
    slot *sl;
    if (b->out >= b->spec.npoints || b->interrupted) {
      *done = true;
      return BUDGET_OK;
    }
    if (b->spec.interrupted && *b->spec.interrupted) {
      b->interrupted = true;
      atomic_store(&b->stop, 1);
      *done = true;
      return BUDGET_OK;
    }
    if (atomic_load(&b->failed)) {
      atomic_store(&b->stop, 1);
      return BUDGET_ESCRIPT;
    }
    sl = &b->slots[b->out];
    if (atomic_load_explicit(&sl->ready, memory_order_acquire)) {
      r->point = b->spec.first + b->out;
      r->rows = sl->p.rows ? sl->p.rows : "";
      r->rows_len = sl->p.rows_len;
      r->header = sl->p.header ? sl->p.header : "";
      r->header_len = sl->p.header_len;
      r->flags = sl->p.flags;
      b->out++;
      *done = false;
      return BUDGET_OK;
    }
    if (atomic_load(&b->live) == 0 && !atomic_load_explicit(&sl->ready, memory_order_acquire)) {
      if (atomic_load(&b->failed)) {  /* a worker sets 'failed' before it leaves: look again */
        atomic_store(&b->stop, 1);
        return BUDGET_ESCRIPT;
      }
      *done = true;  /* every worker has stopped, and this point was never run */
      return BUDGET_OK;
    }
    pause_briefly();
  }
}

bool batch_interrupted(const batch *b) {
  return b->interrupted;
}

const char *batch_errmsg(const batch *b) {
  return b->errmsg;
}

size_t batch_done(const batch *b) {
  return atomic_load(&b->done);
}

void batch_free(batch *b) {
  size_t i;
  if (b == NULL) return;
  atomic_store(&b->stop, 1);
  if (b->workers)
    for (i = 0; i < b->spec.jobs; i++)
      if (b->workers[i].started) pthread_join(b->workers[i].thread, NULL);
  if (b->slots)
    for (i = 0; i < b->spec.npoints; i++) worker_point_free(b->A, &b->slots[i].p);
  if (b->strings)
    for (i = 0; i < b->nstrings; i++) mem_free(b->A, b->strings[i], strlen(b->strings[i]) + 1, 1);
  mem_free(b->A, b->strings, b->spec.npoints * b->spec.nnames + b->spec.nnames + 3, sizeof *b->strings);
  mem_free(b->A, b->names, b->spec.nnames + 1, sizeof *b->names);
  mem_free(b->A, b->values, b->spec.npoints * b->spec.nnames + 1, sizeof *b->values);
  mem_free(b->A, b->slots, b->spec.npoints + 1, sizeof *b->slots);
  mem_free(b->A, b->workers, b->spec.jobs, sizeof *b->workers);
  pthread_mutex_destroy(&b->errlock);
  mem_free(b->A, b, 1, sizeof *b);
}
