/*
** engine/host/batch.c
** Batch runs on worker threads. Each worker takes the next point with an
** atomic counter, runs it in its own Lua state (or on its plan) and publishes
** the result in the point's slot with a release store; the caller takes the
** slots in order with acquire loads. The slots are a ring: a point's slot is
** reused by the point RING points later, once the caller has taken it, so the
** batch holds O(jobs) rows whatever the number of points. No lock on the way.
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

/* Slots a worker a batch has: a worker runs at most this many points ahead of the caller. */
#define RING_PER_JOB 512

typedef struct slot {
  atomic_size_t turn;  /* the point (from 0) this slot is for now */
  atomic_int ready;    /* 1 once the worker has filled it for 'turn' */
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
  size_t nstrings, strings_cap;
  const char **names, **values;
  size_t *counts;          /* each parameter's number of values */
  size_t *offsets;         /* where each parameter's values start in 'values' */
  size_t nvalues;
  slot *slots;
  size_t nslots;
  worker *workers;
  atomic_size_t next;      /* the next point a worker takes */
  atomic_size_t done;      /* points finished */
  atomic_int stop;         /* workers stop taking points */
  atomic_int live;         /* workers still running */
  atomic_int failed;       /* a worker could not start: errmsg says why */
  size_t out;              /* the next point batch_next returns */
  bool holding;            /* batch_next handed out slot out − 1, to be released at the next call */
  bool interrupted;
  batch_tally tally;
  char *header;            /* the first rows' header, once one is out */
  size_t header_len;
  const char **scratch;    /* batch_take's: a point's values */
  char errmsg[1024];
  pthread_mutex_t errlock; /* only for writing errmsg, once */
};

static void pause_briefly(void) {
  struct timespec ts = {0, 200000};  /* 0.2 ms: short beside a point, long beside a spin */
  nanosleep(&ts, NULL);
}

/* Point i's values (i from 0 within the batch) as text and as places in their lists. */
static void values_of(const batch *b, size_t i, const char **values, size_t *vidx) {
  size_t k = b->spec.nnames, rest = b->spec.first + i;
  while (k-- > 0) {
    size_t at = rest % b->counts[k];
    rest /= b->counts[k];
    if (vidx) vidx[k] = at;
    values[k] = b->values[b->offsets[k] + at];
  }
}

static void *run_worker(void *arg) {
  worker *w = arg;
  batch *b = w->b;
  script *s = NULL;
  worker_setup setup = {b->spec.script_path, b->spec.model_path, b->spec.core, b->names, b->spec.nnames,
                        b->values, b->counts, b->spec.format, b->spec.point_limits};
  const char **values = NULL;
  size_t *vidx = NULL;
  budget_status rc = script_new(b->A, b->spec.mem_limit, b->spec.open, &s);
  if (rc == BUDGET_OK) rc = mem_array(b->A, b->spec.nnames + 1, sizeof *values, (void **)&values);
  if (rc == BUDGET_OK) rc = mem_array(b->A, b->spec.nnames + 1, sizeof *vidx, (void **)&vidx);
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
    goto out;
  }
  while (!atomic_load_explicit(&b->stop, memory_order_relaxed)) {
    size_t i = atomic_fetch_add(&b->next, 1);
    slot *sl;
    if (i >= b->spec.npoints) break;
    sl = &b->slots[i % b->nslots];
    while (atomic_load_explicit(&sl->turn, memory_order_acquire) != i) {  /* the caller has not taken i − ring */
      if (atomic_load_explicit(&b->stop, memory_order_relaxed)) goto out;
      pause_briefly();
    }
    values_of(b, i, values, vidx);
    sl->p.number = b->spec.first + i;
    sl->p.values = values;
    sl->p.vidx = vidx;
    sl->p.nvalues = b->spec.nnames;
    sl->p.flags = 0;
    rc = worker_run(s, &sl->p);
    if (rc) {  /* the worker's own error handling failed: the point's row says so */
      const char *msg = rc == BUDGET_ENOMEM ? status_str(rc) : script_errmsg(s);
      sl->p.flags = WORKER_FAILED;
      sl->p.text.len = 0;
      rowbuf_puts(&sl->p.text, msg);
      sl->p.rows_len = sl->p.text.len;
      sl->p.header_len = 0;
    }
    atomic_store_explicit(&sl->ready, 1, memory_order_release);
    atomic_fetch_add(&b->done, 1);
  }
out:
  mem_free(b->A, values, b->spec.nnames + 1, sizeof *values);
  mem_free(b->A, vidx, b->spec.nnames + 1, sizeof *vidx);
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
  size_t i, nvalues = 0, total = 1, strings;
  budget_status rc;
  if (spec->jobs == 0 || spec->jobs > BATCH_MAX_JOBS || spec->script_path == NULL || spec->model_path == NULL ||
      spec->open == NULL || (spec->nnames > 0 && spec->counts == NULL))
    return BUDGET_EINVAL;
  for (i = 0; i < spec->nnames; i++) {
    if (spec->counts[i] == 0) return BUDGET_EINVAL;
    if (__builtin_add_overflow(nvalues, spec->counts[i], &nvalues) ||
        __builtin_mul_overflow(total, spec->counts[i], &total))
      return BUDGET_EOVERFLOW;
  }
  if (spec->first > total || spec->npoints > total - spec->first) return BUDGET_EOVERFLOW;
  if (__builtin_add_overflow(nvalues, spec->nnames, &strings) || __builtin_add_overflow(strings, 3, &strings))
    return BUDGET_EOVERFLOW;  /* the values, the names, the script, the model and the format */
  if ((rc = mem_zarray(A, 1, sizeof *b, (void **)&b)) != BUDGET_OK) return rc;
  b->A = A;
  b->spec = *spec;
  b->strings_cap = strings;
  b->nvalues = nvalues;
  b->nslots = spec->jobs * RING_PER_JOB;
  if (b->nslots > spec->npoints) b->nslots = spec->npoints > 0 ? spec->npoints : 1;
  pthread_mutex_init(&b->errlock, NULL);
  if ((rc = mem_zarray(A, strings, sizeof *b->strings, (void **)&b->strings)) != BUDGET_OK ||
      (rc = mem_zarray(A, spec->nnames + 1, sizeof *b->names, (void **)&b->names)) != BUDGET_OK ||
      (rc = mem_zarray(A, spec->nnames + 1, sizeof *b->counts, (void **)&b->counts)) != BUDGET_OK ||
      (rc = mem_zarray(A, spec->nnames + 1, sizeof *b->offsets, (void **)&b->offsets)) != BUDGET_OK ||
      (rc = mem_zarray(A, spec->nnames + 1, sizeof *b->scratch, (void **)&b->scratch)) != BUDGET_OK ||
      (rc = mem_zarray(A, nvalues + 1, sizeof *b->values, (void **)&b->values)) != BUDGET_OK ||
      (rc = mem_zarray(A, b->nslots, sizeof *b->slots, (void **)&b->slots)) != BUDGET_OK ||
      (rc = mem_zarray(A, spec->jobs, sizeof *b->workers, (void **)&b->workers)) != BUDGET_OK ||
      (rc = keep(b, spec->script_path, &b->spec.script_path)) != BUDGET_OK ||
      (rc = keep(b, spec->model_path, &b->spec.model_path)) != BUDGET_OK ||
      (rc = keep(b, spec->format ? spec->format : "csv", &b->spec.format)) != BUDGET_OK)
    goto fail;
  for (i = 0; i < spec->nnames; i++) {
    if ((rc = keep(b, spec->names[i], &b->names[i])) != BUDGET_OK) goto fail;
    b->counts[i] = spec->counts[i];
    b->offsets[i] = i == 0 ? 0 : b->offsets[i - 1] + b->counts[i - 1];
  }
  for (i = 0; i < nvalues; i++)
    if ((rc = keep(b, spec->values[i], &b->values[i])) != BUDGET_OK) goto fail;
  atomic_init(&b->next, 0);
  atomic_init(&b->done, 0);
  atomic_init(&b->stop, 0);
  atomic_init(&b->failed, 0);
  atomic_init(&b->live, (int)spec->jobs);
  for (i = 0; i < b->nslots; i++) {
    atomic_init(&b->slots[i].turn, i);
    atomic_init(&b->slots[i].ready, 0);
    rowbuf_init(&b->slots[i].p.text, A);
  }
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

/* Gives the slot of the point batch_next last handed out back to the workers. */
static void release_held(batch *b) {
  slot *sl;
  if (!b->holding) return;
  sl = &b->slots[(b->out - 1) % b->nslots];
  atomic_store_explicit(&sl->ready, 0, memory_order_relaxed);
  atomic_store_explicit(&sl->turn, b->out - 1 + b->nslots, memory_order_release);
  b->holding = false;
}

/* The slot of the next point once it is ready (NULL when not yet); *done or a status when there is none. */
static budget_status poll(batch *b, slot **ready, bool *done) {
  slot *sl;
  *ready = NULL;  /* *done is written only when there is no point to come, as batch_next promises */
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
  sl = &b->slots[b->out % b->nslots];
  if (atomic_load_explicit(&sl->ready, memory_order_acquire)) {
    *ready = sl;
    return BUDGET_OK;
  }
  if (atomic_load(&b->live) == 0 && !atomic_load_explicit(&sl->ready, memory_order_acquire)) {
    if (atomic_load(&b->failed)) {  /* a worker sets 'failed' before it leaves: look again */
      atomic_store(&b->stop, 1);
      return BUDGET_ESCRIPT;
    }
    *done = true;  /* every worker has stopped, and this point was never run */
  }
  return BUDGET_OK;
}

budget_status batch_next(batch *b, batch_result *r, bool *done) {
  release_held(b);
  for (;;) {
    slot *sl;
    bool end = false;
    budget_status rc = poll(b, &sl, &end);
    if (rc) return rc;
    if (end) {
      *done = true;
      return BUDGET_OK;
    }
    if (sl) {
      *done = false;
      r->point = b->spec.first + b->out;
      r->rows = worker_rows(&sl->p);
      r->rows_len = sl->p.rows_len;
      r->header = worker_header(&sl->p);
      r->header_len = sl->p.header_len;
      r->flags = sl->p.flags;
      b->out++;
      b->holding = true;
      return BUDGET_OK;
    }
    pause_briefly();
  }
}

/* Appends the rows of one point, as the command writes them (batch_take). */
static void put_point(batch *b, const worker_point *p, rowbuf *out, bool write_header) {
  bool jsonl = strcmp(b->spec.format, "jsonl") == 0;
  const char *rows = worker_rows(p), *head = worker_header(p);
  size_t i = p->number - b->spec.first;
  if (p->flags & WORKER_FAILED) {
    b->tally.failed++;
    values_of(b, i, b->scratch, NULL);
    rows_error(out, jsonl, p->number, b->names, b->scratch, b->spec.nnames, rows, p->rows_len,
               b->header ? b->header : "", b->header_len);
  } else {
    if (p->flags & WORKER_VIOLATIONS) b->tally.errors++;
    if (!jsonl && p->header_len > 0) {
      if (b->header == NULL) {
        if (mem_strndup(b->A, head, p->header_len, &b->header) != BUDGET_OK) {
          out->failed = true;
          return;
        }
        b->header_len = p->header_len;
        if (write_header) {
          rowbuf_put(out, head, p->header_len);
          rowbuf_puts(out, "\r\n");
        }
      } else if (p->header_len != b->header_len || memcmp(head, b->header, p->header_len) != 0) {
        rowbuf why;
        b->tally.failed++;
        rowbuf_init(&why, b->A);
        rowbuf_puts(&why, "the rows' columns differ from the first point's: ");
        rowbuf_put(&why, head, p->header_len);
        values_of(b, i, b->scratch, NULL);
        if (why.failed) out->failed = true;
        else rows_error(out, false, p->number, b->names, b->scratch, b->spec.nnames, why.p, why.len, b->header,
                        b->header_len);
        rowbuf_free(&why);
        b->tally.written++;
        return;
      }
    }
    rowbuf_put(out, rows, p->rows_len);
  }
  b->tally.written++;
}

#define TAKE_BYTES ((size_t)64 << 10)
#define TAKE_WAITS 500  /* pauses of 0.2 ms with nothing ready before batch_take returns empty */

budget_status batch_take(batch *b, rowbuf *out, bool write_header, bool *done) {
  size_t waits = 0, taken = 0;
  release_held(b);
  for (;;) {
    slot *sl;
    bool end = false;
    budget_status rc = poll(b, &sl, &end);
    if (rc) return rc;
    *done = false;
    if (end) {
      *done = taken == 0;  /* what was taken is given first; the next call says done */
      return BUDGET_OK;
    }
    if (sl) {
      put_point(b, &sl->p, out, write_header);
      if (out->failed) return BUDGET_ENOMEM;
      b->out++;
      b->holding = true;
      release_held(b);
      taken++;
      if (out->len >= TAKE_BYTES) return BUDGET_OK;
      continue;
    }
    if (taken > 0 || ++waits >= TAKE_WAITS) return BUDGET_OK;
    pause_briefly();
  }
}

const batch_tally *batch_tally_of(const batch *b) {
  return &b->tally;
}

const char *batch_header(const batch *b, size_t *len) {
  *len = b->header_len;
  return b->header ? b->header : "";
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
    for (i = 0; i < b->nslots; i++) worker_point_free(&b->slots[i].p);
  if (b->strings)
    for (i = 0; i < b->nstrings; i++) mem_free(b->A, b->strings[i], strlen(b->strings[i]) + 1, 1);
  mem_free(b->A, b->strings, b->strings_cap, sizeof *b->strings);
  mem_free(b->A, b->names, b->spec.nnames + 1, sizeof *b->names);
  mem_free(b->A, b->counts, b->spec.nnames + 1, sizeof *b->counts);
  mem_free(b->A, b->offsets, b->spec.nnames + 1, sizeof *b->offsets);
  mem_free(b->A, b->scratch, b->spec.nnames + 1, sizeof *b->scratch);
  mem_free(b->A, b->values, b->nvalues + 1, sizeof *b->values);
  mem_free(b->A, b->slots, b->nslots, sizeof *b->slots);
  mem_free(b->A, b->workers, b->spec.jobs, sizeof *b->workers);
  if (b->header) mem_free(b->A, b->header, b->header_len + 1, 1);
  pthread_mutex_destroy(&b->errlock);
  mem_free(b->A, b, 1, sizeof *b);
}
