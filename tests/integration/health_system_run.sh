#!/usr/bin/env bash
# capbench run --system FILE (the system description capreport reads) under mpirun (2 ranks,
# CPU backend) with the planted-value NVML: a node showing 1 of the 2 GPUs the file states per
# node fails gpu_count by host, with the file as the basis; with --health-gate stop nothing is
# measured; a CPU run against a file stating the node's cores and memory passes, and one
# stating other cores fails; a bad file is exit 2 naming the file and key.
# Usage: health_system_run.sh MPIRUN CAPBENCH FAKE_NVML SOURCE_DIR WORKDIR
set -euo pipefail
mpirun="$1" capbench="$2" fake="$3" src="$4" work="$5"
data="$src/tests/integration/health"
rm -rf "$work" && mkdir -p "$work"
# The system files this script writes; the results and logs stay for a failure's reader.
trap 'rm -f "$work"/sys_cpu*.json "$work/bad_system.json" "$work/no_shape.json"' EXIT
host=$(hostname)

label=health_system_run
# shellcheck source-path=SCRIPTDIR source=health_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/health_lib.sh"

# A CPU node's own cores and memory, as the file would state them (memory: what the OS reports).
cores=$(getconf _NPROCESSORS_ONLN)
mem_gib=$(python3 -c "import os; print(os.sysconf('SC_PHYS_PAGES') * os.sysconf('SC_PAGE_SIZE') / 2**30)")
cpu_system() {  # cpu_system FILE CORES
  cat >"$1" <<JSON
{"schema": "capbench.system/1", "name": "cpu test system",
 "target": {"value": 1, "unit": "TFLOP/s", "precision": "fp64", "basis": "peak"},
 "inventory": [{"model": "h100-sxm5-80gb", "count": 1, "measurable_by_capbench": true}],
 "cpu_nodes": {"cpu_cores": $2, "memory_gib": $mem_gib}}
JSON
}

run short "$data/one_gpu_nvml.json" 0 --system "$data/system_two_per_node.json"
run short_stopped "$data/one_gpu_nvml.json" 1 --system "$data/system_two_per_node.json" --health-gate stop
cpu_system "$work/sys_cpu.json" "$cores"
run cpu_system /nonexistent 0 --system "$work/sys_cpu.json" --health-gate stop
cpu_system "$work/sys_cpu_wrong.json" "$((cores + 1))"
run cpu_system_wrong /nonexistent 1 --system "$work/sys_cpu_wrong.json" --health-gate stop
python3 "$data/check_system_health.py" "$work" "$host" "$data/system_two_per_node.json" "$cores"

# Bad input: exit 2, naming the file, the key and what was expected; nothing written.
sed 's/"gpus": 2/"gpus": "two"/' "$data/system_two_per_node.json" >"$work/bad_system.json"
run bad "$data/one_gpu_nvml.json" 2 --system "$work/bad_system.json"
grep -q "bad_system.json" "$work/bad.log"
grep -q "inventory\[0\].per_node.gpus" "$work/bad.log"
grep -q "expected" "$work/bad.log"
[[ ! -e "$work/bad.json" ]]
# A file stating no node shape would check nothing: refused the same way.
sed 's/, "per_node": { "gpus": 2 }//' "$data/system_two_per_node.json" >"$work/no_shape.json"
run no_shape "$data/one_gpu_nvml.json" 2 --system "$work/no_shape.json"
grep -q "per_node" "$work/no_shape.log"
echo "health_system_run: ok"
