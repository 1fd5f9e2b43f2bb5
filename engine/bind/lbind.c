/*
** engine/bind/lbind.c
** The binding's shared helpers (engine/bind/lbind.h).
** See LICENSE for copyright and license.
*/
#include "lbind.h"

void lbind_newclass(lua_State *L, const char *name, const luaL_Reg *meta, const luaL_Reg *methods) {
  if (luaL_newmetatable(L, name)) {
    if (meta) luaL_setfuncs(L, meta, 0);
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    if (methods) {
      lua_newtable(L);
      luaL_setfuncs(L, methods, 0);
      lua_setfield(L, -2, "__index");
    }
  }
  lua_pop(L, 1);
}

int lbind_fail(lua_State *L, const char *what, budget_status rc) {
  return luaL_error(L, "%s: %s", what, status_str(rc));
}

void lbind_addmethods(lua_State *L, const char *name, const luaL_Reg *methods) {
  luaL_getmetatable(L, name);
  lua_getfield(L, -1, "__index");
  luaL_setfuncs(L, methods, 0);
  lua_pop(L, 2);
}

void lbind_open_status(lua_State *L) {
  static const struct { const char *name; budget_status rc; } names[] = {
    {"ENOMEM", BUDGET_ENOMEM},       {"EOVERFLOW", BUDGET_EOVERFLOW}, {"ESYNTAX", BUDGET_ESYNTAX},
    {"EDIVZERO", BUDGET_EDIVZERO},   {"EINVAL", BUDGET_EINVAL},       {"ENOTFOUND", BUDGET_ENOTFOUND},
    {"EAMBIGUOUS", BUDGET_EAMBIGUOUS}, {"EDUPLICATE", BUDGET_EDUPLICATE}, {"EGRAIN", BUDGET_EGRAIN},
    {"EZEROWEIGHTS", BUDGET_EZEROWEIGHTS}, {"ENOTLEAF", BUDGET_ENOTLEAF}, {"ESTATE", BUDGET_ESTATE},
    {"ESPACE", BUDGET_ESPACE},       {"EIO", BUDGET_EIO},             {"ESCRIPT", BUDGET_ESCRIPT},
    {"ELIMIT", BUDGET_ELIMIT}};
  size_t i;
  lua_createtable(L, 0, (int)(sizeof names / sizeof names[0]));
  for (i = 0; i < sizeof names / sizeof names[0]; i++) {
    lua_pushinteger(L, names[i].rc);
    lua_setfield(L, -2, names[i].name);
  }
  lua_setfield(L, -2, "status");
}
