/*
** engine/main.c
** The 'budget' command: arguments and exit codes only; the commands
** themselves are the engine's Lua (engine/lua/cli.lua).
** See LICENSE for copyright and license.
*/
#define _POSIX_C_SOURCE 200809L  /* sigaction */

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "script.h"

/* Exit codes of DESIGN.md: 0 done, 1 error-severity violations, 2 bad input or usage. */
enum { EXIT_BAD_INPUT = 2 };

/* Lua states may grow to this; past it a script fails cleanly instead of taking the machine. */
#define MEMORY_LIMIT ((size_t)4 << 30)

/* Set by SIGINT during a batch: the workers stop and the rows written so far stay whole. */
static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig) {
  (void)sig;
  interrupted = 1;
}

int main(int argc, char **argv) {
  script *s;
  int status = EXIT_BAD_INPUT;
  budget_status rc = script_new(mem_default(), MEMORY_LIMIT, &s);
  if (rc) {
    fprintf(stderr, "budget: cannot start Lua: %s\n", status_str(rc));
    return EXIT_BAD_INPUT;
  }
  if (argc > 1 && strcmp(argv[1], "batch") == 0) {  /* only a batch has rows to keep whole */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    script_set_interrupt(s, &interrupted);
  }
  rc = script_cli(s, argc, argv, &status);
  if (rc) {
    fprintf(stderr, "budget: internal error: %s\n", script_errmsg(s));
    status = EXIT_BAD_INPUT;
  }
  script_free(s);
  fflush(stdout);
  if (ferror(stdout)) {
    fprintf(stderr, "budget: cannot write the output\n");
    status = EXIT_BAD_INPUT;
  }
  return status;
}
