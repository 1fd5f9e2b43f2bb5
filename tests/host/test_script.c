/*
** tests/host/test_script.c
** Lua states: LPeg is linked in and preloaded, errors come back as a status
** and a message, the memory cap holds, and no allocation failure crashes.
** See LICENSE for copyright and license.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "budget.h"
#include "host/script.h"
#include "testutil.h"

static budget_status eval(script *s, const char *code, char *out, size_t size) {
  return script_eval(s, "=test", code, strlen(code), out, size);
}

/* 'require "lpeg"' works with no Lua files installed: LPeg is in the binary. */
static void test_script_lpeg_preloaded(void **state) {
  script *s;
  char out[64];
  (void)state;
  assert_int_equal(script_new(mem_default(), 0, luaopen_budget, &s), BUDGET_OK);
  assert_int_equal(eval(s, "package.path = ''; package.cpath = ''\n"
                           "local lpeg = require 'lpeg'\n"
                           "local digits = lpeg.C(lpeg.R'09'^1)\n"
                           "return digits:match('2060701 机构运行')",
                    out, sizeof out),
                   BUDGET_OK);
  assert_string_equal(out, "2060701");
  assert_int_equal(eval(s, "return _VERSION", out, sizeof out), BUDGET_OK);
  assert_string_equal(out, "Lua 5.4");
  script_free(s);
  script_free(NULL);
}

/* Syntax and runtime errors are ESCRIPT with the chunk, the line and a traceback. */
static void test_script_errors(void **state) {
  script *s;
  char out[16] = "untouched";
  (void)state;
  assert_int_equal(script_new(mem_default(), 0, luaopen_budget, &s), BUDGET_OK);
  assert_int_equal(eval(s, "return (", out, sizeof out), BUDGET_ESCRIPT);
  assert_non_null(strstr(script_errmsg(s), "test:1:"));
  assert_int_equal(eval(s, "local x = 1\nerror('boom')", out, sizeof out), BUDGET_ESCRIPT);
  assert_non_null(strstr(script_errmsg(s), "test:2: boom"));
  assert_non_null(strstr(script_errmsg(s), "stack traceback"));
  assert_int_equal(eval(s, "error({})", out, sizeof out), BUDGET_ESCRIPT);  /* not a string */
  assert_int_equal(eval(s, "return setmetatable({}, {__tostring = function() error('x') end})", out, sizeof out),
                   BUDGET_ESCRIPT);
  assert_string_equal(out, "untouched");
  /* binary chunks are refused: only text is loaded */
  assert_int_equal(eval(s, "\x1bLua", out, sizeof out), BUDGET_ESCRIPT);
  assert_non_null(strstr(script_errmsg(s), "binary"));
  /* the state is still usable after errors */
  assert_int_equal(eval(s, "return 1 + 1", out, sizeof out), BUDGET_OK);
  assert_string_equal(out, "2");
  script_free(s);
}

/* A script that allocates past the cap gets ELIMIT, not a crash, and the state survives. */
static void test_script_memory_cap(void **state) {
  script *s;
  char out[16];
  (void)state;
  assert_int_equal(script_new(mem_default(), 4u << 20, luaopen_budget, &s), BUDGET_OK);
  assert_int_equal(eval(s, "local t = {} for i = 1, 1e7 do t[i] = i end", out, sizeof out), BUDGET_ELIMIT);
  assert_int_equal(eval(s, "collectgarbage() return #string.rep('x', 1000)", out, sizeof out), BUDGET_OK);
  assert_string_equal(out, "1000");
  script_free(s);
}

/*
** Creating a state and running a chunk with the n-th allocation failing, for
** every n until a run makes fewer than n allocations: each run either works
** (Lua recovers from some failures with an emergency collection) or is
** ENOMEM, and frees everything.
*/
static void test_script_out_of_memory(void **state) {
  long n, failures = 0;
  failing f = {0, 0, 0};
  (void)state;
  for (n = 1; n == 1 || f.calls >= f.fail_at; n++) {
    mem_allocator A;
    script *s = NULL;
    char out[16];
    budget_status rc;
    f.fail_at = n;
    f.calls = 0;
    A = failing_allocator(&f);
    rc = script_new(&A, 0, luaopen_budget, &s);
    if (rc == BUDGET_OK) {
      rc = eval(s, "return require('lpeg').match(require('lpeg').P'a', 'a')", out, sizeof out);
      if (rc == BUDGET_OK) assert_string_equal(out, "2");
      /* LPeg reports its own allocation failures as an ordinary error */
      if (rc == BUDGET_ESCRIPT && strstr(script_errmsg(s), "not enough memory") != NULL) rc = BUDGET_ENOMEM;
      if (rc != BUDGET_OK && rc != BUDGET_ENOMEM) fail_msg("n=%ld: %s", n, script_errmsg(s));
      script_free(s);
    }
    if (rc != BUDGET_OK) {
      assert_int_equal(rc, BUDGET_ENOMEM);
      failures++;
    }
    assert_int_equal(f.live, 0);
  }
  assert_true(n > 100);
  assert_true(failures > 10);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_script_lpeg_preloaded),
    cmocka_unit_test(test_script_errors),
    cmocka_unit_test(test_script_memory_cap),
    cmocka_unit_test(test_script_out_of_memory),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
