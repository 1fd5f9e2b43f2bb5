/*
** engine/facts.c
** Fact sets: cells in flat arrays, a hash index on their keys, totals by
** preorder ranges.
** See LICENSE for copyright and license.
*/
#include "facts.h"

#include <string.h>

#define NO_CELL UINT32_MAX

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
  if (f == NULL) return;
  mem_free(f->A, f->name, f->name_len + 1, 1);
  mem_free(f->A, f->keys, f->kcap, sizeof *f->keys);
  mem_free(f->A, f->amounts, f->acap, sizeof *f->amounts);
  mem_free(f->A, f->index, f->icap, sizeof *f->index);
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
}

void facts_prepare(facts *f) {
  if (f->unindexed) build_index(f);
}

/* Is key past the last cell's key (dimension by dimension)? */
static bool after_last(const facts *f, const hier_id *key) {
  const hier_id *last;
  size_t d;
  if (f->n == 0) return true;
  last = &f->keys[(f->n - 1) * f->ndims];
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

/* Adds to or creates the cell; 'unique' refuses an existing one. */
static budget_status store(facts *f, const hier_id *key, money amount, bool unique, size_t *cell) {
  size_t c, s, nd = f->ndims;
  budget_status rc = check_key(f, key);
  if (rc) return rc;
  if (amount % f->grain != 0) return BUDGET_EGRAIN;
  if (f->n >= NO_CELL - 1) return BUDGET_EOVERFLOW;
  /* Every allocation first, so that a failure leaves the set as it was (only roomier). */
  if ((rc = mem_grow(f->A, (void **)&f->keys, &f->kcap, (f->n + 1) * nd, sizeof *f->keys)) != BUDGET_OK ||
      (rc = mem_grow(f->A, (void **)&f->amounts, &f->acap, f->n + 1, sizeof *f->amounts)) != BUDGET_OK)
    return rc;
  if ((f->n + 1) * 2 > f->icap && (rc = reindex(f, f->icap ? f->icap * 2 : 64)) != BUDGET_OK) return rc;
  if (f->n > 4096 && after_last(f, key)) {
    c = f->n++;  /* past every key so far: new, and the index can wait */
    memcpy(&f->keys[c * nd], key, nd * sizeof *key);
    f->amounts[c] = amount;
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
    if (cell) *cell = c;
    return BUDGET_OK;
  }
  c = f->n++;
  memcpy(&f->keys[c * nd], key, nd * sizeof *key);
  f->amounts[c] = amount;
  f->index[s] = (uint32_t)c;
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

budget_status facts_total_of(const facts *f, const money *amounts, const hier_id *sel, money *out) {
  money acc = 0;
  size_t c;
  if (amounts == NULL) amounts = f->amounts;
  for (c = 0; c < f->n; c++)
    if (facts_selected(f, c, sel) && __builtin_add_overflow(acc, amounts[c], &acc))
      return BUDGET_EOVERFLOW;
  *out = acc;
  return BUDGET_OK;
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
  size_t c, n;
  hier_id id;
  if (dim >= f->ndims) return BUDGET_EINVAL;
  h = f->dims[dim];
  n = hier_count(h);
  for (c = 0; c < f->ndims; c++) others[c] = sel ? sel[c] : HIER_NONE;
  others[dim] = HIER_NONE;
  memset(totals, 0, n * sizeof *totals);
  for (c = 0; c < f->n; c++) {
    money *t = &totals[f->keys[c * f->ndims + dim]];
    if (facts_selected(f, c, others) && __builtin_add_overflow(*t, f->amounts[c], t))
      return BUDGET_EOVERFLOW;
  }
  /* A child is always added after its parent, so descending ids visit children first. */
  for (id = (hier_id)n; id-- > 0;) {
    hier_id p = hier_parent(h, id);
    if (p != HIER_NONE && __builtin_add_overflow(totals[p], totals[id], &totals[p]))
      return BUDGET_EOVERFLOW;
  }
  return BUDGET_OK;
}

void facts_iter_init(facts_iter *it, const facts *f, const hier_id *sel) {
  size_t d;
  it->f = f;
  it->next = 0;
  it->all = sel == NULL;
  for (d = 0; d < FACTS_MAX_DIMS; d++) it->sel[d] = (sel && d < f->ndims) ? sel[d] : HIER_NONE;
}

bool facts_iter_next(facts_iter *it, size_t *cell) {
  while (it->next < it->f->n) {
    size_t c = it->next++;
    if (it->all || facts_selected(it->f, c, it->sel)) {
      *cell = c;
      return true;
    }
  }
  return false;
}
