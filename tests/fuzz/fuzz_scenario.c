/*
** tests/fuzz/fuzz_scenario.c
** libFuzzer target: any bytes as a scenario script run on the SAST model
** under the sandbox (budget_run, not trusted), with small limits so that a
** runaway script stops quickly. A script may fail; the engine must never
** crash, hang, leak or let it out of the sandbox. Each scenario a script
** makes is reported, in each of the four formats in turn.
** See LICENSE for copyright and license.
*/
#define _POSIX_C_SOURCE 200809L  /* dup2 */

#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include "budget.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define require(c) do { if (!(c)) __builtin_trap(); } while (0)

#ifndef SAST_MODEL
#define SAST_MODEL "models/sast-2021.lua"
#endif

static budget_engine *engine;
static budget_model *sast;
static unsigned long runs;

static void start(void) {
  budget_options o = {0};
  int null = open("/dev/null", O_WRONLY);
  if (null >= 0) {  /* what the scripts print (budget_run writes it out): libFuzzer reports on stderr */
    dup2(null, 1);
    close(null);
  }
  o.max_memory = (size_t)128 << 20;
  o.max_steps = 1000000;
  o.max_seconds = 5;
  require(budget_engine_new(&o, &engine) == BUDGET_OK);
  require(budget_model_load(engine, SAST_MODEL, &sast) == BUDGET_OK);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const char *const formats[] = {"table", "csv", "json", "md"};
  budget_result *r;
  budget_status rc;
  size_t i, k, f;
  if (engine == NULL) start();
  rc = budget_run(engine, sast, (const char *)data, size, "fuzz.lua", NULL, 0, &r);
  if (rc == BUDGET_OK) {
    for (i = 0; i < budget_result_scenarios(r) && i < 4; i++) {
      int64_t fen;
      char *text;
      size_t len;
      (void)budget_result_total(r, i, NULL, &fen);
      size_t nv = 0;
      require(budget_result_violations(r, i, &nv) == BUDGET_OK);
      for (k = 0; k < nv; k++) {
        budget_violation v;
        require(budget_result_violation(r, i, k, &v) == BUDGET_OK);
      }
      f = runs % (sizeof formats / sizeof formats[0]);  /* a format a run: each in turn, at a quarter of the cost */
      if (budget_result_report_text(r, i, formats[f], &text, &len) == BUDGET_OK) budget_free(text);
    }
    budget_result_free(r);
  } else {
    require(rc == BUDGET_ESCRIPT || rc == BUDGET_ELIMIT || rc == BUDGET_ENOMEM);
    require(budget_errmsg(engine)[0] != '\0');
  }
  if (++runs % 256 == 0) {  /* a fresh engine now and then, so nothing a script left grows without end */
    budget_model_free(sast);
    budget_engine_free(engine);
    engine = NULL;
  }
  return 0;
}
