/*
** engine/bind/lbatch.c
** Lua binding of batch runs (engine/host/batch.h): budget.batch_start and the
** handle that hands out the points' results in order.
** See LICENSE for copyright and license.
*/
#include "lbind.h"

#include <signal.h>
#include <string.h>

#include "host/batch.h"
#include "lauxlib.h"
#include "core/model.h"

#define BATCH_MT "budget.batch"


typedef struct lbatch {
  batch *b;
} lbatch;

static int l_batch_gc(lua_State *L) {
  lbatch *h = luaL_checkudata(L, 1, BATCH_MT);
  batch_free(h->b);
  h->b = NULL;
  return 0;
}

static batch *checkbatch(lua_State *L) {
  lbatch *h = luaL_checkudata(L, 1, BATCH_MT);
  if (h->b == NULL) luaL_error(L, "the batch is closed");
  return h->b;
}

/* Strings of a Lua array as a C array in a userdata the GC owns (so a raise leaks nothing). */
static const char **strings_of(lua_State *L, int idx, size_t *n) {
  size_t i, len = (size_t)luaL_len(L, idx);
  const char **out = lua_newuserdatauv(L, (len + 1) * sizeof *out, 0);
  for (i = 0; i < len; i++) {
    lua_geti(L, idx, (lua_Integer)i + 1);
    out[i] = luaL_checkstring(L, -1);  /* anchored by the table */
    lua_pop(L, 1);
  }
  *n = len;
  return out;
}

/*
** budget.batch_start{script=, model=, core=, names={...}, points={{...}, ...}, first=, jobs=, mem_limit=}
** → a batch handle; the workers run while the caller takes results with :next(). [-0, +1, e]
*/
static int l_batch_start(lua_State *L) {
  batch_spec spec;
  model *core;
  const char **names, **values;
  size_t nnames, npoints, i, j;
  lbatch *h;
  budget_status rc;
  luaL_checktype(L, 1, LUA_TTABLE);
  memset(&spec, 0, sizeof spec);
  lua_getfield(L, 1, "script");
  spec.script_path = luaL_checkstring(L, -1);
  lua_getfield(L, 1, "model");
  spec.model_path = luaL_checkstring(L, -1);
  lua_getfield(L, 1, "core");
  core = lbind_checkmodel(L, -1);
  spec.core = core;
  lua_getfield(L, 1, "names");
  luaL_checktype(L, -1, LUA_TTABLE);
  names = strings_of(L, lua_gettop(L), &nnames);
  lua_getfield(L, 1, "points");
  luaL_checktype(L, -1, LUA_TTABLE);
  npoints = (size_t)luaL_len(L, -1);
  values = lua_newuserdatauv(L, (npoints * nnames + 1) * sizeof *values, 0);
  for (i = 0; i < npoints; i++) {
    lua_geti(L, -2, (lua_Integer)i + 1);
    for (j = 0; j < nnames; j++) {
      lua_geti(L, -1, (lua_Integer)j + 1);
      values[i * nnames + j] = luaL_checkstring(L, -1);
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
  }
  lua_getfield(L, 1, "format");
  spec.format = luaL_optstring(L, -1, "csv");
  lua_getfield(L, 1, "first");
  spec.first = (size_t)luaL_optinteger(L, -1, 0);
  lua_getfield(L, 1, "jobs");
  spec.jobs = (size_t)luaL_optinteger(L, -1, 1);
  lua_getfield(L, 1, "mem_limit");
  spec.mem_limit = (size_t)luaL_optinteger(L, -1, 0);
  lua_getfield(L, 1, "max_steps");
  spec.point_limits.max_steps = (int64_t)luaL_optinteger(L, -1, 0);
  lua_getfield(L, 1, "max_seconds");
  spec.point_limits.max_seconds = luaL_optnumber(L, -1, 0);
  lua_getfield(L, 1, "max_memory");
  spec.point_limits.max_memory = (int64_t)luaL_optinteger(L, -1, 0);
  luaL_argcheck(L, spec.jobs >= 1 && spec.jobs <= BATCH_MAX_JOBS, 1, "jobs from 1 to 256");
  spec.names = names;
  spec.nnames = nnames;
  spec.values = values;
  spec.npoints = npoints;
  spec.interrupted = script_interrupt_flag(L);
  spec.open = luaopen_budget;
  h = lua_newuserdatauv(L, sizeof *h, 1);
  h->b = NULL;
  luaL_setmetatable(L, BATCH_MT);
  lua_getfield(L, 1, "core");
  lua_setiuservalue(L, -2, 1);  /* the workers read the model: keep it alive as long as the handle */
  model_prepare(core);  /* the lazy indexes made now: the workers only read the model */
  rc = batch_start(mem_default(), &spec, &h->b);  /* copies every string it was given */
  if (rc) return luaL_error(L, "batch: %s", status_str(rc));
  return 1;
}

/* h:next() → point, rows, header, flags; or nil when done (then h:interrupted() says why). [-0, +4|1, e] */
static int l_batch_next(lua_State *L) {
  batch *b = checkbatch(L);
  batch_result r;
  bool done;
  budget_status rc = batch_next(b, &r, &done);
  if (rc) return luaL_error(L, "%s", batch_errmsg(b));
  if (done) {
    lua_pushnil(L);
    return 1;
  }
  lua_pushinteger(L, (lua_Integer)r.point);
  lua_pushlstring(L, r.rows, r.rows_len);
  lua_pushlstring(L, r.header, r.header_len);
  lua_pushinteger(L, r.flags);
  return 4;
}

static int l_batch_interrupted(lua_State *L) {
  lua_pushboolean(L, batch_interrupted(checkbatch(L)));
  return 1;
}

static int l_batch_done(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)batch_done(checkbatch(L)));
  return 1;
}

/* h:close(): stops the workers and frees the batch now. [-0, +0, -] */
static int l_batch_close(lua_State *L) {
  return l_batch_gc(L);
}

static const luaL_Reg batch_methods[] = {{"next", l_batch_next}, {"interrupted", l_batch_interrupted},
                                         {"done", l_batch_done}, {"close", l_batch_close}, {NULL, NULL}};

void lbind_open_batch(lua_State *L) {
  static const luaL_Reg meta[] = {{"__gc", l_batch_gc}, {NULL, NULL}};
  lbind_newclass(L, BATCH_MT, meta, batch_methods);
  lua_pushcfunction(L, l_batch_start);
  lua_setfield(L, -2, "batch_start");
}

