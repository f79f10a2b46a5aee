#!/usr/bin/env bash
# capreport at scale: synthetic results for N ranks of the acceptance suite, then
# `capreport summary` (and `capreport report` where it exists) timed, with peak memory.
# Usage: scripts/scale.sh BUILD_DIR [--ranks N] [--suite FILE] [--work DIR]
#                          [--max-seconds S] [--max-rss-mb M] [--keep]
# Exit 0 when every command ran within the bounds given (no bound: always 0 when they ran),
# 1 when a bound was exceeded or a command failed, 2 on bad usage.
set -euo pipefail

build=${1:?usage: scripts/scale.sh BUILD_DIR [--ranks N] [--suite FILE] [--work DIR] [--max-seconds S] [--max-rss-mb M]}
shift
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ranks=16384
suite="$here/configs/suites/acceptance.json"
[[ -f "$suite" ]] || suite="$here/tests/data/synth_acceptance_suite.json"
work=""
max_s=""
max_mb=""
keep=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --ranks) ranks=$2; shift 2 ;;
    --suite) suite=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --max-seconds) max_s=$2; shift 2 ;;
    --max-rss-mb) max_mb=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    *) echo "scale.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
synth="$build/tests/tools/capbench_synth_results"
capreport="$build/reports/capreport"
for t in "$synth" "$capreport"; do
  [[ -x "$t" ]] || { echo "scale.sh: $t not built" >&2; exit 2; }
done
if [[ ! -x /usr/bin/time ]]; then
  echo "scale.sh: /usr/bin/time is missing (Debian package 'time'; scripts/install-deps.sh --tests)" >&2
  exit 2
fi
if [[ -z "$work" ]]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work"
results="$work/scale-$ranks.json"

echo "scale.sh: generating $ranks ranks of $(basename "$suite")"
"$synth" --ranks "$ranks" --suite "$suite" --out "$results" --seed 1
echo "scale.sh: results file $(stat -c %s "$results") bytes"

status=0
# Runs one command under /usr/bin/time -v; prints wall seconds and peak RSS; checks the bounds.
measure() {
  local name=$1
  shift
  local log="$work/$name.time"
  local rc=0
  /usr/bin/time -v -o "$log" "$@" > "$work/$name.out" 2> "$work/$name.err" || rc=$?
  local wall rss_kb cpu
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}' "$log")
  rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
  # CPU time beside wall time: on a shared machine the wall time says more about the neighbours.
  cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$log")
  printf 'scale.sh: %-18s ranks %-7s wall %8.2f s   cpu %8.2f s   peak RSS %8.1f MB   exit %d\n' "$name" "$ranks" \
    "$wall" "$cpu" "$(awk -v k="$rss_kb" 'BEGIN {print k / 1024}')" "$rc"
  # capreport exits 1 when a case failed; only 2 (bad input) or a crash is a scale failure here.
  if [[ $rc -ge 2 ]]; then
    echo "scale.sh: $name failed (exit $rc):" >&2
    tail -5 "$work/$name.err" >&2
    status=1
  fi
  if [[ -n "$max_s" ]] && awk -v w="$wall" -v m="$max_s" 'BEGIN {exit !(w > m)}'; then
    echo "scale.sh: $name took $wall s, above the bound of $max_s s" >&2
    status=1
  fi
  if [[ -n "$max_mb" ]] && awk -v k="$rss_kb" -v m="$max_mb" 'BEGIN {exit !(k / 1024 > m)}'; then
    echo "scale.sh: $name peaked at $((rss_kb / 1024)) MB, above the bound of $max_mb MB" >&2
    status=1
  fi
}

measure "capreport-summary" "$capreport" summary "$results"
if "$capreport" report --help > /dev/null 2>&1; then
  measure "capreport-report" "$capreport" report "$results" --out "$work/report"
fi
# The synthetic file is large (about 38 kB per rank for the acceptance suite) and cheap to remake.
[[ "$keep" == 1 ]] || rm -f "$results"
exit $status
