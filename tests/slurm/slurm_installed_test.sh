#!/usr/bin/env bash
# The Slurm templates from an install prefix (issue 18): `cmake --install` into a fresh prefix,
# then a real, private Slurm runs PREFIX/share/capbench/scripts/slurm/nightly.sbatch (srun,
# PMIx) and acceptance.sbatch, submitted from a directory outside both trees with nothing
# (CAPBENCH_ROOT, CAPBENCH_BUILD, CAPBENCH_SUITE) telling them where the programs and configs
# are: each must find the prefix's bin/ and configs/. CPU backend, 2 tasks, a small slice of
# each shipped suite (--only/--set).
#
#   tests/slurm/slurm_installed_test.sh BUILD_DIR
#
# Exit 0 pass, 1 fail, 77 skipped: only where the Slurm daemons cannot be started here.
set -euo pipefail

build_dir="$(cd "${1:?usage: slurm_installed_test.sh BUILD_DIR}" && pwd)"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
job_wait_s="${CAPBENCH_SLURM_JOB_WAIT_S:-150}"

# shellcheck source-path=SCRIPTDIR source=private_slurm.sh
source "${here}/private_slurm.sh"
kill_wait=5

work="$(mktemp -d "${TMPDIR:-/tmp}/capbench-slurm-installed.XXXXXX")"
chmod 700 "${work}"
jobs_submitted=()

cleanup() {
  local rc=$?
  for j in "${jobs_submitted[@]}"; do timeout 15 scancel "${j}" >/dev/null 2>&1 || true; done
  stop_private_slurm
  if [[ "${rc}" != 0 && "${rc}" != "${skip_code}" ]]; then
    for f in "${work}"/*.log "${work}"/night/*.out; do
      [[ -f "${f}" ]] && { echo "---- ${f}"; tail -n 40 "${f}"; }
    done
  fi
  rm -rf "${work}"
  exit "${rc}"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() {
  echo "slurm_installed_test: FAIL: $*" >&2
  exit 1
}

prefix="${work}/prefix"
cmake --install "${build_dir}" --prefix "${prefix}" > "${work}/install.log"
share="${prefix}/share/capbench"
grep -qx "installed_root=\"${share}\"" "${share}/scripts/slurm/nightly.sbatch" ||
  fail "the installed nightly.sbatch does not name its prefix"

start_private_slurm slurm_installed_test

# Wait for a job to end; prints "STATE EXITCODE".
wait_job() {
  local id="$1" state="" deadline=$((SECONDS + job_wait_s))
  while ((SECONDS < deadline)); do
    state="$(timeout 15 scontrol show job "${id}" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | head -n 1)"
    case "${state}" in COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY|BOOT_FAIL|DEADLINE) break ;; esac
    sleep 1
  done
  echo "${state:-unknown} $(timeout 15 scontrol show job "${id}" 2>/dev/null | sed -n 's/.* ExitCode=\([0-9:]*\).*/\1/p' | head -n 1)"
}

mkdir -p "${work}/night"
unset CAPBENCH_ROOT CAPBENCH_BUILD CAPBENCH_SUITE CAPBENCH_OUT CAPBENCH_HISTORY_DB
export CAPBENCH_BACKEND=cpu OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
submit=(timeout 60 sbatch --parsable --nodes=1 --ntasks-per-node=2 --cpus-per-task=1 --gpus-per-node=0 --time=00:05:00
        --chdir="${work}/night")

# --- nightly.sbatch: nightly.sh and the nightly suite of the prefix, its capbench and capreport.
nightly_id="$("${submit[@]}" --output="${work}/night/nightly-%j.out" "${share}/scripts/slurm/nightly.sbatch" \
  -- --only gemm/fp64 --set 'gemm.duration_s=0.6' --set 'gemm.window_s=0.2')"
nightly_id="${nightly_id%%;*}"
jobs_submitted+=("${nightly_id}")
# --- acceptance.sbatch: the prefix's acceptance suite and capbench, one small case.
accept_id="$("${submit[@]}" --output="${work}/night/accept-%j.out" "${share}/scripts/slurm/acceptance.sbatch" \
  --only stream/fp64 --set 'stream.elements=1000000' --set '*.iterations=3')"
accept_id="${accept_id%%;*}"
jobs_submitted+=("${accept_id}")
echo "slurm_installed_test: submitted jobs ${nightly_id} (nightly) and ${accept_id} (acceptance)"

read -r state code < <(wait_job "${nightly_id}")
log="${work}/night/nightly-${nightly_id}.out"
cat "${log}" 2>/dev/null || true
# A first night: too short a baseline, exit 3 (FAILED 3:0), as from the build tree.
[[ "${state} ${code}" == "FAILED 3:0" ]] || fail "nightly job ended ${state} ${code}, expected FAILED 3:0 (short baseline)"
grep -q "${prefix}/bin/capbench run" "${log}" || fail "nightly.sbatch did not run the installed capbench"
grep -q -- "--suite ${share}/configs/suites/nightly.json" "${log}" || fail "nightly.sbatch did not run the installed nightly suite"
grep -q "srun --mpi=pmix" "${log}" || fail "nightly.sbatch did not launch with srun --mpi=pmix"
[[ -s "${work}/night/history.sqlite" ]] || fail "no history database in the submit directory"

read -r state code < <(wait_job "${accept_id}")
cat "${work}/night/accept-${accept_id}.out" 2>/dev/null || true
[[ "${state} ${code}" == "COMPLETED 0:0" ]] || fail "acceptance job ended ${state} ${code}, expected COMPLETED 0:0"
results="${work}/night/acceptance/capbench-acceptance-${accept_id}.json"
[[ -f "${results}" ]] || fail "no acceptance results at ${results}"
python3 - "${results}" "${share}/configs/suites/acceptance.json" <<'PY' || fail "the acceptance run is not the installed suite on 2 ranks"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["suite"]["path"] == sys.argv[2], d["suite"]["path"]
assert [c["id"] for c in d["cases"]] == ["stream/fp64"], [c["id"] for c in d["cases"]]
assert len(d["cases"][0]["ranks"]) == 2, len(d["cases"][0]["ranks"])
PY
echo "slurm_installed_test: PASS: both templates ran from ${prefix}"
