/*
** engine/api.c
** The C API of engine/budget.h over one Lua state per engine: models and
** results are Lua values kept in the registry; each call runs a function of
** engine/lua/api.lua inside one protected call (arguments pushed and results
** read there too). A failure's status is the one the failing code returned,
** carried as a value; the message is attached, never read for the status.
** See LICENSE for copyright and license.
*/
#include "budget.h"

#include <limits.h>
#include <string.h>

#include "core/money.h"
#include "host/script.h"
#include "lauxlib.h"
#include "lua.h"

struct budget_engine {
  mem_allocator A;    /* the host's hooks (budget_options.alloc) or the C library's */
  script *s;
  lua_State *L;
  budget_options opts;
  int opts_ref;       /* the sandbox options as a Lua table */
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
** Calling engine/lua/api.lua: everything inside one protected call
** =================================================================== */

/* The engine's message is its state's (engine/host/script.h): one buffer, whoever failed. */
static void set_err(budget_engine *e, const char *msg) {
  script_set_errmsg(e->s, msg);
}

/* One argument of a call, pushed inside the protected call. */
typedef enum { ARG_NIL, ARG_STR, ARG_LSTR, ARG_REF, ARG_SCENARIO, ARG_PARAMS } arg_kind;

typedef struct api_arg {
  arg_kind kind;
  const char *s;               /* ARG_STR (NULL pushes nil), ARG_LSTR */
  size_t len;                  /* ARG_LSTR; ARG_PARAMS: how many */
  int ref;                     /* ARG_REF: a registry reference; ARG_SCENARIO: the result's */
  size_t i;                    /* ARG_SCENARIO: which scenario */
  const budget_param *params;  /* ARG_PARAMS */
} api_arg;

/*
** A call of api[fname](args...), which returns (value, nil, nil), or (nil, status, message)
** for a failure with its own status. 'take' reads the value into the caller's out-parameters,
** still inside the protected call; it returns a status of its own (ENOMEM for a C allocation).
*/
typedef struct api_call {
  budget_engine *e;
  const char *fname;
  const api_arg *args;
  int nargs;
  budget_status (*take)(lua_State *L, struct api_call *c);
  void *out;
  budget_status rc;            /* what the call came to */
} api_call;

static void push_arg(lua_State *L, const api_arg *a) {
  size_t k;
  switch (a->kind) {
    case ARG_NIL: lua_pushnil(L); break;
    case ARG_STR:
      if (a->s) lua_pushstring(L, a->s);
      else lua_pushnil(L);
      break;
    case ARG_LSTR: lua_pushlstring(L, a->s, a->len); break;
    case ARG_REF: lua_rawgeti(L, LUA_REGISTRYINDEX, a->ref); break;
    case ARG_SCENARIO:
      lua_rawgeti(L, LUA_REGISTRYINDEX, a->ref);
      lua_geti(L, -1, (lua_Integer)a->i + 1);
      lua_remove(L, -2);
      break;
    case ARG_PARAMS:
      lua_createtable(L, 0, a->len < INT_MAX ? (int)a->len : 0);
      for (k = 0; k < a->len; k++) {
        lua_pushstring(L, a->params[k].value ? a->params[k].value : "");
        lua_setfield(L, -2, a->params[k].name ? a->params[k].name : "");
      }
      break;
  }
}

/* [-0, +0, e] The body of every call: runs api[fname] and hands its value to 'take'. */
static int call_body(lua_State *L) {
  api_call *c = lua_touserdata(L, 1);
  int i;
  luaL_checkstack(L, c->nargs + 4, "the C API's arguments");
  lua_getglobal(L, "require");
  lua_pushliteral(L, "budget.api");
  lua_call(L, 1, 1);
  lua_getfield(L, -1, c->fname);
  lua_remove(L, -2);
  for (i = 0; i < c->nargs; i++) push_arg(L, &c->args[i]);
  lua_call(L, c->nargs, 3);
  if (lua_isnil(L, -3) && lua_isinteger(L, -2)) {  /* a failure with the status of the code that failed */
    const char *msg = lua_tostring(L, -1);
    set_err(c->e, msg ? msg : status_str((budget_status)lua_tointeger(L, -2)));
    c->rc = (budget_status)lua_tointeger(L, -2);
    return 0;
  }
  lua_pop(L, 2);
  set_err(c->e, "");
  c->rc = c->take ? c->take(L, c) : BUDGET_OK;
  return 0;
}

static budget_status call_api(api_call *c) {
  budget_engine *e = c->e;
  budget_status rc = script_pcall(e->s, call_body, c);
  if (rc) {  /* an error no api.lua function caught: memory, a limit, a bug (script_pcall kept the message) */
    if (script_errmsg(e->s)[0] == '\0') set_err(e, status_str(rc));
    return rc;
  }
  script_settle(e->s);
  if (c->rc && script_errmsg(e->s)[0] == '\0') set_err(e, status_str(c->rc));
  return c->rc;
}

/* The value as a count of fen, into *(int64_t *)out. */
static budget_status take_integer(lua_State *L, api_call *c) {
  *(int64_t *)c->out = (int64_t)lua_tointeger(L, -1);
  return BUDGET_OK;
}

/* }================================================================== */

/* {==================================================================
** Engines
** =================================================================== */

const char *budget_status_str(budget_status rc) { return status_str(rc); }
const char *budget_version(void) { return BUDGET_VERSION; }

/* [-0, +0, e] The sandbox options every run is given, as a Lua table in the registry. */
static int options_body(lua_State *L) {
  budget_engine *e = lua_touserdata(L, 1);
  const budget_options *o = &e->opts;
  size_t i;
  lua_createtable(L, 0, 6);
  lua_pushinteger(L, (lua_Integer)o->max_memory);
  lua_setfield(L, -2, "max_memory");
  lua_pushinteger(L, (lua_Integer)(o->max_steps > (uint64_t)LUA_MAXINTEGER ? (uint64_t)LUA_MAXINTEGER : o->max_steps));
  lua_setfield(L, -2, "max_steps");
  lua_pushnumber(L, o->max_seconds);
  lua_setfield(L, -2, "max_seconds");
  lua_pushboolean(L, o->trusted);
  lua_setfield(L, -2, "trusted");
  lua_createtable(L, o->nallow < INT_MAX ? (int)o->nallow : 0, 0);
  for (i = 0; i < o->nallow; i++) {
    lua_pushstring(L, o->allow[i]);
    lua_seti(L, -2, (lua_Integer)i + 1);
  }
  lua_setfield(L, -2, "allow");
  e->opts_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  return 0;
}

budget_status budget_engine_new(const budget_options *opts, budget_engine **out) {
  budget_engine *e;
  mem_allocator A = *mem_default();
  budget_options o;
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
  if ((rc = script_new(&e->A, 0, luaopen_budget, &e->s)) == BUDGET_OK) {
    e->L = script_state(e->s);
    if ((rc = script_pcall(e->s, options_body, e)) == BUDGET_OK) script_settle(e->s);
  }
  if (rc) {
    script_free(e->s);
    zfree(e, e, 1, sizeof *e);
    return rc;
  }
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
  return e ? script_errmsg(e->s) : "no engine";
}

/* }================================================================== */

/* {==================================================================
** Models
** =================================================================== */

/* The model on top, kept in the registry, into *(int *)out. */
static budget_status take_ref(lua_State *L, api_call *c) {
  *(int *)c->out = luaL_ref(L, LUA_REGISTRYINDEX);
  return BUDGET_OK;
}

static budget_status keep_model(budget_engine *e, api_call *c, budget_model **out) {
  budget_model *m;
  int ref = LUA_NOREF;
  budget_status rc;
  c->take = take_ref;
  c->out = &ref;
  if ((rc = call_api(c)) != BUDGET_OK) return rc;
  if ((m = zalloc(e, 1, sizeof *m)) == NULL) {
    luaL_unref(e->L, LUA_REGISTRYINDEX, ref);
    set_err(e, "not enough memory");
    return BUDGET_ENOMEM;
  }
  m->e = e;
  m->ref = ref;
  *out = m;
  return BUDGET_OK;
}

budget_status budget_model_load(budget_engine *e, const char *path, budget_model **out) {
  api_arg args[] = {{ARG_STR, path, 0, 0, 0, NULL}};
  api_call c = {e, "load", args, 1, NULL, NULL, BUDGET_OK};
  if (path == NULL) return BUDGET_EINVAL;
  return keep_model(e, &c, out);
}

budget_status budget_model_load_string(budget_engine *e, const char *text, size_t len, const char *name,
                                       budget_model **out) {
  api_arg args[] = {{ARG_LSTR, text, len, 0, 0, NULL}, {ARG_STR, name ? name : "(model)", 0, 0, 0, NULL}};
  api_call c = {e, "load_string", args, 2, NULL, NULL, BUDGET_OK};
  if (text == NULL) return BUDGET_EINVAL;
  return keep_model(e, &c, out);
}

void budget_model_free(budget_model *m) {
  if (m == NULL) return;
  luaL_unref(m->e->L, LUA_REGISTRYINDEX, m->ref);
  zfree(m->e, m, 1, sizeof *m);
}

budget_status budget_model_total(budget_model *m, const char *ref, int64_t *fen) {
  api_arg args[] = {{ARG_REF, NULL, 0, m->ref, 0, NULL}, {ARG_STR, ref, 0, 0, 0, NULL}};
  int64_t v;
  api_call c = {m->e, "total", args, 2, take_integer, &v, BUDGET_OK};
  budget_status rc = call_api(&c);
  if (rc == BUDGET_OK) *fen = v;
  return rc;
}

budget_status budget_model_check(budget_model *m, size_t *violations) {
  api_arg args[] = {{ARG_REF, NULL, 0, m->ref, 0, NULL}};
  int64_t n;
  api_call c = {m->e, "check", args, 1, take_integer, &n, BUDGET_OK};
  budget_status rc = call_api(&c);
  if (rc == BUDGET_OK) *violations = (size_t)n;
  return rc;
}

/* }================================================================== */

/* {==================================================================
** Running scripts and reading results
** =================================================================== */

/*
** The scenarios a run made (the plain array on top, made by api.lua): their names copied out,
** the array kept. Raw reads only, so no metamethod runs here; r->n is set as soon as r->sc is
** made, so that budget_result_free frees what is there whatever stops this midway (a raise
** of memory jumps out of it).
*/
static budget_status take_run(lua_State *L, api_call *c) {
  budget_result *r = c->out;
  budget_engine *e = r->e;
  size_t i, n = lua_rawlen(L, -1);
  if ((r->sc = zalloc(e, n + 1, sizeof *r->sc)) == NULL) return BUDGET_ENOMEM;
  r->n = n;
  for (i = 0; i < n; i++) {
    lua_rawgeti(L, -1, (lua_Integer)i + 1);
    lua_pushliteral(L, "name");
    lua_rawget(L, -2);
    r->sc[i].name = dup(e, lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "");
    lua_pop(L, 2);
    if (r->sc[i].name == NULL) return BUDGET_ENOMEM;  /* a NULL name would reach the caller */
  }
  r->ref = luaL_ref(L, LUA_REGISTRYINDEX);
  return BUDGET_OK;
}

budget_status budget_run(budget_engine *e, budget_model *m, const char *script_text, size_t len, const char *name,
                         const budget_param *params, size_t nparams, budget_result **out) {
  budget_result *r;
  budget_status rc;
  if (script_text == NULL || m == NULL || m->e != e) return BUDGET_EINVAL;
  if ((r = zalloc(e, 1, sizeof *r)) == NULL) return BUDGET_ENOMEM;
  r->e = e;
  r->ref = LUA_NOREF;
  {
    api_arg args[] = {{ARG_REF, NULL, 0, m->ref, 0, NULL}, {ARG_LSTR, script_text, len, 0, 0, NULL},
                      {ARG_STR, name ? name : "(script)", 0, 0, 0, NULL}, {ARG_PARAMS, NULL, nparams, 0, 0, params},
                      {ARG_REF, NULL, 0, e->opts_ref, 0, NULL}};
    api_call c = {e, "run", args, 5, take_run, r, BUDGET_OK};
    rc = call_api(&c);
  }
  if (rc) {
    budget_result_free(r);
    return rc;
  }
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
  for (i = 0; r->sc && i < r->n; i++) {
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

budget_status budget_result_total(budget_result *r, size_t i, const char *ref, int64_t *fen) {
  api_arg args[] = {{ARG_SCENARIO, NULL, 0, r->ref, i, NULL}, {ARG_STR, ref, 0, 0, 0, NULL}};
  int64_t v;
  api_call c = {r->e, "total", args, 2, take_integer, &v, BUDGET_OK};
  budget_status rc;
  if (i >= r->n) return BUDGET_ENOTFOUND;
  if ((rc = call_api(&c)) == BUDGET_OK) *fen = v;
  return rc;
}

static char *field_string(budget_engine *e, lua_State *L, const char *k) {
  const char *s;
  char *copy;
  lua_getfield(L, -1, k);
  s = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";  /* no conversion of a number */
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

/* The violations on top, copied into the scenario_out at out; nothing kept on failure. */
static budget_status take_violations(lua_State *L, api_call *c) {
  scenario_out *sc = c->out;
  budget_engine *e = c->e;
  size_t n = (size_t)luaL_len(L, -1), k;
  budget_violation *list = zalloc(e, n + 1, sizeof *list);
  if (list == NULL) return BUDGET_ENOMEM;
  for (k = 0; k < n; k++) {
    budget_violation *v = &list[k];
    lua_geti(L, -1, (lua_Integer)k + 1);
    v->rule = field_string(e, L, "rule");
    v->severity = field_string(e, L, "severity");
    v->members = field_string(e, L, "members");
    v->message = field_string(e, L, "message");
    v->found = field_fen(L, "found");
    v->expected = field_fen(L, "expected");
    v->difference = field_fen(L, "difference");
    lua_pop(L, 1);
    if (!v->rule || !v->severity || !v->members || !v->message) {
      free_violations(e, list, k + 1, n + 1);
      return BUDGET_ENOMEM;
    }
  }
  sc->v = list;
  sc->nv = n;
  sc->loaded = true;  /* sc->v holds n + 1 entries: the count freed with is nv + 1 */
  return BUDGET_OK;
}

/* Copies scenario i's violations out of Lua, once; on failure nothing is kept, so a later call tries again. */
static budget_status load_violations(budget_result *r, size_t i) {
  api_arg args[] = {{ARG_SCENARIO, NULL, 0, r->ref, i, NULL}};
  api_call c = {r->e, "violations", args, 1, take_violations, &r->sc[i], BUDGET_OK};
  if (r->sc[i].loaded) return BUDGET_OK;
  return call_api(&c);
}

budget_status budget_result_violations(const budget_result *r, size_t i, size_t *count) {
  budget_result *w = (budget_result *)(size_t)r;  /* the list is read on first use and kept */
  budget_status rc;
  if (r == NULL || count == NULL) return BUDGET_EINVAL;
  if (i >= r->n) return BUDGET_ENOTFOUND;
  if ((rc = load_violations(w, i)) != BUDGET_OK) return rc;
  *count = r->sc[i].nv;
  return BUDGET_OK;
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

/* A report's text, copied into a handout: out points at {char **text; size_t *len}. */
typedef struct report_out {
  char *text;
  size_t len;
} report_out;

static budget_status take_text(lua_State *L, api_call *c) {
  report_out *o = c->out;
  size_t n;
  const char *s = lua_tolstring(L, -1, &n);
  if (s == NULL) return BUDGET_ESCRIPT;
  if ((o->text = handout_new(c->e, n)) == NULL) return BUDGET_ENOMEM;
  memcpy(o->text, s, n);
  o->text[n] = '\0';
  o->len = n;
  return BUDGET_OK;
}

budget_status budget_result_report_text(budget_result *r, size_t i, const char *format, char **text, size_t *len) {
  api_arg args[] = {{ARG_SCENARIO, NULL, 0, r->ref, i, NULL}, {ARG_STR, format ? format : "table", 0, 0, 0, NULL}};
  report_out o = {NULL, 0};
  api_call c = {r->e, "report", args, 2, take_text, &o, BUDGET_OK};
  budget_status rc;
  if (i >= r->n) return BUDGET_ENOTFOUND;
  if ((rc = call_api(&c)) != BUDGET_OK) return rc;
  *text = o.text;
  if (len) *len = o.len;
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

/* The command line, for cli_body. */
typedef struct cli_args {
  int argc;
  char **argv;
  int status;
} cli_args;

/* [-0, +0, e] require('budget.cli').main{argv[1], ...}, which prints its own output. */
static int cli_body(lua_State *L) {
  cli_args *a = lua_touserdata(L, 1);
  int i;
  lua_getglobal(L, "require");
  lua_pushliteral(L, "budget.cli");
  lua_call(L, 1, 1);
  lua_getfield(L, -1, "main");
  lua_createtable(L, a->argc, 0);
  for (i = 1; i < a->argc; i++) {
    lua_pushstring(L, a->argv[i]);
    lua_seti(L, -2, i);
  }
  lua_call(L, 1, 1);
  a->status = (int)luaL_optinteger(L, -1, 2);
  return 0;
}

int budget_command(budget_engine *e, int argc, char **argv) {
  cli_args a = {argc, argv, 2};
  if (script_pcall(e->s, cli_body, &a) != BUDGET_OK) {
    fprintf(stderr, "budget: internal error: %s\n", script_errmsg(e->s));
    return 2;
  }
  script_settle(e->s);
  return a.status;
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
