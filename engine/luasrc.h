/*
** engine/luasrc.h
** The engine's own Lua modules (engine/lua/NAME.lua), compiled into the binary
** by the build as text, so the engine runs with no Lua files installed.
** See LICENSE for copyright and license.
*/
#ifndef LUASRC_H
#define LUASRC_H

#include <stddef.h>

typedef struct lua_source {
  const char *name;   /* module name: 'budget.model' for engine/lua/model.lua */
  const char *path;   /* where it came from, for messages: 'engine/lua/model.lua' */
  const char *text;
  size_t len;
} lua_source;

/* Every module, ending with an entry whose name is NULL. Generated: build/gen/luasrc.c. */
extern const lua_source lua_sources[];

#endif
