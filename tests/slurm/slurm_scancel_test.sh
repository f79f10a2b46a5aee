#!/usr/bin/env bash
# scancel of a two-rank capbench job under srun (PMIx) on a private Slurm: every rank must end
# within 5 s, as promptly as under mpirun, although Slurm would wait KillWait (30 s here)
# before its SIGKILL; the results file is incomplete and says what was lost.
#
#   tests/slurm/slurm_scancel_test.sh BUILD_DIR
#
# Exit 0 pass, 1 fail, 77 skipped (only where the Slurm daemons cannot start here).
set -euo pipefail

build_dir="$(cd "${1:?usage: slurm_scancel_test.sh BUILD_DIR}" && pwd)"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
limit_s="${CAPBENCH_SCANCEL_LIMIT_S:-5}"
kill_wait=30
# shellcheck source-path=SCRIPTDIR source=private_slurm.sh
source "${here}/private_slurm.sh"

work="$(mktemp -d "${TMPDIR:-/tmp}/capbench-slurm-scancel.XXXXXX")"
chmod 700 "${work}"
cleanup() {
  local rc=$?
  if [[ -n "${job_id:-}" ]]; then timeout 15 scancel --signal=KILL "${job_id}" >/dev/null 2>&1 || true; fi
  stop_private_slurm
  if [[ "${rc}" != 0 && "${rc}" != "${skip_code}" ]]; then
    for f in "${work}"/*.log "${work}"/out/*; do
      [[ -f "${f}" ]] && { echo "---- ${f}"; tail -n 30 "${f}"; }
    done
  fi
  rm -rf "${work}"
  exit "${rc}"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fail() {
  echo "slurm_scancel_test: FAIL: $*" >&2
  exit 1
}

start_private_slurm slurm_scancel_test

# A case that runs for minutes: the job is cancelled in the middle of it.
cat > "${work}/long_suite.json" <<'JSON'
{ "schema": "capbench.suite/1", "name": "long", "defaults": { "warmup": 1, "iterations": 100000, "timeout_s": 600 },
  "cases": [ { "benchmark": "gemm", "precisions": ["fp64"], "shapes": [[64, 64, 64]] },
             { "benchmark": "gemm", "precisions": ["fp64"], "shapes": [[512, 512, 512]] } ] }
JSON
results="${work}/out/results.json"
cat > "${work}/job.sbatch" <<JOB
#!/usr/bin/env bash
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
exec srun --mpi=pmix "${build_dir}/bench/capbench" run --suite "${work}/long_suite.json" --backend cpu --threads 1 \
  --results "${results}"
JOB
job_id="$(timeout 60 sbatch --parsable --nodes=1 --ntasks-per-node=2 --cpus-per-task=1 --time=00:10:00 \
  --output="${work}/out/job.out" --chdir="${work}" "${work}/job.sbatch")"
job_id="${job_id%%;*}"
echo "slurm_scancel_test: submitted job ${job_id}"

# Wait until the long case is under way on both ranks (the first case is in the file).
for _ in $(seq 1 240); do
  grep -q '"gemm/fp64/64x64x64"' "${results}" 2>/dev/null && grep -q '512x512x512' "${work}/out/job.out" 2>/dev/null && break
  [[ "$(job_state "${job_id}")" =~ ^(FAILED|CANCELLED|COMPLETED)$ ]] && fail "job ${job_id} ended before it was cancelled"
  sleep 0.5
done
grep -q '"gemm/fp64/64x64x64"' "${results}" 2>/dev/null || fail "the job never reached its long case"
sleep 1
ranks_running="$(pgrep -c -f "${work}/long_suite.json" || true)"
echo "slurm_scancel_test: ${ranks_running} capbench processes running; scancel ${job_id}"

start_ns=$(date +%s%N)
scancel "${job_id}"
ended=0
while (( ($(date +%s%N) - start_ns) / 1000000 < (limit_s + 10) * 1000 )); do
  if ! pgrep -f "capbench run --suite ${work}/long_suite.json" >/dev/null; then
    ended=1
    break
  fi
  sleep 0.05
done
elapsed_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
echo "slurm_scancel_test: every rank ended ${elapsed_ms} ms after scancel (limit ${limit_s} s, KillWait ${kill_wait} s)"
((ended)) || fail "ranks still running $((elapsed_ms / 1000)) s after scancel"
((elapsed_ms <= limit_s * 1000)) || fail "the ranks took ${elapsed_ms} ms to end, more than ${limit_s} s"

# The file says the run was stopped, in which case, and what was lost.
"${build_dir}/tests/integration/check_results" "${results}" >/dev/null 2>&1 || true
grep -q '"status": "incomplete"' "${results}" || fail "the results file is not marked incomplete"
grep -qE '"status_reason": "stopped by signal 15[^"]*512x512x512' "${results}" ||
  fail "the reason does not name the signal and the case: $(grep -o '"status_reason": "[^"]*"' "${results}")"
echo "slurm_scancel_test: PASS: $(grep -o '"status_reason": "[^"]*"' "${results}")"
