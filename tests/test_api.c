/*
** tests/test_api.c
** The C API of budget.h as an embedder uses it: engines, models, scripts,
** totals, violations, reports, errors and limits. The expected totals are
** computed from the document's amounts.
** See LICENSE for copyright and license.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "budget.h"
#include "testutil.h"

#define MODEL "models/sast-2021.lua"

/* A row's first figure in the document's 部门支出预算总表, in fen. */
static int64_t spending_row(const char *code_and_name) {
  size_t len = 0;
  char *doc = read_file(SAST_DOCUMENT, &len), *p, needle[128];
  int64_t fen = -1;
  assert_non_null(doc);
  p = strstr(doc, "2021年部门支出预算总表");
  assert_non_null(p);
  snprintf(needle, sizeof needle, "\n%s ", code_and_name);
  p = strstr(p, needle);
  assert_non_null(p);
  p += strlen(needle);
  assert_int_equal(budget_money_parse(strtok(p, " \n"), &fen), BUDGET_OK);
  free(doc);
  return fen;
}

/* One engine for the group: the tests also show that it goes on after errors. */
static int setup(void **state) {
  budget_engine *e;
  if (budget_engine_new(NULL, &e) != BUDGET_OK) return -1;
  *state = e;
  return 0;
}

static int teardown(void **state) {
  budget_engine_free(*state);
  return 0;
}

static budget_model *load(budget_engine *e) {
  budget_model *m = NULL;
  if (budget_model_load(e, MODEL, &m) != BUDGET_OK) fail_msg("%s", budget_errmsg(e));
  return m;
}

static budget_result *run(budget_engine *e, budget_model *m, const char *script) {
  budget_result *r = NULL;
  budget_status rc = budget_run(e, m, script, strlen(script), "test.lua", NULL, 0, &r);
  if (rc != BUDGET_OK) fail_msg("%s: %s", budget_status_str(rc), budget_errmsg(e));
  return r;
}

/* The 5% cut through the API: 206 and the grand total as the document's figures say. */
static void test_api_cut(void **state) {
  budget_engine *e = *state;
  budget_model *m = load(e);
  budget_result *r = run(e, m, "local s = model:scenario('cut') s:cut('科学技术支出', '5%')");
  int64_t sci = spending_row("206 科学技术支出"), grand = spending_row("合计"), fen = 0, base = 0;
  char text[BUDGET_MONEY_TEXT];
  assert_int_equal(budget_result_scenarios(r), 1);
  assert_string_equal(budget_result_name(r, 0), "cut");
  assert_int_equal(budget_result_total(r, 0, "206", &fen), BUDGET_OK);
  assert_int_equal(fen, sci * 95 / 100);
  assert_int_equal(budget_money_format(fen, text, sizeof text), BUDGET_OK);
  assert_string_equal(text, "65,692,327.10");
  assert_int_equal(budget_result_total(r, 0, NULL, &fen), BUDGET_OK);
  assert_int_equal(fen, grand - sci * 5 / 100);
  assert_int_equal(budget_model_total(m, NULL, &base), BUDGET_OK);
  assert_int_equal(base, grand);  /* the base is untouched */
  budget_result_free(r);
  budget_model_free(m);
}

/* Violations come out as C values, errors first; the report is the one 'budget run' prints. */
static void test_api_violations_and_report(void **state) {
  budget_engine *e = *state;
  budget_model *m = load(e);
  budget_result *r = run(e, m, "local s = model:scenario('grow') s:add({['三公经费'] = '公务接待费'}, '2万') "
                               "s:cut('人员经费', '1%')");
  budget_violation v;
  size_t n = 0, k, errors = 0;
  char *text = NULL;
  size_t len = 0;
  assert_int_equal(budget_result_violations(r, 0, &n), BUDGET_OK);
  assert_int_equal(budget_result_violations(r, 5, &n), BUDGET_ENOTFOUND);
  assert_true(n >= 3);  /* 三公经费 and 公务接待费 grow; 人员经费 falls (the 2万 is carried to 302 17 and 支出) */
  for (k = 0; k < n; k++) {
    assert_int_equal(budget_result_violation(r, 0, k, &v), BUDGET_OK);
    assert_int_equal(v.difference, v.found - v.expected);
    if (strcmp(v.severity, "error") == 0) {
      assert_int_equal(k, errors);  /* errors first */
      errors++;
    }
    if (strcmp(v.rule, "公务接待费不增长") == 0) {
      assert_int_equal(v.difference, 2000000);  /* 2万元 in fen */
      assert_string_equal(v.members, "公务接待费");
      assert_string_equal(v.message, "公务接待费 94,700.00 is more than the base's 74,700.00 by 20,000.00: it must not grow");
    }
  }
  assert_true(errors >= 2);
  assert_int_equal(budget_result_violation(r, 0, n, &v), BUDGET_ENOTFOUND);
  assert_int_equal(budget_result_report_text(r, 0, "table", &text, &len), BUDGET_OK);
  assert_non_null(strstr(text, "Scenario: grow"));
  assert_non_null(strstr(text, "warning: 人员经费不减少"));
  assert_int_equal(strlen(text), len);
  budget_free(text);
  assert_int_equal(budget_result_report_text(r, 0, "html", &text, &len), BUDGET_OK);
  assert_memory_equal(text, "<!DOCTYPE html>", 15);
  assert_non_null(strstr(text, "<h1>Scenario: grow</h1>"));
  assert_non_null(strstr(text, "<svg"));
  budget_free(text);
  assert_int_equal(budget_result_report_text(r, 0, "xml", &text, &len), BUDGET_EINVAL);
  budget_result_free(r);
  budget_model_free(m);
}

/* Errors: the status says what kind, the message says where and why; the engine goes on. */
static void test_api_errors(void **state) {
  budget_engine *e = *state;
  budget_model *m = load(e), *bad = NULL;
  budget_result *r = NULL;
  int64_t fen = 42;
  const char *typo = "local s = model:scenario('x')\ns:cut('科学技术指出', '5%')";
  assert_int_equal(budget_model_total(m, "科学技术指出", &fen), BUDGET_ENOTFOUND);
  assert_non_null(strstr(budget_errmsg(e), "nearest: 206 科学技术支出"));
  assert_int_equal(budget_model_total(m, "行政运行", &fen), BUDGET_EAMBIGUOUS);
  assert_non_null(strstr(budget_errmsg(e), "201 29 01"));
  assert_int_equal(fen, 42);
  assert_int_equal(budget_run(e, m, typo, strlen(typo), "typo.lua", NULL, 0, &r), BUDGET_ESCRIPT);
  assert_non_null(strstr(budget_errmsg(e), "typo.lua:2: '科学技术指出' is not a member"));
  assert_null(r);
  assert_int_equal(budget_model_load(e, "models/none.lua", &bad), BUDGET_ENOTFOUND);
  assert_int_equal(budget_model_load_string(e, "dimension \"d\" {", 16, "bad.lua", &bad), BUDGET_ESCRIPT);
  assert_non_null(strstr(budget_errmsg(e), "bad.lua:1:"));
  assert_null(bad);
  r = run(e, m, "local s = model:scenario('after') s:cut('206', '1%')");  /* the engine still works */
  assert_int_equal(budget_result_scenarios(r), 1);
  budget_result_free(r);
  budget_model_free(m);
}

/* Limits stop a script, say which, and leave the engine able to run the next one. */
static void test_api_limits(void **state) {
  budget_options opts;
  budget_engine *e;
  budget_model *m;
  budget_result *r = NULL;
  const char *loop = "while true do end";
  const char *grow = "local t = {} while true do t[#t + 1] = string.rep('0123456789', 100) .. #t end";
  const char *io = "io.open('/etc/passwd')";
  (void)state;
  memset(&opts, 0, sizeof opts);
  opts.max_steps = 1000000;
  opts.max_memory = 20u << 20;
  assert_int_equal(budget_engine_new(&opts, &e), BUDGET_OK);
  m = load(e);
  assert_int_equal(budget_run(e, m, loop, strlen(loop), "loop.lua", NULL, 0, &r), BUDGET_ELIMIT);
  assert_non_null(strstr(budget_errmsg(e), "limit of 1000000 steps"));
  assert_int_equal(budget_run(e, m, grow, strlen(grow), "grow.lua", NULL, 0, &r), BUDGET_ELIMIT);
  assert_non_null(strstr(budget_errmsg(e), "bytes of memory"));
  assert_int_equal(budget_run(e, m, io, strlen(io), "io.lua", NULL, 0, &r), BUDGET_ESCRIPT);
  assert_non_null(strstr(budget_errmsg(e), "(global 'io')"));
  r = run(e, m, "local s = model:scenario('still') s:cut('206', '5%')");
  assert_int_equal(budget_result_scenarios(r), 1);
  budget_result_free(r);
  budget_model_free(m);
  budget_engine_free(e);
}

/* Parameters reach the script as params[name]; amounts parse and format. */
static void test_api_params_and_money(void **state) {
  budget_engine *e = *state;
  budget_model *m = load(e);
  budget_param p[] = {{"rate", "10%"}, {"name", "十个点"}};
  budget_result *r = NULL;
  const char *script = "local s = model:scenario(params.name) s:cut('206', params.rate)";
  int64_t fen = 0, sci = spending_row("206 科学技术支出");
  assert_int_equal(budget_run(e, m, script, strlen(script), "p.lua", p, 2, &r), BUDGET_OK);
  assert_string_equal(budget_result_name(r, 0), "十个点");
  assert_int_equal(budget_result_total(r, 0, "206", &fen), BUDGET_OK);
  assert_int_equal(fen, sci - sci / 10);
  budget_result_free(r);
  assert_int_equal(budget_money_parse("52.50万元", &fen), BUDGET_OK);
  assert_int_equal(fen, 52500000);
  assert_int_equal(budget_money_parse("1,23", &fen), BUDGET_ESYNTAX);
  assert_string_equal(budget_version(), BUDGET_VERSION);
  {
    size_t n = 99;
    assert_int_equal(budget_model_check(m, &n), BUDGET_OK);
    assert_int_equal(n, 0);
  }
  budget_model_free(m);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_api_cut),
    cmocka_unit_test(test_api_violations_and_report),
    cmocka_unit_test(test_api_errors),
    cmocka_unit_test(test_api_limits),
    cmocka_unit_test(test_api_params_and_money),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
