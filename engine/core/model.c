/*
** engine/core/model.c
** A model's dimensions and fact sets, and references across dimensions.
** See LICENSE for copyright and license.
*/
#include "model.h"

#include <stdio.h>
#include <string.h>

struct model {
  const mem_allocator *A;
  hier *dims[MODEL_MAX_DIMS];
  size_t ndims;
  facts *sets[MODEL_MAX_FACTS];
  size_t nsets;
  model_link links[MODEL_MAX_LINKS];
  size_t nlinks;
};

budget_status model_new(const mem_allocator *A, model **out) {
  model *m;
  budget_status rc = mem_zarray(A, 1, sizeof *m, (void **)&m);
  if (rc) return rc;
  m->A = A;
  *out = m;
  return BUDGET_OK;
}

void model_free(model *m) {
  size_t i;
  if (m == NULL) return;
  for (i = 0; i < m->nsets; i++) facts_free(m->sets[i]);  /* fact sets borrow the dimensions */
  for (i = 0; i < m->ndims; i++) hier_free(m->dims[i]);
  mem_free(m->A, m, 1, sizeof *m);
}

size_t model_ndims(const model *m) { return m->ndims; }
size_t model_nfacts(const model *m) { return m->nsets; }
hier *model_dim(const model *m, size_t index) { return m->dims[index]; }
facts *model_facts(const model *m, size_t index) { return m->sets[index]; }

void model_prepare(model *m) {
  size_t i;
  for (i = 0; i < m->ndims; i++) hier_prepare(m->dims[i]);
  for (i = 0; i < m->nsets; i++) facts_prepare(m->sets[i]);
}

budget_status model_dim_index(const model *m, const char *name, size_t *index) {
  size_t i;
  for (i = 0; i < m->ndims; i++)
    if (strcmp(hier_name(m->dims[i]), name) == 0) {
      *index = i;
      return BUDGET_OK;
    }
  return BUDGET_ENOTFOUND;
}

budget_status model_facts_index(const model *m, const char *name, size_t *index) {
  size_t i;
  for (i = 0; i < m->nsets; i++)
    if (strcmp(facts_name(m->sets[i]), name) == 0) {
      *index = i;
      return BUDGET_OK;
    }
  return BUDGET_ENOTFOUND;
}

budget_status model_add_dim(model *m, const char *name, size_t *index) {
  size_t i;
  budget_status rc;
  if (m->ndims == MODEL_MAX_DIMS) return BUDGET_EINVAL;
  if (model_dim_index(m, name, &i) == BUDGET_OK) return BUDGET_EDUPLICATE;
  rc = hier_new(m->A, name, &m->dims[m->ndims]);
  if (rc) return rc;
  *index = m->ndims++;
  return BUDGET_OK;
}

budget_status model_add_facts(model *m, const char *name, const size_t *dims, size_t ndims, money grain,
                              size_t *index) {
  const hier *hs[FACTS_MAX_DIMS];
  size_t i;
  budget_status rc;
  if (m->nsets == MODEL_MAX_FACTS || ndims > FACTS_MAX_DIMS) return BUDGET_EINVAL;
  if (model_facts_index(m, name, &i) == BUDGET_OK) return BUDGET_EDUPLICATE;
  for (i = 0; i < ndims; i++) {
    if (dims[i] >= m->ndims) return BUDGET_EINVAL;
    hs[i] = m->dims[dims[i]];
  }
  rc = facts_new(m->A, name, hs, ndims, grain, &m->sets[m->nsets]);
  if (rc) return rc;
  *index = m->nsets++;
  return BUDGET_OK;
}

/* {==================================================================
** Links
** =================================================================== */

size_t model_nlinks(const model *m) { return m->nlinks; }
const model_link *model_link_at(const model *m, size_t i) { return &m->links[i]; }

/* Marks every set reachable from 'from' by links. */
static void reach(const model *m, size_t from, bool *seen) {
  size_t i;
  seen[from] = true;
  for (i = 0; i < m->nlinks; i++) {
    const model_link *l = &m->links[i];
    if (l->set[0] == from && !seen[l->set[1]]) reach(m, l->set[1], seen);
    if (l->set[1] == from && !seen[l->set[0]]) reach(m, l->set[0], seen);
  }
}

bool model_linked(const model *m, size_t a, size_t b) {
  bool seen[MODEL_MAX_FACTS] = {false};
  if (a >= m->nsets || b >= m->nsets) return false;
  reach(m, a, seen);
  return seen[b];
}

/* True if a link already joins the two sets directly: another link between them closes no new cycle. */
static bool direct(const model *m, size_t a, size_t b) {
  size_t i;
  for (i = 0; i < m->nlinks; i++)
    if ((m->links[i].set[0] == a && m->links[i].set[1] == b) || (m->links[i].set[0] == b && m->links[i].set[1] == a))
      return true;
  return false;
}

bool model_link_overlaps(const model *m, const model_link *l) {
  size_t i;
  int k, j;
  for (i = 0; i < m->nlinks; i++) {
    const model_link *o = &m->links[i];
    for (k = 0; k < 2; k++)
      for (j = 0; j < 2; j++)
        if (o->set[j] == l->set[k] && o->set[1 - j] == l->set[1 - k] &&
            (facts_intersect(m->sets[l->set[k]], o->sel[j], l->sel[k], NULL) ||
             facts_intersect(m->sets[l->set[1 - k]], o->sel[1 - j], l->sel[1 - k], NULL)))
          return true;
  }
  return false;
}

budget_status model_add_link(model *m, const model_link *link, size_t *index) {
  model_link l = *link;
  money ga, gb;
  size_t side, d;
  if (m->nlinks == MODEL_MAX_LINKS || (l.kind != MODEL_LINK_EQUAL && l.kind != MODEL_LINK_PART)) return BUDGET_EINVAL;
  if (l.set[0] >= m->nsets || l.set[1] >= m->nsets || l.set[0] == l.set[1]) return BUDGET_EINVAL;
  for (side = 0; side < 2; side++) {
    const facts *f = m->sets[l.set[side]];
    for (d = 0; d < FACTS_MAX_DIMS; d++) {
      if (d >= facts_ndims(f)) l.sel[side][d] = HIER_NONE;
      else if (l.sel[side][d] != HIER_NONE && l.sel[side][d] >= hier_count(facts_dim(f, d))) return BUDGET_EINVAL;
    }
  }
  ga = facts_grain(m->sets[l.set[0]]);
  gb = facts_grain(m->sets[l.set[1]]);
  if (ga % gb != 0 && gb % ga != 0) return BUDGET_EINVAL;
  l.grain = ga > gb ? ga : gb;
  if (!direct(m, l.set[0], l.set[1]) && model_linked(m, l.set[0], l.set[1])) return BUDGET_EINVAL;
  if (model_link_overlaps(m, &l)) return BUDGET_EINVAL;  /* two links would pull the same cells two ways */
  for (side = 0; side < 2; side++) {
    budget_status rc = facts_total(m->sets[l.set[side]], l.sel[side], &l.base[side]);
    if (rc) return rc;
  }
  m->links[m->nlinks] = l;
  if (index) *index = m->nlinks;
  m->nlinks++;
  return BUDGET_OK;
}

/* }================================================================== */

/* Only spaces, or nothing. */
static bool blank(const char *s, size_t len) {
  size_t i;
  for (i = 0; i < len; i++)
    if (s[i] != ' ') return false;
  return true;
}

/* A path with nothing (or only spaces) before, between or after its '/'s. */
static bool empty_segment(const char *s, size_t len) {
  size_t i, start = 0;
  if (memchr(s, '/', len) == NULL) return false;
  for (i = 0; i <= len; i++) {
    if (i == len || s[i] == '/') {
      if (blank(s + start, i - start)) return true;
      start = i + 1;
    }
  }
  return false;
}

budget_status model_find(const model *m, const char *ref, size_t len, size_t only, size_t *dim, hier_id *id,
                         char *msg, size_t size) {
  size_t i, found = 0, ambiguous = 0, where = 0;
  hier_id at = HIER_NONE;
  budget_status rc = BUDGET_ENOTFOUND;
  const char *what = only != (size_t)-1 ? hier_name(m->dims[only]) : "any dimension";
  if (size > 0) msg[0] = '\0';
  /* Nothing to look up: say what a reference is, not which names are nearest to nothing. */
  if (blank(ref, len)) {
    snprintf(msg, size, "an empty reference is not a member of %s: expected a code such as '206 07 01', "
             "a name such as '科学技术支出' or a path such as '科学技术支出/科学技术普及'", what);
    return BUDGET_ENOTFOUND;
  }
  if (empty_segment(ref, len)) {
    int n = len > 200 ? 200 : (int)len;
    snprintf(msg, size, "'%.*s' is not a member of %s: a path has a name or a code between each pair of '/'", n, ref,
             what);
    return BUDGET_ENOTFOUND;
  }
  for (i = 0; i < m->ndims; i++) {
    hier_id h;
    hier_match why;
    budget_status r;
    if (only != (size_t)-1 && i != only) continue;
    /* no 'why' here: a dimension that lacks the member would look for the nearest names, a pass over
       all its members, on every lookup another dimension answers */
    r = hier_find(m->dims[i], ref, len, &h, NULL);
    if (r == BUDGET_OK) {
      if (found++ == 0) {
        at = h;
        where = i;
      }
    } else if (r == BUDGET_EAMBIGUOUS && ambiguous++ == 0) {
      (void)hier_find(m->dims[i], ref, len, &h, &why);  /* the candidates, for the message */
      hier_explain(m->dims[i], ref, len, r, &why, msg, size);  /* kept unless another dimension matches */
    }
  }
  if (found == 1 && ambiguous == 0) {
    *dim = where;
    *id = at;
    return BUDGET_OK;
  }
  if (found + ambiguous > 1) {  /* the same reference in several dimensions */
    size_t pos = 0;
    int n = len > 200 ? 200 : (int)len, w = snprintf(msg, size, "'%.*s' is ambiguous: it names members of", n, ref);
    if (w > 0) pos = (size_t)w < size ? (size_t)w : size;
    for (i = 0; i < m->ndims; i++) {
      hier_id h;
      budget_status r = hier_find(m->dims[i], ref, len, &h, NULL);
      if ((r == BUDGET_OK || r == BUDGET_EAMBIGUOUS) && pos < size) {
        char code[80];
        if (r != BUDGET_OK || hier_code_spaced(m->dims[i], h, code, sizeof code) != BUDGET_OK) code[0] = '\0';
        w = snprintf(msg + pos, size - pos, " %s%s%s%s", hier_name(m->dims[i]), code[0] ? " (" : "", code,
                     code[0] ? ")" : "");
        if (w > 0) pos += (size_t)w < size - pos ? (size_t)w : size - pos;
      }
    }
    if (pos < size) snprintf(msg + pos, size - pos, "; say which, as {[\"dimension\"] = \"%.*s\"}", n, ref);
    return BUDGET_EAMBIGUOUS;
  }
  if (ambiguous == 1) return BUDGET_EAMBIGUOUS;
  /* unknown everywhere: the nearest names of the dimension that has any */
  for (i = 0; i < m->ndims && rc == BUDGET_ENOTFOUND; i++) {
    hier_id h;
    hier_match why;
    if (only != (size_t)-1 && i != only) continue;
    if (hier_find(m->dims[i], ref, len, &h, &why) == BUDGET_ENOTFOUND && why.count > 0) {
      hier_explain(m->dims[i], ref, len, BUDGET_ENOTFOUND, &why, msg, size);
      rc = BUDGET_EINVAL;  /* marks that a message was written */
    }
  }
  if (size > 0 && (rc == BUDGET_ENOTFOUND || msg[0] == '\0')) {
    int n = len > 200 ? 200 : (int)len;
    if (only != (size_t)-1)
      snprintf(msg, size, "'%.*s' is not a member of %s", n, ref, hier_name(m->dims[only]));
    else
      snprintf(msg, size, "'%.*s' is not a member of any dimension of the model", n, ref);
  }
  return BUDGET_ENOTFOUND;
}

size_t model_bytes(const model *m) {
  size_t i, bytes = sizeof *m;
  for (i = 0; i < m->ndims; i++) bytes += hier_bytes(m->dims[i]);
  for (i = 0; i < m->nsets; i++) bytes += facts_bytes(m->sets[i]);
  return bytes;
}
