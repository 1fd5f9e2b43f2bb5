/*
** tests/core/test_model_core.c
** Models: dimensions and fact sets owned together and found by name;
** references resolved across dimensions, with what a failure says.
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

#include "core/model.h"
#include "testutil.h"

/*
** 功能分类: 201 一般公共服务支出 {20129 群众团体事务 {2012901 行政运行}}, 206 科学技术支出
** {20601 科学技术管理事务 {2060101 行政运行}, 20607 科学技术普及 {2060701 机构运行}}, and 其他.
** 经济分类: 302 商品和服务支出 {30201 办公费}, 399 其他.
*/
typedef struct fixture {
  model *m;
  size_t func, econ;
  hier_id admin201, admin206, popular, sci, office, other_f, other_e;
} fixture;

static int setup(void **state) {
  fixture *fx = test_calloc(1, sizeof *fx);
  hier *h;
  hier_id a, b;
  if (fx == NULL || model_new(mem_default(), &fx->m) != BUDGET_OK) return -1;
  if (model_add_dim(fx->m, "功能分类", &fx->func) || model_add_dim(fx->m, "经济分类", &fx->econ)) return -1;
  h = model_dim(fx->m, fx->func);
  if (hier_add(h, HIER_NONE, "201", "一般公共服务支出", &a) || hier_add(h, a, "20129", "群众团体事务", &b) ||
      hier_add(h, b, "2012901", "行政运行", &fx->admin201) || hier_add(h, HIER_NONE, "206", "科学技术支出", &fx->sci) ||
      hier_add(h, fx->sci, "20601", "科学技术管理事务", &b) || hier_add(h, b, "2060101", "行政运行", &fx->admin206) ||
      hier_add(h, fx->sci, "20607", "科学技术普及", &b) || hier_add(h, b, "2060701", "机构运行", &fx->popular) ||
      hier_add(h, HIER_NONE, "299", "其他", &fx->other_f))
    return -1;
  h = model_dim(fx->m, fx->econ);
  if (hier_add(h, HIER_NONE, "302", "商品和服务支出", &a) || hier_add(h, a, "30201", "办公费", &fx->office) ||
      hier_add(h, HIER_NONE, "399", "其他", &fx->other_e))
    return -1;
  *state = fx;
  return 0;
}

static int teardown(void **state) {
  fixture *fx = *state;
  model_free(fx->m);
  test_free(fx);
  return 0;
}

/* Dimensions are numbered in the order they were added, found by name, unique. */
static void test_model_dims(void **state) {
  fixture *fx = *state;
  size_t i = 99, again;
  assert_int_equal(model_ndims(fx->m), 2);
  assert_int_equal(fx->func, 0);
  assert_int_equal(fx->econ, 1);
  assert_string_equal(hier_name(model_dim(fx->m, fx->func)), "功能分类");
  assert_string_equal(hier_name(model_dim(fx->m, fx->econ)), "经济分类");
  assert_int_equal(model_dim_index(fx->m, "经济分类", &i), BUDGET_OK);
  assert_int_equal(i, fx->econ);
  i = 99;
  assert_int_equal(model_dim_index(fx->m, "资金来源", &i), BUDGET_ENOTFOUND);
  assert_int_equal(i, 99);
  assert_int_equal(model_add_dim(fx->m, "功能分类", &again), BUDGET_EDUPLICATE);
  assert_int_equal(model_ndims(fx->m), 2);
  assert_int_equal(hier_count(model_dim(fx->m, fx->func)), 9);
}

/* Fact sets over sealed dimensions, found by name; errors leave the model as it was. */
static void test_model_facts(void **state) {
  model *m;
  size_t d0, d1, dims[2], set = 99, i = 99;
  hier_id a, b, key[2];
  money total;
  (void)state;
  assert_int_equal(model_new(mem_default(), &m), BUDGET_OK);
  assert_int_equal(model_nfacts(m), 0);
  assert_int_equal(model_add_dim(m, "功能分类", &d0), BUDGET_OK);
  assert_int_equal(model_add_dim(m, "资金来源", &d1), BUDGET_OK);
  assert_int_equal(hier_add(model_dim(m, d0), HIER_NONE, "206", "科学技术支出", &a), BUDGET_OK);
  assert_int_equal(hier_add(model_dim(m, d1), HIER_NONE, NULL, "财政拨款", &b), BUDGET_OK);
  dims[0] = d0;
  dims[1] = d1;
  assert_int_equal(hier_seal(model_dim(m, d0)), BUDGET_OK);
  assert_int_equal(model_add_facts(m, "支出", dims, 2, 100, &set), BUDGET_ESTATE);  /* 资金来源 not sealed */
  assert_int_equal(model_nfacts(m), 0);
  assert_int_equal(set, 99);
  assert_int_equal(hier_seal(model_dim(m, d1)), BUDGET_OK);
  assert_int_equal(model_add_facts(m, "支出", dims, 2, 100, &set), BUDGET_OK);
  assert_int_equal(set, 0);
  assert_int_equal(model_add_facts(m, "收入", dims, 1, 1, &set), BUDGET_OK);
  assert_int_equal(set, 1);
  assert_int_equal(model_nfacts(m), 2);
  assert_int_equal(model_add_facts(m, "支出", dims, 1, 1, &set), BUDGET_EDUPLICATE);
  dims[1] = 7;
  assert_int_equal(model_add_facts(m, "其他", dims, 2, 1, &set), BUDGET_EINVAL);  /* no dimension 7 */
  assert_int_equal(model_add_facts(m, "其他", dims, FACTS_MAX_DIMS + 1, 1, &set), BUDGET_EINVAL);
  assert_int_equal(model_nfacts(m), 2);
  assert_int_equal(model_facts_index(m, "收入", &i), BUDGET_OK);
  assert_int_equal(i, 1);
  assert_int_equal(model_facts_index(m, "其他", &i), BUDGET_ENOTFOUND);
  assert_string_equal(facts_name(model_facts(m, 0)), "支出");
  assert_int_equal(facts_ndims(model_facts(m, 0)), 2);
  assert_int_equal(facts_grain(model_facts(m, 0)), 100);
  assert_ptr_equal(facts_dim(model_facts(m, 0), 1), model_dim(m, d1));
  key[0] = a;
  key[1] = b;
  assert_int_equal(facts_put(model_facts(m, 0), key, 123400, NULL), BUDGET_OK);
  assert_int_equal(facts_total(model_facts(m, 0), NULL, &total), BUDGET_OK);
  assert_int_equal(total, 123400);
  model_free(m);
  model_free(NULL);
}

/* A reference found in one dimension only gives the dimension and the member. */
static void test_model_find_found(void **state) {
  fixture *fx = *state;
  size_t dim = 99;
  hier_id id = 12345;
  char msg[512];
  struct { const char *ref; size_t dim; hier_id id; } cases[] = {
    {"2060701", 0, 0}, {"206 07 01", 0, 0}, {"机构运行", 0, 0}, {"科学技术支出/科学技术普及/机构运行", 0, 0},
    {"办公费", 1, 0}, {"302 01", 1, 0}, {"群众团体事务/行政运行", 0, 0}, {"206", 0, 0},
  };
  size_t i;
  cases[0].id = cases[1].id = cases[2].id = cases[3].id = fx->popular;
  cases[4].id = cases[5].id = fx->office;
  cases[4].dim = cases[5].dim = fx->econ;
  cases[6].id = fx->admin201;
  cases[7].id = fx->sci;
  for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    strcpy(msg, "unchanged");
    assert_int_equal(model_find(fx->m, cases[i].ref, strlen(cases[i].ref), SIZE_MAX, &dim, &id, msg, sizeof msg),
                     BUDGET_OK);
    assert_int_equal(dim, cases[i].dim);
    assert_int_equal(id, cases[i].id);
  }
  /* only one dimension: 其他 is in both, so it is found once we say which */
  assert_int_equal(model_find(fx->m, "其他", strlen("其他"), fx->econ, &dim, &id, msg, sizeof msg), BUDGET_OK);
  assert_int_equal(dim, fx->econ);
  assert_int_equal(id, fx->other_e);
  assert_int_equal(model_find(fx->m, "其他", strlen("其他"), fx->func, &dim, &id, msg, sizeof msg), BUDGET_OK);
  assert_int_equal(dim, fx->func);
  assert_int_equal(id, fx->other_f);
  /* and a member of the other dimension is then not found */
  dim = 99;
  id = 12345;
  assert_int_equal(model_find(fx->m, "办公费", strlen("办公费"), fx->func, &dim, &id, msg, sizeof msg),
                   BUDGET_ENOTFOUND);
  assert_int_equal(dim, 99);
  assert_int_equal(id, 12345);
  assert_non_null(strstr(msg, "'办公费' is not a member of 功能分类"));
}

/* Ambiguous within a dimension, or across two: EAMBIGUOUS, the outputs untouched, the candidates named. */
static void test_model_find_ambiguous(void **state) {
  fixture *fx = *state;
  size_t dim = 99;
  hier_id id = 12345;
  char msg[512];
  assert_int_equal(model_find(fx->m, "行政运行", strlen("行政运行"), SIZE_MAX, &dim, &id, msg, sizeof msg),
                   BUDGET_EAMBIGUOUS);
  assert_int_equal(dim, 99);
  assert_int_equal(id, 12345);
  assert_non_null(strstr(msg, "'行政运行' is ambiguous in 功能分类"));
  assert_non_null(strstr(msg, "201 29 01 行政运行 (一般公共服务支出/群众团体事务/行政运行)"));
  assert_non_null(strstr(msg, "206 01 01 行政运行 (科学技术支出/科学技术管理事务/行政运行)"));
  assert_int_equal(model_find(fx->m, "其他", strlen("其他"), SIZE_MAX, &dim, &id, msg, sizeof msg), BUDGET_EAMBIGUOUS);
  assert_int_equal(dim, 99);
  assert_int_equal(id, 12345);
  assert_non_null(strstr(msg, "'其他' is ambiguous: it names members of"));
  assert_non_null(strstr(msg, "功能分类 (299)"));
  assert_non_null(strstr(msg, "经济分类 (399)"));
  assert_non_null(strstr(msg, "say which"));
  /* a message that does not fit is cut, and still ends in NUL */
  memset(msg, 'x', sizeof msg);
  assert_int_equal(model_find(fx->m, "其他", strlen("其他"), SIZE_MAX, &dim, &id, msg, 20), BUDGET_EAMBIGUOUS);
  assert_true(strlen(msg) < 20);
  assert_int_equal(msg[20], 'x');
}

/* Unknown references: ENOTFOUND, and a message with the nearest names or what a reference is. */
static void test_model_find_unknown(void **state) {
  fixture *fx = *state;
  size_t dim = 99;
  hier_id id = 12345;
  char msg[512];
  assert_int_equal(model_find(fx->m, "科学技术指出", strlen("科学技术指出"), SIZE_MAX, &dim, &id, msg, sizeof msg),
                   BUDGET_ENOTFOUND);
  assert_int_equal(dim, 99);
  assert_int_equal(id, 12345);
  assert_non_null(strstr(msg, "'科学技术指出' is not a member of 功能分类; nearest: 206 科学技术支出"));
  assert_int_equal(model_find(fx->m, "完全无关的名字", strlen("完全无关的名字"), SIZE_MAX, &dim, &id, msg, sizeof msg),
                   BUDGET_ENOTFOUND);
  assert_string_equal(msg, "'完全无关的名字' is not a member of any dimension of the model");
  assert_int_equal(model_find(fx->m, "   ", 3, SIZE_MAX, &dim, &id, msg, sizeof msg), BUDGET_ENOTFOUND);
  assert_non_null(strstr(msg, "an empty reference is not a member of any dimension"));
  assert_int_equal(model_find(fx->m, "206//机构运行", strlen("206//机构运行"), fx->func, &dim, &id, msg, sizeof msg),
                   BUDGET_ENOTFOUND);
  assert_non_null(strstr(msg, "'206//机构运行' is not a member of 功能分类: a path has a name or a code between"));
  assert_int_equal(dim, 99);
  assert_int_equal(id, 12345);
}

/* model_prepare makes the indexes; lookups then answer as before. model_bytes grows with the model. */
static void test_model_prepare_bytes(void **state) {
  model *m;
  size_t d, set, dim, empty, small, big;
  hier_id id, key[1];
  int i;
  (void)state;
  assert_int_equal(model_new(mem_default(), &m), BUDGET_OK);
  empty = model_bytes(m);
  assert_true(empty > 0);
  assert_int_equal(model_add_dim(m, "功能分类", &d), BUDGET_OK);
  assert_int_equal(hier_add(model_dim(m, d), HIER_NONE, "206", "科学技术支出", &id), BUDGET_OK);
  small = model_bytes(m);
  assert_true(small > empty);
  for (i = 0; i < 200; i++) {
    char code[16], name[32];
    hier_id leaf;
    snprintf(code, sizeof code, "206%03d", i);
    snprintf(name, sizeof name, "项目%d", i);
    assert_int_equal(hier_add(model_dim(m, d), id, code, name, &leaf), BUDGET_OK);
  }
  assert_int_equal(hier_seal(model_dim(m, d)), BUDGET_OK);
  assert_int_equal(model_add_facts(m, "支出", &d, 1, 1, &set), BUDGET_OK);
  for (i = 0; i < 200; i++) {
    key[0] = (hier_id)(i + 1);
    assert_int_equal(facts_put(model_facts(m, set), key, i, NULL), BUDGET_OK);
  }
  big = model_bytes(m);
  assert_true(big > small);
  assert_true(big >= hier_bytes(model_dim(m, d)) + facts_bytes(model_facts(m, set)));
  model_prepare(m);
  assert_int_equal(model_bytes(m) >= big, true);
  for (i = 0; i < 200; i += 37) {
    char name[32];
    size_t cell;
    snprintf(name, sizeof name, "项目%d", i);
    assert_int_equal(model_find(m, name, strlen(name), SIZE_MAX, &dim, &id, NULL, 0), BUDGET_OK);
    assert_int_equal(id, (hier_id)(i + 1));
    key[0] = id;
    assert_int_equal(facts_find(model_facts(m, set), key, &cell), BUDGET_OK);
    assert_int_equal(facts_amount(model_facts(m, set), cell), i);
  }
  model_free(m);
}

/* Building a model with the n-th allocation failing: ENOMEM, nothing half-added, no leak. */
static void test_model_out_of_memory(void **state) {
  long n;
  int done = 0;
  (void)state;
  for (n = 1; !done; n++) {
    failing f = {n, 0, 0};
    mem_allocator A = failing_allocator(&f);
    model *m = NULL;
    size_t d = 99, set = 99;
    hier_id id;
    budget_status rc = model_new(&A, &m);
    if (rc == BUDGET_OK) {
      rc = model_add_dim(m, "功能分类", &d);
      if (rc != BUDGET_OK) assert_int_equal(model_ndims(m), 0);
      if (rc == BUDGET_OK) rc = hier_add(model_dim(m, d), HIER_NONE, "206", "科学技术支出", &id);
      if (rc == BUDGET_OK) rc = hier_seal(model_dim(m, d));
      if (rc == BUDGET_OK) {
        rc = model_add_facts(m, "支出", &d, 1, 1, &set);
        if (rc != BUDGET_OK) {
          assert_int_equal(model_nfacts(m), 0);
          assert_int_equal(set, 99);
        }
      }
      if (rc == BUDGET_OK) done = 1;
    }
    if (!done) assert_int_equal(rc, BUDGET_ENOMEM);
    model_free(m);
    assert_int_equal(f.live, 0);
  }
  assert_true(n > 3);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_model_dims),
    cmocka_unit_test(test_model_facts),
    cmocka_unit_test(test_model_find_found),
    cmocka_unit_test(test_model_find_ambiguous),
    cmocka_unit_test(test_model_find_unknown),
    cmocka_unit_test(test_model_prepare_bytes),
    cmocka_unit_test(test_model_out_of_memory),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
