/*
** engine/bind/lbulk.c
** Lua binding of bulk loading (engine/core/bulk.h): members and cells from
** CSV text or files, a file prefetched on another thread, and every member's
** total in one rollup pass written to a stream the caller names.
** See LICENSE for copyright and license.
*/
#define _POSIX_C_SOURCE 200809L  /* clock_gettime */

#include "lbind.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/bulk.h"
#include "lualib.h"

/* core:bulk_members(dim, csv) / core:bulk_cells(set, csv) → true, or nil, line, message [-0, +1|3, v] */
static int bulk_result(lua_State *L, budget_status rc, const bulk_error *err) {
  if (rc == BUDGET_OK) {
    lua_pushboolean(L, 1);
    return 1;
  }
  lua_pushnil(L);
  lua_pushinteger(L, (lua_Integer)err->line);
  lua_pushstring(L, err->message[0] ? err->message : status_str(rc));
  return 3;
}

/* With a third argument 'file' the second is a path, read in C (no Lua string of the whole file). */
static int l_bulk_members(lua_State *L) {
  model *m = lbind_checkmutable(L);
  size_t dim = lbind_checkdim(L, m, 2), len;
  const char *text = luaL_checklstring(L, 3, &len);
  bulk_error err = {0, ""};
  if (lua_toboolean(L, 4)) return bulk_result(L, bulk_members_file(m, dim, text, &err), &err);
  return bulk_result(L, bulk_members(m, dim, text, len, &err), &err);
}

static int l_bulk_cells(lua_State *L) {
  model *m = lbind_checkmutable(L);
  size_t set = lbind_checkset(L, m, 2), len;
  const char *text = luaL_checklstring(L, 3, &len);
  bulk_error err = {0, ""};
  if (lua_toboolean(L, 4)) return bulk_result(L, bulk_cells_file(m, set, text, &err), &err);
  return bulk_result(L, bulk_cells(m, set, text, len, &err), &err);
}

/* Totals of dimension 'd' (the argument at idx) of fact set f, in a userdata on the stack. [-0, +1, e] */
static money *rollup(lua_State *L, const facts *f, int idx, const hier_id *sel, struct timespec *took) {
  lua_Integer d = luaL_checkinteger(L, idx);
  struct timespec a, b;
  money *totals;
  budget_status rc;
  luaL_argcheck(L, d >= 0 && (size_t)d < facts_ndims(f), idx, "no such dimension in the fact set");
  totals = lua_newuserdatauv(L, (hier_count(facts_dim(f, (size_t)d)) + 1) * sizeof *totals, 0);
  clock_gettime(CLOCK_MONOTONIC, &a);
  rc = facts_rollup(f, (size_t)d, sel, totals);
  clock_gettime(CLOCK_MONOTONIC, &b);
  if (rc) lbind_fail(L, "totals", rc);
  if (took) took->tv_sec = b.tv_sec - a.tv_sec, took->tv_nsec = b.tv_nsec - a.tv_nsec;
  return totals;
}

/* Appends text to buf (flushing it to out when full; a text bigger than buf goes straight out). */
static bool put(FILE *out, char *buf, size_t size, size_t *used, const char *text, size_t len) {
  if (*used + len > size) {
    if (fwrite(buf, 1, *used, out) != *used) return false;
    *used = 0;
  }
  if (len > size) return fwrite(text, 1, len, out) == len;
  memcpy(buf + *used, text, len);
  *used += len;
  return true;
}

/*
** budget.write_totals(core, file, set, dim [, sel]) → count: every member of dimension 'dim' of the
** fact set with its total (in one rollup pass), a line each, 'code<TAB>name<TAB>total', to the
** Lua file handle 'file' through C's buffered stdio: the report of every account's total. [-0, +1, e]
*/
static int l_write_totals(lua_State *L) {
  model *m = lbind_checkcore(L);
  luaL_Stream *stream = luaL_checkudata(L, 2, LUA_FILEHANDLE);
  FILE *out = stream->f;
  const facts *f;
  const hier *h;
  hier_id sel[FACTS_MAX_DIMS], id;
  const money *totals;
  size_t n, used = 0;
  char code[80], amount[MONEY_TEXT_MAX], buf[1 << 16];  /* lines gathered in buf, written a buffer at a time */
  luaL_argcheck(L, stream->closef != NULL && out != NULL, 2, "a closed file");
  f = model_facts(m, lbind_checkset(L, m, 3));
  if (lua_istable(L, 5)) lbind_checkkey(L, f, 5, sel, true);
  else for (id = 0; id < FACTS_MAX_DIMS; id++) sel[id] = HIER_NONE;
  totals = rollup(L, f, 4, sel, NULL);
  h = facts_dim(f, (size_t)lua_tointeger(L, 4));
  n = hier_count(h);
  for (id = 0; id < n; id++) {
    const char *name = hier_member_name(h, id);
    size_t al;
    if (hier_code_spaced(h, id, code, sizeof code) != BUDGET_OK) code[0] = '\0';
    money_format(NULL, totals[id], NULL, amount, sizeof amount, &al);
    if (!put(out, buf, sizeof buf, &used, code, strlen(code)) || !put(out, buf, sizeof buf, &used, "\t", 1) ||
        !put(out, buf, sizeof buf, &used, name, strlen(name)) || !put(out, buf, sizeof buf, &used, "\t", 1) ||
        !put(out, buf, sizeof buf, &used, amount, al) || !put(out, buf, sizeof buf, &used, "\n", 1))
      return luaL_error(L, "cannot write the totals");
  }
  if (fwrite(buf, 1, used, out) != used || fflush(out) != 0) return luaL_error(L, "cannot write the totals");
  lua_pushinteger(L, (lua_Integer)n);
  return 1;
}

/* core:rollup_seconds(set, dim) → how long one pass over every member's total takes (for bench/). [-0, +1, e] */
static int l_rollup_seconds(lua_State *L) {
  model *m = lbind_checkcore(L);
  struct timespec took;
  rollup(L, model_facts(m, lbind_checkset(L, m, 2)), 3, NULL, &took);
  lua_pushnumber(L, (lua_Number)took.tv_sec + (lua_Number)took.tv_nsec / 1e9);
  return 1;
}

#define PREFETCH_MT "budget.prefetch"

typedef struct lprefetch {
  bulk_prefetch *p;
} lprefetch;

static int l_prefetch_gc(lua_State *L) {
  lprefetch *lp = luaL_checkudata(L, 1, PREFETCH_MT);
  bulk_prefetch_free(lp->p);
  lp->p = NULL;
  return 0;
}

/* budget.prefetch_cells(path, nfields) → a handle: the file read on another thread meanwhile. [-0, +1, e] */
static int l_prefetch_cells(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  lua_Integer n = luaL_checkinteger(L, 2);
  lprefetch *lp = lua_newuserdatauv(L, sizeof *lp, 0);
  budget_status rc;
  lp->p = NULL;
  luaL_setmetatable(L, PREFETCH_MT);
  luaL_argcheck(L, n >= 2 && n <= FACTS_MAX_DIMS + 1, 2, "2 to 9 fields");
  rc = bulk_prefetch_start(path, (size_t)n, &lp->p);
  if (rc) return lbind_fail(L, "prefetch", rc);
  return 1;
}

/* core:bulk_prefetched(set, handle) → true, or nil, line, message [-0, +1|3, v] */
static int l_bulk_prefetched(lua_State *L) {
  model *m = lbind_checkmutable(L);
  size_t set = lbind_checkset(L, m, 2);
  lprefetch *lp = luaL_checkudata(L, 3, PREFETCH_MT);
  bulk_error err = {0, ""};
  budget_status rc;
  if (lp->p == NULL) return luaL_error(L, "the prefetched file is gone");
  rc = bulk_cells_prefetched(m, set, lp->p, &err);
  bulk_prefetch_free(lp->p);  /* its memory back as soon as the cells are in */
  lp->p = NULL;
  return bulk_result(L, rc, &err);
}


static const luaL_Reg bulk_methods[] = {
  {"bulk_members", l_bulk_members}, {"bulk_cells", l_bulk_cells}, {"bulk_prefetched", l_bulk_prefetched},
  {"rollup_seconds", l_rollup_seconds}, {NULL, NULL}};

void lbind_open_bulk(lua_State *L) {
  static const luaL_Reg meta[] = {{"__gc", l_prefetch_gc}, {NULL, NULL}};
  lbind_newclass(L, PREFETCH_MT, meta, NULL);
  lbind_addmethods(L, CORE_MT, bulk_methods);
  lua_pushcfunction(L, l_prefetch_cells);
  lua_setfield(L, -2, "prefetch_cells");
  lua_pushcfunction(L, l_write_totals);  /* the module's, not a method: a script that reaches a core cannot print */
  lua_setfield(L, -2, "write_totals");
}
