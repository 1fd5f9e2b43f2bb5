/*
** tests/test_oom.c
** Allocation failures through the engine's hooks (budget_options.alloc): a
** whole use of the engine (the SAST model, a scenario, its report; a document
** imported with -o) is run once for every n with the n-th allocation failing,
** until a run needs fewer than n. Each run must give the whole right answer or
** a clean out-of-memory error, hand back every byte, and leave the output file
** whole or absent.
** See LICENSE for copyright and license.
*/
#define _POSIX_C_SOURCE 200809L  /* dup, dup2, fileno */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "budget.h"
#include "testutil.h"

#define MODEL "models/sast-2021.lua"
#define SCRIPT "scripts/cut-science-5pct.lua"
#define DOCUMENT "tests/import/wan-tables.txt"

/*
** Which n are tried. A run costs about 6 ms (gcc) and ten times that under
** ASan; the model's run needs about 12,000 allocations and the import about
** 37,000. So the gcc build fails every allocation of the model's run and every
** 97th of the import's; the sanitizer build every 17th and every 499th. The
** first hundred (the engine starting up) are always tried one by one.
** BUDGET_OOM_STRIDE=1 in the environment tries every n of both (minutes under gcc);
** 'make memcheck' sets a wide stride and BUDGET_OOM_FIRST, as valgrind is slower still.
*/
#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifdef SANITIZED
#define MODEL_STRIDE 17
#define IMPORT_STRIDE 499
#else
#define MODEL_STRIDE 1
#define IMPORT_STRIDE 97
#endif

/* A count from the environment, or the fallback. */
static long setting(const char *name, long fallback) {
  const char *s = getenv(name);
  long n = s ? atol(s) : 0;
  return n > 0 ? n : fallback;
}

static long stride(long fallback) { return setting("BUDGET_OOM_STRIDE", fallback); }

/* Counts allocations, fails the one numbered fail_at (1-based; 0: none), and keeps the books. */
typedef struct hooks {
  long fail_at, calls;
  long blocks;      /* handed out and not yet freed */
  size_t bytes;     /* as the engine says it sizes them: a free must name the size it got */
  int failed;       /* the failure happened in this run */
} hooks;

static void *hook(void *ud, void *ptr, size_t osize, size_t nsize) {
  hooks *h = ud;
  void *p;
  if (ptr == NULL) osize = 0;  /* Lua passes a type tag for a new block */
  if (nsize == 0) {
    if (ptr != NULL) h->blocks--, h->bytes -= osize;
    free(ptr);
    return NULL;
  }
  if (++h->calls == h->fail_at) {
    h->failed = 1;
    return NULL;
  }
  p = realloc(ptr, nsize);
  if (p == NULL) return NULL;
  if (ptr == NULL) h->blocks++;
  h->bytes = h->bytes - osize + nsize;
  return p;
}

/* What one run gave: each step's status, the report, the command's exit status. */
typedef struct outcome {
  budget_status engine, load, run, report;
  char *text;       /* the report (malloc'd copy) when it was made */
  int exit_status;  /* the import's, or -1 when it did not run */
  char err[512];
} outcome;

static int is_oom_message(const char *msg) {
  return strstr(msg, "not enough memory") != NULL || strstr(msg, "out of memory") != NULL;
}

static void keep_err(outcome *o, budget_engine *e) {
  snprintf(o->err, sizeof o->err, "%s", budget_errmsg(e));
}

/* The SAST model, the 5% cut, its report: as far as the failure lets it go. */
static void run_model(hooks *h, outcome *o) {
  budget_options opts;
  budget_engine *e;
  budget_model *m;
  budget_result *r;
  memset(o, 0, sizeof *o);
  o->exit_status = -1;
  memset(&opts, 0, sizeof opts);
  opts.alloc = hook;
  opts.alloc_ud = h;
  if ((o->engine = budget_engine_new(&opts, &e)) != BUDGET_OK) return;
  if ((o->load = budget_model_load(e, MODEL, &m)) != BUDGET_OK) {
    keep_err(o, e);
  } else {
    fflush(stdout);  /* the script's s:report() prints: not into the test's output */
    {
      int out = dup(1), null = open("/dev/null", O_WRONLY);
      assert_true(out >= 0 && null >= 0);
      dup2(null, 1);
      close(null);
      o->run = budget_run_file(e, m, SCRIPT, NULL, 0, &r);
      fflush(stdout);
      dup2(out, 1);
      close(out);
    }
    if (o->run != BUDGET_OK) {
      keep_err(o, e);
    } else {
      char *text;
      size_t len;
      if ((o->report = budget_result_report_text(r, 0, "table", &text, &len)) != BUDGET_OK) {
        keep_err(o, e);
      } else {
        o->text = strdup(text);
        budget_free(text);
      }
      budget_result_free(r);
    }
    budget_model_free(m);
  }
  budget_engine_free(e);
}

/* Runs argv through budget_command with stdout and stderr into 'log'; the exit status. */
static int command_quietly(budget_engine *e, int argc, char **argv, const char *log) {
  int out = dup(1), err = dup(2), fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644), status;
  assert_true(out >= 0 && err >= 0 && fd >= 0);
  fflush(stdout);
  fflush(stderr);
  dup2(fd, 1);
  dup2(fd, 2);
  close(fd);
  status = budget_command(e, argc, argv);
  fflush(stdout);
  fflush(stderr);
  dup2(out, 1);
  dup2(err, 2);
  close(out);
  close(err);
  return status;
}

/* 'budget import DOCUMENT -o path', as far as the failure lets it go. */
static void run_import(hooks *h, outcome *o, const char *path, const char *log) {
  budget_options opts;
  budget_engine *e;
  char a0[] = "budget", a1[] = "import", a2[] = DOCUMENT, a3[] = "-o";
  char *argv[] = {a0, a1, a2, a3, (char *)(size_t)path, NULL};  /* cast: main's argv type; nothing writes it */
  memset(o, 0, sizeof *o);
  o->exit_status = -1;
  memset(&opts, 0, sizeof opts);
  opts.alloc = hook;
  opts.alloc_ud = h;
  opts.trusted = 1;  /* as the command makes it */
  if ((o->engine = budget_engine_new(&opts, &e)) != BUDGET_OK) return;
  o->exit_status = command_quietly(e, 5, argv, log);
  budget_engine_free(e);
}

/* The books balance: every block back, with the size it was handed out with. */
static void assert_balanced(const hooks *h, long n) {
  if (h->blocks != 0 || h->bytes != 0) {
    fail_msg("failing allocation %ld: %ld blocks, %zu bytes not given back", n, h->blocks, h->bytes);
  }
}

/* The n to try after n: every one up to a hundred (BUDGET_OOM_FIRST), then 'step' apart. */
static long next_n(long n, long step) {
  return n < setting("BUDGET_OOM_FIRST", 100) ? n + 1 : n + step;
}

/* Loading the SAST model, a scenario on it and its report, with each allocation failing in turn. */
static void test_oom_model_scenario_report(void **state) {
  hooks h;
  outcome want, got;
  long n, points = 0, clean = 0, total, step = stride(MODEL_STRIDE);
  (void)state;
  memset(&h, 0, sizeof h);
  run_model(&h, &want);
  assert_int_equal(want.run, BUDGET_OK);
  assert_non_null(want.text);
  assert_balanced(&h, 0);
  total = h.calls;
  for (n = 1;; n = next_n(n, step)) {
    memset(&h, 0, sizeof h);
    h.fail_at = n;
    run_model(&h, &got);
    assert_balanced(&h, n);
    if (!h.failed) {  /* the run needed fewer than n allocations: every point is covered */
      free(got.text);
      break;
    }
    points++;
    if (got.engine || got.load || got.run || got.report) {
      budget_status rc = got.engine ? got.engine : got.load ? got.load : got.run ? got.run : got.report;
      clean++;
      if (rc != BUDGET_ENOMEM && !(rc == BUDGET_ESCRIPT && is_oom_message(got.err)))
        fail_msg("failing allocation %ld: status %d, '%s'; expected an out-of-memory error", n, (int)rc, got.err);
      assert_null(got.text);
    } else if (got.text == NULL || strcmp(got.text, want.text) != 0) {
      fail_msg("failing allocation %ld: the run succeeded with another report", n);
    }
    free(got.text);
  }
  free(want.text);
  printf("allocation failures: model + scenario + report: %ld failure points covered of %ld allocations"
         " (every %ld past the first %ld): %ld stopped with out of memory, %ld recovered with the same report\n",
         points, total, step, setting("BUDGET_OOM_FIRST", 100), clean, points - clean);
}

/* 'budget import -o FILE' with each allocation failing in turn: the file is whole or absent, never part. */
static void test_oom_import_output(void **state) {
  hooks h;
  outcome got;
  char dir[] = "/tmp/budget-oom-XXXXXX", path[64], log[64], *want, *have, *msg;
  size_t want_len = 0, have_len = 0;
  long n, points = 0, clean = 0, total, step = stride(IMPORT_STRIDE);
  (void)state;
  assert_non_null(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/model.lua", dir);
  snprintf(log, sizeof log, "%s/log", dir);
  memset(&h, 0, sizeof h);
  run_import(&h, &got, path, log);
  assert_int_equal(got.exit_status, 0);
  assert_balanced(&h, 0);
  total = h.calls;
  want = read_file(path, &want_len);
  assert_non_null(want);
  for (n = 1;; n = next_n(n, step)) {
    unlink(path);
    memset(&h, 0, sizeof h);
    h.fail_at = n;
    run_import(&h, &got, path, log);
    assert_balanced(&h, n);
    if (!h.failed) break;
    points++;
    have = read_file(path, &have_len);
    if (got.exit_status == 0) {
      if (have == NULL || have_len != want_len || memcmp(have, want, want_len) != 0)
        fail_msg("failing allocation %ld: exit 0 but the file is not the whole model", n);
    } else if (got.engine == BUDGET_OK) {
      msg = read_file(log, NULL);
      assert_non_null(msg);
      if (got.exit_status != 2 || !is_oom_message(msg))
        fail_msg("failing allocation %ld: exit %d, '%s'; expected exit 2 and out of memory", n, got.exit_status, msg);
      if (have != NULL) fail_msg("failing allocation %ld: the import failed but left %zu bytes at %s", n, have_len, path);
      free(msg);
      clean++;
    } else {
      clean++;  /* no engine: nothing ran */
    }
    free(have);
  }
  free(want);
  unlink(path);
  unlink(log);
  rmdir(dir);
  printf("allocation failures: import -o: %ld failure points covered of %ld allocations"
         " (every %ld past the first %ld): %ld stopped with out of memory and no file, %ld recovered with the whole file\n",
         points, total, step, setting("BUDGET_OOM_FIRST", 100), clean, points - clean);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_oom_model_scenario_report),
    cmocka_unit_test(test_oom_import_output),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
