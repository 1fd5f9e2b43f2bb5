#!/bin/sh
# examples/shards-parallel.sh: one 'budget batch' sweep as N shards run by GNU parallel on this
# machine, joined into one file. The joined file is the same bytes as one unsharded run's -o file.
#
# usage: examples/shards-parallel.sh SCRIPT MODEL N OUT [BATCH-OPTION]...
#   e.g. examples/shards-parallel.sh scripts/sweep-science.lua models/sast-2021.lua 3 sweep.csv \
#          --param rate=0%:10%:0.5%
#
# BATCH-OPTIONs (--param ..., --format csv|jsonl, --jobs N, --max-steps N ...) go to every shard
# as they are. Not --format html: pages do not concatenate. BUDGET names the budget command (one
# path, default: 'budget' on PATH); PARALLEL may hold options for GNU parallel itself (PARALLEL='-j 2':
# two shards at a time; by default one per core). Each shard runs a worker per core unless given
# --jobs: with one shard per core, '--jobs 1' keeps to one thread a core.
#
# Exit status, as budget batch's: 0 done; 1 done, and some scenario breaks an error-severity rule
# (a result, not a failure); 2 a shard failed (a point failed, a bad option, an unreadable file),
# or 130 interrupted. OUT is written only when every shard succeeded; it is never left half-written.
# See LICENSE for copyright and license.
set -u

if [ $# -lt 4 ]; then
  echo "usage: $0 SCRIPT MODEL N OUT [BATCH-OPTION]..." >&2
  exit 2
fi
script=$1 model=$2 n=$3 out=$4
shift 4
case $n in '' | *[!0-9]*) echo "$0: N '$n': expected a whole number above 0" >&2; exit 2 ;; esac
if [ "$n" -lt 1 ]; then echo "$0: N '$n': expected a whole number above 0" >&2; exit 2; fi
prev=
for a in "$@"; do
  case "$prev $a" in
  "--format html" | *" --format=html") echo "$0: --format html: shards of a page do not join; use csv or jsonl" >&2; exit 2 ;;
  esac
  prev=$a
done
if ! command -v parallel >/dev/null 2>&1; then
  echo "$0: needs GNU parallel (Debian: apt-get install parallel)" >&2
  exit 2
fi

# The shards' files go to a directory of our own, removed however the script ends; the joined
# file is written beside OUT and renamed over it, so OUT is the old file or the whole new one.
tmp=$(mktemp -d) || exit 2
part="$out.$$.part"
trap 'rm -rf "$tmp"; rm -f "$part"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# One shard's command, written to a file with every argument quoted, so that neither parallel's
# shell nor its replacement strings ('{}', '{.}' ...) touch what the caller gave. Run as
# 'sh SHARD K', it writes shard K of N to out.K beside itself. budget batch exits 1 when a
# scenario breaks an error-severity rule: the shard still succeeded, so it leaves a mark
# (violations.K) and exits 0; otherwise parallel's '--halt now,fail=1' would take it for a failure.
quote() { printf "'%s' " "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
# shellcheck disable=SC2016  # the lines of the shard file, expanded when it runs
{
  echo 'k=$1 dir=${0%/*}'
  for a in "${BUDGET:-budget}" batch "$script" --model "$model" "$@"; do quote "$a"; done
  echo "--shard \"\$k/$n\" -o \"\$dir/out.\$k\""  # last, so they win over any --shard/-o given
  echo 'rc=$?'
  echo 'if [ "$rc" -eq 1 ]; then : >"$dir/violations.$k"; rc=0; fi'
  echo 'exit "$rc"'
} >"$tmp/shard"

# The shards, 1 to N. '--halt now,fail=1': the first shard to fail (status 2, 130, or killed)
# stops the others, and parallel exits with that shard's status. '-q' quotes the shard file's path.
ks='' k=1
while [ "$k" -le "$n" ]; do ks="$ks $k"; k=$((k + 1)); done
# shellcheck disable=SC2086  # $ks: the shard numbers, one word each
parallel --will-cite --halt now,fail=1 -q sh "$tmp/shard" {} ::: $ks
rc=$?
if [ "$rc" -ne 0 ]; then
  [ "$rc" -eq 1 ] && rc=2  # parallel's own failure, never a shard's 1 (mapped to 0 above)
  echo "$0: a shard failed (status $rc); $out not written" >&2
  exit "$rc"
fi

# The join, in shard order: shard 1 has the CSV header, the others only rows. (A glob would put
# out.10 before out.2.)
k=1
while [ "$k" -le "$n" ]; do
  cat "$tmp/out.$k" || exit 2
  k=$((k + 1))
done >"$part" || exit 2
mv -f "$part" "$out" || exit 2

# 1 if any shard's scenarios broke an error-severity rule, as one run would say.
for f in "$tmp"/violations.*; do
  [ -e "$f" ] && exit 1
done
exit 0
