/*
** tests/core/test_links_core.c
** Linked descriptions in the core (model_add_link, scenario.h's carrying):
** a change to one fact set is carried to each linked one, spread over its
** cells not held, so that every link holds to the grain after every
** operation; a carry that cannot land fails the whole operation and names the
** link; links that would make a cycle are refused. The model: a function set
** (basic and project spending), the economic lines of its basic part, a
** 三公 line in 0.01万元 tied to one economic line, and projects within its
** project part. Expected amounts are computed here from the cells.
** See LICENSE for copyright and license.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/scenario.h"
#include "testutil.h"

enum { FUNC, ECON, SANGONG, PROJ, NSETS };
enum { L_ECON, L_SANGONG, L_PROJ, NLINKS };

typedef struct fixture {
  model *m;
  hier_id f[3], basic, project;  /* 功能分类 leaves; 支出性质 */
  hier_id e[3];                  /* 经济分类: e[0] 人员经费 line, e[1] and e[2] 公用经费 lines */
  hier_id travel;                /* 三公: 因公出国(境)费, tied to e[2] */
  hier_id p[2];                  /* 项目 */
} fixture;

static hier_id add_member(model *m, size_t dim, const char *code, const char *name) {
  hier_id id;
  assert_int_equal(hier_add(model_dim(m, dim), HIER_NONE, code, name, &id), BUDGET_OK);
  return id;
}

static void put(fixture *fx, size_t set, hier_id a, hier_id b, money amount) {
  hier_id key[2] = {a, b};
  assert_int_equal(facts_put(model_facts(fx->m, set), key, amount, NULL), BUDGET_OK);
}

/* One link: set a's selection {a0, a1} and set b's {b0, b1} (HIER_NONE for all). */
static budget_status link(fixture *fx, model_link_kind kind, size_t sa, hier_id a0, hier_id a1, size_t sb, hier_id b0,
                          hier_id b1) {
  model_link l;
  size_t d;
  memset(&l, 0, sizeof l);
  for (d = 0; d < FACTS_MAX_DIMS; d++) l.sel[0][d] = l.sel[1][d] = HIER_NONE;
  l.kind = kind;
  l.set[0] = sa, l.sel[0][0] = a0, l.sel[0][1] = a1;
  l.set[1] = sb, l.sel[1][0] = b0, l.sel[1][1] = b1;
  return model_add_link(fx->m, &l, NULL);
}

static int setup(void **state) {
  fixture *fx = test_calloc(1, sizeof *fx);
  size_t dfun, dkind, deco, dsg, dproj, set, dims[2];
  if (fx == NULL || model_new(mem_default(), &fx->m) != BUDGET_OK) return -1;
  model_add_dim(fx->m, "功能分类", &dfun);
  model_add_dim(fx->m, "支出性质", &dkind);
  model_add_dim(fx->m, "经济分类", &deco);
  model_add_dim(fx->m, "三公经费", &dsg);
  model_add_dim(fx->m, "项目", &dproj);
  fx->f[0] = add_member(fx->m, dfun, "20101", "行政运行");
  fx->f[1] = add_member(fx->m, dfun, "20601", "机构运行");
  fx->f[2] = add_member(fx->m, dfun, "20602", "科普活动");
  fx->basic = add_member(fx->m, dkind, NULL, "基本支出");
  fx->project = add_member(fx->m, dkind, NULL, "项目支出");
  fx->e[0] = add_member(fx->m, deco, "30101", "基本工资");
  fx->e[1] = add_member(fx->m, deco, "30201", "办公费");
  fx->e[2] = add_member(fx->m, deco, "30212", "因公出国（境）费用");
  fx->travel = add_member(fx->m, dsg, NULL, "因公出国(境)费");
  fx->p[0] = add_member(fx->m, dproj, NULL, "科技会客厅");
  fx->p[1] = add_member(fx->m, dproj, NULL, "科普资源配送");
  for (set = 0; set < 5; set++) hier_seal(model_dim(fx->m, set));
  dims[0] = dfun, dims[1] = dkind;
  assert_int_equal(model_add_facts(fx->m, "支出", dims, 2, 1, &set), BUDGET_OK);
  dims[0] = deco;
  assert_int_equal(model_add_facts(fx->m, "经济", dims, 1, 1, &set), BUDGET_OK);
  dims[0] = dsg;
  assert_int_equal(model_add_facts(fx->m, "三公", dims, 1, 10000, &set), BUDGET_OK);  /* 0.01万元 */
  dims[0] = dproj;
  assert_int_equal(model_add_facts(fx->m, "项目", dims, 1, 10000, &set), BUDGET_OK);
  /* basic: 3,000,000.00 = economic 2,000,000.00 + 700,000.00 + 300,000.00 */
  put(fx, FUNC, fx->f[0], fx->basic, 100000000);
  put(fx, FUNC, fx->f[1], fx->basic, 200000000);
  put(fx, FUNC, fx->f[1], fx->project, 50000000);
  put(fx, FUNC, fx->f[2], fx->project, 150000000);
  put(fx, ECON, fx->e[0], 0, 200000000);
  put(fx, ECON, fx->e[1], 0, 70000000);
  put(fx, ECON, fx->e[2], 0, 30000000);
  put(fx, SANGONG, fx->travel, 0, 30000000);
  put(fx, PROJ, fx->p[0], 0, 60000000);  /* 1,500,000.00 of the 2,000,000.00 of project spending */
  put(fx, PROJ, fx->p[1], 0, 90000000);
  assert_int_equal(link(fx, MODEL_LINK_EQUAL, ECON, HIER_NONE, HIER_NONE, FUNC, HIER_NONE, fx->basic), BUDGET_OK);
  assert_int_equal(link(fx, MODEL_LINK_EQUAL, SANGONG, fx->travel, HIER_NONE, ECON, fx->e[2], HIER_NONE), BUDGET_OK);
  assert_int_equal(link(fx, MODEL_LINK_PART, PROJ, HIER_NONE, HIER_NONE, FUNC, HIER_NONE, fx->project), BUDGET_OK);
  *state = fx;
  return 0;
}

static int teardown(void **state) {
  fixture *fx = *state;
  model_free(fx->m);
  test_free(fx);
  return 0;
}

static money total(const scenario *s, size_t set, hier_id a, hier_id b) {
  hier_id sel[FACTS_MAX_DIMS] = {a, b};
  money t;
  assert_int_equal(scenario_total(s, set, sel, &t), BUDGET_OK);
  return t;
}

static money side_total(const scenario *s, const model_link *l, int side) {
  money t;
  assert_int_equal(scenario_total(s, l->set[side], l->sel[side], &t), BUDGET_OK);
  return t;
}

/* v rounded half away from zero to a whole number of g: what the checks compare. */
static money rounded(money v, money g) {
  money q = v / g, r = v % g;
  if (2 * (r < 0 ? -r : r) >= g) q += v < 0 ? -1 : 1;
  return q * g;
}

/* Every link holds in s: equal totals at the link's grain (less the base's own difference), a part within its whole. */
static void assert_links_hold(const scenario *s) {
  const model *m = scenario_base(s);
  size_t i;
  for (i = 0; i < model_nlinks(m); i++) {
    const model_link *l = model_link_at(m, i);
    money a = side_total(s, l, 0), b = side_total(s, l, 1);
    if (l->kind == MODEL_LINK_EQUAL) {
      assert_int_equal(rounded(a, l->grain) - rounded(b, l->grain),
                       rounded(l->base[0], l->grain) - rounded(l->base[1], l->grain));
    } else {
      money floor = l->base[1] - l->base[0] < 0 ? l->base[1] - l->base[0] : 0;
      assert_true(b - a >= floor);
    }
  }
}

/* A change of basic spending is carried to the economic lines in proportion, and on to the 三公 line at its grain. */
static void test_links_carry(void **state) {
  fixture *fx = *state;
  scenario *s;
  hier_id sel[FACTS_MAX_DIMS] = {fx->f[1], fx->basic};
  money_ctx ctx = {MONEY_ROUND_HALF_AWAY, 0};
  rate cut = {95, 100};
  money moved;
  assert_int_equal(scenario_new(mem_default(), fx->m, &s), BUDGET_OK);
  assert_int_equal(scenario_scale(s, &ctx, FUNC, sel, cut, &moved), BUDGET_OK);
  assert_int_equal(moved, -10000000);  /* 5% of 2,000,000.00 */
  /* the economic lines: -100,000.00 in proportion 20:7:3 */
  assert_int_equal(total(s, ECON, fx->e[0], 0), 200000000 - 6666667);
  assert_int_equal(total(s, ECON, fx->e[1], 0), 70000000 - 2333333);
  assert_int_equal(total(s, ECON, fx->e[2], 0), 30000000 - 1000000);
  assert_int_equal(total(s, ECON, HIER_NONE, 0), 300000000 - 10000000);
  /* 30212 fell by 10,000.00: the 三公 line by the same, a whole number of its 100.00 元 grain */
  assert_int_equal(total(s, SANGONG, HIER_NONE, 0), 30000000 - 1000000);
  assert_int_equal(total(s, FUNC, HIER_NONE, fx->project), 200000000);  /* project spending untouched */
  assert_links_hold(s);
  scenario_free(s);
}

/* A hold in the linked set keeps its lines: the carry falls on the others; everything held fails whole. */
static void test_links_hold(void **state) {
  fixture *fx = *state;
  scenario *s;
  hier_id f1[FACTS_MAX_DIMS] = {fx->f[1], fx->basic}, e0[FACTS_MAX_DIMS] = {fx->e[0]};
  hier_id all[FACTS_MAX_DIMS] = {HIER_NONE, HIER_NONE};
  size_t n, nsteps, nentries;
  int side = -1;
  money before[4];
  assert_int_equal(scenario_new(mem_default(), fx->m, &s), BUDGET_OK);
  scenario_journal(s, true);
  assert_int_equal(scenario_hold(s, ECON, e0, true, &n), BUDGET_OK);
  assert_int_equal(scenario_add(s, FUNC, f1, -1000000), BUDGET_OK);  /* -10,000.00 */
  assert_int_equal(scenario_mark(s, &nsteps), BUDGET_OK);
  assert_int_equal(total(s, ECON, fx->e[0], 0), 200000000);          /* held */
  assert_int_equal(total(s, ECON, fx->e[1], 0), 70000000 - 700000);   /* 7:3 of the 10,000.00 */
  assert_int_equal(total(s, ECON, fx->e[2], 0), 30000000 - 300000);
  assert_int_equal(total(s, SANGONG, HIER_NONE, 0), 30000000 - 300000);  /* -3,000.00: 30 grains of 100.00 */
  (void)scenario_step_entries(s, 1, &nentries);
  assert_int_equal(nentries, 4);  /* the function cell, the two economic lines and the 三公 line: one step */
  assert_links_hold(s);
  /* every economic line held: the carry cannot land, and nothing moves anywhere */
  assert_int_equal(scenario_hold(s, ECON, all, true, &n), BUDGET_OK);
  before[0] = total(s, FUNC, HIER_NONE, HIER_NONE), before[1] = total(s, ECON, HIER_NONE, 0);
  before[2] = total(s, SANGONG, HIER_NONE, 0), before[3] = total(s, FUNC, fx->f[1], fx->basic);
  assert_int_equal(scenario_add(s, FUNC, f1, -1000000), BUDGET_EZEROWEIGHTS);
  assert_int_equal(scenario_failed_link(s, &side), L_ECON);
  assert_int_equal(side, 0);  /* side a, the economic lines */
  assert_int_equal(total(s, FUNC, HIER_NONE, HIER_NONE), before[0]);
  assert_int_equal(total(s, ECON, HIER_NONE, 0), before[1]);
  assert_int_equal(total(s, SANGONG, HIER_NONE, 0), before[2]);
  assert_int_equal(total(s, FUNC, fx->f[1], fx->basic), before[3]);
  assert_int_equal(scenario_mark(s, &nsteps), BUDGET_OK);
  (void)scenario_step_entries(s, nsteps, &nentries);
  assert_int_equal(nentries, 0);  /* the failed operation recorded nothing */
  /* with carrying off, the same change stays where it was made */
  scenario_carry(s, false);
  assert_int_equal(scenario_add(s, FUNC, f1, -1000000), BUDGET_OK);
  assert_int_equal(scenario_failed_link(s, NULL), SIZE_MAX);
  assert_int_equal(total(s, ECON, HIER_NONE, 0), before[1]);
  assert_int_equal(total(s, FUNC, fx->f[1], fx->basic), before[3] - 1000000);
  scenario_free(s);
}

/* A gap left by hand ({carry = false}) stays: a later change carries only its own move, not the gap. */
static void test_links_gap_kept(void **state) {
  fixture *fx = *state;
  scenario *s;
  hier_id e1[FACTS_MAX_DIMS] = {fx->e[1]}, f0[FACTS_MAX_DIMS] = {fx->f[0], fx->basic};
  assert_int_equal(scenario_new(mem_default(), fx->m, &s), BUDGET_OK);
  scenario_carry(s, false);
  assert_int_equal(scenario_add(s, ECON, e1, 100000000), BUDGET_OK);  /* +1,000,000.00 to 办公费 alone */
  scenario_carry(s, true);
  assert_int_equal(scenario_add(s, FUNC, f0, 100), BUDGET_OK);        /* +1.00 to basic spending */
  assert_int_equal(total(s, ECON, HIER_NONE, 0), 300000000 + 100000000 + 100);
  assert_int_equal(total(s, FUNC, HIER_NONE, fx->basic), 300000000 + 100);
  assert_int_equal(scenario_add(s, ECON, e1, -100), BUDGET_OK);       /* and back from 经济's side */
  assert_int_equal(total(s, FUNC, HIER_NONE, fx->basic), 300000000);
  scenario_free(s);
}

/* Projects are part of project spending: a project's change is one of project spending; a cut of project
** spending moves the projects only when it would fall below them, and then to exactly their level. */
static void test_links_part(void **state) {
  fixture *fx = *state;
  scenario *s;
  hier_id p0[FACTS_MAX_DIMS] = {fx->p[0]}, proj[FACTS_MAX_DIMS] = {HIER_NONE, fx->project};
  assert_int_equal(scenario_new(mem_default(), fx->m, &s), BUDGET_OK);
  assert_int_equal(scenario_add(s, PROJ, p0, 10000000), BUDGET_OK);  /* +100,000.00 */
  assert_int_equal(total(s, FUNC, HIER_NONE, fx->project), 200000000 + 10000000);
  assert_int_equal(total(s, FUNC, HIER_NONE, fx->basic), 300000000);
  assert_int_equal(total(s, ECON, HIER_NONE, 0), 300000000);
  /* project spending down by 400,000.00: 1,700,000.00 still holds the projects' 1,600,000.00 */
  assert_int_equal(scenario_add(s, FUNC, proj, -40000000), BUDGET_OK);
  assert_int_equal(total(s, PROJ, HIER_NONE, 0), 160000000);
  /* down by 300,000.00 more: 1,400,000.00; the projects fall by the 200,000.00 they exceed it by */
  assert_int_equal(scenario_add(s, FUNC, proj, -30000000), BUDGET_OK);
  assert_int_equal(total(s, PROJ, HIER_NONE, 0), 140000000);
  assert_int_equal(total(s, FUNC, HIER_NONE, fx->project), 140000000);
  /* a shortfall that is not a whole number of the projects' grain is rounded up: they stay within */
  assert_int_equal(scenario_add(s, FUNC, proj, -1), BUDGET_OK);
  assert_int_equal(total(s, PROJ, HIER_NONE, 0), 140000000 - 10000);
  assert_links_hold(s);
  scenario_free(s);
}

/* A transfer between two linked sets: each side carried, every total as it was, every link holding. */
static void test_links_transfer(void **state) {
  fixture *fx = *state;
  scenario *s;
  hier_id f2[FACTS_MAX_DIMS] = {fx->f[2], fx->project}, p0[FACTS_MAX_DIMS] = {fx->p[0]};
  hier_id e1[FACTS_MAX_DIMS] = {fx->e[1]}, e2[FACTS_MAX_DIMS] = {fx->e[2]};
  assert_int_equal(scenario_new(mem_default(), fx->m, &s), BUDGET_OK);
  assert_int_equal(scenario_transfer(s, FUNC, f2, PROJ, p0, 10000000), BUDGET_OK);
  assert_int_equal(total(s, FUNC, HIER_NONE, HIER_NONE), 500000000);
  assert_int_equal(total(s, PROJ, fx->p[0], 0), 70000000);
  assert_int_equal(total(s, PROJ, fx->p[1], 0), 90000000);
  assert_links_hold(s);
  /* within the economic set: 30212 grows, the 三公 line with it */
  assert_int_equal(scenario_transfer(s, ECON, e1, ECON, e2, 2000000), BUDGET_OK);
  assert_int_equal(total(s, SANGONG, HIER_NONE, 0), 30000000 + 2000000);
  assert_int_equal(total(s, FUNC, HIER_NONE, fx->basic), 300000000);
  assert_links_hold(s);
  scenario_free(s);
}

/* What model_add_link refuses: one set, a cycle, grains that do not divide, ids out of range. */
static void test_links_refused(void **state) {
  fixture *fx = *state;
  size_t n = model_nlinks(fx->m);
  assert_int_equal(link(fx, MODEL_LINK_EQUAL, FUNC, HIER_NONE, HIER_NONE, FUNC, HIER_NONE, fx->basic), BUDGET_EINVAL);
  /* 三公 and the function set are already joined through the economic set */
  assert_int_equal(link(fx, MODEL_LINK_EQUAL, SANGONG, HIER_NONE, HIER_NONE, FUNC, HIER_NONE, HIER_NONE),
                   BUDGET_EINVAL);
  /* another link between two sets already linked directly closes no new cycle, but it may not take cells
     the first takes on either side: the two would pull them two ways */
  assert_int_equal(link(fx, MODEL_LINK_EQUAL, SANGONG, fx->travel, HIER_NONE, ECON, fx->e[1], HIER_NONE), BUDGET_EINVAL);
  assert_int_equal(link(fx, MODEL_LINK_EQUAL, SANGONG, HIER_NONE, HIER_NONE, ECON, fx->e[1], HIER_NONE), BUDGET_EINVAL);
  assert_int_equal(link(fx, MODEL_LINK_EQUAL, PROJ, fx->p[0], HIER_NONE, FUNC, fx->f[0], fx->basic), BUDGET_EINVAL);
  assert_int_equal(link(fx, MODEL_LINK_EQUAL, FUNC, fx->f[0], fx->project, ECON, fx->e[0], HIER_NONE),
                   BUDGET_EINVAL);  /* 经济 e0 is within the first link's side: all of 经济 */
  assert_int_equal(link(fx, MODEL_LINK_EQUAL, ECON, 999, HIER_NONE, PROJ, HIER_NONE, HIER_NONE), BUDGET_EINVAL);
  assert_int_equal(model_nlinks(fx->m), n);
  assert_true(model_linked(fx->m, SANGONG, PROJ));
  assert_true(model_linked(fx->m, FUNC, FUNC));
}

/* Random operations on random selections with random holds: every link holds after each, and a failed one changes
** nothing. */
static void test_links_random(void **state) {
  fixture *fx = *state;
  scenario *s;
  unsigned seed = 20211231;
  int round, ok = 0, failed = 0;
  assert_int_equal(scenario_new(mem_default(), fx->m, &s), BUDGET_OK);
  for (round = 0; round < 3000; round++) {
    size_t set = (size_t)rand_r(&seed) % NSETS, ndims = facts_ndims(model_facts(fx->m, set)), d;
    hier_id sel[FACTS_MAX_DIMS];
    money t[NSETS], amount = (money)(rand_r(&seed) % 2000001) - 1000000;
    size_t k;
    budget_status rc;
    for (d = 0; d < ndims; d++) {
      size_t count = hier_count(facts_dim(model_facts(fx->m, set), d));
      sel[d] = rand_r(&seed) % 3 == 0 ? HIER_NONE : (hier_id)((size_t)rand_r(&seed) % count);
    }
    amount -= amount % facts_grain(model_facts(fx->m, set));
    for (k = 0; k < NSETS; k++) t[k] = total(s, k, HIER_NONE, HIER_NONE);
    switch (rand_r(&seed) % 4) {
      case 0: rc = scenario_hold(s, set, sel, rand_r(&seed) % 3 != 0 ? false : true, NULL); break;
      case 1: {
        money_ctx ctx = {MONEY_ROUND_HALF_AWAY, 0};
        rate r = {80 + rand_r(&seed) % 41, 100};
        rc = scenario_scale(s, &ctx, set, sel, r, NULL);
        break;
      }
      default: rc = scenario_add(s, set, sel, amount); break;
    }
    if (rc == BUDGET_OK) {
      ok++;
    } else {
      assert_int_equal(rc, BUDGET_EZEROWEIGHTS);
      for (k = 0; k < NSETS; k++) assert_int_equal(total(s, k, HIER_NONE, HIER_NONE), t[k]);
      failed++;
    }
    assert_links_hold(s);
  }
  assert_true(ok > 1000);
  assert_true(failed > 0);
  scenario_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_links_carry, setup, teardown),
    cmocka_unit_test_setup_teardown(test_links_hold, setup, teardown),
    cmocka_unit_test_setup_teardown(test_links_gap_kept, setup, teardown),
    cmocka_unit_test_setup_teardown(test_links_part, setup, teardown),
    cmocka_unit_test_setup_teardown(test_links_transfer, setup, teardown),
    cmocka_unit_test_setup_teardown(test_links_refused, setup, teardown),
    cmocka_unit_test_setup_teardown(test_links_random, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
