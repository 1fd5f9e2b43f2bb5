/*
** tests/fuzz/fuzz_rate.c
** libFuzzer target: any bytes as a rate ('5%', '-3.5%', '0.95', '1/3'). A
** parse may fail; one that succeeds must be in lowest terms, format and parse
** back to itself, and apply to amounts without wrapping.
** See LICENSE for copyright and license.
*/
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/money.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define require(c) do { if (!(c)) __builtin_trap(); } while (0)

static int64_t gcd(int64_t a, int64_t b) {
  uint64_t x = a < 0 ? 0 - (uint64_t)a : (uint64_t)a, y = (uint64_t)b;
  while (y) {
    uint64_t t = x % y;
    x = y;
    y = t;
  }
  return (int64_t)x;
}

static const money amounts[] = {0, 1, -1, 50, -50, 6914981800, INT64_MAX, INT64_MIN};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  rate r, back;
  text_error err = {0, 0, NULL};
  char buf[128];
  size_t len, i;
  budget_status rc = rate_parse((const char *)data, size, &r, &err);
  if (rc != BUDGET_OK) {
    require(rc == BUDGET_ESYNTAX || rc == BUDGET_EOVERFLOW || rc == BUDGET_EDIVZERO);
    require(err.expected == NULL || err.offset <= size);
    return 0;
  }
  require(r.den > 0 && gcd(r.num, r.den) == 1);
  require(rate_format(r, buf, sizeof buf, &len) == BUDGET_OK && len == strlen(buf));
  require(rate_parse(buf, len, &back, NULL) == BUDGET_OK && rate_cmp(back, r) == 0);
  for (i = 0; i < sizeof amounts / sizeof amounts[0]; i++) {
    money_ctx ctx = {MONEY_ROUND_HALF_AWAY, 0};
    money out = 0;
    rc = money_mul_rate(&ctx, amounts[i], r, &out);
    require(rc == BUDGET_OK || rc == BUDGET_EOVERFLOW);
    rc = money_mul_rate_grain(&ctx, amounts[i], r, 100, &out);
    require(rc == BUDGET_OK || rc == BUDGET_EOVERFLOW);
  }
  return 0;
}
