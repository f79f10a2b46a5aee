#!/usr/bin/env bash
# The health stage under mpirun (2 ranks, CPU backend) with the planted-value NVML
# (tests/tools/fake_nvml): each planted fault is a failed check naming host and GPU, the
# criteria verdict fails, --health-gate stop measures nothing, clean values pass every check,
# and a run without NVML carries the CPU checks, which a CPU criteria file accepts.
# Usage: health_run.sh MPIRUN CAPBENCH CAPREPORT FAKE_NVML SOURCE_DIR WORKDIR
set -euo pipefail
mpirun="$1" capbench="$2" capreport="$3" fake="$4" src="$5" work="$6"
data="$src/tests/integration/health"
rm -rf "$work" && mkdir -p "$work"
trap 'rm -rf "$work/report-"*' EXIT
host=$(hostname)

label=health_run
# shellcheck source-path=SCRIPTDIR source=health_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/health_lib.sh"

report() {  # report NAME CRITERIA EXPECTED_RC
  local rc=0
  "$capreport" report "$work/$1.json" --criteria "$2" -o "$work/report-$1" >"$work/report-$1.log" 2>&1 || rc=$?
  if [[ $rc -ne $3 ]]; then
    echo "health_run: capreport on $1 exited $rc, expected $3" >&2
    cat "$work/report-$1.log" >&2
    exit 1
  fi
}

run faulty "$data/faulty_nvml.json" 0 --expect-gpus-per-node 3
python3 "$data/check_health.py" "$work/faulty.json" faulty "$host"
report faulty "$data/criteria_all.json" 1
grep -q "FAIL health" "$work/report-faulty.log"
grep -q "$host: pcie_link on GPU 0 (0000:18:00.0): FAILED" "$work/report-faulty.log"
grep -qF "**FAIL** xid\_events on $host GPU 1 (0000:2a:00.0): XID 79 in case gemm/fp64" "$work/report-faulty/report.md"
grep -qF "<td>memory_repair</td><td>$host</td><td>GPU 1 (0000:2a:00.0)</td>" "$work/report-faulty/report.html"

run stopped "$data/faulty_nvml.json" 1 --expect-gpus-per-node 3 --health-gate stop
python3 "$data/check_health.py" "$work/stopped.json" stopped "$host"

run clean "$data/clean_nvml.json" 0 --health-gate stop
python3 "$data/check_health.py" "$work/clean.json" clean "$host"
report clean "$data/criteria_all.json" 0

run cpu /nonexistent 0 --expect-cores-per-node "$(getconf _NPROCESSORS_ONLN)"
python3 "$data/check_health.py" "$work/cpu.json" cpu "$host"
report cpu "$data/criteria_cpu.json" 0
# A CPU run measured no board energy: the report says so and gives no efficiency figure.
grep -q "## Energy efficiency (GPU board only: excludes CPUs, memory, network, cooling)" "$work/report-cpu/report.md"
grep -q "Not measured" "$work/report-cpu/report.md"
if grep -q "GFLOPS/W" "$work/report-cpu/report.md" "$work/report-cpu/report.html"; then
  echo "health_run: an efficiency figure without an energy reading" >&2
  exit 1
fi
echo "health_run: ok"
