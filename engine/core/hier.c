/*
** engine/core/hier.c
** Hierarchies: members in arrays, strings in one arena, hash indexes by code
** and by name, preorder numbering for subtree ranges.
** See LICENSE for copyright and license.
*/
#include "hier.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "nfkc.h"

#define CODE_MAX 32     /* longest compact code; the real classifications use 7 */
#define SUGGEST_MAX 5   /* nearest names listed for an unknown reference */
#define LEV_MAX 64      /* code points compared when ranking nearest names */
/* A path whose last name more members share than PATH_SHARED_NAME is looked for from its first
   segment down (path_down), reading at most PATH_DOWN_STEPS members before it goes up instead:
   '一般公共服务支出/行政运行' in a model where 行政运行 is under every 款 reads the 类's children,
   not every 行政运行. */
#define PATH_SHARED_NAME 32
#define PATH_DOWN_STEPS 65536

typedef struct member {
  uint32_t name;       /* offsets into the string arena */
  uint32_t key;        /* the name's NFKC form, which lookups compare: the name itself unless they differ */
  uint32_t code;
  hier_id parent, first, last, next;
  hier_id same_name;   /* the previously added member with the same name */
  uint32_t pre, size;  /* preorder place and subtree size, set by hier_seal */
  uint16_t depth;
  uint8_t seg;         /* length of the code segment this member adds to its parent's */
} member;

struct hier {
  const mem_allocator *A;
  char *label;
  size_t label_len;
  member *m;
  size_t n, cap;
  char *strs;          /* NUL-terminated names and codes; offset 0 is "" */
  size_t slen, scap;
  hier_id *by_code;    /* open addressing, HIER_NONE for empty; size a power of two */
  hier_id *by_name;    /* the newest member of each distinct name */
  size_t icap;         /* slots in each index */
  hier_id first_root, last_root;
  bool sealed;
  bool names_stale;    /* members added since by_name was made: it is made again before use */
  bool codes_stale;    /* members added in code order without by_code: it is made before use */
  uint32_t max_code;   /* the greatest code so far: a code past it cannot be a duplicate */
  size_t codes_made_at; /* members when by_code was last made: it goes stale again only past twice
                           that, so that adds in and out of order cannot remake it every time */
  hier_id *parents;    /* each member's parent, made by hier_seal when memory allows: a roll-up
                          reads 4 bytes a member instead of a 40-byte member */
};

/* {==================================================================
** Small helpers
** =================================================================== */

static size_t count_slashes(const char *s, size_t len) {
  size_t i, n = 0;
  for (i = 0; i < len; i++) n += s[i] == '/';
  return n;
}

/*
** The NFKC form of s into form (NFKC_MAX + 1 bytes) if it reads the same way: it adds no '/'
** (a full-width '／' in a name is part of the name, not a path) and no space at either end
** (an ideographic space U+3000 would be trimmed away). True if form is to be used.
*/
static bool nfkc_form(const char *s, size_t len, char *form, size_t *flen) {
  if (!nfkc_needed(s, len) || nfkc(s, len, form, NFKC_MAX + 1, flen) != BUDGET_OK) return false;
  if (count_slashes(form, *flen) != count_slashes(s, len)) return false;
  if (*flen > 0 && (form[0] == ' ' || form[*flen - 1] == ' ') && !(len > 0 && (s[0] == ' ' || s[len - 1] == ' ')))
    return false;
  return true;
}

static uint64_t hash_str(const char *s, size_t len) {
  uint64_t h = 1469598103934665603u;  /* FNV-1a, then a finaliser: codes that differ in */
  size_t i;                           /* their last digit must not crowd one run of slots */
  for (i = 0; i < len; i++) {
    h ^= (unsigned char)s[i];
    h *= 1099511628211u;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdu;
  h ^= h >> 33;
  return h;
}

/* Decodes one UTF-8 code point at s[*i..len); returns -1 for a malformed sequence. */
static long utf8_next(const char *s, size_t len, size_t *i) {
  unsigned char c = (unsigned char)s[*i];
  long cp;
  int extra, k;
  if (c < 0x80) {
    (*i)++;
    return c;
  }
  if (c >= 0xC2 && c <= 0xDF) cp = c & 0x1F, extra = 1;
  else if (c >= 0xE0 && c <= 0xEF) cp = c & 0x0F, extra = 2;
  else if (c >= 0xF0 && c <= 0xF4) cp = c & 0x07, extra = 3;
  else return -1;
  if (*i + (size_t)extra >= len) return -1;
  for (k = 1; k <= extra; k++) {
    unsigned char cc = (unsigned char)s[*i + (size_t)k];
    if ((cc & 0xC0) != 0x80) return -1;
    cp = (cp << 6) | (cc & 0x3F);
  }
  if ((extra == 2 && cp < 0x800) || (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp <= 0xDFFF))
    return -1;  /* overlong forms and surrogates */
  *i += (size_t)extra + 1;
  return cp;
}

/*
** A name is UTF-8 without control characters or '/', not empty, no space at either end.
** Checked a byte at a time: ASCII is the quick case; a lead byte says how many
** continuation bytes follow, and overlong forms and surrogates are refused.
*/
static bool valid_name(const char *s, size_t len) {
  const unsigned char *p = (const unsigned char *)s, *end = p + len;
  if (len == 0 || s[0] == ' ' || s[len - 1] == ' ') return false;
  while (p < end) {
    unsigned c = *p;
    size_t extra;
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7F || c == '/') return false;
      p++;
      continue;
    }
    if (c >= 0xC2 && c <= 0xDF) extra = 1;
    else if (c >= 0xE0 && c <= 0xEF) extra = 2;
    else if (c >= 0xF0 && c <= 0xF4) extra = 3;
    else return false;
    if ((size_t)(end - p) <= extra) return false;
    if ((p[1] & 0xC0) != 0x80 || (extra > 1 && (p[2] & 0xC0) != 0x80) || (extra > 2 && (p[3] & 0xC0) != 0x80))
      return false;
    if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] >= 0xA0) || (c == 0xF0 && p[1] < 0x90) ||
        (c == 0xF4 && p[1] >= 0x90))
      return false;  /* overlong, surrogate, past U+10FFFF */
    p += extra + 1;
  }
  return true;
}

/* Letters and digits: the characters a code is made of. */
static const unsigned char alnum_table[256] = {
  ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
  ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1,
  ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1,
  ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1,
  ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1,
  ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1,
  ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
};

/*
** Copies the letters and digits of a code into out (CODE_MAX + 1 bytes),
** dropping single spaces between them. Returns the length, or -1 if the code
** has another character, a stray space, or is too long.
*/
static int compact_code(const char *s, size_t len, char *out) {
  size_t i, n = 0;
  if (len > 2 * CODE_MAX) return -1;
  for (i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (alnum_table[c]) {
      if (n == CODE_MAX) return -1;
      out[n++] = (char)c;
    } else if (c != ' ' || i == 0 || i + 1 == len || s[i + 1] == ' ') {
      return -1;
    }
  }
  out[n] = '\0';
  return (int)n;
}

/* Appends printf-style text at *pos in buf, keeping the NUL; drops what does not fit. */
__attribute__((format(printf, 4, 5))) static void appendf(char *buf, size_t size, size_t *pos, const char *fmt, ...) {
  va_list ap;
  int w;
  if (*pos + 1 >= size) return;
  va_start(ap, fmt);
  w = vsnprintf(buf + *pos, size - *pos, fmt, ap);
  va_end(ap);
  if (w < 0) return;
  *pos += (size_t)w;
  if (*pos >= size) *pos = size - 1;
}

/* }================================================================== */

/* {==================================================================
** Indexes
** =================================================================== */

static const char *str_at(const hier *h, uint32_t off) {
  return h->strs + off;
}

/* The slot for key s[0..len) in ix: the member that has it, or the empty slot where it goes. */
static size_t slot(const hier *h, const hier_id *ix, bool by_code, const char *s, size_t len) {
  size_t mask = h->icap - 1, i = (size_t)hash_str(s, len) & mask;
  for (;;) {
    hier_id id = ix[i];
    const char *k;
    if (id == HIER_NONE) return i;
    k = str_at(h, by_code ? h->m[id].code : h->m[id].key);
    /* k ends at its NUL inside the arena: if len bytes from k run past the arena, k is shorter */
    if ((size_t)(k - h->strs) + len < h->slen && memcmp(k, s, len) == 0 && k[len] == '\0') return i;
    i = (i + 1) & mask;
  }
}

/*
** Makes the name index from the members, oldest first, so that each name's slot holds its
** newest member and same_name links to the ones before. Made lazily: a bulk load of a
** million members does not pay for it member by member. A sealed hierarchy is never stale,
** so the ones threads share are only read.
*/
static void build_names(hier *h) {
  size_t i;
  for (i = 0; i < h->icap; i++) h->by_name[i] = HIER_NONE;
  for (i = 0; i < h->n; i++) {
    const char *nm = str_at(h, h->m[i].key);
    size_t s = slot(h, h->by_name, false, nm, strlen(nm));
    h->m[i].same_name = h->by_name[s];
    h->by_name[s] = (hier_id)i;
  }
  h->names_stale = false;
}

/*
** Makes the code index from the members. Members added in increasing code order (a bulk
** load, nearly always) cannot repeat a code, so they are appended without it, and it is
** made at the first lookup by code, if there is one.
*/
static void build_codes(hier *h) {
  size_t i;
  for (i = 0; i < h->icap; i++) h->by_code[i] = HIER_NONE;
  for (i = 0; i < h->n; i++) {
    const char *c = str_at(h, h->m[i].code);
    if (*c) h->by_code[slot(h, h->by_code, true, c, strlen(c))] = (hier_id)i;
  }
  h->codes_stale = false;
  h->codes_made_at = h->n;
}

static hier_id lookup(const hier *h, bool by_code, const char *s, size_t len) {
  if (h->icap == 0) return HIER_NONE;
  /* caches: see build_names and build_codes; hier_prepare makes both before threads share h */
  if (!by_code && h->names_stale) build_names((hier *)(size_t)h);
  if (by_code && h->codes_stale) build_codes((hier *)(size_t)h);
  return (by_code ? h->by_code : h->by_name)[slot(h, by_code ? h->by_code : h->by_name, by_code, s, len)];
}

/* Rebuilds the code index with 'ncap' slots (and the name index's room); on failure the old ones stay. */
static budget_status rehash(hier *h, size_t ncap) {
  hier_id *codes, *names, *oc = h->by_code, *on = h->by_name;
  size_t i, ocap = h->icap;
  budget_status rc = mem_array(h->A, ncap, sizeof *codes, (void **)&codes);
  if (rc) return rc;
  rc = mem_array(h->A, ncap, sizeof *names, (void **)&names);
  if (rc) {
    mem_free(h->A, codes, ncap, sizeof *codes);
    return rc;
  }
  for (i = 0; i < ncap; i++) codes[i] = HIER_NONE;
  h->by_code = codes;
  h->by_name = names;
  h->icap = ncap;
  if (!h->codes_stale)
    for (i = 0; i < h->n; i++) {
      const char *c = str_at(h, h->m[i].code);
      if (*c) codes[slot(h, codes, true, c, strlen(c))] = (hier_id)i;
    }
  h->names_stale = true;  /* made again at the next name lookup */
  mem_free(h->A, oc, ocap, sizeof *oc);
  mem_free(h->A, on, ocap, sizeof *on);
  return BUDGET_OK;
}

/* }================================================================== */

/* {==================================================================
** Building
** =================================================================== */

budget_status hier_new(const mem_allocator *A, const char *name, hier **out) {
  hier *h;
  budget_status rc;
  size_t len = strlen(name);
  if (!valid_name(name, len)) return BUDGET_EINVAL;
  rc = mem_zarray(A, 1, sizeof *h, (void **)&h);
  if (rc) return rc;
  h->A = A;
  h->first_root = h->last_root = HIER_NONE;
  h->label_len = len;
  rc = mem_strndup(A, name, len, &h->label);
  if (rc == BUDGET_OK) rc = mem_grow(A, (void **)&h->strs, &h->scap, 1, 1);
  if (rc) {
    hier_free(h);
    return rc;
  }
  h->strs[0] = '\0';
  h->slen = 1;
  *out = h;
  return BUDGET_OK;
}

void hier_free(hier *h) {
  const mem_allocator *A;
  if (h == NULL) return;
  A = h->A;
  mem_free(A, h->label, h->label_len + 1, 1);
  mem_free(A, h->m, h->cap, sizeof *h->m);
  mem_free(A, h->strs, h->scap, 1);
  mem_free(A, h->by_code, h->icap, sizeof *h->by_code);
  mem_free(A, h->by_name, h->icap, sizeof *h->by_name);
  mem_free(A, h->parents, h->n, sizeof *h->parents);
  mem_free(A, h, 1, sizeof *h);
}

budget_status hier_add(hier *h, hier_id parent, const char *code, const char *name, hier_id *out) {
  return hier_add_n(h, parent, code, code ? strlen(code) : 0, name, strlen(name), out);
}

budget_status hier_add_n(hier *h, hier_id parent, const char *code, size_t code_len, const char *name, size_t nlen,
                         hier_id *out) {
  char cc[CODE_MAX + 1], key[NFKC_MAX + 1];
  size_t pclen = 0, need, cslot = 0, klen = 0;
  int clen = 0;
  bool in_order = false, own_key = false;
  hier_id id;
  member *m;
  budget_status rc;
  if (h->sealed) return BUDGET_ESTATE;
  if ((parent != HIER_NONE && parent >= h->n) || nlen > NFKC_MAX || !valid_name(name, nlen)) return BUDGET_EINVAL;
  /* '因公出国（境）费用' is found as '因公出国(境)费用' too: the index holds the NFKC form, which a name
     of more than NFKC_MAX bytes would not have (refused above) */
  if (nfkc_form(name, nlen, key, &klen)) own_key = klen != nlen || memcmp(key, name, nlen) != 0;
  if (h->n >= (size_t)HIER_NONE - 1) return BUDGET_EOVERFLOW;
  if (code != NULL && code_len > 0 && (clen = compact_code(code, code_len, cc)) < 0) return BUDGET_EINVAL;
  if (parent != HIER_NONE) {
    const char *pc = str_at(h, h->m[parent].code);
    pclen = strlen(pc);
    if (clen > 0 && pclen > 0 && ((size_t)clen <= pclen || memcmp(pc, cc, pclen) != 0))
      return BUDGET_EINVAL;  /* a child's code extends its parent's */
    if (h->m[parent].depth == UINT16_MAX) return BUDGET_EINVAL;
  }
  /* Every allocation first, so that a failure leaves the tree as it was (only roomier). */
  need = h->slen + nlen + 1 + (size_t)clen + 1 + (own_key ? klen + 1 : 0);
  if (need > UINT32_MAX) return BUDGET_EOVERFLOW;
  if ((rc = mem_grow(h->A, (void **)&h->strs, &h->scap, need, 1)) != BUDGET_OK) return rc;
  if ((rc = mem_grow(h->A, (void **)&h->m, &h->cap, h->n + 1, sizeof *h->m)) != BUDGET_OK) return rc;
  if ((h->n + 1) * 2 > h->icap && (rc = rehash(h, h->icap ? h->icap * 2 : 64)) != BUDGET_OK) return rc;
  if (clen > 0) {
    in_order = h->max_code == 0 || strcmp(cc, str_at(h, h->max_code)) > 0;
    if (in_order && (h->codes_stale || (h->n > 4096 && h->n >= 2 * h->codes_made_at))) {
      h->codes_stale = true;  /* past every code so far: no duplicate; the index can wait */
    } else {
      if (h->codes_stale) build_codes(h);
      cslot = slot(h, h->by_code, true, cc, (size_t)clen);  /* one probe: a duplicate, or the slot */
      if (h->by_code[cslot] != HIER_NONE) return BUDGET_EDUPLICATE;
    }
  }
  id = (hier_id)h->n;
  m = &h->m[id];
  memset(m, 0, sizeof *m);
  m->name = m->key = (uint32_t)h->slen;
  memcpy(h->strs + h->slen, name, nlen);
  h->strs[h->slen + nlen] = '\0';
  h->slen += nlen + 1;
  if (own_key) {
    m->key = (uint32_t)h->slen;
    memcpy(h->strs + h->slen, key, klen + 1);
    h->slen += klen + 1;
  }
  m->code = 0;  /* the empty string */
  if (clen > 0) {
    m->code = (uint32_t)h->slen;
    memcpy(h->strs + h->slen, cc, (size_t)clen + 1);
    h->slen += (size_t)clen + 1;
  }
  m->seg = (uint8_t)(clen > 0 && pclen > 0 ? (size_t)clen - pclen : (size_t)clen);
  m->parent = parent;
  m->first = m->last = m->next = HIER_NONE;
  m->depth = parent == HIER_NONE ? 0 : (uint16_t)(h->m[parent].depth + 1);
  h->n++;
  if (parent == HIER_NONE) {
    if (h->last_root == HIER_NONE) h->first_root = id;
    else h->m[h->last_root].next = id;
    h->last_root = id;
  } else {
    member *p = &h->m[parent];
    if (p->last == HIER_NONE) p->first = id;
    else h->m[p->last].next = id;
    p->last = id;
  }
  m->same_name = HIER_NONE;
  h->names_stale = true;
  if (clen > 0) {
    if (!h->codes_stale) h->by_code[cslot] = id;
    if (in_order) h->max_code = m->code;
  }
  *out = id;
  return BUDGET_OK;
}

budget_status hier_reserve(hier *h, size_t members, size_t bytes) {
  budget_status rc;
  size_t want = h->icap ? h->icap : 64;
  if (h->sealed) return BUDGET_ESTATE;
  if ((rc = mem_grow(h->A, (void **)&h->strs, &h->scap, h->slen + bytes, 1)) != BUDGET_OK) return rc;
  if ((rc = mem_grow(h->A, (void **)&h->m, &h->cap, h->n + members, sizeof *h->m)) != BUDGET_OK) return rc;
  while (want < (h->n + members) * 2) want *= 2;
  if (want > h->icap) return rehash(h, want);
  return BUDGET_OK;
}

void hier_prepare(hier *h) {
  if (h->names_stale) build_names(h);
  if (h->codes_stale) build_codes(h);
}

budget_status hier_seal(hier *h) {
  uint32_t counter = 0;
  hier_id root;
  if (h->sealed) return BUDGET_OK;
  for (root = h->first_root; root != HIER_NONE; root = h->m[root].next) {
    hier_id node = root;
    for (;;) {  /* iterative preorder: no recursion depth to run out of */
      h->m[node].pre = counter++;
      if (h->m[node].first != HIER_NONE) {
        node = h->m[node].first;
        continue;
      }
      for (;;) {  /* leave finished subtrees until one has a next sibling */
        h->m[node].size = counter - h->m[node].pre;
        if (node == root) goto next_root;
        if (h->m[node].next != HIER_NONE) {
          node = h->m[node].next;
          break;
        }
        node = h->m[node].parent;
      }
    }
  next_root:;
  }
  if (h->n > 0 && mem_array(h->A, h->n, sizeof *h->parents, (void **)&h->parents) == BUDGET_OK)
    for (root = 0; root < (hier_id)h->n; root++) h->parents[root] = h->m[root].parent;
  h->sealed = true;
  return BUDGET_OK;
}

/* }================================================================== */

/* {==================================================================
** Reading
** =================================================================== */

const char *hier_name(const hier *h) { return h->label; }
size_t hier_count(const hier *h) { return h->n; }
bool hier_sealed(const hier *h) { return h->sealed; }
const char *hier_member_name(const hier *h, hier_id id) { return str_at(h, h->m[id].name); }
const char *hier_member_code(const hier *h, hier_id id) { return str_at(h, h->m[id].code); }
hier_id hier_parent(const hier *h, hier_id id) { return h->m[id].parent; }
hier_id hier_first_child(const hier *h, hier_id id) { return h->m[id].first; }
hier_id hier_next_sibling(const hier *h, hier_id id) { return h->m[id].next; }
unsigned hier_depth(const hier *h, hier_id id) { return h->m[id].depth; }
bool hier_is_leaf(const hier *h, hier_id id) { return h->m[id].first == HIER_NONE; }
budget_status hier_roll_up(const hier *h, int64_t *amounts) {
  hier_id id, undo;
  /* A child is always added after its parent, so descending ids visit children first. */
  for (id = (hier_id)h->n; id-- > 0;) {
    hier_id p = h->parents ? h->parents[id] : h->m[id].parent;
    int64_t sum;
    if (p == HIER_NONE) continue;
    if (__builtin_add_overflow(amounts[p], amounts[id], &sum)) {
      /* Undone in the reverse order: a member's amount is final once it has been added to its
         parent's (only its children, added before it, change it), so each subtraction gives
         back exactly the amount its parent had, which fitted. */
      for (undo = id + 1; undo < (hier_id)h->n; undo++) {
        hier_id q = h->parents ? h->parents[undo] : h->m[undo].parent;
        if (q != HIER_NONE) amounts[q] -= amounts[undo];
      }
      return BUDGET_EOVERFLOW;
    }
    amounts[p] = sum;
  }
  return BUDGET_OK;
}

size_t hier_bytes(const hier *h) {
  return sizeof *h + h->label_len + 1 + h->cap * sizeof *h->m + h->scap + (h->parents ? h->n * sizeof *h->parents : 0) +
         (h->by_code ? h->icap * sizeof *h->by_code : 0) + (h->by_name ? h->icap * sizeof *h->by_name : 0);
}

uint32_t hier_pre(const hier *h, hier_id id) { return h->m[id].pre; }
uint32_t hier_size(const hier *h, hier_id id) { return h->m[id].size; }

bool hier_within(const hier *h, hier_id id, hier_id ancestor) {
  if (ancestor == HIER_NONE) return true;
  return h->m[id].pre - h->m[ancestor].pre < h->m[ancestor].size;  /* unsigned: below pre wraps high */
}

budget_status hier_code_spaced(const hier *h, hier_id id, char *buf, size_t size) {
  const char *code = hier_member_code(h, id);
  size_t len = strlen(code), end = len, pos;
  char tmp[2 * CODE_MAX + 2];
  pos = sizeof tmp - 1;
  tmp[pos] = '\0';
  while (id != HIER_NONE && end > 0) {  /* segments from the last, each member adding its own */
    size_t seg = h->m[id].seg ? h->m[id].seg : end;
    if (seg > end) seg = end;
    pos -= seg;
    memcpy(tmp + pos, code + end - seg, seg);
    end -= seg;
    if (end > 0) tmp[--pos] = ' ';
    id = h->m[id].parent;
    while (id != HIER_NONE && *hier_member_code(h, id) == '\0') id = h->m[id].parent;
  }
  if (sizeof tmp - 1 - pos + 1 > size) return BUDGET_ESPACE;
  memcpy(buf, tmp + pos, sizeof tmp - pos);
  return BUDGET_OK;
}

budget_status hier_path(const hier *h, hier_id id, char *buf, size_t size) {
  hier_id chain[256];
  size_t depth = 0, pos = 0, need = 0, i;
  for (; id != HIER_NONE; id = h->m[id].parent) {
    if (depth == sizeof chain / sizeof chain[0]) return BUDGET_ESPACE;
    chain[depth++] = id;
    need += strlen(hier_member_name(h, id)) + 1;  /* the name, and a '/' or the NUL */
  }
  if (need == 0) need = 1;
  if (need > size) return BUDGET_ESPACE;  /* measured first: buf is written only on success */
  for (i = depth; i > 0; i--) {
    const char *nm = hier_member_name(h, chain[i - 1]);
    size_t n = strlen(nm);
    memcpy(buf + pos, nm, n);
    pos += n;
    if (i > 1) buf[pos++] = '/';
  }
  buf[pos] = '\0';
  return BUDGET_OK;
}

/* }================================================================== */

/* {==================================================================
** References
** =================================================================== */


/* Records a match, keeping the earliest-added HIER_MAX_CANDIDATES in order. */
static void note_match(hier_match *mt, hier_id id) {
  size_t i;
  mt->total++;
  if (mt->count == HIER_MAX_CANDIDATES && id > mt->ids[mt->count - 1]) return;
  if (mt->count < HIER_MAX_CANDIDATES) mt->count++;
  for (i = mt->count - 1; i > 0 && mt->ids[i - 1] > id; i--) mt->ids[i] = mt->ids[i - 1];
  mt->ids[i] = id;
}

/* Does member id answer to seg[0..len), by name or by code? */
static bool answers_to(const hier *h, hier_id id, const char *seg, size_t len) {
  char cc[CODE_MAX + 1];
  const char *nm = str_at(h, h->m[id].key);
  int clen;
  if (strlen(nm) == len && memcmp(nm, seg, len) == 0) return true;
  clen = compact_code(seg, len, cc);
  return clen > 0 && strcmp(hier_member_code(h, id), cc) == 0;
}

static void trim(const char **s, size_t *len) {
  while (*len > 0 && **s == ' ') (*s)++, (*len)--;
  while (*len > 0 && (*s)[*len - 1] == ' ') (*len)--;
}

/* Every member that answers to seg (by code, then by name), each once. */
static void each_answering(const hier *h, const char *seg, size_t len, hier_match *mt,
                           bool (*keep)(const hier *, hier_id, const void *), const void *ud) {
  char cc[CODE_MAX + 1];
  int clen = compact_code(seg, len, cc);
  hier_id byc = clen > 0 ? lookup(h, true, cc, (size_t)clen) : HIER_NONE, id;
  if (byc != HIER_NONE && keep(h, byc, ud)) note_match(mt, byc);
  for (id = lookup(h, false, seg, len); id != HIER_NONE; id = h->m[id].same_name)
    if (id != byc && keep(h, id, ud)) note_match(mt, id);
}

typedef struct path_ref {
  const char *segs[64];
  size_t lens[64];
  size_t n;
} path_ref;

/* Do the ancestors of id answer to the path's earlier segments, one parent each? */
static bool path_fits(const hier *h, hier_id id, const void *ud) {
  const path_ref *p = ud;
  size_t k = p->n - 1;
  while (k-- > 0) {
    id = h->m[id].parent;
    if (id == HIER_NONE || !answers_to(h, id, p->segs[k], p->lens[k])) return false;
  }
  return true;
}

/* How many members answer to seg by name, counting no further than 'most'. */
static size_t named_count(const hier *h, const char *seg, size_t len, size_t most) {
  size_t n = 0;
  hier_id id;
  for (id = lookup(h, false, seg, len); id != HIER_NONE && n < most; id = h->m[id].same_name) n++;
  return n;
}

/* Notes in mt each child of 'from' that answers to segment k of p, or, below the last segment, what
** lies beneath it answering to the rest; false when it took more than *steps children. */
static bool descend(const hier *h, const path_ref *p, size_t k, hier_id from, hier_match *mt, size_t *steps) {
  hier_id c;
  for (c = h->m[from].first; c != HIER_NONE; c = h->m[c].next) {
    if (*steps == 0) return false;
    (*steps)--;
    if (!answers_to(h, c, p->segs[k], p->lens[k])) continue;
    if (k + 1 == p->n) note_match(mt, c);
    else if (!descend(h, p, k + 1, c, mt, steps)) return false;
  }
  return true;
}

/*
** The members a path names (p->n >= 2), found from its first segment down through the children:
** the same as each_answering with path_fits finds from the last segment up, and quicker when the
** last is a name many members share (行政运行 under every 款) and the first is not. False, with
** *mt untouched, when it would read more than PATH_DOWN_STEPS members: then up it is.
*/
static bool path_down(const hier *h, const path_ref *p, hier_match *mt) {
  hier_match found = {0, 0, {0}};
  size_t steps = PATH_DOWN_STEPS;
  char cc[CODE_MAX + 1];
  int clen = compact_code(p->segs[0], p->lens[0], cc);
  hier_id byc = clen > 0 ? lookup(h, true, cc, (size_t)clen) : HIER_NONE, id;
  if (byc != HIER_NONE && !descend(h, p, 1, byc, &found, &steps)) return false;
  for (id = lookup(h, false, p->segs[0], p->lens[0]); id != HIER_NONE; id = h->m[id].same_name) {
    if (steps == 0) return false;
    steps--;
    if (id != byc && !descend(h, p, 1, id, &found, &steps)) return false;
  }
  *mt = found;
  return true;
}

/* Levenshtein distance over code points (the first LEV_MAX of each). */
static size_t distance(const char *a, size_t alen, const char *b, size_t blen) {
  long ca[LEV_MAX], cb[LEV_MAX];
  size_t na = 0, nb = 0, i, j, row[LEV_MAX + 1];
  for (i = 0; i < alen && na < LEV_MAX;) ca[na++] = utf8_next(a, alen, &i);
  for (i = 0; i < blen && nb < LEV_MAX;) cb[nb++] = utf8_next(b, blen, &i);
  for (j = 0; j <= nb; j++) row[j] = j;
  for (i = 1; i <= na; i++) {
    size_t diag = row[0];
    row[0] = i;
    for (j = 1; j <= nb; j++) {
      size_t up = row[j], best = diag + (ca[i - 1] != cb[j - 1]);
      if (up + 1 < best) best = up + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      row[j] = best;
      diag = up;
    }
  }
  return row[nb];
}

/* Fills why with the members whose name (or code) is nearest to ref, closest first. */
static void suggest(const hier *h, const char *ref, size_t len, hier_match *why) {
  char q[256];
  size_t score[SUGGEST_MAX], i, k, limit, cps = 0;
  hier_id id;
  if (len >= sizeof q) len = sizeof q - 1;
  memcpy(q, ref, len);
  q[len] = '\0';
  for (i = 0; i < len; i++) cps += ((unsigned char)q[i] & 0xC0u) != 0x80u;
  limit = cps / 2 > 2 ? cps / 2 : 2;
  why->total = why->count = 0;
  for (id = 0; id < h->n; id++) {
    const char *nm = hier_member_name(h, id), *cd = hier_member_code(h, id);
    size_t s;
    /* ranked in halves: a name that contains the reference, or is in it, comes first */
    if (len > 0 && (strstr(nm, q) != NULL || strstr(q, nm) != NULL)) {
      s = 1;
    } else {
      size_t d = distance(q, len, nm, strlen(nm));
      if (*cd) {
        size_t dc = distance(q, len, cd, strlen(cd));
        if (dc < d) d = dc;
      }
      if (d > limit) continue;
      s = 2 * d;
    }
    if (why->count == SUGGEST_MAX && s >= score[SUGGEST_MAX - 1]) continue;
    if (why->count < SUGGEST_MAX) why->count++;
    for (k = why->count - 1; k > 0 && score[k - 1] > s; k--) {
      score[k] = score[k - 1];
      why->ids[k] = why->ids[k - 1];
    }
    score[k] = s;
    why->ids[k] = id;
  }
  why->total = why->count;
}

static bool any(const hier *h, hier_id id, const void *ud) {
  (void)h, (void)id, (void)ud;
  return true;
}

static budget_status find_in(const hier *h, const char *ref, size_t len, hier_id *out, hier_match *why,
                             bool nearest);

/*
** A reference is read as its NFKC form, as the names are indexed: '２０６' is 206, '（境）' is
** '(境)', '／' a path's '/'. Not found so, it is tried as typed: a name that holds a full-width
** slash or ends in an ideographic space is indexed as typed. The nearest names (a pass over
** every member) are looked for once, for the form tried first, and only when both fail.
*/
budget_status hier_find(const hier *h, const char *ref, size_t len, hier_id *out, hier_match *why) {
  char form[NFKC_MAX + 1];
  size_t flen;
  budget_status rc;
  const char *first = ref, *second = form;
  size_t n1 = len, n2;
  if (!nfkc_needed(ref, len) || nfkc(ref, len, form, sizeof form, &flen) != BUDGET_OK)
    return find_in(h, ref, len, out, why, true);
  n2 = flen;
  if (count_slashes(form, flen) == count_slashes(ref, len)) first = form, n1 = flen, second = ref, n2 = len;
  if (flen == len && memcmp(form, ref, len) == 0) return find_in(h, first, n1, out, why, true);
  /* the form first ('２０６　' is 206), unless it makes a path of a name ('甲／乙'): then as typed first */
  rc = find_in(h, first, n1, out, why, false);
  if (rc == BUDGET_ENOTFOUND) {
    hier_match again;
    budget_status other = find_in(h, second, n2, out, why ? &again : NULL, false);
    if (other != BUDGET_ENOTFOUND) {
      if (why) *why = again;
      return other;
    }
    if (why) rc = find_in(h, first, n1, out, why, true);
  }
  return rc;
}

/* hier_find of ref as it is; 'nearest' fills why with the nearest names when it is not found (else with none). */
static budget_status find_in(const hier *h, const char *ref, size_t len, hier_id *out, hier_match *why,
                             bool nearest) {
  hier_match mt = {0, 0, {0}};
  const char *last;
  size_t lastlen;
  trim(&ref, &len);
  if (memchr(ref, '/', len) != NULL) {
    path_ref p;
    size_t start = 0, i;
    p.n = 0;
    for (i = 0; i <= len; i++) {
      if (i == len || ref[i] == '/') {
        const char *s = ref + start;
        size_t n = i - start;
        trim(&s, &n);
        if (n == 0 || p.n == sizeof p.segs / sizeof p.segs[0]) break;
        p.segs[p.n] = s;
        p.lens[p.n++] = n;
        start = i + 1;
      }
    }
    if (i <= len) {  /* an empty segment, or too many */
      if (why) *why = mt;
      return BUDGET_ENOTFOUND;
    }
    last = p.segs[p.n - 1];
    lastlen = p.lens[p.n - 1];
    /* up from the last segment's members, unless many share its name: then down from the first */
    if (p.n < 2 || named_count(h, last, lastlen, PATH_SHARED_NAME + 1) <= PATH_SHARED_NAME || !path_down(h, &p, &mt))
      each_answering(h, last, lastlen, &mt, path_fits, &p);
  } else {
    last = ref;
    lastlen = len;
    each_answering(h, ref, len, &mt, any, NULL);
  }
  if (mt.total == 1) {
    *out = mt.ids[0];
    return BUDGET_OK;
  }
  if (mt.total > 1) {
    if (why) *why = mt;
    return BUDGET_EAMBIGUOUS;
  }
  if (why && nearest) suggest(h, last, lastlen, why);
  else if (why) *why = mt;
  return BUDGET_ENOTFOUND;
}

/* 'code name (path)' for one member, into buf at *pos. */
static void describe(const hier *h, hier_id id, char *buf, size_t size, size_t *pos) {
  char code[2 * CODE_MAX + 2], path[512];
  if (hier_code_spaced(h, id, code, sizeof code) != BUDGET_OK) code[0] = '\0';
  if (hier_path(h, id, path, sizeof path) != BUDGET_OK) path[0] = '\0';
  if (code[0]) appendf(buf, size, pos, "%s ", code);
  appendf(buf, size, pos, "%s", hier_member_name(h, id));
  if (h->m[id].parent != HIER_NONE) appendf(buf, size, pos, " (%s)", path);
}

budget_status hier_find_code(const hier *h, const char *code, size_t len, hier_id *out) {
  char cc[CODE_MAX + 1], form[NFKC_MAX + 1];
  size_t n;
  int clen;
  if (nfkc_form(code, len, form, &n)) code = form, len = n;
  clen = compact_code(code, len, cc);
  hier_id id;
  if (clen <= 0) return BUDGET_ENOTFOUND;
  id = lookup(h, true, cc, (size_t)clen);
  if (id == HIER_NONE) return BUDGET_ENOTFOUND;
  *out = id;
  return BUDGET_OK;
}

void hier_explain(const hier *h, const char *ref, size_t len, budget_status rc, const hier_match *why,
                  char *buf, size_t size) {
  size_t pos = 0, i;
  int n = len > 400 ? 400 : (int)len;
  if (size == 0) return;
  buf[0] = '\0';
  if (rc == BUDGET_EAMBIGUOUS) {
    appendf(buf, size, &pos, "'%.*s' is ambiguous in %s: it matches ", n, ref, h->label);
    for (i = 0; i < why->count; i++) {
      if (i > 0) appendf(buf, size, &pos, ", ");
      describe(h, why->ids[i], buf, size, &pos);
    }
    if (why->total > why->count) appendf(buf, size, &pos, " and %zu more", why->total - why->count);
    appendf(buf, size, &pos, "; give the code or a path");
  } else if (rc == BUDGET_ENOTFOUND) {
    appendf(buf, size, &pos, "'%.*s' is not a member of %s", n, ref, h->label);
    if (why->count > 0) {
      appendf(buf, size, &pos, "; nearest: ");
      for (i = 0; i < why->count; i++) {
        if (i > 0) appendf(buf, size, &pos, ", ");
        describe(h, why->ids[i], buf, size, &pos);
      }
    }
  } else {
    appendf(buf, size, &pos, "'%.*s' in %s: %s", n, ref, h->label, status_str(rc));
  }
}

/* }================================================================== */
