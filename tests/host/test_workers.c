/*
** tests/host/test_workers.c
** The host layer's batch runs without the command: batch_start and batch_next
** over a model loaded in a state of the test's own, the points in order for
** any number of workers, failed points as rows, the errors of batch_start and
** of a worker that cannot start, an interrupt, and the worker protocol
** (worker_init, worker_run) on one state. The expected rows are computed here,
** from the same scenario run in the test's own state.
** See LICENSE for copyright and license.
*/
#define _POSIX_C_SOURCE 200809L  /* mkstemp */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "budget.h"
#include "host/batch.h"
#include "host/script.h"
#include "host/worker.h"
#include "lauxlib.h"
#include "lua.h"
#include "testutil.h"

#define MODEL "models/sast-2021.lua"
#define NPOINTS 20
#define FAILING_VALUE "7"  /* the point of the failing script that raises */

static const char SCENARIO[] =
    "local s = model:scenario('p') s:cut('206', params.rate .. '%') budget.emit(s, {rate = params.rate})\n";
static const char FAILING[] =
    "if params.rate == '" FAILING_VALUE "' then error('no rate ' .. params.rate .. ' here', 0) end\n"
    "local s = model:scenario('p') s:cut('206', params.rate .. '%') budget.emit(s, {rate = params.rate})\n";

/* What every test shares, made once: the model in the test's own state, the scripts, the expected rows. */
typedef struct fixture {
  script *s;
  const model *core;
  char scenario_path[64], failing_path[64];
  char values_text[NPOINTS][8];
  const char *values[NPOINTS];
  char expected[NPOINTS][512];  /* each point's CSV row, as the test computes it */
  int expected_flags[NPOINTS];
  char header[128];
} fixture;

static fixture F;
static const char *const NAMES[] = {"rate"};

static budget_status eval(script *s, const char *code, char *out, size_t size) {
  return script_eval(s, "=test", code, strlen(code), out, size);
}

/* [-0, +0, e] The pointer of the model M's core (budget.core_pointer) into *ud. */
static int core_body(lua_State *L) {
  const model **out = lua_touserdata(L, 1);
  lua_getglobal(L, "M");
  luaL_checktype(L, -1, LUA_TTABLE);
  lua_getglobal(L, "budget");
  lua_getfield(L, -1, "core_pointer");
  lua_getfield(L, -3, "core");
  lua_call(L, 1, 1);
  luaL_checktype(L, -1, LUA_TLIGHTUSERDATA);
  *out = lua_touserdata(L, -1);
  return 0;
}

static int write_temp(char *path, size_t size, const char *text) {
  int fd;
  size_t n = strlen(text);
  snprintf(path, size, "/tmp/test_workers_XXXXXX");
  fd = mkstemp(path);
  if (fd < 0) return -1;
  if (write(fd, text, n) != (ssize_t)n) {
    close(fd);
    return -1;
  }
  return close(fd);
}

static int setup(void **state) {
  char out[512], code[1024];
  size_t i;
  (void)state;
  memset(&F, 0, sizeof F);
  if (script_new(mem_default(), 0, luaopen_budget, &F.s) != BUDGET_OK) return -1;
  if (eval(F.s, "M = budget.load('" MODEL "') M.core:prepare() return 1", out, sizeof out) != BUDGET_OK) {
    fprintf(stderr, "%s\n", script_errmsg(F.s));
    return -1;
  }
  if (script_pcall(F.s, core_body, &F.core) != BUDGET_OK || F.core == NULL) return -1;
  script_settle(F.s);
  if (write_temp(F.scenario_path, sizeof F.scenario_path, SCENARIO) != 0 ||
      write_temp(F.failing_path, sizeof F.failing_path, FAILING) != 0)
    return -1;
  /* the expected row of each point: the same cut in this state, its total and its violations by severity */
  if (eval(F.s,
           "function expect(point, v)\n"
           "  local s = M:scenario('x') s:cut('206', v .. '%')\n"
           "  local n = { error = 0, warning = 0 }\n"
           "  local infos = 0\n"
           "  for _, x in ipairs(s:violations()) do\n"
           "    if n[x.severity] then n[x.severity] = n[x.severity] + 1 else infos = infos + 1 end\n"
           "  end\n"
           "  local cut = M:total() - s:total()\n"
           "  assert(cut == M:total('206') - s:total('206'), 'the cut is the cut of 206')\n"
           "  return string.format('%d,%s,%s,%s,%d,%d,%d,\\r\\n|%d', point, v, v, s:total():plain(),\n"
           "    n.error, n.warning, infos, n.error > 0 and 2 or 0)\n"
           "end return 1",
           out, sizeof out) != BUDGET_OK) {
    fprintf(stderr, "%s\n", script_errmsg(F.s));
    return -1;
  }
  for (i = 0; i < NPOINTS; i++) {
    char *bar;
    snprintf(F.values_text[i], sizeof F.values_text[i], "%zu", i + 1);
    F.values[i] = F.values_text[i];
    snprintf(code, sizeof code, "return expect(%zu, '%s')", i, F.values[i]);
    if (eval(F.s, code, out, sizeof out) != BUDGET_OK) {
      fprintf(stderr, "%s\n", script_errmsg(F.s));
      return -1;
    }
    bar = strrchr(out, '|');
    if (bar == NULL) return -1;
    *bar = '\0';
    snprintf(F.expected[i], sizeof F.expected[i], "%s", out);
    F.expected_flags[i] = atoi(bar + 1);
  }
  snprintf(F.header, sizeof F.header, "point,%s,%s,total,errors,warnings,infos,error", NAMES[0], NAMES[0]);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  if (F.scenario_path[0]) unlink(F.scenario_path);
  if (F.failing_path[0]) unlink(F.failing_path);
  script_free(F.s);
  return 0;
}

/* The one parameter's values as a batch takes them: a list whose value number first + i is point i's, so that a
** batch that starts at 'first' runs the test's points 0 .. NPOINTS − 1 (placed with shifted_values). */
#define MAX_FIRST 128
static const char *LIST[MAX_FIRST + NPOINTS];
static size_t COUNT[1];

static void shifted_values(size_t first) {
  size_t j;
  assert_true(first <= MAX_FIRST);
  for (j = 0; j < first + NPOINTS; j++) LIST[j] = F.values[j < first ? 0 : j - first];
  COUNT[0] = first + NPOINTS;
}

static batch_spec spec_of(const char *script_path, size_t jobs, size_t npoints) {
  batch_spec spec;
  shifted_values(0);
  memset(&spec, 0, sizeof spec);
  spec.script_path = script_path;
  spec.model_path = MODEL;
  spec.core = F.core;
  spec.open = luaopen_budget;
  spec.names = NAMES;
  spec.nnames = 1;
  spec.values = LIST;
  spec.counts = COUNT;
  spec.npoints = npoints;
  spec.first = 0;
  spec.format = "csv";
  spec.jobs = jobs;
  return spec;
}

/* The expected row of point i with its number shifted by 'first'. */
static void expected_row(size_t i, size_t first, char *out, size_t size) {
  const char *comma = strchr(F.expected[i], ',');
  assert_non_null(comma);
  snprintf(out, size, "%zu%s", first + i, comma);
}

/* Runs a whole batch and checks every point; returns every row concatenated (the caller frees it). */
static char *run_all(size_t jobs, size_t first, size_t *len) {
  batch_spec spec = spec_of(F.scenario_path, jobs, NPOINTS);
  batch *b = NULL;
  batch_result r;
  bool done = true;
  size_t i, n = 0, cap = 1;
  char *all = malloc(cap);
  assert_non_null(all);
  spec.first = first;
  shifted_values(first);
  assert_int_equal(batch_start(mem_default(), &spec, &b), BUDGET_OK);
  assert_non_null(b);
  for (i = 0; i < NPOINTS; i++) {
    char want[512];
    budget_status rc = batch_next(b, &r, &done);
    if (rc) fail_msg("point %zu: %s: %s", i, status_str(rc), batch_errmsg(b));
    assert_false(done);
    assert_int_equal(r.point, first + i);
    expected_row(i, first, want, sizeof want);
    assert_int_equal(r.rows_len, strlen(want));
    assert_memory_equal(r.rows, want, r.rows_len);
    assert_int_equal(r.header_len, strlen(F.header));
    assert_memory_equal(r.header, F.header, r.header_len);
    assert_int_equal(r.flags, F.expected_flags[i]);
    assert_int_equal(r.flags & WORKER_FAILED, 0);
    all = realloc(all, cap += r.rows_len);
    assert_non_null(all);
    memcpy(all + n, r.rows, r.rows_len);
    n += r.rows_len;
  }
  done = false;
  assert_int_equal(batch_next(b, &r, &done), BUDGET_OK);
  assert_true(done);
  done = false;
  assert_int_equal(batch_next(b, &r, &done), BUDGET_OK);  /* still done */
  assert_true(done);
  assert_false(batch_interrupted(b));
  assert_string_equal(batch_errmsg(b), "");
  assert_int_equal(batch_done(b), NPOINTS);
  batch_free(b);
  *len = n;
  return all;
}

/* The expected rows are not all the same: the rate moves the total, so a row that ignored it would fail. */
static void test_expected_rows_differ(void **state) {
  size_t i;
  (void)state;
  for (i = 1; i < NPOINTS; i++) assert_string_not_equal(F.expected[i - 1] + 2, F.expected[i] + 2);
}

/* Every point comes out in order with the row computed here, and 1, 2 and 4 workers give the same bytes. */
static void test_batch_order_and_jobs(void **state) {
  size_t len1, len2, len4;
  char *one, *two, *four;
  (void)state;
  one = run_all(1, 0, &len1);
  two = run_all(2, 0, &len2);
  four = run_all(4, 0, &len4);
  assert_int_equal(len1, len2);
  assert_memory_equal(one, two, len1);
  assert_int_equal(len1, len4);
  assert_memory_equal(one, four, len1);
  free(one);
  free(two);
  free(four);
}

/* A shard's points are numbered from 'first'. */
static void test_batch_first(void **state) {
  size_t len;
  char *rows;
  (void)state;
  rows = run_all(2, 100, &len);
  assert_true(len > 0);
  assert_memory_equal(rows, "100,", 4);
  free(rows);
}

/* A point whose script raises is flagged failed and its row says why; the others are as without it. */
static void test_batch_failed_point(void **state) {
  size_t jobs;
  (void)state;
  for (jobs = 1; jobs <= 2; jobs++) {
    batch_spec spec = spec_of(F.failing_path, jobs, NPOINTS);
    batch *b = NULL;
    batch_result r;
    bool done = true;
    size_t i, failed = 0;
    assert_int_equal(batch_start(mem_default(), &spec, &b), BUDGET_OK);
    for (i = 0; i < NPOINTS; i++) {
      budget_status rc = batch_next(b, &r, &done);
      if (rc) fail_msg("point %zu: %s", i, batch_errmsg(b));
      assert_false(done);
      assert_int_equal(r.point, i);
      if (strcmp(F.values[i], FAILING_VALUE) == 0) {
        char *text;
        assert_true(r.flags & WORKER_FAILED);
        text = malloc(r.rows_len + 1);
        assert_non_null(text);
        memcpy(text, r.rows, r.rows_len);
        text[r.rows_len] = '\0';
        assert_non_null(strstr(text, "no rate " FAILING_VALUE " here"));
        free(text);
        failed++;
      } else {
        assert_int_equal(r.flags, F.expected_flags[i]);
        assert_int_equal(r.rows_len, strlen(F.expected[i]));
        assert_memory_equal(r.rows, F.expected[i], r.rows_len);
      }
    }
    assert_int_equal(failed, 1);
    assert_int_equal(batch_next(b, &r, &done), BUDGET_OK);
    assert_true(done);
    batch_free(b);
  }
}

/* A script that is not there: batch_start works, batch_next is ESCRIPT with a message, r and done untouched. */
static void test_batch_missing_script(void **state) {
  char path[96];
  size_t jobs;
  (void)state;
  snprintf(path, sizeof path, "%s-not-there.lua", F.scenario_path);
  for (jobs = 1; jobs <= 2; jobs++) {
    batch_spec spec = spec_of(path, jobs, NPOINTS);
    batch *b = NULL;
    batch_result r;
    bool done = true;
    memset(&r, 0xab, sizeof r);
    r.point = 12345;
    assert_int_equal(batch_start(mem_default(), &spec, &b), BUDGET_OK);
    assert_int_equal(batch_next(b, &r, &done), BUDGET_ESCRIPT);
    assert_true(done);  /* untouched */
    assert_int_equal(r.point, 12345);
    assert_true(strlen(batch_errmsg(b)) > 0);
    assert_non_null(strstr(batch_errmsg(b), "not-there"));
    assert_false(batch_interrupted(b));
    batch_free(b);
  }
}

/* jobs 0, no open, no script or model path: EINVAL and *out untouched. */
static void test_batch_einval(void **state) {
  batch *b = (batch *)&F;  /* a sentinel: it must stay as it is */
  batch_spec spec;
  (void)state;
  spec = spec_of(F.scenario_path, 0, NPOINTS);
  assert_int_equal(batch_start(mem_default(), &spec, &b), BUDGET_EINVAL);
  assert_ptr_equal(b, (batch *)&F);
  spec = spec_of(F.scenario_path, 1, NPOINTS);
  spec.open = NULL;
  assert_int_equal(batch_start(mem_default(), &spec, &b), BUDGET_EINVAL);
  assert_ptr_equal(b, (batch *)&F);
  spec = spec_of(NULL, 1, NPOINTS);
  assert_int_equal(batch_start(mem_default(), &spec, &b), BUDGET_EINVAL);
  spec = spec_of(F.scenario_path, 1, NPOINTS);
  spec.model_path = NULL;
  assert_int_equal(batch_start(mem_default(), &spec, &b), BUDGET_EINVAL);
  assert_ptr_equal(b, (batch *)&F);
  batch_free(NULL);  /* a no-op */
}

/* An interrupt set before the first batch_next ends the batch at once, and says so. */
static void test_batch_interrupted(void **state) {
  volatile sig_atomic_t flag = 1;
  size_t jobs;
  (void)state;
  for (jobs = 1; jobs <= 2; jobs++) {
    batch_spec spec = spec_of(F.scenario_path, jobs, NPOINTS);
    batch *b = NULL;
    batch_result r;
    bool done = false;
    spec.interrupted = &flag;
    assert_int_equal(batch_start(mem_default(), &spec, &b), BUDGET_OK);
    assert_int_equal(batch_next(b, &r, &done), BUDGET_OK);
    assert_true(done);
    assert_true(batch_interrupted(b));
    done = false;
    assert_int_equal(batch_next(b, &r, &done), BUDGET_OK);
    assert_true(done);
    assert_true(batch_done(b) <= NPOINTS);
    batch_free(b);
  }
  /* the same batch with the flag clear is not interrupted */
  {
    batch_spec spec = spec_of(F.scenario_path, 1, 2);
    batch *b = NULL;
    batch_result r;
    bool done = true;
    flag = 0;
    spec.interrupted = &flag;
    assert_int_equal(batch_start(mem_default(), &spec, &b), BUDGET_OK);
    assert_int_equal(batch_next(b, &r, &done), BUDGET_OK);
    assert_false(done);
    assert_int_equal(r.point, 0);
    flag = 1;  /* set mid-batch: the next call ends it */
    assert_int_equal(batch_next(b, &r, &done), BUDGET_OK);
    assert_true(done);
    assert_true(batch_interrupted(b));
    batch_free(b);
  }
}

/* The worker protocol on one state: rows and header copied out, flags, a failed point, a second free. */
static void test_worker_direct(void **state) {
  script *s;
  worker_setup setup = {F.scenario_path, MODEL, NULL, NAMES, 1, NULL, NULL, "csv", {0}};
  worker_point p;
  const char *values[1];
  char want[512];
  (void)state;
  setup.core = F.core;
  assert_int_equal(script_new(mem_default(), 0, luaopen_budget, &s), BUDGET_OK);
  assert_int_equal(worker_init(s, &setup), BUDGET_OK);
  memset(&p, 0, sizeof p);
  rowbuf_init(&p.text, mem_default());
  p.number = 42;
  values[0] = F.values[4];
  p.values = values;
  p.nvalues = 1;
  assert_int_equal(worker_run(s, &p), BUDGET_OK);
  expected_row(4, 42 - 4, want, sizeof want);
  assert_int_equal(p.rows_len, strlen(want));
  assert_memory_equal(worker_rows(&p), want, p.rows_len);
  assert_int_equal(p.header_len, strlen(F.header));
  assert_memory_equal(worker_header(&p), F.header, p.header_len);
  assert_int_equal(p.flags, F.expected_flags[4]);
  /* the text is the caller's: it outlives the next run on the state */
  {
    worker_point q;
    memset(&q, 0, sizeof q);
    rowbuf_init(&q.text, mem_default());
    q.number = 0;
    values[0] = F.values[0];
    q.values = values;
    q.nvalues = 1;
    assert_int_equal(worker_run(s, &q), BUDGET_OK);
    assert_int_equal(q.rows_len, strlen(F.expected[0]));
    assert_memory_equal(worker_rows(&q), F.expected[0], q.rows_len);
    assert_memory_equal(worker_rows(&p), want, p.rows_len);
    worker_point_free(&q);
  }
  worker_point_free(&p);
  assert_null(p.text.p);
  assert_int_equal(p.rows_len, 0);
  assert_int_equal(p.header_len, 0);
  assert_int_equal(p.number, 42);  /* the inputs are not touched */
  assert_ptr_equal(p.values, values);
  worker_point_free(&p);  /* a second call is a no-op */
  script_free(s);

  /* the failing script: the raising point is flagged and its row says why */
  setup.script_path = F.failing_path;
  assert_int_equal(script_new(mem_default(), 0, luaopen_budget, &s), BUDGET_OK);
  assert_int_equal(worker_init(s, &setup), BUDGET_OK);
  memset(&p, 0, sizeof p);
  rowbuf_init(&p.text, mem_default());
  values[0] = FAILING_VALUE;
  p.values = values;
  p.nvalues = 1;
  assert_int_equal(worker_run(s, &p), BUDGET_OK);
  assert_true(p.flags & WORKER_FAILED);
  assert_non_null(strstr(worker_rows(&p), "no rate " FAILING_VALUE " here"));
  worker_point_free(&p);
  script_free(s);

  /* a script that is not there: ESCRIPT with the message on the state */
  setup.script_path = "/tmp/test_workers-not-there.lua";
  assert_int_equal(script_new(mem_default(), 0, luaopen_budget, &s), BUDGET_OK);
  assert_int_equal(worker_init(s, &setup), BUDGET_ESCRIPT);
  assert_non_null(strstr(script_errmsg(s), "not-there"));
  script_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_expected_rows_differ), cmocka_unit_test(test_batch_order_and_jobs),
    cmocka_unit_test(test_batch_first),          cmocka_unit_test(test_batch_failed_point),
    cmocka_unit_test(test_batch_missing_script), cmocka_unit_test(test_batch_einval),
    cmocka_unit_test(test_batch_interrupted),    cmocka_unit_test(test_worker_direct),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
