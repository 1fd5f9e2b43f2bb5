/*
** tests/host/test_threads.c
** Separate engines in separate threads never interfere: 8 threads, each with
** its own engine, load the model and run scenarios at once; every total comes
** out as one thread alone computes it. Run under ThreadSanitizer by make check.
** See LICENSE for copyright and license.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "budget.h"

#define THREADS 8
#define RUNS 6

typedef struct job {
  int index;
  int64_t totals[RUNS];
  budget_status rc;
  char err[512];
} job;

static void *work(void *arg) {
  job *j = arg;
  budget_engine *e;
  budget_model *m = NULL;
  int k;
  j->rc = budget_engine_new(NULL, &e);
  if (j->rc) return NULL;
  j->rc = budget_model_load(e, "models/sast-2021.lua", &m);
  for (k = 0; j->rc == BUDGET_OK && k < RUNS; k++) {
    char script[256];
    budget_result *r;
    snprintf(script, sizeof script, "local s = model:scenario('t') s:cut('206', '%d%%') s:transfer('科普资源平台建设费', "
             "'基层科普服务费', '%d万')", k + 1, j->index + 1);
    j->rc = budget_run(e, m, script, strlen(script), "thread.lua", NULL, 0, &r);
    if (j->rc == BUDGET_OK) {
      j->rc = budget_result_total(r, 0, NULL, &j->totals[k]);
      size_t nv;
      if (j->rc == BUDGET_OK) j->rc = budget_result_violations(r, 0, &nv);
      budget_result_free(r);
    }
  }
  if (j->rc) snprintf(j->err, sizeof j->err, "%s", budget_errmsg(e));
  budget_model_free(m);
  budget_engine_free(e);
  return NULL;
}

/* Eight engines at once give what one engine gives alone. */
static void test_threads_independent_engines(void **state) {
  pthread_t t[THREADS];
  job jobs[THREADS], alone;
  int i, k;
  (void)state;
  memset(&alone, 0, sizeof alone);
  work(&alone);  /* the reference, one thread */
  assert_int_equal(alone.rc, BUDGET_OK);
  memset(jobs, 0, sizeof jobs);
  for (i = 0; i < THREADS; i++) {
    jobs[i].index = 0;  /* every thread runs the reference's scenarios */
    assert_int_equal(pthread_create(&t[i], NULL, work, &jobs[i]), 0);
  }
  for (i = 0; i < THREADS; i++) assert_int_equal(pthread_join(t[i], NULL), 0);
  for (i = 0; i < THREADS; i++) {
    if (jobs[i].rc) fail_msg("thread %d: %s", i, jobs[i].err);
    for (k = 0; k < RUNS; k++) assert_int_equal(jobs[i].totals[k], alone.totals[k]);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_threads_independent_engines),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
