/*
** tests/fuzz/fuzz_tables.c
** libFuzzer target: any bytes as a document's text, through the text reader
** (budget.import.source's read) to the find-tables stage (budget.import.tables'
** find, with every template of budget.import.templates). Either may refuse them
** with an error that says why (not a text, not a budget this importer knows); it
** must never crash, hang, leak or trip a sanitizer, and never fail as a bug
** does: an error that is not a string, or that is one of Lua's own (it names an
** engine file, 'engine/lua/...', or says 'attempt to index', 'attempt to call',
** 'attempt to compare', 'attempt to perform arithmetic' and the like, 'bad
** argument'). What it finds is a template of templates.all and its tables, each
** with a kind of that template, a title and its lines.
** See LICENSE for copyright and license.
*/
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lauxlib.h"
#include "lbudget.h"
#include "lua.h"
#include "lualib.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Runs the two stages on the bytes; returns what find found and the templates, for CHECK. */
static const char RUN[] =
  "local source, tables, templates, bytes = ...\n"
  "local src = source.read(bytes, 'fuzz.txt')\n"
  "return tables.find(src, templates.all), templates.all\n";

/* What find must give: returns nil, or what is wrong with it. */
static const char CHECK[] =
  "local found, all = ...\n"
  "if type(found) ~= 'table' or type(found.tables) ~= 'table' then return 'find gave no tables' end\n"
  "local known\n"
  "for _, t in ipairs(all) do if t == found.template then known = t end end\n"
  "if not known then return 'a template not in templates.all' end\n"
  "local kinds = {}\n"
  "for _, k in ipairs(known.kinds) do kinds[k] = true end\n"
  "for i, t in ipairs(found.tables) do\n"
  "  if not kinds[t.kind] then return 'table ' .. i .. ': a kind not of ' .. tostring(known.name) end\n"
  "  if type(t.title) ~= 'string' or type(t.lines) ~= 'table' or type(t.title_line) ~= 'table' then\n"
  "    return 'table ' .. i .. ': no title or lines' end\n"
  "end\n";

/* Lua's own errors: a bug in a stage, never an answer about the document. */
static const char *const BUG[] = {"engine/lua/", "attempt to ", "bad argument", "stack overflow", NULL};

static void finding(const char *what, const char *msg) {
  fprintf(stderr, "fuzz_tables: %s: %s\n", what, msg);
  abort();
}

/* An error from pcall: fine if it is a message about the document, a finding otherwise. */
static void check_error(lua_State *L, int rc) {
  const char *msg;
  int i;
  if (rc != LUA_ERRRUN) finding("not a run-time error", lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "?");
  if (lua_type(L, -1) != LUA_TSTRING) finding("an error that is not a string", luaL_typename(L, -1));
  msg = lua_tostring(L, -1);
  for (i = 0; BUG[i] != NULL; i++)
    if (strstr(msg, BUG[i]) != NULL) finding("a Lua error, not a message", msg);
}

/* A chunk compiled once, kept in the registry. [-0, +1, -] */
static void push_chunk(lua_State *L, int *ref, const char *code, size_t len, const char *name) {
  if (*ref == LUA_NOREF) {
    if (luaL_loadbuffer(L, code, len, name) != LUA_OK) finding(name, lua_tostring(L, -1));
    *ref = luaL_ref(L, LUA_REGISTRYINDEX);
  }
  lua_rawgeti(L, LUA_REGISTRYINDEX, *ref);
}

static const char *const MODULES[] = {"budget.import.source", "budget.import.tables", "budget.import.templates", NULL};

/* One Lua state for the whole run: libFuzzer calls the target many times in one process. */
static lua_State *state;
static int run_ref = LUA_NOREF, check_ref = LUA_NOREF;
static unsigned long runs;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  lua_State *L = state;
  int rc, i;
  if (L == NULL) {
    L = state = luaL_newstate();
    luaL_openlibs(L);
    luaL_requiref(L, "budget", luaopen_budget, 1);
    lua_settop(L, 0);
  }
  push_chunk(L, &check_ref, CHECK, sizeof CHECK - 1, "=check");
  push_chunk(L, &run_ref, RUN, sizeof RUN - 1, "=run");
  for (i = 0; MODULES[i] != NULL; i++) {
    lua_getglobal(L, "require");
    lua_pushstring(L, MODULES[i]);
    if (lua_pcall(L, 1, 1, 0) != LUA_OK) finding("require", lua_tostring(L, -1));
  }
  lua_pushlstring(L, (const char *)data, size);
  rc = lua_pcall(L, 4, 2, 0);  /* an error is an answer, if it is one about the document */
  if (rc != LUA_OK) {
    check_error(L, rc);
  } else {
    if (lua_pcall(L, 2, 1, 0) != LUA_OK) finding("check failed", lua_tostring(L, -1));
    if (!lua_isnil(L, -1)) finding("tables that break the promise", lua_tostring(L, -1));
  }
  lua_settop(L, 0);
  if (++runs % 64 == 0) lua_gc(L, LUA_GCCOLLECT, 0);
  return 0;
}
