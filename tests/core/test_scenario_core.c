/*
** tests/core/test_scenario_core.c
** Scenarios over a tiny model: every change moves its selection by exactly
** the amount asked, spread by largest remainder over the cells not held (the
** expected parts computed here, apart from money_allocate); holds, puts,
** transfers that fail leave everything as it was; the journal records each
** step's changes and nothing for a failed operation; compiled checks.
** See LICENSE for copyright and license.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "core/scenario.h"
#include "testutil.h"

/*
** Dimension 0, 功能分类: 201 一般公共服务支出 {20101 人大事务, 20102 政协事务, 20103 政府办公厅},
** 206 科学技术支出 {20601 科学技术管理事务, 20602 基础研究}. Dimension 1, 资金来源: 财政拨款, 事业收入.
** Set 0 (支出, grain 100 fen) over both; set 1 (收入, grain 1 fen) over 功能分类 alone.
*/
typedef struct fixture {
  model *m;
  hier_id f201, f20101, f20102, f20103, f206, f20601, f20602;
  hier_id fiscal, business;
} fixture;

#define NSETS 2

static void add_cell(fixture *fx, size_t set, hier_id a, hier_id b, money amount) {
  hier_id key[2];
  key[0] = a;
  key[1] = b;
  assert_int_equal(facts_put(model_facts(fx->m, set), key, amount, NULL), BUDGET_OK);
}

static int setup(void **state) {
  fixture *fx = test_calloc(1, sizeof *fx);
  size_t d0, d1, dims[2], set;
  hier *h;
  if (fx == NULL || model_new(mem_default(), &fx->m) != BUDGET_OK) return -1;
  if (model_add_dim(fx->m, "功能分类", &d0) != BUDGET_OK || model_add_dim(fx->m, "资金来源", &d1) != BUDGET_OK)
    return -1;
  h = model_dim(fx->m, d0);
  if (hier_add(h, HIER_NONE, "201", "一般公共服务支出", &fx->f201) || hier_add(h, fx->f201, "20101", "人大事务", &fx->f20101) ||
      hier_add(h, fx->f201, "20102", "政协事务", &fx->f20102) ||
      hier_add(h, fx->f201, "20103", "政府办公厅", &fx->f20103) ||
      hier_add(h, HIER_NONE, "206", "科学技术支出", &fx->f206) ||
      hier_add(h, fx->f206, "20601", "科学技术管理事务", &fx->f20601) ||
      hier_add(h, fx->f206, "20602", "基础研究", &fx->f20602) || hier_seal(h))
    return -1;
  h = model_dim(fx->m, d1);
  if (hier_add(h, HIER_NONE, NULL, "财政拨款", &fx->fiscal) || hier_add(h, HIER_NONE, NULL, "事业收入", &fx->business) ||
      hier_seal(h))
    return -1;
  dims[0] = d0;
  dims[1] = d1;
  if (model_add_facts(fx->m, "支出", dims, 2, 100, &set) != BUDGET_OK || set != 0) return -1;
  if (model_add_facts(fx->m, "收入", dims, 1, 1, &set) != BUDGET_OK || set != 1) return -1;
  *state = fx;
  add_cell(fx, 0, fx->f20101, fx->fiscal, 1000000);   /* 10,000.00 */
  add_cell(fx, 0, fx->f20102, fx->fiscal, 2000000);
  add_cell(fx, 0, fx->f20103, fx->fiscal, 3000000);
  add_cell(fx, 0, fx->f20101, fx->business, 500000);
  add_cell(fx, 0, fx->f20601, fx->fiscal, 0);         /* weighs nothing */
  add_cell(fx, 0, fx->f20602, fx->fiscal, 700000);
  add_cell(fx, 0, fx->f20602, fx->business, -10000);  /* below zero: weighs nothing */
  add_cell(fx, 1, fx->f20101, 0, 333);
  add_cell(fx, 1, fx->f20102, 0, 333);
  add_cell(fx, 1, fx->f20601, 0, 334);
  return 0;
}

static int teardown(void **state) {
  fixture *fx = *state;
  model_free(fx->m);
  test_free(fx);
  return 0;
}

static size_t cells_of(const fixture *fx, size_t set) {
  return facts_count(model_facts(fx->m, set));
}

/* Every cell's amount in s, set by set, into snap (room for 64 cells in all). */
static void snapshot(const fixture *fx, const scenario *s, money *snap, bool *held) {
  size_t set, c, k = 0;
  for (set = 0; set < NSETS; set++)
    for (c = 0; c < cells_of(fx, set); c++, k++) {
      assert_true(k < 64);
      snap[k] = scenario_amount(s, set, c);
      if (held) held[k] = scenario_held(s, set, c);
    }
}

static void assert_same(const fixture *fx, const scenario *s, const money *snap, const bool *held) {
  money now[64];
  bool nheld[64];
  size_t set, c, k = 0;
  snapshot(fx, s, now, nheld);
  for (set = 0; set < NSETS; set++)
    for (c = 0; c < cells_of(fx, set); c++, k++) {
      assert_int_equal(now[k], snap[k]);
      if (held) assert_int_equal(nheld[k], held[k]);
    }
}

/* The total of a selection in s, summed here cell by cell. */
static money brute_total(const fixture *fx, const scenario *s, size_t set, const hier_id *sel) {
  const facts *f = model_facts(fx->m, set);
  money t = 0;
  size_t c;
  for (c = 0; c < facts_count(f); c++)
    if (facts_selected(f, c, sel)) t += scenario_amount(s, set, c);
  return t;
}

/*
** What each cell of the set should become when 'delta' is spread over the
** selection's cells not held: shares of |delta| in grains in proportion to
** the positive amounts, floored, the grains left over one each to the largest
** remainders, ties to the earlier cell; then the sign. Returns false when
** nothing weighs anything.
*/
static bool expected_spread(const fixture *fx, const scenario *s, size_t set, const hier_id *sel, money delta,
                            money *after) {
  const facts *f = model_facts(fx->m, set);
  size_t n = facts_count(f), c, k;
  money grain = facts_grain(f), units = (delta < 0 ? -delta : delta) / grain, given = 0;
  money_wide wsum = 0, rem[64];
  int64_t w[64];
  bool in[64];
  assert_true(n <= 64);
  for (c = 0; c < n; c++) {
    money a = scenario_amount(s, set, c);
    after[c] = a;
    in[c] = facts_selected(f, c, sel) && !scenario_held(s, set, c);
    w[c] = in[c] && a > 0 ? a : 0;
    wsum += w[c];
  }
  if (wsum == 0) return false;
  for (c = 0; c < n; c++) {
    money_wide p = (money_wide)units * w[c];
    money share = (money)(p / wsum);
    rem[c] = p % wsum;
    given += share;
    after[c] += (delta < 0 ? -share : share) * grain;
  }
  for (k = 0; given < units; k++, given++) {
    size_t best = n;
    for (c = 0; c < n; c++)
      if (w[c] > 0 && rem[c] >= 0 && (best == n || rem[c] > rem[best])) best = c;
    assert_true(best < n);
    after[best] += (delta < 0 ? -1 : 1) * grain;
    rem[best] = -1;  /* one grain each */
  }
  return true;
}

static void sel2(hier_id *sel, hier_id a, hier_id b) {
  size_t d;
  for (d = 0; d < FACTS_MAX_DIMS; d++) sel[d] = HIER_NONE;
  sel[0] = a;
  sel[1] = b;
}

/* A new scenario has the base's amounts; a copy has the scenario's and then goes its own way. */
static void test_scenario_new_copy_free(void **state) {
  fixture *fx = *state;
  scenario *s, *c;
  hier_id sel[FACTS_MAX_DIMS];
  money snap[64], total, before;
  bool held[64];
  size_t set, cell;
  assert_int_equal(scenario_new(mem_default(), fx->m, &s), BUDGET_OK);
  assert_ptr_equal(scenario_base(s), fx->m);
  for (set = 0; set < NSETS; set++)
    for (cell = 0; cell < cells_of(fx, set); cell++) {
      assert_int_equal(scenario_amount(s, set, cell), facts_amount(model_facts(fx->m, set), cell));
      assert_false(scenario_changed(s, set, cell));
      assert_false(scenario_held(s, set, cell));
    }
  sel2(sel, fx->f201, HIER_NONE);
  assert_int_equal(scenario_total(s, 0, sel, &before), BUDGET_OK);
  assert_int_equal(scenario_add(s, 0, sel, 120000), BUDGET_OK);
  assert_int_equal(scenario_hold(s, 0, sel, true, NULL), BUDGET_OK);
  snapshot(fx, s, snap, held);
  assert_int_equal(scenario_copy(s, &c), BUDGET_OK);
  assert_same(fx, c, snap, held);
  /* the copy changes apart from s, and s apart from the copy */
  sel2(sel, fx->f206, HIER_NONE);
  assert_int_equal(scenario_add(c, 0, sel, 70000), BUDGET_OK);
  assert_same(fx, s, snap, held);
  assert_int_equal(scenario_total(c, 0, sel, &total), BUDGET_OK);
  assert_int_equal(total, brute_total(fx, s, 0, sel) + 70000);
  scenario_free(s);
  assert_int_equal(scenario_total(c, 0, NULL, &total), BUDGET_OK);
  assert_int_equal(total, brute_total(fx, c, 0, NULL));
  scenario_free(c);
  scenario_free(NULL);
  /* and the base never moved */
  assert_int_equal(facts_total(model_facts(fx->m, 0), NULL, &total), BUDGET_OK);
  assert_int_equal(total, 1000000 + 2000000 + 3000000 + 500000 + 0 + 700000 - 10000);
}

/* scenario_add moves the total by exactly delta, each cell by its largest-remainder share. */
static void test_scenario_add_spread(void **state) {
  fixture *fx = *state;
  scenario *s;
  hier_id sel[FACTS_MAX_DIMS];
  static const money deltas[] = {100, -100, 12300, 9900, -777700, 1000000, 300, 200, -200};
  money after[64], before, total;
  size_t i, c;
  assert_int_equal(scenario_new(mem_default(), fx->m, &s), BUDGET_OK);
  for (i = 0; i < sizeof deltas / sizeof deltas[0]; i++) {
    hier_id which = i % 3 == 0 ? fx->f201 : i % 3 == 1 ? HIER_NONE : fx->f206;
    sel2(sel, which, i % 2 ? HIER_NONE : fx->fiscal);
    before = brute_total(fx, s, 0, sel);
    assert_true(expected_spread(fx, s, 0, sel, deltas[i], after));
    assert_int_equal(scenario_add(s, 0, sel, deltas[i]), BUDGET_OK);
    assert_int_equal(scenario_total(s, 0, sel, &total), BUDGET_OK);
    assert_int_equal(total, before + deltas[i]);
    assert_int_equal(brute_total(fx, s, 0, sel), before + deltas[i]);
    for (c = 0; c < cells_of(fx, 0); c++) assert_int_equal(scenario_amount(s, 0, c), after[c]);
  }
  /* cells at zero or below never move */
  for (c = 0; c < cells_of(fx, 0); c++)
    if (facts_amount(model_facts(fx->m, 0), c) <= 0) assert_false(scenario_changed(s, 0, c));
  /* set 1 at grain 1: 1 fen over 333, 333, 334 goes to the largest remainder, the 334 */
  assert_true(expected_spread(fx, s, 1, NULL, 1, after));
  assert_int_equal(scenario_add(s, 1, NULL, 1), BUDGET_OK);
  for (c = 0; c < cells_of(fx, 1); c++) assert_int_equal(scenario_amount(s, 1, c), after[c]);
  assert_int_equal(scenario_amount(s, 1, 2), 335);
  /* 2 fen over 333, 333, 335: remainders tie at the first two, so the earlier cell wins */
  assert_true(expected_spread(fx, s, 1, NULL, 2, after));
  assert_int_equal(scenario_add(s, 1, NULL, 2), BUDGET_OK);
  for (c = 0; c < cells_of(fx, 1); c++) assert_int_equal(scenario_amount(s, 1, c), after[c]);
  assert_int_equal(scenario_add(s, 2, NULL, 100), BUDGET_EINVAL);
  scenario_free(s);
}

/* Random moves and holds against the spread computed here. */
static void test_scenario_add_random(void **state) {
  fixture *fx = *state;
  scenario *s;
  hier_id sel[FACTS_MAX_DIMS];
  const hier_id funcs[] = {HIER_NONE, fx->f201, fx->f20101, fx->f20102, fx->f20103, fx->f206, fx->f20602};
  const hier_id srcs[] = {HIER_NONE, fx->fiscal, fx->business};
  money after[64], snap[64], before;
  uint64_t seed = 42;
  int i, moved = 0, refused = 0;
  size_t c;
  assert_int_equal(scenario_new(mem_default(), fx->m, &s), BUDGET_OK);
  for (i = 0; i < 2000; i++) {
    money delta = ((money)prng_below(&seed, 20001) - 10000) * 100;
    budget_status rc;
    bool expect;
    sel2(sel, funcs[prng_below(&seed, 7)], srcs[prng_below(&seed, 3)]);
    if (prng_below(&seed, 8) == 0) {
      hier_id hs[FACTS_MAX_DIMS];
      sel2(hs, funcs[prng_below(&seed, 7)], srcs[prng_below(&seed, 3)]);
      assert_int_equal(scenario_hold(s, 0, hs, prng_below(&seed, 2) == 0, NULL), BUDGET_OK);
    }
    if (delta == 0) continue;
    before = brute_total(fx, s, 0, sel);
    snapshot(fx, s, snap, NULL);
    expect = expected_spread(fx, s, 0, sel, delta, after);
    rc = scenario_add(s, 0, sel, delta);
    if (!expect) {
      assert_int_equal(rc, BUDGET_EZEROWEIGHTS);
      assert_same(fx, s, snap, NULL);
      refused++;
      continue;
    }
    assert_int_equal(rc, BUDGET_OK);
    moved++;
    assert_int_equal(brute_total(fx, s, 0, sel), before + delta);
    for (c = 0; c < cells_of(fx, 0); c++) assert_int_equal(scenario_amount(s, 0, c), after[c]);
  }
  assert_true(moved > 100);
  assert_true(refused > 0);
  scenario_free(s);
}

/* scenario_scale moves by total × (factor − 1) rounded once to the grain; scenario_set to the value. */
static void test_scenario_scale_set(void **state) {
  fixture *fx = *state;
  scenario *s;
  hier_id sel[FACTS_MAX_DIMS];
  money_ctx ctx = {MONEY_ROUND_HALF_AWAY, 0};
  money before, total, delta = 1, want, after[64];
  rate cut;
  size_t c;
  assert_int_equal(scenario_new(mem_default(), fx->m, &s), BUDGET_OK);
  sel2(sel, fx->f201, HIER_NONE);
  /* a cut of 3.33% (factor 9667/10000) */
  assert_int_equal(rate_make(9667, 10000, &cut), BUDGET_OK);
  before = brute_total(fx, s, 0, sel);
  {
    /* before × −333/10000 in grains of 100, half away from zero */
    money_wide num = (money_wide)before * -333, den = (money_wide)10000 * 100, q = num / den, r = num % den;
    if (2 * (r < 0 ? -r : r) >= den) q += num < 0 ? -1 : 1;
    want = (money)q * 100;
  }
  assert_true(want != 0 && want % 100 == 0);
  assert_true(expected_spread(fx, s, 0, sel, want, after));
  assert_int_equal(scenario_scale(s, &ctx, 0, sel, cut, &delta), BUDGET_OK);
  assert_int_equal(delta, want);
  assert_int_equal(scenario_total(s, 0, sel, &total), BUDGET_OK);
  assert_int_equal(total, before + want);
  for (c = 0; c < cells_of(fx, 0); c++) assert_int_equal(scenario_amount(s, 0, c), after[c]);
  /* set: the total becomes the value, and *delta the move */
  sel2(sel, HIER_NONE, fx->fiscal);
  before = brute_total(fx, s, 0, sel);
  assert_int_equal(scenario_set(s, 0, sel, 9999900, &delta), BUDGET_OK);
  assert_int_equal(delta, 9999900 - before);
  assert_int_equal(brute_total(fx, s, 0, sel), 9999900);
  assert_int_equal(scenario_set(s, 0, sel, 9999901, &delta), BUDGET_EGRAIN);
  assert_int_equal(brute_total(fx, s, 0, sel), 9999900);
  assert_int_equal(scenario_set(s, 0, sel, 9999900, NULL), BUDGET_OK);  /* no move */
  assert_int_equal(brute_total(fx, s, 0, sel), 9999900);
  scenario_free(s);
}

/* A hold keeps cells where they are; all held is EZEROWEIGHTS and nothing moves. */
static void test_scenario_hold(void **state) {
  fixture *fx = *state;
  scenario *s;
  hier_id sel[FACTS_MAX_DIMS], part[FACTS_MAX_DIMS];
  money snap[64], after[64], before;
  bool held[64];
  size_t count = 0, c, want = 0;
  const facts *f = model_facts(fx->m, 0);
  assert_int_equal(scenario_new(mem_default(), fx->m, &s), BUDGET_OK);
  assert_int_equal(scenario_hold(s, 0, NULL, false, &count), BUDGET_OK);  /* nothing to release */
  assert_int_equal(count, 0);
  sel2(part, fx->f201, fx->fiscal);
  for (c = 0; c < facts_count(f); c++) want += facts_selected(f, c, part);
  assert_int_equal(scenario_hold(s, 0, part, true, &count), BUDGET_OK);
  assert_int_equal(count, want);
  for (c = 0; c < facts_count(f); c++) assert_int_equal(scenario_held(s, 0, c), facts_selected(f, c, part));
  /* a move of 201 falls on its one cell not held */
  sel2(sel, fx->f201, HIER_NONE);
  before = brute_total(fx, s, 0, sel);
  assert_true(expected_spread(fx, s, 0, sel, 123400, after));
  assert_int_equal(scenario_add(s, 0, sel, 123400), BUDGET_OK);
  assert_int_equal(brute_total(fx, s, 0, sel), before + 123400);
  for (c = 0; c < facts_count(f); c++) {
    assert_int_equal(scenario_amount(s, 0, c), after[c]);
    if (facts_selected(f, c, part)) assert_false(scenario_changed(s, 0, c));
  }
  /* a scale counts the held in the total but moves only the others */
  {
    money_ctx ctx = {MONEY_ROUND_HALF_AWAY, 0};
    rate half;
    money moved = 0, want_move, t = brute_total(fx, s, 0, sel);
    assert_int_equal(rate_make(1, 2, &half), BUDGET_OK);
    want_move = -(t / 2 / 100) * 100 - ((t / 2) % 100 >= 50 ? 100 : 0);  /* t > 0: −t/2 to 100 fen, half away */
    assert_true(expected_spread(fx, s, 0, sel, want_move, after));
    assert_int_equal(scenario_scale(s, &ctx, 0, sel, half, &moved), BUDGET_OK);
    assert_int_equal(moved, want_move);
    assert_int_equal(brute_total(fx, s, 0, sel), t + want_move);
    for (c = 0; c < facts_count(f); c++) {
      assert_int_equal(scenario_amount(s, 0, c), after[c]);
      if (facts_selected(f, c, part)) assert_false(scenario_changed(s, 0, c));
    }
  }
  /* everything in 201 held: EZEROWEIGHTS, and nothing moves */
  assert_int_equal(scenario_hold(s, 0, sel, true, &count), BUDGET_OK);
  snapshot(fx, s, snap, held);
  assert_int_equal(scenario_add(s, 0, sel, 100), BUDGET_EZEROWEIGHTS);
  assert_int_equal(scenario_set(s, 0, sel, 0, NULL), BUDGET_EZEROWEIGHTS);
  assert_same(fx, s, snap, held);
  /* 206 科学技术管理事务 has only a cell at zero: nothing to spread over either */
  sel2(sel, fx->f20601, HIER_NONE);
  assert_int_equal(scenario_add(s, 0, sel, 100), BUDGET_EZEROWEIGHTS);
  assert_same(fx, s, snap, held);
  /* released, 201 moves again */
  sel2(sel, fx->f201, HIER_NONE);
  assert_int_equal(scenario_hold(s, 0, sel, false, &count), BUDGET_OK);
  for (c = 0; c < facts_count(f); c++) assert_false(scenario_held(s, 0, c));
  assert_int_equal(scenario_add(s, 0, sel, 100), BUDGET_OK);
  assert_int_equal(scenario_hold(s, 5, sel, true, &count), BUDGET_EINVAL);
  scenario_free(s);
}

/* A delta off the grain is EGRAIN, and nothing moves. */
static void test_scenario_grain(void **state) {
  fixture *fx = *state;
  scenario *s;
  money snap[64];
  bool held[64];
  hier_id sel[FACTS_MAX_DIMS];
  assert_int_equal(scenario_new(mem_default(), fx->m, &s), BUDGET_OK);
  snapshot(fx, s, snap, held);
  sel2(sel, fx->f201, HIER_NONE);
  assert_int_equal(scenario_add(s, 0, sel, 150), BUDGET_EGRAIN);
  assert_int_equal(scenario_add(s, 0, NULL, -1), BUDGET_EGRAIN);
  assert_int_equal(scenario_transfer(s, 0, sel, 1, NULL, 50), BUDGET_EGRAIN);  /* 50 fen leaves grain-100 set 0 */
  assert_int_equal(scenario_put(s, 0, 0, 1000001, false), BUDGET_EGRAIN);
  assert_same(fx, s, snap, held);
  assert_int_equal(scenario_add(s, 1, NULL, 7), BUDGET_OK);  /* set 1 is at grain 1 */
  scenario_free(s);
}

/* A transfer takes from one selection and gives to the other, both or neither. */
static void test_scenario_transfer(void **state) {
  fixture *fx = *state;
  scenario *s;
  hier_id from[FACTS_MAX_DIMS], to[FACTS_MAX_DIMS];
  money snap[64], f0, t0, other0, after_out[64];
  bool held[64];
  size_t c;
  assert_int_equal(scenario_new(mem_default(), fx->m, &s), BUDGET_OK);
  sel2(from, fx->f201, HIER_NONE);
  sel2(to, fx->f206, HIER_NONE);
  f0 = brute_total(fx, s, 0, from);
  t0 = brute_total(fx, s, 0, to);
  other0 = brute_total(fx, s, 1, NULL);
  assert_true(expected_spread(fx, s, 0, from, -250000, after_out));
  assert_int_equal(scenario_transfer(s, 0, from, 0, to, 250000), BUDGET_OK);
  assert_int_equal(brute_total(fx, s, 0, from), f0 - 250000);
  assert_int_equal(brute_total(fx, s, 0, to), t0 + 250000);
  assert_int_equal(brute_total(fx, s, 0, NULL), f0 + t0);
  assert_int_equal(brute_total(fx, s, 1, NULL), other0);
  for (c = 0; c < cells_of(fx, 0); c++)
    if (facts_selected(model_facts(fx->m, 0), c, from)) assert_int_equal(scenario_amount(s, 0, c), after_out[c]);
  /* across sets: set 0 to set 1 */
  f0 = brute_total(fx, s, 0, NULL);
  assert_int_equal(scenario_transfer(s, 0, NULL, 1, NULL, 1000), BUDGET_OK);
  assert_int_equal(brute_total(fx, s, 0, NULL), f0 - 1000);
  assert_int_equal(brute_total(fx, s, 1, NULL), other0 + 1000);
  /* the receiving side all held: the taking out is undone */
  assert_int_equal(scenario_hold(s, 0, to, true, NULL), BUDGET_OK);
  snapshot(fx, s, snap, held);
  assert_int_equal(scenario_transfer(s, 0, from, 0, to, 10000), BUDGET_EZEROWEIGHTS);
  assert_same(fx, s, snap, held);
  /* the taking side all held */
  assert_int_equal(scenario_transfer(s, 0, to, 0, from, 10000), BUDGET_EZEROWEIGHTS);
  assert_same(fx, s, snap, held);
  /* the receiving side off the grain: 1 fen goes into set 1 but must leave set 0 in whole grains */
  assert_int_equal(scenario_transfer(s, 1, NULL, 0, from, 1), BUDGET_EGRAIN);
  assert_same(fx, s, snap, held);
  assert_int_equal(scenario_transfer(s, 0, from, 7, to, 100), BUDGET_EINVAL);
  assert_same(fx, s, snap, held);
  scenario_free(s);
}

/* scenario_put writes a cell's amount and hold as they are. */
static void test_scenario_put(void **state) {
  fixture *fx = *state;
  scenario *s;
  money snap[64];
  bool held[64];
  const facts *f = model_facts(fx->m, 0);
  size_t c;
  assert_int_equal(scenario_new(mem_default(), fx->m, &s), BUDGET_OK);
  assert_int_equal(scenario_put(s, 0, 2, 4242400, true), BUDGET_OK);
  assert_int_equal(scenario_amount(s, 0, 2), 4242400);
  assert_true(scenario_held(s, 0, 2));
  assert_true(scenario_changed(s, 0, 2));
  for (c = 0; c < facts_count(f); c++)
    if (c != 2) {
      assert_int_equal(scenario_amount(s, 0, c), facts_amount(f, c));
      assert_false(scenario_held(s, 0, c));
    }
  /* back to the base's amount and released: no longer changed */
  assert_int_equal(scenario_put(s, 0, 2, facts_amount(f, 2), false), BUDGET_OK);
  assert_false(scenario_changed(s, 0, 2));
  assert_false(scenario_held(s, 0, 2));
  assert_int_equal(scenario_put(s, 1, 0, 1, false), BUDGET_OK);  /* grain 1 */
  assert_int_equal(scenario_amount(s, 1, 0), 1);
  snapshot(fx, s, snap, held);
  assert_int_equal(scenario_put(s, 0, 2, 4242401, true), BUDGET_EGRAIN);
  assert_int_equal(scenario_put(s, 0, cells_of(fx, 0), 100, false), BUDGET_EINVAL);
  assert_int_equal(scenario_put(s, NSETS, 0, 100, false), BUDGET_EINVAL);
  assert_same(fx, s, snap, held);
  scenario_free(s);
}

/* Each step's entries, set by set, sum to what the step moved; each entry is its cell's change. */
/* 'once': each cell changed by one operation at most, so one entry a changed cell. */
static void assert_step(const fixture *fx, const scenario *s, size_t step, const money *was, const money *now,
                        bool once) {
  size_t n, i, set, c, k = 0;
  const scenario_entry *e = scenario_step_entries(s, step, &n);
  money sum[NSETS] = {0}, moved[NSETS] = {0}, per[64] = {0};
  size_t changed = 0;
  for (set = 0; set < NSETS; set++)
    for (c = 0; c < cells_of(fx, set); c++, k++) {
      moved[set] += now[k] - was[k];
      changed += now[k] != was[k];
    }
  if (once) assert_int_equal(n, changed);
  else assert_true(n >= changed);
  for (i = 0; i < n; i++) {
    size_t off = e[i].set == 0 ? 0 : cells_of(fx, 0);
    assert_true(e[i].set < NSETS);
    assert_true(e[i].cell < cells_of(fx, e[i].set));
    assert_true(e[i].delta != 0);
    sum[e[i].set] += e[i].delta;
    per[off + e[i].cell] += e[i].delta;
  }
  for (set = 0; set < NSETS; set++) assert_int_equal(sum[set], moved[set]);
  for (k = 0; k < cells_of(fx, 0) + cells_of(fx, 1); k++) assert_int_equal(per[k], now[k] - was[k]);
}

static void test_scenario_journal(void **state) {
  fixture *fx = *state;
  scenario *s, *c;
  hier_id a[FACTS_MAX_DIMS], b[FACTS_MAX_DIMS];
  money was[64], now[64];
  money_ctx ctx = {MONEY_ROUND_HALF_AWAY, 0};
  rate up;
  size_t step = 0, n = 99;
  assert_int_equal(scenario_new(mem_default(), fx->m, &s), BUDGET_OK);
  assert_int_equal(scenario_steps(s), 0);
  assert_null(scenario_step_entries(s, 1, &n));
  assert_int_equal(n, 0);
  /* off: nothing recorded */
  sel2(a, fx->f201, HIER_NONE);
  sel2(b, fx->f206, HIER_NONE);
  assert_int_equal(scenario_add(s, 0, a, 30000), BUDGET_OK);
  assert_int_equal(scenario_mark(s, &step), BUDGET_OK);
  assert_int_equal(step, 1);
  scenario_step_entries(s, 1, &n);
  assert_int_equal(n, 0);
  scenario_journal(s, true);
  /* step 2: an add */
  snapshot(fx, s, was, NULL);
  assert_int_equal(scenario_add(s, 0, a, -123400), BUDGET_OK);
  assert_int_equal(scenario_mark(s, &step), BUDGET_OK);
  assert_int_equal(step, 2);
  snapshot(fx, s, now, NULL);
  assert_step(fx, s, 2, was, now, true);
  scenario_step_entries(s, 2, &n);
  assert_true(n >= 2);
  /* step 3: a transfer across sets, a scale and a put */
  memcpy(was, now, sizeof was);
  assert_int_equal(rate_make(11, 10, &up), BUDGET_OK);
  assert_int_equal(scenario_transfer(s, 0, a, 1, NULL, 5000), BUDGET_OK);
  assert_int_equal(scenario_scale(s, &ctx, 0, b, up, NULL), BUDGET_OK);
  assert_int_equal(scenario_put(s, 1, 1, 7, false), BUDGET_OK);
  assert_int_equal(scenario_mark(s, NULL), BUDGET_OK);
  snapshot(fx, s, now, NULL);
  assert_step(fx, s, 3, was, now, false);
  /* step 4: only operations that fail record nothing */
  memcpy(was, now, sizeof was);
  assert_int_equal(scenario_hold(s, 0, b, true, NULL), BUDGET_OK);
  assert_int_equal(scenario_add(s, 0, b, 100), BUDGET_EZEROWEIGHTS);
  assert_int_equal(scenario_add(s, 0, a, 101), BUDGET_EGRAIN);
  assert_int_equal(scenario_transfer(s, 0, a, 0, b, 100), BUDGET_EZEROWEIGHTS);  /* the taking out is undone */
  assert_int_equal(scenario_put(s, 0, 0, 1, false), BUDGET_EGRAIN);
  assert_int_equal(scenario_mark(s, &step), BUDGET_OK);
  assert_int_equal(step, 4);
  scenario_step_entries(s, 4, &n);
  assert_int_equal(n, 0);
  snapshot(fx, s, now, NULL);
  assert_step(fx, s, 4, was, now, true);
  /* the steps before are as they were */
  assert_int_equal(scenario_steps(s), 4);
  scenario_step_entries(s, 1, &n);
  assert_int_equal(n, 0);
  assert_null(scenario_step_entries(s, 5, &n));
  assert_int_equal(n, 0);
  assert_null(scenario_step_entries(s, 0, &n));
  /* a copy starts with an empty journal, and off */
  assert_int_equal(scenario_copy(s, &c), BUDGET_OK);
  assert_int_equal(scenario_steps(c), 0);
  assert_int_equal(scenario_add(c, 0, a, 100), BUDGET_OK);
  assert_int_equal(scenario_mark(c, &step), BUDGET_OK);
  assert_int_equal(step, 1);
  scenario_step_entries(c, 1, &n);
  assert_int_equal(n, 0);
  scenario_free(c);
  /* stopped: what is recorded stays, nothing more is */
  scenario_journal(s, false);
  assert_int_equal(scenario_add(s, 0, a, 100), BUDGET_OK);
  assert_int_equal(scenario_mark(s, &step), BUDGET_OK);
  assert_int_equal(step, 5);
  scenario_step_entries(s, 5, &n);
  assert_int_equal(n, 0);
  scenario_step_entries(s, 3, &n);
  assert_true(n > 0);
  scenario_free(s);
}

/* A journal entry's delta is the cell's change even after many steps; random steps. */
static void test_scenario_journal_random(void **state) {
  fixture *fx = *state;
  scenario *s;
  hier_id sel[FACTS_MAX_DIMS];
  const hier_id funcs[] = {HIER_NONE, fx->f201, fx->f20101, fx->f206, fx->f20602};
  money was[64], now[64];
  uint64_t seed = 7;
  size_t i, step;
  assert_int_equal(scenario_new(mem_default(), fx->m, &s), BUDGET_OK);
  scenario_journal(s, true);
  for (i = 0; i < 200; i++) {
    int ops = (int)prng_below(&seed, 4), k;
    snapshot(fx, s, was, NULL);
    for (k = 0; k < ops; k++) {
      money d = ((money)prng_below(&seed, 2001) - 1000) * 100;
      budget_status rc;
      sel2(sel, funcs[prng_below(&seed, 5)], HIER_NONE);
      rc = prng_below(&seed, 3) == 0 ? scenario_transfer(s, 0, sel, 1, NULL, d < 0 ? -d : d)
                                     : scenario_add(s, 0, sel, d);
      assert_true(rc == BUDGET_OK || rc == BUDGET_EZEROWEIGHTS);
    }
    assert_int_equal(scenario_mark(s, &step), BUDGET_OK);
    assert_int_equal(step, i + 1);
    snapshot(fx, s, now, NULL);
    /* several operations may touch a cell twice: compare the per-cell sums */
    {
      size_t n, j, set, c, off;
      const scenario_entry *e = scenario_step_entries(s, step, &n);
      money per[64] = {0};
      for (j = 0; j < n; j++) {
        off = e[j].set == 0 ? 0 : cells_of(fx, 0);
        per[off + e[j].cell] += e[j].delta;
      }
      for (set = 0, off = 0; set < NSETS; off += cells_of(fx, set), set++)
        for (c = 0; c < cells_of(fx, set); c++) assert_int_equal(per[off + c], now[off + c] - was[off + c]);
    }
  }
  assert_int_equal(scenario_steps(s), 200);
  scenario_free(s);
}

/* Every operation with the n-th allocation failing: ENOMEM changes nothing, records nothing, leaks nothing. */
static void test_scenario_out_of_memory(void **state) {
  fixture *fx = *state;
  long n;
  int done = 0;
  for (n = 1; !done; n++) {
    failing fl = {n, 0, 0};
    mem_allocator A = failing_allocator(&fl);
    scenario *s = NULL, *c = NULL;
    hier_id a[FACTS_MAX_DIMS], b[FACTS_MAX_DIMS];
    money snap[64];
    bool held[64];
    size_t steps, cnt;
    budget_status rc = scenario_new(&A, fx->m, &s);
    sel2(a, fx->f201, HIER_NONE);
    sel2(b, fx->f206, HIER_NONE);
    if (rc == BUDGET_OK) {
      scenario_journal(s, true);
#define STEP(call)                                   \
  if (rc == BUDGET_OK) {                             \
    snapshot(fx, s, snap, held);                     \
    steps = scenario_steps(s);                       \
    rc = (call);                                     \
    if (rc != BUDGET_OK) {                           \
      assert_int_equal(rc, BUDGET_ENOMEM);           \
      assert_same(fx, s, snap, held);                \
      assert_int_equal(scenario_steps(s), steps);    \
    }                                                \
  }
      STEP(scenario_add(s, 0, a, 10000))
      STEP(scenario_mark(s, NULL))
      STEP(scenario_hold(s, 0, a, true, &cnt))
      STEP(scenario_transfer(s, 0, NULL, 1, NULL, 500))
      STEP(scenario_put(s, 1, 0, 9, true))
      STEP(scenario_mark(s, NULL))
      STEP(scenario_copy(s, &c))
#undef STEP
      if (rc == BUDGET_OK) {
        size_t k;
        scenario_step_entries(s, 1, &k);
        assert_true(k > 0);
        scenario_step_entries(s, 2, &k);
        assert_true(k > 0);
        done = 1;
      }
    }
    if (!done) assert_int_equal(rc, BUDGET_ENOMEM);
    scenario_free(c);
    scenario_free(s);
    assert_int_equal(fl.live, 0);
  }
  assert_true(n > 5);
}

/* Compiled checks on a tiny plan, the expected verdicts from the totals summed here. */
static void test_scenario_check_all(void **state) {
  fixture *fx = *state;
  scenario *s;
  scenario_term terms[3];
  scenario_check checks[4];
  money base_totals[3], t[3];
  unsigned char failed[4];
  size_t i, d;
  memset(terms, 0, sizeof terms);
  memset(checks, 0, sizeof checks);
  for (i = 0; i < 3; i++)
    for (d = 0; d < FACTS_MAX_DIMS; d++) terms[i].sel[d] = HIER_NONE;
  terms[0].set = 0, terms[0].sel[0] = fx->f201, terms[0].coef = 1;   /* 201 */
  terms[1].set = 0, terms[1].sel[0] = fx->f206, terms[1].coef = 1;   /* 206 */
  terms[2].set = 0, terms[2].coef = 1;                               /* everything */
  assert_int_equal(scenario_base_totals(fx->m, terms, 3, base_totals), BUDGET_OK);
  assert_int_equal(scenario_new(mem_default(), fx->m, &s), BUDGET_OK);
  for (i = 0; i < 3; i++) assert_int_equal(base_totals[i], brute_total(fx, s, 0, terms[i].sel));
  /* 0: 201 + 206 = everything; 1: 201 <= 6,500,000; 2: 206 >= 700,000; 3: 201 − 206 = 201 − 206 at base, to 1 元 */
  checks[0].op = SCENARIO_EQ, checks[0].lfirst = 0, checks[0].lcount = 2, checks[0].rfirst = 2, checks[0].rcount = 1;
  checks[1].op = SCENARIO_LE, checks[1].lfirst = 0, checks[1].lcount = 1, checks[1].rconst = 6500000;
  checks[2].op = SCENARIO_GE, checks[2].lfirst = 1, checks[2].lcount = 1, checks[2].rconst = 700000;
  checks[3].op = SCENARIO_EQ, checks[3].lfirst = 0, checks[3].lcount = 1, checks[3].lconst = -base_totals[1];
  checks[3].rconst = base_totals[0] - base_totals[1];
  for (i = 0; i < 3; i++) {
    hier_id sel[FACTS_MAX_DIMS];
    money d201 = i == 0 ? 0 : i == 1 ? 300 : -200000;
    sel2(sel, fx->f201, HIER_NONE);
    if (d201) assert_int_equal(scenario_add(s, 0, sel, d201), BUDGET_OK);
    memset(failed, 7, sizeof failed);
    assert_int_equal(scenario_check_all(s, checks, 4, terms, 3, base_totals, failed), BUDGET_OK);
    for (d = 0; d < 3; d++) t[d] = brute_total(fx, s, 0, terms[d].sel);
    assert_int_equal(failed[0], !(t[0] + t[1] == t[2]));
    assert_int_equal(failed[1], !(t[0] <= 6500000));
    assert_int_equal(failed[2], !(t[1] >= 700000));
    assert_int_equal(failed[3], !(t[0] - base_totals[1] == base_totals[0] - base_totals[1]));
  }
  /* the last round changed 201, so check 3 fails, and 201 fell to 6,300,300: check 1 holds */
  assert_int_equal(failed[3], 1);
  /* rounding to a grain: 201 off by 3 元 fails at 1 元; off by 1 元, both round to the same 10 元 */
  checks[3].grain = 100;
  checks[3].lconst = 0;
  checks[3].rconst = t[0] + 300;
  assert_int_equal(scenario_check_all(s, checks, 4, terms, 3, base_totals, failed), BUDGET_OK);
  assert_int_equal(failed[3], 1);
  checks[3].grain = 1000;
  checks[3].rconst = t[0] + 100;
  assert_int_equal(scenario_check_all(s, checks, 4, terms, 3, base_totals, failed), BUDGET_OK);
  assert_int_equal(failed[3], ((t[0] + 500) / 1000) != ((t[0] + 100 + 500) / 1000));
  assert_int_equal(failed[3], 0);
  /* out of range */
  checks[0].rfirst = 3;
  assert_int_equal(scenario_check_all(s, checks, 1, terms, 3, base_totals, failed), BUDGET_EINVAL);
  terms[2].set = 9;
  assert_int_equal(scenario_base_totals(fx->m, terms, 3, base_totals), BUDGET_EINVAL);
  assert_int_equal(scenario_check_all(s, checks, 1, terms, 3, base_totals, failed), BUDGET_EINVAL);
  assert_true(scenario_any_negative(s));  /* the base has a cell at −100.00 */
  for (i = 0; i < cells_of(fx, 0); i++)
    if (scenario_amount(s, 0, i) < 0) assert_int_equal(scenario_put(s, 0, i, 0, false), BUDGET_OK);
  assert_false(scenario_any_negative(s));
  scenario_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_scenario_new_copy_free),
    cmocka_unit_test(test_scenario_add_spread),
    cmocka_unit_test(test_scenario_add_random),
    cmocka_unit_test(test_scenario_scale_set),
    cmocka_unit_test(test_scenario_hold),
    cmocka_unit_test(test_scenario_grain),
    cmocka_unit_test(test_scenario_transfer),
    cmocka_unit_test(test_scenario_put),
    cmocka_unit_test(test_scenario_journal),
    cmocka_unit_test(test_scenario_journal_random),
    cmocka_unit_test(test_scenario_out_of_memory),
    cmocka_unit_test(test_scenario_check_all),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
