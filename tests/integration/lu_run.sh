#!/usr/bin/env bash
# The CPU lu case under mpirun with 2 ranks: residual checked on every rank; then a planted
# wrong factor on rank 1 (CAPBENCH_FAULT kind=wrong) must fail rank 1's residual check.
# Usage: lu_run.sh MPIRUN CAPBENCH LU_CHECK WORKDIR
set -euo pipefail
mpirun="$1" capbench="$2" check="$3" work="$4"
rm -rf "$work" && mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
cat > "$work/suite.json" <<'JSON'
{ "schema": "capbench.suite/1", "name": "lu", "defaults": { "warmup": 1, "iterations": 3, "timeout_s": 60 },
  "cases": [ { "benchmark": "lu", "n": 384 } ] }
JSON
"$mpirun" -np 2 --oversubscribe "$capbench" run --suite "$work/suite.json" --backend cpu --threads 1 \
  --results "$work/clean.json"
"$check" "$work/clean.json"

rc=0
CAPBENCH_FAULT="rank=1,case=lu/fp64/384,kind=wrong" "$mpirun" -np 2 --oversubscribe "$capbench" run \
  --suite "$work/suite.json" --backend cpu --threads 1 --results "$work/wrong.json" > "$work/stdout" 2>&1 || rc=$?
if [[ $rc -eq 0 ]]; then
  echo "lu_run: a run with a wrong factor exited 0" >&2
  cat "$work/stdout" >&2
  exit 1
fi
"$check" "$work/wrong.json" 1
echo "lu_run: clean run passed its residual checks; the planted wrong factor failed rank 1's (exit $rc)"
