/*
** engine/core/facts.c
** Fact sets: cells in flat arrays, a hash index on their keys, totals by
** preorder ranges.
** See LICENSE for copyright and license.
*/
#include "facts.h"

#include <string.h>

#define NO_CELL UINT32_MAX

/*
** A total by a member of a dimension other than the first reads only that member's cells when
** the set keeps its cells in that dimension's preorder too (dim_order). Kept for a dimension
** of ORDER_MIN_MEMBERS members or more in a set of ORDER_MIN_CELLS cells or more: below that
** each member holds a large share of the cells, or there are few, and a scan loses little.
** The threshold keeps the benchmark's sets (资金来源 3 members, 支出性质 2) at their size.
*/
#define ORDER_MIN_MEMBERS 64
#define ORDER_MIN_CELLS 1024


struct facts {
  const mem_allocator *A;
  char *name;
  size_t name_len;
  const hier *dims[FACTS_MAX_DIMS];
  size_t ndims;
  money grain;
  hier_id *keys;      /* ndims per cell */
  money *amounts;
  size_t n, kcap, acap;
  uint32_t *index;    /* open addressing over keys; NO_CELL for empty */
  size_t icap;
  bool unindexed;     /* cells appended in key order without the index: it is made before use */
  size_t indexed_at;  /* cells when the index was last made: it goes stale again only past twice that */
  size_t max_cell;    /* the cell with the greatest key: a key past it is new */
  uint32_t *order;    /* when unordered: the cells in their first members' preorder (first_order) */
  size_t order_n;     /* the cells it covers: a cell added since makes it again */
  bool unordered;     /* some cell's first member comes before the previous cell's, in preorder */
  uint32_t *dorder[FACTS_MAX_DIMS];  /* [d], d >= 1: the cells in dimension d's preorder (dim_order), or NULL */
  size_t dorder_n[FACTS_MAX_DIMS];   /* the cells each covers: a cell added since makes it again */
  money_wide sum;     /* every cell's amount, kept as they are stored: the grand total without a scan */
};

budget_status facts_new(const mem_allocator *A, const char *name, const hier *const *dims, size_t ndims,
                        money grain, facts **out) {
  facts *f;
  size_t d, len = strlen(name);
  budget_status rc;
  if (ndims == 0 || ndims > FACTS_MAX_DIMS || grain <= 0 || len == 0) return BUDGET_EINVAL;
  for (d = 0; d < ndims; d++)
    if (!hier_sealed(dims[d])) return BUDGET_ESTATE;
  rc = mem_zarray(A, 1, sizeof *f, (void **)&f);
  if (rc) return rc;
  rc = mem_strndup(A, name, len, &f->name);
  if (rc) {
    mem_free(A, f, 1, sizeof *f);
    return rc;
  }
  f->A = A;
  f->name_len = len;
  f->ndims = ndims;
  f->grain = grain;
  for (d = 0; d < ndims; d++) f->dims[d] = dims[d];
  *out = f;
  return BUDGET_OK;
}

void facts_free(facts *f) {
  size_t d;
  if (f == NULL) return;
  mem_free(f->A, f->name, f->name_len + 1, 1);
  mem_free(f->A, f->keys, f->kcap, sizeof *f->keys);
  mem_free(f->A, f->amounts, f->acap, sizeof *f->amounts);
  mem_free(f->A, f->index, f->icap, sizeof *f->index);
  mem_free(f->A, f->order, f->order_n, sizeof *f->order);
  for (d = 1; d < FACTS_MAX_DIMS; d++) mem_free(f->A, f->dorder[d], f->dorder_n[d], sizeof *f->dorder[d]);
  mem_free(f->A, f, 1, sizeof *f);
}

const char *facts_name(const facts *f) { return f->name; }
size_t facts_ndims(const facts *f) { return f->ndims; }
const hier *facts_dim(const facts *f, size_t d) { return f->dims[d]; }
money facts_grain(const facts *f) { return f->grain; }
size_t facts_count(const facts *f) { return f->n; }
money facts_amount(const facts *f, size_t cell) { return f->amounts[cell]; }
hier_id facts_key(const facts *f, size_t cell, size_t d) { return f->keys[cell * f->ndims + d]; }

/* {==================================================================
** The key index
** =================================================================== */

static size_t hash_key(const facts *f, const hier_id *key) {
  uint64_t h = 1469598103934665603u;
  size_t d;
  for (d = 0; d < f->ndims; d++) {
    h ^= key[d];
    h *= 1099511628211u;
  }
  h ^= h >> 33;  /* a finaliser: keys differ mostly in their low bits */
  h *= 0xff51afd7ed558ccdu;
  h ^= h >> 33;
  return (size_t)h;
}

/* The slot holding the cell keyed by key, or the empty slot where it would go. */
static size_t key_slot(const facts *f, const uint32_t *index, size_t icap, const hier_id *key) {
  size_t mask = icap - 1, i = hash_key(f, key) & mask;
  while (index[i] != NO_CELL &&
         memcmp(&f->keys[(size_t)index[i] * f->ndims], key, f->ndims * sizeof *key) != 0)
    i = (i + 1) & mask;
  return i;
}

static budget_status reindex(facts *f, size_t ncap) {
  uint32_t *index;
  size_t i;
  budget_status rc = mem_array(f->A, ncap, sizeof *index, (void **)&index);
  if (rc) return rc;
  for (i = 0; i < ncap; i++) index[i] = NO_CELL;
  if (!f->unindexed)
    for (i = 0; i < f->n; i++) index[key_slot(f, index, ncap, &f->keys[i * f->ndims])] = (uint32_t)i;
  mem_free(f->A, f->index, f->icap, sizeof *f->index);
  f->index = index;
  f->icap = ncap;
  return BUDGET_OK;
}

/* }================================================================== */

static budget_status check_key(const facts *f, const hier_id *key) {
  size_t d;
  for (d = 0; d < f->ndims; d++) {
    if (key[d] >= hier_count(f->dims[d])) return BUDGET_EINVAL;
    if (!hier_is_leaf(f->dims[d], key[d])) return BUDGET_ENOTLEAF;
  }
  return BUDGET_OK;
}

/*
** Cells added in increasing key order (a bulk load of sorted cells) cannot repeat a key, so
** they are appended without the index, which is made at the first lookup that needs it.
*/
static void build_index(facts *f) {
  size_t i;
  for (i = 0; i < f->icap; i++) f->index[i] = NO_CELL;
  for (i = 0; i < f->n; i++) f->index[key_slot(f, f->index, f->icap, &f->keys[i * f->ndims])] = (uint32_t)i;
  f->unindexed = false;
  f->indexed_at = f->n;
}

static const uint32_t *first_order(const facts *f);
static const uint32_t *dim_order(const facts *f, size_t d);

void facts_prepare(facts *f) {
  size_t d;
  if (f->unindexed) build_index(f);
  (void)first_order(f);
  for (d = 1; d < f->ndims; d++) (void)dim_order(f, d);
}

/* Is key past the greatest key so far (dimension by dimension)? Then it cannot be a cell's. */
static bool after_last(const facts *f, const hier_id *key) {
  const hier_id *last;
  size_t d;
  if (f->n == 0) return true;
  last = &f->keys[f->max_cell * f->ndims];
  for (d = 0; d < f->ndims; d++)
    if (key[d] != last[d]) return key[d] > last[d];
  return false;
}

budget_status facts_find(const facts *f, const hier_id *key, size_t *cell) {
  uint32_t c;
  if (f->icap == 0) return BUDGET_ENOTFOUND;
  if (f->unindexed) build_index((facts *)(size_t)f);  /* a cache; facts_prepare makes it before sharing */
  c = f->index[key_slot(f, f->index, f->icap, key)];
  if (c == NO_CELL) return BUDGET_ENOTFOUND;
  *cell = c;
  return BUDGET_OK;
}

/* Cells in the preorder of their first members (as a bulk load in member order gives them) make
   a selection by the first dimension a contiguous range: 'unordered' says when they are not. */
static void note_order(facts *f, size_t c) {
  const hier *h = f->dims[0];
  if (c > 0 && hier_pre(h, f->keys[c * f->ndims]) < hier_pre(h, f->keys[(c - 1) * f->ndims])) f->unordered = true;
}

static void add_to_sum(facts *f, money amount) {
  f->sum += amount;
}

/*
** The cells in dimension d's preorder into a new array of f->n entries (*out): a stable
** counting sort, so that cells under one member keep their order. ENOMEM, *out untouched.
*/
static budget_status sort_by(const facts *f, size_t d, uint32_t **out) {
  const hier *h = f->dims[d];
  size_t members = hier_count(h), c, nd = f->ndims, *starts;
  uint32_t *order;
  budget_status rc = mem_zarray(f->A, members + 1, sizeof *starts, (void **)&starts);
  if (rc) return rc;
  if ((rc = mem_array(f->A, f->n, sizeof *order, (void **)&order)) != BUDGET_OK) {
    mem_free(f->A, starts, members + 1, sizeof *starts);
    return rc;
  }
  for (c = 0; c < f->n; c++) starts[hier_pre(h, f->keys[c * nd + d]) + 1]++;
  for (c = 0; c < members; c++) starts[c + 1] += starts[c];
  for (c = 0; c < f->n; c++) order[starts[hier_pre(h, f->keys[c * nd + d])]++] = (uint32_t)c;
  mem_free(f->A, starts, members + 1, sizeof *starts);
  *out = order;
  return BUDGET_OK;
}

/*
** The cells in their first members' preorder, for cells not stored in it: a stable counting
** sort, so that cells under one member keep their order. Made at the first selection that
** needs it (facts_prepare makes it before threads share the set); NULL if memory is short,
** and then selections scan every cell.
*/
static const uint32_t *first_order(const facts *f) {
  facts *w = (facts *)(size_t)f;  /* a cache, like the index */
  if (!f->unordered) return NULL;
  if (f->order != NULL && f->order_n == f->n) return f->order;
  mem_free(f->A, w->order, w->order_n, sizeof *w->order);
  w->order = NULL;
  w->order_n = 0;
  if (sort_by(f, 0, &w->order) == BUDGET_OK) w->order_n = f->n;
  return w->order;
}

/*
** The cells in dimension d's preorder (d >= 1), for totals by one of its members: kept as
** ORDER_MIN_MEMBERS says, and NULL otherwise or when memory is short (a total then scans).
** Made at the first total that needs it; facts_prepare makes it before threads share the set.
*/
static const uint32_t *dim_order(const facts *f, size_t d) {
  facts *w = (facts *)(size_t)f;  /* a cache, like the index */
  if (d == 0 || d >= f->ndims || hier_count(f->dims[d]) < ORDER_MIN_MEMBERS || f->n < ORDER_MIN_CELLS) return NULL;
  if (f->dorder[d] != NULL && f->dorder_n[d] == f->n) return f->dorder[d];
  mem_free(f->A, w->dorder[d], w->dorder_n[d], sizeof *w->dorder[d]);
  w->dorder[d] = NULL;
  w->dorder_n[d] = 0;
  if (sort_by(f, d, &w->dorder[d]) == BUDGET_OK) w->dorder_n[d] = f->n;
  return w->dorder[d];
}

/* Dimension d's member's preorder place of the k-th cell in order (cell order when order is NULL). */
static uint32_t pre_at(const facts *f, size_t d, const uint32_t *order, size_t k) {
  return hier_pre(f->dims[d], f->keys[(order ? order[k] : k) * f->ndims + d]);
}

/* The positions [*lo, *hi) of 'order' (of the cells when NULL) whose dimension-d member lies within 'member'. */
static void range_of(const facts *f, size_t d, const uint32_t *order, hier_id member, size_t *lo, size_t *hi) {
  const hier *h = f->dims[d];
  uint32_t first = hier_pre(h, member), end = first + hier_size(h, member);
  size_t a = 0, b = f->n;
  while (a < b) {  /* the first cell at or past 'first' */
    size_t mid = a + (b - a) / 2;
    if (pre_at(f, d, order, mid) < first) a = mid + 1;
    else b = mid;
  }
  *lo = a;
  b = f->n;
  while (a < b) {  /* the first past the member's subtree */
    size_t mid = a + (b - a) / 2;
    if (pre_at(f, d, order, mid) < end) a = mid + 1;
    else b = mid;
  }
  *hi = a;
}

/*
** The candidates a selection can pick from: positions [*lo, *hi) of *order (or of the cells,
** when *order is NULL). True when they are exactly the cells within the selection's first
** member: a binary-searched range, in cell order or in first_order.
*/
static bool candidates(const facts *f, const hier_id *sel, size_t *lo, size_t *hi, const uint32_t **order) {
  *lo = 0;
  *hi = f->n;
  *order = NULL;
  if (sel == NULL || sel[0] == HIER_NONE) return true;
  if (f->unordered && (*order = first_order(f)) == NULL) return false;
  range_of(f, 0, *order, sel[0], lo, hi);
  return true;
}

/*
** The candidates a total reads (the order of its cells does not matter to a sum): the fewest
** of the ranges that the selected members of the dimensions with an order give (the first
** dimension's, in cell order or first_order; another's, in dim_order), or every cell. True
** when they are exactly the selected cells: the selection names no other dimension.
*/
static bool total_candidates(const facts *f, const hier_id *sel, size_t *lo, size_t *hi, const uint32_t **order) {
  size_t d, best = FACTS_MAX_DIMS, named = 0;
  *lo = 0;
  *hi = f->n;
  *order = NULL;
  if (sel == NULL) return true;
  for (d = 0; d < f->ndims; d++) {
    const uint32_t *o;
    size_t a, b;
    if (sel[d] == HIER_NONE) continue;
    named++;
    if (d == 0) {
      o = f->unordered ? first_order(f) : NULL;
      if (f->unordered && o == NULL) continue;
    } else if ((o = dim_order(f, d)) == NULL) {
      continue;
    }
    range_of(f, d, o, sel[d], &a, &b);
    if (b - a < *hi - *lo) {
      *lo = a, *hi = b, *order = o;
      best = d;
    }
  }
  return named == 0 || (named == 1 && best < FACTS_MAX_DIMS);
}

/* Does the selection choose nothing beyond its first member? */
static bool first_only(const facts *f, const hier_id *sel) {
  size_t d;
  if (sel == NULL) return true;
  for (d = 1; d < f->ndims; d++)
    if (sel[d] != HIER_NONE) return false;
  return true;
}

/* Adds to or creates the cell; 'unique' refuses an existing one. */
static budget_status store(facts *f, const hier_id *key, money amount, bool unique, size_t *cell) {
  size_t c, s, nd = f->ndims;
  bool past;
  budget_status rc = check_key(f, key);
  if (rc) return rc;
  if (amount % f->grain != 0) return BUDGET_EGRAIN;
  if (f->n >= NO_CELL - 1) return BUDGET_EOVERFLOW;
  /* Every allocation first, so that a failure leaves the set as it was (only roomier). */
  if ((rc = mem_grow(f->A, (void **)&f->keys, &f->kcap, (f->n + 1) * nd, sizeof *f->keys)) != BUDGET_OK ||
      (rc = mem_grow(f->A, (void **)&f->amounts, &f->acap, f->n + 1, sizeof *f->amounts)) != BUDGET_OK)
    return rc;
  if ((f->n + 1) * 2 > f->icap && (rc = reindex(f, f->icap ? f->icap * 2 : 64)) != BUDGET_OK) return rc;
  past = after_last(f, key);
  if (past && f->n > 4096 && (f->unindexed || f->n >= 2 * f->indexed_at)) {
    c = f->n++;  /* past every key so far: new, and the index can wait */
    f->max_cell = c;
    memcpy(&f->keys[c * nd], key, nd * sizeof *key);
    f->amounts[c] = amount;
    note_order(f, c);
    add_to_sum(f, amount);
    f->unindexed = true;
    if (cell) *cell = c;
    return BUDGET_OK;
  }
  if (f->unindexed) build_index(f);
  s = key_slot(f, f->index, f->icap, key);  /* one probe: the cell, or where it goes */
  if (f->index[s] != NO_CELL) {
    c = f->index[s];
    if (unique) return BUDGET_EDUPLICATE;
    rc = money_add(f->amounts[c], amount, &f->amounts[c]);
    if (rc) return rc;
    add_to_sum(f, amount);
    if (cell) *cell = c;
    return BUDGET_OK;
  }
  c = f->n++;
  memcpy(&f->keys[c * nd], key, nd * sizeof *key);
  f->amounts[c] = amount;
  f->index[s] = (uint32_t)c;
  if (past) f->max_cell = c;
  note_order(f, c);
  add_to_sum(f, amount);
  if (cell) *cell = c;
  return BUDGET_OK;
}

budget_status facts_reserve(facts *f, size_t cells) {
  size_t want = f->icap ? f->icap : 64;
  budget_status rc;
  if ((rc = mem_grow(f->A, (void **)&f->keys, &f->kcap, (f->n + cells) * f->ndims, sizeof *f->keys)) != BUDGET_OK ||
      (rc = mem_grow(f->A, (void **)&f->amounts, &f->acap, f->n + cells, sizeof *f->amounts)) != BUDGET_OK)
    return rc;
  while (want < (f->n + cells) * 2) want *= 2;
  if (want > f->icap) return reindex(f, want);
  return BUDGET_OK;
}

budget_status facts_add(facts *f, const hier_id *key, money amount, size_t *cell) {
  return store(f, key, amount, false, cell);
}

budget_status facts_put(facts *f, const hier_id *key, money amount, size_t *cell) {
  return store(f, key, amount, true, cell);
}

bool facts_selected(const facts *f, size_t cell, const hier_id *sel) {
  size_t d;
  const hier_id *key = &f->keys[cell * f->ndims];
  if (sel == NULL) return true;
  for (d = 0; d < f->ndims; d++)
    if (sel[d] != HIER_NONE && !hier_within(f->dims[d], key[d], sel[d])) return false;
  return true;
}

bool facts_intersect(const facts *f, const hier_id *a, const hier_id *b, hier_id *out) {
  size_t d;
  for (d = 0; out && d < FACTS_MAX_DIMS; d++) out[d] = HIER_NONE;
  for (d = 0; d < f->ndims; d++) {
    hier_id both;
    if (a[d] == HIER_NONE) both = b[d];
    else if (b[d] == HIER_NONE || hier_within(f->dims[d], a[d], b[d])) both = a[d];
    else if (hier_within(f->dims[d], b[d], a[d])) both = b[d];
    else return false;
    if (out) out[d] = both;
  }
  return true;
}

budget_status facts_total_of(const facts *f, const money *amounts, const hier_id *sel, money *out) {
  money_wide acc = 0;
  size_t k, lo, hi;
  const uint32_t *order;
  bool all;
  if (amounts == NULL) amounts = f->amounts;
  if (amounts == f->amounts && first_only(f, sel) && (sel == NULL || sel[0] == HIER_NONE))
    return money_from_wide(f->sum, out);  /* every cell: the sum kept as they were stored */
  all = total_candidates(f, sel, &lo, &hi, &order);
  for (k = lo; k < hi; k++) {
    size_t c = order ? order[k] : k;
    if (all || facts_selected(f, c, sel)) acc += amounts[c];
  }
  return money_from_wide(acc, out);
}

budget_status facts_total(const facts *f, const hier_id *sel, money *out) {
  return facts_total_of(f, NULL, sel, out);
}

const money *facts_amounts(const facts *f) {
  return f->amounts;
}

budget_status facts_rollup(const facts *f, size_t dim, const hier_id *sel, money *totals) {
  hier_id others[FACTS_MAX_DIMS];
  const hier *h;
  size_t c, nd = f->ndims;
  bool all;
  if (dim >= nd) return BUDGET_EINVAL;
  h = f->dims[dim];
  for (c = 0; c < nd; c++) others[c] = sel ? sel[c] : HIER_NONE;
  others[dim] = HIER_NONE;
  all = true;
  for (c = 0; c < nd; c++) all = all && others[c] == HIER_NONE;
  memset(totals, 0, hier_count(h) * sizeof *totals);
  for (c = 0; c < f->n; c++) {
    money *t = &totals[f->keys[c * nd + dim]];
    if ((all || facts_selected(f, c, others)) && __builtin_add_overflow(*t, f->amounts[c], t))
      return BUDGET_EOVERFLOW;
  }
  return hier_roll_up(h, totals);
}

size_t facts_bytes(const facts *f) {
  size_t d, orders = f->order ? f->order_n * sizeof *f->order : 0;
  for (d = 1; d < FACTS_MAX_DIMS; d++) orders += f->dorder[d] ? f->dorder_n[d] * sizeof *f->dorder[d] : 0;
  return sizeof *f + f->name_len + 1 + f->kcap * sizeof *f->keys + f->acap * sizeof *f->amounts +
         f->icap * sizeof *f->index + orders;
}

void facts_iter_init(facts_iter *it, const facts *f, const hier_id *sel) {
  size_t d;
  it->f = f;
  it->all = candidates(f, sel, &it->next, &it->end, &it->order) && first_only(f, sel);
  for (d = 0; d < FACTS_MAX_DIMS; d++) it->sel[d] = (sel && d < f->ndims) ? sel[d] : HIER_NONE;
}

bool facts_iter_next(facts_iter *it, size_t *cell) {
  while (it->next < it->end) {
    size_t k = it->next++, c = it->order ? it->order[k] : k;
    if (it->all || facts_selected(it->f, c, it->sel)) {
      *cell = c;
      return true;
    }
  }
  return false;
}
