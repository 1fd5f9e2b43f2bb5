/*
** engine/host/worker.c
** The batch worker protocol: worker_init calls require('budget.batch').worker
** and keeps the function it returns in the registry, and the plan it returns
** beside it (a userdata that starts with a batch_plan, engine/host/plan.h) with
** an overlay to run it on; worker_run runs a point on the plan, or calls the
** function with the point's number and values and copies out its rows,
** header and flags.
** See LICENSE for copyright and license.
*/
#include "worker.h"

#include <limits.h>
#include <string.h>

#include "core/scenario.h"
#include "lauxlib.h"
#include "plan.h"

/* The registry keys of a worker's point function and of its plan's state. */
static const char worker_key = 'w';
static const char plan_key = 'p';

#define PLAN_STATE_MT "budget.worker_plan"

/* What a worker runs its plan with: the plan (its userdata is the state's user value) and one overlay. */
typedef struct plan_state {
  const batch_plan *plan;
  scenario *ov;
  unsigned char *failed;  /* scratch for the checks, one byte a check */
  size_t nfailed;
  const mem_allocator *A;
} plan_state;

static int plan_state_gc(lua_State *L) {
  plan_state *w = luaL_checkudata(L, 1, PLAN_STATE_MT);
  scenario_free(w->ov);
  mem_free(w->A, w->failed, w->nfailed, 1);
  w->ov = NULL;
  w->failed = NULL;
  return 0;
}

/* [-1, +0, e] Keeps the plan on top (nil: none) in the registry, with an overlay to run it on. */
static void keep_plan(lua_State *L) {
  plan_state *w;
  const batch_plan *plan;
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    return;
  }
  luaL_checktype(L, -1, LUA_TUSERDATA);
  plan = lua_touserdata(L, -1);  /* the binding's plan: its block starts with the batch_plan */
  w = lua_newuserdatauv(L, sizeof *w, 1);
  memset(w, 0, sizeof *w);
  w->A = script_allocator(L);
  if (luaL_newmetatable(L, PLAN_STATE_MT)) {
    lua_pushcfunction(L, plan_state_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  lua_insert(L, -2);
  lua_setiuservalue(L, -2, 1);  /* the plan lives as long as its state */
  if (scenario_new(w->A, plan->base, &w->ov) != BUDGET_OK ||
      mem_zarray(w->A, plan->nchecks + 1, 1, (void **)&w->failed) != BUDGET_OK)
    luaL_error(L, "not enough memory");
  w->nfailed = plan->nchecks + 1;
  w->plan = plan;
  lua_rawsetp(L, LUA_REGISTRYINDEX, &plan_key);
}

/* [-0, +0, e] require('budget.batch').worker(script, model, core, names, lists, format, limits): the point
** function kept under worker_key, the plan (or nil) under plan_key. */
static int init_body(lua_State *L) {
  const worker_setup *w = lua_touserdata(L, 1);
  const char *const *values = w->values;
  size_t i;
  lua_getglobal(L, "require");
  lua_pushliteral(L, "budget.batch");
  lua_call(L, 1, 1);
  lua_getfield(L, -1, "worker");
  lua_pushstring(L, w->script_path);
  lua_pushstring(L, w->model_path);
  lua_pushlightuserdata(L, (void *)(size_t)w->core);  /* cast: the binding only reads the shared model */
  lua_createtable(L, (int)(w->nnames < INT_MAX ? w->nnames : 0), 0);
  for (i = 0; i < w->nnames; i++) {
    lua_pushstring(L, w->names[i]);
    lua_seti(L, -2, (lua_Integer)i + 1);
  }
  lua_createtable(L, (int)(w->nnames < INT_MAX ? w->nnames : 0), 0);  /* the values of each, for a plan */
  for (i = 0; w->values && i < w->nnames; i++) {
    size_t j;
    lua_createtable(L, (int)(w->counts[i] < INT_MAX ? w->counts[i] : 0), 0);
    for (j = 0; j < w->counts[i]; j++) {
      lua_pushstring(L, *values++);
      lua_seti(L, -2, (lua_Integer)j + 1);
    }
    lua_seti(L, -2, (lua_Integer)i + 1);
  }
  lua_pushstring(L, w->format);
  lua_createtable(L, 0, 3);
  lua_pushinteger(L, (lua_Integer)w->limits.max_steps);
  lua_setfield(L, -2, "max_steps");
  lua_pushnumber(L, w->limits.max_seconds);
  lua_setfield(L, -2, "max_seconds");
  lua_pushinteger(L, (lua_Integer)w->limits.max_memory);
  lua_setfield(L, -2, "max_memory");
  lua_call(L, 7, 2);
  keep_plan(L);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &worker_key);
  return 0;
}

budget_status worker_init(script *s, const worker_setup *setup) {
  budget_status rc = script_pcall(s, init_body, (void *)(size_t)setup);  /* cast: read only */
  if (rc == BUDGET_OK) script_settle(s);
  return rc;
}

/* [-0, +3, e] The point function with the point's number and values: rows, header, flags. */
static int run_body(lua_State *L) {
  const worker_point *p = lua_touserdata(L, 1);
  size_t i;
  if (p->nvalues > INT_MAX - 8) return luaL_error(L, "a point with %zu values", p->nvalues);
  luaL_checkstack(L, (int)p->nvalues + 2, "a point's parameter values");  /* a sweep may name hundreds */
  lua_rawgetp(L, LUA_REGISTRYINDEX, &worker_key);
  lua_pushinteger(L, (lua_Integer)p->number);
  for (i = 0; i < p->nvalues; i++) lua_pushstring(L, p->values[i]);
  lua_call(L, (int)p->nvalues + 1, 3);
  /* checked here, inside the protected call, so that reading them after converts nothing */
  if (lua_type(L, -3) != LUA_TSTRING || lua_type(L, -2) != LUA_TSTRING || !lua_isinteger(L, -1))
    return luaL_error(L, "a batch point returned %s, %s, %s: expected rows, header and flags", luaL_typename(L, -3),
                      luaL_typename(L, -2), luaL_typename(L, -1));
  return 3;
}

/* The plan's state, or NULL when the script has no plan. */
static plan_state *plan_of(lua_State *L) {
  plan_state *w;
  lua_rawgetp(L, LUA_REGISTRYINDEX, &plan_key);
  w = lua_touserdata(L, -1);  /* anchored in the registry: valid after the pop */
  lua_pop(L, 1);
  return w;
}

budget_status worker_run(script *s, worker_point *p) {
  lua_State *L = script_state(s);
  plan_state *w = p->vidx ? plan_of(L) : NULL;
  size_t n;
  const char *text;
  budget_status rc;
  p->text.len = 0;
  p->text.failed = false;
  if (w && w->ov) {
    int flags = 0;
    if (plan_run(w->plan, w->ov, p->vidx, p->values, p->number, w->failed, &p->text, &flags) == PLAN_DONE) {
      p->rows_len = p->text.len;
      rowbuf_put(&p->text, w->plan->header, w->plan->header_len);
      if (!p->text.failed) {
        p->header_len = p->text.len - p->rows_len;
        p->flags = flags;
        return BUDGET_OK;
      }
      p->text.len = 0;  /* no room for the header: the script's run says so */
      p->text.failed = false;
    }
  }
  rc = script_pcall(s, run_body, p);
  if (rc) return rc;
  text = lua_tolstring(L, -3, &n);
  rowbuf_put(&p->text, text, n);
  p->rows_len = n;
  text = lua_tolstring(L, -2, &n);
  rowbuf_put(&p->text, text, n);
  p->header_len = n;
  p->flags = (int)lua_tointeger(L, -1);
  if (p->text.failed) {
    p->text.len = p->rows_len = p->header_len = 0;
    p->text.failed = false;
    rc = BUDGET_ENOMEM;
  }
  script_settle(s);
  return rc;
}

void worker_point_free(worker_point *p) {
  rowbuf_free(&p->text);
  p->rows_len = p->header_len = 0;
}
