/*
** engine/core/bulk.c
** CSV into dimensions and fact sets, one pass, no Lua per row.
** See LICENSE for copyright and license.
*/
#include "bulk.h"

#include <pthread.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <errno.h>

#define FIELDS_MAX (FACTS_MAX_DIMS + 1)
#define FIELD_MAX 512

__attribute__((format(printf, 3, 4))) static budget_status fail(bulk_error *err, size_t line, const char *fmt, ...) {
  va_list ap;
  if (err) {
    err->line = line;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
  }
  return BUDGET_ESYNTAX;
}

/* One line's fields: where each starts and how long it is. An unquoted field is read where it
   lies in the text; a quoted one is unquoted into scratch. */
typedef struct row {
  const char *field[FIELDS_MAX];
  size_t len[FIELDS_MAX];
  size_t n;
  char scratch[FIELDS_MAX][FIELD_MAX];
} row;

/* Points r's next field at the unquoted text[a..b); false if it is too long. */
static bool put_field(row *r, const char *text, size_t a, size_t b) {
  if (b - a + 1 >= FIELD_MAX) return false;
  r->field[r->n] = text + a;
  r->len[r->n++] = b - a;
  return true;
}

/*
** Reads the line at text[*pos..) into r and moves *pos past it. False at the
** end of the text; *bad for a field too long, too many fields or a broken quote.
** A line without quotes (nearly every line) is split with memchr; a line with
** them is read a character at a time.
*/
static bool next_row(const char *text, size_t len, size_t *pos, row *r, const char **bad) {
  size_t i = *pos, end;
  const char *nl;
  *bad = NULL;
  if (i >= len) return false;
  r->n = 0;
  nl = memchr(text + i, '\n', len - i);
  end = nl ? (size_t)(nl - text) : len;
  *pos = nl ? end + 1 : len;
  if (end > i && text[end - 1] == '\r') end--;
  if (memchr(text + i, '"', end - i) == NULL) {  /* the usual line: memchr finds its commas */
    for (;;) {
      const char *comma = memchr(text + i, ',', end - i);
      size_t stop = comma ? (size_t)(comma - text) : end;
      if (r->n == FIELDS_MAX) {
        *bad = "at most 9 fields";
        return true;
      }
      if (!put_field(r, text, i, stop)) {
        *bad = "a field of at most 511 bytes";
        return true;
      }
      if (!comma) return true;
      i = stop + 1;
    }
  }
  for (;;) {  /* a line with quotes: RFC 4180 */
    size_t k = 0;
    if (r->n == FIELDS_MAX) {
      *bad = "at most 9 fields";
      return true;
    }
    if (i < end && text[i] == '"') {
      i++;
      for (;;) {
        if (i >= end) {
          *bad = "a closing '\"'";
          break;
        }
        if (text[i] == '"') {
          if (i + 1 < end && text[i + 1] == '"') i++;
          else {
            i++;
            break;
          }
        }
        if (k + 1 >= FIELD_MAX) {
          *bad = "a field of at most 511 bytes";
          break;
        }
        r->scratch[r->n][k++] = text[i++];
      }
    } else {
      while (i < end && text[i] != ',') {
        if (k + 1 >= FIELD_MAX) {
          *bad = "a field of at most 511 bytes";
          break;
        }
        r->scratch[r->n][k++] = text[i++];
      }
    }
    r->scratch[r->n][k] = '\0';
    r->field[r->n] = r->scratch[r->n];
    r->len[r->n++] = k;
    if (*bad) return true;
    if (i < end && text[i] == ',') {
      i++;
      continue;
    }
    if (i < end) *bad = "',' or the end of the line";
    return true;
  }
}

/* How many lines text holds: memchr runs through it far faster than a byte loop. */
static size_t count_lines(const char *text, size_t len) {
  size_t n = 0;
  const char *p = text, *end = text + len;
  while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
    n++;
    p++;
  }
  return n + 1;
}

/* Where the rows start: past the UTF-8 byte order mark that spreadsheets write first. */
static size_t text_start(const char *text, size_t len) {
  return len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

static bool blank(const row *r) {
  return r->n == 1 && r->len[0] == 0;
}

/* {==================================================================
** Members
** =================================================================== */

budget_status bulk_members(model *m, size_t dim, const char *text, size_t len, bulk_error *err) {
  hier *h = model_dim(m, dim);
  hier_id stack[64];  /* the open ancestors in preorder: the parent is the nearest whose code prefixes */
  size_t depth = 0, pos = text_start(text, len), line = 0, lines;
  row r;
  const char *bad;
  budget_status rc;
  lines = count_lines(text, len);
  if ((rc = hier_reserve(h, lines, len + lines * 2)) != BUDGET_OK) return rc;
  while (next_row(text, len, &pos, &r, &bad)) {
    hier_id parent = HIER_NONE, id;
    const char *code = r.field[0];
    size_t codelen = r.len[0];
    line++;
    if (bad) return fail(err, line, "expected %s", bad);
    if (blank(&r)) continue;
    if (r.n != 2) return fail(err, line, "expected 'code,name': 2 fields, got %zu", r.n);
    if (codelen > 0) {
      char cc[64];
      size_t cl = 0, k;
      for (k = 0; k < codelen && cl + 1 < sizeof cc; k++)
        if (code[k] != ' ') cc[cl++] = code[k];
      while (depth > 0) {  /* leave the ancestors this code does not extend */
        const char *pc = hier_member_code(h, stack[depth - 1]);
        size_t pl = strlen(pc);
        if (pl > 0 && pl < cl && memcmp(pc, cc, pl) == 0) break;
        depth--;
      }
      if (depth > 0) parent = stack[depth - 1];
    } else {
      depth = 0;
    }
    rc = hier_add_n(h, parent, codelen ? code : NULL, codelen, r.field[1], r.len[1], &id);
    if (rc == BUDGET_EDUPLICATE)
      return fail(err, line, "code '%.*s' is used twice in %s", (int)codelen, code, hier_name(h));
    if (rc == BUDGET_EINVAL)
      return fail(err, line, "'%.*s,%.*s': a code of letters and digits and a non-empty name without '/'",
                  (int)codelen, code, (int)r.len[1], r.field[1]);
    if (rc) return rc;
    if (codelen > 0) {
      if (depth == sizeof stack / sizeof stack[0]) return fail(err, line, "at most 64 levels");
      stack[depth++] = id;
    }
  }
  return BUDGET_OK;
}

/* }================================================================== */

/* {==================================================================
** Cells
** =================================================================== */

/* The key texts resolved in each dimension lately: a small dimension's few members are all here. */
#define KEYS_KEPT 16

typedef struct key_entry {
  char text[64];
  size_t len;
  hier_id id;
} key_entry;

typedef struct key_cache {
  key_entry kept[KEYS_KEPT];
  size_t nkept, next;  /* entries in use; the one to replace next */
  hier_id last;        /* the last member found, for cells in member order */
  bool valid;
} key_cache;

static void keep_key(key_cache *kc, const char *text, size_t len, hier_id id) {
  key_entry *e;
  kc->last = id;
  kc->valid = true;
  if (len >= sizeof kc->kept[0].text) return;
  e = &kc->kept[kc->nkept < KEYS_KEPT ? kc->nkept++ : (kc->next++ % KEYS_KEPT)];
  memcpy(e->text, text, len);
  e->len = len;
  e->id = id;
}

/* Is text[0..len) member id's compact code? (A spaced code goes the long way, which checks its spacing.) */
static bool code_is(const hier *h, hier_id id, const char *text, size_t len) {
  const char *code = hier_member_code(h, id);
  return len > 0 && strncmp(code, text, len) == 0 && code[len] == '\0';
}

static budget_status resolve(const hier *h, const char *text, size_t len, key_cache *kc, hier_id *out) {
  hier_id id;
  size_t k;
  for (k = 0; k < kc->nkept; k++) {
    const key_entry *e = &kc->kept[k];
    if (e->len == len && memcmp(e->text, text, len) == 0) {
      *out = e->id;
      kc->last = e->id;
      return BUDGET_OK;
    }
  }
  /* cells listed in the order of their members: the next leaf after the last one, found in
     order instead of by a hash lookup into a table too big for the cache */
  if (kc->valid) {
    for (id = kc->last + 1; id < hier_count(h) && id - kc->last <= 8; id++) {  /* HIER_NONE + 1 is 0 */
      if (!hier_is_leaf(h, id)) continue;
      if (code_is(h, id, text, len)) {
        kc->last = id;
        *out = id;
        return BUDGET_OK;
      }
      break;
    }
  }
  if (hier_find_code(h, text, len, &id) != BUDGET_OK && hier_find(h, text, len, &id, NULL) != BUDGET_OK)
    return BUDGET_ENOTFOUND;
  if (hier_count(h) <= KEYS_KEPT) keep_key(kc, text, len, id);  /* small: keep them all */
  else kc->last = id, kc->valid = true;
  *out = id;
  return BUDGET_OK;
}

budget_status bulk_cells(model *m, size_t set, const char *text, size_t len, bulk_error *err) {
  facts *f = model_facts(m, set);
  size_t nd = facts_ndims(f), pos = text_start(text, len), line = 0, lines, d;
  key_cache cache[FACTS_MAX_DIMS];
  row r;
  const char *bad;
  budget_status rc;
  memset(cache, 0, sizeof cache);
  for (d = 0; d < nd; d++) cache[d].last = HIER_NONE, cache[d].valid = true;  /* scan from the first member */
  lines = count_lines(text, len);
  if ((rc = facts_reserve(f, lines)) != BUDGET_OK) return rc;
  while (next_row(text, len, &pos, &r, &bad)) {
    hier_id key[FACTS_MAX_DIMS];
    money amount;
    text_error te;
    line++;
    if (bad) return fail(err, line, "expected %s", bad);
    if (blank(&r)) continue;
    if (r.n != nd + 1) return fail(err, line, "expected %zu members and an amount: %zu fields, got %zu", nd, nd + 1, r.n);
    for (d = 0; d < nd; d++) {
      const hier *h = facts_dim(f, d);
      if (resolve(h, r.field[d], r.len[d], &cache[d], &key[d]) != BUDGET_OK)
        return fail(err, line, "'%.*s' is not a member of %s", (int)r.len[d], r.field[d], hier_name(h));
    }
    rc = money_parse(r.field[nd], r.len[nd], &amount, &te);
    if (rc)
      return fail(err, line, "malformed amount '%.*s' at character %zu: expected %s", (int)r.len[nd], r.field[nd],
                  te.column, te.expected);
    rc = facts_put(f, key, amount, NULL);
    if (rc == BUDGET_ENOTLEAF) return fail(err, line, "a cell goes on leaves: a member here has members beneath it");
    if (rc == BUDGET_EDUPLICATE) return fail(err, line, "this cell is given twice");
    if (rc == BUDGET_EGRAIN)
      return fail(err, line, "'%.*s' is not a whole number of the fact set's grain", (int)r.len[nd], r.field[nd]);
    if (rc) return rc;
  }
  return BUDGET_OK;
}

/* }================================================================== */

/* {==================================================================
** From files: read whole into one buffer, parsed, freed at once
** =================================================================== */

/* The whole file at path into *text (malloc'd through the model's allocator hooks' owner: mem_default). */
static budget_status slurp(const char *path, char **text, size_t *len, bulk_error *err) {
  FILE *f = fopen(path, "rb");
  struct stat st;
  char *buf = NULL;
  size_t n = 0;
  const char *why = NULL;
  budget_status rc = BUDGET_EIO;
  if (f == NULL) why = strerror(errno);
  else if (fstat(fileno(f), &st) != 0) why = strerror(errno);
  else if (!S_ISREG(st.st_mode)) why = "not a regular file";
  else if ((uint64_t)st.st_size >= SIZE_MAX) why = "too big", rc = BUDGET_ENOMEM;
  else if ((n = (size_t)st.st_size, mem_array(mem_default(), n + 1, 1, (void **)&buf)) != BUDGET_OK)
    why = "not enough memory to hold it", rc = BUDGET_ENOMEM;
  else if (fread(buf, 1, n, f) != n) why = ferror(f) ? strerror(errno) : "it changed while being read";
  if (f) fclose(f);
  if (why) {
    if (buf) mem_free(mem_default(), buf, n + 1, 1);
    if (err) {
      err->line = 0;
      snprintf(err->message, sizeof err->message, "cannot read %s: %s", path, why);
    }
    return rc;
  }
  *text = buf;
  *len = n;
  return BUDGET_OK;
}

/* Reads path whole, hands it to 'load' (bulk_members or bulk_cells) and frees it. */
static budget_status from_file(model *m, size_t which, const char *path, bulk_error *err,
                               budget_status (*load)(model *, size_t, const char *, size_t, bulk_error *)) {
  char *text;
  size_t len;
  budget_status rc = slurp(path, &text, &len, err);
  if (rc) return rc;
  rc = load(m, which, text, len, err);
  mem_free(mem_default(), text, len + 1, 1);
  return rc;
}

budget_status bulk_members_file(model *m, size_t dim, const char *path, bulk_error *err) {
  return from_file(m, dim, path, err, bulk_members);
}

budget_status bulk_cells_file(model *m, size_t set, const char *path, bulk_error *err) {
  return from_file(m, set, path, err, bulk_cells);
}

/* }================================================================== */

/* {==================================================================
** Cells prefetched on another thread
** =================================================================== */

/* One row as the reading thread leaves it: its key fields (offsets into the text) and amount. */
typedef struct pre_row {
  uint32_t off[FACTS_MAX_DIMS];
  uint16_t len[FACTS_MAX_DIMS];
  money amount;
  uint32_t line;
} pre_row;

struct bulk_prefetch {
  pthread_t thread;
  bool started;
  char *path;
  size_t nfields;
  char *text;          /* the whole file */
  size_t len;
  pre_row *rows;
  size_t nrows, cap;
  budget_status rc;    /* the reading's outcome; err says where */
  bulk_error err;
};

static void *prefetch_run(void *arg) {
  bulk_prefetch *p = arg;
  size_t pos = 0, line = 0, nd = p->nfields - 1, d;
  row *r = NULL;
  const char *bad;
  p->rc = slurp(p->path, &p->text, &p->len, &p->err);
  if (p->rc) return NULL;
  pos = text_start(p->text, p->len);
  if (p->len > UINT32_MAX) {
    p->rc = fail(&p->err, 0, "a cells file of at most 4 GiB");
    return NULL;
  }
  p->cap = count_lines(p->text, p->len);
  if ((p->rc = mem_array(mem_default(), p->cap, sizeof *p->rows, (void **)&p->rows)) != BUDGET_OK ||
      (p->rc = mem_array(mem_default(), 1, sizeof *r, (void **)&r)) != BUDGET_OK)
    return NULL;
  while (next_row(p->text, p->len, &pos, r, &bad)) {
    pre_row *pr;
    text_error te;
    line++;
    if (bad) {
      p->rc = fail(&p->err, line, "expected %s", bad);
      break;
    }
    if (blank(r)) continue;
    if (r->n != p->nfields) {
      p->rc = fail(&p->err, line, "expected %zu members and an amount: %zu fields, got %zu", nd, p->nfields, r->n);
      break;
    }
    pr = &p->rows[p->nrows];
    for (d = 0; d < nd; d++) {
      if (r->field[d] < p->text || r->field[d] >= p->text + p->len) {  /* quoted: kept only in scratch */
        p->rc = fail(&p->err, line, "a member without quotes in a cells file");
        break;
      }
      pr->off[d] = (uint32_t)(r->field[d] - p->text);
      pr->len[d] = (uint16_t)r->len[d];
    }
    if (p->rc) break;
    if (money_parse(r->field[nd], r->len[nd], &pr->amount, &te) != BUDGET_OK) {
      p->rc = fail(&p->err, line, "malformed amount '%.*s' at character %zu: expected %s", (int)r->len[nd],
                   r->field[nd], te.column, te.expected);
      break;
    }
    pr->line = (uint32_t)line;
    p->nrows++;
  }
  mem_free(mem_default(), r, 1, sizeof *r);
  return NULL;
}

budget_status bulk_prefetch_start(const char *path, size_t nfields, bulk_prefetch **out) {
  bulk_prefetch *p;
  budget_status rc;
  if (nfields < 2 || nfields > FACTS_MAX_DIMS + 1) return BUDGET_EINVAL;
  if ((rc = mem_zarray(mem_default(), 1, sizeof *p, (void **)&p)) != BUDGET_OK) return rc;
  p->nfields = nfields;
  if ((rc = mem_strndup(mem_default(), path, strlen(path), &p->path)) != BUDGET_OK) {
    mem_free(mem_default(), p, 1, sizeof *p);
    return rc;
  }
  if (pthread_create(&p->thread, NULL, prefetch_run, p) == 0) p->started = true;
  else prefetch_run(p);  /* no thread to be had: read it here and now */
  *out = p;
  return BUDGET_OK;
}

static void prefetch_join(bulk_prefetch *p) {
  if (p->started) {
    pthread_join(p->thread, NULL);
    p->started = false;
  }
}

budget_status bulk_cells_prefetched(model *m, size_t set, bulk_prefetch *p, bulk_error *err) {
  facts *f = model_facts(m, set);
  size_t nd = facts_ndims(f), i, d;
  key_cache cache[FACTS_MAX_DIMS];
  budget_status rc;
  prefetch_join(p);
  if (p->rc) {
    if (err) *err = p->err;
    return p->rc;
  }
  if (nd + 1 != p->nfields) return fail(err, 0, "the cells file was read for another number of dimensions");
  memset(cache, 0, sizeof cache);
  for (d = 0; d < nd; d++) cache[d].last = HIER_NONE, cache[d].valid = true;  /* scan from the first member */
  if ((rc = facts_reserve(f, p->nrows)) != BUDGET_OK) return rc;
  for (i = 0; i < p->nrows; i++) {
    const pre_row *pr = &p->rows[i];
    hier_id key[FACTS_MAX_DIMS];
    for (d = 0; d < nd; d++) {
      const hier *h = facts_dim(f, d);
      const char *text = p->text + pr->off[d];
      if (resolve(h, text, pr->len[d], &cache[d], &key[d]) != BUDGET_OK)
        return fail(err, pr->line, "'%.*s' is not a member of %s", (int)pr->len[d], text, hier_name(h));
    }
    rc = facts_put(f, key, pr->amount, NULL);
    if (rc == BUDGET_ENOTLEAF) return fail(err, pr->line, "a cell goes on leaves: a member here has members beneath it");
    if (rc == BUDGET_EDUPLICATE) return fail(err, pr->line, "this cell is given twice");
    if (rc == BUDGET_EGRAIN) return fail(err, pr->line, "an amount that is not a whole number of the fact set's grain");
    if (rc) return rc;
  }
  return BUDGET_OK;
}

void bulk_prefetch_free(bulk_prefetch *p) {
  if (p == NULL) return;
  prefetch_join(p);
  if (p->text) mem_free(mem_default(), p->text, p->len + 1, 1);
  mem_free(mem_default(), p->rows, p->cap, sizeof *p->rows);
  mem_free(mem_default(), p->path, strlen(p->path) + 1, 1);
  mem_free(mem_default(), p, 1, sizeof *p);
}

/* }================================================================== */
