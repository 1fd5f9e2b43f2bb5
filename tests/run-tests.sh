#!/bin/sh
# Runs the tests of one or more builds and prints one summary.
# usage: run-tests.sh "BUILD_DIR[:NAME,NAME...]..." TEST_NAME...
# A build directory followed by ':' and names runs only those tests there.
# A name is a cmocka executable (BUILD_DIR/tests/NAME) or, when tests/lua/NAME.lua
# exists, a Lua test run by lua5.4 against that build's command (tests/browser/NAME.py: the
# browser test, by Debian's python3). Each runs from
# the repository root with BUDGET_BIN pointing at its build's command. An executable that exits non-zero without cmocka's summary
# (a sanitizer report, a crash) counts as one failure. BUDGET_WRAP, when set, is a command put
# before every cmocka executable and every run of the budget command ('make memcheck': valgrind).
set -u
dirs=$1
shift
passed=0
failed=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT INT TERM
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:exitcode=99"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export TSAN_OPTIONS="halt_on_error=1:exitcode=66"
for spec in $dirs; do
  dir=${spec%%:*}
  names="$*"
  if [ "$dir" != "$spec" ]; then names=$(echo "${spec#*:}" | tr ',' ' '); fi
  # a sanitizer's shadow memory is part of the process's peak: tests of memory limits by RSS skip it
  case "$dir" in *san*) export BUDGET_SANITIZED=1 ;; *) unset BUDGET_SANITIZED ;; esac
  for name in $names; do
    if [ -f "tests/lua/$name.lua" ] && [ -e "$dir/tests/$name" ]; then
      echo "!! $name is both tests/lua/$name.lua and a C test: name one of them apart"
      failed=$((failed + 1))
      continue
    fi
    if [ -f "tests/lua/$name.lua" ]; then
      bin="lua5.4 tests/lua/$name.lua"
      budget_bin="$dir/budget"  # a path: the harness puts BUDGET_WRAP before it itself
    elif [ -f "tests/browser/$name.py" ]; then
      bin="/usr/bin/python3 tests/browser/$name.py"
      budget_bin="$dir/budget"
    else
      bin="${BUDGET_WRAP:+$BUDGET_WRAP }$dir/tests/$name"
      budget_bin="${BUDGET_WRAP:+$BUDGET_WRAP }$dir/budget"
    fi
    echo "== $bin ($dir)"
    BUDGET_BIN="$budget_bin" $bin >"$out" 2>&1
    rc=$?
    cat "$out"
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$out" | tail -n 1)
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$out" | tail -n 1)
    passed=$((passed + ${p:-0}))
    f=${f:-0}
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
      echo "!! $bin exited with status $rc"
      f=1
    fi
    failed=$((failed + f))
  done
done
echo "check: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
