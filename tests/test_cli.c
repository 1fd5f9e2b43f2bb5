/*
** tests/test_cli.c
** The 'budget' command as a user runs it: output and exit status.
** The command is $BUDGET_BIN (the build's build/budget).
** See LICENSE for copyright and license.
*/
#define _POSIX_C_SOURCE 200809L  /* popen */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

/* Runs the command with 'args' (shell words), stdout and stderr together into out; returns its exit status. */
static int run(const char *args, char *out, size_t size) {
  const char *bin = getenv("BUDGET_BIN");
  char cmd[1024];
  FILE *p;
  size_t n;
  int status;
  if (bin == NULL) bin = "build/budget";
  snprintf(cmd, sizeof cmd, "%s %s 2>&1", bin, args);
  p = popen(cmd, "r");
  assert_non_null(p);
  n = fread(out, 1, size - 1, p);
  out[n] = '\0';
  status = pclose(p);
  assert_true(WIFEXITED(status));
  return WEXITSTATUS(status);
}

/* --version names the engine, and the Lua and LPeg linked into it. */
static void test_cli_version(void **state) {
  char out[512];
  (void)state;
  assert_int_equal(run("--version", out, sizeof out), 0);
  assert_non_null(strstr(out, "budget 0.1.0 (Lua 5.4, LPeg "));
}

/* --help prints the usage and the exit codes on stdout, exit 0. */
static void test_cli_help(void **state) {
  char out[4096];
  (void)state;
  assert_int_equal(run("--help", out, sizeof out), 0);
  assert_non_null(strstr(out, "usage: budget"));
  assert_non_null(strstr(out, "exit status: 0 done, 1 violations"));
}

/* No arguments or an unknown one is a usage error: exit 2, and the message names it. */
static void test_cli_usage_errors(void **state) {
  char out[2048];
  (void)state;
  assert_int_equal(run("", out, sizeof out), 2);
  assert_non_null(strstr(out, "usage: budget"));
  assert_int_equal(run("--frobnicate", out, sizeof out), 2);
  assert_non_null(strstr(out, "unknown command or option '--frobnicate'"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_cli_version),
    cmocka_unit_test(test_cli_help),
    cmocka_unit_test(test_cli_usage_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
