/*
** tests/fuzz/fuzz_ref.c
** libFuzzer target: any bytes as a reference to a member of the SAST model's
** 功能分类 (a code '206 07 01', a name '行政运行', a path '科学技术支出/科学技术普及').
** A lookup may fail; when it does, its explanation must fit its buffer; when
** it succeeds, the member's own code must find it again.
** See LICENSE for copyright and license.
*/
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/hier.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define require(c) do { if (!(c)) __builtin_trap(); } while (0)

/* Code and name, each under the nearest earlier member whose code its own extends. */
static const char *const members[][2] = {
  {"201", "一般公共服务支出"}, {"201 29", "群众团体事务"}, {"201 29 01", "行政运行"},
  {"206", "科学技术支出"}, {"206 01", "科学技术管理事务"}, {"206 01 01", "行政运行"},
  {"206 07", "科学技术普及"}, {"206 07 01", "机构运行"}, {"206 07 02", "科普活动"},
  {"206 07 04", "学术交流活动"}, {"206 07 99", "其他科学技术普及支出"},
  {"208", "社会保障和就业支出"}, {"208 05", "行政事业单位养老支出"}, {"208 05 01", "行政单位离退休"},
  {"208 05 02", "事业单位离退休"}, {"208 05 05", "机关事业单位基本养老保险缴费支出"},
  {"210", "卫生健康支出"}, {"210 11", "行政事业单位医疗"}, {"210 11 01", "行政单位医疗"},
  {"210 99", "其他卫生健康支出"}, {"210 99 99", "其他卫生健康支出"},
  {"221", "住房保障支出"}, {"221 02", "住房改革支出"}, {"221 02 01", "住房公积金"}, {"221 02 03", "购房补贴"}};

static hier *tree;

static hier *build(void) {
  hier *h;
  hier_id ids[sizeof members / sizeof members[0]];
  size_t i, j;
  if (hier_new(mem_default(), "功能分类", &h) != BUDGET_OK) __builtin_trap();
  for (i = 0; i < sizeof members / sizeof members[0]; i++) {
    hier_id parent = HIER_NONE;
    for (j = i; j-- > 0;) {
      size_t n = strlen(members[j][0]);
      if (strncmp(members[i][0], members[j][0], n) == 0 && members[i][0][n] == ' ') {
        parent = ids[j];
        break;
      }
    }
    if (hier_add(h, parent, members[i][0], members[i][1], &ids[i]) != BUDGET_OK) __builtin_trap();
  }
  if (hier_seal(h) != BUDGET_OK) __builtin_trap();
  return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *ref = (const char *)data;
  hier_id id = HIER_NONE, again;
  hier_match why;
  char buf[512], code[64];
  budget_status rc;
  if (tree == NULL) tree = build();
  memset(&why, 0, sizeof why);
  rc = hier_find(tree, ref, size, &id, &why);
  if (rc != BUDGET_OK) {
    require(rc == BUDGET_ENOTFOUND || rc == BUDGET_EAMBIGUOUS || rc == BUDGET_ESYNTAX || rc == BUDGET_EINVAL);
    require(why.count <= HIER_MAX_CANDIDATES && why.count <= why.total + HIER_MAX_CANDIDATES);
    buf[sizeof buf - 1] = 'x';
    hier_explain(tree, ref, size, rc, &why, buf, sizeof buf - 1);
    require(buf[sizeof buf - 1] == 'x' && memchr(buf, '\0', sizeof buf - 1) != NULL);
    /* the code lookup alone must not crash either */
    (void)hier_find_code(tree, ref, size, &again);
    return 0;
  }
  require(id < hier_count(tree));
  require(hier_code_spaced(tree, id, code, sizeof code) == BUDGET_OK);
  require(hier_find(tree, code, strlen(code), &again, NULL) == BUDGET_OK && again == id);
  return 0;
}
