/*
** tests/core/test_facts.c
** Fact sets: the SAST 部门支出预算总表's leaf rows as cells, every parent row
** and the 合计 derived and compared with what the document states; totals and
** rollups against a brute-force sum over random cells; the errors.
** See LICENSE for copyright and license.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/facts.h"
#include "testutil.h"

/* One row of the document's 部门支出预算总表: its code, name and first number (合计). */
typedef struct row {
  char code[16];
  char name[128];
  money total;
} row;

/* Reads the table's rows and its 合计 line from the document; returns the row count. */
static size_t read_rows(row *rows, size_t cap, money *grand) {
  size_t len = 0, n = 0;
  char *doc = read_file(SAST_DOCUMENT, &len), *p, *end;
  assert_non_null(doc);
  p = strstr(doc, "2021年部门支出预算总表");
  end = p ? strstr(p, "2021年部门财政拨款收支预算总表") : NULL;
  assert_non_null(end);
  *grand = -1;
  for (; p < end; p = strchr(p, '\n') + 1) {
    char *eol = strchr(p, '\n'), *num;
    size_t c = 0;
    if (eol == NULL || eol > end) break;
    if (strncmp(p, "合计 ", strlen("合计 ")) == 0) {
      num = p + strlen("合计 ");
      assert_int_equal(money_parse(num, strcspn(num, " \n"), grand, NULL), BUDGET_OK);
      continue;
    }
    if (!(p[0] >= '0' && p[0] <= '9') || p[3] != ' ') continue;  /* a code: 3 digits, then a space */
    assert_true(n < cap);
    while (p[0] >= '0' && p[0] <= '9') {  /* '206 07 01 ' → '2060701' */
      rows[n].code[c++] = *p++;
      if (*p == ' ' && p[1] >= '0' && p[1] <= '9' && (p[3] == ' ' || p[3] == '\n') && c >= 3) p++;
    }
    rows[n].code[c] = '\0';
    p++;
    c = strcspn(p, " ");
    memcpy(rows[n].name, p, c);
    rows[n].name[c] = '\0';
    num = p + c + 1;
    assert_int_equal(money_parse(num, strcspn(num, " \n"), &rows[n].total, NULL), BUDGET_OK);
    n++;
  }
  free(doc);
  assert_true(*grand > 0);
  return n;
}

/*
** Only the leaf rows become cells; every parent row's 合计 and the table's
** 合计 are then derived, and each must equal what the document states.
*/
static void test_facts_document_parents(void **state) {
  row rows[64];
  money grand, total;
  size_t n, i, parents = 0;
  hier *h;
  facts *f;
  const hier *dims[1];
  hier_id *ids = test_malloc(64 * sizeof *ids);
  (void)state;
  n = read_rows(rows, 64, &grand);
  assert_true(n > 20);
  assert_int_equal(hier_new(mem_default(), "功能分类", &h), BUDGET_OK);
  for (i = 0; i < n; i++) {
    size_t len = strlen(rows[i].code);
    hier_id parent = HIER_NONE;
    if (len > 3) assert_int_equal(hier_find(h, rows[i].code, len - 2, &parent, NULL), BUDGET_OK);
    assert_int_equal(hier_add(h, parent, rows[i].code, rows[i].name, &ids[i]), BUDGET_OK);
  }
  assert_int_equal(hier_seal(h), BUDGET_OK);
  dims[0] = h;
  assert_int_equal(facts_new(mem_default(), "支出", dims, 1, 100, &f), BUDGET_OK);  /* whole 元 */
  for (i = 0; i < n; i++)
    if (hier_is_leaf(h, ids[i])) assert_int_equal(facts_put(f, &ids[i], rows[i].total, NULL), BUDGET_OK);
  for (i = 0; i < n; i++) {
    hier_id sel[1];
    sel[0] = ids[i];
    assert_int_equal(facts_total(f, sel, &total), BUDGET_OK);
    if (total != rows[i].total) fail_msg("%s %s: derived %lld, stated %lld", rows[i].code, rows[i].name,
                                         (long long)total, (long long)rows[i].total);
    parents += !hier_is_leaf(h, ids[i]);
  }
  assert_true(parents >= 10);
  assert_int_equal(facts_total(f, NULL, &total), BUDGET_OK);
  assert_int_equal(total, grand);
  {  /* the rollup gives every member's total in one pass */
    money *all = test_malloc(hier_count(h) * sizeof *all);
    assert_int_equal(facts_rollup(f, 0, NULL, all), BUDGET_OK);
    for (i = 0; i < n; i++) assert_int_equal(all[ids[i]], rows[i].total);
    test_free(all);
  }
  facts_free(f);
  hier_free(h);
  test_free(ids);
}

/* A small three-dimensional set over function × source × kind, as in the SAST facts. */
typedef struct cube {
  hier *dims[3];
  facts *f;
} cube;

static void make_cube(cube *c, const mem_allocator *A) {
  static const char *const fn[][3] = {
    {"206", NULL, "科学技术支出"}, {"20601", "206", "科学技术管理事务"}, {"2060101", "20601", "行政运行"},
    {"20607", "206", "科学技术普及"}, {"2060701", "20607", "机构运行"}, {"2060702", "20607", "科普活动"},
    {"221", NULL, "住房保障支出"}, {"22102", "221", "住房改革支出"}, {"2210201", "22102", "住房公积金"},
  };
  static const char *const src[][2] = {
    {"财政拨款收入", NULL}, {"一般公共预算", "财政拨款收入"}, {"政府性基金", "财政拨款收入"}, {"事业收入", NULL},
  };
  static const char *const kind[][2] = {
    {"基本支出", NULL}, {"人员经费", "基本支出"}, {"公用经费", "基本支出"}, {"项目支出", NULL},
  };
  size_t i;
  hier_id id, p;
  assert_int_equal(hier_new(A, "功能分类", &c->dims[0]), BUDGET_OK);
  assert_int_equal(hier_new(A, "资金来源", &c->dims[1]), BUDGET_OK);
  assert_int_equal(hier_new(A, "支出性质", &c->dims[2]), BUDGET_OK);
  for (i = 0; i < sizeof fn / sizeof fn[0]; i++) {
    p = HIER_NONE;
    if (fn[i][1]) assert_int_equal(hier_find(c->dims[0], fn[i][1], strlen(fn[i][1]), &p, NULL), BUDGET_OK);
    assert_int_equal(hier_add(c->dims[0], p, fn[i][0], fn[i][2], &id), BUDGET_OK);
  }
  for (i = 0; i < 4; i++) {
    p = HIER_NONE;
    if (src[i][1]) assert_int_equal(hier_find(c->dims[1], src[i][1], strlen(src[i][1]), &p, NULL), BUDGET_OK);
    assert_int_equal(hier_add(c->dims[1], p, NULL, src[i][0], &id), BUDGET_OK);
    p = HIER_NONE;
    if (kind[i][1]) assert_int_equal(hier_find(c->dims[2], kind[i][1], strlen(kind[i][1]), &p, NULL), BUDGET_OK);
    assert_int_equal(hier_add(c->dims[2], p, NULL, kind[i][0], &id), BUDGET_OK);
  }
  for (i = 0; i < 3; i++) assert_int_equal(hier_seal(c->dims[i]), BUDGET_OK);
  assert_int_equal(facts_new(A, "支出", (const hier *const *)c->dims, 3, 1, &c->f), BUDGET_OK);
}

static void free_cube(cube *c) {
  size_t i;
  facts_free(c->f);
  for (i = 0; i < 3; i++) hier_free(c->dims[i]);
}

/* Random cells; every selection's total equals a brute-force sum, and rollups equal totals. */
static void test_facts_totals_match_brute_force(void **state) {
  cube c;
  uint64_t rng = 42;
  size_t i, cell, seen;
  hier_id sel[3], key[3], a, b, k;
  money total, brute, *roll;
  facts_iter it;
  (void)state;
  make_cube(&c, mem_default());
  for (i = 0; i < 200; i++) {
    size_t d;
    for (d = 0; d < 3; d++) {
      do key[d] = (hier_id)prng_below(&rng, hier_count(c.dims[d]));
      while (!hier_is_leaf(c.dims[d], key[d]));
    }
    assert_int_equal(facts_add(c.f, key, (money)prng_below(&rng, 100000000) - 20000000, NULL), BUDGET_OK);
  }
  assert_true(facts_count(c.f) <= 3 * 3 * 3 * 3);
  roll = test_malloc(hier_count(c.dims[0]) * sizeof *roll);
  for (a = 0; a < hier_count(c.dims[1]) + 1; a++) {
    for (b = 0; b < hier_count(c.dims[2]) + 1; b++) {
      sel[1] = a == hier_count(c.dims[1]) ? HIER_NONE : a;
      sel[2] = b == hier_count(c.dims[2]) ? HIER_NONE : b;
      assert_int_equal(facts_rollup(c.f, 0, sel, roll), BUDGET_OK);
      for (k = 0; k < hier_count(c.dims[0]) + 1; k++) {
        sel[0] = k == hier_count(c.dims[0]) ? HIER_NONE : k;
        brute = 0;
        seen = 0;
        for (cell = 0; cell < facts_count(c.f); cell++) {
          bool in = true;
          size_t d;
          for (d = 0; d < 3; d++) {  /* walk up the parents: independent of the preorder ranges */
            hier_id m = facts_key(c.f, cell, d);
            while (sel[d] != HIER_NONE && m != HIER_NONE && m != sel[d]) m = hier_parent(c.dims[d], m);
            in = in && (sel[d] == HIER_NONE || m == sel[d]);
          }
          if (in) brute += facts_amount(c.f, cell);
        }
        assert_int_equal(facts_total(c.f, sel, &total), BUDGET_OK);
        assert_int_equal(total, brute);
        if (sel[0] != HIER_NONE) assert_int_equal(roll[sel[0]], brute);
        facts_iter_init(&it, c.f, sel);
        brute = 0;
        while (facts_iter_next(&it, &cell)) {
          assert_true(facts_selected(c.f, cell, sel));
          brute += facts_amount(c.f, cell);
          seen++;
        }
        assert_int_equal(total, brute);
      }
    }
  }
  test_free(roll);
  free_cube(&c);
}

/* Cells only on leaves, in whole grains, once with put, and sums that fit. */
static void test_facts_errors(void **state) {
  cube c;
  hier_id key[3], parent[3];
  size_t cell = 99, cell2;
  money total;
  (void)state;
  make_cube(&c, mem_default());
  assert_int_equal(hier_find(c.dims[0], "2060701", 7, &key[0], NULL), BUDGET_OK);
  assert_int_equal(hier_find(c.dims[1], "一般公共预算", strlen("一般公共预算"), &key[1], NULL), BUDGET_OK);
  assert_int_equal(hier_find(c.dims[2], "人员经费", strlen("人员经费"), &key[2], NULL), BUDGET_OK);
  memcpy(parent, key, sizeof key);
  assert_int_equal(hier_find(c.dims[0], "20607", 5, &parent[0], NULL), BUDGET_OK);
  assert_int_equal(facts_add(c.f, parent, 100, NULL), BUDGET_ENOTLEAF);
  parent[0] = 999;
  assert_int_equal(facts_add(c.f, parent, 100, NULL), BUDGET_EINVAL);
  assert_int_equal(facts_put(c.f, key, INT64_MAX, &cell), BUDGET_OK);
  assert_int_equal(cell, 0);
  assert_int_equal(facts_put(c.f, key, 1, NULL), BUDGET_EDUPLICATE);
  assert_int_equal(facts_add(c.f, key, 1, NULL), BUDGET_EOVERFLOW);
  assert_int_equal(facts_amount(c.f, 0), INT64_MAX);  /* unchanged */
  assert_int_equal(facts_find(c.f, key, &cell2), BUDGET_OK);
  assert_int_equal(cell2, 0);
  key[2] = 2;  /* 公用经费 */
  assert_int_equal(facts_find(c.f, key, &cell2), BUDGET_ENOTFOUND);
  assert_int_equal(facts_add(c.f, key, 1, NULL), BUDGET_OK);
  assert_int_equal(facts_total(c.f, NULL, &total), BUDGET_EOVERFLOW);
  free_cube(&c);
  {
    hier *h;
    facts *f;
    const hier *d[1];
    hier_id id;
    assert_int_equal(hier_new(mem_default(), "d", &h), BUDGET_OK);
    assert_int_equal(hier_add(h, HIER_NONE, "1", "一", &id), BUDGET_OK);
    d[0] = h;
    assert_int_equal(facts_new(mem_default(), "x", d, 1, 100, &f), BUDGET_ESTATE);  /* not sealed */
    assert_int_equal(hier_seal(h), BUDGET_OK);
    assert_int_equal(facts_new(mem_default(), "x", d, 0, 100, &f), BUDGET_EINVAL);
    assert_int_equal(facts_new(mem_default(), "x", d, 1, 0, &f), BUDGET_EINVAL);
    assert_int_equal(facts_new(mem_default(), "x", d, 1, 100, &f), BUDGET_OK);
    assert_int_equal(facts_add(f, &id, 150, NULL), BUDGET_EGRAIN);  /* 1.50 元 in a whole-yuan set */
    assert_int_equal(facts_add(f, &id, 200, NULL), BUDGET_OK);
    assert_int_equal(facts_grain(f), 100);
    facts_free(f);
    hier_free(h);
  }
}

/*
** A key already stored is a duplicate however the cells came: after 4,096 cells in key order
** the index waits, and a key below the greatest so far must still be found.
*/
static void test_facts_duplicate_after_in_order_run(void **state) {
  hier *h;
  facts *f;
  const hier *d[1];
  hier_id id, key;
  size_t i;
  char code[16];
  money total;
  (void)state;
  assert_int_equal(hier_new(mem_default(), "d", &h), BUDGET_OK);
  for (i = 0; i < 6000; i++) {
    snprintf(code, sizeof code, "%04zu", i + 1000);
    assert_int_equal(hier_add(h, HIER_NONE, code, code, &id), BUDGET_OK);
  }
  assert_int_equal(hier_seal(h), BUDGET_OK);
  d[0] = h;
  assert_int_equal(facts_new(mem_default(), "x", d, 1, 1, &f), BUDGET_OK);
  key = 4999;
  assert_int_equal(facts_put(f, &key, 7, NULL), BUDGET_OK);
  for (key = 0; key <= 4097; key++) assert_int_equal(facts_put(f, &key, 1, NULL), BUDGET_OK);
  key = 4999;
  assert_int_equal(facts_put(f, &key, 7, NULL), BUDGET_EDUPLICATE);
  for (key = 5000; key < 6000; key++) assert_int_equal(facts_put(f, &key, 1, NULL), BUDGET_OK);
  key = 5500;
  assert_int_equal(facts_put(f, &key, 7, NULL), BUDGET_EDUPLICATE);
  assert_int_equal(facts_count(f), 1 + 4098 + 1000);
  assert_int_equal(facts_total(f, NULL, &total), BUDGET_OK);
  assert_int_equal(total, 7 + 4098 + 1000);
  facts_free(f);
  hier_free(h);
}

/* A total is EOVERFLOW exactly when it does not fit, whatever order its cells add in. */
static void test_facts_total_overflow_is_order_free(void **state) {
  hier *h;
  facts *f;
  const hier *d[1];
  hier_id id, key, top;
  money total;
  (void)state;
  assert_int_equal(hier_new(mem_default(), "d", &h), BUDGET_OK);
  assert_int_equal(hier_add(h, HIER_NONE, "1", "top", &top), BUDGET_OK);
  assert_int_equal(hier_add(h, top, "101", "a", &id), BUDGET_OK);
  assert_int_equal(hier_add(h, top, "102", "b", &id), BUDGET_OK);
  assert_int_equal(hier_add(h, top, "103", "c", &id), BUDGET_OK);
  assert_int_equal(hier_seal(h), BUDGET_OK);
  d[0] = h;
  assert_int_equal(facts_new(mem_default(), "x", d, 1, 1, &f), BUDGET_OK);
  key = 1, assert_int_equal(facts_put(f, &key, INT64_MAX, NULL), BUDGET_OK);
  key = 2, assert_int_equal(facts_put(f, &key, 1, NULL), BUDGET_OK);  /* MAX + 1 on the way */
  key = 3, assert_int_equal(facts_put(f, &key, -1, NULL), BUDGET_OK);
  assert_int_equal(facts_total(f, NULL, &total), BUDGET_OK);
  assert_int_equal(total, INT64_MAX);
  assert_int_equal(facts_total(f, &top, &total), BUDGET_OK);
  assert_int_equal(total, INT64_MAX);
  key = 2, assert_int_equal(facts_add(f, &key, 1, NULL), BUDGET_OK);
  assert_int_equal(facts_total(f, NULL, &total), BUDGET_EOVERFLOW);
  assert_int_equal(facts_total(f, &top, &total), BUDGET_EOVERFLOW);
  facts_free(f);
  hier_free(h);
}

/* Filling a set with the n-th allocation failing, for every n: ENOMEM, cells intact, no leak. */
static void test_facts_out_of_memory(void **state) {
  long n;
  bool done = false;
  (void)state;
  for (n = 1; !done; n++) {
    failing f = {0, 0, 0};
    mem_allocator A = failing_allocator(&f);
    cube c;
    budget_status rc = BUDGET_OK;
    hier_id key[3] = {2, 1, 1};
    money total;
    size_t i, before = 0;
    make_cube(&c, &A);
    f.fail_at = f.calls + n;  /* the set's own allocations, after the cube's */
    for (i = 0; i < 100 && rc == BUDGET_OK; i++) {
      key[0] = (hier_id)(i % 2 ? 2 : 4);
      key[1] = (hier_id)(1 + i % 2);
      key[2] = (hier_id)(i % 3 ? 1 : 3);
      before = facts_count(c.f);
      rc = facts_add(c.f, key, 100, NULL);
      if (rc == BUDGET_OK && i == 99) done = true;
    }
    if (!done) {
      assert_int_equal(rc, BUDGET_ENOMEM);
      assert_int_equal(facts_count(c.f), before);
    }
    assert_int_equal(facts_total(c.f, NULL, &total), BUDGET_OK);
    assert_int_equal(total, 100 * (money)(done ? 100 : i - 1));
    free_cube(&c);
    assert_int_equal(f.live, 0);
  }
  assert_true(n > 3);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_facts_document_parents),
    cmocka_unit_test(test_facts_totals_match_brute_force),
    cmocka_unit_test(test_facts_errors),
    cmocka_unit_test(test_facts_duplicate_after_in_order_run),
    cmocka_unit_test(test_facts_total_overflow_is_order_free),
    cmocka_unit_test(test_facts_out_of_memory),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
