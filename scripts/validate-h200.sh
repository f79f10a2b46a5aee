#!/usr/bin/env bash
# Validate every GPU path of capbench on one GPU (issues 4 and 21) and keep the evidence, in one
# call of 8 minutes at most: build for sm_90 (and the GPU peers beside it), record the card
# (read-only nvidia-smi), run the GPU tests, run configs/suites/h200-validation.json on one
# rank with --health-gate record (its LU, fabric, health and energy checked by peer_compare.py
# paths), run BabelStream, nvbandwidth and nccl-tests at the same sizes followed by capbench's
# configs/suites/h200-peers.json again, write the summary and the capacity report, time the same
# GEMMs and a device copy through PyTorch, capbench's GEMMs once more after it, and print the
# comparison tables last.
#
#   scripts/validate-h200.sh
#
# Evidence goes to $OUT when set (the device tool returns at most 8 files, 2 folders deep, so
# the report directory travels as one tar file), else to docs/validation/h200-<UTC date>/.
# Environment: CAPBENCH_BUILD (build directory, default build-h200), CAPBENCH_JOBS (build
# parallelism, default all cores), CAPBENCH_DEADLINE_S (seconds the whole script may take,
# default 480, so that the kit fits 8 minutes of device time: every step's limit is cut so the script ends by then, keeping 20 s for the
# short steps after it; a step with no time left is recorded as not run, code 125),
# CAPBENCH_SKIP_STEPS (step names to leave out, space-separated; default "micro-gpu
# two-ranks-one-gpu": their evidence is kept from 2026-11-27 and the budget in
# docs/validation/README.md has no room for them; set it to "" to run every step).
#
# Each step's exit code goes to status.txt; a failed step does not stop the later ones, so
# the evidence of the others is still written. The script exits non-zero when any step failed.
# It never changes the card's settings: nvidia-smi is only queried.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_dir="$(cd "${script_dir}/.." && pwd)"
cd "${repo_dir}"

if [[ -n "${OUT:-}" ]]; then
  evidence="${OUT}"
else
  evidence="${repo_dir}/docs/validation/h200-$(date -u +%Y-%m-%d)"
fi
mkdir -p "${evidence}"
build="${CAPBENCH_BUILD:-${repo_dir}/build-h200}"
jobs="${CAPBENCH_JOBS:-$(nproc)}"
work="$(mktemp -d "${TMPDIR:-/tmp}/capbench-h200.XXXXXX")"
trap 'rm -rf "${work}"' EXIT  # also when the device tool or a person stops the script
log="${evidence}/validate.log"
status_file="${evidence}/status.txt"
results="${evidence}/results.json"
reference="${evidence}/reference.json"
comparison="${evidence}/comparison.md"
: >"${log}"
printf 'step exit_code seconds\n' >"${status_file}"
failed=0
deadline=$(($(date +%s) + ${CAPBENCH_DEADLINE_S:-480}))
CAPBENCH_SKIP_STEPS="${CAPBENCH_SKIP_STEPS-micro-gpu two-ranks-one-gpu}"

# run_step NAME TIMEOUT_S COMMAND... : runs a step with a time limit, logs it, records its
# exit code (124 = ran past its limit) and carries on.
run_step() {
  local name="$1" limit="$2"
  shift 2
  local started rc=0
  if [[ " ${CAPBENCH_SKIP_STEPS:-} " == *" ${name} "* ]]; then
    printf '%s skipped 0\n' "${name}" >>"${status_file}"
    printf '\n=== %s: skipped (CAPBENCH_SKIP_STEPS)\n' "${name}" | tee -a "${log}"
    return 0
  fi
  started="$(date +%s)"
  if ((deadline - started - 20 < limit)); then limit=$((deadline - started - 20)); fi
  if ((limit < 5)); then
    printf '%s 125 0\n' "${name}" >>"${status_file}"
    printf '\n=== %s: not run, no time left\n' "${name}" | tee -a "${log}"
    failed=1
    return 0
  fi
  printf '\n=== %s (limit %s s): %s\n' "${name}" "${limit}" "$*" | tee -a "${log}"
  timeout --kill-after=10 "${limit}" "$@" >>"${log}" 2>&1 || rc=$?
  printf '%s %s %s\n' "${name}" "${rc}" "$(($(date +%s) - started))" >>"${status_file}"
  printf '=== %s: exit %s\n' "${name}" "${rc}" | tee -a "${log}"
  if [[ "${rc}" -ne 0 ]]; then failed=1; fi
  return 0
}

# The offline dependency kit (shared/device/README.md) when it travelled with the tree.
if [[ -f "${repo_dir}/.devdeps/env.sh" ]]; then
  # shellcheck disable=SC1091
  source "${repo_dir}/.devdeps/env.sh"
fi
if [[ -d /usr/local/cuda/bin ]]; then export PATH="${PATH}:/usr/local/cuda/bin"; fi
# Containers run as root; Open MPI refuses that without these.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# The relocated Open MPI's PMIx cannot load its zlib component; it says so at length, once per
# process. Compression of start-up data is not needed on one node.
export PMIX_MCA_pcompress_base_silence_warning=1
read -r -a devdeps_args <<<"${DEVDEPS_CMAKE_ARGS:-}"

# NCCL: the toolkit's own copy when it has one, else the one PyTorch's wheel carries.
nccl_args=()
if ! ls /usr/local/cuda/lib*/libnccl.so* /usr/lib/x86_64-linux-gnu/libnccl.so* >/dev/null 2>&1; then
  nccl_dir="$(python3 -c 'import nvidia.nccl, os; print(os.path.dirname(nvidia.nccl.__file__) if nvidia.nccl.__file__ else list(nvidia.nccl.__path__)[0])' 2>/dev/null || true)"
  if [[ -n "${nccl_dir}" && -f "${nccl_dir}/lib/libnccl.so.2" ]]; then
    nccl_args=("-DCAPBENCH_NCCL_LIBRARY=${nccl_dir}/lib/libnccl.so.2" "-DCAPBENCH_NCCL_INCLUDE=${nccl_dir}/include")
    export LD_LIBRARY_PATH="${nccl_dir}/lib:${LD_LIBRARY_PATH:-}"
  fi
fi

{
  printf 'capbench H200 validation, %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  if git -C "${repo_dir}" rev-parse HEAD >/dev/null 2>&1; then
    printf 'commit %s\n' "$(git -C "${repo_dir}" describe --always --dirty)"
  else
    printf 'commit unknown (no .git here; results.json names the build'"'"'s commit)\n'
  fi
  printf 'host %s, %s cores\n' "$(hostname)" "$(nproc)"
  printf 'nvcc: %s\n' "$(nvcc --version 2>/dev/null | tail -1)"
  printf 'NCCL: %s\n' "${nccl_args[*]:-toolkit or system copy}"
} | tee -a "${log}"

# Read-only queries of the card, before the load (clocks, power, ECC, throttle reasons).
run_step nvidia-smi 60 nvidia-smi -q -f "${evidence}/nvidia-smi.txt"

run_step configure 120 cmake -S "${repo_dir}" -B "${build}" "${devdeps_args[@]}" \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES=90 -DCAPBENCH_ENABLE_CUDA=ON \
  -DCAPBENCH_BUILD_TESTS=ON -DCAPBENCH_BUILD_MICRO=ON "${nccl_args[@]}"
targets=(capbench capreport cuda_gpu_tests)
if [[ " ${CAPBENCH_SKIP_STEPS:-} " != *" micro-gpu "* ]]; then targets+=(capbench_micro); fi
# The peers (BabelStream, nvbandwidth, nccl-tests) build beside capbench, before anything is
# measured, so their compilers never share the machine with a timed case.
peers="${work}/peers"
peers_log="${work}/peers-build.log"
peers_pid=""
if [[ " ${CAPBENCH_SKIP_STEPS:-} " != *" peers "* ]]; then
  if [[ -n "${nccl_dir:-}" ]]; then export NCCL_HOME="${nccl_dir}"; fi
  # ../shared beside the checkout does not travel to the device: scripts/device-kit.sh puts the
  # peers' snapshots in the kit.
  if [[ -z "${CAPBENCH_PEERS:-}" && -d "${repo_dir}/.devdeps/peers" ]]; then export CAPBENCH_PEERS="${repo_dir}/.devdeps/peers"; fi
  timeout 400 bash "${script_dir}/gpu-peers-build.sh" "${peers}" 90 >"${peers_log}" 2>&1 &
  peers_pid=$!
fi
run_step build 300 cmake --build "${build}" -j "${jobs}" --target "${targets[@]}"
if [[ -n "${peers_pid}" ]]; then
  peers_rc=0
  wait "${peers_pid}" || peers_rc=$?  # bounded by the build's own timeout
  # shellcheck disable=SC2016 # the inner script takes its values as arguments
  run_step peers-build 10 bash -c 'cat "$1"; exit "$2"' _ "${peers_log}" "${peers_rc}"
fi

run_step ctest-gpu 90 ctest --test-dir "${build}" -L gpu --output-on-failure --timeout 60

# --health-gate record: the NVML health stage runs and is recorded, and the run measures anyway.
run_step suite 270 mpirun -np 1 --bind-to none "${build}/bench/capbench" run \
  --suite "${repo_dir}/configs/suites/h200-validation.json" --backend cuda --health-gate record \
  --results "${results}"
# Read-only again, after the load: clocks and throttle reasons at the end of it.
run_step nvidia-smi-after 30 nvidia-smi -q -f "${evidence}/nvidia-smi-after.txt"

# This wave's CUDA paths from that one run: the health checks, joules per case, the cuSOLVER LU
# case and the NCCL fabric case (skipped with its reason on one node).
mkdir -p "${work}/report"
run_step paths 30 python3 "${script_dir}/peer_compare.py" paths --results "${results}" --md "${work}/report/paths.md"

# The peers at capbench's sizes, then capbench's memory, copy and collective cases again, so
# each comparison has a capbench run before and after the peer's (interleaved).
peer_out="${work}/report/peers"
mkdir -p "${peer_out}"
run_step peers 150 bash "${script_dir}/gpu-peers-run.sh" "${peers}/bin" "${results}" "${peer_out}"
results_again="${work}/report/results-peers-after.json"
run_step suite-peers-after 120 mpirun -np 1 --bind-to none "${build}/bench/capbench" run \
  --suite "${repo_dir}/configs/suites/h200-peers.json" --backend cuda --results "${results_again}"
run_step peers-compare 30 python3 "${script_dir}/peer_compare.py" compare --results "${results}" \
  --results "${results_again}" --dir "${peer_out}" --md "${work}/report/peers.md"

# bench/micro's GPU micro-benchmarks: launch latency, GEMM shapes, memcpy sizes.
run_step micro-gpu 90 "${build}/bench/micro/capbench_micro" --benchmark_filter='BM_(Kernel|Cuda)' \
  --benchmark_min_time=0.2 --benchmark_out="${work}/micro-gpu.json" --benchmark_out_format=json

report_dir="${work}/report"
run_step summary 60 "${build}/reports/capreport" summary "${results}" --md "${report_dir}-summary.md"
run_step report 60 "${build}/reports/capreport" report "${results}" \
  --system "${repo_dir}/configs/systems/gwangju-ai-datacenter.json" --out "${report_dir}"
if [[ -f "${report_dir}-summary.md" ]]; then
  mkdir -p "${report_dir}"
  mv "${report_dir}-summary.md" "${report_dir}/summary.md"
fi
if [[ -f "${work}/micro-gpu.json" ]]; then
  mkdir -p "${report_dir}"
  mv "${work}/micro-gpu.json" "${report_dir}/micro-gpu.json"
fi
# The PyTorch reference, then capbench's GEMMs again, so each GEMM ratio has a capbench run
# before and after the reference (int8, which PyTorch lacks, is left out of the second run),
# then the table (printed last).
run_step reference 150 env PYTHONUNBUFFERED=1 python3 "${script_dir}/h200_reference.py" measure --out "${reference}"
gemm_again="${work}/report/results-gemm-after.json"
mkdir -p "${work}/report"
run_step gemm-after 70 mpirun -np 1 --bind-to none "${build}/bench/capbench" run \
  --suite "${repo_dir}/configs/suites/h200-validation.json" --backend cuda --results "${gemm_again}" \
  --only 'gemm/fp64/*,gemm/fp32/*,gemm/tf32/*,gemm/fp16/*,gemm/bf16/*,gemm/fp8_e4m3/*'
compare_args=(compare --results "${results}" --md "${comparison}")
if [[ -f "${reference}" ]]; then compare_args+=(--reference "${reference}"); fi
if [[ -f "${gemm_again}" ]]; then compare_args+=(--results-after "${gemm_again}"); fi
run_step compare 60 python3 "${script_dir}/h200_reference.py" "${compare_args[@]}"

# Two ranks on the one GPU: NCCL refuses two ranks on one device, so the collective cases must
# fail naming host and GPU, without hanging, while every other case still runs. Last of the
# steps on the GPU: its evidence of 2026-11-27 is kept, so the deadline cuts it, never a
# measurement.
mkdir -p "${work}/report"
shared="${work}/report/two-ranks-one-gpu.json"
# shellcheck disable=SC2016 # the inner script takes its paths as arguments
run_step two-ranks-one-gpu 120 bash -c '
  mpirun -np 2 --oversubscribe --bind-to none "$1" run --suite "$2" --backend cuda --results "$3"
  echo "capbench exit $? (1 expected: the collective cases fail)"
  python3 "$4" shared-gpu --results "$3"' _ "${build}/bench/capbench" "${repo_dir}/configs/suites/smoke.json" \
  "${shared}" "${script_dir}/h200_reference.py"

if [[ -d "${report_dir}" ]]; then
  tar -C "${work}" -czf "${evidence}/report.tar.gz" report
fi

printf '\nEvidence in %s:\n' "${evidence}"
ls -l "${evidence}"
printf '\nStep exit codes:\n'
cat "${status_file}"
printf '\n'
if [[ -f "${results}" ]]; then
  python3 "${script_dir}/h200_reference.py" "${compare_args[@]}" || true
fi
if [[ -f "${evidence}/report.tar.gz" ]]; then
  tar -xzOf "${evidence}/report.tar.gz" report/peers.md 2>/dev/null || true
  tar -xzOf "${evidence}/report.tar.gz" report/paths.md 2>/dev/null || true
fi
exit "${failed}"
