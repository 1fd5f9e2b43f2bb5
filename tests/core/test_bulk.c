/*
** tests/core/test_bulk.c
** Bulk CSV loading: members in preorder become the tree their codes describe;
** random cells, in order and shuffled, give the totals a brute-force sum over
** the same cells gives; the prefetching reader stores exactly what the plain
** one does; every malformed line is reported with its number and what was
** expected.
** See LICENSE for copyright and license.
*/
#define _POSIX_C_SOURCE 200809L  /* mkstemp */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/bulk.h"
#include "testutil.h"

/* A model with one dimension loaded from 'members' and a fact set over it (grain 1 fen). */
static model *load(const char *members, size_t *set) {
  model *m;
  size_t dim;
  bulk_error err;
  assert_int_equal(model_new(mem_default(), &m), BUDGET_OK);
  assert_int_equal(model_add_dim(m, "功能分类", &dim), BUDGET_OK);
  assert_int_equal(bulk_members(m, dim, members, strlen(members), &err), BUDGET_OK);
  assert_int_equal(hier_seal(model_dim(m, dim)), BUDGET_OK);
  assert_int_equal(model_add_facts(m, "支出", &dim, 1, 1, set), BUDGET_OK);
  return m;
}

static hier_id member(const model *m, const char *code) {
  hier_id id;
  assert_int_equal(hier_find_code(model_dim(m, 0), code, strlen(code), &id), BUDGET_OK);
  return id;
}

/* The parent of each member is the line above whose code its own extends; quoting as RFC 4180;
   a spreadsheet's byte order mark before the first line is skipped. */
static void test_bulk_members_tree(void **state) {
  static const char text[] =
      "\xEF\xBB\xBF" "201,一般公共服务支出\n"
      "20101,人大事务\r\n"
      "2010101,行政运行\n"
      "2010102,\"一般行政管理事务, 其他\"\n"
      "20102,政协事务\n"
      "\n"
      "206,科学技术支出\n"
      "206 01,科学技术管理事务\n"
      ",\"说 \"\"明\"\"\"\n";
  size_t set;
  model *m = load(text, &set);
  const hier *h = model_dim(m, 0);
  hier_id top, named;
  (void)state;
  assert_int_equal(hier_count(h), 8);
  assert_int_equal(hier_parent(h, member(m, "2010102")), member(m, "20101"));
  assert_int_equal(hier_parent(h, member(m, "20102")), member(m, "201"));
  assert_int_equal(hier_parent(h, member(m, "20601")), member(m, "206"));
  top = member(m, "206");
  assert_int_equal(hier_parent(h, top), HIER_NONE);
  assert_string_equal(hier_member_name(h, member(m, "2010102")), "一般行政管理事务, 其他");
  assert_int_equal(hier_find(h, "说 \"明\"", strlen("说 \"明\""), &named, NULL), BUDGET_OK);
  assert_int_equal(hier_parent(h, named), HIER_NONE);
  assert_int_equal(hier_depth(h, member(m, "2010101")), 2);
  model_free(m);
}

/* A random tree of 类/款/项 codes: 'codes' gets every member's code, in preorder. */
static size_t random_tree(uint64_t *rng, char (*codes)[8], size_t cap, char **csv) {
  size_t n = 0, len = 0, size = cap * 32;
  unsigned l1, l2, l3, n1 = 3 + (unsigned)prng_below(rng, 4);
  char *out = malloc(size);
  assert_non_null(out);
  for (l1 = 0; l1 < n1; l1++) {
    unsigned n2 = 1 + (unsigned)prng_below(rng, 5);
    assert_true(n < cap);
    snprintf(codes[n], 8, "%03u", 201 + l1);
    len += (size_t)snprintf(out + len, size - len, "%s,类%u\n", codes[n++], l1);
    for (l2 = 0; l2 < n2; l2++) {
      unsigned n3 = (unsigned)prng_below(rng, 6);  /* 0: the 款 is itself a leaf */
      assert_true(n < cap);
      snprintf(codes[n], 8, "%03u%02u", 201 + l1, l2 + 1);
      len += (size_t)snprintf(out + len, size - len, "%s,款%u.%u\n", codes[n++], l1, l2);
      for (l3 = 0; l3 < n3; l3++) {
        assert_true(n < cap);
        snprintf(codes[n], 8, "%03u%02u%02u", 201 + l1, l2 + 1, l3 + 1);
        len += (size_t)snprintf(out + len, size - len, "%s,项%u.%u.%u\n", codes[n++], l1, l2, l3);
      }
    }
  }
  *csv = out;
  return n;
}

static bool is_leaf_code(char (*codes)[8], size_t n, size_t i) {
  return i + 1 == n || strncmp(codes[i + 1], codes[i], strlen(codes[i])) != 0;
}

/* Writes text to a new temporary file; returns its path (static storage, one at a time). */
static const char *temp_file(const char *text) {
  static char path[] = "/tmp/test_bulk_XXXXXX";
  int fd;
  strcpy(path, "/tmp/test_bulk_XXXXXX");
  fd = mkstemp(path);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
  close(fd);
  return path;
}

/*
** Random trees and cells, listed in member order or shuffled, amounts in 元 or
** 万元: every member's total equals the sum the test makes itself over the
** cells whose code its code begins; the prefetching reader agrees cell by cell.
*/
static void test_bulk_totals_match_brute_force(void **state) {
  uint64_t rng = 0x5AB2021;
  int round;
  (void)state;
  for (round = 0; round < 20; round++) {
    char codes[256][8], *members, *cells;
    money amount[256];
    size_t n = random_tree(&rng, codes, 256, &members), i, j, len = 0, set, order[256], nleaf = 0;
    model *m = load(members, &set), *m2;
    size_t size = 256 * 48, dim;
    bulk_error err;
    bulk_prefetch *pf;
    facts *f;
    cells = malloc(size);
    assert_non_null(cells);
    for (i = 0; i < n; i++)
      if (is_leaf_code(codes, n, i)) order[nleaf++] = i;
    if (round % 2)  /* shuffled: the sequential guess misses, the hash lookup finds */
      for (i = nleaf; i > 1; i--) {
        size_t k = (size_t)prng_below(&rng, i), t = order[i - 1];
        order[i - 1] = order[k], order[k] = t;
      }
    if (round % 4 == 2) len += (size_t)snprintf(cells, size, "\xEF\xBB\xBF");  /* as a spreadsheet saves it */
    for (j = 0; j < nleaf; j++) {
      i = order[j];
      if (prng_below(&rng, 4) == 0) {
        amount[i] = (money)prng_below(&rng, 1000) * 100 * 10000;
        len += (size_t)snprintf(cells + len, size - len, "%s,%lld万\n", codes[i], (long long)(amount[i] / 1000000));
      } else {
        amount[i] = (money)prng_below(&rng, 100000000) - 1000000;
        len += (size_t)snprintf(cells + len, size - len, "%s,%s%lld.%02lld\n", codes[i], amount[i] < 0 ? "-" : "",
                                (long long)(amount[i] < 0 ? -amount[i] : amount[i]) / 100,
                                (long long)(amount[i] < 0 ? -amount[i] : amount[i]) % 100);
      }
    }
    assert_int_equal(bulk_cells(m, set, cells, len, &err), BUDGET_OK);
    f = model_facts(m, set);
    assert_int_equal(facts_count(f), nleaf);
    for (i = 0; i < n; i++) {
      money want = 0, got;
      hier_id sel[1];
      for (j = 0; j < n; j++)
        if (is_leaf_code(codes, n, j) && strncmp(codes[j], codes[i], strlen(codes[i])) == 0) want += amount[j];
      sel[0] = member(m, codes[i]);
      assert_int_equal(facts_total(f, sel, &got), BUDGET_OK);
      assert_int_equal(got, want);
    }
    /* the same cells through the prefetching reader, into a second model */
    assert_int_equal(bulk_prefetch_start(temp_file(cells), 2, &pf), BUDGET_OK);
    assert_int_equal(model_new(mem_default(), &m2), BUDGET_OK);
    assert_int_equal(model_add_dim(m2, "功能分类", &dim), BUDGET_OK);
    assert_int_equal(bulk_members(m2, dim, members, strlen(members), &err), BUDGET_OK);
    assert_int_equal(hier_seal(model_dim(m2, dim)), BUDGET_OK);
    assert_int_equal(model_add_facts(m2, "支出", &dim, 1, 1, &set), BUDGET_OK);
    assert_int_equal(bulk_cells_prefetched(m2, set, pf, &err), BUDGET_OK);
    bulk_prefetch_free(pf);
    unlink(temp_file(""));
    assert_int_equal(facts_count(model_facts(m2, set)), nleaf);
    for (i = 0; i < nleaf; i++) {
      hier_id key = facts_key(f, i, 0);
      size_t cell;
      assert_int_equal(facts_find(model_facts(m2, set), &key, &cell), BUDGET_OK);
      assert_int_equal(facts_amount(model_facts(m2, set), cell), facts_amount(f, i));
    }
    model_free(m2);
    model_free(m);
    free(members);
    free(cells);
  }
}

typedef struct bad_case {
  const char *text;
  size_t line;
  const char *says;
} bad_case;

/* Each malformed members text fails at the line named, saying what was expected. */
static void test_bulk_members_errors(void **state) {
  static const bad_case cases[] = {
      {"201,一般公共服务支出\n202\n", 2, "2 fields, got 1"},
      {"201,a\n201,b\n", 2, "used twice"},
      {"201,a\n20101,\n", 2, "non-empty name"},
      {"201,a\n20101,x/y\n", 2, "without '/'"},
      {"201,a\n\n20101,\"open\n", 3, "expected"},
      {"201,a\n20101,\"x\"y\n", 2, "expected"},
  };
  size_t i;
  (void)state;
  for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    model *m;
    size_t dim;
    bulk_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(model_new(mem_default(), &m), BUDGET_OK);
    assert_int_equal(model_add_dim(m, "功能分类", &dim), BUDGET_OK);
    assert_int_not_equal(bulk_members(m, dim, cases[i].text, strlen(cases[i].text), &err), BUDGET_OK);
    if (err.line != cases[i].line || strstr(err.message, cases[i].says) == NULL)
      fail_msg("case %zu: line %zu '%s'; expected line %zu saying '%s'", i, err.line, err.message, cases[i].line,
               cases[i].says);
    model_free(m);
  }
}

/* Each malformed cells text fails at the line named, saying what was expected. */
static void test_bulk_cells_errors(void **state) {
  static const bad_case cases[] = {
      {"2010101,5\n2010101,6\n", 2, "given twice"},
      {"2010101,5\n999,6\n", 2, "not a member of 功能分类"},
      {"201,5\n", 1, "goes on leaves"},
      {"2010101,5,6\n", 1, "2 fields, got 3"},
      {"2010101,5\n2010102,1.2.3\n", 2, "malformed amount '1.2.3'"},
      {"2010101,5\n2010102,12元3\n", 2, "malformed amount"},
      {"2010101,99999999999999999999\n", 1, "malformed amount"},
  };
  size_t i;
  (void)state;
  for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    size_t set;
    model *m = load("201,a\n20101,b\n2010101,c\n2010102,d\n", &set);
    bulk_error err;
    memset(&err, 0, sizeof err);
    assert_int_not_equal(bulk_cells(m, set, cases[i].text, strlen(cases[i].text), &err), BUDGET_OK);
    if (err.line != cases[i].line || strstr(err.message, cases[i].says) == NULL)
      fail_msg("case %zu: line %zu '%s'; expected line %zu saying '%s'", i, err.line, err.message, cases[i].line,
               cases[i].says);
    model_free(m);
  }
}

/* A file that cannot be read is EIO, with its path in the message; the prefetch says so too. */
static void test_bulk_missing_file(void **state) {
  size_t set;
  model *m = load("201,a\n", &set);
  bulk_error err;
  bulk_prefetch *pf;
  (void)state;
  assert_int_equal(bulk_cells_file(m, set, "/nonexistent/cells.csv", &err), BUDGET_EIO);
  assert_non_null(strstr(err.message, "/nonexistent/cells.csv"));
  assert_int_equal(bulk_prefetch_start("/nonexistent/cells.csv", 2, &pf), BUDGET_OK);
  assert_int_not_equal(bulk_cells_prefetched(m, set, pf, &err), BUDGET_OK);
  assert_non_null(strstr(err.message, "/nonexistent/cells.csv"));
  bulk_prefetch_free(pf);
  model_free(m);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bulk_members_tree),
      cmocka_unit_test(test_bulk_totals_match_brute_force),
      cmocka_unit_test(test_bulk_members_errors),
      cmocka_unit_test(test_bulk_cells_errors),
      cmocka_unit_test(test_bulk_missing_file),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
