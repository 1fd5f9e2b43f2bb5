/*
** tests/core/test_hier.c
** Hierarchies: the function classification built from the SAST document's
** 部门支出预算总表, references by code, name and path, ambiguity and
** suggestions, preorder ranges, bad members and allocation failures.
** See LICENSE for copyright and license.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "core/hier.h"
#include "core/nfkc.h"
#include "testutil.h"

static bool isdigit_(char c) {
  return c >= '0' && c <= '9';
}

/*
** Adds every row of the document's 部门支出预算总表 ('206 07 01 机构运行 ...')
** to h, each under the row whose code is its own less the last segment.
** Returns the number of rows.
*/
static size_t build_functions(hier *h) {
  size_t len = 0, rows = 0;
  char *doc = read_file(SAST_DOCUMENT, &len), *p, *end;
  assert_non_null(doc);
  p = strstr(doc, "2021年部门支出预算总表");
  assert_non_null(p);
  end = strstr(p, "2021年部门财政拨款收支预算总表");
  assert_non_null(end);
  while (p < end) {
    char *eol = strchr(p, '\n'), code[16], parent[16], name[128];
    size_t c = 0, seg_start = 0, n = 0;
    hier_id pid = HIER_NONE, id;
    if (eol == NULL) eol = end;
    if (isdigit_(p[0]) && isdigit_(p[1]) && isdigit_(p[2]) && p[3] == ' ') {
      const char *q = p + 3;
      memcpy(code, p, 3);
      c = 3;
      while (q[0] == ' ' && isdigit_(q[1]) && isdigit_(q[2]) && q[3] == ' ') {
        seg_start = c;
        code[c++] = q[1];
        code[c++] = q[2];
        q += 3;
      }
      code[c] = '\0';
      for (q++; *q != ' ' && *q != '\n' && n + 1 < sizeof name; q++) name[n++] = *q;
      name[n] = '\0';
      if (seg_start > 0) {
        memcpy(parent, code, seg_start);
        parent[seg_start] = '\0';
        assert_int_equal(hier_find(h, parent, seg_start, &pid, NULL), BUDGET_OK);
      }
      assert_int_equal(hier_add(h, pid, code, name, &id), BUDGET_OK);
      rows++;
    }
    p = eol + 1;
  }
  free(doc);
  return rows;
}

static int setup(void **state) {
  hier *h;
  size_t rows;
  if (hier_new(mem_default(), "功能分类", &h) != BUDGET_OK) return -1;
  rows = build_functions(h);
  if (rows < 20 || hier_count(h) != rows || hier_seal(h) != BUDGET_OK) return -1;
  *state = h;
  return 0;
}

static int teardown(void **state) {
  hier_free(*state);
  return 0;
}

static hier_id find(const hier *h, const char *ref) {
  hier_id id = HIER_NONE;
  hier_match why;
  budget_status rc = hier_find(h, ref, strlen(ref), &id, &why);
  if (rc != BUDGET_OK) {
    char msg[1024];
    hier_explain(h, ref, strlen(ref), rc, &why, msg, sizeof msg);
    fail_msg("%s", msg);
  }
  return id;
}

/* Codes compact or spaced, names and paths all reach the same member. */
static void test_hier_find_forms(void **state) {
  const hier *h = *state;
  hier_id id = find(h, "2060701");
  char buf[256];
  assert_string_equal(hier_member_name(h, id), "机构运行");
  assert_int_equal(find(h, "206 07 01"), id);
  assert_int_equal(find(h, "  206 07 01 "), id);
  assert_int_equal(find(h, "科学技术支出/科学技术普及/机构运行"), id);
  assert_int_equal(find(h, "科学技术普及/机构运行"), id);
  assert_int_equal(find(h, "206/20607/机构运行"), id);
  assert_int_equal(find(h, "206 / 科学技术普及 / 机构运行"), id);
  assert_int_equal(find(h, "机构运行"), id);
  assert_string_equal(hier_member_code(h, id), "2060701");
  assert_int_equal(hier_code_spaced(h, id, buf, sizeof buf), BUDGET_OK);
  assert_string_equal(buf, "206 07 01");
  assert_int_equal(hier_path(h, id, buf, sizeof buf), BUDGET_OK);
  assert_string_equal(buf, "科学技术支出/科学技术普及/机构运行");
  assert_int_equal(hier_depth(h, id), 2);
  assert_true(hier_is_leaf(h, id));
  id = find(h, "科学技术支出");
  assert_string_equal(hier_member_code(h, id), "206");
  assert_int_equal(find(h, "206"), id);
  assert_int_equal(hier_depth(h, id), 0);
  assert_false(hier_is_leaf(h, id));
  assert_int_equal(hier_code_spaced(h, id, buf, 3), BUDGET_ESPACE);
  /* a path disambiguates 行政运行 */
  assert_string_equal(hier_member_code(h, find(h, "群众团体事务/行政运行")), "2012901");
  assert_string_equal(hier_member_code(h, find(h, "科学技术管理事务/行政运行")), "2060101");
  assert_string_equal(hier_member_code(h, find(h, "206 01/行政运行")), "2060101");
}

/* Full-width input reads as its NFKC form, both ways: '（境）' finds '(境)' and '(境)' finds '（境）'. */
static void test_hier_find_fullwidth(void **state) {
  hier *h;
  hier_id fw, hw, id;
  (void)state;
  assert_int_equal(hier_new(mem_default(), "经济分类", &h), BUDGET_OK);
  assert_int_equal(hier_add(h, HIER_NONE, "302", "商品和服务支出", &id), BUDGET_OK);
  assert_int_equal(hier_add(h, id, "30212", "因公出国（境）费用", &fw), BUDGET_OK);
  assert_int_equal(hier_add(h, id, "30213", "维修(护)费", &hw), BUDGET_OK);
  assert_int_equal(hier_seal(h), BUDGET_OK);
  assert_int_equal(find(h, "因公出国(境)费用"), fw);
  assert_int_equal(find(h, "因公出国（境）费用"), fw);
  assert_int_equal(find(h, "维修（护）费"), hw);
  assert_int_equal(find(h, "３０２ １２"), fw);
  assert_int_equal(find(h, "商品和服务支出／因公出国（境）费用"), fw);
  assert_string_equal(hier_member_name(h, fw), "因公出国（境）费用");  /* printed as the document has it */
  hier_free(h);
  /* a full-width slash in a name stays the name's, and an ideographic space at its end is not trimmed away */
  assert_int_equal(hier_new(mem_default(), "经济分类", &h), BUDGET_OK);
  assert_int_equal(hier_add(h, HIER_NONE, NULL, "水费／电费", &fw), BUDGET_OK);
  assert_int_equal(hier_add(h, HIER_NONE, NULL, "办公费　", &hw), BUDGET_OK);
  assert_int_equal(hier_seal(h), BUDGET_OK);
  assert_int_equal(find(h, "水费／电费"), fw);
  assert_int_equal(find(h, "办公费　"), hw);
  hier_free(h);
  /* ASCII and CJK ideographs are their own form and skip utf8proc; full-width forms and CJK punctuation do not */
  assert_false(nfkc_needed("206 科学技术支出", strlen("206 科学技术支出")));
  assert_false(nfkc_needed("㐀䶿一鿿", strlen("㐀䶿一鿿")));  /* the two ranges' ends */
  assert_true(nfkc_needed("５％", strlen("５％")));
  assert_true(nfkc_needed("办公费　", strlen("办公费　")));
  assert_true(nfkc_needed("因公出国（境）", strlen("因公出国（境）")));
  assert_true(nfkc_needed("e\xcc\x81", 3));  /* a combining accent */
  assert_true(nfkc_needed("\xe4\xb8", 2));   /* a cut sequence: utf8proc says it is not UTF-8 */
}

/* 行政运行 is both 201 29 01 and 206 01 01: the error lists both with codes and paths. */
static void test_hier_ambiguous(void **state) {
  const hier *h = *state;
  hier_id id = 12345;
  hier_match why;
  char msg[1024];
  assert_int_equal(hier_find(h, "行政运行", strlen("行政运行"), &id, &why), BUDGET_EAMBIGUOUS);
  assert_int_equal(id, 12345);
  assert_int_equal(why.total, 2);
  assert_int_equal(why.count, 2);
  assert_string_equal(hier_member_code(h, why.ids[0]), "2012901");
  assert_string_equal(hier_member_code(h, why.ids[1]), "2060101");
  hier_explain(h, "行政运行", strlen("行政运行"), BUDGET_EAMBIGUOUS, &why, msg, sizeof msg);
  assert_non_null(strstr(msg, "'行政运行' is ambiguous in 功能分类"));
  assert_non_null(strstr(msg, "201 29 01 行政运行 (一般公共服务支出/群众团体事务/行政运行)"));
  assert_non_null(strstr(msg, "206 01 01 行政运行 (科学技术支出/科学技术管理事务/行政运行)"));
  /* 其他卫生健康支出 names both 210 99 and its only child 210 99 99 */
  assert_int_equal(hier_find(h, "其他卫生健康支出", strlen("其他卫生健康支出"), &id, &why), BUDGET_EAMBIGUOUS);
  assert_int_equal(why.total, 2);
  assert_string_equal(hier_member_code(h, find(h, "210 99 99")), "2109999");
  assert_string_equal(hier_member_code(h, find(h, "其他卫生健康支出/其他卫生健康支出")), "2109999");
}

/* An unknown reference suggests the nearest names, or codes. */
static void test_hier_unknown_suggests(void **state) {
  const hier *h = *state;
  hier_id id;
  hier_match why;
  char msg[1024];
  const char *typo = "科学技术指出";
  assert_int_equal(hier_find(h, typo, strlen(typo), &id, &why), BUDGET_ENOTFOUND);
  assert_true(why.count >= 1);
  assert_string_equal(hier_member_code(h, why.ids[0]), "206");
  hier_explain(h, typo, strlen(typo), BUDGET_ENOTFOUND, &why, msg, sizeof msg);
  assert_non_null(strstr(msg, "'科学技术指出' is not a member of 功能分类; nearest: 206 科学技术支出"));
  assert_int_equal(hier_find(h, "科普", strlen("科普"), &id, &why), BUDGET_ENOTFOUND);
  assert_true(why.count >= 1);  /* a name that contains it: 科普活动 */
  assert_string_equal(hier_member_name(h, why.ids[0]), "科普活动");
  assert_int_equal(hier_find(h, "2060703", 7, &id, &why), BUDGET_ENOTFOUND);
  assert_true(why.count >= 3);
  assert_int_equal(strncmp(hier_member_code(h, why.ids[0]), "20607", 5), 0);
  assert_int_equal(hier_find(h, "206/行政运行", strlen("206/行政运行"), &id, &why), BUDGET_ENOTFOUND);
  assert_int_equal(hier_find(h, "206//机构运行", strlen("206//机构运行"), &id, &why), BUDGET_ENOTFOUND);
  assert_int_equal(hier_find(h, "", 0, &id, &why), BUDGET_ENOTFOUND);
  assert_int_equal(hier_find(h, "完全无关的名字", strlen("完全无关的名字"), &id, &why), BUDGET_ENOTFOUND);
  hier_explain(h, "完全无关的名字", strlen("完全无关的名字"), BUDGET_ENOTFOUND, &why, msg, sizeof msg);
  assert_string_equal(msg, "'完全无关的名字' is not a member of 功能分类");
}

/* Sealing numbers the tree so a subtree is a range: 206 holds 206 07 01 and not 201 29 01. */
static void test_hier_preorder_ranges(void **state) {
  const hier *h = *state;
  hier_id sci = find(h, "206"), leaf = find(h, "2060701"), other = find(h, "2012901"), id;
  size_t below = 0;
  assert_true(hier_within(h, leaf, sci));
  assert_true(hier_within(h, sci, sci));
  assert_false(hier_within(h, other, sci));
  assert_false(hier_within(h, sci, leaf));
  assert_true(hier_within(h, other, HIER_NONE));
  for (id = 0; id < hier_count(h); id++) below += hier_within(h, id, sci);
  assert_int_equal(hier_size(h, sci), below);
  /* counted the slow way: members whose code starts with 206 */
  below = 0;
  for (id = 0; id < hier_count(h); id++) below += strncmp(hier_member_code(h, id), "206", 3) == 0;
  assert_int_equal(hier_size(h, sci), below);
}

/* Bad members are refused with the right status, and the tree is unchanged. */
static void test_hier_bad_members(void **state) {
  hier *h;
  hier_id a, b;
  (void)state;
  assert_int_equal(hier_new(mem_default(), "经济分类", &h), BUDGET_OK);
  assert_int_equal(hier_add(h, HIER_NONE, "302", "商品和服务支出", &a), BUDGET_OK);
  assert_int_equal(hier_add(h, a, "302 12", "因公出国（境）费用", &b), BUDGET_OK);
  assert_int_equal(hier_add(h, a, "30212", "重复", &b), BUDGET_EDUPLICATE);
  assert_int_equal(hier_add(h, a, "303 01", "离休费", &b), BUDGET_EINVAL);   /* does not extend 302 */
  assert_int_equal(hier_add(h, a, "302", "自己", &b), BUDGET_EINVAL);        /* must add a segment */
  assert_int_equal(hier_add(h, a, "302-13", "维修", &b), BUDGET_EINVAL);
  assert_int_equal(hier_add(h, a, "302  13", "维修", &b), BUDGET_EINVAL);
  assert_int_equal(hier_add(h, a, "30213", "维修/护", &b), BUDGET_EINVAL);
  assert_int_equal(hier_add(h, a, "30213", "", &b), BUDGET_EINVAL);
  assert_int_equal(hier_add(h, a, "30213", " 维修", &b), BUDGET_EINVAL);
  assert_int_equal(hier_add(h, a, "30213", "\xe7\xbb", &b), BUDGET_EINVAL);   /* cut-off UTF-8 */
  assert_int_equal(hier_add(h, 99, "30213", "维修", &b), BUDGET_EINVAL);
  assert_int_equal(hier_count(h), 2);
  assert_int_equal(hier_add(h, a, NULL, "无编码", &b), BUDGET_OK);
  assert_int_equal(hier_seal(h), BUDGET_OK);
  assert_int_equal(hier_add(h, a, "30213", "维修", &b), BUDGET_ESTATE);
  hier_free(h);
  hier_free(NULL);
  assert_int_equal(hier_new(mem_default(), "", &h), BUDGET_EINVAL);
}

/* Members without codes (资金来源) are found by name and path. */
static void test_hier_uncoded(void **state) {
  hier *h;
  hier_id fiscal, general, fund, biz, id;
  char buf[64];
  (void)state;
  assert_int_equal(hier_new(mem_default(), "资金来源", &h), BUDGET_OK);
  assert_int_equal(hier_add(h, HIER_NONE, NULL, "财政拨款收入", &fiscal), BUDGET_OK);
  assert_int_equal(hier_add(h, fiscal, "", "一般公共预算", &general), BUDGET_OK);
  assert_int_equal(hier_add(h, fiscal, NULL, "政府性基金", &fund), BUDGET_OK);
  assert_int_equal(hier_add(h, HIER_NONE, NULL, "事业收入", &biz), BUDGET_OK);
  assert_int_equal(hier_seal(h), BUDGET_OK);
  assert_int_equal(find(h, "一般公共预算"), general);
  assert_int_equal(find(h, "财政拨款收入/政府性基金"), fund);
  assert_int_equal(hier_code_spaced(h, general, buf, sizeof buf), BUDGET_OK);
  assert_string_equal(buf, "");
  assert_int_equal(hier_size(h, fiscal), 3);
  assert_false(hier_within(h, biz, fiscal));
  assert_int_equal(hier_find(h, "财政拨款", strlen("财政拨款"), &id, NULL), BUDGET_ENOTFOUND);
  hier_free(h);
}

/* Building with the n-th allocation failing, for every n: ENOMEM, the tree intact, no leak. */
static void test_hier_out_of_memory(void **state) {
  long n;
  int done = 0;
  (void)state;
  for (n = 1; !done; n++) {
    failing f = {n, 0, 0};
    mem_allocator A = failing_allocator(&f);
    hier *h = NULL;
    hier_id a, b, id;
    budget_status rc = hier_new(&A, "功能分类", &h);
    int i;
    if (rc == BUDGET_OK) {
      size_t before;
      for (i = 0; i < 40 && rc == BUDGET_OK; i++) {
        char code[8], name[16];
        snprintf(code, sizeof code, "%03d", 100 + i);
        snprintf(name, sizeof name, "类%d", i);
        before = hier_count(h);
        rc = hier_add(h, HIER_NONE, code, name, &a);
        if (rc == BUDGET_OK) {
          snprintf(code, sizeof code, "%03d01", 100 + i);
          before = hier_count(h);
          rc = hier_add(h, a, code, "行政运行", &b);
        }
        if (rc != BUDGET_OK) assert_int_equal(hier_count(h), before);
      }
      if (rc == BUDGET_OK) {
        rc = hier_seal(h);
        assert_int_equal(rc, BUDGET_OK);
        assert_int_equal(hier_find(h, "13901", 5, &id, NULL), BUDGET_OK);
        done = 1;
      } else {
        assert_int_equal(hier_find(h, "100", 3, &id, NULL), hier_count(h) > 0 ? BUDGET_OK : BUDGET_ENOTFOUND);
      }
    }
    if (!done) assert_int_equal(rc, BUDGET_ENOMEM);
    hier_free(h);
    assert_int_equal(f.live, 0);
  }
  assert_true(n > 10);
}

/* A reference longer than every stored name or code is looked up without reading past them. */
static void test_hier_long_reference(void **state) {
  hier *h;
  hier_id id;
  char longer[96];
  (void)state;
  assert_int_equal(hier_new(mem_default(), "d", &h), BUDGET_OK);
  assert_int_equal(hier_add(h, HIER_NONE, "1", "一", &id), BUDGET_OK);
  assert_int_equal(hier_add(h, id, "101", "二", &id), BUDGET_OK);
  assert_int_equal(hier_seal(h), BUDGET_OK);
  memset(longer, 'x', sizeof longer - 1);
  longer[sizeof longer - 1] = '\0';
  assert_int_equal(hier_find(h, longer, strlen(longer), &id, NULL), BUDGET_ENOTFOUND);
  memset(longer, '1', sizeof longer - 1);
  assert_int_equal(hier_find_code(h, longer, strlen(longer), &id), BUDGET_ENOTFOUND);
  hier_free(h);
}

/* Every call that fails leaves its out-parameters as they were: ids, buffers, amounts. */
static void test_hier_failure_leaves_outputs(void **state) {
  hier *h = (hier *)(size_t)12345, *big;
  hier_id a, b, c, id = 777;
  char buf[64], want[64];
  size_t size, need, i;
  int64_t amounts[5], before[5];
  int sealed;
  (void)state;
  assert_int_equal(hier_new(mem_default(), "", &h), BUDGET_EINVAL);
  assert_ptr_equal(h, (hier *)(size_t)12345);
  assert_int_equal(hier_new(mem_default(), "经济分类", &h), BUDGET_OK);
  assert_int_equal(hier_add(h, HIER_NONE, "302", "商品和服务支出", &a), BUDGET_OK);
  assert_int_equal(hier_add(h, a, "30201", "办公费", &b), BUDGET_OK);
  assert_int_equal(hier_add(h, b, "3020101", "印刷费", &c), BUDGET_OK);
  assert_int_equal(hier_add(h, a, "30201", "重复", &id), BUDGET_EDUPLICATE);
  assert_int_equal(id, 777);
  assert_int_equal(hier_add(h, a, "303", "不延伸", &id), BUDGET_EINVAL);
  assert_int_equal(id, 777);
  assert_int_equal(hier_add(h, 99, NULL, "无父", &id), BUDGET_EINVAL);
  assert_int_equal(id, 777);
  assert_int_equal(hier_add_n(h, a, "30202", 5, "名/字", strlen("名/字"), &id), BUDGET_EINVAL);
  assert_int_equal(id, 777);
  assert_int_equal(hier_find(h, "没有", strlen("没有"), &id, NULL), BUDGET_ENOTFOUND);
  assert_int_equal(id, 777);
  assert_int_equal(hier_find_code(h, "309", 3, &id), BUDGET_ENOTFOUND);
  assert_int_equal(id, 777);
  /* buffers: every size short of the text leaves buf as it was; the exact size fits */
  strcpy(want, "商品和服务支出/办公费/印刷费");
  need = strlen(want) + 1;
  for (size = 0; size < need; size++) {
    memset(buf, '#', sizeof buf);
    assert_int_equal(hier_path(h, c, buf, size), BUDGET_ESPACE);
    for (i = 0; i < sizeof buf; i++) assert_int_equal(buf[i], '#');
  }
  memset(buf, '#', sizeof buf);
  assert_int_equal(hier_path(h, c, buf, need), BUDGET_OK);
  assert_string_equal(buf, want);
  assert_int_equal(buf[need], '#');
  strcpy(want, "302 01 01");
  need = strlen(want) + 1;
  for (size = 0; size < need; size++) {
    memset(buf, '#', sizeof buf);
    assert_int_equal(hier_code_spaced(h, c, buf, size), BUDGET_ESPACE);
    for (i = 0; i < sizeof buf; i++) assert_int_equal(buf[i], '#');
  }
  assert_int_equal(hier_code_spaced(h, c, buf, need), BUDGET_OK);
  assert_string_equal(buf, want);
  /* a member on its own at the top, unsealed and sealed (the roll-up then reads the parents array) */
  assert_int_equal(hier_add(h, HIER_NONE, "310", "资本性支出", &id), BUDGET_OK);
  assert_int_equal(hier_add(h, id, "31002", "办公设备购置", &id), BUDGET_OK);
  for (sealed = 0; sealed < 2; sealed++) {
    if (sealed) assert_int_equal(hier_seal(h), BUDGET_OK);
    /* 印刷费 + 办公费 fits; adding that into 302 does not: the first steps must be undone */
    amounts[a] = INT64_MAX - 10;
    amounts[b] = 5;
    amounts[c] = 6;
    amounts[3] = -4;
    amounts[4] = 9;
    memcpy(before, amounts, sizeof amounts);
    assert_int_equal(hier_roll_up(h, amounts), BUDGET_EOVERFLOW);
    for (i = 0; i < 5; i++) assert_int_equal(amounts[i], before[i]);
    /* below zero too */
    amounts[a] = INT64_MIN + 3;
    amounts[b] = -2;
    amounts[c] = -2;
    memcpy(before, amounts, sizeof amounts);
    assert_int_equal(hier_roll_up(h, amounts), BUDGET_EOVERFLOW);
    for (i = 0; i < 5; i++) assert_int_equal(amounts[i], before[i]);
    /* and when it fits, every member's total, summed here */
    amounts[a] = 100;
    amounts[b] = 20;
    amounts[c] = 3;
    memcpy(before, amounts, sizeof amounts);
    assert_int_equal(hier_roll_up(h, amounts), BUDGET_OK);
    assert_int_equal(amounts[c], before[c]);
    assert_int_equal(amounts[b], before[b] + before[c]);
    assert_int_equal(amounts[a], before[a] + before[b] + before[c]);
    assert_int_equal(amounts[3], before[3] + before[4]);
    assert_int_equal(amounts[4], before[4]);
  }
  id = 777;
  assert_int_equal(hier_add(h, HIER_NONE, "320", "封存后", &id), BUDGET_ESTATE);
  assert_int_equal(id, 777);
  hier_free(h);
  /* out of memory: hier_add leaves *out as it was, whichever allocation fails */
  for (i = 1; i < 200; i++) {
    failing f = {(long)i, 0, 0};
    mem_allocator A = failing_allocator(&f);
    int k;
    budget_status rc = hier_new(&A, "d", &big);
    if (rc != BUDGET_OK) continue;
    for (k = 0; k < 100 && rc == BUDGET_OK; k++) {
      char code[8];
      snprintf(code, sizeof code, "%03d", 100 + k);
      id = 777;
      rc = hier_add(big, HIER_NONE, code, code, &id);
      if (rc == BUDGET_OK) assert_int_equal(id, (hier_id)k);
      else assert_int_equal(id, 777);
    }
    hier_free(big);
    assert_int_equal(f.live, 0);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_hier_long_reference),
    cmocka_unit_test(test_hier_find_forms),
    cmocka_unit_test(test_hier_find_fullwidth),
    cmocka_unit_test(test_hier_ambiguous),
    cmocka_unit_test(test_hier_unknown_suggests),
    cmocka_unit_test(test_hier_preorder_ranges),
    cmocka_unit_test(test_hier_bad_members),
    cmocka_unit_test(test_hier_uncoded),
    cmocka_unit_test(test_hier_out_of_memory),
    cmocka_unit_test(test_hier_failure_leaves_outputs),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
