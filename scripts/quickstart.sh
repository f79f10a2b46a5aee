#!/usr/bin/env bash
# The main job on one machine: install what is missing, build, run the smoke suite under
# mpirun with 2 ranks (CUDA backend where a GPU is visible, else the CPU backend), summarize
# the results file, and end with the capacity report against the shipped system file
# (configs/systems/gwangju-ai-datacenter.json: the 88.5 PF target): report.html, report.md and
# statement.txt, whose paths it prints last.
# Usage: scripts/quickstart.sh [SUITE [SYSTEM]]   (default configs/suites/smoke.json and that system)
# Environment: CAPBENCH_CMAKE_ARGS, extra cmake configure arguments split on spaces (e.g.
# "-DCAPBENCH_ENABLE_CUDA=OFF -DCMAKE_CXX_COMPILER_LAUNCHER=ccache" for a quicker CPU-only build).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
suite="${1:-$root/configs/suites/smoke.json}"
system="${2:-$root/configs/systems/gwangju-ai-datacenter.json}"
bash "$root/scripts/install-deps.sh"
cmake_args=()
if [[ -n "${CAPBENCH_CMAKE_ARGS:-}" ]]; then read -r -a cmake_args <<<"${CAPBENCH_CMAKE_ARGS}"; fi
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=Release "${cmake_args[@]}"
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
# The main job: what the system can do against its target. Without criteria the report's exit
# is 0 for a complete run with no failed result, 1 otherwise (the summary above says which).
report="$out/$run_id-report"
report_status=0
"$root/build/reports/capreport" report "$results" --system "$system" -o "$report" || report_status=$?
if [[ -s "$report/statement.txt" ]]; then
  echo
  echo "quickstart: capacity statement ($report/statement.txt):"
  cat "$report/statement.txt"
  echo
fi
echo "quickstart: results   $results"
echo "quickstart: summary   $out/$run_id-summary.md"
echo "quickstart: markdown  $report/report.md"
echo "quickstart: statement $report/statement.txt"
if [[ -s "$report/report.html" ]]; then
  echo "quickstart: report.html is at $report/report.html"
else
  echo "quickstart: capreport report wrote no report.html (exit $report_status)" >&2
  [[ "$status" != 0 ]] || status=$report_status
fi
exit "$status"
