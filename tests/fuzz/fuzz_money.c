/*
** tests/fuzz/fuzz_money.c
** libFuzzer target: any bytes as an amount ('1,234.56', '52.50万元'). A parse
** may fail (with a position inside the text); one that succeeds must format
** and parse back to the same fen in every style.
** See LICENSE for copyright and license.
*/
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/money.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken promise is a crash, so that libFuzzer keeps the input. */
#define require(c) do { if (!(c)) __builtin_trap(); } while (0)

static const money_style styles[] = {
  {MONEY_YUAN, 2, true, MONEY_SUFFIX_NONE}, {MONEY_YUAN, 2, false, MONEY_SUFFIX_LONG},
  {MONEY_WAN, 6, true, MONEY_SUFFIX_LONG}, {MONEY_YI, 10, false, MONEY_SUFFIX_SHORT}};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *s = (const char *)data;
  money m = 0, back;
  text_error err = {0, 0, NULL};
  char buf[MONEY_TEXT_MAX];
  size_t len, i;
  budget_status rc = money_parse(s, size, &m, &err);
  if (rc != BUDGET_OK) {
    require(rc == BUDGET_ESYNTAX || rc == BUDGET_EOVERFLOW);
    require(err.expected == NULL || err.offset <= size);
    return 0;
  }
  for (i = 0; i < sizeof styles / sizeof styles[0]; i++) {
    require(money_format(NULL, m, &styles[i], buf, sizeof buf, &len) == BUDGET_OK);
    require(len == strlen(buf));
    require(money_parse(buf, len, &back, NULL) == BUDGET_OK && back == m);  /* exact styles only */
  }
  /* Fewer decimals round: the text must still parse, within half a unit of the amount. */
  {
    money_style wan0 = {MONEY_WAN, 0, true, MONEY_SUFFIX_LONG};
    require(money_format(NULL, m, &wan0, buf, sizeof buf, &len) == BUDGET_OK);
    rc = money_parse(buf, len, &back, NULL);
    require(rc == BUDGET_OK || rc == BUDGET_EOVERFLOW);
  }
  return 0;
}
