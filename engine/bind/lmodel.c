/*
** engine/bind/lmodel.c
** Lua binding of the model core: dimensions, members, fact sets, cells and
** totals, for the engine's own Lua code (engine/lua/model.lua) to build on.
** Members are plain integers (0-based ids); the core userdata owns the model.
** See LICENSE for copyright and license.
*/
#define _POSIX_C_SOURCE 200809L  /* clock_gettime */

#include "lbind.h"

#include "host/guard.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/bulk.h"
#include "lauxlib.h"
#include "core/model.h"
#include "core/scenario.h"


typedef struct core {
  model *m;
  bool borrowed;  /* a batch worker's view of the main state's model: not ours to free */
  bool frozen;    /* a scenario reads it, or other threads share it: it may no longer change */
  bool loaded;    /* the loader is done: a base model is read-only, even to a script that reaches it */
} core;

model *lbind_checkcore(lua_State *L) {
  return lbind_checkmodel(L, 1);
}

/* The model, for a method that changes it: raises once scenarios or threads depend on it. */
model *lbind_checkmutable(lua_State *L) {
  core *c = luaL_checkudata(L, 1, CORE_MT);
  if (c->m == NULL) luaL_error(L, "the model is closed");
  if (c->loaded) luaL_error(L, "the model is read-only once loaded: changes go in a scenario (model:scenario(name))");
  if (c->frozen) luaL_error(L, "the model cannot change once a scenario is made from it");
  return c->m;
}


size_t lbind_checkdim(lua_State *L, const model *m, int idx) {
  lua_Integer d = luaL_checkinteger(L, idx);
  luaL_argcheck(L, d >= 0 && (size_t)d < model_ndims(m), idx, "no such dimension");
  return (size_t)d;
}

size_t lbind_checkset(lua_State *L, const model *m, int idx) {
  lua_Integer f = luaL_checkinteger(L, idx);
  luaL_argcheck(L, f >= 0 && (size_t)f < model_nfacts(m), idx, "no such fact set");
  return (size_t)f;
}

hier_id lbind_checkmember(lua_State *L, const hier *h, int idx) {
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
  rc = model_new(guard_allocator(L), &c->m);
  if (rc) return lbind_fail(L, "model", rc);
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

void lbind_freeze(lua_State *L, int idx) {
  ((core *)luaL_checkudata(L, idx, CORE_MT))->frozen = true;
}

model *lbind_checkmodel(lua_State *L, int idx) {
  core *c = luaL_checkudata(L, idx, CORE_MT);
  if (c->m == NULL) luaL_error(L, "the model is closed");
  return c->m;
}

/* core:dimension(name) → index; raises if the name is taken. [-0, +1, v] */
static int l_dimension(lua_State *L) {
  model *m = lbind_checkmutable(L);
  size_t index;
  budget_status rc = model_add_dim(m, luaL_checkstring(L, 2), &index);
  if (rc == BUDGET_EDUPLICATE) return luaL_error(L, "dimension '%s' is defined twice", lua_tostring(L, 2));
  if (rc) return lbind_fail(L, "dimension", rc);
  lua_pushinteger(L, (lua_Integer)index);
  return 1;
}

/* core:member(dim, parent|nil, code|nil, name) → id, or nil and a message. [-0, +1|2, v] */
static int l_member(lua_State *L) {
  model *m = lbind_checkmutable(L);
  hier *h = model_dim(m, lbind_checkdim(L, m, 2));
  hier_id parent = lua_isnil(L, 3) ? HIER_NONE : lbind_checkmember(L, h, 3), id;
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
  model *m = lbind_checkmutable(L);
  budget_status rc = hier_seal(model_dim(m, lbind_checkdim(L, m, 2)));
  if (rc) return lbind_fail(L, "seal", rc);
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
  model *m = lbind_checkmutable(L);
  const char *name = luaL_checkstring(L, 2);
  size_t dims[FACTS_MAX_DIMS], n, i, index;
  money grain = lbind_checkmoney(L, 4);
  budget_status rc;
  luaL_checktype(L, 3, LUA_TTABLE);
  n = (size_t)luaL_len(L, 3);
  luaL_argcheck(L, n >= 1 && n <= FACTS_MAX_DIMS, 3, "1 to 8 dimensions");
  for (i = 0; i < n; i++) {
    lua_geti(L, 3, (lua_Integer)i + 1);
    dims[i] = lbind_checkdim(L, m, -1);
    lua_pop(L, 1);
    hier_seal(model_dim(m, dims[i]));  /* a dimension in use is complete */
  }
  rc = model_add_facts(m, name, dims, n, grain, &index);
  if (rc == BUDGET_EDUPLICATE) return luaL_error(L, "fact set '%s' is defined twice", name);
  if (rc) return lbind_fail(L, "fact set", rc);
  lua_pushinteger(L, (lua_Integer)index);
  return 1;
}

/* core:link(kind, set_a, sel_a, set_b, sel_b) → index; or nil and why ("cycle", "grain", ...): two
** selections that describe the same money (model.h). kind is "equal" or "part" (a within b). [-0, +1|2, v] */
static int l_link(lua_State *L) {
  static const char *const kinds[] = {"equal", "part", NULL};
  model *m = lbind_checkmutable(L);
  model_link l;
  size_t index;
  budget_status rc;
  memset(&l, 0, sizeof l);
  l.kind = luaL_checkoption(L, 2, NULL, kinds) == 0 ? MODEL_LINK_EQUAL : MODEL_LINK_PART;
  l.set[0] = lbind_checkset(L, m, 3);
  lbind_checkkey(L, model_facts(m, l.set[0]), 4, l.sel[0], true);
  l.set[1] = lbind_checkset(L, m, 5);
  lbind_checkkey(L, model_facts(m, l.set[1]), 6, l.sel[1], true);
  rc = model_add_link(m, &l, &index);
  if (rc == BUDGET_OK) {
    lua_pushinteger(L, (lua_Integer)index);
    return 1;
  }
  lua_pushnil(L);
  if (rc != BUDGET_EINVAL) lua_pushstring(L, status_str(rc));
  else if (l.set[0] == l.set[1]) lua_pushstring(L, "both sides are in one fact set");
  else if (model_nlinks(m) == MODEL_MAX_LINKS) lua_pushstring(L, "too many links (64 at most)");
  else if (model_link_overlaps(m, &l))
    lua_pushstring(L, "a link between the same two fact sets already takes some of these cells: the two would pull "
                      "them two ways");
  else if (model_linked(m, l.set[0], l.set[1]))
    lua_pushstring(L, "the two fact sets are already joined through others: a change would have two ways to go");
  else lua_pushstring(L, "the two fact sets' grains do not divide one another");
  return 2;
}

/* core:intersect(set, sel_a, sel_b) → the selection of the cells both select ({id|nil per dim}), or nil when
** they share none (facts_intersect). [-0, +1, m] */
static int l_intersect(lua_State *L) {
  model *m = lbind_checkcore(L);
  const facts *f = model_facts(m, lbind_checkset(L, m, 2));
  hier_id a[FACTS_MAX_DIMS], b[FACTS_MAX_DIMS], both[FACTS_MAX_DIMS];
  size_t d;
  lbind_checkkey(L, f, 3, a, true);
  lbind_checkkey(L, f, 4, b, true);
  if (!facts_intersect(f, a, b, both)) {
    lua_pushnil(L);
    return 1;
  }
  lua_createtable(L, (int)facts_ndims(f), 0);
  for (d = 0; d < facts_ndims(f); d++) {
    if (both[d] == HIER_NONE) continue;
    lua_pushinteger(L, (lua_Integer)both[d]);
    lua_rawseti(L, -2, (lua_Integer)d + 1);
  }
  return 1;
}

/* core:linked(set_a, set_b) → whether links join the two fact sets. [-0, +1, v] */
static int l_linked(lua_State *L) {
  model *m = lbind_checkcore(L);
  size_t a = lbind_checkset(L, m, 2), b = lbind_checkset(L, m, 3);
  lua_pushboolean(L, model_linked(m, a, b));
  return 1;
}

/* Reads the key table at idx (member ids, one per dimension of f). */
void lbind_checkkey(lua_State *L, const facts *f, int idx, hier_id *key, bool allow_none) {
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
  model *m = lbind_checkmutable(L);
  facts *f = model_facts(m, lbind_checkset(L, m, 2));
  hier_id key[FACTS_MAX_DIMS];
  money amount;
  size_t cell;
  budget_status rc;
  lbind_checkkey(L, f, 3, key, false);
  amount = lbind_checkmoney(L, 4);
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

/* core:find(ref [, dim]) → dim, id; or nil, the message and the status (ENOTFOUND, EAMBIGUOUS). [-0, +2|3, v] */
static int l_find(lua_State *L) {
  model *m = lbind_checkcore(L);
  size_t len, dim, only = lua_isnoneornil(L, 3) ? (size_t)-1 : lbind_checkdim(L, m, 3);
  const char *ref = luaL_checklstring(L, 2, &len);
  hier_id id;
  char msg[1024];
  budget_status rc = model_find(m, ref, len, only, &dim, &id, msg, sizeof msg);
  if (rc) {
    lua_pushnil(L);
    lua_pushstring(L, msg);
    lua_pushinteger(L, rc);
    return 3;
  }
  lua_pushinteger(L, (lua_Integer)dim);
  lua_pushinteger(L, (lua_Integer)id);
  return 2;
}

/* core:info(dim, id) → {name=, code=, spaced=, parent=, depth=, leaf=} [-0, +1, m] */
static int l_info(lua_State *L) {
  model *m = lbind_checkcore(L);
  const hier *h = model_dim(m, lbind_checkdim(L, m, 2));
  hier_id id = lbind_checkmember(L, h, 3), p = hier_parent(h, id);
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
  model *m = lbind_checkcore(L);
  hier *h = model_dim(m, lbind_checkdim(L, m, 2));
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
  if (model_dim_index(lbind_checkcore(L), luaL_checkstring(L, 2), &i) != BUDGET_OK) return 0;
  lua_pushinteger(L, (lua_Integer)i);
  return 1;
}

static int l_facts_index(lua_State *L) {
  size_t i;
  if (model_facts_index(lbind_checkcore(L), luaL_checkstring(L, 2), &i) != BUDGET_OK) return 0;
  lua_pushinteger(L, (lua_Integer)i);
  return 1;
}

/* budget.core_pointer(core) → the model as a light userdata, for budget.core_borrow in another state: the
** module's, not a method, so that a script that reaches a core has no address of it. [-0, +1, v] */
static int l_pointer(lua_State *L) {
  lua_pushlightuserdata(L, lbind_checkcore(L));
  return 1;
}

/* core:count(set) → cells in the fact set [-0, +1, v] */
static int l_count(lua_State *L) {
  model *m = lbind_checkcore(L);
  lua_pushinteger(L, (lua_Integer)facts_count(model_facts(m, lbind_checkset(L, m, 2))));
  return 1;
}

/* core:prepare(): makes every lookup index now rather than on first use [-0, +0, v] */
static int l_prepare(lua_State *L) {
  model_prepare(lbind_checkcore(L));
  return 0;
}

/* core:bytes() → the bytes the model's dimensions and fact sets hold [-0, +1, v] */
static int l_bytes(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)model_bytes(lbind_checkcore(L)));
  return 1;
}

/* core:dim_info(dim) → name, member count [-0, +2, v] */
static int l_dim_info(lua_State *L) {
  model *m = lbind_checkcore(L);
  const hier *h = model_dim(m, lbind_checkdim(L, m, 2));
  lua_pushstring(L, hier_name(h));
  lua_pushinteger(L, (lua_Integer)hier_count(h));
  return 2;
}

/* core:within(dim, id, ancestor) → boolean [-0, +1, v] */
static int l_within(lua_State *L) {
  model *m = lbind_checkcore(L);
  hier *h = model_dim(m, lbind_checkdim(L, m, 2));
  hier_seal(h);
  lua_pushboolean(L, hier_within(h, lbind_checkmember(L, h, 3), lbind_checkmember(L, h, 4)));
  return 1;
}

/* core:total(set, {id|nil per dim}) → money [-0, +1, v] */
static int l_total(lua_State *L) {
  model *m = lbind_checkcore(L);
  const facts *f = model_facts(m, lbind_checkset(L, m, 2));
  hier_id sel[FACTS_MAX_DIMS];
  money total;
  budget_status rc;
  lbind_checkkey(L, f, 3, sel, true);
  rc = facts_total(f, sel, &total);
  if (rc) return lbind_fail(L, "total", rc);
  lbind_pushmoney(L, total);
  return 1;
}

/* Pushes {{ids..., amount}, ...}: the cells of f below zero in scenario s (the base's, when s is NULL). [-0, +1, m] */
void lbind_pushnegatives(lua_State *L, const facts *f, const scenario *s, size_t set) {
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
    lbind_pushmoney(L, amount);
    lua_seti(L, -2, (lua_Integer)nd + 1);
    lua_seti(L, -2, ++k);
  }
}

/* core:negatives(set) → the cells below zero [-0, +1, m] */
static int l_negatives(lua_State *L) {
  model *m = lbind_checkcore(L);
  const facts *f = model_facts(m, lbind_checkset(L, m, 2));
  lbind_pushnegatives(L, f, NULL, 0);
  return 1;
}

/* core:cells(set) → {{ids..., amount}, ...} in cell order [-0, +1, m] */
static int l_cells(lua_State *L) {
  model *m = lbind_checkcore(L);
  const facts *f = model_facts(m, lbind_checkset(L, m, 2));
  size_t c, d, n = facts_count(f), nd = facts_ndims(f);
  lua_createtable(L, (int)n, 0);
  for (c = 0; c < n; c++) {
    lua_createtable(L, (int)nd + 1, 0);
    for (d = 0; d < nd; d++) {
      lua_pushinteger(L, (lua_Integer)facts_key(f, c, d));
      lua_seti(L, -2, (lua_Integer)d + 1);
    }
    lbind_pushmoney(L, facts_amount(f, c));
    lua_seti(L, -2, (lua_Integer)nd + 1);
    lua_seti(L, -2, (lua_Integer)c + 1);
  }
  return 1;
}

static const luaL_Reg core_methods[] = {
  {"dimension", l_dimension}, {"member", l_member}, {"seal", l_seal},   {"facts", l_facts},
  {"put", l_put},             {"find", l_find},     {"info", l_info},   {"members", l_members},
  {"dim_info", l_dim_info},   {"within", l_within}, {"total", l_total}, {"cells", l_cells},
  {"negatives", l_negatives}, {"dim_index", l_dim_index}, {"facts_index", l_facts_index}, {"count", l_count}, {"bytes", l_bytes}, {"prepare", l_prepare},
  {"loaded", l_loaded}, {"link", l_link}, {"linked", l_linked}, {"intersect", l_intersect},
  {NULL, NULL}};

void lbind_open_core(lua_State *L) {
  static const luaL_Reg meta[] = {{"__gc", l_core_gc}, {NULL, NULL}};
  lbind_newclass(L, CORE_MT, meta, core_methods);
  lua_pushcfunction(L, l_core_new);
  lua_setfield(L, -2, "core");
  lua_pushcfunction(L, l_core_borrow);
  lua_setfield(L, -2, "core_borrow");
  lua_pushcfunction(L, l_pointer);
  lua_setfield(L, -2, "core_pointer");
}
