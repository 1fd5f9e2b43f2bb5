/*
** engine/main.c
** The 'budget' command: arguments and exit codes only.
** See LICENSE for copyright and license.
*/
#include <stdio.h>
#include <string.h>

#include "script.h"
#include "version.h"

/* Exit codes of DESIGN.md: 0 done, 1 error-severity violations, 2 bad input or usage. */
enum { EXIT_DONE = 0, EXIT_VIOLATIONS = 1, EXIT_BAD_INPUT = 2 };

static const char usage[] =
  "usage: budget COMMAND [ARGS]\n"
  "\n"
  "A budget modeling engine: exact money, account hierarchies and Lua what-if scenarios.\n"
  "\n"
  "options:\n"
  "  --version   print the engine's version and the Lua and LPeg it runs\n"
  "  --help      print this help\n"
  "\n"
  "exit status: 0 done, 1 violations of severity error, 2 bad input or usage\n";

/* The Lua and LPeg versions, from a live state: proof that both are linked in. */
static int print_version(void) {
  static const char probe[] =
    "local v = require('lpeg').version\n"
    "return _VERSION .. ', LPeg ' .. (type(v) == 'function' and v() or v)";
  char text[128];
  script *s;
  budget_status rc = script_new(mem_default(), 0, &s);
  if (rc) {
    fprintf(stderr, "budget: cannot start Lua: %s\n", status_str(rc));
    return EXIT_BAD_INPUT;
  }
  rc = script_eval(s, "=version", probe, sizeof probe - 1, text, sizeof text);
  if (rc) {
    fprintf(stderr, "budget: %s\n", script_errmsg(s));
    script_free(s);
    return EXIT_BAD_INPUT;
  }
  printf("budget %s (%s)\n", BUDGET_VERSION, text);
  script_free(s);
  return EXIT_DONE;
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "--version") == 0) return print_version();
  if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
    fputs(usage, stdout);
    return EXIT_DONE;
  }
  if (argc < 2) {
    fputs(usage, stderr);
    return EXIT_BAD_INPUT;
  }
  fprintf(stderr, "budget: unknown command or option '%s'; see 'budget --help'\n", argv[1]);
  return EXIT_BAD_INPUT;
}
