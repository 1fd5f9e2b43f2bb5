/*
** engine/core/scenario.c
** Scenario overlays: per fact set, pages of amounts copied from the base on
** their first change, and a bitset of held cells made on the first hold.
** See LICENSE for copyright and license.
*/
#include "scenario.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
** A change copies only the pages it touches: a 5% cut of one account among a
** million copies a few pages, not 8 MB (whose fresh pages the kernel must zero).
*/
#define PAGE_SHIFT 10
#define PAGE_CELLS ((size_t)1 << PAGE_SHIFT)  /* 8 KB of amounts */

typedef struct overlay {
  money **pages;    /* NULL until the set first changes; then a page per PAGE_CELLS cells, NULL where the base's hold */
  money **spare;    /* pages a reset took back, kept for the next change to reuse (scenario_reset); or NULL */
  size_t npages;
  uint8_t *held;    /* NULL until the first hold: a bit per cell */
} overlay;

struct step_mark {
  size_t end;      /* the journal's length when the step closed */
  size_t rounded;  /* cells whose share was not a whole number of grains */
  bool inexact;    /* the move itself was rounded */
};

/* What an operation wrote, cell by cell, so that one that fails part way (a carry that cannot land) is undone. */
typedef struct undo_entry {
  size_t set, cell;
  money was;
} undo_entry;

struct scenario {
  const mem_allocator *A;
  const model *base;
  bool journaling;
  bool no_carry;            /* scenario_carry(s, false): changes stay in the set they were made in */
  undo_entry *undo;         /* the open operation's writes, while 'undoing' */
  size_t nundo, undo_cap;
  bool undoing;
  size_t failed_link;       /* the link whose carry failed the last operation, or SIZE_MAX */
  int failed_side;          /* and the side (0 or 1) it could not land on */
  scenario_entry *journal;  /* every change recorded, in order; 'marks' closes steps */
  size_t njournal, journal_cap;
  struct step_mark *marks;  /* marks[k]: where step k + 1 closed, and what it rounded */
  size_t nmarks, marks_cap;
  size_t rounded;           /* the open step's cells rounded by spreads so far */
  bool inexact;             /* the open step's move was rounded */
  size_t nsets;
  overlay sets[];  /* one per fact set of the base */
};

/* The bytes of a scenario over n fact sets. */
static size_t scenario_bytes(size_t n) {
  return sizeof(scenario) + n * sizeof(overlay);
}

budget_status scenario_new(const mem_allocator *A, const model *base, scenario **out) {
  scenario *s;
  size_t n = model_nfacts(base);
  budget_status rc = mem_zarray(A, scenario_bytes(n), 1, (void **)&s);
  if (rc) return rc;
  s->A = A;
  s->base = base;
  s->nsets = n;
  s->failed_link = SIZE_MAX;
  *out = s;
  return BUDGET_OK;
}

static size_t ncells(const scenario *s, size_t set) {
  return facts_count(model_facts(s->base, set));
}

static size_t held_bytes(const scenario *s, size_t set) {
  return (ncells(s, set) + 7) / 8;
}

/* The cells of page k of a set (the last one may be short). */
static size_t page_len(const scenario *s, size_t set, size_t k) {
  size_t n = ncells(s, set) - k * PAGE_CELLS;
  return n < PAGE_CELLS ? n : PAGE_CELLS;
}

static void free_pages(scenario *s, size_t set) {
  overlay *o = &s->sets[set];
  size_t k;
  if (o->pages == NULL) return;
  for (k = 0; k < o->npages; k++) {
    mem_free(s->A, o->pages[k], page_len(s, set, k), sizeof(money));
    if (o->spare) mem_free(s->A, o->spare[k], page_len(s, set, k), sizeof(money));
  }
  mem_free(s->A, o->pages, o->npages, sizeof *o->pages);
  mem_free(s->A, o->spare, o->npages, sizeof *o->spare);
  o->pages = o->spare = NULL;
}

/* A copy of the set's pages of src into dst (which has none). */
static budget_status copy_pages(scenario *dst, const scenario *src, size_t set) {
  const overlay *from = &src->sets[set];
  overlay *to = &dst->sets[set];
  size_t k;
  budget_status rc;
  if (from->pages == NULL) return BUDGET_OK;
  if ((rc = mem_zarray(dst->A, from->npages, sizeof *to->pages, (void **)&to->pages)) != BUDGET_OK) return rc;
  to->npages = from->npages;
  for (k = 0; k < from->npages; k++) {
    size_t len = page_len(src, set, k);
    if (from->pages[k] == NULL) continue;
    if ((rc = mem_array(dst->A, len, sizeof(money), (void **)&to->pages[k])) != BUDGET_OK) return rc;
    memcpy(to->pages[k], from->pages[k], len * sizeof(money));
  }
  return BUDGET_OK;
}

void scenario_free(scenario *s) {
  size_t i;
  if (s == NULL) return;
  mem_free(s->A, s->journal, s->journal_cap, sizeof *s->journal);
  mem_free(s->A, s->marks, s->marks_cap, sizeof *s->marks);
  mem_free(s->A, s->undo, s->undo_cap, sizeof *s->undo);
  for (i = 0; i < s->nsets; i++) {
    free_pages(s, i);
    mem_free(s->A, s->sets[i].held, held_bytes(s, i), 1);
  }
  mem_free(s->A, s, scenario_bytes(s->nsets), 1);
}

void scenario_reset(scenario *s) {
  size_t i, k;
  for (i = 0; i < s->nsets; i++) {
    overlay *o = &s->sets[i];
    if (o->held) memset(o->held, 0, held_bytes(s, i));
    if (o->pages == NULL) continue;
    if (o->spare == NULL && mem_zarray(s->A, o->npages, sizeof *o->spare, (void **)&o->spare) != BUDGET_OK) {
      free_pages(s, i);  /* no room to keep the pages: the next change allocates them again */
      continue;
    }
    for (k = 0; k < o->npages; k++) {
      if (o->pages[k] == NULL) continue;
      if (o->spare[k]) mem_free(s->A, o->spare[k], page_len(s, i, k), sizeof(money));
      o->spare[k] = o->pages[k];
      o->pages[k] = NULL;
    }
  }
  s->nundo = s->njournal = s->nmarks = s->rounded = 0;
  s->inexact = s->no_carry = false;
  s->failed_link = SIZE_MAX;
  s->failed_side = 0;
}

budget_status scenario_copy(const scenario *s, scenario **out) {
  scenario *c;
  size_t i;
  budget_status rc = scenario_new(s->A, s->base, &c);
  if (rc) return rc;
  for (i = 0; i < s->nsets; i++) {
    if ((rc = copy_pages(c, s, i)) != BUDGET_OK) break;
    if (s->sets[i].held) {
      if ((rc = mem_array(s->A, held_bytes(s, i), 1, (void **)&c->sets[i].held)) != BUDGET_OK) break;
      memcpy(c->sets[i].held, s->sets[i].held, held_bytes(s, i));
    }
  }
  if (rc) {
    scenario_free(c);
    return rc;
  }
  *out = c;
  return BUDGET_OK;
}

const model *scenario_base(const scenario *s) {
  return s->base;
}

/* The page of amounts holding 'cell' as the scenario has them: its own copy, or the base's. */
static const money *page_of(const scenario *s, size_t set, size_t cell) {
  const overlay *o = &s->sets[set];
  size_t k = cell >> PAGE_SHIFT;
  if (o->pages && o->pages[k]) return o->pages[k];
  return facts_amounts(model_facts(s->base, set)) + k * PAGE_CELLS;
}

money scenario_amount(const scenario *s, size_t set, size_t cell) {
  return page_of(s, set, cell)[cell & (PAGE_CELLS - 1)];
}

bool scenario_changed(const scenario *s, size_t set, size_t cell) {
  return scenario_amount(s, set, cell) != facts_amount(model_facts(s->base, set), cell);
}

/* Where the scenario's own amount of 'cell' is written; the page must be owned (own_cells). */
static money *own_slot(scenario *s, size_t set, size_t cell) {
  return &s->sets[set].pages[cell >> PAGE_SHIFT][cell & (PAGE_CELLS - 1)];
}

bool scenario_held(const scenario *s, size_t set, size_t cell) {
  const uint8_t *h = s->sets[set].held;
  return h != NULL && (h[cell / 8] >> (cell % 8) & 1u);
}

/*
** The base's total, and then what each changed page adds to it within the selection, in 128
** bits: EOVERFLOW exactly when the scenario's total does not fit, as facts_total does.
*/
budget_status scenario_total(const scenario *s, size_t set, const hier_id *sel, money *out) {
  const facts *f;
  const overlay *o;
  const money *base;
  money base_total;
  money_wide acc = 0;
  size_t k, c;
  budget_status rc;
  if (set >= s->nsets) return BUDGET_EINVAL;
  f = model_facts(s->base, set);
  o = &s->sets[set];
  rc = facts_total(f, sel, &base_total);
  if (rc == BUDGET_EOVERFLOW) {  /* the base's does not fit, the scenario's may: add it up whole */
    facts_iter it;
    facts_iter_init(&it, f, sel);
    while (facts_iter_next(&it, &c)) acc += scenario_amount(s, set, c);
    return money_from_wide(acc, out);
  }
  if (rc) return rc;
  acc = base_total;
  base = facts_amounts(f);
  for (k = 0; o->pages && k < o->npages; k++) {
    size_t first = k * PAGE_CELLS, len = page_len(s, set, k);
    if (o->pages[k] == NULL) continue;
    for (c = 0; c < len; c++)
      if (o->pages[k][c] != base[first + c] && facts_selected(f, first + c, sel))
        acc += (money_wide)o->pages[k][c] - base[first + c];
  }
  return money_from_wide(acc, out);
}

/* Room for n more journal entries, made before anything is written: recording then cannot fail. */
static budget_status journal_room(scenario *s, size_t n) {
  if (!s->journaling) return BUDGET_OK;
  if (n > SIZE_MAX - s->njournal) return BUDGET_EOVERFLOW;
  return mem_grow(s->A, (void **)&s->journal, &s->journal_cap, s->njournal + n, sizeof *s->journal);
}

/* Room for n more undo entries, made with the journal's. */
static budget_status undo_room(scenario *s, size_t n) {
  if (!s->undoing) return BUDGET_OK;
  if (n > SIZE_MAX - s->nundo) return BUDGET_EOVERFLOW;
  return mem_grow(s->A, (void **)&s->undo, &s->undo_cap, s->nundo + n, sizeof *s->undo);
}

/* Writes a cell's amount, and records the change while journaling and undoing (their _room made the room). */
static void write_cell(scenario *s, size_t set, size_t cell, money value) {
  money *slot = own_slot(s, set, cell);
  if (value == *slot) return;
  if (s->journaling) {
    scenario_entry *e = &s->journal[s->njournal++];
    e->set = set, e->cell = cell, e->delta = value - *slot;
  }
  if (s->undoing) {
    undo_entry *u = &s->undo[s->nundo++];
    u->set = set, u->cell = cell, u->was = *slot;
  }
  *slot = value;
}

void scenario_carry(scenario *s, bool on) {
  s->no_carry = !on;
}

size_t scenario_failed_link(const scenario *s, int *side) {
  if (side) *side = s->failed_side;
  return s->failed_link;
}

void scenario_journal(scenario *s, bool on) {
  s->journaling = on;
}

budget_status scenario_mark(scenario *s, size_t *step) {
  budget_status rc = mem_grow(s->A, (void **)&s->marks, &s->marks_cap, s->nmarks + 1, sizeof *s->marks);
  if (rc) return rc;
  s->marks[s->nmarks].end = s->njournal;
  s->marks[s->nmarks].rounded = s->rounded;
  s->marks[s->nmarks].inexact = s->inexact;
  s->nmarks++;
  s->rounded = 0;
  s->inexact = false;
  if (step) *step = s->nmarks;
  return BUDGET_OK;
}

budget_status scenario_step_rounding(const scenario *s, size_t step, size_t *cells, bool *move) {
  if (step == 0 || step > s->nmarks) return BUDGET_EINVAL;
  *cells = s->marks[step - 1].rounded;
  *move = s->marks[step - 1].inexact;
  return BUDGET_OK;
}

size_t scenario_steps(const scenario *s) {
  return s->nmarks;
}

const scenario_entry *scenario_step_entries(const scenario *s, size_t step, size_t *n) {
  size_t from;
  if (step == 0 || step > s->nmarks) {
    *n = 0;
    return NULL;
  }
  from = step == 1 ? 0 : s->marks[step - 2].end;
  *n = s->marks[step - 1].end - from;
  return *n > 0 ? s->journal + from : NULL;
}

/* Copies every page that holds one of the cells, before any is written: a failure changes nothing. */
static budget_status own_cells(scenario *s, size_t set, const size_t *cells, size_t n) {
  overlay *o = &s->sets[set];
  const money *base = facts_amounts(model_facts(s->base, set));
  size_t i;
  budget_status rc;
  if (o->pages == NULL) {
    size_t np = (ncells(s, set) + PAGE_CELLS - 1) / PAGE_CELLS;
    if ((rc = mem_zarray(s->A, np, sizeof *o->pages, (void **)&o->pages)) != BUDGET_OK) return rc;
    o->npages = np;
  }
  for (i = 0; i < n; i++) {
    size_t k = cells[i] >> PAGE_SHIFT, len;
    if (o->pages[k]) continue;
    len = page_len(s, set, k);
    if (o->spare && o->spare[k]) {  /* a page a reset took back: no allocation */
      o->pages[k] = o->spare[k];
      o->spare[k] = NULL;
    } else if ((rc = mem_array(s->A, len, sizeof(money), (void **)&o->pages[k])) != BUDGET_OK) {
      return rc;
    }
    memcpy(o->pages[k], base + k * PAGE_CELLS, len * sizeof(money));
  }
  return BUDGET_OK;
}

/*
** A planned move: the cells it touches and their new amounts, computed whole
** before anything is written, so that a failure leaves the scenario as it was.
*/
typedef struct plan {
  size_t *cells;
  money *after;
  size_t n;
  size_t rounded;  /* how many of the cells' shares were rounded to the grain */
} plan;

static void plan_free(const scenario *s, plan *p, size_t cap) {
  mem_free(s->A, p->cells, cap, sizeof *p->cells);
  mem_free(s->A, p->after, cap, sizeof *p->after);
}

static int by_index(const void *a, const void *b) {
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  return (x > y) - (x < y);
}

/* Plans spreading 'delta' over the selection's cells not held. The caller frees with plan_free(cap). */
static budget_status plan_spread(const scenario *s, size_t set, const hier_id *sel, money delta, plan *p,
                                 size_t *cap) {
  const facts *f = model_facts(s->base, set);
  size_t c, k = 0;
  int64_t *weights = NULL;
  money *parts = NULL;
  budget_status rc;
  facts_iter it;
  p->cells = NULL;
  p->after = NULL;
  p->n = 0;
  p->rounded = 0;
  *cap = 0;
  if (delta % facts_grain(f) != 0) return BUDGET_EGRAIN;
  facts_iter_init(&it, f, sel);
  while (facts_iter_next(&it, &c))
    if (!scenario_held(s, set, c)) k++;
  if (k == 0) return BUDGET_EZEROWEIGHTS;
  if ((rc = mem_array(s->A, k, sizeof *p->cells, (void **)&p->cells)) != BUDGET_OK ||
      (rc = mem_array(s->A, k, sizeof *p->after, (void **)&p->after)) != BUDGET_OK ||
      (rc = mem_array(s->A, k, sizeof *weights, (void **)&weights)) != BUDGET_OK ||
      (rc = mem_array(s->A, k, sizeof *parts, (void **)&parts)) != BUDGET_OK)
    goto done;
  *cap = k;
  facts_iter_init(&it, f, sel);
  while (facts_iter_next(&it, &c))
    if (!scenario_held(s, set, c)) p->cells[p->n++] = c;
  /* in cell order, however they came: ties in the allocation go to the earlier cell */
  if (it.order) qsort(p->cells, p->n, sizeof *p->cells, by_index);
  for (c = 0; c < p->n; c++) {
    money now = scenario_amount(s, set, p->cells[c]);
    weights[c] = now > 0 ? now : 0;  /* what is at zero or below has nothing to give */
  }
  rc = money_allocate_counted(s->A, delta, weights, k, facts_grain(f), 0, parts, &p->rounded);
  for (c = 0; rc == BUDGET_OK && c < k; c++) rc = money_add(scenario_amount(s, set, p->cells[c]), parts[c], &p->after[c]);
done:
  mem_free(s->A, weights, k, sizeof *weights);
  mem_free(s->A, parts, k, sizeof *parts);
  if (rc) {
    plan_free(s, p, k);
    p->cells = NULL;
    p->after = NULL;
    *cap = 0;
  }
  return rc;
}

static void apply(scenario *s, size_t set, const plan *p) {
  size_t i;
  for (i = 0; i < p->n; i++) write_cell(s, set, p->cells[i], p->after[i]);
  s->rounded += p->rounded;
}

/* Spreads delta over the selection's cells not held, in the one set: the move every operation is made of. */
static budget_status spread(scenario *s, size_t set, const hier_id *sel, money delta) {
  plan p;
  size_t cap;
  budget_status rc;
  if (delta == 0) return BUDGET_OK;
  if ((rc = plan_spread(s, set, sel, delta, &p, &cap)) != BUDGET_OK) return rc;
  if ((rc = own_cells(s, set, p.cells, p.n)) == BUDGET_OK && (rc = journal_room(s, p.n)) == BUDGET_OK &&
      (rc = undo_room(s, p.n)) == BUDGET_OK)
    apply(s, set, &p);
  plan_free(s, &p, cap);
  return rc;
}

/* {==================================================================
** Operations: a move, and what it carries to linked descriptions
** =================================================================== */

/* What an operation started from: undone to it if any part fails. */
typedef struct txn {
  size_t journal, rounded;
  bool inexact;
} txn;

static void txn_begin(scenario *s, txn *t) {
  t->journal = s->njournal;
  t->rounded = s->rounded;
  t->inexact = s->inexact;
  s->nundo = 0;
  s->undoing = true;
  s->failed_link = SIZE_MAX;
}

/* Ends the operation with rc: on failure every cell it wrote gets its amount back, and the journal forgets it. */
static budget_status txn_end(scenario *s, const txn *t, budget_status rc) {
  if (rc) {
    size_t i = s->nundo;
    while (i-- > 0) *own_slot(s, s->undo[i].set, s->undo[i].cell) = s->undo[i].was;
    s->njournal = t->journal;
    s->rounded = t->rounded;
    s->inexact = t->inexact;
  } else {
    s->failed_link = SIZE_MAX;
  }
  s->undoing = false;
  s->nundo = 0;
  return rc;
}

/* v rounded to a whole number of g by 'mode'. */
static budget_status round_by(money v, money g, money_round mode, money *out) {
  money_ctx ctx = {mode, 0};
  rate one = {1, 1};
  if (g <= 1) {
    *out = v;
    return BUDGET_OK;
  }
  return money_mul_rate_grain(&ctx, v, one, g, out);
}

/* v rounded to a whole number of g, half away from zero (as the checks round). */
static budget_status round_to(money v, money g, money *out) {
  return round_by(v, g, MONEY_ROUND_HALF_AWAY, out);
}

/* Each link side's total as an operation starts (link i's side k at [2i + k]): what its change is measured from. */
typedef struct sides {
  money total[2 * MODEL_MAX_LINKS];
} sides;

static budget_status sides_before(const scenario *s, sides *before) {
  const model *m = s->base;
  size_t i;
  int k;
  for (i = 0; i < model_nlinks(m); i++) {
    const model_link *l = model_link_at(m, i);
    for (k = 0; k < 2; k++) {
      budget_status rc = scenario_total(s, l->set[k], l->sel[k], &before->total[2 * i + (size_t)k]);
      if (rc) return rc;
    }
  }
  return BUDGET_OK;
}

/*
** What an equal link needs moved on side y, side x having changed in this
** operation: x's change, both ends rounded to the link's grain. Summed over
** operations it telescopes (Σ R(xₖ) − R(xₖ₋₁) = R(xₙ) − R(x₀)), so rounding
** never drifts; and a gap an analyst left on purpose ({carry = false}) stays as
** it was, since only this operation's change is carried.
*/
static budget_status equal_carry(const scenario *s, const model_link *l, int x, money was, money *delta) {
  money now, rnow, rwas;
  budget_status rc;
  if ((rc = scenario_total(s, l->set[x], l->sel[x], &now)) != BUDGET_OK ||
      (rc = round_to(now, l->grain, &rnow)) != BUDGET_OK || (rc = round_to(was, l->grain, &rwas)) != BUDGET_OK)
    return rc;
  return __builtin_sub_overflow(rnow, rwas, delta) ? BUDGET_EOVERFLOW : BUDGET_OK;
}

/*
** What a part link needs moved: a change of the part (side 0) is the same change
** of the whole, at the whole's grain; a change of the whole in this operation
** moves the part only when the whole falls below it (below the base's
** shortfall, if the document printed one, or below the gap it already had, if
** one was left by hand), and then by the shortfall rounded up to the part's grain.
*/
static budget_status part_carry(const scenario *s, const model_link *l, int x, money part_before, money whole_before,
                                money *delta) {
  money part, whole, gap, gap_before, floor, short_by, g;
  budget_status rc;
  if ((rc = scenario_total(s, l->set[0], l->sel[0], &part)) != BUDGET_OK ||
      (rc = scenario_total(s, l->set[1], l->sel[1], &whole)) != BUDGET_OK)
    return rc;
  if (x == 0) {  /* rounded up at the whole's grain, both ends: it telescopes, and the whole stays above */
    money rnow, rwas, gw = facts_grain(model_facts(s->base, l->set[1]));
    if ((rc = round_by(part, gw, MONEY_ROUND_CEIL, &rnow)) != BUDGET_OK ||
        (rc = round_by(part_before, gw, MONEY_ROUND_CEIL, &rwas)) != BUDGET_OK)
      return rc;
    return __builtin_sub_overflow(rnow, rwas, delta) ? BUDGET_EOVERFLOW : BUDGET_OK;
  }
  *delta = 0;
  if (whole == whole_before) return BUDGET_OK;  /* the whole did not move: nothing to carry */
  if (__builtin_sub_overflow(whole, part, &gap) || __builtin_sub_overflow(l->base[1], l->base[0], &floor) ||
      __builtin_sub_overflow(whole_before, part_before, &gap_before))
    return BUDGET_EOVERFLOW;
  if (floor > 0) floor = 0;
  if (gap_before < floor) floor = gap_before;
  if (gap >= floor) return BUDGET_OK;
  if (__builtin_sub_overflow(floor, gap, &short_by)) return BUDGET_EOVERFLOW;
  g = facts_grain(model_facts(s->base, l->set[0]));
  if (short_by % g != 0 && __builtin_add_overflow(short_by, g - short_by % g, &short_by)) return BUDGET_EOVERFLOW;
  *delta = -short_by;
  return BUDGET_OK;
}

/*
** Carries the change just made to 'changed' along every link, breadth first:
** each set's links are followed once, away from where the change came from
** (the links make no cycle: model_add_link). A carry into set 'onto_set' lands
** on the part of the link's side that 'onto' selects, where there is one: the
** way back of a transfer between two descriptions, which gives the money back
** where it was taken from. On a carry that cannot land, the failing link and
** side are kept for scenario_failed_link.
*/
static budget_status carry(scenario *s, size_t changed, const sides *before, size_t onto_set, const hier_id *onto) {
  const model *m = s->base;
  size_t queue[MODEL_MAX_FACTS], nq = 1, q, i;
  bool done[MODEL_MAX_FACTS] = {false};
  queue[0] = changed;
  done[changed] = true;
  for (q = 0; q < nq; q++) {
    size_t x = queue[q], reached[MODEL_MAX_FACTS], nr = 0, k;
    for (i = 0; i < model_nlinks(m); i++) {
      const model_link *l = model_link_at(m, i);
      int side = l->set[0] == x ? 0 : (l->set[1] == x ? 1 : -1);
      hier_id narrowed[FACTS_MAX_DIMS];
      const hier_id *target;
      size_t y;
      money delta = 0;
      budget_status rc;
      if (side < 0 || done[y = l->set[1 - side]]) continue;
      rc = l->kind == MODEL_LINK_EQUAL ? equal_carry(s, l, side, before->total[2 * i + (size_t)side], &delta)
                                       : part_carry(s, l, side, before->total[2 * i], before->total[2 * i + 1], &delta);
      target = l->sel[1 - side];
      if (y == onto_set && facts_intersect(model_facts(m, y), l->sel[1 - side], onto, narrowed)) target = narrowed;
      if (rc == BUDGET_OK) rc = spread(s, y, target, delta);
      if (rc == BUDGET_EZEROWEIGHTS && target == narrowed)  /* the transfer's side has no cell there: all of it */
        rc = spread(s, y, l->sel[1 - side], delta);
      if (rc) {
        s->failed_link = i;
        s->failed_side = 1 - side;
        return rc;
      }
      for (k = 0; k < nr && reached[k] != y; k++) continue;
      if (k == nr) reached[nr++] = y;
    }
    for (k = 0; k < nr; k++) {  /* only now: every link from x into a set is followed, then none back */
      done[reached[k]] = true;
      queue[nq++] = reached[k];
    }
  }
  return BUDGET_OK;
}

/* A move of the selection by delta, and then of everything linked to it (onto: as carry's). */
static budget_status move(scenario *s, size_t set, const hier_id *sel, money delta, size_t onto_set,
                          const hier_id *onto) {
  sides before;
  bool carrying = !s->no_carry && model_nlinks(s->base) > 0;
  budget_status rc;
  if (carrying && (rc = sides_before(s, &before)) != BUDGET_OK) return rc;
  if ((rc = spread(s, set, sel, delta)) != BUDGET_OK) return rc;
  return carrying ? carry(s, set, &before, onto_set, onto) : BUDGET_OK;
}

/* }================================================================== */

budget_status scenario_add(scenario *s, size_t set, const hier_id *sel, money delta) {
  txn t;
  if (set >= s->nsets) return BUDGET_EINVAL;
  if (delta == 0) return BUDGET_OK;
  txn_begin(s, &t);
  return txn_end(s, &t, move(s, set, sel, delta, SIZE_MAX, NULL));
}

budget_status scenario_scale(scenario *s, money_ctx *ctx, size_t set, const hier_id *sel, rate factor, money *delta) {
  money total, moved;
  rate minus_one = {-1, 1}, change;
  money_ctx mine = {ctx->round, 0};  /* this move's flags alone, then added to the caller's */
  budget_status rc;
  if (set >= s->nsets) return BUDGET_EINVAL;
  if ((rc = scenario_total(s, set, sel, &total)) != BUDGET_OK) return rc;
  if ((rc = rate_add(factor, minus_one, &change)) != BUDGET_OK) return rc;
  rc = money_mul_rate_grain(&mine, total, change, facts_grain(model_facts(s->base, set)), &moved);
  if (rc) return rc;
  if ((rc = scenario_add(s, set, sel, moved)) != BUDGET_OK) return rc;
  ctx->status |= mine.status;
  if (mine.status & MONEY_INEXACT) s->inexact = true;
  if (delta) *delta = moved;
  return BUDGET_OK;
}

budget_status scenario_set(scenario *s, size_t set, const hier_id *sel, money value, money *delta) {
  money total, moved;
  budget_status rc;
  if (set >= s->nsets) return BUDGET_EINVAL;
  if ((rc = scenario_total(s, set, sel, &total)) != BUDGET_OK) return rc;
  if ((rc = money_sub(value, total, &moved)) != BUDGET_OK) return rc;
  if ((rc = scenario_add(s, set, sel, moved)) != BUDGET_OK) return rc;
  if (delta) *delta = moved;
  return BUDGET_OK;
}

/*
** Within one set: out, in, then one carry of the set's change. Between two sets:
** out of one with what that carries, then into the other with what that carries,
** each side's carry into the other set landing on the other side of the transfer
** (where the link's side holds it): so that the money moves from 'from' to 'to'
** and every linked description ends consistent. 科普活动 to the project 科技会客厅:
** the project gains the amount, and 项目支出 gives it back to 科普活动, which still
** spends it, now as a listed project.
*/
budget_status scenario_transfer(scenario *s, size_t from_set, const hier_id *from, size_t to_set, const hier_id *to,
                                money amount) {
  money neg;
  sides before;
  bool carrying;
  txn t;
  budget_status rc;
  if (from_set >= s->nsets || to_set >= s->nsets) return BUDGET_EINVAL;
  if ((rc = money_neg(amount, &neg)) != BUDGET_OK) return rc;
  carrying = !s->no_carry && model_nlinks(s->base) > 0;
  txn_begin(s, &t);
  if (from_set != to_set) {
    if ((rc = move(s, from_set, from, neg, to_set, to)) == BUDGET_OK) rc = move(s, to_set, to, amount, from_set, from);
    return txn_end(s, &t, rc);
  }
  if (carrying) rc = sides_before(s, &before);
  if (rc == BUDGET_OK) rc = spread(s, from_set, from, neg);
  if (rc == BUDGET_OK) rc = spread(s, to_set, to, amount);
  if (rc == BUDGET_OK && carrying) rc = carry(s, from_set, &before, SIZE_MAX, NULL);
  return txn_end(s, &t, rc);
}

budget_status scenario_hold(scenario *s, size_t set, const hier_id *sel, bool held, size_t *count) {
  const facts *f;
  facts_iter it;
  size_t c, k = 0;
  budget_status rc;
  if (set >= s->nsets) return BUDGET_EINVAL;
  f = model_facts(s->base, set);
  if (s->sets[set].held == NULL) {
    if (!held) {
      if (count) *count = 0;
      return BUDGET_OK;
    }
    rc = mem_zarray(s->A, held_bytes(s, set), 1, (void **)&s->sets[set].held);
    if (rc) return rc;
  }
  facts_iter_init(&it, f, sel);
  while (facts_iter_next(&it, &c)) {
    uint8_t bit = (uint8_t)(1u << (c % 8));
    if (held) s->sets[set].held[c / 8] |= bit;
    else s->sets[set].held[c / 8] &= (uint8_t)~bit;
    k++;
  }
  if (count) *count = k;
  return BUDGET_OK;
}

budget_status scenario_put(scenario *s, size_t set, size_t cell, money value, bool held) {
  budget_status rc;
  money grain;
  if (set >= s->nsets || cell >= ncells(s, set)) return BUDGET_EINVAL;
  grain = facts_grain(model_facts(s->base, set));
  if (grain > 1 && value % grain != 0) return BUDGET_EGRAIN;
  if (held && s->sets[set].held == NULL) {
    rc = mem_zarray(s->A, held_bytes(s, set), 1, (void **)&s->sets[set].held);
    if (rc) return rc;
  }
  if (scenario_amount(s, set, cell) != value) {
    if ((rc = own_cells(s, set, &cell, 1)) != BUDGET_OK || (rc = journal_room(s, 1)) != BUDGET_OK) return rc;
    write_cell(s, set, cell, value);
  }
  if (s->sets[set].held) {
    uint8_t bit = (uint8_t)(1u << (cell % 8));
    if (held) s->sets[set].held[cell / 8] |= bit;
    else s->sets[set].held[cell / 8] &= (uint8_t)~bit;
  }
  return BUDGET_OK;
}

/* {==================================================================
** Compiled checks
** =================================================================== */

budget_status scenario_base_totals(const model *base, const scenario_term *terms, size_t nterms, money *base_totals) {
  size_t i;
  for (i = 0; i < nterms; i++) {
    const facts *f;
    size_t d;
    budget_status rc;
    if (terms[i].set >= model_nfacts(base)) return BUDGET_EINVAL;
    f = model_facts(base, terms[i].set);
    for (d = 0; d < facts_ndims(f); d++)  /* a plan is built apart from the model: its ids are checked here */
      if (terms[i].sel[d] != HIER_NONE && terms[i].sel[d] >= hier_count(facts_dim(f, d))) return BUDGET_EINVAL;
    rc = facts_total(f, terms[i].sel, &base_totals[i]);
    if (rc) return rc;
  }
  return BUDGET_OK;
}

/* Each term's total in s: its base total, plus the changes of the changed cells it selects. */
static budget_status term_totals(const scenario *s, const scenario_term *terms, size_t nterms, const money *base_totals,
                                 money *totals) {
  size_t i, set;
  memcpy(totals, base_totals, nterms * sizeof *totals);
  for (set = 0; set < s->nsets; set++) {
    const overlay *o = &s->sets[set];
    const facts *f = model_facts(s->base, set);
    const money *was = facts_amounts(f);
    size_t k, c;
    for (k = 0; o->pages && k < o->npages; k++) {  /* only the pages a change copied */
      const money *now = o->pages[k];
      size_t first = k * PAGE_CELLS, len = page_len(s, set, k);
      if (now == NULL) continue;
      for (c = 0; c < len; c++) {
        money delta;
        if (now[c] == was[first + c]) continue;
        if (__builtin_sub_overflow(now[c], was[first + c], &delta)) return BUDGET_EOVERFLOW;
        for (i = 0; i < nterms; i++)
          if (terms[i].set == set && facts_selected(f, first + c, terms[i].sel) &&
              __builtin_add_overflow(totals[i], delta, &totals[i]))
            return BUDGET_EOVERFLOW;
      }
    }
  }
  return BUDGET_OK;
}

/* Σ coef × totals[first .. first + count) plus c, rounded to grain, into *out. */
static budget_status side(const scenario_term *terms, const money *totals, size_t nterms, size_t first, size_t count,
                          money c, money grain, money *out) {
  money acc = c;
  size_t i;
  budget_status rc;
  if (first > nterms || count > nterms - first) return BUDGET_EINVAL;
  for (i = first; i < first + count; i++) {
    rc = terms[i].coef < 0 ? money_sub(acc, totals[i], &acc) : money_add(acc, totals[i], &acc);
    if (rc) return rc;
  }
  if (grain > 0) {
    money_ctx ctx = {MONEY_ROUND_HALF_AWAY, 0};
    rate one = {1, 1};
    return money_mul_rate_grain(&ctx, acc, one, grain, out);
  }
  *out = acc;
  return BUDGET_OK;
}

budget_status scenario_check_all(const scenario *s, const scenario_check *checks, size_t n, const scenario_term *terms,
                                 size_t nterms, const money *base_totals, unsigned char *failed) {
  money small[64], *totals = small;
  size_t i;
  budget_status rc = BUDGET_OK;
  for (i = 0; i < nterms; i++)
    if (terms[i].set >= s->nsets) return BUDGET_EINVAL;
  if (nterms > sizeof small / sizeof small[0] &&
      (rc = mem_array(s->A, nterms, sizeof *totals, (void **)&totals)) != BUDGET_OK)
    return rc;
  rc = term_totals(s, terms, nterms, base_totals, totals);
  for (i = 0; rc == BUDGET_OK && i < n; i++) {
    const scenario_check *c = &checks[i];
    money l, r;
    rc = side(terms, totals, nterms, c->lfirst, c->lcount, c->lconst, c->grain, &l);
    if (rc == BUDGET_OK) rc = side(terms, totals, nterms, c->rfirst, c->rcount, c->rconst, c->grain, &r);
    if (rc) break;
    switch (c->op) {
      case SCENARIO_EQ: failed[i] = l != r; break;
      case SCENARIO_LE: failed[i] = l > r; break;
      case SCENARIO_GE: failed[i] = l < r; break;
      default: rc = BUDGET_EINVAL; break;
    }
  }
  if (totals != small) mem_free(s->A, totals, nterms, sizeof *totals);
  return rc;
}

/* True if any cell of any fact set is below zero in s. */
bool scenario_any_negative(const scenario *s) {
  size_t set, c;
  for (set = 0; set < s->nsets; set++) {
    size_t n = facts_count(model_facts(s->base, set));
    for (c = 0; c < n; c += PAGE_CELLS) {  /* a page at a time, the scenario's or the base's */
      const money *a = page_of(s, set, c);
      size_t k, len = n - c < PAGE_CELLS ? n - c : PAGE_CELLS;
      for (k = 0; k < len; k++)
        if (a[k] < 0) return true;
    }
  }
  return false;
}

/* }================================================================== */
