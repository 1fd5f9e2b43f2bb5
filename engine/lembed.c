/*
** engine/lembed.c
** The C API of engine/budget.h over one Lua state per engine: models and
** results are Lua values kept in the registry; each call runs a function of
** engine/lua/api.lua in protected mode and turns its outcome into a status
** and, on failure, the engine's message.
** See LICENSE for copyright and license.
*/
#include "budget.h"

#include <string.h>

#include "lauxlib.h"
#include "lbudget.h"
#include "lua.h"
#include "money.h"
#include "script.h"

struct budget_engine {
  mem_allocator A;    /* the host's hooks (budget_options.alloc) or the C library's */
  script *s;
  lua_State *L;
  budget_options opts;
  int opts_ref;       /* the sandbox options as a Lua table */
  char errmsg[4096];
};

struct budget_model {
  budget_engine *e;
  int ref;            /* the Lua Model */
};

typedef struct scenario_out {
  char *name;
  budget_violation *v;  /* copied out once, strings owned here */
  size_t nv;
  bool loaded;
} scenario_out;

struct budget_result {
  budget_engine *e;
  int ref;            /* a Lua array of the scenarios the script made */
  size_t n;
  scenario_out *sc;
};

/* {==================================================================
** Memory: the API's own records go through the engine's allocator hooks too
** =================================================================== */

static void *zalloc(budget_engine *e, size_t count, size_t size) {
  void *p;
  return mem_zarray(&e->A, count, size, &p) == BUDGET_OK ? p : NULL;
}

static void zfree(budget_engine *e, void *p, size_t count, size_t size) { mem_free(&e->A, p, count, size); }

static char *dup(budget_engine *e, const char *s) {
  char *p;
  if (s == NULL) s = "";
  return mem_strndup(&e->A, s, strlen(s), &p) == BUDGET_OK ? p : NULL;
}

static void free_str(budget_engine *e, const char *s) {
  if (s) mem_free(&e->A, (char *)(size_t)s, strlen(s) + 1, 1);  /* ours: made by dup */
}

/* Frees the first n violations' strings and the array of 'cap' entries. */
static void free_violations(budget_engine *e, budget_violation *v, size_t n, size_t cap) {
  size_t k;
  for (k = 0; k < n; k++) {
    free_str(e, v[k].rule);
    free_str(e, v[k].severity);
    free_str(e, v[k].members);
    free_str(e, v[k].message);
  }
  zfree(e, v, cap, sizeof *v);
}

/*
** What the API hands the caller (report texts) is freed by budget_free, which
** has no engine to ask: the block starts with the hooks and size it came from.
*/
typedef struct handout {
  mem_allocator A;
  size_t size;
  max_align_t align;  /* the text starts at a boundary any type could */
} handout;

static char *handout_new(budget_engine *e, size_t len) {
  handout *h;
  if (len > (size_t)-1 - sizeof *h - 1) return NULL;
  if (mem_array(&e->A, sizeof *h + len + 1, 1, (void **)&h) != BUDGET_OK) return NULL;
  h->A = e->A;
  h->size = sizeof *h + len + 1;
  return (char *)(h + 1);
}

/* }================================================================== */

/* {==================================================================
** Calling engine/lua/api.lua
** =================================================================== */

static void set_err(budget_engine *e, const char *msg) {
  size_t n = strlen(msg);
  if (n >= sizeof e->errmsg) n = sizeof e->errmsg - 1;
  memcpy(e->errmsg, msg, n);
  e->errmsg[n] = '\0';
}

static int traceback_free(lua_State *L) {  /* messages only: the API's errors name file and line already */
  if (lua_type(L, 1) != LUA_TSTRING) luaL_tolstring(L, 1, NULL);
  return 1;
}

/* Pushes api[fname]; the caller pushes the arguments and calls pcall_api. */
static void push_api(budget_engine *e, const char *fname) {
  lua_State *L = e->L;
  lua_pushcfunction(L, traceback_free);
  lua_getglobal(L, "require");
  lua_pushliteral(L, "budget.api");
  lua_call(L, 1, 1);  /* the module is preloaded: this only looks it up */
  lua_getfield(L, -1, fname);
  lua_remove(L, -2);
}

/* Calls the function pushed by push_api with nargs arguments; on failure keeps the message. */
static budget_status pcall_api(budget_engine *e, int nargs, int nresults) {
  lua_State *L = e->L;
  int handler = lua_gettop(L) - nargs - 1;
  int status = lua_pcall(L, nargs, nresults, handler);
  if (status != LUA_OK) {
    const char *msg = lua_tostring(L, -1);
    set_err(e, msg ? msg : "error");
    lua_settop(L, handler - 1);
    return status == LUA_ERRMEM ? BUDGET_ENOMEM : BUDGET_ESCRIPT;
  }
  lua_remove(L, handler);
  e->errmsg[0] = '\0';
  return BUDGET_OK;
}

/* }================================================================== */

/* {==================================================================
** Engines
** =================================================================== */

const char *budget_status_str(budget_status rc) { return status_str(rc); }
const char *budget_version(void) { return BUDGET_VERSION; }

budget_status budget_engine_new(const budget_options *opts, budget_engine **out) {
  budget_engine *e;
  mem_allocator A = *mem_default();
  budget_options o;
  lua_State *L;
  size_t i;
  budget_status rc;
  if (opts && opts->alloc) A.fn = opts->alloc, A.ud = opts->alloc_ud;
  if (mem_zarray(&A, 1, sizeof *e, (void **)&e) != BUDGET_OK) return BUDGET_ENOMEM;
  e->A = A;
  memset(&o, 0, sizeof o);
  if (opts) o = *opts;
  if (o.max_memory == 0) o.max_memory = (size_t)1 << 30;
  if (o.max_steps == 0) o.max_steps = 100000000;
  if (o.max_seconds <= 0) o.max_seconds = 60;
  e->opts = o;
  rc = script_new(&e->A, 0, &e->s);
  if (rc) {
    zfree(e, e, 1, sizeof *e);
    return rc;
  }
  L = e->L = script_state(e->s);
  lua_createtable(L, 0, 6);  /* the sandbox options, for every run */
  lua_pushinteger(L, (lua_Integer)o.max_memory);
  lua_setfield(L, -2, "max_memory");
  lua_pushinteger(L, (lua_Integer)(o.max_steps > (uint64_t)LUA_MAXINTEGER ? (uint64_t)LUA_MAXINTEGER : o.max_steps));
  lua_setfield(L, -2, "max_steps");
  lua_pushnumber(L, o.max_seconds);
  lua_setfield(L, -2, "max_seconds");
  lua_pushboolean(L, o.trusted);
  lua_setfield(L, -2, "trusted");
  lua_createtable(L, (int)o.nallow, 0);
  for (i = 0; i < o.nallow; i++) {
    lua_pushstring(L, o.allow[i]);
    lua_seti(L, -2, (lua_Integer)i + 1);
  }
  lua_setfield(L, -2, "allow");
  e->opts_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  e->opts.allow = NULL;  /* copied into Lua; the caller's array need not live on */
  *out = e;
  return BUDGET_OK;
}

void budget_engine_free(budget_engine *e) {
  if (e == NULL) return;
  mem_allocator A = e->A;  /* e itself goes last, with the hooks it came from */
  script_free(e->s);
  mem_free(&A, e, 1, sizeof *e);
}

const char *budget_errmsg(const budget_engine *e) {
  return e ? e->errmsg : "no engine";
}

/* }================================================================== */

/* {==================================================================
** Models
** =================================================================== */

static budget_status keep_model(budget_engine *e, budget_model **out) {
  budget_model *m = zalloc(e, 1, sizeof *m);
  if (m == NULL) {
    lua_pop(e->L, 1);
    return BUDGET_ENOMEM;
  }
  m->e = e;
  m->ref = luaL_ref(e->L, LUA_REGISTRYINDEX);
  *out = m;
  return BUDGET_OK;
}

budget_status budget_model_load(budget_engine *e, const char *path, budget_model **out) {
  budget_status rc;
  if (path == NULL) return BUDGET_EINVAL;
  push_api(e, "load");
  lua_pushstring(e->L, path);
  if ((rc = pcall_api(e, 1, 1)) != BUDGET_OK)
    return strstr(e->errmsg, "cannot read the model") ? BUDGET_ENOTFOUND : rc;
  return keep_model(e, out);
}

budget_status budget_model_load_string(budget_engine *e, const char *text, size_t len, const char *name,
                                       budget_model **out) {
  budget_status rc;
  if (text == NULL) return BUDGET_EINVAL;
  push_api(e, "load_string");
  lua_pushlstring(e->L, text, len);
  lua_pushstring(e->L, name ? name : "(model)");
  if ((rc = pcall_api(e, 2, 1)) != BUDGET_OK) return rc;
  return keep_model(e, out);
}

void budget_model_free(budget_model *m) {
  if (m == NULL) return;
  luaL_unref(m->e->L, LUA_REGISTRYINDEX, m->ref);
  zfree(m->e, m, 1, sizeof *m);
}

/* The status of a failed lookup, from what the Lua side said. */
static budget_status lookup_status(const budget_engine *e) {
  if (strstr(e->errmsg, "is ambiguous")) return BUDGET_EAMBIGUOUS;
  if (strstr(e->errmsg, "is not a member") || strstr(e->errmsg, "no fact set") || strstr(e->errmsg, "no dimension"))
    return BUDGET_ENOTFOUND;
  return BUDGET_ESCRIPT;
}

/* api.total(the value at registry ref, ref) into *fen. */
static budget_status total_of(budget_engine *e, int ref, const char *what, int64_t *fen) {
  budget_status rc;
  push_api(e, "total");
  lua_rawgeti(e->L, LUA_REGISTRYINDEX, ref);
  if (what) lua_pushstring(e->L, what);
  else lua_pushnil(e->L);
  if ((rc = pcall_api(e, 2, 1)) != BUDGET_OK) return rc == BUDGET_ESCRIPT ? lookup_status(e) : rc;
  *fen = (int64_t)lua_tointeger(e->L, -1);
  lua_pop(e->L, 1);
  return BUDGET_OK;
}

budget_status budget_model_total(budget_model *m, const char *ref, int64_t *fen) {
  return total_of(m->e, m->ref, ref, fen);
}

budget_status budget_model_check(budget_model *m, size_t *violations) {
  budget_status rc;
  push_api(m->e, "check");
  lua_rawgeti(m->e->L, LUA_REGISTRYINDEX, m->ref);
  if ((rc = pcall_api(m->e, 1, 1)) != BUDGET_OK) return rc;
  *violations = (size_t)lua_tointeger(m->e->L, -1);
  lua_pop(m->e->L, 1);
  return BUDGET_OK;
}

/* }================================================================== */

/* {==================================================================
** Running scripts and reading results
** =================================================================== */

budget_status budget_run(budget_engine *e, budget_model *m, const char *script_text, size_t len, const char *name,
                         const budget_param *params, size_t nparams, budget_result **out) {
  lua_State *L = e->L;
  budget_result *r;
  size_t i;
  budget_status rc;
  if (script_text == NULL || m == NULL || m->e != e) return BUDGET_EINVAL;
  push_api(e, "run");
  lua_rawgeti(L, LUA_REGISTRYINDEX, m->ref);
  lua_pushlstring(L, script_text, len);
  lua_pushstring(L, name ? name : "(script)");
  lua_createtable(L, 0, (int)nparams);
  for (i = 0; i < nparams; i++) {
    lua_pushstring(L, params[i].value ? params[i].value : "");
    lua_setfield(L, -2, params[i].name ? params[i].name : "");
  }
  lua_rawgeti(L, LUA_REGISTRYINDEX, e->opts_ref);
  if ((rc = pcall_api(e, 5, 3)) != BUDGET_OK) return rc;
  if (lua_isnil(L, -3)) {  /* the script failed: the message, and whether a limit stopped it */
    set_err(e, lua_tostring(L, -2) ? lua_tostring(L, -2) : "error");
    rc = lua_tostring(L, -1) && strcmp(lua_tostring(L, -1), "limit") == 0 ? BUDGET_ELIMIT : BUDGET_ESCRIPT;
    lua_pop(L, 3);
    return rc;
  }
  lua_pop(L, 2);
  r = zalloc(e, 1, sizeof *r);
  if (r == NULL) {
    lua_pop(L, 1);
    return BUDGET_ENOMEM;
  }
  r->e = e;
  r->n = (size_t)luaL_len(L, -1);
  r->sc = zalloc(e, r->n + 1, sizeof *r->sc);
  if (r->sc == NULL) {
    zfree(e, r, 1, sizeof *r);
    lua_pop(L, 1);
    return BUDGET_ENOMEM;
  }
  for (i = 0; i < r->n; i++) {
    const char *nm;
    lua_geti(L, -1, (lua_Integer)i + 1);
    lua_getfield(L, -1, "name");
    nm = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";  /* no conversion: it could raise */
    r->sc[i].name = dup(e, nm);
    lua_pop(L, 2);
    if (r->sc[i].name == NULL) {  /* a result with a name missing would hand NULL to the caller */
      lua_pop(L, 1);
      r->ref = LUA_NOREF;
      budget_result_free(r);
      return BUDGET_ENOMEM;
    }
  }
  r->ref = luaL_ref(L, LUA_REGISTRYINDEX);
  *out = r;
  return BUDGET_OK;
}

budget_status budget_run_file(budget_engine *e, budget_model *m, const char *path, const budget_param *params,
                              size_t nparams, budget_result **out) {
  FILE *f;
  char *buf;
  long n;
  budget_status rc;
  if (path == NULL || (f = fopen(path, "rb")) == NULL) {
    set_err(e, "cannot read the script");
    return BUDGET_ENOTFOUND;
  }
  if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
    fclose(f);
    set_err(e, "cannot read the script");
    return BUDGET_EIO;
  }
  if ((buf = zalloc(e, (size_t)n + 1, 1)) == NULL) {
    fclose(f);
    set_err(e, "not enough memory");
    return BUDGET_ENOMEM;
  }
  if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
    zfree(e, buf, (size_t)n + 1, 1);
    fclose(f);
    set_err(e, "cannot read the script");
    return BUDGET_EIO;
  }
  fclose(f);
  rc = budget_run(e, m, buf, (size_t)n, path, params, nparams, out);
  zfree(e, buf, (size_t)n + 1, 1);
  return rc;
}

void budget_result_free(budget_result *r) {
  size_t i;
  budget_engine *e;
  if (r == NULL) return;
  e = r->e;
  luaL_unref(e->L, LUA_REGISTRYINDEX, r->ref);
  for (i = 0; i < r->n; i++) {
    free_str(e, r->sc[i].name);
    if (r->sc[i].loaded) free_violations(e, r->sc[i].v, r->sc[i].nv, r->sc[i].nv + 1);
  }
  zfree(e, r->sc, r->n + 1, sizeof *r->sc);
  zfree(e, r, 1, sizeof *r);
}

size_t budget_result_scenarios(const budget_result *r) {
  return r ? r->n : 0;
}

const char *budget_result_name(const budget_result *r, size_t i) {
  return (r && i < r->n) ? r->sc[i].name : NULL;
}

/* Pushes scenario i of r. */
static void push_scenario(const budget_result *r, size_t i) {
  lua_rawgeti(r->e->L, LUA_REGISTRYINDEX, r->ref);
  lua_geti(r->e->L, -1, (lua_Integer)i + 1);
  lua_remove(r->e->L, -2);
}

budget_status budget_result_total(budget_result *r, size_t i, const char *ref, int64_t *fen) {
  budget_engine *e = r->e;
  budget_status rc;
  if (i >= r->n) return BUDGET_ENOTFOUND;
  push_api(e, "total");
  push_scenario(r, i);
  if (ref) lua_pushstring(e->L, ref);
  else lua_pushnil(e->L);
  if ((rc = pcall_api(e, 2, 1)) != BUDGET_OK) return rc == BUDGET_ESCRIPT ? lookup_status(e) : rc;
  *fen = (int64_t)lua_tointeger(e->L, -1);
  lua_pop(e->L, 1);
  return BUDGET_OK;
}

static char *field_string(budget_engine *e, const char *k) {
  lua_State *L = e->L;
  const char *s;
  char *copy;
  lua_getfield(L, -1, k);
  s = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";  /* no conversion: it could raise */
  copy = dup(e, s);
  lua_pop(L, 1);
  return copy;
}

static int64_t field_fen(lua_State *L, const char *k) {
  int64_t v;
  lua_getfield(L, -1, k);
  v = (int64_t)lua_tointeger(L, -1);
  lua_pop(L, 1);
  return v;
}

/* Copies scenario i's violations out of Lua, once; on failure nothing is kept, so a later call tries again. */
static budget_status load_violations(budget_result *r, size_t i) {
  budget_engine *e = r->e;
  lua_State *L = e->L;
  scenario_out *sc = &r->sc[i];
  budget_violation *list;
  size_t n, k;
  budget_status rc;
  if (sc->loaded) return BUDGET_OK;
  push_api(e, "violations");
  push_scenario(r, i);
  if ((rc = pcall_api(e, 1, 1)) != BUDGET_OK) return rc;
  n = (size_t)luaL_len(L, -1);
  list = zalloc(e, n + 1, sizeof *list);
  if (list == NULL) {
    lua_pop(L, 1);
    return BUDGET_ENOMEM;
  }
  for (k = 0; k < n; k++) {
    budget_violation *v = &list[k];
    lua_geti(L, -1, (lua_Integer)k + 1);
    v->rule = field_string(e, "rule");
    v->severity = field_string(e, "severity");
    v->members = field_string(e, "members");
    v->message = field_string(e, "message");
    v->found = field_fen(L, "found");
    v->expected = field_fen(L, "expected");
    v->difference = field_fen(L, "difference");
    lua_pop(L, 1);
    if (!v->rule || !v->severity || !v->members || !v->message) {
      free_violations(e, list, k + 1, n + 1);
      lua_pop(L, 1);
      return BUDGET_ENOMEM;
    }
  }
  sc->v = list;
  sc->nv = n;
  sc->loaded = true;  /* sc->v holds n + 1 entries: the count freed with is nv + 1 */
  lua_pop(L, 1);
  return BUDGET_OK;
}

size_t budget_result_violations(const budget_result *r, size_t i) {
  budget_result *w = (budget_result *)(size_t)r;  /* the count is read on first use and kept */
  if (r == NULL || i >= r->n || load_violations(w, i) != BUDGET_OK) return 0;
  return r->sc[i].nv;
}

budget_status budget_result_violation(const budget_result *r, size_t i, size_t k, budget_violation *v) {
  budget_result *w = (budget_result *)(size_t)r;
  budget_status rc;
  if (r == NULL || i >= r->n) return BUDGET_ENOTFOUND;
  if ((rc = load_violations(w, i)) != BUDGET_OK) return rc;
  if (k >= r->sc[i].nv) return BUDGET_ENOTFOUND;
  *v = r->sc[i].v[k];
  return BUDGET_OK;
}

budget_status budget_result_report_text(budget_result *r, size_t i, const char *format, char **text, size_t *len) {
  budget_engine *e = r->e;
  char *copy;
  const char *s;
  size_t n;
  budget_status rc;
  if (i >= r->n) return BUDGET_ENOTFOUND;
  push_api(e, "report");
  push_scenario(r, i);
  lua_pushstring(e->L, format ? format : "table");
  if ((rc = pcall_api(e, 2, 1)) != BUDGET_OK) return strstr(e->errmsg, "unknown format") ? BUDGET_EINVAL : rc;
  s = lua_tolstring(e->L, -1, &n);
  if ((copy = handout_new(e, n)) == NULL) {
    lua_pop(e->L, 1);
    set_err(e, "not enough memory");
    return BUDGET_ENOMEM;
  }
  memcpy(copy, s, n);
  copy[n] = '\0';
  *text = copy;
  if (len) *len = n;
  lua_pop(e->L, 1);
  return BUDGET_OK;
}

budget_status budget_result_report(budget_result *r, size_t i, const char *format, FILE *f) {
  char *text;
  size_t len;
  budget_status rc = budget_result_report_text(r, i, format, &text, &len);
  if (rc) return rc;
  if (fwrite(text, 1, len, f) != len) rc = BUDGET_EIO;
  budget_free(text);
  return rc;
}

void budget_free(void *p) {
  handout *h;
  mem_allocator A;
  if (p == NULL) return;
  h = (handout *)p - 1;
  A = h->A;
  mem_free(&A, h, h->size, 1);
}

/* }================================================================== */

/* {==================================================================
** The command line
** =================================================================== */

int budget_command(budget_engine *e, int argc, char **argv) {
  int status = 2;
  if (script_cli(e->s, argc, argv, &status) != BUDGET_OK) {
    fprintf(stderr, "budget: internal error: %s\n", script_errmsg(e->s));
    return 2;
  }
  return status;
}

void budget_engine_interrupt_on(budget_engine *e, volatile sig_atomic_t *flag) {
  script_set_interrupt(e->s, flag);
}

/* }================================================================== */

/* {==================================================================
** Amounts
** =================================================================== */

budget_status budget_money_format(int64_t fen, char *buf, size_t size) {
  return money_format(NULL, fen, NULL, buf, size, NULL);
}

budget_status budget_money_parse(const char *text, int64_t *fen) {
  money m;
  budget_status rc;
  if (text == NULL) return BUDGET_EINVAL;
  rc = money_parse(text, strlen(text), &m, NULL);
  if (rc == BUDGET_OK) *fen = m;
  return rc;
}

/* }================================================================== */
