/*
** tests/fuzz/fuzz_model.c
** libFuzzer target: any bytes as a model file (budget_model_load_string). The
** loader may refuse them with 'name:line: message'; it must never crash,
** hang (the model's instruction limit stops a runaway), leak or trip a
** sanitizer. A model that loads is checked against its own rules.
** See LICENSE for copyright and license.
*/
#include <stddef.h>
#include <stdint.h>

#include "budget.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define require(c) do { if (!(c)) __builtin_trap(); } while (0)

/* One engine for the whole run: libFuzzer calls the target many times in one process. */
static budget_engine *engine;
static unsigned long runs;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  budget_model *m;
  budget_status rc;
  if (engine == NULL) {
    budget_options o = {0};
    o.max_memory = (size_t)256 << 20;
    o.max_steps = 2000000;
    o.max_seconds = 5;
    require(budget_engine_new(&o, &engine) == BUDGET_OK);
  }
  rc = budget_model_load_string(engine, (const char *)data, size, "fuzz.lua", &m);
  if (rc == BUDGET_OK) {
    size_t violations;
    int64_t fen;
    (void)budget_model_check(m, &violations);
    (void)budget_model_total(m, NULL, &fen);
    budget_model_free(m);
  } else {
    require(budget_errmsg(engine)[0] != '\0');  /* a refusal always says why */
  }
  if (++runs % 64 == 0) {  /* what the models left behind: keep the state's size steady */
    budget_engine_free(engine);
    engine = NULL;
  }
  return 0;
}
