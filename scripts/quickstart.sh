#!/usr/bin/env bash
# The main job on one machine: install what is missing, build, run the smoke suite under
# mpirun with 2 ranks (CUDA backend where a GPU is visible, else the CPU backend), then
# summarize the results file.
# Usage: scripts/quickstart.sh [SUITE]   (default configs/suites/smoke.json)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
suite="${1:-$root/configs/suites/smoke.json}"
bash "$root/scripts/install-deps.sh"
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=Release
cmake --build "$root/build" -j"$(nproc)" --target capbench capreport

export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
run_id="quickstart-$(date -u +%Y%m%dT%H%M%SZ)"
out="$root/runs"
mkdir -p "$out"
status=0
mpirun -np 2 --oversubscribe "$root/build/bench/capbench" run --suite "$suite" --out "$out" --run-id "$run_id" || status=$?
results="$out/capbench-$run_id.json"
if [[ ! -f "$results" ]]; then
  echo "quickstart: no results file was written (capbench exit $status)" >&2
  exit "$status"
fi
"$root/build/reports/capreport" summary "$results" --md "$out/$run_id-summary.md" || status=$?
echo "quickstart: results $results"
echo "quickstart: summary $out/$run_id-summary.md"
exit "$status"
