/*
** engine/script.c
** Lua states: allocator with a cap, LPeg preloaded, pcall with a traceback.
** See LICENSE for copyright and license.
*/
#include "script.h"

#include <limits.h>
#include <stdbool.h>
#include <string.h>

#include "lauxlib.h"
#include "lbudget.h"
#include "lua.h"
#include "lualib.h"

struct script {
  const mem_allocator *A;
  lua_State *L;
  size_t used, limit;
  size_t base_limit;  /* the cap the state was made with; 'limit' may be lower during a script */
  bool hit_limit;     /* the last allocation failure was the cap, not the system */
  char err[1024];
};

/* lua_Alloc over the engine's allocator, counting bytes against the cap. */
static void *l_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  script *s = ud;
  void *p;
  if (ptr == NULL) osize = 0;  /* for a new block Lua passes the object's type here */
  if (nsize == 0) {
    s->A->fn(s->A->ud, ptr, osize, 0);
    s->used -= osize;
    return NULL;
  }
  if (s->limit != 0 && nsize > osize && s->used - osize + nsize > s->limit) {
    s->hit_limit = true;
    return NULL;
  }
  p = s->A->fn(s->A->ud, ptr, osize, nsize);
  if (p != NULL) s->used = s->used - osize + nsize;
  return p;
}

static int msghandler(lua_State *L) {
  const char *msg = lua_tostring(L, 1);
  if (msg == NULL) msg = luaL_tolstring(L, 1, NULL);  /* an error object that is not a string */
  luaL_traceback(L, L, msg, 1);
  return 1;
}

/*
** budget.memory_budget(bytes | nil) → previous cap: lets the state grow by at
** most 'bytes' more from now (nil: back to the state's own cap). Used around a
** sandboxed script. [-0, +1, -]
*/
static int l_memory_budget(lua_State *L) {
  script *s = lua_touserdata(L, lua_upvalueindex(1));
  size_t previous = s->limit;
  if (lua_isnoneornil(L, 1)) {
    s->limit = s->base_limit;
  } else {
    lua_Integer n = luaL_checkinteger(L, 1);
    size_t cap = s->used + (n > 0 ? (size_t)n : 0);
    s->limit = (s->base_limit != 0 && cap > s->base_limit) ? s->base_limit : cap;
  }
  s->hit_limit = false;
  lua_pushinteger(L, (lua_Integer)previous);
  return 1;
}

/* budget.memory_hit() → did an allocation fail on the cap since the budget was set? [-0, +1, -] */
static int l_memory_hit(lua_State *L) {
  script *s = lua_touserdata(L, lua_upvalueindex(1));
  lua_pushboolean(L, s->hit_limit);
  return 1;
}

/*
** Opens the libraries inside a protected call, so a memory failure is a
** status, not a panic: the standard ones, then 'budget' (which preloads LPeg
** and the engine's Lua modules) as a global, with the state's memory controls.
*/
static int open_libs(lua_State *L) {
  script *s = lua_touserdata(L, 1);
  lua_pushlightuserdata(L, (void *)(size_t)s->A);  /* cast: the bindings only allocate through it */
  lua_rawsetp(L, LUA_REGISTRYINDEX, &lbudget_alloc_key);
  luaL_openlibs(L);
  luaL_requiref(L, "budget", luaopen_budget, 1);
  lua_pushlightuserdata(L, s);
  lua_pushcclosure(L, l_memory_budget, 1);
  lua_setfield(L, -2, "memory_budget");
  lua_pushlightuserdata(L, s);
  lua_pushcclosure(L, l_memory_hit, 1);
  lua_setfield(L, -2, "memory_hit");
  return 0;
}

static void set_err(script *s, const char *msg) {
  size_t n = strlen(msg);
  if (n >= sizeof s->err) n = sizeof s->err - 1;
  memcpy(s->err, msg, n);
  s->err[n] = '\0';
}

/* Keeps the error on top as the message, restores the stack to 'base', and says what went wrong. */
static budget_status fail(script *s, int status, int base) {
  const char *msg = lua_tostring(s->L, -1);
  set_err(s, msg ? msg : "(error object is not a string)");
  lua_settop(s->L, base);
  if (status == LUA_ERRMEM) return s->hit_limit ? BUDGET_ELIMIT : BUDGET_ENOMEM;
  return BUDGET_ESCRIPT;
}

budget_status script_new(const mem_allocator *A, size_t mem_limit, script **out) {
  script *s;
  int status;
  budget_status rc = mem_zarray(A, 1, sizeof *s, (void **)&s);
  if (rc) return rc;
  s->A = A;
  s->limit = s->base_limit = mem_limit;
  s->L = lua_newstate(l_alloc, s);
  if (s->L == NULL) {
    rc = s->hit_limit ? BUDGET_ELIMIT : BUDGET_ENOMEM;
    mem_free(A, s, 1, sizeof *s);
    return rc;
  }
  lua_pushcfunction(s->L, open_libs);
  lua_pushlightuserdata(s->L, s);
  status = lua_pcall(s->L, 1, 0, 0);
  if (status != LUA_OK) {
    rc = fail(s, status, 0);
    script_free(s);
    return rc;
  }
  *out = s;
  return BUDGET_OK;
}

void script_free(script *s) {
  if (s == NULL) return;
  if (s->L) lua_close(s->L);
  mem_free(s->A, s, 1, sizeof *s);
}

/* [-1, +1, e] Calls the chunk at index 1 and converts its first result to a string. */
static int call_tostring(lua_State *L) {
  lua_call(L, 0, 1);
  luaL_tolstring(L, -1, NULL);
  return 1;
}

budget_status script_eval(script *s, const char *name, const char *code, size_t len, char *out, size_t size) {
  lua_State *L = s->L;
  int base = lua_gettop(L), status;
  const char *text;
  size_t n;
  s->hit_limit = false;
  lua_pushcfunction(L, msghandler);
  lua_pushcfunction(L, call_tostring);
  status = luaL_loadbufferx(L, code, len, name, "t");
  if (status == LUA_OK) status = lua_pcall(L, 1, 1, base + 1);
  if (status != LUA_OK) return fail(s, status, base);
  text = lua_tolstring(L, -1, &n);
  if (size > 0) {
    if (n >= size) n = size - 1;
    memcpy(out, text, n);
    out[n] = '\0';
  }
  lua_settop(L, base);
  return BUDGET_OK;
}

/* [-0, +1, e] Runs require('budget.cli').main(args) and leaves its exit status. */
static int call_cli(lua_State *L) {
  int argc = (int)lua_tointeger(L, 1), i;
  char **argv = lua_touserdata(L, 2);
  lua_getglobal(L, "require");
  lua_pushliteral(L, "budget.cli");
  lua_call(L, 1, 1);
  lua_getfield(L, -1, "main");
  lua_createtable(L, argc, 0);
  for (i = 1; i < argc; i++) {
    lua_pushstring(L, argv[i]);
    lua_seti(L, -2, i);
  }
  lua_call(L, 1, 1);
  return 1;
}

budget_status script_cli(script *s, int argc, char **argv, int *exit_status) {
  lua_State *L = s->L;
  int base = lua_gettop(L), status;
  s->hit_limit = false;
  lua_pushcfunction(L, msghandler);
  lua_pushcfunction(L, call_cli);
  lua_pushinteger(L, argc);
  lua_pushlightuserdata(L, argv);
  status = lua_pcall(L, 2, 1, base + 1);
  if (status != LUA_OK) return fail(s, status, base);
  *exit_status = (int)luaL_optinteger(L, -1, 0);
  lua_settop(L, base);
  return BUDGET_OK;
}

/* The registry key of a worker's point function. */
static const char worker_key = 'w';

/* [-0, +0, e] Calls require('budget.batch').worker with the arguments on the stack and keeps the result. */
static int call_worker_init(lua_State *L) {
  int n = lua_gettop(L);
  lua_getglobal(L, "require");
  lua_pushliteral(L, "budget.batch");
  lua_call(L, 1, 1);
  lua_getfield(L, -1, "worker");
  lua_insert(L, 1);
  lua_pop(L, 1);
  lua_call(L, n, 1);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &worker_key);
  return 0;
}

void script_set_interrupt(script *s, volatile sig_atomic_t *flag) {
  lua_pushlightuserdata(s->L, (void *)(size_t)flag);  /* the binding only reads it */
  lua_rawsetp(s->L, LUA_REGISTRYINDEX, &lbudget_interrupt_key);
}

budget_status script_worker_init(script *s, const char *script_path, const char *model_path, void *core,
                                 const char *const *names, size_t nnames, const char *format) {
  lua_State *L = s->L;
  int base = lua_gettop(L), status;
  size_t i;
  s->hit_limit = false;
  lua_pushcfunction(L, msghandler);
  lua_pushcfunction(L, call_worker_init);
  lua_pushstring(L, script_path);
  lua_pushstring(L, model_path);
  lua_pushlightuserdata(L, core);
  lua_createtable(L, (int)nnames, 0);
  for (i = 0; i < nnames; i++) {
    lua_pushstring(L, names[i]);
    lua_seti(L, -2, (lua_Integer)i + 1);
  }
  lua_pushstring(L, format);
  status = lua_pcall(L, 5, 0, base + 1);
  if (status != LUA_OK) return fail(s, status, base);
  lua_settop(L, base);
  return BUDGET_OK;
}

/* A copy of the string at idx made with the state's allocator. */
static budget_status copy_out(script *s, int idx, char **out, size_t *len) {
  size_t n;
  const char *text = lua_tolstring(s->L, idx, &n);
  if (text == NULL) text = "", n = 0;
  *len = n;
  return mem_strndup(s->A, text, n, out);
}

budget_status script_worker_run(script *s, size_t point, const char *const *values, size_t nvalues, char **rows,
                                size_t *rows_len, char **header, size_t *header_len, int *flags) {
  lua_State *L = s->L;
  int base = lua_gettop(L), status;
  size_t i;
  budget_status rc;
  s->hit_limit = false;
  lua_pushcfunction(L, msghandler);
  lua_rawgetp(L, LUA_REGISTRYINDEX, &worker_key);
  lua_pushinteger(L, (lua_Integer)point);
  if (nvalues > INT_MAX - 8 || !lua_checkstack(L, (int)nvalues + 1)) {  /* a sweep may name hundreds of parameters */
    lua_settop(L, base);
    return BUDGET_ENOMEM;
  }
  for (i = 0; i < nvalues; i++) lua_pushstring(L, values[i]);
  status = lua_pcall(L, (int)nvalues + 1, 3, base + 1);
  if (status != LUA_OK) return fail(s, status, base);
  *flags = (int)lua_tointeger(L, -1);
  rc = copy_out(s, -3, rows, rows_len);
  if (rc == BUDGET_OK) {
    rc = copy_out(s, -2, header, header_len);
    if (rc) mem_free(s->A, *rows, *rows_len + 1, 1);
  }
  lua_settop(L, base);
  return rc;
}

lua_State *script_state(script *s) {
  return s->L;
}

const char *script_errmsg(const script *s) {
  return s->err;
}
