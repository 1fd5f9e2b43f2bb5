/*
** engine/bind/linit.c
** The 'budget' Lua module's opener (linit's job): the C types, the embedded Lua modules in
** package.preload, LPeg, and the Lua half of the API (budget.init).
** See LICENSE for copyright and license.
*/
#include "lbind.h"

#include <string.h>

#include "lauxlib.h"
#include "lua-lpeg.h"
#include "luasrc.h"
#include "budget.h"

/* package.preload loader for one embedded module; upvalue 1 is its lua_source. [-1, +1, e] */
static int load_embedded(lua_State *L) {
  const lua_source *src = lua_touserdata(L, lua_upvalueindex(1));
  const char *name = luaL_checkstring(L, 1);
  lua_pushfstring(L, "@%s", src->path);
  if (luaL_loadbufferx(L, src->chunk, src->len, lua_tostring(L, -1), "b") != LUA_OK) return lua_error(L);
  lua_pushstring(L, name);
  lua_call(L, 1, 1);
  return 1;
}

/* Puts every embedded module, and LPeg, into package.preload unless something is there already. */
static void preload(lua_State *L) {
  const lua_source *src;
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
  for (src = lua_sources; src->name != NULL; src++) {
    if (lua_getfield(L, -1, src->name) == LUA_TNIL) {
      lua_pushlightuserdata(L, (void *)(size_t)src);  /* cast: the sources are static and read-only */
      lua_pushcclosure(L, load_embedded, 1);
      lua_setfield(L, -3, src->name);
    }
    lua_pop(L, 1);
  }
  if (lua_getfield(L, -1, "lpeg") == LUA_TNIL) {
    lua_pushcfunction(L, luaopen_lpeg);
    lua_setfield(L, -3, "lpeg");
  }
  lua_pop(L, 2);
}

int luaopen_budget(lua_State *L) {
  preload(L);
  lua_newtable(L);
  lua_pushstring(L, BUDGET_VERSION);
  lua_setfield(L, -2, "version");
  lbind_open_status(L);
  lbind_open_money(L);
  lbind_open_text(L);
  lbind_open_core(L);
  lbind_open_bulk(L);
  lbind_open_scenario(L);
  lbind_open_json(L);
  lbind_open_file(L);
  lbind_open_spawn(L);
  lbind_open_batch(L);
  lbind_open_sys(L);
  lbind_open_guard(L);
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, &script_alloc_key) != LUA_TNIL) {
    /* the engine's own state: its string and table libraries are bounded for everyone, the
       engine's code as a script's, so that ("x"):rep and s:find through the strings' metatable are too */
    lua_getglobal(L, "string");
    lua_getglobal(L, "table");
    if (lua_istable(L, -1) && lua_istable(L, -2)) lbind_bound_libraries(L, -2, -1);
    lua_pop(L, 2);
  }
  lua_pop(L, 1);
  /* the Lua half extends the same table: budget.load and the rest */
  lua_getglobal(L, "require");
  lua_pushstring(L, "budget.init");
  lua_call(L, 1, 1);
  lua_pushvalue(L, -2);
  lua_call(L, 1, 0);
  return 1;
}
