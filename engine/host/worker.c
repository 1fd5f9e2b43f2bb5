/*
** engine/host/worker.c
** The batch worker protocol: worker_init calls require('budget.batch').worker
** and keeps the function it returns in the registry; worker_run calls that with
** a point's number and values and copies out its rows, header and flags.
** See LICENSE for copyright and license.
*/
#include "worker.h"

#include <limits.h>
#include <string.h>

#include "lauxlib.h"

/* The registry key of a worker's point function. */
static const char worker_key = 'w';

/* [-0, +0, e] require('budget.batch').worker(script, model, core, names, format, limits), kept under worker_key. */
static int init_body(lua_State *L) {
  const worker_setup *w = lua_touserdata(L, 1);
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
  lua_pushstring(L, w->format);
  lua_createtable(L, 0, 3);
  lua_pushinteger(L, (lua_Integer)w->limits.max_steps);
  lua_setfield(L, -2, "max_steps");
  lua_pushnumber(L, w->limits.max_seconds);
  lua_setfield(L, -2, "max_seconds");
  lua_pushinteger(L, (lua_Integer)w->limits.max_memory);
  lua_setfield(L, -2, "max_memory");
  lua_call(L, 6, 1);
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

/* A copy of the string at idx made with A. */
static budget_status copy_out(lua_State *L, const mem_allocator *A, int idx, char **out, size_t *len) {
  size_t n;
  const char *text = lua_tolstring(L, idx, &n);
  if (text == NULL) text = "", n = 0;
  *len = n;
  return mem_strndup(A, text, n, out);
}

budget_status worker_run(script *s, worker_point *p) {
  lua_State *L = script_state(s);
  const mem_allocator *A = script_allocator(L);
  char *rows, *header;
  size_t rows_len, header_len;
  budget_status rc = script_pcall(s, run_body, p);
  if (rc) return rc;
  if ((rc = copy_out(L, A, -3, &rows, &rows_len)) == BUDGET_OK) {
    if ((rc = copy_out(L, A, -2, &header, &header_len)) == BUDGET_OK) {
      p->rows = rows, p->rows_len = rows_len;
      p->header = header, p->header_len = header_len;
      p->flags = (int)lua_tointeger(L, -1);
    } else {
      mem_free(A, rows, rows_len + 1, 1);
    }
  }
  script_settle(s);
  return rc;
}

void worker_point_free(const mem_allocator *A, worker_point *p) {
  if (p->rows) mem_free(A, p->rows, p->rows_len + 1, 1);
  if (p->header) mem_free(A, p->header, p->header_len + 1, 1);
  p->rows = p->header = NULL;
  p->rows_len = p->header_len = 0;
}
