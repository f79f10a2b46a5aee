#!/usr/bin/env bash
# A real, private Slurm on this machine: munged, slurmctld and slurmd as root, each on paths and
# ports inside a temporary directory. Submits scripts/slurm/nightly.sbatch (srun --mpi=pmix,
# CPU backend, 2 tasks on this node), waits for it, and finds its run in the history database.
#
#   tests/slurm/slurm_nightly_test.sh BUILD_DIR
#
# Exit 0 pass, 1 fail, 77 skipped: only where the Slurm daemons cannot be started here (not
# root, Slurm or munge not installed, daemons refusing to start), with the reason printed.
set -euo pipefail

build_dir="$(cd "${1:?usage: slurm_nightly_test.sh BUILD_DIR}" && pwd)"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "${here}/../.." && pwd)"
job_wait_s="${CAPBENCH_SLURM_JOB_WAIT_S:-150}"

# shellcheck source-path=SCRIPTDIR source=private_slurm.sh
source "${here}/private_slurm.sh"
kill_wait=5

work="$(mktemp -d "${TMPDIR:-/tmp}/capbench-slurm-test.XXXXXX")"
chmod 700 "${work}"

show_logs() {
  for f in "${work}"/*.log "${work}"/out/*.out; do
    [[ -f "${f}" ]] || continue
    echo "---- ${f}"
    tail -n 40 "${f}"
  done
}

cleanup() {
  local rc=$?
  if [[ -n "${job_id:-}" ]]; then timeout 15 scancel "${job_id}" >/dev/null 2>&1 || true; fi
  stop_private_slurm
  if [[ "${rc}" != 0 && "${rc}" != "${skip_code}" ]]; then show_logs; fi
  rm -rf "${work}"
  exit "${rc}"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

start_private_slurm slurm_nightly_test

# --- the nightly template, CPU backend, 2 tasks on this node, no GPUs requested.
export CAPBENCH_ROOT="${repo}" CAPBENCH_BUILD="${build_dir}" CAPBENCH_BACKEND=cpu
export CAPBENCH_SUITE="${repo}/tests/nightly/nightly_clean_suite.json"
export CAPBENCH_HISTORY_DB="${work}/history.sqlite" CAPBENCH_OUT="${work}/out"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
job_id="$(timeout 60 sbatch --parsable --nodes=1 --ntasks-per-node=2 --cpus-per-task=1 --gpus-per-node=0 \
  --time=00:05:00 --output="${work}/out/job-%j.out" --chdir="${work}" "${repo}/scripts/slurm/nightly.sbatch")"
job_id="${job_id%%;*}"
echo "slurm_nightly_test: submitted job ${job_id}"

job_state=""
deadline=$((SECONDS + job_wait_s))
while ((SECONDS < deadline)); do
  job_state="$(timeout 15 scontrol show job "${job_id}" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | head -n 1)"
  case "${job_state}" in
    COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY|BOOT_FAIL|DEADLINE) break ;;
  esac
  sleep 1
done
exit_code="$(timeout 15 scontrol show job "${job_id}" 2>/dev/null | sed -n 's/.* ExitCode=\([0-9:]*\).*/\1/p' | head -n 1)"
echo "slurm_nightly_test: job ${job_id}: state ${job_state:-unknown}, exit code ${exit_code:-unknown}"
cat "${work}/out/job-${job_id}.out" 2>/dev/null || true

fail() {
  echo "slurm_nightly_test: FAIL: $*" >&2
  exit 1
}
# The first run of a fresh history has too short a baseline: the check (and so the job) exits
# 3, which Slurm shows as FAILED 3:0 (docs/nightly.md, exit codes).
[[ "${job_state}" == FAILED ]] || fail "job ${job_id} ended ${job_state:-without finishing within ${job_wait_s} s}, expected FAILED (exit 3)"
[[ "${exit_code}" == 3:0 ]] || fail "job ${job_id} exit code ${exit_code}, expected 3:0 (short baseline)"
grep -q "^SHORT BASELINE: " "${work}/out/job-${job_id}.out" || fail "the job's log does not say its baseline is short"

# The run is in the history, with both ranks, launched by srun through PMIx.
check_rc=0
check_out="$("${build_dir}/reports/capreport" history check --db "${CAPBENCH_HISTORY_DB}" --run latest --all)" || check_rc=$?
[[ "${check_rc}" == 3 ]] || fail "history check on the job's database exited ${check_rc}, expected 3"
echo "${check_out}" | head -n 3
run_id="$(echo "${check_out}" | sed -n 's/^history check: run \([^ ]*\) .*/\1/p')"
[[ "${run_id}" == nightly-* ]] || fail "no nightly run found in ${CAPBENCH_HISTORY_DB}"
grep -q "nightly.sh: run ${run_id}:.*srun --mpi=pmix" "${work}/out/job-${job_id}.out" || fail "the job did not launch with srun --mpi=pmix"
for rank in 0 1; do
  echo "${check_out}" | grep -qE "gemm/fp64/256x256x256 throughput +gpu +[^ ]+ +${rank} " ||
    fail "rank ${rank} missing from the stored run"
done
echo "slurm_nightly_test: PASS: job ${job_id} stored run ${run_id} in the history"
