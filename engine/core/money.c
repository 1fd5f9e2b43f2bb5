/*
** engine/core/money.c
** Exact money: checked int64 fen, rationals, rounding, text, allocation.
** See LICENSE for copyright and license.
*/
#include "money.h"

#include <stdlib.h>
#include <string.h>

#include "nfkc.h"

/* 128-bit intermediates: a product of two int64 values always fits. */
__extension__ typedef __int128 i128;
__extension__ typedef unsigned __int128 u128;

#define I64_FITS(x) ((x) >= (i128)INT64_MIN && (x) <= (i128)INT64_MAX)

/* {==================================================================
** Rounding
** =================================================================== */

/*
** n / d rounded by 'mode' (d > 0). Sets *inexact when a remainder was
** dropped. C's '/' truncates toward zero, so each mode adjusts from there.
*/
static i128 round_div(i128 n, i128 d, money_round mode, bool *inexact) {
  i128 q = n / d, r = n % d, twice;
  int sign = n < 0 ? -1 : 1;
  if (r == 0) return q;
  *inexact = true;
  twice = 2 * (r < 0 ? -r : r);  /* compare |r| with d/2 without dividing */
  switch (mode) {
    case MONEY_ROUND_HALF_AWAY:
      return twice >= d ? q + sign : q;
    case MONEY_ROUND_HALF_EVEN:
      if (twice > d) return q + sign;
      if (twice < d) return q;
      return (q % 2 != 0) ? q + sign : q;  /* a tie goes to the even neighbour */
    case MONEY_ROUND_TRUNC:
      return q;
    case MONEY_ROUND_FLOOR:
      return n < 0 ? q - 1 : q;
    case MONEY_ROUND_CEIL:
      return n > 0 ? q + 1 : q;
  }
  abort();  /* unreachable: a mode outside the enum is a caller bug */
}

static bool valid_mode(money_round mode) {
  return mode >= MONEY_ROUND_HALF_AWAY && mode <= MONEY_ROUND_CEIL;
}

/* }================================================================== */

/* {==================================================================
** Arithmetic
** =================================================================== */

budget_status money_add(money a, money b, money *out) {
  money r;
  if (__builtin_add_overflow(a, b, &r)) return BUDGET_EOVERFLOW;
  *out = r;
  return BUDGET_OK;
}

budget_status money_sub(money a, money b, money *out) {
  money r;
  if (__builtin_sub_overflow(a, b, &r)) return BUDGET_EOVERFLOW;
  *out = r;
  return BUDGET_OK;
}

budget_status money_neg(money a, money *out) {
  if (a == INT64_MIN) return BUDGET_EOVERFLOW;
  *out = -a;
  return BUDGET_OK;
}

budget_status money_mul_int(money a, int64_t k, money *out) {
  money r;
  if (__builtin_mul_overflow(a, k, &r)) return BUDGET_EOVERFLOW;
  *out = r;
  return BUDGET_OK;
}

budget_status money_sum(const money *v, size_t n, money *out) {
  money acc = 0;
  size_t i;
  for (i = 0; i < n; i++)
    if (__builtin_add_overflow(acc, v[i], &acc)) return BUDGET_EOVERFLOW;
  *out = acc;
  return BUDGET_OK;
}

/* }================================================================== */

/* {==================================================================
** Rates
** =================================================================== */

static u128 gcd128(u128 a, u128 b) {
  while (b != 0) {
    u128 t = a % b;
    a = b;
    b = t;
  }
  return a;
}

/* Reduces num/den (den != 0) and stores it if both terms fit int64. */
static budget_status rate_from128(i128 num, i128 den, rate *out) {
  u128 g;
  if (den == 0) return BUDGET_EDIVZERO;
  if (den < 0) {
    num = -num;
    den = -den;
  }
  g = gcd128((u128)(num < 0 ? -num : num), (u128)den);
  if (g > 1) {
    num /= (i128)g;
    den /= (i128)g;
  }
  if (!I64_FITS(num) || !I64_FITS(den)) return BUDGET_EOVERFLOW;
  out->num = (int64_t)num;
  out->den = (int64_t)den;
  return BUDGET_OK;
}

budget_status rate_make(int64_t num, int64_t den, rate *out) {
  return rate_from128(num, den, out);
}

budget_status rate_add(rate a, rate b, rate *out) {
  return rate_from128((i128)a.num * b.den + (i128)b.num * a.den, (i128)a.den * b.den, out);
}

budget_status rate_sub(rate a, rate b, rate *out) {
  return rate_from128((i128)a.num * b.den - (i128)b.num * a.den, (i128)a.den * b.den, out);
}

budget_status rate_mul(rate a, rate b, rate *out) {
  return rate_from128((i128)a.num * b.num, (i128)a.den * b.den, out);
}

int rate_cmp(rate a, rate b) {
  i128 l = (i128)a.num * b.den, r = (i128)b.num * a.den;  /* dens are positive */
  return (l > r) - (l < r);
}

static bool isdigit_(char c) {
  return c >= '0' && c <= '9';
}

/* Digits bigger than this stop accumulating: anything past it cannot fit int64 after reduction by 10^k. */
#define DIGITS_CAP ((i128)1 << 100)

static budget_status parse_rate(const char *s, size_t len, rate *out, text_error *err) {
  size_t i = 0;
  bool neg = false;
  i128 num = 0, den = 1;
  if (i < len && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
  if (i >= len || !isdigit_(s[i])) {
    text_error_at(err, s, i, "a digit");
    return BUDGET_ESYNTAX;
  }
  for (; i < len && isdigit_(s[i]); i++) {
    num = num * 10 + (s[i] - '0');
    if (num > DIGITS_CAP) goto overflow;
  }
  if (i < len && s[i] == '/') {  /* a fraction of integers */
    size_t start = ++i;
    i128 d = 0;
    if (i >= len || !isdigit_(s[i])) {
      text_error_at(err, s, i, "a digit after '/'");
      return BUDGET_ESYNTAX;
    }
    for (; i < len && isdigit_(s[i]); i++) {
      d = d * 10 + (s[i] - '0');
      if (d > DIGITS_CAP) goto overflow;
    }
    if (i < len) {
      text_error_at(err, s, i, "the end of the rate after the denominator");
      return BUDGET_ESYNTAX;
    }
    if (d == 0) {
      text_error_at(err, s, start, "a denominator that is not zero");
      return BUDGET_EDIVZERO;
    }
    den = d;
  } else {
    if (i < len && s[i] == '.') {
      i++;
      if (i >= len || !isdigit_(s[i])) {
        text_error_at(err, s, i, "a digit after '.'");
        return BUDGET_ESYNTAX;
      }
      for (; i < len && isdigit_(s[i]); i++) {
        num = num * 10 + (s[i] - '0');
        den *= 10;
        if (num > DIGITS_CAP || den > DIGITS_CAP) goto overflow;
      }
    }
    if (i < len && s[i] == '%') {
      i++;
      den *= 100;
    }
    if (i < len) {
      text_error_at(err, s, i, "a digit, '.', '%' or '/', or the end of the rate");
      return BUDGET_ESYNTAX;
    }
  }
  if (rate_from128(neg ? -num : num, den, out) == BUDGET_OK) return BUDGET_OK;
overflow:
  text_error_at(err, s, 0, "a rate whose reduced terms fit in 64 bits");
  return BUDGET_EOVERFLOW;
}

/* Writes the decimal digits of v (>= 0) backwards ending at *end, returning the first. */
static char *utoa_back(u128 v, char *end) {
  do {
    *--end = (char)('0' + (int)(v % 10));
    v /= 10;
  } while (v != 0);
  return end;
}

budget_status rate_format(rate r, char *buf, size_t size, size_t *len) {
  char tmp[128], *p;
  int twos = 0, fives = 0, k, i;
  int64_t d = r.den;
  u128 mag = (u128)(r.num < 0 ? -(i128)r.num : (i128)r.num);
  size_t n;
  while (d % 2 == 0) d /= 2, twos++;
  while (d % 5 == 0) d /= 5, fives++;
  k = twos > fives ? twos : fives;
  p = tmp + sizeof tmp;
  if (d == 1 && k <= 30) {  /* terminates: num/den = scaled / 10^k */
    u128 scale = 1, scaled;
    for (i = 0; i < k; i++) scale *= 10;
    scaled = mag * (scale / (u128)(uint64_t)r.den);
    for (i = 0; i < k; i++) {
      *--p = (char)('0' + (int)(scaled % 10));
      scaled /= 10;
    }
    if (k > 0) *--p = '.';
    p = utoa_back(scaled, p);
  } else {
    p = utoa_back((u128)r.den, p);
    *--p = '/';
    p = utoa_back(mag, p);
  }
  if (r.num < 0) *--p = '-';
  n = (size_t)(tmp + sizeof tmp - p);
  if (n + 1 > size) return BUDGET_ESPACE;
  memcpy(buf, p, n);
  buf[n] = '\0';
  if (len) *len = n;
  return BUDGET_OK;
}

budget_status money_mul_rate_grain(money_ctx *ctx, money a, rate r, money grain, money *out) {
  bool inexact = false;
  i128 q;
  if (grain <= 0 || r.den <= 0 || !valid_mode(ctx->round)) return BUDGET_EINVAL;
  q = round_div((i128)a * r.num, (i128)r.den * grain, ctx->round, &inexact) * grain;
  if (!I64_FITS(q)) return BUDGET_EOVERFLOW;
  if (inexact) ctx->status |= MONEY_INEXACT;
  *out = (money)q;
  return BUDGET_OK;
}

budget_status money_mul_rate(money_ctx *ctx, money a, rate r, money *out) {
  return money_mul_rate_grain(ctx, a, r, 1, out);
}

/* }================================================================== */

/* {==================================================================
** Text
** =================================================================== */

const money_style money_style_yuan = {MONEY_YUAN, 2, true, MONEY_SUFFIX_NONE};
const money_style money_style_wan = {MONEY_WAN, 2, true, MONEY_SUFFIX_LONG};

/* fen per unit is 10^unit_exp[unit]; it is also the most decimals the unit can have. */
static const int unit_exp[] = {2, 6, 10};

static const char *const unit_suffix[][3] = {
  {"", "元", "元"},
  {"", "万", "万元"},
  {"", "亿", "亿元"},
};

static i128 pow10_(int k) {
  i128 p = 1;
  while (k-- > 0) p *= 10;
  return p;
}

/* Matches the longest unit word that s[0..len) starts with; sets *unit and returns its length, or 0. */
static size_t match_unit(const char *s, size_t len, money_unit *unit) {
  static const struct {
    const char *word;
    money_unit unit;
  } words[] = {{"万元", MONEY_WAN}, {"亿元", MONEY_YI}, {"万", MONEY_WAN}, {"亿", MONEY_YI}, {"元", MONEY_YUAN}};
  size_t k;
  for (k = 0; k < sizeof words / sizeof words[0]; k++) {
    size_t n = strlen(words[k].word);
    if (n <= len && memcmp(s, words[k].word, n) == 0) {  /* the longer words come first */
      *unit = words[k].unit;
      return n;
    }
  }
  return 0;
}

static budget_status parse_money(const char *s, size_t len, money *out, text_error *err) {
  static const char *const too_many_decimals[] = {
    "at most 2 decimals (fen) for an amount in 元",
    "at most 6 decimals for an amount in 万元",
    "at most 10 decimals for an amount in 亿元",
  };
  size_t i = 0, first_decimal = 0;
  size_t run = 0;     /* digits since the start or the last ',' */
  bool grouped = false, neg = false;
  int decimals = 0;
  money_unit unit = MONEY_YUAN;
  uint64_t mant = 0, v, scale;
  if (i < len && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
  if (i >= len || !isdigit_(s[i])) {
    text_error_at(err, s, i, "a digit");
    return BUDGET_ESYNTAX;
  }
  for (; i < len; i++) {  /* the integer part, with its groups */
    if (isdigit_(s[i])) {
      if (grouped && run == 3) {
        text_error_at(err, s, i, "',' or '.' after a group of 3 digits");
        return BUDGET_ESYNTAX;
      }
      if (__builtin_mul_overflow(mant, 10u, &mant) || __builtin_add_overflow(mant, (uint64_t)(s[i] - '0'), &mant))
        goto overflow;
      run++;
    } else if (s[i] == ',') {
      if (grouped ? run != 3 : run > 3) {
        text_error_at(err, s, i, grouped ? "3 digits between separators" : "',' after 1 to 3 digits");
        return BUDGET_ESYNTAX;
      }
      grouped = true;
      run = 0;
      if (i + 1 >= len || !isdigit_(s[i + 1])) {
        text_error_at(err, s, i + 1, "3 digits after ','");
        return BUDGET_ESYNTAX;
      }
    } else {
      break;
    }
  }
  if (grouped && run != 3) {
    text_error_at(err, s, i, "3 digits after ','");
    return BUDGET_ESYNTAX;
  }
  if (i < len && s[i] == '.') {
    i++;
    first_decimal = i;
    if (i >= len || !isdigit_(s[i])) {
      text_error_at(err, s, i, "a digit after '.'");
      return BUDGET_ESYNTAX;
    }
    for (; i < len && isdigit_(s[i]); i++, decimals++) {
      if (__builtin_mul_overflow(mant, 10u, &mant) || __builtin_add_overflow(mant, (uint64_t)(s[i] - '0'), &mant))
        goto overflow;
    }
  }
  if (i < len) {
    size_t n = match_unit(s + i, len - i, &unit);
    if (n == 0) {
      text_error_at(err, s, i,
                    s[i] == ',' ? "digits before ',' (no separators after '.')"
                                : "a digit or the end of the amount, or a unit: 元, 万, 万元, 亿, 亿元");
      return BUDGET_ESYNTAX;
    }
    if (i + n < len) {  /* '10万元5': the unit is fine, what follows it is the mistake */
      text_error_at(err, s, i + n, "the end of the amount after its unit");
      return BUDGET_ESYNTAX;
    }
  }
  if (decimals > unit_exp[unit]) {
    text_error_at(err, s, first_decimal + (size_t)unit_exp[unit], too_many_decimals[unit]);
    return BUDGET_ESYNTAX;
  }
  scale = (uint64_t)pow10_(unit_exp[unit] - decimals);
  if (__builtin_mul_overflow(mant, scale, &v)) goto overflow;
  if (neg ? v > (uint64_t)INT64_MAX + 1 : v > (uint64_t)INT64_MAX) goto overflow;
  *out = neg ? (money)(0 - v) : (money)v;  /* 0 - 2^63 in uint64 is INT64_MIN's pattern */
  return BUDGET_OK;
overflow:
  text_error_at(err, s, 0, "an amount within ±92,233,720,368,547,758.07 元");
  return BUDGET_EOVERFLOW;
}

budget_status money_format(money_ctx *ctx, money m, const money_style *style, char *buf,
                           size_t size, size_t *len) {
  money_ctx dflt = {MONEY_ROUND_HALF_AWAY, 0};
  char tmp[MONEY_TEXT_MAX + 16], *p = tmp + sizeof tmp;
  const char *suffix;
  bool inexact = false;
  i128 q;
  u128 mag;
  int d, k;
  size_t n, sn;
  if (style == NULL) style = &money_style_yuan;
  if (ctx == NULL) ctx = &dflt;
  if (style->unit < MONEY_YUAN || style->unit > MONEY_YI || !valid_mode(ctx->round) ||
      style->suffix < MONEY_SUFFIX_NONE || style->suffix > MONEY_SUFFIX_LONG)
    return BUDGET_EINVAL;
  d = style->decimals;
  if (d < 0 || d > unit_exp[style->unit]) return BUDGET_EINVAL;
  if (d == unit_exp[style->unit]) q = m;  /* every fen shown: nothing to round */
  else q = round_div(m, pow10_(unit_exp[style->unit] - d), ctx->round, &inexact);
  mag = (u128)(q < 0 ? -q : q);
  {
    uint64_t v = (uint64_t)mag;  /* |q| <= 2^63: 64-bit digits, far cheaper than 128-bit ones */
    for (k = 0; k < d; k++) {
      *--p = (char)('0' + (int)(v % 10));
      v /= 10;
    }
    if (d > 0) *--p = '.';
    if (style->grouping) {
      while (v >= 1000) {  /* three digits and a separator at a time */
        unsigned g = (unsigned)(v % 1000);
        v /= 1000;
        *--p = (char)('0' + g % 10);
        *--p = (char)('0' + g / 10 % 10);
        *--p = (char)('0' + g / 100);
        *--p = ',';
      }
    }
    do {
      *--p = (char)('0' + (int)(v % 10));
      v /= 10;
    } while (v != 0);
  }
  if (q < 0) *--p = '-';  /* a negative amount that rounds to 0 prints as 0, never -0 */
  n = (size_t)(tmp + sizeof tmp - p);
  suffix = unit_suffix[style->unit][style->suffix];
  sn = strlen(suffix);
  if (n + sn + 1 > size) return BUDGET_ESPACE;
  memcpy(buf, p, n);
  memcpy(buf + n, suffix, sn + 1);
  if (inexact) ctx->status |= MONEY_INEXACT;
  if (len) *len = n + sn;
  return BUDGET_OK;
}

/* }================================================================== */

/* {==================================================================
** Allocation
** =================================================================== */

typedef struct share {
  i128 rem;    /* units * weight mod total: what the floor dropped */
  uint64_t q;  /* the floor of the exact share, in grains (<= 2^63) */
  size_t idx;
} share;

/* Largest remainder first; ties to the earlier index, so the order is total. */
static int by_remainder(const void *a, const void *b) {
  const share *x = a, *y = b;
  if (x->rem != y->rem) return x->rem > y->rem ? -1 : 1;
  return (x->idx > y->idx) - (x->idx < y->idx);
}

budget_status money_allocate(const mem_allocator *A, money amount, const int64_t *weights, size_t n,
                             money grain, unsigned flags, money *parts) {
  return money_allocate_counted(A, amount, weights, n, grain, flags, parts, NULL);
}

budget_status money_allocate_counted(const mem_allocator *A, money amount, const int64_t *weights, size_t n,
                                     money grain, unsigned flags, money *parts, size_t *rounded) {
  i128 total = 0, units, given = 0;
  size_t inexact = 0;
  bool equal = false;
  share *sh;
  size_t i, left;
  budget_status rc;
  if (grain <= 0) return BUDGET_EINVAL;
  if (amount % grain != 0) return BUDGET_EGRAIN;
  for (i = 0; i < n; i++) {
    if (weights[i] < 0) return BUDGET_EINVAL;
    total += weights[i];  /* n int64 weights cannot overflow 128 bits */
  }
  if (total == 0) {
    if (n == 0 || !(flags & MONEY_ALLOC_EQUAL_IF_ZERO)) return BUDGET_EZEROWEIGHTS;
    equal = true;
    total = (i128)n;
  }
  rc = mem_array(A, n, sizeof *sh, (void **)&sh);
  if (rc) return rc;
  units = (i128)amount / grain;
  if (units < 0) units = -units;  /* split the magnitude; the sign goes back on at the end */
  for (i = 0; i < n; i++) {
    i128 exact = units * (equal ? 1 : weights[i]);  /* < 2^63 * 2^63 */
    sh[i].q = (uint64_t)(exact / total);
    sh[i].rem = exact % total;
    sh[i].idx = i;
    if (sh[i].rem != 0) inexact++;
    given += sh[i].q;
  }
  left = (size_t)(units - given);  /* < n: each floor dropped less than one grain */
  qsort(sh, n, sizeof *sh, by_remainder);
  for (i = 0; i < left; i++) sh[i].q++;
  for (i = 0; i < n; i++) {  /* back to fen, signed; |part| <= |amount| so it fits */
    i128 p = (i128)sh[i].q * grain;
    parts[sh[i].idx] = (money)(amount < 0 ? -p : p);
  }
  mem_free(A, sh, n, sizeof *sh);
  if (rounded) *rounded = inexact;
  return BUDGET_OK;
}

/* }================================================================== */

/* {==================================================================
** Full-width input: read as its NFKC form ('５％' as '5%', '２０万' as '20万')
** =================================================================== */

/* The byte offset of code point 'column' (from 1) of s, or len past its end. */
static size_t offset_of_column(const char *s, size_t len, size_t column) {
  size_t i, cp = 0;
  for (i = 0; i < len; i++)
    if (((unsigned char)s[i] & 0xC0u) != 0x80u && ++cp == column) return i;
  return len;
}

/* Parses s as 'parse' does, through its NFKC form when it has bytes beyond ASCII; a syntax error is
** placed at the same character of s as of the form (NFKC keeps full-width characters one for one). */
static budget_status normalised(const char *s, size_t len, void *out, text_error *err,
                                budget_status (*parse)(const char *, size_t, void *, text_error *)) {
  char buf[NFKC_MAX + 1];
  size_t n;
  text_error e;
  budget_status rc;
  if (!nfkc_needed(s, len) || nfkc(s, len, buf, sizeof buf, &n) != BUDGET_OK) return parse(s, len, out, err);
  rc = parse(buf, n, out, &e);
  if (rc == BUDGET_ESYNTAX && err) text_error_at(err, s, offset_of_column(s, len, e.column), e.expected);
  else if (rc && err) *err = e;
  return rc;
}

static budget_status parse_rate_any(const char *s, size_t len, void *out, text_error *err) {
  return parse_rate(s, len, out, err);
}

static budget_status parse_money_any(const char *s, size_t len, void *out, text_error *err) {
  return parse_money(s, len, out, err);
}

budget_status rate_parse(const char *s, size_t len, rate *out, text_error *err) {
  return normalised(s, len, out, err, parse_rate_any);
}

budget_status money_parse(const char *s, size_t len, money *out, text_error *err) {
  return normalised(s, len, out, err, parse_money_any);
}

/* }================================================================== */
