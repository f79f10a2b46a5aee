#!/usr/bin/env bash
# capreport at 16,384 and 100,000 ranks against a baseline commit, in the same run: the same
# synthetic results files, `capreport report` of this tree and of the baseline interleaved,
# wall time, CPU time and peak RSS of each (/usr/bin/time -v), medians and spread, and the
# two reports compared byte for byte (apart from capreport's own commit and the time it ran).
# A benchmark, not a test: the figures go to docs/performance.md with the machine's load.
#
# Usage: scripts/scale_report.sh BUILD_DIR [--base COMMIT] [--base-tree DIR] [--ranks "16384 100000"]
#                                [--repeats N] [--work DIR] [--suite FILE] [--keep]
# BUILD_DIR holds this tree's capreport and capbench_synth_results. The baseline is built in a
# git worktree of its own (default /tmp/capbench-scale-base, commit f9910cd: main before the
# per-case reader), CPU-only. The synthetic files are written once under --work (default a
# temporary directory; the 100,000-rank file is about 5.3 GB) and removed at the end.
# Exit 0 when every command ran and the reports agree, 1 otherwise, 2 on bad usage.
set -euo pipefail

build=${1:?usage: scripts/scale_report.sh BUILD_DIR [--base COMMIT] [--ranks LIST] [--repeats N] [--work DIR]}
shift
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
base=f9910cd
base_tree=/tmp/capbench-scale-base
ranks_list="16384 100000"
repeats=3
work=""
suite="$here/configs/suites/acceptance.json"
keep=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --base) base=$2; shift 2 ;;
    --base-tree) base_tree=$2; shift 2 ;;
    --ranks) ranks_list=$2; shift 2 ;;
    --repeats) repeats=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --suite) suite=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    *) echo "scale_report.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
synth="$build/tests/tools/capbench_synth_results"
new_capreport="$build/reports/capreport"
for t in "$synth" "$new_capreport"; do
  [[ -x "$t" ]] || { echo "scale_report.sh: $t not built" >&2; exit 2; }
done
[[ -x /usr/bin/time ]] || { echo "scale_report.sh: /usr/bin/time is missing (Debian package 'time')" >&2; exit 2; }

made_work=0
if [[ -z "$work" ]]; then
  work=$(mktemp -d)
  made_work=1
fi
mkdir -p "$work"
# The synthetic files (GBs) go at exit, whatever happened, unless --keep.
trap '[[ "$keep" == 1 ]] || { rm -f "$work"/scale-*.json; [[ "$made_work" != 1 ]] || rm -rf "$work"; }' EXIT

# The baseline: its own worktree and build directory, CPU-only, only capreport.
if [[ ! -d "$base_tree" ]]; then
  git -C "$here" worktree add --detach "$base_tree" "$base" > /dev/null
fi
echo "scale_report.sh: building the baseline $(git -C "$base_tree" rev-parse --short HEAD) in $base_tree/build"
cmake -S "$base_tree" -B "$base_tree/build" -DCMAKE_BUILD_TYPE=Release -DCAPBENCH_ENABLE_CUDA=OFF \
  ${CMAKE_CXX_COMPILER_LAUNCHER:+-DCMAKE_CXX_COMPILER_LAUNCHER=$CMAKE_CXX_COMPILER_LAUNCHER} > "$work/base-cmake.log"
cmake --build "$base_tree/build" -j"$(nproc)" --target capreport > "$work/base-build.log"
base_capreport="$base_tree/build/reports/capreport"

# Runs one report under /usr/bin/time -v; appends "wall cpu rss_mb" to $work/<label>.times.
measure() {
  local label=$1 capreport=$2 results=$3 out=$4
  local log="$work/$label.time" rc=0
  rm -rf "$out"
  /usr/bin/time -v -o "$log" "$capreport" report "$results" --out "$out" > "$out.stdout" 2> "$out.stderr" || rc=$?
  if [[ $rc -ge 2 ]]; then
    echo "scale_report.sh: $label failed (exit $rc):" >&2
    tail -5 "$out.stderr" >&2
    return 1
  fi
  awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; w = s}
              /User time|System time/ {c += $2}
              /Maximum resident set size/ {m = $2 / 1024}
              END {printf "%.2f %.2f %.0f\n", w, c, m}' "$log" >> "$work/$label.times"
}

# Median (min – max) of one column of a times file.
summary() {
  sort -n -k"$2" "$1" | awk -v k="$2" '{v[NR] = $k} END {m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
                                          printf "%.2f (%.2f – %.2f)", m, v[1], v[NR]}'
}

# The report without what differs between two capreport builds run at two times.
normalized() {
  sed -E 's/(commit )[0-9a-f]{7,40}(-dirty)?/\1COMMIT/g; s/"git_commit": "[^"]*"/"git_commit": "COMMIT"/g;
          s/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z/TIME/g' "$1"
}

status=0
echo "scale_report.sh: load average before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs"
for ranks in $ranks_list; do
  results="$work/scale-$ranks.json"
  if [[ ! -f "$results" ]]; then
    echo "scale_report.sh: generating $ranks ranks of $(basename "$suite")"
    "$synth" --ranks "$ranks" --suite "$suite" --out "$results" --seed 1
  fi
  echo "scale_report.sh: $ranks ranks: $(stat -c %s "$results") bytes"
  rm -f "$work/base-$ranks.times" "$work/new-$ranks.times"
  for ((i = 1; i <= repeats; i++)); do
    # Interleaved, the order alternating: a neighbour's burst falls on both alike.
    if ((i % 2)); then order="base new"; else order="new base"; fi
    for which in $order; do
      bin=$base_capreport
      [[ $which == new ]] && bin=$new_capreport
      measure "$which-$ranks" "$bin" "$results" "$work/report-$which-$ranks" || status=1
    done
  done
  for x in report.html report.md summary.json per_gpu.csv statement.txt; do
    if ! cmp -s <(normalized "$work/report-base-$ranks/$x") <(normalized "$work/report-new-$ranks/$x"); then
      echo "scale_report.sh: $ranks ranks: $x differs from the baseline's" >&2
      status=1
    fi
  done
  for which in base new; do
    printf 'scale_report.sh: %-4s ranks %-7s wall %s s   cpu %s s   peak RSS %s MB   (median (min – max) of %d)\n' \
      "$which" "$ranks" "$(summary "$work/$which-$ranks.times" 1)" "$(summary "$work/$which-$ranks.times" 2)" \
      "$(summary "$work/$which-$ranks.times" 3)" "$repeats"
  done
  rm -rf "$work/report-base-$ranks" "$work/report-new-$ranks"
  [[ "$keep" == 1 ]] || rm -f "$results"
done
echo "scale_report.sh: load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $status
