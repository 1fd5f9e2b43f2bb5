/*
** engine/host/script.c
** Lua states: an allocator with a cap, a panic handler, protected calls with a traceback.
** See LICENSE for copyright and license.
*/
#include "script.h"

#include <stdbool.h>
#include <string.h>

#include <stdio.h>

#include "lauxlib.h"
#include "lualib.h"

struct script {
  const mem_allocator *A;
  lua_State *L;
  size_t used, limit; /* bytes the state holds, and the most it may (0: no cap); a run's own limit is the guard's */
  lua_CFunction open; /* the binding's opener, run as the global 'budget' */
  int top;            /* the stack's height before the last script_pcall */
  bool hit_limit;     /* the last allocation failure was the cap, not the system */
  char err[4096];     /* the last failure's message: the C API's too (budget_errmsg) */
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

const char script_alloc_key = 'a';
const char script_interrupt_key = 'i';
const char script_stop_key = 's';

const mem_allocator *script_allocator(lua_State *L) {
  const mem_allocator *A;
  lua_rawgetp(L, LUA_REGISTRYINDEX, &script_alloc_key);
  A = lua_touserdata(L, -1);
  lua_pop(L, 1);
  return A != NULL ? A : mem_default();
}

/* An error outside any protected call: say what it was before Lua aborts. */
static int panic(lua_State *L) {
  const char *msg = lua_tostring(L, -1);
  fprintf(stderr, "budget: unprotected Lua error: %s\n", msg ? msg : "(error object is not a string)");
  return 0;
}

static int msghandler(lua_State *L) {
  const char *msg = lua_tostring(L, 1);
  if (msg == NULL) msg = luaL_tolstring(L, 1, NULL);  /* an error object that is not a string */
  luaL_traceback(L, L, msg, 1);
  return 1;
}

/*
** Opens the libraries inside a protected call, so a memory failure is a
** status, not a panic: the standard ones, then 'budget' (which preloads LPeg
** and the engine's Lua modules) as a global.
*/
static int open_libs(lua_State *L) {
  script *s = lua_touserdata(L, 1);
  lua_pushlightuserdata(L, (void *)(size_t)s->A);  /* cast: the bindings only allocate through it */
  lua_rawsetp(L, LUA_REGISTRYINDEX, &script_alloc_key);
  lua_pushboolean(L, 0);  /* the interrupt flag's slot, made now so that setting it later allocates nothing */
  lua_rawsetp(L, LUA_REGISTRYINDEX, &script_interrupt_key);
  lua_pushboolean(L, 0);  /* the stop flag's slot, likewise */
  lua_rawsetp(L, LUA_REGISTRYINDEX, &script_stop_key);
  luaL_openlibs(L);
  luaL_requiref(L, "budget", s->open, 1);
  return 0;
}

void script_set_errmsg(script *s, const char *msg) {
  size_t n = strlen(msg);
  if (n >= sizeof s->err) n = sizeof s->err - 1;
  memcpy(s->err, msg, n);
  s->err[n] = '\0';
}

/* Keeps the error on top as the message, restores the stack to 'base', and says what went wrong. */
static budget_status fail(script *s, int status, int base) {
  const char *msg = lua_tostring(s->L, -1);
  script_set_errmsg(s, msg ? msg : "(error object is not a string)");
  lua_settop(s->L, base);
  if (status == LUA_ERRMEM) return s->hit_limit ? BUDGET_ELIMIT : BUDGET_ENOMEM;
  return BUDGET_ESCRIPT;
}

budget_status script_new(const mem_allocator *A, size_t mem_limit, lua_CFunction open, script **out) {
  script *s;
  int status;
  budget_status rc = mem_zarray(A, 1, sizeof *s, (void **)&s);
  if (rc) return rc;
  s->A = A;
  s->limit = mem_limit;
  s->open = open;
  s->L = lua_newstate(l_alloc, s);
  if (s->L == NULL) {
    rc = s->hit_limit ? BUDGET_ELIMIT : BUDGET_ENOMEM;
    mem_free(A, s, 1, sizeof *s);
    return rc;
  }
  lua_atpanic(s->L, panic);
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

budget_status script_pcall(script *s, lua_CFunction body, void *ud) {
  lua_State *L = s->L;
  int status;
  s->top = lua_gettop(L);
  s->hit_limit = false;
  if (!lua_checkstack(L, 3)) {
    script_set_errmsg(s, status_str(BUDGET_ENOMEM));
    return BUDGET_ENOMEM;
  }
  lua_pushcfunction(L, msghandler);
  lua_pushcfunction(L, body);
  lua_pushlightuserdata(L, ud);
  status = lua_pcall(L, 1, LUA_MULTRET, s->top + 1);
  if (status != LUA_OK) return fail(s, status, s->top);
  lua_remove(L, s->top + 1);  /* the handler: the results start just above the caller's stack */
  return BUDGET_OK;
}

void script_settle(script *s) {
  lua_settop(s->L, s->top);
}

/* The chunk to run, for script_eval. */
typedef struct chunk {
  const char *name, *code;
  size_t len;
} chunk;

/* [-0, +1, e] Loads and runs the chunk, and converts its first result to a string. */
static int eval_body(lua_State *L) {
  const chunk *c = lua_touserdata(L, 1);
  if (luaL_loadbufferx(L, c->code, c->len, c->name, "t") != LUA_OK) return lua_error(L);
  lua_call(L, 0, 1);
  luaL_tolstring(L, -1, NULL);
  return 1;
}

budget_status script_eval(script *s, const char *name, const char *code, size_t len, char *out, size_t size) {
  chunk c = {name, code, len};
  const char *text;
  size_t n;
  budget_status rc = script_pcall(s, eval_body, &c);
  if (rc) return rc;
  text = lua_tolstring(s->L, -1, &n);
  if (size > 0) {
    if (n >= size) n = size - 1;
    memcpy(out, text, n);
    out[n] = '\0';
  }
  script_settle(s);
  return BUDGET_OK;
}

void script_set_interrupt(script *s, volatile sig_atomic_t *flag) {
  /* outside a protected call, and safe there: the slot exists (open_libs), so this replaces a
     value and allocates nothing, and a light userdata is no object to collect */
  lua_pushlightuserdata(s->L, (void *)(size_t)flag);  /* the binding only reads it */
  lua_rawsetp(s->L, LUA_REGISTRYINDEX, &script_interrupt_key);
}

void script_set_stop(script *s, const atomic_int *stop) {
  lua_pushlightuserdata(s->L, (void *)(size_t)stop);  /* cast: only read */
  lua_rawsetp(s->L, LUA_REGISTRYINDEX, &script_stop_key);
}

const atomic_int *script_stop_flag(lua_State *L) {
  const atomic_int *stop;
  lua_rawgetp(L, LUA_REGISTRYINDEX, &script_stop_key);
  stop = lua_touserdata(L, -1);
  lua_pop(L, 1);
  return stop;
}

volatile sig_atomic_t *script_interrupt_flag(lua_State *L) {
  volatile sig_atomic_t *flag;
  lua_rawgetp(L, LUA_REGISTRYINDEX, &script_interrupt_key);
  flag = lua_touserdata(L, -1);
  lua_pop(L, 1);
  return flag;
}

lua_State *script_state(script *s) {
  return s->L;
}

const char *script_errmsg(const script *s) {
  return s->err;
}
