/*
** examples/embed.c
** A planning tool in miniature: it loads the SAST 2021 model, runs three
** scenarios its users typed, and prints each one's totals and the rules it
** breaks, through the engine's C API alone (budget.h).
**
**   cc embed.c $(pkg-config --cflags --libs budget) -o embed
**   ./embed models/sast-2021.lua
**
** See LICENSE for copyright and license.
*/
#include <budget.h>
#include <stdio.h>
#include <string.h>

/* The scenarios, as a planning tool would get them from its users. */
static const struct {
  const char *name;
  const char *script;
} scenarios[] = {
  {"cut-science", "local s = model:scenario('科学技术支出压减5%')\n"
                  "s:cut('科学技术支出', '5%')\n"},
  {"move-10wan", "local s = model:scenario('项目间调剂10万元')\n"
                 "s:transfer('科普资源平台建设费', '基层科普服务费', '10万')\n"},
  {"grow-hospitality", "local s = model:scenario('公务接待费增加2万')\n"
                       "s:add({['三公经费'] = '公务接待费'}, '2万')\n"},
};

/* Prints one total of scenario i, or why it could not. */
static void print_total(budget_engine *e, budget_result *r, size_t i, const char *label, const char *ref) {
  int64_t fen;
  char text[BUDGET_MONEY_TEXT];
  if (budget_result_total(r, i, ref, &fen) != BUDGET_OK) {
    printf("  %s: %s\n", label, budget_errmsg(e));
    return;
  }
  budget_money_format(fen, text, sizeof text);
  printf("  %s: %s\n", label, text);
}

int main(int argc, char **argv) {
  const char *path = argc > 1 ? argv[1] : "models/sast-2021.lua";
  budget_engine *e;
  budget_model *m;
  size_t k, i, v;
  int status = 0;
  if (budget_engine_new(NULL, &e) != BUDGET_OK) {
    fprintf(stderr, "embed: out of memory\n");
    return 2;
  }
  if (budget_model_load(e, path, &m) != BUDGET_OK) {
    fprintf(stderr, "embed: %s\n", budget_errmsg(e));
    budget_engine_free(e);
    return 2;
  }
  printf("budget %s\n", budget_version());
  for (k = 0; k < sizeof scenarios / sizeof scenarios[0]; k++) {
    budget_result *r;
    budget_status rc = budget_run(e, m, scenarios[k].script, strlen(scenarios[k].script), scenarios[k].name, NULL, 0, &r);
    if (rc != BUDGET_OK) {
      printf("%s: %s (%s)\n", scenarios[k].name, budget_errmsg(e), budget_status_str(rc));
      status = 1;
      continue;
    }
    for (i = 0; i < budget_result_scenarios(r); i++) {
      printf("%s: %s\n", scenarios[k].name, budget_result_name(r, i));
      print_total(e, r, i, "总计", NULL);
      print_total(e, r, i, "科学技术支出", "206");
      print_total(e, r, i, "三公经费", "三公经费");
      size_t nv = 0;
      if (budget_result_violations(r, i, &nv) != BUDGET_OK) {
        printf("  %s\n", budget_errmsg(e));
        status = 1;
        continue;
      }
      for (v = 0; v < nv; v++) {
        budget_violation x;
        char found[BUDGET_MONEY_TEXT], expected[BUDGET_MONEY_TEXT];
        budget_result_violation(r, i, v, &x);
        budget_money_format(x.found, found, sizeof found);
        budget_money_format(x.expected, expected, sizeof expected);
        printf("  %s: %s: found %s, expected %s\n", x.severity, x.rule, found, expected);
      }
      if (nv == 0) printf("  no rule is broken\n");
    }
    budget_result_free(r);
  }
  budget_model_free(m);
  budget_engine_free(e);
  return status;
}
