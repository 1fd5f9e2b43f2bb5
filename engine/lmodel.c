/*
** engine/lmodel.c
** Lua binding of the model core: dimensions, members, fact sets, cells and
** totals, for the engine's own Lua code (engine/lua/model.lua) to build on.
** Members are plain integers (0-based ids); the core userdata owns the model.
** See LICENSE for copyright and license.
*/
#define _POSIX_C_SOURCE 200809L  /* clock_gettime */

#include "lbudget.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bulk.h"
#include "lauxlib.h"
#include "model.h"
#include "scenario.h"

#define OVERLAY_MT "budget.overlay"

typedef struct core {
  model *m;
  bool borrowed;  /* a batch worker's view of the main state's model: not ours to free */
  bool frozen;    /* a scenario reads it, or other threads share it: it may no longer change */
  bool loaded;    /* the loader is done: a base model is read-only, even to a script that reaches it */
} core;

static model *checkcore(lua_State *L) {
  core *c = luaL_checkudata(L, 1, CORE_MT);
  if (c->m == NULL) luaL_error(L, "the model is closed");
  return c->m;
}

/* The model, for a method that changes it: raises once scenarios or threads depend on it. */
static model *checkmutable(lua_State *L) {
  core *c = luaL_checkudata(L, 1, CORE_MT);
  if (c->m == NULL) luaL_error(L, "the model is closed");
  if (c->frozen) luaL_error(L, "the model cannot change once a scenario is made from it");
  if (c->loaded) luaL_error(L, "the model is read-only once loaded: changes go in a scenario (model:scenario(name))");
  return c->m;
}

/* Raises with a status, naming what was attempted. */
static int fail(lua_State *L, const char *what, budget_status rc) {
  return luaL_error(L, "%s: %s", what, status_str(rc));
}

static size_t checkdim(lua_State *L, model *m, int idx) {
  lua_Integer d = luaL_checkinteger(L, idx);
  luaL_argcheck(L, d >= 0 && (size_t)d < model_ndims(m), idx, "no such dimension");
  return (size_t)d;
}

static size_t checkset(lua_State *L, model *m, int idx) {
  lua_Integer f = luaL_checkinteger(L, idx);
  luaL_argcheck(L, f >= 0 && (size_t)f < model_nfacts(m), idx, "no such fact set");
  return (size_t)f;
}

static hier_id checkmember(lua_State *L, const hier *h, int idx) {
  lua_Integer id = luaL_checkinteger(L, idx);
  luaL_argcheck(L, id >= 0 && (size_t)id < hier_count(h), idx, "no such member");
  return (hier_id)id;
}

/* budget.core() → a new empty model core [-0, +1, m] */
static int l_core_new(lua_State *L) {
  core *c = lua_newuserdatauv(L, sizeof *c, 0);
  budget_status rc;
  c->m = NULL;
  c->borrowed = false;
  c->frozen = false;
  c->loaded = false;
  luaL_setmetatable(L, CORE_MT);
  rc = model_new(lbudget_allocator(L), &c->m);
  if (rc) return fail(L, "model", rc);
  return 1;
}

static int l_core_gc(lua_State *L) {
  core *c = luaL_checkudata(L, 1, CORE_MT);
  if (!c->borrowed) model_free(c->m);
  c->m = NULL;
  return 0;
}

/*
** budget.core_borrow(pointer): a core over a model another state owns (a batch
** worker's); the owner keeps it alive and unchanged while this one lives. [-0, +1, m]
*/
static int l_core_borrow(lua_State *L) {
  core *c;
  luaL_checktype(L, 1, LUA_TLIGHTUSERDATA);
  c = lua_newuserdatauv(L, sizeof *c, 0);
  c->m = lua_touserdata(L, 1);
  c->borrowed = true;
  c->frozen = true;
  c->loaded = true;
  luaL_setmetatable(L, CORE_MT);
  return 1;
}

model *lbudget_checkmodel(lua_State *L, int idx) {
  core *c = luaL_checkudata(L, idx, CORE_MT);
  if (c->m == NULL) luaL_error(L, "the model is closed");
  return c->m;
}

/* core:dimension(name) → index; raises if the name is taken. [-0, +1, v] */
static int l_dimension(lua_State *L) {
  model *m = checkmutable(L);
  size_t index;
  budget_status rc = model_add_dim(m, luaL_checkstring(L, 2), &index);
  if (rc == BUDGET_EDUPLICATE) return luaL_error(L, "dimension '%s' is defined twice", lua_tostring(L, 2));
  if (rc) return fail(L, "dimension", rc);
  lua_pushinteger(L, (lua_Integer)index);
  return 1;
}

/* core:member(dim, parent|nil, code|nil, name) → id, or nil and a message. [-0, +1|2, v] */
static int l_member(lua_State *L) {
  model *m = checkmutable(L);
  hier *h = model_dim(m, checkdim(L, m, 2));
  hier_id parent = lua_isnil(L, 3) ? HIER_NONE : checkmember(L, h, 3), id;
  const char *code = luaL_optstring(L, 4, NULL), *name = luaL_checkstring(L, 5);
  budget_status rc = hier_add(h, parent, code, name, &id);
  if (rc == BUDGET_OK) {
    lua_pushinteger(L, (lua_Integer)id);
    return 1;
  }
  lua_pushnil(L);
  if (rc == BUDGET_EDUPLICATE)
    lua_pushfstring(L, "code '%s' is used twice in %s", code, hier_name(h));
  else if (rc == BUDGET_EINVAL && code != NULL && parent != HIER_NONE && *hier_member_code(h, parent))
    lua_pushfstring(L, "'%s %s' in %s: a code of letters and digits that extends its parent's code '%s', and a name without '/'",
                    code, name, hier_name(h), hier_member_code(h, parent));
  else if (rc == BUDGET_EINVAL)
    lua_pushfstring(L, "'%s' in %s: a code of letters and digits and a non-empty name without '/'", name, hier_name(h));
  else if (rc == BUDGET_ESTATE)
    lua_pushfstring(L, "%s is already in use by a fact set: members come before facts", hier_name(h));
  else
    lua_pushstring(L, status_str(rc));
  return 2;
}

/* core:seal(dim) [-0, +0, v] */
static int l_seal(lua_State *L) {
  model *m = checkmutable(L);
  budget_status rc = hier_seal(model_dim(m, checkdim(L, m, 2)));
  if (rc) return fail(L, "seal", rc);
  return 0;
}

/* core:loaded(): the loader is done; from now on nothing may change the model. [-0, +0, v] */
static int l_loaded(lua_State *L) {
  core *c = luaL_checkudata(L, 1, CORE_MT);
  c->loaded = true;
  return 0;
}

/* core:facts(name, {dim...}, grain) → index [-0, +1, v] */
static int l_facts(lua_State *L) {
  model *m = checkmutable(L);
  const char *name = luaL_checkstring(L, 2);
  size_t dims[FACTS_MAX_DIMS], n, i, index;
  money grain = lbudget_checkmoney(L, 4);
  budget_status rc;
  luaL_checktype(L, 3, LUA_TTABLE);
  n = (size_t)luaL_len(L, 3);
  luaL_argcheck(L, n >= 1 && n <= FACTS_MAX_DIMS, 3, "1 to 8 dimensions");
  for (i = 0; i < n; i++) {
    lua_geti(L, 3, (lua_Integer)i + 1);
    dims[i] = checkdim(L, m, -1);
    lua_pop(L, 1);
    hier_seal(model_dim(m, dims[i]));  /* a dimension in use is complete */
  }
  rc = model_add_facts(m, name, dims, n, grain, &index);
  if (rc == BUDGET_EDUPLICATE) return luaL_error(L, "fact set '%s' is defined twice", name);
  if (rc) return fail(L, "fact set", rc);
  lua_pushinteger(L, (lua_Integer)index);
  return 1;
}

/* Reads the key table at idx (member ids, one per dimension of f). */
static void checkkey(lua_State *L, const facts *f, int idx, hier_id *key, bool allow_none) {
  size_t d, nd = facts_ndims(f);
  luaL_checktype(L, idx, LUA_TTABLE);
  for (d = 0; d < nd; d++) {
    lua_geti(L, idx, (lua_Integer)d + 1);
    if (allow_none && lua_isnil(L, -1)) key[d] = HIER_NONE;
    else {
      lua_Integer id = luaL_checkinteger(L, -1);
      luaL_argcheck(L, id >= 0 && (size_t)id < hier_count(facts_dim(f, d)), idx, "no such member");
      key[d] = (hier_id)id;
    }
    lua_pop(L, 1);
  }
}

/* core:put(set, {ids}, amount [, add]) → cell, or nil and a status name. [-0, +1|2, v] */
static int l_put(lua_State *L) {
  model *m = checkmutable(L);
  facts *f = model_facts(m, checkset(L, m, 2));
  hier_id key[FACTS_MAX_DIMS];
  money amount;
  size_t cell;
  budget_status rc;
  checkkey(L, f, 3, key, false);
  amount = lbudget_checkmoney(L, 4);
  rc = lua_toboolean(L, 5) ? facts_add(f, key, amount, &cell) : facts_put(f, key, amount, &cell);
  if (rc == BUDGET_OK) {
    lua_pushinteger(L, (lua_Integer)cell);
    return 1;
  }
  lua_pushnil(L);
  lua_pushstring(L, rc == BUDGET_ENOTLEAF ? "notleaf" : rc == BUDGET_EDUPLICATE ? "duplicate"
                    : rc == BUDGET_EGRAIN ? "grain" : status_str(rc));
  return 2;
}

/* core:find(ref [, dim]) → dim, id; or nil and the message. [-0, +2, v] */
static int l_find(lua_State *L) {
  model *m = checkcore(L);
  size_t len, dim, only = lua_isnoneornil(L, 3) ? (size_t)-1 : checkdim(L, m, 3);
  const char *ref = luaL_checklstring(L, 2, &len);
  hier_id id;
  char msg[1024];
  budget_status rc = model_find(m, ref, len, only, &dim, &id, msg, sizeof msg);
  if (rc) {
    lua_pushnil(L);
    lua_pushstring(L, msg);
    return 2;
  }
  lua_pushinteger(L, (lua_Integer)dim);
  lua_pushinteger(L, (lua_Integer)id);
  return 2;
}

/* core:info(dim, id) → {name=, code=, spaced=, parent=, depth=, leaf=} [-0, +1, m] */
static int l_info(lua_State *L) {
  model *m = checkcore(L);
  const hier *h = model_dim(m, checkdim(L, m, 2));
  hier_id id = checkmember(L, h, 3), p = hier_parent(h, id);
  char code[80];
  lua_createtable(L, 0, 6);
  lua_pushstring(L, hier_member_name(h, id));
  lua_setfield(L, -2, "name");
  lua_pushstring(L, hier_member_code(h, id));
  lua_setfield(L, -2, "code");
  if (hier_code_spaced(h, id, code, sizeof code) != BUDGET_OK) code[0] = '\0';
  lua_pushstring(L, code);
  lua_setfield(L, -2, "spaced");
  if (p != HIER_NONE) {
    lua_pushinteger(L, (lua_Integer)p);
    lua_setfield(L, -2, "parent");
  }
  lua_pushinteger(L, (lua_Integer)hier_depth(h, id));
  lua_setfield(L, -2, "depth");
  lua_pushboolean(L, hier_is_leaf(h, id));
  lua_setfield(L, -2, "leaf");
  return 1;
}

/* core:members(dim) → {ids in preorder} [-0, +1, m] */
static int l_members(lua_State *L) {
  model *m = checkcore(L);
  hier *h = model_dim(m, checkdim(L, m, 2));
  size_t n = hier_count(h);
  hier_id id;
  hier_seal(h);
  lua_createtable(L, (int)n, 0);
  for (id = 0; id < n; id++) {
    lua_pushinteger(L, (lua_Integer)id);
    lua_seti(L, -2, (lua_Integer)hier_pre(h, id) + 1);
  }
  return 1;
}

/* core:dim_index(name), core:facts_index(name) → index, or nil [-0, +1, v] */
static int l_dim_index(lua_State *L) {
  size_t i;
  if (model_dim_index(checkcore(L), luaL_checkstring(L, 2), &i) != BUDGET_OK) return 0;
  lua_pushinteger(L, (lua_Integer)i);
  return 1;
}

static int l_facts_index(lua_State *L) {
  size_t i;
  if (model_facts_index(checkcore(L), luaL_checkstring(L, 2), &i) != BUDGET_OK) return 0;
  lua_pushinteger(L, (lua_Integer)i);
  return 1;
}

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
  model *m = checkmutable(L);
  size_t dim = checkdim(L, m, 2), len;
  const char *text = luaL_checklstring(L, 3, &len);
  bulk_error err = {0, ""};
  if (lua_toboolean(L, 4)) return bulk_result(L, bulk_members_file(m, dim, text, &err), &err);
  return bulk_result(L, bulk_members(m, dim, text, len, &err), &err);
}

static int l_bulk_cells(lua_State *L) {
  model *m = checkmutable(L);
  size_t set = checkset(L, m, 2), len;
  const char *text = luaL_checklstring(L, 3, &len);
  bulk_error err = {0, ""};
  if (lua_toboolean(L, 4)) return bulk_result(L, bulk_cells_file(m, set, text, &err), &err);
  return bulk_result(L, bulk_cells(m, set, text, len, &err), &err);
}

/*
** core:write_totals(set, dim [, sel]) → count: every member of dimension 'dim' of the
** fact set with its total (in one rollup pass), a line each, 'code<TAB>name<TAB>total', to
** stdout through C's buffered stdio: the report of every account's total. [-0, +1, e]
*/
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
  if (rc) fail(L, "totals", rc);
  if (took) took->tv_sec = b.tv_sec - a.tv_sec, took->tv_nsec = b.tv_nsec - a.tv_nsec;
  return totals;
}

/* Appends text to buf (flushing it to stdout when full; a text bigger than buf goes straight out). */
static bool put(char *buf, size_t size, size_t *used, const char *text, size_t len) {
  if (*used + len > size) {
    if (fwrite(buf, 1, *used, stdout) != *used) return false;
    *used = 0;
  }
  if (len > size) return fwrite(text, 1, len, stdout) == len;
  memcpy(buf + *used, text, len);
  *used += len;
  return true;
}

static int l_write_totals(lua_State *L) {
  model *m = checkcore(L);
  const facts *f = model_facts(m, checkset(L, m, 2));
  const hier *h;
  hier_id sel[FACTS_MAX_DIMS], id;
  const money *totals;
  size_t n, used = 0;
  char code[80], amount[MONEY_TEXT_MAX], buf[1 << 16];  /* lines gathered in buf, written a buffer at a time */
  if (lua_istable(L, 4)) checkkey(L, f, 4, sel, true);
  else for (id = 0; id < FACTS_MAX_DIMS; id++) sel[id] = HIER_NONE;
  totals = rollup(L, f, 3, sel, NULL);
  h = facts_dim(f, (size_t)lua_tointeger(L, 3));
  n = hier_count(h);
  for (id = 0; id < n; id++) {
    const char *name = hier_member_name(h, id);
    size_t al;
    if (hier_code_spaced(h, id, code, sizeof code) != BUDGET_OK) code[0] = '\0';
    money_format(NULL, totals[id], NULL, amount, sizeof amount, &al);
    if (!put(buf, sizeof buf, &used, code, strlen(code)) || !put(buf, sizeof buf, &used, "\t", 1) ||
        !put(buf, sizeof buf, &used, name, strlen(name)) || !put(buf, sizeof buf, &used, "\t", 1) ||
        !put(buf, sizeof buf, &used, amount, al) || !put(buf, sizeof buf, &used, "\n", 1))
      return luaL_error(L, "cannot write the totals");
  }
  if (fwrite(buf, 1, used, stdout) != used || fflush(stdout) != 0) return luaL_error(L, "cannot write the totals");
  lua_pushinteger(L, (lua_Integer)n);
  return 1;
}

/* core:rollup_seconds(set, dim) → how long one pass over every member's total takes (for bench/). [-0, +1, e] */
static int l_rollup_seconds(lua_State *L) {
  model *m = checkcore(L);
  struct timespec took;
  rollup(L, model_facts(m, checkset(L, m, 2)), 3, NULL, &took);
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
  if (rc) return fail(L, "prefetch", rc);
  return 1;
}

/* core:bulk_prefetched(set, handle) → true, or nil, line, message [-0, +1|3, v] */
static int l_bulk_prefetched(lua_State *L) {
  model *m = checkmutable(L);
  size_t set = checkset(L, m, 2);
  lprefetch *lp = luaL_checkudata(L, 3, PREFETCH_MT);
  bulk_error err = {0, ""};
  budget_status rc;
  if (lp->p == NULL) return luaL_error(L, "the prefetched file is gone");
  rc = bulk_cells_prefetched(m, set, lp->p, &err);
  bulk_prefetch_free(lp->p);  /* its memory back as soon as the cells are in */
  lp->p = NULL;
  return bulk_result(L, rc, &err);
}

/* core:pointer() → the model as a light userdata, for budget.core_borrow in another state [-0, +1, v] */
static int l_pointer(lua_State *L) {
  lua_pushlightuserdata(L, checkcore(L));
  return 1;
}

/* core:count(set) → cells in the fact set [-0, +1, v] */
static int l_count(lua_State *L) {
  model *m = checkcore(L);
  lua_pushinteger(L, (lua_Integer)facts_count(model_facts(m, checkset(L, m, 2))));
  return 1;
}

/* core:prepare(): makes every lookup index now rather than on first use [-0, +0, v] */
static int l_prepare(lua_State *L) {
  model_prepare(checkcore(L));
  return 0;
}

/* core:bytes() → the bytes the model's dimensions and fact sets hold [-0, +1, v] */
static int l_bytes(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)model_bytes(checkcore(L)));
  return 1;
}

/* core:dim_info(dim) → name, member count [-0, +2, v] */
static int l_dim_info(lua_State *L) {
  model *m = checkcore(L);
  const hier *h = model_dim(m, checkdim(L, m, 2));
  lua_pushstring(L, hier_name(h));
  lua_pushinteger(L, (lua_Integer)hier_count(h));
  return 2;
}

/* core:within(dim, id, ancestor) → boolean [-0, +1, v] */
static int l_within(lua_State *L) {
  model *m = checkcore(L);
  hier *h = model_dim(m, checkdim(L, m, 2));
  hier_seal(h);
  lua_pushboolean(L, hier_within(h, checkmember(L, h, 3), checkmember(L, h, 4)));
  return 1;
}

/* core:total(set, {id|nil per dim}) → money [-0, +1, v] */
static int l_total(lua_State *L) {
  model *m = checkcore(L);
  const facts *f = model_facts(m, checkset(L, m, 2));
  hier_id sel[FACTS_MAX_DIMS];
  money total;
  budget_status rc;
  checkkey(L, f, 3, sel, true);
  rc = facts_total(f, sel, &total);
  if (rc) return fail(L, "total", rc);
  lbudget_pushmoney(L, total);
  return 1;
}

/* Pushes {{ids..., amount}, ...}: the cells of f below zero in scenario s (the base's, when s is NULL). [-0, +1, m] */
static void push_negatives(lua_State *L, const facts *f, const scenario *s, size_t set) {
  size_t c, d, n = facts_count(f), nd = facts_ndims(f);
  lua_Integer k = 0;
  lua_newtable(L);
  for (c = 0; c < n; c++) {
    money amount = s ? scenario_amount(s, set, c) : facts_amount(f, c);
    if (amount >= 0) continue;
    lua_createtable(L, (int)nd + 1, 0);
    for (d = 0; d < nd; d++) {
      lua_pushinteger(L, (lua_Integer)facts_key(f, c, d));
      lua_seti(L, -2, (lua_Integer)d + 1);
    }
    lbudget_pushmoney(L, amount);
    lua_seti(L, -2, (lua_Integer)nd + 1);
    lua_seti(L, -2, ++k);
  }
}

/* core:negatives(set) → the cells below zero [-0, +1, m] */
static int l_negatives(lua_State *L) {
  model *m = checkcore(L);
  const facts *f = model_facts(m, checkset(L, m, 2));
  push_negatives(L, f, NULL, 0);
  return 1;
}

/* core:cells(set) → {{ids..., amount}, ...} in cell order [-0, +1, m] */
static int l_cells(lua_State *L) {
  model *m = checkcore(L);
  const facts *f = model_facts(m, checkset(L, m, 2));
  size_t c, d, n = facts_count(f), nd = facts_ndims(f);
  lua_createtable(L, (int)n, 0);
  for (c = 0; c < n; c++) {
    lua_createtable(L, (int)nd + 1, 0);
    for (d = 0; d < nd; d++) {
      lua_pushinteger(L, (lua_Integer)facts_key(f, c, d));
      lua_seti(L, -2, (lua_Integer)d + 1);
    }
    lbudget_pushmoney(L, facts_amount(f, c));
    lua_seti(L, -2, (lua_Integer)nd + 1);
    lua_seti(L, -2, (lua_Integer)c + 1);
  }
  return 1;
}

/* {==================================================================
** Scenario overlays: core:scenario() → overlay; the overlay keeps its core
** alive through its user value, so the base cannot be freed under it.
** Operations return true, or nil and a status name for the Lua side to word.
** =================================================================== */

typedef struct overlay {
  scenario *s;
} overlay;

static scenario *checkoverlay(lua_State *L) {
  overlay *o = luaL_checkudata(L, 1, OVERLAY_MT);
  if (o->s == NULL) luaL_error(L, "the scenario is closed");
  return o->s;
}

static int l_overlay_gc(lua_State *L) {
  overlay *o = luaL_checkudata(L, 1, OVERLAY_MT);
  scenario_free(o->s);
  o->s = NULL;
  return 0;
}

static const char *status_name(budget_status rc) {
  switch (rc) {
    case BUDGET_EZEROWEIGHTS: return "nothing";
    case BUDGET_EGRAIN: return "grain";
    case BUDGET_EOVERFLOW: return "overflow";
    default: return status_str(rc);  /* ENOMEM too: "out of memory", the words a user is told */
  }
}

/* Pushes true, or nil and the status name. [-0, +1|2, m] */
static int result(lua_State *L, budget_status rc) {
  if (rc == BUDGET_OK) {
    lua_pushboolean(L, 1);
    return 1;
  }
  lua_pushnil(L);
  lua_pushstring(L, status_name(rc));
  return 2;
}

/* Pushes a new overlay userdata for 'sc', whose user value is the core at 'core_idx'. */
static int pushoverlay(lua_State *L, scenario *sc, int core_idx) {
  overlay *o = lua_newuserdatauv(L, sizeof *o, 1);
  o->s = sc;
  luaL_setmetatable(L, OVERLAY_MT);
  lua_pushvalue(L, core_idx);
  lua_setiuservalue(L, -2, 1);
  return 1;
}

/* core:scenario() → a new empty overlay on this model [-0, +1, m] */
static int l_scenario(lua_State *L) {
  model *m = checkcore(L);
  scenario *sc;
  budget_status rc = scenario_new(lbudget_allocator(L), m, &sc);
  ((core *)lua_touserdata(L, 1))->frozen = true;  /* its overlay reads the cells as they are now */
  if (rc) return fail(L, "scenario", rc);
  return pushoverlay(L, sc, 1);
}

/* overlay:copy() → a new overlay with the same amounts and holds [-0, +1, m] */
static int l_ov_copy(lua_State *L) {
  scenario *s = checkoverlay(L), *c;
  budget_status rc = scenario_copy(s, &c);
  if (rc) return fail(L, "scenario", rc);
  lua_getiuservalue(L, 1, 1);
  pushoverlay(L, c, lua_gettop(L));
  return 1;
}

static const facts *ov_set(lua_State *L, scenario *s, int idx, size_t *set) {
  const model *m = scenario_base(s);
  lua_Integer f = luaL_checkinteger(L, idx);
  luaL_argcheck(L, f >= 0 && (size_t)f < model_nfacts(m), idx, "no such fact set");
  *set = (size_t)f;
  return model_facts(m, *set);
}

/* overlay:total(set, sel) → money [-0, +1, v] */
static int l_ov_total(lua_State *L) {
  scenario *s = checkoverlay(L);
  size_t set;
  const facts *f = ov_set(L, s, 2, &set);
  hier_id sel[FACTS_MAX_DIMS];
  money total;
  budget_status rc;
  checkkey(L, f, 3, sel, true);
  rc = scenario_total(s, set, sel, &total);
  if (rc) return fail(L, "total", rc);
  lbudget_pushmoney(L, total);
  return 1;
}

/* overlay:add(set, sel, delta) → true | nil, status [-0, +1|2, v] */
static int l_ov_add(lua_State *L) {
  scenario *s = checkoverlay(L);
  size_t set;
  const facts *f = ov_set(L, s, 2, &set);
  hier_id sel[FACTS_MAX_DIMS];
  checkkey(L, f, 3, sel, true);
  return result(L, scenario_add(s, set, sel, lbudget_checkmoney(L, 4)));
}

/* overlay:set(set, sel, value) → delta | nil, status [-0, +1|2, v] */
static int l_ov_set(lua_State *L) {
  scenario *s = checkoverlay(L);
  size_t set;
  const facts *f = ov_set(L, s, 2, &set);
  hier_id sel[FACTS_MAX_DIMS];
  money delta;
  budget_status rc;
  checkkey(L, f, 3, sel, true);
  rc = scenario_set(s, set, sel, lbudget_checkmoney(L, 4), &delta);
  if (rc) return result(L, rc);
  lbudget_pushmoney(L, delta);
  return 1;
}

static const char *const round_modes[] = {"half_away", "half_even", "trunc", "floor", "ceil", NULL};

/* overlay:scale(set, sel, factor [, mode]) → delta | nil, status [-0, +1|2, v] */
static int l_ov_scale(lua_State *L) {
  scenario *s = checkoverlay(L);
  size_t set;
  const facts *f = ov_set(L, s, 2, &set);
  hier_id sel[FACTS_MAX_DIMS];
  money_ctx ctx = {MONEY_ROUND_HALF_AWAY, 0};
  money delta;
  rate factor;
  budget_status rc;
  checkkey(L, f, 3, sel, true);
  factor = lbudget_checkrate(L, 4);
  if (!lua_isnoneornil(L, 5)) ctx.round = (money_round)luaL_checkoption(L, 5, NULL, round_modes);
  rc = scenario_scale(s, &ctx, set, sel, factor, &delta);
  if (rc) return result(L, rc);
  lbudget_pushmoney(L, delta);
  return 1;
}

/* overlay:transfer(from_set, from_sel, to_set, to_sel, amount) → true | nil, status [-0, +1|2, v] */
static int l_ov_transfer(lua_State *L) {
  scenario *s = checkoverlay(L);
  size_t fs, ts;
  const facts *ff = ov_set(L, s, 2, &fs), *tf = ov_set(L, s, 4, &ts);
  hier_id from[FACTS_MAX_DIMS], to[FACTS_MAX_DIMS];
  checkkey(L, ff, 3, from, true);
  checkkey(L, tf, 5, to, true);
  return result(L, scenario_transfer(s, fs, from, ts, to, lbudget_checkmoney(L, 6)));
}

/* overlay:hold(set, sel, held) → count [-0, +1, v] */
static int l_ov_hold(lua_State *L) {
  scenario *s = checkoverlay(L);
  size_t set, count;
  const facts *f = ov_set(L, s, 2, &set);
  hier_id sel[FACTS_MAX_DIMS];
  budget_status rc;
  checkkey(L, f, 3, sel, true);
  rc = scenario_hold(s, set, sel, lua_toboolean(L, 4), &count);
  if (rc) return fail(L, "hold", rc);
  lua_pushinteger(L, (lua_Integer)count);
  return 1;
}

/* overlay:put(set, cell, value, held) → true | nil, status: one cell as it is in another scenario [-0, +1|2, v] */
static int l_ov_put(lua_State *L) {
  scenario *s = checkoverlay(L);
  size_t set;
  const facts *f = ov_set(L, s, 2, &set);
  lua_Integer cell = luaL_checkinteger(L, 3);
  luaL_argcheck(L, cell >= 0 && (size_t)cell < facts_count(f), 3, "no such cell");
  return result(L, scenario_put(s, set, (size_t)cell, lbudget_checkmoney(L, 4), lua_toboolean(L, 5)));
}

/* overlay:cells(set) → {{ids..., amount, changed, held}, ...} in cell order [-0, +1, m] */
static int l_ov_cells(lua_State *L) {
  scenario *s = checkoverlay(L);
  size_t set, c, d;
  const facts *f = ov_set(L, s, 2, &set);
  size_t n = facts_count(f), nd = facts_ndims(f);
  bool only_changed = lua_toboolean(L, 3);
  lua_Integer k = 0;
  lua_createtable(L, only_changed ? 0 : (int)n, 0);
  for (c = 0; c < n; c++) {
    if (only_changed && !scenario_changed(s, set, c)) continue;
    lua_createtable(L, (int)nd + 1, 3);
    for (d = 0; d < nd; d++) {
      lua_pushinteger(L, (lua_Integer)facts_key(f, c, d));
      lua_seti(L, -2, (lua_Integer)d + 1);
    }
    lbudget_pushmoney(L, scenario_amount(s, set, c));
    lua_seti(L, -2, (lua_Integer)nd + 1);
    lbudget_pushmoney(L, facts_amount(f, c));
    lua_setfield(L, -2, "base");
    lua_pushboolean(L, scenario_held(s, set, c));
    lua_setfield(L, -2, "held");
    lua_pushinteger(L, (lua_Integer)c);
    lua_setfield(L, -2, "cell");
    lua_seti(L, -2, ++k);
  }
  return 1;
}

/* overlay:any_negative() → is any cell of any fact set below zero? [-0, +1, -] */
static int l_ov_any_negative(lua_State *L) {
  lua_pushboolean(L, scenario_any_negative(checkoverlay(L)));
  return 1;
}

/* overlay:negatives(set) → the cells below zero in the scenario [-0, +1, m] */
static int l_ov_negatives(lua_State *L) {
  scenario *s = checkoverlay(L);
  size_t set;
  const facts *f = ov_set(L, s, 2, &set);
  push_negatives(L, f, s, set);
  return 1;
}

/* {==================================================================
** Check plans: rules compiled to linear checks, evaluated in one call
** =================================================================== */

#define PLAN_MT "budget.plan"

typedef struct plan {
  size_t n, nterms;
  scenario_check *checks;  /* these point into the same userdata, after the header */
  scenario_term *terms;
  money *base_totals;      /* each term's total in the base, computed on first use */
  const model *base;       /* the base they were computed for */
  unsigned char *failed;
} plan;

/* Reads one side {{set, {ids}, coef}, ...} of a check into terms[*at ..]. */
static size_t read_terms(lua_State *L, int idx, scenario_term *terms, size_t *at) {
  size_t i, n = (size_t)luaL_len(L, idx), first = *at, d;
  for (i = 0; i < n; i++) {
    scenario_term *t = &terms[(*at)++];
    lua_geti(L, idx, (lua_Integer)i + 1);
    lua_geti(L, -1, 1);
    t->set = (size_t)luaL_checkinteger(L, -1);
    lua_geti(L, -2, 2);
    for (d = 0; d < FACTS_MAX_DIMS; d++) {
      lua_geti(L, -1, (lua_Integer)d + 1);
      t->sel[d] = lua_isnil(L, -1) ? HIER_NONE : (hier_id)luaL_checkinteger(L, -1);
      lua_pop(L, 1);
    }
    lua_geti(L, -3, 3);
    t->coef = (int)luaL_checkinteger(L, -1) < 0 ? -1 : 1;
    lua_pop(L, 4);
  }
  return first;
}

static size_t count_terms(lua_State *L, int list) {
  size_t i, n = (size_t)luaL_len(L, list), total = 0;
  for (i = 0; i < n; i++) {
    lua_geti(L, list, (lua_Integer)i + 1);
    lua_getfield(L, -1, "left");
    total += (size_t)luaL_len(L, -1);
    lua_getfield(L, -2, "right");
    total += (size_t)luaL_len(L, -1);
    lua_pop(L, 3);
  }
  return total;
}

/*
** budget.plan{{op = "eq"|"le"|"ge", grain = money|nil, left = {terms}, right = {terms},
** lconst = money, rconst = money}, ...} → a plan for overlay:failing(plan). [-0, +1, e]
*/
static int l_plan(lua_State *L) {
  static const char *const ops[] = {"eq", "le", "ge", NULL};
  size_t n, nterms, i, at = 0, bytes;
  plan *p;
  luaL_checktype(L, 1, LUA_TTABLE);
  n = (size_t)luaL_len(L, 1);
  nterms = count_terms(L, 1);
  bytes = sizeof *p + n * sizeof *p->checks + nterms * sizeof *p->terms + nterms * sizeof *p->base_totals + n + 1;
  p = lua_newuserdatauv(L, bytes, 0);
  p->n = n;
  p->nterms = nterms;
  p->checks = (scenario_check *)(void *)(p + 1);
  p->terms = (scenario_term *)(void *)(p->checks + n);
  p->base_totals = (money *)(void *)(p->terms + nterms);
  p->base = NULL;
  p->failed = (unsigned char *)(p->base_totals + nterms);
  luaL_setmetatable(L, PLAN_MT);
  for (i = 0; i < n; i++) {
    scenario_check *c = &p->checks[i];
    lua_geti(L, 1, (lua_Integer)i + 1);
    lua_getfield(L, -1, "op");
    c->op = (scenario_op)luaL_checkoption(L, -1, NULL, ops);
    lua_getfield(L, -2, "grain");
    c->grain = lua_isnil(L, -1) ? 0 : lbudget_checkmoney(L, -1);
    lua_getfield(L, -3, "lconst");
    c->lconst = lua_isnil(L, -1) ? 0 : lbudget_checkmoney(L, -1);
    lua_getfield(L, -4, "rconst");
    c->rconst = lua_isnil(L, -1) ? 0 : lbudget_checkmoney(L, -1);
    lua_getfield(L, -5, "left");
    c->lcount = (size_t)luaL_len(L, -1);
    c->lfirst = read_terms(L, lua_gettop(L), p->terms, &at);
    lua_getfield(L, -6, "right");
    c->rcount = (size_t)luaL_len(L, -1);
    c->rfirst = read_terms(L, lua_gettop(L), p->terms, &at);
    lua_pop(L, 7);
  }
  return 1;
}

/* overlay:failing(plan) → {[index] = true for each check that does not hold} [-0, +1, e] */
static int l_ov_failing(lua_State *L) {
  scenario *s = checkoverlay(L);
  plan *p = luaL_checkudata(L, 2, PLAN_MT);
  size_t i;
  budget_status rc;
  if (p->base != scenario_base(s)) {
    rc = scenario_base_totals(scenario_base(s), p->terms, p->nterms, p->base_totals);
    if (rc) return fail(L, "check", rc);
    p->base = scenario_base(s);
  }
  rc = scenario_check_all(s, p->checks, p->n, p->terms, p->nterms, p->base_totals, p->failed);
  if (rc) return fail(L, "check", rc);
  lua_newtable(L);
  for (i = 0; i < p->n; i++)
    if (p->failed[i]) {
      lua_pushboolean(L, 1);
      lua_seti(L, -2, (lua_Integer)i + 1);
    }
  return 1;
}

/* }================================================================== */

static const luaL_Reg overlay_methods[] = {
  {"copy", l_ov_copy}, {"total", l_ov_total}, {"add", l_ov_add},   {"set", l_ov_set},     {"scale", l_ov_scale},
  {"transfer", l_ov_transfer}, {"hold", l_ov_hold}, {"put", l_ov_put}, {"cells", l_ov_cells}, {"negatives", l_ov_negatives},
  {"failing", l_ov_failing}, {"any_negative", l_ov_any_negative}, {NULL, NULL}};

/* }================================================================== */

static const luaL_Reg core_methods[] = {
  {"dimension", l_dimension}, {"member", l_member}, {"seal", l_seal},   {"facts", l_facts},
  {"put", l_put},             {"find", l_find},     {"info", l_info},   {"members", l_members},
  {"dim_info", l_dim_info},   {"within", l_within}, {"total", l_total}, {"cells", l_cells},
  {"scenario", l_scenario},   {"negatives", l_negatives}, {"dim_index", l_dim_index}, {"facts_index", l_facts_index}, {"count", l_count}, {"bytes", l_bytes}, {"prepare", l_prepare},
  {"pointer", l_pointer}, {"bulk_members", l_bulk_members}, {"bulk_cells", l_bulk_cells}, {"loaded", l_loaded},
  {"write_totals", l_write_totals}, {"rollup_seconds", l_rollup_seconds}, {"bulk_prefetched", l_bulk_prefetched},
  {NULL, NULL}};

void lbudget_open_core(lua_State *L) {
  if (luaL_newmetatable(L, CORE_MT)) {
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pushcfunction(L, l_core_gc);
    lua_setfield(L, -2, "__gc");
    luaL_newlib(L, core_methods);
    lua_setfield(L, -2, "__index");
  }
  lua_pop(L, 1);
  luaL_newmetatable(L, PLAN_MT);
  lua_pop(L, 1);
  lua_pushcfunction(L, l_plan);
  lua_setfield(L, -2, "plan");
  if (luaL_newmetatable(L, OVERLAY_MT)) {
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pushcfunction(L, l_overlay_gc);
    lua_setfield(L, -2, "__gc");
    luaL_newlib(L, overlay_methods);
    lua_setfield(L, -2, "__index");
  }
  lua_pop(L, 1);
  lua_pushcfunction(L, l_core_new);
  lua_setfield(L, -2, "core");
  lua_pushcfunction(L, l_core_borrow);
  lua_setfield(L, -2, "core_borrow");
  if (luaL_newmetatable(L, PREFETCH_MT)) {
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pushcfunction(L, l_prefetch_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_pop(L, 1);
  lua_pushcfunction(L, l_prefetch_cells);
  lua_setfield(L, -2, "prefetch_cells");
}
