/*
** tests/core/test_money.c
** Money: checked arithmetic at the int64 limits, parsing and its errors,
** formatting, rates, and every rounding mode at its ties.
** See LICENSE for copyright and license.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/money.h"

#define MAX INT64_MAX
#define MIN INT64_MIN

/* Every arithmetic operation reports overflow at the limits and leaves its output alone. */
static void test_money_arith_overflow(void **state) {
  static const struct {
    char op;
    money a, b;
    budget_status rc;
    money want;
  } cases[] = {
    {'+', 0, 0, BUDGET_OK, 0},           {'+', 1, -1, BUDGET_OK, 0},
    {'+', MAX, 0, BUDGET_OK, MAX},       {'+', MAX, 1, BUDGET_EOVERFLOW, 0},
    {'+', MIN, -1, BUDGET_EOVERFLOW, 0}, {'+', MIN, MAX, BUDGET_OK, -1},
    {'+', MAX, MAX, BUDGET_EOVERFLOW, 0}, {'+', MIN, MIN, BUDGET_EOVERFLOW, 0},
    {'-', 0, 1, BUDGET_OK, -1},          {'-', MIN, 1, BUDGET_EOVERFLOW, 0},
    {'-', MAX, -1, BUDGET_EOVERFLOW, 0}, {'-', 0, MIN, BUDGET_EOVERFLOW, 0},
    {'-', -1, MIN, BUDGET_OK, MAX},      {'-', MIN, MIN, BUDGET_OK, 0},
    {'*', MAX, 1, BUDGET_OK, MAX},       {'*', MAX, 2, BUDGET_EOVERFLOW, 0},
    {'*', MIN, -1, BUDGET_EOVERFLOW, 0}, {'*', MIN, 1, BUDGET_OK, MIN},
    {'*', -1, MAX, BUDGET_OK, -MAX},     {'*', 0, MIN, BUDGET_OK, 0},
    {'*', 4611686018427387904, 2, BUDGET_EOVERFLOW, 0},
    {'*', -4611686018427387904, 2, BUDGET_OK, MIN},
  };
  size_t i;
  (void)state;
  for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    money out = 12345;
    budget_status rc = cases[i].op == '+'   ? money_add(cases[i].a, cases[i].b, &out)
                       : cases[i].op == '-' ? money_sub(cases[i].a, cases[i].b, &out)
                                            : money_mul_int(cases[i].a, cases[i].b, &out);
    assert_int_equal(rc, cases[i].rc);
    assert_int_equal(out, rc == BUDGET_OK ? cases[i].want : 12345);
  }
}

/* Negation fails only for INT64_MIN; a sum fails on the first partial sum that overflows. */
static void test_money_neg_and_sum_overflow(void **state) {
  money out = 7;
  money ok[] = {MAX, MIN, 1};
  money bad[] = {MAX, 1, -2};  /* the total fits, but MAX + 1 does not */
  (void)state;
  assert_int_equal(money_neg(MIN, &out), BUDGET_EOVERFLOW);
  assert_int_equal(out, 7);
  assert_int_equal(money_neg(MAX, &out), BUDGET_OK);
  assert_int_equal(out, -MAX);
  assert_int_equal(money_neg(0, &out), BUDGET_OK);
  assert_int_equal(out, 0);
  assert_int_equal(money_sum(ok, 3, &out), BUDGET_OK);
  assert_int_equal(out, 0);
  out = 7;
  assert_int_equal(money_sum(bad, 3, &out), BUDGET_EOVERFLOW);
  assert_int_equal(out, 7);
  assert_int_equal(money_sum(NULL, 0, &out), BUDGET_OK);
  assert_int_equal(out, 0);
}

/* Every form DESIGN.md lists parses to the right count of fen. */
static void test_money_parse_forms(void **state) {
  static const struct {
    const char *text;
    money fen;
  } cases[] = {
    {"1,234.56", 123456},
    {"1234.56元", 123456},
    {"52.50万元", 52500000},
    {"10万", 10000000},
    {"1.2亿", 12000000000},
    {"1.2亿元", 12000000000},
    {"-3,457,490.90", -345749090},
    {"0", 0},
    {"-0", 0},
    {"+5", 500},
    {"0.01", 1},
    {"0.1", 10},
    {"99,544,700", 9954470000},
    {"3376.99万元", 3376990000},
    {"0万元", 0},
    {"1.000001万", 1000001},
    {"0.0000000001亿", 1},
    {"92,233,720,368,547,758.07", MAX},
    {"-92233720368547758.08", MIN},
    {"9223372036854.775807万元", MAX},
    {"２０万", 20000000},            /* a Chinese input method's full-width digits: NFKC */
    {"１，２３４．５６", 123456},
  };
  size_t i;
  (void)state;
  for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    money m = -1;
    text_error err;
    budget_status rc = money_parse(cases[i].text, strlen(cases[i].text), &m, &err);
    if (rc != BUDGET_OK) fail_msg("'%s': %s at %zu", cases[i].text, err.expected, err.column);
    assert_int_equal(m, cases[i].fen);
  }
}

/* Malformed amounts fail at the right character, saying what was expected there. */
static void test_money_parse_errors(void **state) {
  static const struct {
    const char *text;
    budget_status rc;
    size_t column;
    const char *expected;  /* a part of the message */
  } cases[] = {
    {"", BUDGET_ESYNTAX, 1, "a digit"},
    {"-", BUDGET_ESYNTAX, 2, "a digit"},
    {".5", BUDGET_ESYNTAX, 1, "a digit"},
    {"5.", BUDGET_ESYNTAX, 3, "a digit after '.'"},
    {"1,23", BUDGET_ESYNTAX, 5, "3 digits after ','"},
    {"1,2345", BUDGET_ESYNTAX, 6, "',' or '.' after a group of 3"},
    {"1234,567", BUDGET_ESYNTAX, 5, "',' after 1 to 3 digits"},
    {"1,234,56", BUDGET_ESYNTAX, 9, "3 digits after ','"},
    {"1,,234", BUDGET_ESYNTAX, 3, "3 digits after ','"},
    {"1,", BUDGET_ESYNTAX, 3, "3 digits after ','"},
    {"1.234", BUDGET_ESYNTAX, 5, "at most 2 decimals"},
    {"1.0000001万", BUDGET_ESYNTAX, 9, "at most 6 decimals"},
    {"1.00000000001亿元", BUDGET_ESYNTAX, 13, "at most 10 decimals"},
    {"12a", BUDGET_ESYNTAX, 3, "a unit"},
    {"1 000", BUDGET_ESYNTAX, 2, "a unit"},
    {" 1", BUDGET_ESYNTAX, 1, "a digit"},
    {"1.2.3", BUDGET_ESYNTAX, 4, "a unit"},
    {"--1", BUDGET_ESYNTAX, 2, "a digit"},
    {"10万元x", BUDGET_ESYNTAX, 5, "the end of the amount after its unit"},
    {"10万万", BUDGET_ESYNTAX, 4, "the end of the amount after its unit"},
    {"10元万", BUDGET_ESYNTAX, 4, "the end of the amount after its unit"},
    {"1.5,000", BUDGET_ESYNTAX, 4, "no separators after '.'"},
    {"１００ｘ", BUDGET_ESYNTAX, 4, "a unit"},  /* full-width, read as NFKC: '100x', at the same character */
    {"92233720368547758.08", BUDGET_EOVERFLOW, 1, "within"},
    {"-92233720368547758.09", BUDGET_EOVERFLOW, 1, "within"},
    {"9223372036854.775808万元", BUDGET_EOVERFLOW, 1, "within"},
    {"922337203685.4775807万元", BUDGET_ESYNTAX, 20, "at most 6 decimals"},
    {"99999999999999999999999999999999999", BUDGET_EOVERFLOW, 1, "within"},
  };
  size_t i;
  (void)state;
  for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    money m = 42;
    text_error err = {0, 0, NULL};
    budget_status rc = money_parse(cases[i].text, strlen(cases[i].text), &m, &err);
    if (rc != cases[i].rc || err.column != cases[i].column || err.expected == NULL ||
        strstr(err.expected, cases[i].expected) == NULL)
      fail_msg("'%s': got %s at column %zu (%s)", cases[i].text, status_str(rc), err.column,
               err.expected ? err.expected : "no message");
    assert_int_equal(m, 42);
  }
}

/* Formatting: separators, units, suffixes, signs, and the limits. */
static void test_money_format(void **state) {
  static const struct {
    money m;
    money_style st;
    const char *text;
  } cases[] = {
    {6569232710, {MONEY_YUAN, 2, true, MONEY_SUFFIX_NONE}, "65,692,327.10"},
    {-345749090, {MONEY_YUAN, 2, true, MONEY_SUFFIX_NONE}, "-3,457,490.90"},
    {0, {MONEY_YUAN, 2, true, MONEY_SUFFIX_NONE}, "0.00"},
    {-1, {MONEY_YUAN, 2, true, MONEY_SUFFIX_NONE}, "-0.01"},
    {9954470000, {MONEY_YUAN, 0, true, MONEY_SUFFIX_NONE}, "99,544,700"},
    {9954470000, {MONEY_YUAN, 0, false, MONEY_SUFFIX_LONG}, "99544700元"},
    {52500000, {MONEY_WAN, 2, true, MONEY_SUFFIX_LONG}, "52.50万元"},
    {52500000, {MONEY_WAN, 1, true, MONEY_SUFFIX_SHORT}, "52.5万"},
    {1106541210, {MONEY_WAN, 0, true, MONEY_SUFFIX_LONG}, "1,107万元"},  /* 11,065,412.10 元 */
    {12000000000, {MONEY_YI, 1, true, MONEY_SUFFIX_SHORT}, "1.2亿"},
    {-4000, {MONEY_WAN, 0, true, MONEY_SUFFIX_NONE}, "0"},  /* rounds to zero: no '-0' */
    {MAX, {MONEY_YUAN, 2, true, MONEY_SUFFIX_NONE}, "92,233,720,368,547,758.07"},
    {MIN, {MONEY_YUAN, 2, true, MONEY_SUFFIX_NONE}, "-92,233,720,368,547,758.08"},
    {MIN, {MONEY_YI, 10, true, MONEY_SUFFIX_LONG}, "-922,337,203.6854775808亿元"},
  };
  char buf[MONEY_TEXT_MAX];
  size_t i, len;
  money_style bad = money_style_yuan;
  (void)state;
  for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    assert_int_equal(money_format(NULL, cases[i].m, &cases[i].st, buf, sizeof buf, &len), BUDGET_OK);
    assert_string_equal(buf, cases[i].text);
    assert_int_equal(len, strlen(cases[i].text));
  }
  assert_int_equal(money_format(NULL, 123456, NULL, buf, sizeof buf, NULL), BUDGET_OK);
  assert_string_equal(buf, "1,234.56");
  assert_int_equal(money_format(NULL, 123456, NULL, buf, 8, NULL), BUDGET_ESPACE);  /* needs 9 */
  assert_int_equal(money_format(NULL, 123456, NULL, buf, 9, NULL), BUDGET_OK);
  bad.decimals = 3;
  assert_int_equal(money_format(NULL, 1, &bad, buf, sizeof buf, NULL), BUDGET_EINVAL);
}

/* Formatting with fewer decimals rounds by the context's mode and flags it. */
static void test_money_format_rounding(void **state) {
  static const money_style wan2 = {MONEY_WAN, 2, false, MONEY_SUFFIX_NONE};
  static const struct {
    money m;
    money_round mode;
    const char *text;
  } cases[] = {
    {1525000, MONEY_ROUND_HALF_AWAY, "1.53"},   /* 15,250 元 = 1.525万: the primer's 1.53 */
    {1525000, MONEY_ROUND_HALF_EVEN, "1.52"},
    {1535000, MONEY_ROUND_HALF_EVEN, "1.54"},
    {-1525000, MONEY_ROUND_HALF_AWAY, "-1.53"},
    {-1525000, MONEY_ROUND_TRUNC, "-1.52"},
    {-1525000, MONEY_ROUND_FLOOR, "-1.53"},
    {1525000, MONEY_ROUND_CEIL, "1.53"},
    {1520001, MONEY_ROUND_CEIL, "1.53"},
  };
  char buf[MONEY_TEXT_MAX];
  size_t i;
  (void)state;
  for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    money_ctx ctx = {cases[i].mode, 0};
    assert_int_equal(money_format(&ctx, cases[i].m, &wan2, buf, sizeof buf, NULL), BUDGET_OK);
    assert_string_equal(buf, cases[i].text);
    assert_true(ctx.status & MONEY_INEXACT);
  }
  {
    money_ctx ctx = {MONEY_ROUND_HALF_AWAY, 0};
    assert_int_equal(money_format(&ctx, 1520000, &wan2, buf, sizeof buf, NULL), BUDGET_OK);
    assert_int_equal(ctx.status, 0);  /* exact: no flag */
  }
}

/* Rates parse from percentages, decimals and fractions into lowest terms. */
static void test_rate_parse(void **state) {
  static const struct {
    const char *text;
    int64_t num, den;
  } cases[] = {
    {"5%", 1, 20},      {"-3.5%", -7, 200}, {"0.95", 19, 20}, {"1/3", 1, 3},
    {"-2/3", -2, 3},    {"2", 2, 1},        {"+12.25%", 49, 400}, {"0", 0, 1},
    {"0/7", 0, 1},      {"100%", 1, 1},     {"6/4", 3, 2},   {"0.000001%", 1, 100000000},
    {"9223372036854775807", MAX, 1},
    {"５％", 1, 20},    {"－３．５％", -7, 200}, {"１／３", 1, 3},  /* full-width, read as NFKC */
  };
  static const struct {
    const char *text;
    budget_status rc;
    size_t column;
  } bad[] = {
    {"", BUDGET_ESYNTAX, 1},     {"%", BUDGET_ESYNTAX, 1},   {"5%%", BUDGET_ESYNTAX, 3},
    {"5 %", BUDGET_ESYNTAX, 2},  {"1/", BUDGET_ESYNTAX, 3},  {"/3", BUDGET_ESYNTAX, 1},
    {"1.5/2", BUDGET_ESYNTAX, 4}, {"1/3%", BUDGET_ESYNTAX, 4}, {"abc", BUDGET_ESYNTAX, 1},
    {"1/0", BUDGET_EDIVZERO, 3}, {"1/00", BUDGET_EDIVZERO, 3},
    {"9223372036854775808", BUDGET_EOVERFLOW, 1},
    {"1/9223372036854775808", BUDGET_EOVERFLOW, 1},
    {"123456789012345678901234567890123456789%", BUDGET_EOVERFLOW, 1},
    {"５％％", BUDGET_ESYNTAX, 3},  /* the column of the full-width text itself */
  };
  size_t i;
  (void)state;
  for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    rate r = {0, 0};
    text_error err;
    if (rate_parse(cases[i].text, strlen(cases[i].text), &r, &err) != BUDGET_OK)
      fail_msg("'%s': %s at %zu", cases[i].text, err.expected, err.column);
    assert_int_equal(r.num, cases[i].num);
    assert_int_equal(r.den, cases[i].den);
  }
  for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    rate r = {5, 7};
    text_error err = {0, 0, NULL};
    budget_status rc = rate_parse(bad[i].text, strlen(bad[i].text), &r, &err);
    if (rc != bad[i].rc || err.column != bad[i].column || err.expected == NULL)
      fail_msg("'%s': got %s at column %zu", bad[i].text, status_str(rc), err.column);
    assert_int_equal(r.num, 5);
    assert_int_equal(r.den, 7);
  }
}

/* Rate arithmetic is exact, reduces, and reports terms that overflow. */
static void test_rate_arith(void **state) {
  rate a, b, r = {9, 9};
  char buf[64];
  (void)state;
  assert_int_equal(rate_make(1, 0, &r), BUDGET_EDIVZERO);
  assert_int_equal(rate_make(MIN, -1, &r), BUDGET_EOVERFLOW);
  assert_int_equal(rate_make(3, -6, &r), BUDGET_OK);
  assert_int_equal(r.num, -1);
  assert_int_equal(r.den, 2);
  assert_int_equal(rate_make(1, 1, &a), BUDGET_OK);
  assert_int_equal(rate_make(1, 20, &b), BUDGET_OK);
  assert_int_equal(rate_sub(a, b, &r), BUDGET_OK);  /* a 5% cut is a factor of 95% */
  assert_int_equal(r.num, 19);
  assert_int_equal(r.den, 20);
  assert_int_equal(rate_make(1, 3, &a), BUDGET_OK);
  assert_int_equal(rate_make(1, 6, &b), BUDGET_OK);
  assert_int_equal(rate_add(a, b, &r), BUDGET_OK);
  assert_int_equal(r.num, 1);
  assert_int_equal(r.den, 2);
  assert_int_equal(rate_mul(a, b, &r), BUDGET_OK);
  assert_int_equal(r.den, 18);
  assert_int_equal(rate_cmp(a, b), 1);
  assert_int_equal(rate_cmp(b, a), -1);
  assert_int_equal(rate_cmp(a, a), 0);
  assert_int_equal(rate_make(MAX, 1, &a), BUDGET_OK);
  assert_int_equal(rate_add(a, a, &r), BUDGET_EOVERFLOW);
  assert_int_equal(rate_mul(a, a, &r), BUDGET_EOVERFLOW);
  assert_int_equal(rate_make(1, MAX, &b), BUDGET_OK);
  assert_int_equal(rate_mul(a, b, &r), BUDGET_OK);  /* reduces to 1 through 128 bits */
  assert_int_equal(r.num, 1);
  assert_int_equal(r.den, 1);
  assert_int_equal(rate_make(-7, 200, &r), BUDGET_OK);
  assert_int_equal(rate_format(r, buf, sizeof buf, NULL), BUDGET_OK);
  assert_string_equal(buf, "-0.035");
  assert_int_equal(rate_make(1, 3, &r), BUDGET_OK);
  assert_int_equal(rate_format(r, buf, sizeof buf, NULL), BUDGET_OK);
  assert_string_equal(buf, "1/3");
  assert_int_equal(rate_make(19, 20, &r), BUDGET_OK);
  assert_int_equal(rate_format(r, buf, sizeof buf, NULL), BUDGET_OK);
  assert_string_equal(buf, "0.95");
  assert_int_equal(rate_make(0, 5, &r), BUDGET_OK);
  assert_int_equal(rate_format(r, buf, sizeof buf, NULL), BUDGET_OK);
  assert_string_equal(buf, "0");
  assert_int_equal(rate_format(r, buf, 1, NULL), BUDGET_ESPACE);
}

/* Applying a rate rounds once, at ties ±x.5, in every mode; the product never overflows early. */
static void test_money_mul_rate_modes(void **state) {
  static const struct {
    money a;
    int64_t num, den;
    money want[5];  /* HALF_AWAY, HALF_EVEN, TRUNC, FLOOR, CEIL */
  } cases[] = {
    {5, 1, 2, {3, 2, 2, 2, 3}},        /* 2.5 */
    {-5, 1, 2, {-3, -2, -2, -3, -2}},  /* -2.5 */
    {7, 1, 2, {4, 4, 3, 3, 4}},        /* 3.5 */
    {-7, 1, 2, {-4, -4, -3, -4, -3}},  /* -3.5 */
    {10, 1, 3, {3, 3, 3, 3, 4}},       /* 3.33 */
    {-10, 1, 3, {-3, -3, -3, -4, -3}},
    {20, 1, 3, {7, 7, 6, 6, 7}},       /* 6.67 */
    {1, 0, 1, {0, 0, 0, 0, 0}},
    {0, 5, 7, {0, 0, 0, 0, 0}},
    {MAX, 3, 3, {MAX, MAX, MAX, MAX, MAX}},  /* MAX*3 needs 65 bits before the division */
    {MIN, 1, 2, {MIN / 2, MIN / 2, MIN / 2, MIN / 2, MIN / 2}},
    {MAX, 1, 2, {MAX / 2 + 1, MAX / 2 + 1, MAX / 2, MAX / 2, MAX / 2 + 1}},  /* ...903.5: even is ...904 */
    {MIN, -1, 2, {-(MIN / 2), -(MIN / 2), -(MIN / 2), -(MIN / 2), -(MIN / 2)}},
  };
  size_t i;
  int mode;
  (void)state;
  for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    rate r;
    assert_int_equal(rate_make(cases[i].num, cases[i].den, &r), BUDGET_OK);
    for (mode = 0; mode < 5; mode++) {
      money_ctx ctx = {(money_round)mode, 0};
      money out = 0;
      assert_int_equal(money_mul_rate(&ctx, cases[i].a, r, &out), BUDGET_OK);
      if (out != cases[i].want[mode])
        fail_msg("case %zu mode %d: got %lld want %lld", i, mode, (long long)out, (long long)cases[i].want[mode]);
    }
  }
}

/* A rate that takes the result outside int64 is EOVERFLOW; an inexact result raises the flag. */
static void test_money_mul_rate_overflow(void **state) {
  money_ctx ctx = {MONEY_ROUND_HALF_AWAY, 0};
  money out = 99;
  rate two = {2, 1}, minus = {-1, 1}, five = {1, 20};
  (void)state;
  assert_int_equal(money_mul_rate(&ctx, MAX, two, &out), BUDGET_EOVERFLOW);
  assert_int_equal(money_mul_rate(&ctx, MIN, two, &out), BUDGET_EOVERFLOW);
  assert_int_equal(money_mul_rate(&ctx, MIN, minus, &out), BUDGET_EOVERFLOW);
  assert_int_equal(out, 99);
  assert_int_equal(ctx.status, 0);
  assert_int_equal(money_mul_rate(&ctx, 100, five, &out), BUDGET_OK);
  assert_int_equal(out, 5);
  assert_int_equal(ctx.status, 0);
  assert_int_equal(money_mul_rate(&ctx, 110, five, &out), BUDGET_OK);  /* 5.5 fen */
  assert_int_equal(out, 6);
  assert_int_equal(ctx.status, MONEY_INEXACT);
}

/* Rounding to a grain: a 5% cut of a whole-yuan amount stays in whole yuan. */
static void test_money_mul_rate_grain(void **state) {
  money_ctx ctx = {MONEY_ROUND_HALF_AWAY, 0};
  money out = 0;
  rate r;
  (void)state;
  assert_int_equal(rate_parse("95%", 3, &r, NULL), BUDGET_OK);
  assert_int_equal(money_mul_rate_grain(&ctx, 6914981800, r, 100, &out), BUDGET_OK);
  assert_int_equal(out, 6569232700);  /* 69,149,818 × 0.95 = 65,692,327.1 → 65,692,327 元 */
  assert_int_equal(money_mul_rate(&ctx, 6914981800, r, &out), BUDGET_OK);
  assert_int_equal(out, 6569232710);  /* DESIGN.md's 65,692,327.10 at fen */
  assert_int_equal(money_mul_rate_grain(&ctx, 250, (rate){1, 1}, 100, &out), BUDGET_OK);
  assert_int_equal(out, 300);  /* 2.50 元 to whole yuan, half away */
  assert_int_equal(money_mul_rate_grain(&ctx, 250, (rate){1, 1}, 0, &out), BUDGET_EINVAL);
  /* MAX / 2^62 is 1.99…, which rounds to 2 grains: 2^63 fen, one past the limit */
  assert_int_equal(money_mul_rate_grain(&ctx, MAX, (rate){1, 1}, 4611686018427387904, &out), BUDGET_EOVERFLOW);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_money_arith_overflow),
    cmocka_unit_test(test_money_neg_and_sum_overflow),
    cmocka_unit_test(test_money_parse_forms),
    cmocka_unit_test(test_money_parse_errors),
    cmocka_unit_test(test_money_format),
    cmocka_unit_test(test_money_format_rounding),
    cmocka_unit_test(test_rate_parse),
    cmocka_unit_test(test_rate_arith),
    cmocka_unit_test(test_money_mul_rate_modes),
    cmocka_unit_test(test_money_mul_rate_overflow),
    cmocka_unit_test(test_money_mul_rate_grain),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
