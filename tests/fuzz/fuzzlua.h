/*
** tests/fuzz/fuzzlua.h
** What the fuzz targets that drive the engine's Lua share: one Lua state for
** the whole run, a chunk compiled once, the call of a module's function on
** the input, and the line between an answer and a finding: an error that is a
** message about the input is an answer; an error that is not a string, or is
** one of Lua's own (it starts at an engine file: 'engine/lua/x.lua:9: attempt
** to ...'), is a bug, and aborts so that libFuzzer keeps the input.
** See LICENSE for copyright and license.
*/
#ifndef FUZZLUA_H
#define FUZZLUA_H

/* The helpers are 'static inline' so that a target that needs only some of them builds
   without warnings; each target is one translation unit. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lauxlib.h"
#include "bind/lbind.h"
#include "lua.h"
#include "lualib.h"

/* The target's name, for findings: each target defines FUZZ_NAME before including this header. */
#ifndef FUZZ_NAME
#error "define FUZZ_NAME (the target's name) before including fuzzlua.h"
#endif


/* Reports a finding and aborts: libFuzzer keeps the input that led here. */
static inline void fuzz_finding(const char *what, const char *msg) {
  fprintf(stderr, "%s: %s: %s\n", FUZZ_NAME, what, msg != NULL ? msg : "?");
  abort();
}

/* An error from lua_pcall (on top): fine if it is a message about the input, a finding otherwise.
   The engine's messages about an input start with the input's name ('fuzz.txt:12: ...'); Lua's
   own errors in the engine's code start where they happened ('engine/lua/x.lua:531: attempt to
   index ...'), as do a binding's argument errors. The input's text may be quoted in a message,
   so only the start tells. */
static inline void fuzz_check_error(lua_State *L, int rc) {
  const char *msg;
  if (rc != LUA_ERRRUN) fuzz_finding("not a run-time error", lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "?");
  if (lua_type(L, -1) != LUA_TSTRING) fuzz_finding("an error that is not a string", luaL_typename(L, -1));
  msg = lua_tostring(L, -1);
  if (strncmp(msg, "engine/", 7) == 0 || strncmp(msg, "[string", 7) == 0 || strncmp(msg, "[C]", 3) == 0)
    fuzz_finding("a Lua error, not a message", msg);
}

/* The Lua lines a run reaches, as libFuzzer's extra coverage counters: libFuzzer instruments
   the C it builds, not the Lua that Debian's liblua runs, so without these it could not tell an
   input that reaches new importer code from one that does not. A counter a (chunk, line). */
#define FUZZ_LUA_COUNTERS (1u << 16)
__attribute__((section("__libfuzzer_extra_counters"), used))
static unsigned char fuzz_lua_counters[FUZZ_LUA_COUNTERS];

static inline void fuzz_line_hook(lua_State *L, lua_Debug *ar) {
  size_t h;
  if (!lua_getinfo(L, "S", ar)) return;
  h = (size_t)(const void *)ar->source * 31u + (size_t)ar->currentline;  /* interned: one pointer a chunk */
  h ^= h >> 15;
  fuzz_lua_counters[h % FUZZ_LUA_COUNTERS]++;
}

/* The one Lua state of the run, with the engine's modules: libFuzzer calls a target many times. */
static inline lua_State *fuzz_state(void) {
  static lua_State *state;
  if (state == NULL) {
    state = luaL_newstate();
    if (state == NULL) fuzz_finding("luaL_newstate", "out of memory");
    luaL_openlibs(state);
    luaL_requiref(state, "budget", luaopen_budget, 1);
    lua_settop(state, 0);
    lua_sethook(state, fuzz_line_hook, LUA_MASKLINE, 0);
  }
  return state;
}

/* A chunk compiled once and kept in the registry under *ref. [-0, +1, -] */
static inline void fuzz_chunk(lua_State *L, int *ref, const char *code, size_t len, const char *name) {
  if (*ref == LUA_NOREF) {
    if (luaL_loadbuffer(L, code, len, name) != LUA_OK) fuzz_finding(name, lua_tostring(L, -1));
    *ref = luaL_ref(L, LUA_REGISTRYINDEX);
  }
  lua_rawgeti(L, LUA_REGISTRYINDEX, *ref);
}

/* Pushes require(module)[field]. [-0, +1, -] */
static inline void fuzz_function(lua_State *L, const char *module, const char *field) {
  lua_getglobal(L, "require");
  lua_pushstring(L, module);
  if (lua_pcall(L, 1, 1, 0) != LUA_OK) fuzz_finding("require", lua_tostring(L, -1));
  lua_getfield(L, -1, field);
  lua_remove(L, -2);
}

/* The end of a run: the stack emptied, a full collection now and then. */
static inline void fuzz_done(lua_State *L) {
  static unsigned long runs;
  lua_settop(L, 0);
  if (++runs % 64 == 0) lua_gc(L, LUA_GCCOLLECT, 0);
}

#endif
