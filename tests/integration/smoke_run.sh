#!/usr/bin/env bash
# Runs the smoke suite under mpirun with N ranks, then reads the results back.
# Usage: smoke_run.sh MPIRUN NRANKS CAPBENCH CHECK_RESULTS CAPREPORT SUITE WORKDIR
set -euo pipefail
mpirun="$1" np="$2" capbench="$3" check="$4" capreport="$5" suite="$6" work="$7"
rm -rf "$work"
mkdir -p "$work"
start=$(date +%s%N)
"$mpirun" -np "$np" --oversubscribe "$capbench" run --suite "$suite" --backend cpu --results "$work/results.json"
end=$(date +%s%N)
echo "smoke_run: ${np} ranks took $(( (end - start) / 1000000 )) ms"
"$check" "$work/results.json" "$np" cpu
"$capreport" summary "$work/results.json" --md "$work/summary.md"
test -s "$work/summary.md"
# Nothing half-written may be left behind.
if compgen -G "$work/*.tmp.*" > /dev/null; then
  echo "smoke_run: temporary files left in $work" >&2
  exit 1
fi
