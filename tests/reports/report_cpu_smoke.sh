#!/usr/bin/env bash
# A short CPU-backend run of the benchmarks the report reads, then `capreport report` with the
# CPU criteria and the Gwangju system: exit 0, every output written, and a statement that
# names the CPU backend and claims no GPU capacity.
# Usage: report_cpu_smoke.sh MPIRUN CAPBENCH CAPREPORT SOURCE_DIR WORKDIR
set -euo pipefail
mpirun="$1" capbench="$2" capreport="$3" src="$4" work="$5"
rm -rf "$work" && mkdir -p "$work"
"$mpirun" -np 2 --oversubscribe "$capbench" run --suite "$src/tests/reports/data/report-smoke-suite.json" \
  --backend cpu --results "$work/results.json"
rc=0
"$capreport" report "$work/results.json" --system "$src/configs/systems/gwangju-ai-datacenter.json" \
  --criteria "$src/configs/criteria/cpu-smoke.json" -o "$work/report" || rc=$?
if [[ $rc -ne 0 ]]; then echo "report_cpu_smoke: capreport exited $rc, expected 0" >&2; exit 1; fi
for f in report.html report.md summary.json per_gpu.csv statement.txt; do
  test -s "$work/report/$f" || { echo "report_cpu_smoke: $f missing or empty" >&2; exit 1; }
done
grep -q "CPU backend" "$work/report/statement.txt"
grep -q "state no GPU capacity" "$work/report/statement.txt"
grep -q '"gpu_capacity_claimed": false' "$work/report/summary.json"
grep -q '"accepted": true' "$work/report/summary.json"
echo "report_cpu_smoke: ok"
