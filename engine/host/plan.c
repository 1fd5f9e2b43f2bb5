/*
** engine/host/plan.c
** A batch plan's point: the operations on a reset overlay, the compiled rule
** checks, the row, with no Lua.
** See LICENSE for copyright and license.
*/
#include "plan.h"

#include <stdio.h>
#include <string.h>

/* Applies one operation; a status the script would raise on is returned for the point to be the script's. */
static budget_status apply(scenario *ov, const plan_op *op, const plan_value *v) {
  const plan_target *t = op->targets;
  money_ctx ctx = {(money_round)op->round, 0};
  budget_status rc = BUDGET_OK;
  size_t i;
  scenario_carry(ov, op->carry);
  switch (op->kind) {
    case PLAN_SCALE: rc = scenario_scale(ov, &ctx, t->set, t->sel, v->r, NULL); break;
    case PLAN_SET: rc = scenario_set(ov, t->set, t->sel, v->m, NULL); break;
    case PLAN_ADD: rc = scenario_add(ov, t->set, t->sel, v->m); break;
    case PLAN_TRANSFER: rc = scenario_transfer(ov, t[0].set, t[0].sel, t[1].set, t[1].sel, v->m); break;
    case PLAN_HOLD:
    case PLAN_RELEASE:
      for (i = 0; i < op->ntargets && rc == BUDGET_OK; i++)
        rc = scenario_hold(ov, t[i].set, t[i].sel, op->kind == PLAN_HOLD, NULL);
      break;
  }
  scenario_carry(ov, true);
  return rc;
}

/* An amount as rows write it: '65692327.10'. */
static void put_plain(rowbuf *b, money m) {
  static const money_style plain = {MONEY_YUAN, 2, false, MONEY_SUFFIX_NONE};
  char text[MONEY_TEXT_MAX];
  size_t n = 0;
  money_format(NULL, m, &plain, text, sizeof text, &n);
  rowbuf_put(b, text, n);
}

int plan_run(const batch_plan *p, scenario *ov, const size_t *vidx, const char *const *values, size_t point,
             unsigned char *failed, rowbuf *rows, int *flags) {
  money total, col[ROWS_MAX_FIELDS];
  size_t i, count[3] = {0, 0, 0};
  size_t start = rows->len;
  scenario_reset(ov);
  for (i = 0; i < p->nops; i++) {
    const plan_op *op = &p->ops[i];
    const plan_value *v = op->param == PLAN_CONSTANT ? &op->constant : &op->values[vidx[op->param]];
    if (!v->ok || apply(ov, op, v) != BUDGET_OK) return PLAN_FALLBACK;
  }
  if (p->ncolumns > ROWS_MAX_FIELDS - 8 - p->nnames) return PLAN_FALLBACK;
  for (i = 0; i < p->ncolumns; i++)
    if (scenario_total(ov, p->columns[i].target.set, p->columns[i].target.sel, &col[i]) != BUDGET_OK)
      return PLAN_FALLBACK;
  if (scenario_total(ov, p->total.set, p->total.sel, &total) != BUDGET_OK) return PLAN_FALLBACK;
  if (p->nonnegative && scenario_any_negative(ov)) return PLAN_FALLBACK;  /* its cells named: the script's */
  if (p->nchecks > 0 &&
      scenario_check_all(ov, p->checks, p->nchecks, p->terms, p->nterms, p->base_totals, failed) != BUDGET_OK)
    return PLAN_FALLBACK;
  for (i = 0; i < p->nchecks; i++)
    if (failed[i]) count[p->severity[i] <= PLAN_INFO ? p->severity[i] : PLAN_INFO]++;
  *flags = count[PLAN_ERROR] > 0 ? 2 : 0;
  if (p->jsonl) {
    rows_field f[ROWS_MAX_FIELDS];
    rowbuf nums;  /* the numbers' and amounts' text, each NUL-ended, pointed into once it is whole */
    size_t at[ROWS_MAX_FIELDS], n = 0, k = 0;
    char text[32];
    rowbuf_init(&nums, rows->A);
#define NUM(x) (at[k++] = nums.len, snprintf(text, sizeof text, "%zu", (size_t)(x)), rowbuf_puts(&nums, text), \
                rowbuf_putc(&nums, '\0'))
#define AMOUNT(m) (at[k++] = nums.len, put_plain(&nums, m), rowbuf_putc(&nums, '\0'))
    NUM(point), AMOUNT(total), NUM(count[0]), NUM(count[1]), NUM(count[2]);
    for (i = 0; i < p->ncolumns; i++) AMOUNT(col[i]);
#undef NUM
#undef AMOUNT
    if (nums.failed) {
      rowbuf_free(&nums);
      return PLAN_FALLBACK;
    }
    k = 0;
#define FIELD(key, number) (f[n] = (rows_field){(key), nums.p + at[k], strlen(nums.p + at[k]), (number)}, n++, k++)
    FIELD("point", true), FIELD("total", false), FIELD("errors", true), FIELD("warnings", true),
        FIELD("infos", true);
    for (i = 0; i < p->nnames; i++) f[n++] = (rows_field){p->names[i], values[i], strlen(values[i]), false};
    for (i = 0; i < p->ncolumns; i++) FIELD(p->columns[i].key, false);
#undef FIELD
    rows_json_object(rows, f, n);
    rowbuf_putc(rows, '\n');
    rowbuf_free(&nums);
  } else {
    char text[32];
    snprintf(text, sizeof text, "%zu", point);
    rowbuf_puts(rows, text);
    for (i = 0; i < p->nnames; i++) {
      rowbuf_putc(rows, ',');
      rows_csv_field(rows, values[i], strlen(values[i]));
    }
    for (i = 0; i < p->ncolumns; i++) {
      rowbuf_putc(rows, ',');
      put_plain(rows, col[i]);  /* an amount needs no quotes */
    }
    rowbuf_putc(rows, ',');
    put_plain(rows, total);
    snprintf(text, sizeof text, ",%zu,%zu,%zu,\r\n", count[0], count[1], count[2]);
    rowbuf_puts(rows, text);
  }
  if (rows->failed) {  /* the buffer as it was: the script's row goes in its place */
    rows->failed = false;
    rows->len = start;
    if (rows->p) rows->p[start] = '\0';
    return PLAN_FALLBACK;
  }
  return PLAN_DONE;
}
