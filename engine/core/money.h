/*
** engine/core/money.h
** Exact money: int64 fen, checked arithmetic, exact rational rates, explicit rounding,
** parsing and formatting in 元/万元/亿元, and allocation over weights.
** See LICENSE for copyright and license.
*/
#ifndef MONEY_H
#define MONEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mem.h"
#include "status.h"

/*
** An amount is a count of fen (0.01 元). Nothing here wraps: every operation
** that can leave [INT64_MIN, INT64_MAX] returns BUDGET_EOVERFLOW and leaves
** its out-parameter untouched. No float ever holds an amount.
*/
typedef int64_t money;

/*
** A sum of many amounts, in 128 bits: fewer than 2^64 amounts cannot overflow it, so a total
** is EOVERFLOW exactly when it does not fit in a money, whatever order its amounts add in.
*/
__extension__ typedef __int128 money_wide;

/* *out = sum when it fits in a money; EOVERFLOW otherwise, *out untouched. */
static inline budget_status money_from_wide(money_wide sum, money *out) {
  if (sum > INT64_MAX || sum < INT64_MIN) return BUDGET_EOVERFLOW;
  *out = (money)sum;
  return BUDGET_OK;
}

#define MONEY_FEN_PER_YUAN 100

/* {==================================================================
** Rounding and the run context
** =================================================================== */

typedef enum money_round {
  MONEY_ROUND_HALF_AWAY = 0,  /* 四舍五入: nearest, ties away from zero; the default */
  MONEY_ROUND_HALF_EVEN,      /* nearest, ties to the even neighbour (banker's) */
  MONEY_ROUND_TRUNC,          /* toward zero: drops what does not fit */
  MONEY_ROUND_FLOOR,          /* toward minus infinity */
  MONEY_ROUND_CEIL            /* toward plus infinity */
} money_round;

/* Sticky flags a context collects, so a report can say what happened. */
#define MONEY_INEXACT 0x1u    /* some result was rounded */

/*
** The rounding mode for the calls that round, and the flags they raised.
** Zero-initialised ('money_ctx c = {0}') it rounds half away from zero.
*/
typedef struct money_ctx {
  money_round round;
  uint32_t status;
} money_ctx;

/* }================================================================== */

/* {==================================================================
** Arithmetic
** =================================================================== */

/* *out = a + b; EOVERFLOW if it does not fit. */
budget_status money_add(money a, money b, money *out);

/* *out = a - b; EOVERFLOW if it does not fit. */
budget_status money_sub(money a, money b, money *out);

/* *out = -a; EOVERFLOW for INT64_MIN, whose negation does not fit. */
budget_status money_neg(money a, money *out);

/* *out = a * k for an integer count k; EOVERFLOW if it does not fit. */
budget_status money_mul_int(money a, int64_t k, money *out);

/* *out = Σ v[0..n); EOVERFLOW if any partial sum does not fit (so the order cannot hide one). */
budget_status money_sum(const money *v, size_t n, money *out);

/* }================================================================== */

/* {==================================================================
** Rates: exact rationals
** =================================================================== */

/* num/den in lowest terms with den > 0. 5% is {1, 20}; 1/3 is {1, 3}. A rate call that fails leaves its *out
** untouched, as the money calls do. */
typedef struct rate {
  int64_t num;
  int64_t den;
} rate;

/* *out = num/den reduced; EDIVZERO if den is 0, EOVERFLOW if the sign cannot move to num. */
budget_status rate_make(int64_t num, int64_t den, rate *out);

/* Exact sums, differences and products of rates; EOVERFLOW if a reduced term does not fit, EDIVZERO for an
** operand with den 0 (not a rate). */
budget_status rate_add(rate a, rate b, rate *out);
budget_status rate_sub(rate a, rate b, rate *out);
budget_status rate_mul(rate a, rate b, rate *out);

/* -1, 0 or 1 as a <, ==, > b; exact. Both dens must be positive. */
int rate_cmp(rate a, rate b);

/*
** Parses a rate: a percentage ('5%', '-3.5%', '+12.25%'), a decimal ('0.95',
** '-1', '2'), or a fraction of integers ('1/3', '-2/3'). No spaces. On
** ESYNTAX, EDIVZERO or EOVERFLOW, 'err' (may be NULL) says where and why,
** and *out is untouched.
*/
budget_status rate_parse(const char *s, size_t len, rate *out, text_error *err);

/*
** Writes 'r' as text: a terminating decimal as a decimal ('0.95', '-0.035'),
** any other as a fraction ('1/3'). *len (may be NULL) gets the length without
** the NUL. ESPACE if 'size' bytes cannot hold it and its NUL: then buf and *len
** are untouched.
*/
budget_status rate_format(rate r, char *buf, size_t size, size_t *len);

/*
** *out = a × r, rounded once to a whole fen by ctx->round; sets MONEY_INEXACT
** in ctx->status when it rounds. The product is exact in 128 bits before the
** rounding, so only a final result outside int64 is EOVERFLOW. EINVAL for a
** den <= 0 or an unknown ctx->round. On failure *out and ctx->status are
** untouched.
*/
budget_status money_mul_rate(money_ctx *ctx, money a, rate r, money *out);

/* Like money_mul_rate, but rounds to a whole multiple of 'grain' fen (grain > 0, else EINVAL). */
budget_status money_mul_rate_grain(money_ctx *ctx, money a, rate r, money grain, money *out);

/* }================================================================== */

/* {==================================================================
** Text
** =================================================================== */

typedef enum money_unit {
  MONEY_YUAN = 0,  /* 元: 2 decimals are fen */
  MONEY_WAN,       /* 万元 = 10,000 元: up to 6 decimals */
  MONEY_YI         /* 亿元 = 100,000,000 元: up to 10 decimals */
} money_unit;

typedef enum money_suffix {
  MONEY_SUFFIX_NONE = 0,  /* '52.50' */
  MONEY_SUFFIX_SHORT,     /* '52.50万'  ('元' for MONEY_YUAN) */
  MONEY_SUFFIX_LONG       /* '52.50万元' ('元' for MONEY_YUAN) */
} money_suffix;

/* How to write an amount. {MONEY_YUAN, 2, true, MONEY_SUFFIX_NONE} gives '65,692,327.10'. */
typedef struct money_style {
  money_unit unit;
  int decimals;          /* 0 .. the unit's decimals (2, 6 or 10) */
  bool grouping;         /* thousands separators in the integer part */
  money_suffix suffix;
} money_style;

extern const money_style money_style_yuan;  /* '1,234.56' */
extern const money_style money_style_wan;   /* '52.50万元' */

/*
** Parses an amount: an optional sign, digits with optional thousands
** separators (groups of exactly 3 after the first), optional decimals, and an
** optional unit 元, 万, 万元, 亿 or 亿元. Accepts '1,234.56', '1234.56元',
** '52.50万元', '10万', '1.2亿', '-3,457,490.90'. Rejects malformed grouping,
** stray characters (spaces included), more decimals than the unit has fen
** for (2 for 元, 6 for 万, 10 for 亿), and amounts outside int64 fen. On error
** 'err' (may be NULL) gives the character and what was expected there, and
** *out is untouched.
*/
budget_status money_parse(const char *s, size_t len, money *out, text_error *err);

/*
** Writes 'm' in 'style' (NULL: money_style_yuan) into buf. Where the style has
** fewer decimals than the amount needs, it rounds by ctx->round and sets
** MONEY_INEXACT (ctx may be NULL: half away from zero, no flags). *len (may
** be NULL) gets the length. ESPACE if the text and its NUL do not fit,
** EINVAL for a style outside its ranges or an unknown ctx->round. On failure
** buf, *len and ctx->status are untouched. MONEY_TEXT_MAX always suffices.
*/
budget_status money_format(money_ctx *ctx, money m, const money_style *style, char *buf,
                           size_t size, size_t *len);

#define MONEY_TEXT_MAX 48

/* }================================================================== */

/* {==================================================================
** Allocation: the only way an amount is divided
** =================================================================== */

/* With all weights zero, split equally instead of failing. */
#define MONEY_ALLOC_EQUAL_IF_ZERO 0x1u

/*
** Splits 'amount' over n weights so that parts[i] add up to 'amount' exactly,
** by largest remainder at 'grain' fen (> 0; 1 for fen, 100 for whole yuan):
** each part is the floor of its exact share in grains, and the grains left over
** go one each to the largest remainders, ties to the earlier index. So each
** part is within one grain of its exact share, and the result depends on the
** inputs only.
** - A negative amount is split as its absolute value and every part negated,
**   so a cut mirrors an increase.
** - A zero weight gets 0. A negative weight is EINVAL (weights are proportions).
** - All weights zero (or n == 0): EZEROWEIGHTS, unless 'flags' has
**   MONEY_ALLOC_EQUAL_IF_ZERO and n > 0, which splits equally.
** - 'amount' not a multiple of 'grain': EGRAIN; grain <= 0: EINVAL.
** Scratch memory comes from A (ENOMEM if it has none); 'parts' (n elements,
** caller's) is written only on success. 'weights' is read for the call only.
*/
budget_status money_allocate(const mem_allocator *A, money amount, const int64_t *weights, size_t n,
                             money grain, unsigned flags, money *parts);

/* The same, and *rounded (may be NULL; written only on success) gets how many parts are not
** their exact share: the cells a report says were rounded to the grain. */
budget_status money_allocate_counted(const mem_allocator *A, money amount, const int64_t *weights, size_t n,
                                     money grain, unsigned flags, money *parts, size_t *rounded);

/* }================================================================== */

#endif
