/*
** engine/bind/lpattern.c
** string.find, match, gmatch and gsub with Lua 5.4's patterns (manual §6.4.1),
** giving Lua 5.4.4's results and errors, but charging their matching work to
** the run's budget (guard_charge): Lua's own run in C, out of the count hook's reach.
** See LICENSE for copyright and license.
*/
#define _GNU_SOURCE  /* memmem: a plain find in linear time */

#include "lbind.h"

#include <assert.h>
#include <ctype.h>
#include <string.h>

#include "host/guard.h"
#include "lauxlib.h"

/* Lua's limits, which a script can observe (as errors) and so must be the same. */
#define MAXCAPTURES 32  /* lstrlib's LUA_MAXCAPTURES */
#define MAXDEPTH 200    /* nested matcher calls before "pattern too complex" (lstrlib's MAXCCALLS) */

/* A capture's length while it is open, and for a position capture '()'. */
#define CAP_OPEN (-1)
#define CAP_POS (-2)

/* Units of work gathered before guard_charge is called: the hot loops only add to a counter. */
#define BATCH 1024

#define ESC '%'
#define SPECIALS "^$*+?.([%-"

#define uchar(c) ((unsigned char)(c))

typedef struct capture {
  const char *at;
  ptrdiff_t len;  /* or CAP_OPEN, CAP_POS */
} capture;

/* One match of one pattern over one subject; both are Lua strings, so a byte past
** each end can be read (it is the terminating '\0'), as the matcher does at the ends. */
typedef struct mstate {
  const char *src, *end;  /* the subject */
  const char *pend;       /* the pattern's end */
  lua_State *L;
  int level;              /* captures opened so far */
  size_t owed;            /* work done and not yet charged */
  capture cap[MAXCAPTURES];
} mstate;

/* {====================================================================
** Charging
** ===================================================================== */

/* Charges the work gathered so far; may raise the run's limit error. */
static void settle(mstate *ms) {
  size_t n = ms->owed;
  ms->owed = 0;
  if (n > 0) guard_charge(ms->L, n);
}

/* Adds n units, charging them once a batch has gathered. */
static void owe(mstate *ms, size_t n) {
  ms->owed += n;
  if (ms->owed >= BATCH) settle(ms);
}

/* }==================================================================== */

/* {====================================================================
** Single-character items: '.', '%x', '[set]', a plain character
** ===================================================================== */

/* Does the class letter 'cl' take c? Upper case is the complement; a letter that names no
** class stands for itself (an escaped character). The C library's classes, as Lua's, and
** Lua's undocumented '%z' ('\0'). */
static int class_has(int c, int cl) {
  int r;
  switch (tolower(cl)) {
    case 'a': r = isalpha(c); break;
    case 'c': r = iscntrl(c); break;
    case 'd': r = isdigit(c); break;
    case 'g': r = isgraph(c); break;
    case 'l': r = islower(c); break;
    case 'p': r = ispunct(c); break;
    case 's': r = isspace(c); break;
    case 'u': r = isupper(c); break;
    case 'w': r = isalnum(c); break;
    case 'x': r = isxdigit(c); break;
    case 'z': r = c == 0; break;  /* deprecated in the manual, still in 5.4's code */
    default: return cl == c;
  }
  return isupper(cl) ? r == 0 : r != 0;
}

/* Does the set from p (its '[') to ec (its ']') take c? A '-' makes a range only between
** two characters, so one first or last is itself. */
static int set_has(int c, const char *p, const char *ec) {
  int yes = 1;
  if (p[1] == '^') {
    yes = 0;
    p++;
  }
  while (++p < ec) {
    if (*p == ESC) {
      p++;
      if (class_has(c, uchar(*p))) return yes;
    } else if (p[1] == '-' && p + 2 < ec) {
      if (uchar(*p) <= c && c <= uchar(p[2])) return yes;
      p += 2;
    } else if (uchar(*p) == c) {
      return yes;
    }
  }
  return !yes;
}

/* Where the item at p ends (its quantifier, if any, is there). Raises for a pattern that ends
** inside it. A set's first character, even ']', is a member, and '%]' does not close it. */
static const char *item_end(mstate *ms, const char *p) {
  switch (*p++) {
    case ESC:
      if (p == ms->pend) luaL_error(ms->L, "malformed pattern (ends with '%%')");
      return p + 1;
    case '[':
      if (*p == '^') p++;
      do {
        if (p == ms->pend) luaL_error(ms->L, "malformed pattern (missing ']')");
        if (*p++ == ESC && p < ms->pend) p++;
      } while (*p != ']');
      return p + 1;
    default:
      return p;
  }
}

/* Does the item from p to ep take the subject's character at s (none at its end)? */
static int item_has(const mstate *ms, const char *s, const char *p, const char *ep) {
  int c;
  if (s >= ms->end) return 0;
  c = uchar(*s);
  switch (*p) {
    case '.': return 1;
    case ESC: return class_has(c, uchar(p[1]));
    case '[': return set_has(c, p, ep - 1);
    default: return uchar(*p) == c;
  }
}

/* How many characters from s on the item from p to ep takes in a row; charged one a character.
** The kind of item is decided once, outside the loop: this is the hot loop of '*' and '+'. */
static size_t item_span(mstate *ms, const char *s, const char *p, const char *ep) {
  const unsigned char *q = (const unsigned char *)s, *e = (const unsigned char *)ms->end;
  size_t n;
  switch (*p) {
    case '.':
      q = e;
      break;
    case ESC: {
      int cl = uchar(p[1]);
      while (q < e && class_has(*q, cl)) q++;
      break;
    }
    case '[':
      while (q < e && set_has(*q, p, ep - 1)) q++;
      break;
    default: {
      unsigned char c = uchar(*p);
      while (q < e && *q == c) q++;
      break;
    }
  }
  n = (size_t)(q - (const unsigned char *)s);
  owe(ms, n + 1);
  return n;
}

/* }==================================================================== */

/* {====================================================================
** The matcher: a backtracking walk of the pattern. Where it recurses and where it only
** loops is Lua's, so that "pattern too complex" comes at the same depth. The depth is a
** parameter, not a field, so that a call has nothing to undo on its way out.
** ===================================================================== */

static const char *match(mstate *ms, const char *s, const char *p, int depth);

/* '(' at p: opens a capture (a position capture for '()') and matches the rest. */
static const char *open_capture(mstate *ms, const char *s, const char *p, int depth) {
  int l = ms->level;
  ptrdiff_t kind = CAP_OPEN;
  const char *r;
  if (*++p == ')') {
    kind = CAP_POS;
    p++;
  }
  if (l >= MAXCAPTURES) luaL_error(ms->L, "too many captures");
  ms->cap[l].at = s;
  ms->cap[l].len = kind;
  ms->level = l + 1;
  if ((r = match(ms, s, p, depth + 1)) == NULL) ms->level--;
  return r;
}

/* ')' just before p: closes the innermost open capture and matches the rest. */
static const char *close_capture(mstate *ms, const char *s, const char *p, int depth) {
  int l = ms->level;
  const char *r;
  while (--l >= 0 && ms->cap[l].len != CAP_OPEN) continue;
  if (l < 0) luaL_error(ms->L, "invalid pattern capture");
  ms->cap[l].len = s - ms->cap[l].at;
  if ((r = match(ms, s, p, depth + 1)) == NULL) ms->cap[l].len = CAP_OPEN;
  return r;
}

/* '%1'..'%9' (the digit is d): the text of a closed capture again. A position capture has
** no text, and never matches. */
static const char *backref(mstate *ms, const char *s, int d) {
  int l = d - '1';
  size_t len;
  if (l < 0 || l >= ms->level || ms->cap[l].len == CAP_OPEN)
    luaL_error(ms->L, "invalid capture index %%%d", l + 1);
  if (ms->cap[l].len == CAP_POS) return NULL;
  len = (size_t)ms->cap[l].len;
  ms->owed += len / 32;
  if ((size_t)(ms->end - s) >= len && memcmp(ms->cap[l].at, s, len) == 0) return s + len;
  return NULL;
}

/* '%bxy', p at 'x': from an x at s to the y that balances it. */
static const char *balance(mstate *ms, const char *s, const char *p) {
  const char *q;
  int open, close, level = 1;
  if (p >= ms->pend - 1) luaL_error(ms->L, "malformed pattern (missing arguments to '%%b')");
  if (*s != *p) return NULL;
  open = *p;
  close = p[1];
  for (q = s + 1; q < ms->end; q++) {
    if (*q == close) {
      if (--level == 0) break;
    } else if (*q == open) {
      level++;
    }
  }
  owe(ms, (size_t)(q - s));
  return q < ms->end ? q + 1 : NULL;
}

/* '%f[set]', p at '[', ep past its ']': does s sit where the set starts to hold? The
** subject's ends count as '\0'. */
static int frontier(const mstate *ms, const char *s, const char *p, const char *ep) {
  int prev = s == ms->src ? '\0' : uchar(s[-1]);
  return !set_has(prev, p, ep - 1) && set_has(uchar(*s), p, ep - 1);
}

/* The single-character item from p to ep, with its quantifier '+', '*' or '-' at ep, has
** taken the character at s: the rest of the match. */
static const char *repeat(mstate *ms, const char *s, const char *p, const char *ep, int depth) {
  const char *r;
  size_t n;
  switch (*ep) {
    case '+':
      s++;
      /* fall through */
    case '*':  /* as many as can be, then one fewer each time the rest fails */
      n = item_span(ms, s, p, ep);
      for (;;) {
        if ((r = match(ms, s + n, ep + 1, depth + 1)) != NULL) return r;
        if (n-- == 0) return NULL;
      }
    case '-':  /* as few as can be, then one more each time the rest fails */
      for (;;) {
        if ((r = match(ms, s, ep + 1, depth + 1)) != NULL) return r;
        if (!item_has(ms, s, p, ep)) return NULL;
        s++;
        ms->owed++;
      }
    default:  /* unreachable: match calls this for '+', '*' and '-' only */
      assert(0);
      return NULL;
  }
}

/* Matches the pattern from p against the subject from s: the end of the match, or NULL.
** 'depth' counts the calls of match this one is nested in (0 for an attempt's first); each
** call is a unit of work. Items that need no backtracking (a plain item, a failed optional
** one, %b, %f, a back-reference) loop here rather than recurse. */
static const char *match(mstate *ms, const char *s, const char *p, int depth) {
  const char *ep;
  if (depth >= MAXDEPTH) luaL_error(ms->L, "pattern too complex");
  owe(ms, 1);
  while (p != ms->pend) {
    switch (*p) {
      case '(':
        return open_capture(ms, s, p, depth);
      case ')':
        return close_capture(ms, s, p + 1, depth);
      case '$':
        if (p + 1 == ms->pend) return s == ms->end ? s : NULL;
        break;  /* elsewhere a plain '$' */
      case ESC:
        switch (p[1]) {
          case 'b':
            if ((s = balance(ms, s, p + 2)) == NULL) return NULL;
            p += 4;
            continue;
          case 'f':
            p += 2;
            if (*p != '[') luaL_error(ms->L, "missing '[' after '%%f' in pattern");
            ep = item_end(ms, p);
            if (!frontier(ms, s, p, ep)) return NULL;
            p = ep;
            continue;
          case '0': case '1': case '2': case '3': case '4':
          case '5': case '6': case '7': case '8': case '9':
            if ((s = backref(ms, s, uchar(p[1]))) == NULL) return NULL;
            p += 2;
            continue;
          default:
            break;
        }
        break;
      default:
        break;
    }
    ep = item_end(ms, p);
    ms->owed++;
    if (item_has(ms, s, p, ep)) {
      if (*ep == '+' || *ep == '*' || *ep == '-') return repeat(ms, s, p, ep, depth);
      if (*ep == '?') {  /* with it, or else on in this call without it */
        const char *r = match(ms, s + 1, ep + 1, depth + 1);
        if (r != NULL) return r;
        p = ep + 1;
        continue;
      }
      s++;
      p = ep;
    } else if (*ep == '?' || *ep == '*' || *ep == '-') {
      p = ep + 1;  /* none is enough */
    } else {
      return NULL;
    }
  }
  return s;
}

/* }==================================================================== */

/* {====================================================================
** Captures to values
** ===================================================================== */

static void mstate_init(mstate *ms, lua_State *L, const char *s, size_t ls, const char *p, size_t lp) {
  ms->L = L;
  ms->src = s;
  ms->end = s + ls;
  ms->pend = p + lp;
  ms->owed = 0;
}

/* Before each attempt: no captures. */
static void mstate_reset(mstate *ms) {
  ms->level = 0;
}

/* Capture i of the match from s to e (the whole match for i == 0 when there are none): its
** text in *cap and its length, or CAP_POS with its position pushed. Raises for a capture
** that does not exist or never closed. [-0, +(0|1), v] */
static ptrdiff_t get_capture(mstate *ms, int i, const char *s, const char *e, const char **cap) {
  ptrdiff_t len;
  if (i >= ms->level) {
    if (i != 0) luaL_error(ms->L, "invalid capture index %%%d", i + 1);
    *cap = s;
    return e - s;
  }
  len = ms->cap[i].len;
  *cap = ms->cap[i].at;
  if (len == CAP_OPEN) luaL_error(ms->L, "unfinished capture");
  if (len == CAP_POS) lua_pushinteger(ms->L, (ms->cap[i].at - ms->src) + 1);
  return len;
}

/* Pushes capture i as a value: a string, or a position. [-0, +1, v] */
static void push_capture(mstate *ms, int i, const char *s, const char *e) {
  const char *cap;
  ptrdiff_t len = get_capture(ms, i, s, e, &cap);
  if (len != CAP_POS) lua_pushlstring(ms->L, cap, (size_t)len);
}

/* Pushes every capture, or the whole match from s to e when there are none and s is not NULL
** (find passes NULL: it returns the bounds instead). Returns how many. [-0, +n, v] */
static int push_captures(mstate *ms, const char *s, const char *e) {
  int i, n = (ms->level == 0 && s != NULL) ? 1 : ms->level;
  luaL_checkstack(ms->L, n, "too many captures");
  for (i = 0; i < n; i++) push_capture(ms, i, s, e);
  return n;
}

/* }==================================================================== */

/* {====================================================================
** find and match
** ===================================================================== */

/* Lua's start index (1-based, negative from the end, clipped to 1) as a 0-based offset;
** may be past the end. */
static size_t start_offset(lua_Integer pos, size_t len) {
  if (pos > 0) return (size_t)pos - 1;
  if (pos == 0 || pos < -(lua_Integer)len) return 0;
  return len - (size_t)-pos;
}

/* Has the pattern none of the characters that make it one? A '\0' inside it is plain too. */
static int is_plain(const char *p, size_t lp) {
  size_t at = 0;
  do {
    if (strpbrk(p + at, SPECIALS) != NULL) return 0;
    at += strlen(p + at) + 1;
  } while (at <= lp);
  return 1;
}

/* find's plain search of p in s from offset init (at most ls): linear, so charged at a
** fraction of a unit a byte. [-0, +(1|2), e] */
static int find_plain(lua_State *L, const char *s, size_t ls, size_t init, const char *p, size_t lp) {
  const char *at = lp == 0 ? s + init : memmem(s + init, ls - init, p, lp);
  guard_charge(L, 1 + (ls - init) / 64 + lp / 64);
  if (at == NULL) {
    luaL_pushfail(L);
    return 1;
  }
  lua_pushinteger(L, (at - s) + 1);
  lua_pushinteger(L, (lua_Integer)((size_t)(at - s) + lp));
  return 2;
}

/* The pattern search of find (find != 0) or match, tried at each offset from init (at most
** ls), or only there for a pattern anchored with '^'. [-0, +n, e] */
static int find_pattern(lua_State *L, int find, const char *s, size_t ls, size_t init, const char *p,
                        size_t lp) {
  mstate ms;
  const char *at = s + init, *e;
  int anchor = *p == '^';
  if (anchor) {
    p++;
    lp--;
  }
  mstate_init(&ms, L, s, ls, p, lp);
  do {
    mstate_reset(&ms);
    if ((e = match(&ms, at, p, 0)) != NULL) {
      settle(&ms);
      if (!find) return push_captures(&ms, at, e);
      lua_pushinteger(L, (at - s) + 1);
      lua_pushinteger(L, e - s);
      return push_captures(&ms, NULL, NULL) + 2;
    }
  } while (at++ < ms.end && !anchor);
  settle(&ms);
  luaL_pushfail(L);
  return 1;
}

/* find (find != 0) or match: the arguments read in Lua's order, so the same one is blamed. */
static int find_aux(lua_State *L, int find) {
  size_t ls, lp;
  const char *s = luaL_checklstring(L, 1, &ls);
  const char *p = luaL_checklstring(L, 2, &lp);
  size_t init = start_offset(luaL_optinteger(L, 3, 1), ls);
  if (init > ls) {
    luaL_pushfail(L);
    return 1;
  }
  if (find && (lua_toboolean(L, 4) || is_plain(p, lp))) return find_plain(L, s, ls, init, p, lp);
  return find_pattern(L, find, s, ls, init, p, lp);
}

/* string.find(s, pattern [, init [, plain]]): start, end and the captures, or fail. [-0, +n, e] */
static int l_find(lua_State *L) {
  return find_aux(L, 1);
}

/* string.match(s, pattern [, init]): the captures (or the whole match), or fail. [-0, +n, e] */
static int l_match(lua_State *L) {
  return find_aux(L, 0);
}

/* }==================================================================== */

/* {====================================================================
** gmatch
** ===================================================================== */

typedef struct gmatch_state {
  mstate ms;
  const char *at;    /* where the next search starts (may be one past the end: none) */
  const char *p;     /* the pattern, '^' and all: gmatch has no anchor */
  const char *last;  /* the end of the previous match: an empty match there is skipped */
} gmatch_state;

/* The iterator: the next match's captures, or nothing at the end. The subject and the pattern
** are its upvalues 1 and 2, which keep the state's pointers valid. [-0, +n, e] */
static int gmatch_next(lua_State *L) {
  gmatch_state *g = lua_touserdata(L, lua_upvalueindex(3));
  const char *at, *e;
  g->ms.L = L;  /* the iterator may be called from another coroutine */
  for (at = g->at; at <= g->ms.end; at++) {
    mstate_reset(&g->ms);
    if ((e = match(&g->ms, at, g->p, 0)) != NULL && e != g->last) {
      g->at = g->last = e;
      settle(&g->ms);
      return push_captures(&g->ms, at, e);
    }
  }
  g->at = at;
  settle(&g->ms);
  return 0;
}

/* string.gmatch(s, pattern [, init]): an iterator over the matches. Pattern errors come from
** the iterator, as Lua's do. [-0, +1, e] */
static int l_gmatch(lua_State *L) {
  size_t ls, lp;
  const char *s = luaL_checklstring(L, 1, &ls);
  const char *p = luaL_checklstring(L, 2, &lp);
  size_t init = start_offset(luaL_optinteger(L, 3, 1), ls);
  gmatch_state *g;
  lua_settop(L, 2);
  g = lua_newuserdatauv(L, sizeof *g, 0);
  if (init > ls) init = ls + 1;  /* nothing to find; and no pointer further out */
  mstate_init(&g->ms, L, s, ls, p, lp);
  g->at = s + init;
  g->p = p;
  g->last = NULL;
  lua_pushcclosure(L, gmatch_next, 3);
  return 1;
}

/* }==================================================================== */

/* {====================================================================
** gsub
** ===================================================================== */

/* Adds the replacement text 'r' (length lr) for the match from s to e: '%0'..'%9' are
** captures, '%%' a '%'; any other '%' is an error. [-0, +0, v] */
static void add_text(mstate *ms, luaL_Buffer *b, const char *r, size_t lr, const char *s, const char *e) {
  const char *q, *cap;
  ptrdiff_t len;
  owe(ms, 1 + lr / 64);
  while ((q = memchr(r, ESC, lr)) != NULL) {
    luaL_addlstring(b, r, (size_t)(q - r));
    q++;  /* the character after the '%': the string's '\0' when it ends there */
    if (*q == ESC) {
      luaL_addchar(b, ESC);
    } else if (*q == '0') {
      luaL_addlstring(b, s, (size_t)(e - s));
    } else if (isdigit(uchar(*q))) {
      len = get_capture(ms, *q - '1', s, e, &cap);
      if (len == CAP_POS) luaL_addvalue(b);
      else luaL_addlstring(b, cap, (size_t)len);
    } else {
      luaL_error(ms->L, "invalid use of '%c' in replacement string", ESC);
    }
    lr -= (size_t)(q + 1 - r);
    r = q + 1;
  }
  luaL_addlstring(b, r, lr);
}

/* Adds what replaces the match from s to e: the text of argument 3 (r, lr), or the value its
** table or function gives, or the match itself for false or nil. Returns whether the match
** was replaced. [-0, +0, e] */
static int add_value(mstate *ms, luaL_Buffer *b, int tr, const char *r, size_t lr, const char *s,
                     const char *e) {
  lua_State *L = ms->L;
  if (tr == LUA_TFUNCTION) {
    settle(ms);
    lua_pushvalue(L, 3);
    lua_call(L, push_captures(ms, s, e), 1);
  } else if (tr == LUA_TTABLE) {
    settle(ms);
    push_capture(ms, 0, s, e);
    lua_gettable(L, 3);
  } else {
    add_text(ms, b, r, lr, s, e);
    return 1;
  }
  if (!lua_toboolean(L, -1)) {
    lua_pop(L, 1);
    luaL_addlstring(b, s, (size_t)(e - s));
    return 0;
  }
  if (!lua_isstring(L, -1)) return luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
  luaL_addvalue(b);
  return 1;
}

/* string.gsub(s, pattern, repl [, n]): s with each match (the first n) replaced, and how many
** were; s itself when none changed. An empty match right where the previous one ended is not
** one (5.4). [-0, +2, e] */
static int l_gsub(lua_State *L) {
  size_t ls, lp, lr = 0;
  const char *src = luaL_checklstring(L, 1, &ls);
  const char *p = luaL_checklstring(L, 2, &lp);
  const char *last = NULL, *e, *r = NULL;
  int tr = lua_type(L, 3);
  lua_Integer max = luaL_optinteger(L, 4, (lua_Integer)ls + 1), n = 0;
  int anchor = *p == '^', changed = 0;
  mstate ms;
  luaL_Buffer b;
  luaL_argexpected(L, tr == LUA_TNUMBER || tr == LUA_TSTRING || tr == LUA_TFUNCTION || tr == LUA_TTABLE, 3,
                   "string/function/table");
  if (tr == LUA_TNUMBER || tr == LUA_TSTRING) r = lua_tolstring(L, 3, &lr);
  luaL_buffinit(L, &b);
  if (anchor) {
    p++;
    lp--;
  }
  mstate_init(&ms, L, src, ls, p, lp);
  while (n < max) {
    mstate_reset(&ms);
    if ((e = match(&ms, src, p, 0)) != NULL && e != last) {
      n++;
      changed |= add_value(&ms, &b, tr, r, lr, src, e);
      src = last = e;
    } else if (src < ms.end) {
      luaL_addchar(&b, *src++);
    } else {
      break;
    }
    if (anchor) break;
  }
  settle(&ms);
  if (!changed) {
    lua_pushvalue(L, 1);
  } else {
    luaL_addlstring(&b, src, (size_t)(ms.end - src));
    luaL_pushresult(&b);
  }
  lua_pushinteger(L, n);
  return 2;
}

/* }==================================================================== */

void lbind_open_patterns(lua_State *L) {
  static const luaL_Reg fns[] = {
    {"find", l_find}, {"match", l_match}, {"gmatch", l_gmatch}, {"gsub", l_gsub}, {NULL, NULL}};
  luaL_setfuncs(L, fns, 0);
}
