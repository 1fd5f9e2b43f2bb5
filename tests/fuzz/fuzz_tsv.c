/*
** tests/fuzz/fuzz_tsv.c
** libFuzzer target: any bytes as the output of 'pdftotext -tsv' for the PDF
** reader's parse_tsv. It may refuse them with an error (a row that is not
** pdftotext's); it must never crash, hang, leak or trip a sanitizer, nor fail with
** one of Lua's own errors.
** See LICENSE for copyright and license.
*/
#include <stddef.h>
#include <stdint.h>

#define FUZZ_NAME "fuzz_tsv"
#include "fuzzlua.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  lua_State *L = fuzz_state();
  int rc;
  fuzz_function(L, "budget.import.pdf", "parse_tsv");
  lua_pushlstring(L, (const char *)data, size);
  lua_pushliteral(L, "fuzz.pdf");
  rc = lua_pcall(L, 2, 1, 0);  /* an error is an answer, if it is one about the input */
  if (rc != LUA_OK) fuzz_check_error(L, rc);
  fuzz_done(L);
  return 0;
}
