/*
** tests/fuzz/fuzz_tsv.c
** libFuzzer target: any bytes as the output of 'pdftotext -tsv' for the PDF
** reader's parse_tsv. It may refuse them with an error (a row that is not
** pdftotext's); it must never crash, hang, leak or trip a sanitizer.
** See LICENSE for copyright and license.
*/
#include <stddef.h>
#include <stdint.h>

#include "lauxlib.h"
#include "lbudget.h"
#include "lua.h"
#include "lualib.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One Lua state for the whole run: libFuzzer calls the target many times in one process. */
static lua_State *state;
static unsigned long runs;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  lua_State *L = state;
  if (L == NULL) {
    L = state = luaL_newstate();
    luaL_openlibs(L);
    luaL_requiref(L, "budget", luaopen_budget, 1);
    lua_settop(L, 0);
  }
  lua_getglobal(L, "require");
  lua_pushliteral(L, "budget.import.pdf");
  if (lua_pcall(L, 1, 1, 0) != LUA_OK) return 0;
  lua_getfield(L, -1, "parse_tsv");
  lua_pushlstring(L, (const char *)data, size);
  lua_pushliteral(L, "fuzz.pdf");
  (void)lua_pcall(L, 2, 1, 0);  /* an error is an answer; only a crash or a hang is a finding */
  lua_settop(L, 0);
  if (++runs % 64 == 0) lua_gc(L, LUA_GCCOLLECT, 0);
  return 0;
}
