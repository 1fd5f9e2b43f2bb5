/*
** tests/core/test_document.c
** Every amount the SAST document writes, in 元 and in 万元, parses and
** formats back to the same text. The amounts are found by scanning the
** document itself, not a copy of its numbers.
** See LICENSE for copyright and license.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "core/money.h"
#include "testutil.h"

static bool isdigit_(char c) {
  return c >= '0' && c <= '9';
}

/* The unit word right after an amount, if any: longest first. */
static size_t unit_after(const char *s, money_style *st) {
  static const struct {
    const char *word;
    money_unit unit;
    money_suffix suffix;
  } words[] = {{"万元", MONEY_WAN, MONEY_SUFFIX_LONG}, {"亿元", MONEY_YI, MONEY_SUFFIX_LONG},
               {"万", MONEY_WAN, MONEY_SUFFIX_SHORT},  {"亿", MONEY_YI, MONEY_SUFFIX_SHORT},
               {"元", MONEY_YUAN, MONEY_SUFFIX_LONG}};
  size_t k;
  for (k = 0; k < sizeof words / sizeof words[0]; k++) {
    size_t n = strlen(words[k].word);
    if (strncmp(s, words[k].word, n) == 0) {
      st->unit = words[k].unit;
      st->suffix = words[k].suffix;
      return n;
    }
  }
  st->unit = MONEY_YUAN;
  st->suffix = MONEY_SUFFIX_NONE;
  return 0;
}

/*
** A number is an amount when it says so: a unit after it (万元, 元), thousands
** separators (the 元 tables), or exactly two decimals (the 万元 table). That
** leaves out codes (206 07 01), years, dates and list numbers.
*/
static void test_document_amounts_round_trip(void **state) {
  size_t len = 0, i = 0, amounts = 0, in_wan = 0, grouped = 0;
  char *doc = read_file(SAST_DOCUMENT, &len);
  (void)state;
  if (doc == NULL) fail_msg("cannot read %s (run from the repository root)", SAST_DOCUMENT);
  while (i < len) {
    size_t start = i, end, dot = 0, ulen;
    bool comma = false, neg;
    money_style st;
    money m;
    text_error err;
    char text[64], back[MONEY_TEXT_MAX];
    if (!isdigit_(doc[i]) || (i > 0 && (isdigit_(doc[i - 1]) || doc[i - 1] == ',' || doc[i - 1] == '.'))) {
      i++;
      continue;
    }
    while (i < len && (isdigit_(doc[i]) || doc[i] == ',' || doc[i] == '.')) {
      if (doc[i] == ',') comma = true;
      if (doc[i] == '.') dot = i;
      i++;
    }
    while (i > start && (doc[i - 1] == ',' || doc[i - 1] == '.')) i--;  /* punctuation after it */
    if (dot >= i) dot = 0;
    end = i;
    ulen = unit_after(doc + end, &st);
    st.decimals = dot ? (int)(end - dot - 1) : 0;
    st.grouping = comma;
    if (ulen == 0 && !comma && !(dot && st.decimals == 2)) continue;
    neg = start > 0 && doc[start - 1] == '-';
    if (neg) start--;
    end += ulen;
    if (end - start >= sizeof text) fail_msg("an amount of %zu bytes at byte %zu", end - start, start);
    memcpy(text, doc + start, end - start);
    text[end - start] = '\0';
    if (money_parse(text, end - start, &m, &err) != BUDGET_OK)
      fail_msg("'%s' at byte %zu: %s at character %zu", text, start, err.expected, err.column);
    assert_int_equal(money_format(NULL, m, &st, back, sizeof back, NULL), BUDGET_OK);
    if (strcmp(back, text) != 0) fail_msg("'%s' formats back as '%s'", text, back);
    amounts++;
    in_wan += st.unit == MONEY_WAN;
    grouped += comma;
    i = end;
  }
  free(doc);
  /* The document has over 300 grouped amounts in its 元 tables and dozens in 万元; fewer means the scan broke. */
  assert_true(amounts > 350);
  assert_true(grouped > 300);
  assert_true(in_wan > 40);
  print_message("%zu amounts round-tripped (%zu grouped, %zu in 万元)\n", amounts, grouped, in_wan);
}

/* A few amounts whose values the primer states, read from the document's own text. */
static void test_document_known_totals(void **state) {
  static const char *const stated[] = {
    "一、财政拨款收入 99,544,700",
    "二、事业收入 11,109,421",
    "收入总计 110,654,121",
    "77.07 52.50 7.47 17.10",  /* the 三公 table's row, in 万元 */
  };
  size_t len, k;
  char *doc = read_file(SAST_DOCUMENT, &len);
  money a, b, sum;
  (void)state;
  assert_non_null(doc);
  for (k = 0; k < sizeof stated / sizeof stated[0]; k++) assert_non_null(strstr(doc, stated[k]));
  free(doc);
  /* income: the two sources add up to the total the document states */
  assert_int_equal(money_parse("99,544,700", 10, &a, NULL), BUDGET_OK);
  assert_int_equal(money_parse("11,109,421", 10, &b, NULL), BUDGET_OK);
  assert_int_equal(money_add(a, b, &sum), BUDGET_OK);
  assert_int_equal(money_parse("110,654,121", 11, &a, NULL), BUDGET_OK);
  assert_int_equal(sum, a);
  /* 三公: the lines add up to the total, in 万元 */
  assert_int_equal(money_parse("52.50万元", strlen("52.50万元"), &a, NULL), BUDGET_OK);
  assert_int_equal(money_parse("7.47万", strlen("7.47万"), &b, NULL), BUDGET_OK);
  assert_int_equal(money_add(a, b, &sum), BUDGET_OK);
  assert_int_equal(money_parse("17.10万元", strlen("17.10万元"), &a, NULL), BUDGET_OK);
  assert_int_equal(money_add(sum, a, &sum), BUDGET_OK);
  assert_int_equal(money_parse("77.07万元", strlen("77.07万元"), &a, NULL), BUDGET_OK);
  assert_int_equal(sum, a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_document_amounts_round_trip),
    cmocka_unit_test(test_document_known_totals),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
