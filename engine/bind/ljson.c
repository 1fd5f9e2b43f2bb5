/*
** engine/bind/ljson.c
** budget.json(value): Lua values as JSON text through cJSON (Debian's
** libcjson). Object keys are sorted, so the same value always gives the same
** bytes; amounts are written as decimal strings, never as floats.
** See LICENSE for copyright and license.
*/
#include "lbind.h"

#include <stdlib.h>
#include <string.h>

#include "cJSON.h"
#include "lauxlib.h"

#define JSON_DEPTH_MAX 64

static int cmpstr(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Converts the value at idx; NULL with a message pushed on failure. The caller frees the result. */
static cJSON *convert(lua_State *L, int idx, int depth) {
  idx = lua_absindex(L, idx);
  if (depth > JSON_DEPTH_MAX) {
    lua_pushstring(L, "json: nested too deep (or a cycle)");
    return NULL;
  }
  switch (lua_type(L, idx)) {
    case LUA_TNIL: return cJSON_CreateNull();
    case LUA_TBOOLEAN: return cJSON_CreateBool(lua_toboolean(L, idx));
    case LUA_TSTRING: return cJSON_CreateString(lua_tostring(L, idx));
    case LUA_TNUMBER:
      if (lua_isinteger(L, idx) && lua_tointeger(L, idx) > -(1LL << 53) && lua_tointeger(L, idx) < (1LL << 53))
        return cJSON_CreateNumber((double)lua_tointeger(L, idx));  /* exact in a double */
      lua_pushstring(L, "json: write amounts as budget.money, not as Lua numbers");
      return NULL;
    case LUA_TUSERDATA:
      if (luaL_testudata(L, idx, MONEY_MT) || luaL_testudata(L, idx, RATE_MT)) {
        const char *s = luaL_tolstring(L, idx, NULL);
        cJSON *j = cJSON_CreateString(s);
        lua_pop(L, 1);
        return j;
      }
      break;
    case LUA_TTABLE: {
      lua_Integer n = (lua_Integer)lua_rawlen(L, idx), count = 0, i;
      cJSON *out;
      lua_pushnil(L);
      while (lua_next(L, idx)) {
        count++;
        lua_pop(L, 1);
      }
      int is_array = count == n;  /* a sequence is an array; so is {}, unless it has a metatable */
      if (is_array && n == 0 && lua_getmetatable(L, idx)) {
        lua_pop(L, 1);
        is_array = 0;
      }
      if (is_array) {
        out = cJSON_CreateArray();
        for (i = 1; out != NULL && i <= n; i++) {
          cJSON *item;
          lua_rawgeti(L, idx, i);
          item = convert(L, -1, depth + 1);
          if (item == NULL) {
            cJSON_Delete(out);
            lua_remove(L, -2);
            return NULL;
          }
          lua_pop(L, 1);
          cJSON_AddItemToArray(out, item);
        }
        return out;
      }
      {
        const char **keys = lua_newuserdatauv(L, (size_t)count * sizeof *keys + 1, 0);
        int kidx = lua_gettop(L);
        lua_Integer k = 0;
        lua_pushnil(L);
        while (lua_next(L, idx)) {
          lua_pop(L, 1);
          if (lua_type(L, -1) != LUA_TSTRING) {
            lua_pop(L, 2);
            lua_pushstring(L, "json: an object key that is not a string");
            return NULL;
          }
          keys[k++] = lua_tostring(L, -1);  /* anchored: the table holds the key */
        }
        qsort(keys, (size_t)count, sizeof *keys, cmpstr);
        out = cJSON_CreateObject();
        for (k = 0; out != NULL && k < count; k++) {
          cJSON *item;
          lua_getfield(L, idx, keys[k]);
          item = convert(L, -1, depth + 1);
          if (item == NULL) {
            cJSON_Delete(out);
            lua_remove(L, -2);
            lua_remove(L, kidx);
            return NULL;
          }
          lua_pop(L, 1);
          cJSON_AddItemToObject(out, keys[k], item);
        }
        lua_remove(L, kidx);
        return out;
      }
    }
    default: break;
  }
  lua_pushfstring(L, "json: cannot write a %s", luaL_typename(L, idx));
  return NULL;
}

/* budget.json(value [, pretty]) → text [-0, +1, e] */
static int l_json(lua_State *L) {
  cJSON *j;
  char *text;
  luaL_checkany(L, 1);
  j = convert(L, 1, 0);
  if (j == NULL) return lua_error(L);
  text = lua_toboolean(L, 2) ? cJSON_Print(j) : cJSON_PrintUnformatted(j);
  cJSON_Delete(j);
  if (text == NULL) return luaL_error(L, "json: out of memory");
  lua_pushstring(L, text);
  cJSON_free(text);
  return 1;
}

void lbind_open_json(lua_State *L) {
  lua_pushcfunction(L, l_json);
  lua_setfield(L, -2, "json");
}
