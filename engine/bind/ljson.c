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
#include "host/guard.h"
#include "lauxlib.h"

#define JSON_DEPTH_MAX 64
#define JSON_BOX_MT "budget.json_box"

/* The tree being made, owned by a userdata so that a raise part-way (a limit, a bad value) frees it. */
typedef struct json_box {
  cJSON *root;
  char *text;    /* the printed text, until Lua has its copy */
  size_t bytes;  /* what the tree and its text will take, as charged to the run's memory so far */
} json_box;

static int box_gc(lua_State *L) {
  json_box *b = lua_touserdata(L, 1);
  cJSON_Delete(b->root);
  cJSON_free(b->text);
  b->root = NULL;
  b->text = NULL;
  return 0;
}

static int cmpstr(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Charges a node of 'len' bytes of text: cJSON allocates outside Lua, so the run's memory is checked here. */
static void charge(lua_State *L, json_box *box, size_t len) {
  box->bytes += sizeof(cJSON) + 2 * len + 16;  /* the node, its copy and its escaped text */
  guard_reserve(L, box->bytes);
  guard_charge(L, 1 + len / 64);
}

/* Adds 'item' to 'parent' under 'key' (NULL: an array), or raises when cJSON could not make it. */
static cJSON *attach(lua_State *L, cJSON *parent, const char *key, cJSON *item) {
  if (item == NULL) luaL_error(L, "json: out of memory");
  if (key != NULL)
    cJSON_AddItemToObject(parent, key, item);
  else
    cJSON_AddItemToArray(parent, item);
  return item;
}

static void convert(lua_State *L, json_box *box, int idx, int depth, cJSON *parent, const char *key);

/* The elements of the sequence at idx into the array 'out'. */
static void convert_array(lua_State *L, json_box *box, int idx, int depth, cJSON *out, lua_Integer n) {
  lua_Integer i;
  for (i = 1; i <= n; i++) {
    lua_rawgeti(L, idx, i);
    convert(L, box, -1, depth + 1, out, NULL);
    lua_pop(L, 1);
  }
}

/* The fields of the table at idx, of 'count' keys, into the object 'out', keys sorted. */
static void convert_object(lua_State *L, json_box *box, int idx, int depth, cJSON *out, lua_Integer count) {
  const char **keys = lua_newuserdatauv(L, (size_t)count * sizeof *keys + 1, 0);
  lua_Integer k = 0;
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    lua_pop(L, 1);
    if (lua_type(L, -1) != LUA_TSTRING) luaL_error(L, "json: an object key that is not a string");
    keys[k++] = lua_tostring(L, -1);  /* anchored: the table holds the key */
  }
  qsort(keys, (size_t)count, sizeof *keys, cmpstr);
  for (k = 0; k < count; k++) {
    lua_pushstring(L, keys[k]);
    lua_rawget(L, idx);
    convert(L, box, -1, depth + 1, out, keys[k]);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
}

/* Converts the value at idx into a node of 'parent' (added before its own children, so the box owns it
** at once); raises with the reason for a value JSON cannot hold. */
static void convert(lua_State *L, json_box *box, int idx, int depth, cJSON *parent, const char *key) {
  size_t len = 0;
  idx = lua_absindex(L, idx);
  if (depth > JSON_DEPTH_MAX) luaL_error(L, "json: nested too deep (or a cycle)");
  luaL_checkstack(L, 6, "json: nested too deep");
  switch (lua_type(L, idx)) {
    case LUA_TNIL: charge(L, box, 0); attach(L, parent, key, cJSON_CreateNull()); return;
    case LUA_TBOOLEAN: charge(L, box, 0); attach(L, parent, key, cJSON_CreateBool(lua_toboolean(L, idx))); return;
    case LUA_TSTRING: {
      const char *s = lua_tolstring(L, idx, &len);
      charge(L, box, len);
      attach(L, parent, key, cJSON_CreateString(s));
      return;
    }
    case LUA_TNUMBER:
      if (lua_isinteger(L, idx) && lua_tointeger(L, idx) > -(1LL << 53) && lua_tointeger(L, idx) < (1LL << 53)) {
        charge(L, box, 0);
        attach(L, parent, key, cJSON_CreateNumber((double)lua_tointeger(L, idx)));  /* exact in a double */
        return;
      }
      luaL_error(L, "json: write amounts as budget.money, not as Lua numbers");
      return;
    case LUA_TUSERDATA:
      if (luaL_testudata(L, idx, MONEY_MT) || luaL_testudata(L, idx, RATE_MT)) {
        const char *s = luaL_tolstring(L, idx, &len);  /* the engine's own __tostring */
        charge(L, box, len);
        attach(L, parent, key, cJSON_CreateString(s));
        lua_pop(L, 1);
        return;
      }
      break;
    case LUA_TTABLE: {
      lua_Integer n = (lua_Integer)lua_rawlen(L, idx), count = 0;
      int is_array;
      lua_pushnil(L);
      while (lua_next(L, idx)) {
        count++;
        lua_pop(L, 1);
      }
      guard_charge(L, (size_t)count);
      is_array = count == n;  /* a sequence is an array; so is {}, unless it has a metatable */
      if (is_array && n == 0 && lua_getmetatable(L, idx)) {
        lua_pop(L, 1);
        is_array = 0;
      }
      charge(L, box, 0);
      if (is_array)
        convert_array(L, box, idx, depth, attach(L, parent, key, cJSON_CreateArray()), n);
      else
        convert_object(L, box, idx, depth, attach(L, parent, key, cJSON_CreateObject()), count);
      return;
    }
    default: break;
  }
  luaL_error(L, "json: cannot write a %s", luaL_typename(L, idx));
}

/* budget.json(value [, pretty]) → text [-0, +1, e] */
static int l_json(lua_State *L) {
  json_box *box;
  cJSON *item;
  luaL_checkany(L, 1);
  lua_settop(L, 2);
  box = lua_newuserdatauv(L, sizeof *box, 0);
  box->root = NULL;
  box->text = NULL;
  box->bytes = 0;
  luaL_setmetatable(L, JSON_BOX_MT);
  if ((box->root = cJSON_CreateArray()) == NULL) return luaL_error(L, "json: out of memory");
  convert(L, box, 1, 0, box->root, NULL);
  item = cJSON_GetArrayItem(box->root, 0);
  box->text = lua_toboolean(L, 2) ? cJSON_Print(item) : cJSON_PrintUnformatted(item);
  if (box->text == NULL) return luaL_error(L, "json: out of memory");
  cJSON_Delete(box->root);  /* before the copy: the tree, the text and Lua's copy are not all held at once */
  box->root = NULL;
  lua_pushstring(L, box->text);  /* a raise here leaves the text to the box's __gc */
  cJSON_free(box->text);
  box->text = NULL;
  return 1;
}

void lbind_open_json(lua_State *L) {
  static const luaL_Reg meta[] = {{"__gc", box_gc}, {NULL, NULL}};
  lbind_newclass(L, JSON_BOX_MT, meta, NULL);
  lua_pushcfunction(L, l_json);
  lua_setfield(L, -2, "json");
}
