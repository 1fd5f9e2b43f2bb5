/*
** tests/core/test_allocate.c
** Allocation: parts add up exactly, by largest remainder at a grain, with
** the edge cases defined in money.h, and a property test over 10,000 cases.
** See LICENSE for copyright and license.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/money.h"
#include "testutil.h"

__extension__ typedef __int128 i128;

#define N_MAX 64

static budget_status alloc(money amount, const int64_t *w, size_t n, money grain, unsigned flags, money *parts) {
  return money_allocate(mem_default(), amount, w, n, grain, flags, parts);
}

/* Worked examples: floors, then the leftover grains to the largest remainders, ties to the earlier cell. */
static void test_allocate_examples(void **state) {
  static const struct {
    money amount, grain;
    int64_t w[4];
    size_t n;
    money want[4];
  } cases[] = {
    {100, 1, {1, 1, 1}, 3, {34, 33, 33}},
    {2, 1, {1, 1, 1}, 3, {1, 1, 0}},               /* ties go to the earlier cells */
    {-100, 1, {1, 1, 1}, 3, {-34, -33, -33}},      /* a cut mirrors an increase */
    {300, 100, {1, 1}, 2, {200, 100}},             /* whole yuan */
    {1000, 1, {3, 0, 7}, 3, {300, 0, 700}},        /* a zero weight gets nothing */
    {10, 1, {1, 2, 3, 4}, 4, {1, 2, 3, 4}},
    {11, 1, {1, 2, 3, 4}, 4, {1, 2, 3, 5}},        /* remainders .1 .2 .3 .4: the largest wins */
    {7, 1, {5, 5, 1, 0}, 4, {3, 3, 1, 0}},         /* 3.18 3.18 .64: .64 is the largest remainder */
    {0, 1, {1, 2}, 2, {0, 0}},
    {INT64_MIN, 1, {1}, 1, {INT64_MIN}},
    {INT64_MAX, 1, {INT64_MAX, INT64_MAX}, 2, {INT64_MAX / 2 + 1, INT64_MAX / 2}},
    {INT64_MIN, 1, {1, 1}, 2, {INT64_MIN / 2, INT64_MIN / 2}},
  };
  size_t i, k;
  (void)state;
  for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    money parts[4] = {0};
    assert_int_equal(alloc(cases[i].amount, cases[i].w, cases[i].n, cases[i].grain, 0, parts), BUDGET_OK);
    for (k = 0; k < cases[i].n; k++)
      if (parts[k] != cases[i].want[k])
        fail_msg("case %zu part %zu: got %lld want %lld", i, k, (long long)parts[k], (long long)cases[i].want[k]);
  }
}

/* The errors money.h defines, each leaving the parts untouched. */
static void test_allocate_errors(void **state) {
  int64_t zeros[3] = {0, 0, 0}, neg[2] = {1, -1}, ones[2] = {1, 1};
  money parts[3] = {7, 7, 7};
  (void)state;
  assert_int_equal(alloc(100, zeros, 3, 1, 0, parts), BUDGET_EZEROWEIGHTS);
  assert_int_equal(alloc(100, NULL, 0, 1, MONEY_ALLOC_EQUAL_IF_ZERO, parts), BUDGET_EZEROWEIGHTS);
  assert_int_equal(alloc(100, neg, 2, 1, 0, parts), BUDGET_EINVAL);
  assert_int_equal(alloc(150, ones, 2, 100, 0, parts), BUDGET_EGRAIN);  /* 1.50 元 in whole yuan */
  assert_int_equal(alloc(100, ones, 2, 0, 0, parts), BUDGET_EINVAL);
  assert_int_equal(alloc(100, ones, 2, -100, 0, parts), BUDGET_EINVAL);
  assert_int_equal(parts[0], 7);
  assert_int_equal(parts[1], 7);
  assert_int_equal(parts[2], 7);
  /* all-zero weights split equally only when asked */
  assert_int_equal(alloc(100, zeros, 3, 1, MONEY_ALLOC_EQUAL_IF_ZERO, parts), BUDGET_OK);
  assert_int_equal(parts[0], 34);
  assert_int_equal(parts[1], 33);
  assert_int_equal(parts[2], 33);
}

/* A failed scratch allocation is ENOMEM and writes nothing. */
static void test_allocate_out_of_memory(void **state) {
  failing f = {1, 0, 0};
  mem_allocator A = failing_allocator(&f);
  int64_t w[2] = {1, 2};
  money parts[2] = {5, 5};
  (void)state;
  assert_int_equal(money_allocate(&A, 300, w, 2, 1, 0, parts), BUDGET_ENOMEM);
  assert_int_equal(parts[0], 5);
  assert_int_equal(parts[1], 5);
  assert_int_equal(f.live, 0);
}

/* A random amount of a random magnitude, a multiple of grain. */
static money random_amount(uint64_t *rng, money grain) {
  static const int64_t scales[] = {1, 100, 10000, 1000000, 100000000, 10000000000, 1000000000000000, INT64_MAX};
  int64_t limit = scales[prng_below(rng, sizeof scales / sizeof scales[0])];
  int64_t units = (int64_t)prng_below(rng, (uint64_t)(limit / grain) + 1);
  money m = units * grain;
  return prng_below(rng, 3) == 0 ? -m : m;
}

static money random_grain(uint64_t *rng) {
  static const money grains[] = {1, 1, 1, 100, 100, 10000};
  return prng_below(rng, 4) == 0 ? (money)(1 + prng_below(rng, 5000)) : grains[prng_below(rng, 6)];
}

/*
** For 10,000 random cases (fixed seed): the parts sum exactly to the amount,
** each is within one grain of its exact share and a multiple of the grain,
** and a second run through another allocator gives the same parts.
*/
static void test_allocate_property(void **state) {
  uint64_t rng = 20210101;
  failing other = {0, 0, 0};
  mem_allocator B = failing_allocator(&other);  /* fails nothing; other addresses, same answers */
  int iter;
  (void)state;
  for (iter = 0; iter < 10000; iter++) {
    int64_t w[N_MAX];
    money parts[N_MAX], again[N_MAX], sum = 0;
    size_t n = 1 + (size_t)prng_below(&rng, N_MAX), k;
    money grain = random_grain(&rng), amount = random_amount(&rng, grain);
    i128 total = 0;
    int shape = (int)prng_below(&rng, 4);
    for (k = 0; k < n; k++) {
      switch (shape) {
        case 0: w[k] = (int64_t)prng_below(&rng, 10); break;                 /* small, many ties and zeros */
        case 1: w[k] = (int64_t)prng_below(&rng, 100000000000); break;       /* amounts in fen */
        case 2: w[k] = (int64_t)(prng_next(&rng) >> 1); break;               /* up to INT64_MAX */
        default: w[k] = prng_below(&rng, 3) == 0 ? 0 : 1; break;
      }
      total += w[k];
    }
    if (total == 0) {
      assert_int_equal(alloc(amount, w, n, grain, 0, parts), BUDGET_EZEROWEIGHTS);
      continue;
    }
    assert_int_equal(alloc(amount, w, n, grain, 0, parts), BUDGET_OK);
    assert_int_equal(money_allocate(&B, amount, w, n, grain, 0, again), BUDGET_OK);
    assert_memory_equal(parts, again, n * sizeof parts[0]);
    for (k = 0; k < n; k++) {
      /* |part·W − amount·w| < grain·W, in 128 bits where nothing overflows */
      i128 diff = (i128)parts[k] * total - (i128)amount * w[k];
      if (diff < 0) diff = -diff;
      if (diff >= (i128)grain * total) fail_msg("case %d part %zu is a grain or more off its share", iter, k);
      if (parts[k] % grain != 0) fail_msg("case %d part %zu is not a multiple of the grain", iter, k);
      assert_int_equal(money_add(sum, parts[k], &sum), BUDGET_OK);
    }
    if (sum != amount) fail_msg("case %d: parts sum to %lld, not %lld", iter, (long long)sum, (long long)amount);
  }
  assert_int_equal(other.live, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_allocate_examples),
    cmocka_unit_test(test_allocate_errors),
    cmocka_unit_test(test_allocate_out_of_memory),
    cmocka_unit_test(test_allocate_property),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
