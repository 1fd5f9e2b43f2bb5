/*
** engine/bind/lguard.c
** The sandbox's side of the binding (engine/host/guard.h): budget.guarded runs
** a function under a run's limits, and the standard functions a script could
** use to loop or allocate where the hook never looks are bounded here:
** pcall and xpcall that cannot catch a limit, setmetatable without finalizers,
** string.rep, table.move, table.insert and table.remove charged for their work.
** See LICENSE for copyright and license.
*/
#include "lbind.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "host/guard.h"

/* A number field of the limits table at idx, or 'dflt'. */
static lua_Number limit_field(lua_State *L, int idx, const char *key, lua_Number dflt) {
  lua_Number n;
  int isnum;
  lua_getfield(L, idx, key);
  n = lua_isnil(L, -1) ? dflt : lua_tonumberx(L, -1, &isnum);
  if (!lua_isnil(L, -1) && !isnum) luaL_error(L, "budget.guarded: limit '%s' must be a number", key);
  lua_pop(L, 1);
  return n;
}

/* An integer limit from a number, saturated: a limit of 1e300 steps is no limit to speak of. */
static int64_t as_count(lua_Number n) {
  if (!(n > 0)) return 0;
  if (n >= 9.2e18) return INT64_MAX;
  return (int64_t)n;
}

/*
** budget.guarded({steps=, seconds=, memory=, what=, hints=}, name, f, ...) → true, results... | false, message,
** "limit"|"script": f(...) under the limits (nested: under the outer run's), messages naming the file 'name'.
** [-0, +?, e]
*/
static int l_guarded(lua_State *L) {
  guard_limits lim;
  char what[16];
  const char *name;
  luaL_checktype(L, 1, LUA_TTABLE);
  name = luaL_checkstring(L, 2);  /* anchored at 2 for the run */
  luaL_checktype(L, 3, LUA_TFUNCTION);
  lim.max_steps = as_count(limit_field(L, 1, "steps", 0));
  lim.max_seconds = limit_field(L, 1, "seconds", 0);
  lim.max_memory = as_count(limit_field(L, 1, "memory", 0));
  lua_getfield(L, 1, "what");
  snprintf(what, sizeof what, "%s", lua_isstring(L, -1) ? lua_tostring(L, -1) : "script");
  lua_getfield(L, 1, "hints");
  lim.hints = lua_toboolean(L, -1);
  lua_pop(L, 2);
  lim.what = what;
  return guard_run(L, &lim, name, lua_gettop(L) - 3);
}

/* budget.guard_charge(n): charges n units of work to the run (for the engine's own Lua loops). [-0, +0, e] */
static int l_charge(lua_State *L) {
  lua_Integer n = luaL_checkinteger(L, 1);
  guard_charge(L, n > 0 ? (size_t)n : 0);
  return 0;
}

/* setmetatable for scripts: no __gc, since Lua runs finalizers with the hook off, outside every limit. */
static int l_setmetatable(lua_State *L) {
  int t = lua_type(L, 2);
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
  if (t == LUA_TTABLE) {
    lua_pushliteral(L, "__gc");
    if (lua_rawget(L, 2) != LUA_TNIL)
      return luaL_error(L, "setmetatable: a script's metatable may not have __gc (a finalizer runs outside the "
                           "script's limits)");
    lua_pop(L, 1);
  }
  if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL) return luaL_error(L, "cannot change a protected metatable");
  lua_settop(L, 2);
  lua_setmetatable(L, 1);
  return 1;
}

/* Calls upvalue 'up' with everything on the stack as its arguments; its results are the stack. [-n, +r, e] */
static int call_upvalue(lua_State *L, int up, int nresults) {
  lua_pushvalue(L, lua_upvalueindex(up));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, nresults);
  return lua_gettop(L);
}

/* string.rep, charged for its repetitions and checked against the memory it will take before it starts. */
static int l_rep(lua_State *L) {
  size_t l, lsep, total;
  luaL_checklstring(L, 1, &l);
  lua_Integer n = luaL_checkinteger(L, 2);
  luaL_optlstring(L, 3, "", &lsep);
  if (n <= 0 || l + lsep == 0) {  /* Lua's own loop would run n times for an empty result */
    lua_pushliteral(L, "");
    return 1;
  }
  if (l + lsep < l || (size_t)n > (SIZE_MAX / 2) / (l + lsep)) return luaL_error(L, "resulting string too large");
  total = (size_t)n * (l + lsep);
  guard_reserve(L, total);
  guard_charge(L, (size_t)n / 16 + total / 64);  /* a step is about the work of a Lua instruction */
  return call_upvalue(L, 1, 1);
}

/* table.move, charged one unit an element before Lua's own does the moving. */
static int l_move(lua_State *L) {
  lua_Integer f = luaL_checkinteger(L, 2), e = luaL_checkinteger(L, 3);
  if (e >= f) {
    lua_Unsigned n = (lua_Unsigned)e - (lua_Unsigned)f + 1u;
    guard_charge(L, n > SIZE_MAX / 2 ? SIZE_MAX / 2 : (size_t)n);
  }
  return call_upvalue(L, 1, LUA_MULTRET);
}

/* The length of the table at 1 as table.insert and table.remove take it (its __len once). */
static lua_Integer length(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  return luaL_len(L, 1);
}

/* table.insert(t, [pos,] v), charged for the elements it shifts. */
static int l_insert(lua_State *L) {
  lua_Integer e = (lua_Integer)((lua_Unsigned)length(L) + 1u), pos, i;  /* the first empty element */
  switch (lua_gettop(L)) {
    case 2: pos = e; break;
    case 3:
      pos = luaL_checkinteger(L, 2);
      luaL_argcheck(L, (lua_Unsigned)pos - 1u < (lua_Unsigned)e, 2, "position out of bounds");
      guard_charge(L, (size_t)(e - pos));
      for (i = e; i > pos; i--) {
        lua_geti(L, 1, i - 1);
        lua_seti(L, 1, i);
      }
      break;
    default: return luaL_error(L, "wrong number of arguments to 'insert'");
  }
  lua_seti(L, 1, pos);
  return 0;
}

/* table.remove(t [, pos]), charged for the elements it shifts. */
static int l_remove(lua_State *L) {
  lua_Integer size = length(L), pos = luaL_optinteger(L, 2, size);
  if (pos != size) luaL_argcheck(L, (lua_Unsigned)pos - 1u <= (lua_Unsigned)size, 2, "position out of bounds");
  lua_geti(L, 1, pos);
  if (pos < size) guard_charge(L, (size_t)(size - pos));
  for (; pos < size; pos++) {
    lua_geti(L, 1, pos + 1);
    lua_seti(L, 1, pos);
  }
  lua_pushnil(L);
  lua_seti(L, 1, pos);
  return 1;
}

/* The function a shielded object's method becomes (engine/lua/shield.lua): upvalue 2 takes the shields off
** the arguments, upvalue 1 runs on them, upvalue 3 shields the results. A C frame, so that the engine's
** error levels and step lines still find the script's own frame above it. [-?, +?, e] */
static int call_shielded(lua_State *L) {
  call_upvalue(L, 2, LUA_MULTRET);  /* unwrap(...) */
  call_upvalue(L, 1, LUA_MULTRET);  /* f(...) */
  luaL_checkstack(L, 2, "shielded results");
  return call_upvalue(L, 3, LUA_MULTRET);  /* wrap(...) */
}

/* budget.shield_caller(f, unwrap, wrap) → the C function a script calls for f. [-0, +1, m] */
static int l_shield_caller(lua_State *L) {
  luaL_checktype(L, 1, LUA_TFUNCTION);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  luaL_checktype(L, 3, LUA_TFUNCTION);
  lua_settop(L, 3);
  lua_pushcclosure(L, call_shielded, 3);
  return 1;
}

/* Replaces t[name] (t at idx) by f with the old value as upvalue 1. */
static void wrap(lua_State *L, int idx, const char *name, lua_CFunction f) {
  idx = lua_absindex(L, idx);
  lua_getfield(L, idx, name);
  lua_pushcclosure(L, f, 1);
  lua_setfield(L, idx, name);
}

void lbind_bound_libraries(lua_State *L, int string_idx, int table_idx) {
  if (string_idx != 0) {
    string_idx = lua_absindex(L, string_idx);
    wrap(L, string_idx, "rep", l_rep);
    lua_pushvalue(L, string_idx);
    lbind_open_patterns(L);
    lua_pop(L, 1);
    lua_pushnil(L);
    lua_setfield(L, string_idx, "dump");  /* the engine's own functions as bytecode: nothing a script needs */
  }
  if (table_idx != 0) {
    table_idx = lua_absindex(L, table_idx);
    wrap(L, table_idx, "move", l_move);
    lua_pushcfunction(L, l_insert);
    lua_setfield(L, table_idx, "insert");
    lua_pushcfunction(L, l_remove);
    lua_setfield(L, table_idx, "remove");
  }
}

/* budget.bound_libraries(string, table): bounds the functions of the two tables in place. [-0, +0, e] */
static int l_bound_libraries(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checktype(L, 2, LUA_TTABLE);
  lbind_bound_libraries(L, 1, 2);
  return 0;
}

void lbind_open_guard(lua_State *L) {
  static const luaL_Reg fns[] = {{"guarded", l_guarded},           {"guard_charge", l_charge},
                                 {"guard_pcall", guard_pcall},     {"guard_xpcall", guard_xpcall},
                                 {"guard_setmetatable", l_setmetatable}, {"bound_libraries", l_bound_libraries},
                                 {"shield_caller", l_shield_caller},
                                 {NULL, NULL}};
  guard_open(L);
  luaL_setfuncs(L, fns, 0);
}
