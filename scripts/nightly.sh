#!/usr/bin/env bash
# Nightly regression run, for cron or a Slurm batch job: runs the nightly suite on every rank,
# adds the results to the history database, checks them against the baseline, writes the
# report and the trend page, and exits with the check's code, so the scheduler's alerting sees
# a drop.
#
#   scripts/nightly.sh [options] [-- extra capbench run arguments]
#
# Options (each also settable by the environment variable in brackets):
#   --suite FILE         suite to run [CAPBENCH_SUITE] (default: configs/suites/nightly.json)
#   --backend B          auto | cpu | cuda [CAPBENCH_BACKEND] (default: auto)
#   --launcher L         mpirun | srun | none [CAPBENCH_LAUNCHER] (default: srun inside a Slurm
#                        allocation, mpirun otherwise)
#   --np N               ranks for mpirun [CAPBENCH_NP] (default: mpirun's own choice)
#   --launcher-arg ARG   one extra launcher argument, repeatable [CAPBENCH_LAUNCHER_ARGS, split
#                        on spaces], e.g. --launcher-arg --oversubscribe or --launcher-arg --mpi=pmix
#   --build DIR          build directory holding bench/capbench and reports/capreport, or an
#                        install prefix holding bin/capbench and bin/capreport [CAPBENCH_BUILD]
#                        (default: build next to this script's repository; from an installed
#                        prefix, PREFIX/share/capbench/scripts/nightly.sh, that prefix's bin/)
#   --db FILE            history database [CAPBENCH_HISTORY_DB] (default: ./history.sqlite)
#   --out DIR            where results and reports go [CAPBENCH_OUT] (default: ./nightly)
#   --system FILE        system description for `capreport report` [CAPBENCH_SYSTEM]
#   --baseline SPEC      last:Nd | last:N | RUN_ID (default: last:14d)
#   --alpha A            false-discovery rate of the check (default: 0.01)
#   --min-effect F       smallest relative drop that counts (default: 0.03)
#   --noise-multiple K   a drop must also exceed K night-to-night spreads (default: 3)
#   --min-baseline-runs N  fewer baseline runs for a series: not checked, exit 3 (default: 5)
#   --no-confirm         do not re-measure flagged cases (every first-check regression is an alarm)
#   --confirm-after S    wait S seconds before the re-measurement, so that a burst of load (a
#                        neighbour's job, a cron task) has passed [CAPBENCH_CONFIRM_AFTER] (default: 60)
#
# Confirmation: when the check finds regressions, the flagged cases are run again after --confirm-after
# (`capbench run --only CASES`, same launcher, ranks, suite and options) and checked against the
# same baseline with the same rule. A regression stands (exit 1, "REGRESSION: ... confirmed")
# only where the re-measurement regressed too; one it did not confirm is printed as
# "NOT CONFIRMED (transient): ..." with both measurements and does not change the exit code.
# The re-measurement is stored in the history as a confirmation of the night
# (capreport history add --confirms), never as a night of its own or in a baseline, and its
# results file lies beside the night's (OUT/capbench-RUN-confirm.json). A rank that fails in it
# is a failure (exit 1). docs/nightly.md gives the false-alarm arithmetic.
#
# Exit codes:
#   0  every series checked, nothing got worse
#   1  a confirmed regression, or a rank that failed, timed out or failed verification (tonight
#      or in the re-measurement); an unconfirmed regression alone is exit 0 (or 3)
#   2  bad input: a bad option, a missing suite, build or database, a run that wrote no results
#   3  no regression or failure, but some series have too short a baseline (a new or renamed
#      suite, a new case, node or board): they were not checked
#   other  capbench's own code when it wrote no results file (docs/reliability.md lists them)
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_dir="$(cd "${script_dir}/.." && pwd)"

suite="${CAPBENCH_SUITE:-${repo_dir}/configs/suites/nightly.json}"
backend="${CAPBENCH_BACKEND:-auto}"
launcher="${CAPBENCH_LAUNCHER:-}"
np="${CAPBENCH_NP:-}"
build_dir="${CAPBENCH_BUILD:-}"
db="${CAPBENCH_HISTORY_DB:-${PWD}/history.sqlite}"
out_dir="${CAPBENCH_OUT:-${PWD}/nightly}"
system_file="${CAPBENCH_SYSTEM:-}"
baseline="last:14d"
alpha="0.01"
min_effect="0.03"
noise_multiple="3"
min_baseline_runs="5"
confirm=1
confirm_after="${CAPBENCH_CONFIRM_AFTER:-60}"
# Test hook only: the re-measurement runs this suite instead (tests/nightly plant a slowdown that
# is present in the night's run only). Never set it in production.
confirm_suite="${CAPBENCH_CONFIRM_SUITE:-}"
launcher_args=()
if [[ -n "${CAPBENCH_LAUNCHER_ARGS:-}" ]]; then
  read -r -a launcher_args <<<"${CAPBENCH_LAUNCHER_ARGS}"
fi
extra_args=()

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
}

die_usage() {
  echo "nightly.sh: $*" >&2
  exit 2
}

need_value() {
  [[ $# -ge 2 && -n "$2" ]] || die_usage "$1 needs a value"
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --suite) need_value "$@"; suite="$2"; shift 2 ;;
    --backend) need_value "$@"; backend="$2"; shift 2 ;;
    --launcher) need_value "$@"; launcher="$2"; shift 2 ;;
    --np) need_value "$@"; np="$2"; shift 2 ;;
    --launcher-arg) need_value "$@"; launcher_args+=("$2"); shift 2 ;;
    --build) need_value "$@"; build_dir="$2"; shift 2 ;;
    --db) need_value "$@"; db="$2"; shift 2 ;;
    --out) need_value "$@"; out_dir="$2"; shift 2 ;;
    --system) need_value "$@"; system_file="$2"; shift 2 ;;
    --baseline) need_value "$@"; baseline="$2"; shift 2 ;;
    --alpha) need_value "$@"; alpha="$2"; shift 2 ;;
    --min-effect) need_value "$@"; min_effect="$2"; shift 2 ;;
    --noise-multiple) need_value "$@"; noise_multiple="$2"; shift 2 ;;
    --min-baseline-runs) need_value "$@"; min_baseline_runs="$2"; shift 2 ;;
    --no-confirm) confirm=0; shift ;;
    --confirm-after) need_value "$@"; confirm_after="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    --) shift; extra_args=("$@"); break ;;
    *) die_usage "unknown argument '$1' (see --help)" ;;
  esac
done

case "${backend}" in auto|cpu|cuda) ;; *) die_usage "--backend '${backend}': expected auto, cpu or cuda" ;; esac
if [[ -z "${launcher}" ]]; then
  if [[ -n "${SLURM_JOB_ID:-}" ]]; then launcher=srun; else launcher=mpirun; fi
fi
case "${launcher}" in mpirun|srun|none) ;; *) die_usage "--launcher '${launcher}': expected mpirun, srun or none" ;; esac
if [[ -n "${np}" && ! "${np}" =~ ^[1-9][0-9]*$ ]]; then
  die_usage "--np '${np}': expected a positive integer"
fi
[[ "${confirm_after}" =~ ^[0-9]+$ ]] || die_usage "--confirm-after '${confirm_after}': expected whole seconds"
[[ -f "${suite}" ]] || die_usage "suite file '${suite}' not found"

# The programs: a build tree (bench/, reports/) or an install prefix (bin/). Without --build:
# the repository's build/, else the prefix this script was installed into (share/capbench/..).
if [[ -z "${build_dir}" ]]; then
  build_dir="${repo_dir}/build"
  if [[ ! -x "${build_dir}/bench/capbench" && -x "${repo_dir}/../../bin/capbench" ]]; then
    build_dir="$(cd "${repo_dir}/../.." && pwd)"
  fi
fi
capbench="${build_dir}/bench/capbench"
capreport="${build_dir}/reports/capreport"
if [[ ! -x "${capbench}" && -x "${build_dir}/bin/capbench" ]]; then
  capbench="${build_dir}/bin/capbench"
  capreport="${build_dir}/bin/capreport"
fi
[[ -x "${capbench}" ]] || die_usage "'${capbench}' not found or not executable (set --build or CAPBENCH_BUILD)"
[[ -x "${capreport}" ]] || die_usage "'${capreport}' not found or not executable (set --build or CAPBENCH_BUILD)"

mkdir -p "${out_dir}"
run_id="nightly-$(date -u +%Y%m%dT%H%M%SZ)-$$"
results="${out_dir}/capbench-${run_id}.json"
report_dir="${out_dir}/report-${run_id}"

bench_cmd=("${capbench}" run --suite "${suite}" --backend "${backend}" --results "${results}" --run-id "${run_id}")
bench_cmd+=("${extra_args[@]}")
case "${launcher}" in
  mpirun)
    launch=(mpirun)
    if [[ -n "${np}" ]]; then launch+=(-np "${np}"); fi
    launch+=("${launcher_args[@]}")
    ;;
  srun) launch=(srun "${launcher_args[@]}") ;;
  none) launch=() ;;
esac

echo "nightly.sh: run ${run_id}: ${launch[*]} ${bench_cmd[*]}"
bench_rc=0
"${launch[@]}" "${bench_cmd[@]}" || bench_rc=$?
if [[ ! -s "${results}" ]]; then
  echo "nightly.sh: capbench exited ${bench_rc} and wrote no results file (${results})" >&2
  if [[ "${bench_rc}" -eq 0 ]]; then exit 2; fi
  exit "${bench_rc}"
fi
if [[ "${bench_rc}" -ne 0 ]]; then
  echo "nightly.sh: capbench exited ${bench_rc}; its results are checked all the same (failed cases count as failures)" >&2
fi

"${capreport}" history add "${results}" --db "${db}"

check_rc=0
rule=(--baseline "${baseline}" --alpha "${alpha}" --min-effect "${min_effect}" --noise-multiple "${noise_multiple}"
  --min-baseline-runs "${min_baseline_runs}")
first_check="${out_dir}/check-${run_id}.txt"
"${capreport}" history check --db "${db}" --run "${run_id}" "${rule[@]}" >"${first_check}" || check_rc=$?

# Confirmation: an alarm stands only if a re-measurement of its case regresses too. The flagged
# cases run again after --confirm-after seconds (same launcher, ranks, suite and options); the re-measurement is
# stored as a confirmation of this night (never a night of its own, never in a baseline) and
# the night is checked again, which applies it (docs/nightly.md, "Confirmation").
flagged="$(sed -n 's/^REGRESSION: \([^ ]*\) .*/\1/p' "${first_check}" | sort -u | paste -sd, -)"
if [[ "${check_rc}" -eq 1 && -n "${flagged}" && "${confirm}" == 1 ]]; then
  echo "nightly.sh: first check: $(grep -c '^REGRESSION:' "${first_check}") regression(s), in full in ${first_check}"
  confirm_id="${run_id}-confirm"
  confirm_results="${out_dir}/capbench-${confirm_id}.json"
  confirm_cmd=("${capbench}" run --suite "${confirm_suite:-${suite}}" --backend "${backend}" --results "${confirm_results}"
    --run-id "${confirm_id}" --only "${flagged}")
  confirm_cmd+=("${extra_args[@]}")
  echo "nightly.sh: re-measuring the flagged case(s) to confirm, in ${confirm_after} s: ${flagged}"
  sleep "${confirm_after}"
  confirm_rc=0
  "${launch[@]}" "${confirm_cmd[@]}" || confirm_rc=$?
  if [[ -s "${confirm_results}" ]] &&
     "${capreport}" history add "${confirm_results}" --db "${db}" --confirms "${run_id}"; then
    check_rc=0
    "${capreport}" history check --db "${db}" --run "${run_id}" "${rule[@]}" || check_rc=$?
  else
    echo "nightly.sh: the re-measurement (capbench exit ${confirm_rc}) could not be stored; the alarms stand unconfirmed" >&2
  fi
else
  cat "${first_check}"
fi

# The report is for people; its exit code does not change the night's verdict.
mkdir -p "${report_dir}"
if "${capreport}" report --help >/dev/null 2>&1; then
  report_cmd=("${capreport}" report "${results}" -o "${report_dir}")
  if [[ -n "${system_file}" ]]; then report_cmd+=(--system "${system_file}"); fi
  "${report_cmd[@]}" >"${report_dir}/report.log" 2>&1 ||
    echo "nightly.sh: capreport report exited non-zero; see ${report_dir}/report.log" >&2
else
  "${capreport}" summary "${results}" --md "${report_dir}/summary.md" >"${report_dir}/summary.log" 2>&1 ||
    echo "nightly.sh: capreport summary exited non-zero; see ${report_dir}/summary.log" >&2
fi
"${capreport}" history trend --db "${db}" -o "${report_dir}" "${rule[@]}" >/dev/null ||
  echo "nightly.sh: capreport history trend failed" >&2

echo "nightly.sh: run ${run_id}: check exit ${check_rc}; report in ${report_dir}"
exit "${check_rc}"
