/*
** tests/fuzz/fuzz_import.c
** libFuzzer target: any bytes as a budget document for 'budget import'. The
** importer may refuse them with an error that says why (that is its job); it must
** never crash, hang, leak or trip a sanitizer, nor fail with one of Lua's own errors.
** See LICENSE for copyright and license.
*/
#include <stddef.h>
#include <stdint.h>

#define FUZZ_NAME "fuzz_import"
#include "fuzzlua.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  lua_State *L = fuzz_state();
  int rc;
  fuzz_function(L, "budget.import", "import");
  lua_pushlstring(L, (const char *)data, size);
  lua_pushliteral(L, "fuzz.txt");
  rc = lua_pcall(L, 2, 1, 0);  /* an error is an answer, if it is one about the document */
  if (rc != LUA_OK) fuzz_check_error(L, rc);
  fuzz_done(L);
  return 0;
}
