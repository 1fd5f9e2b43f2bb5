/*
** engine/bind/luasrc.h
** The engine's own Lua modules (engine/lua/NAME.lua), compiled by luac5.4 at
** build time (line numbers kept) and linked into the binary as bytecode, so
** the engine runs with no Lua files installed and starts without compiling.
** See LICENSE for copyright and license.
*/
#ifndef LUASRC_H
#define LUASRC_H

#include <stddef.h>

typedef struct lua_source {
  const char *name;   /* module name: 'budget.model' for engine/lua/model.lua */
  const char *path;   /* where it came from, for messages: 'engine/lua/model.lua' */
  const char *chunk;  /* luac's output: load it in mode "b" */
  size_t len;
} lua_source;

/* Every module, ending with an entry whose name is NULL. Generated: build/gen/luasrc.c. */
extern const lua_source lua_sources[];

#endif
