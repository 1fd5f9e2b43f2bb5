/*
** engine/main.c
** The 'budget' command: a client of the C API (budget.h) like any other; the
** commands themselves are the engine's (budget_command, engine/lua/cli.lua).
** See LICENSE for copyright and license.
*/
#define _POSIX_C_SOURCE 200809L  /* sigaction */

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "budget.h"

/* Set by SIGINT or SIGTERM during a batch: the workers stop and the rows written so far stay whole. */
static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig) {
  (void)sig;
  interrupted = 1;
}

int main(int argc, char **argv) {
  budget_engine *e;
  budget_options opts;
  int status;
  memset(&opts, 0, sizeof opts);
  opts.trusted = 1;  /* the command's own code; 'budget run' sandboxes the scripts it runs */
  if (budget_engine_new(&opts, &e) != BUDGET_OK) {
    fprintf(stderr, "budget: out of memory\n");
    return 2;
  }
  if (argc > 1 && strcmp(argv[1], "batch") == 0) {  /* only a batch has rows to keep whole */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    budget_engine_interrupt_on(e, &interrupted);
  }
  status = budget_command(e, argc, argv);
  budget_engine_free(e);
  fflush(stdout);
  if (ferror(stdout)) {
    fprintf(stderr, "budget: cannot write the output\n");
    status = 2;
  }
  return status;
}
